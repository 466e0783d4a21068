//! Tokens (`--token-file`): executing and deleting want `Authorization: Bearer TOKEN`
//! (the page's form, a `token` field); reading does not. The file holds the tokens'
//! SHA-256 hashes in hex, one per line (`printf %s "$TOKEN" | sha256sum`), each perhaps
//! followed by a name; `#` starts a comment. The tokens themselves are never stored.

use std::collections::HashSet;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use super::problem::Problem;
use super::State;

pub struct Tokens {
    hashes: HashSet<[u8; 32]>,
}

impl Tokens {
    pub fn read(file: &std::path::Path) -> Result<Tokens, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("--token-file {}: {e}", file.display()))?;
        let mut hashes = HashSet::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some(hex) = line.split_whitespace().next() else {
                continue;
            };
            let hash = decode(hex).ok_or_else(|| {
                format!(
                    "--token-file {} line {}: a SHA-256 hash in hex (64 characters) of a \
                     token, as `printf %s \"$TOKEN\" | sha256sum` prints it",
                    file.display(),
                    n + 1
                )
            })?;
            hashes.insert(hash);
        }
        if hashes.is_empty() {
            return Err(format!(
                "--token-file {}: no token's hash in it",
                file.display()
            ));
        }
        Ok(Tokens { hashes })
    }

    fn admits(&self, token: &str) -> bool {
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.hashes.contains(&hash)
    }
}

fn decode(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The request's bearer token is one of the server's, or the server has none.
pub fn require(state: &State, headers: &HeaderMap) -> Result<(), Problem> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .unwrap_or("");
    require_token(state, token)
}

pub fn require_token(state: &State, token: &str) -> Result<(), Problem> {
    match &state.tokens {
        Some(tokens) if !tokens.admits(token) => Err(Problem::unauthorized()),
        _ => Ok(()),
    }
}

/// Whether the server asks for tokens (the page shows a field for one).
pub fn required(state: &State) -> bool {
    state.tokens.is_some()
}

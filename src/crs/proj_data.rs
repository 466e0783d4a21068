//! PROJ's database at run time. The binary embeds the `proj.db` of the bundled PROJ build
//! and writes it once to a cache directory; `PROJ_DATA` (or `PROJ_LIB`) pointing at a
//! directory with a `proj.db` takes precedence.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static EMBEDDED: &[u8] = include_bytes!(env!("PLANLINT_PROJ_DB"));

/// The directory holding the `proj.db` to use, or why there is none.
pub fn dir() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(find).as_deref().map_err(Clone::clone)
}

fn find() -> Result<PathBuf, String> {
    for var in ["PROJ_DATA", "PROJ_LIB"] {
        if let Some(d) = std::env::var_os(var).map(PathBuf::from) {
            if d.join("proj.db").is_file() {
                return Ok(d);
            }
        }
    }
    if EMBEDDED.is_empty() {
        return Err("this build has no embedded proj.db: set PROJ_DATA to a directory holding PROJ 9.6's proj.db".into());
    }
    let name = format!("proj-9.6-{}-{:016x}", EMBEDDED.len(), fnv1a(EMBEDDED));
    let mut errors = Vec::new();
    for base in cache_bases() {
        let d = base.join("planlint").join(&name);
        match write_once(&d) {
            Ok(()) => return Ok(d),
            Err(e) => errors.push(format!("{}: {e}", d.display())),
        }
    }
    Err(format!(
        "cannot write PROJ's proj.db to a cache directory ({})",
        errors.join("; ")
    ))
}

/// Where the cache may go, in order: `%LOCALAPPDATA%` on Windows, `$XDG_CACHE_HOME`,
/// `~/.cache`, the temp dir.
fn cache_bases() -> Vec<PathBuf> {
    let mut v = Vec::new();
    #[cfg(windows)]
    if let Some(x) = std::env::var_os("LOCALAPPDATA") {
        v.push(PathBuf::from(x));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME") {
        v.push(PathBuf::from(x));
    }
    if let Some(h) = std::env::var_os("HOME") {
        v.push(PathBuf::from(h).join(".cache"));
    }
    v.push(std::env::temp_dir());
    v
}

/// Writes the database unless a complete copy is already there (written to a temporary
/// name, then renamed, so that concurrent runs never see half a file).
fn write_once(dir: &Path) -> std::io::Result<()> {
    let db = dir.join("proj.db");
    if db
        .metadata()
        .map(|m| m.len() == EMBEDDED.len() as u64)
        .unwrap_or(false)
    {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!("proj.db.{}.tmp", std::process::id()));
    std::fs::write(&tmp, EMBEDDED)?;
    match std::fs::rename(&tmp, &db) {
        Ok(()) => Ok(()),
        // Windows refuses to replace a file another run has open: that run wrote it whole.
        Err(_)
            if db
                .metadata()
                .is_ok_and(|m| m.len() == EMBEDDED.len() as u64) =>
        {
            let _ = std::fs::remove_file(&tmp);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    // A cheap fingerprint of the embedded file: sample every 4 KiB page, enough to tell
    // two PROJ versions apart without hashing 9 MB at every start.
    let mut h: u64 = 0xcbf29ce484222325;
    for chunk in bytes.chunks(4096) {
        for &b in chunk.iter().take(64) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

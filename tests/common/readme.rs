//! The README's examples, run as written (tests/readme.rs; the GDAL and QGIS tests run
//! theirs). A fenced block's info string says what it is:
//!
//! - `sh`: a script, run by bash (`set -eo pipefail`) in a copy of `data/` and `fixtures/`
//!   with this build's `planlint` first on the PATH; a `planlint` command must exit 0 or 1
//!   (1: the plan has failing findings), any other command 0. `sh gdal` and `sh qgis`: the
//!   same, run by tests/gdal.rs (a build with GDAL) and tests/qgis.rs.
//! - `console`: a transcript. A line `$ COMMAND` is run as above; the lines after it are
//!   what it prints (standard output, then standard error), where a line `…` stands for
//!   any number of lines and `…` within a line for any text.
//! - `python`: run by tests/python/test_readme.py in the wheel's virtual environment.
//! - `rust`: doctests of the library (`src/lib.rs` includes the README under `doctest`).
//! - `sh not-run` and the others (`toml`, `yaml`, `bat`, `powershell`, `text`): not run;
//!   the prose beside each says what it needs (a server, Windows, a cluster).
//!
//! `cargo run --release -- ARGS` in an example is run as `planlint ARGS` (the same
//! binary, built once by the test).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fenced code block of the README.
#[derive(Debug, Clone)]
pub struct Block {
    /// The line of its opening fence (1-based).
    pub line: usize,
    /// What follows the opening fence: `sh`, `sh not-run`, `console`…
    pub info: String,
    /// Its lines, the list indentation of the fence taken off.
    pub lines: Vec<String>,
}

/// Every fenced block of the README, in order.
pub fn blocks() -> Vec<Block> {
    let text = std::fs::read_to_string(super::root().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut open: Option<(usize, usize, String, Vec<String>)> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        match &mut open {
            None if trimmed.starts_with("```") => {
                open = Some((i + 1, indent, trimmed[3..].trim().to_string(), Vec::new()));
            }
            None => {}
            Some(_) if trimmed == "```" => {
                let (line, _, info, lines) = open.take().unwrap();
                out.push(Block { line, info, lines });
            }
            Some((_, fence, _, lines)) => {
                let cut = line
                    .char_indices()
                    .take_while(|&(n, c)| n < *fence && c == ' ')
                    .count();
                lines.push(line[cut..].to_string());
            }
        }
    }
    assert!(open.is_none(), "README.md: a fenced block is not closed");
    out
}

/// The blocks tagged `info` exactly.
pub fn tagged(info: &str) -> Vec<Block> {
    blocks().into_iter().filter(|b| b.info == info).collect()
}

/// The commands of an `sh` block: lines joined where they end in `\`, blank lines and
/// whole-line comments left out.
pub fn commands(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in lines {
        if current.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    assert!(current.is_empty(), "a command ends in \\: {current}");
    out
}

/// A `console` block: each command and the lines it is shown to print.
pub fn transcript(lines: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        match line.strip_prefix("$ ") {
            Some(command) => out.push((command.to_string(), Vec::new())),
            None => out
                .last_mut()
                .expect("a console block starts with `$ COMMAND`")
                .1
                .push(line.clone()),
        }
    }
    out
}

/// Whether `actual` is what `expected` shows: lines compared without trailing blanks, a
/// line `…` for any number of lines, `…` within a line for any text. Else a message
/// naming the first line that differs.
pub fn shows(expected: &[String], actual: &str) -> Result<(), String> {
    let want: Vec<&str> = expected.iter().map(|l| l.trim_end()).collect();
    let got: Vec<&str> = actual.lines().map(str::trim_end).collect();
    if lines_match(&want, &got) {
        return Ok(());
    }
    // The longest prefix of the expected lines that some part of the output matches, to
    // say where it goes wrong.
    let mut good = 0;
    for n in 1..=want.len() {
        let mut prefix = want[..n].to_vec();
        prefix.push("…");
        if lines_match(&prefix, &got) {
            good = n;
        } else {
            break;
        }
    }
    Err(format!(
        "the output differs from the README at its line {} of {}: {:?}\n--- printed:\n{actual}",
        good + 1,
        want.len(),
        want.get(good).unwrap_or(&"(end)")
    ))
}

fn lines_match(want: &[&str], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w.trim() == "…" => {
            (0..=got.len()).any(|k| lines_match(rest, &got[k..]))
        }
        Some((w, rest)) => got
            .split_first()
            .is_some_and(|(g, more)| line_matches(w, g) && lines_match(rest, more)),
    }
}

/// A line with `…` wildcards, each any text.
fn line_matches(want: &str, got: &str) -> bool {
    let parts: Vec<&str> = want.split('…').collect();
    if parts.len() == 1 {
        return want == got;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !got.starts_with(first) || !got[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &got[first.len()..got.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// A copy of `data/` and `fixtures/` to run examples in, with `planlint` on the PATH.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Sandbox {
    /// A sandbox running `binary` as `planlint`.
    pub fn new(binary: &Path) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["data", "fixtures"] {
            copy_tree(&super::root().join(folder), &dir.path().join(folder));
        }
        let bin = dir.path().join(".bin");
        std::fs::create_dir(&bin).unwrap();
        std::os::unix::fs::symlink(binary, bin.join("planlint")).unwrap();
        Sandbox { dir, bin }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs one command of an example: (exit status, standard output, standard error).
    /// Five minutes at most; English, as where `LANG` is not Chinese.
    pub fn run(&self, command: &str, env: &[(&str, &str)]) -> (i32, String, String) {
        let command = match command.strip_prefix("cargo run --release -- ") {
            Some(rest) => format!("planlint {rest}"),
            None => command.to_string(),
        };
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // Output goes to files, not pipes, and the command runs in a process group of its
        // own that is ended with it: a process a block leaves behind (a server started
        // with `&`, whose `kill %1` reaches only the shell function around it) neither
        // holds the output open nor outlives the block.
        use std::os::unix::process::CommandExt as _;
        let files = tempfile::tempdir().unwrap();
        let (out_path, err_path) = (files.path().join("out"), files.path().join("err"));
        let status = Command::new("timeout")
            .args(["300", "bash", "-c", &command])
            .current_dir(self.path())
            .env("PATH", path)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .process_group(0)
            .spawn()
            .and_then(|mut child| {
                let group = child.id();
                let status = child.wait();
                let _ = Command::new("kill")
                    .args(["-TERM", "--", &format!("-{group}")])
                    .stderr(std::process::Stdio::null())
                    .status();
                status
            })
            .expect("run bash");
        let read = |p: &std::path::Path| {
            String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned()
        };
        (
            status.code().unwrap_or(-1),
            read(&out_path),
            read(&err_path),
        )
    }

    /// Runs a command and requires it to work: a `planlint` command exits 0 or 1, any
    /// other 0. Its standard output and error, one after the other.
    pub fn run_ok(&self, block: &Block, command: &str, env: &[(&str, &str)]) -> String {
        let (code, out, err) = self.run(command, env);
        let planlint = ["planlint ", "cargo run --release -- "]
            .iter()
            .any(|p| command.starts_with(p));
        let fine = code == 0 || (planlint && code == 1);
        assert!(
            fine,
            "README.md:{} `{command}` exits {code}{}:\n{out}{err}",
            block.line,
            if code == 124 { " (timed out)" } else { "" }
        );
        format!("{out}{err}")
    }

    /// Runs an `sh` block as one script, stopping at the first command that fails (a
    /// `planlint` command fails when it exits 2 or more); how many commands it has.
    pub fn run_block(&self, block: &Block, env: &[(&str, &str)]) -> usize {
        const PRELUDE: &str = "set -eo pipefail\n\
            planlint() { local rc=0; command planlint \"$@\" || rc=$?; \
            if [ \"$rc\" -gt 1 ]; then echo \"planlint $* exits $rc\" >&2; return \"$rc\"; fi; }\n";
        let script = format!("{PRELUDE}{}\n", block.lines.join("\n"));
        let (code, out, err) = self.run(&script, env);
        assert_eq!(
            code,
            0,
            "README.md:{}: the block fails (exit {code}{}):\n{}\n---\n{out}{err}",
            block.line,
            if code == 124 { ", timed out" } else { "" },
            block.lines.join("\n")
        );
        commands(&block.lines).len()
    }

    /// Runs a `console` block and compares what each command prints with what the README
    /// shows; how many commands.
    pub fn run_transcript(&self, block: &Block, env: &[(&str, &str)]) -> usize {
        let steps = transcript(&block.lines);
        for (command, shown) in &steps {
            let printed = self.run_ok(block, command, env);
            if let Err(e) = shows(shown, &printed) {
                panic!("README.md:{} `{command}`: {e}", block.line);
            }
        }
        steps.len()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

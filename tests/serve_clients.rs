//! `planlint serve` with clients no one here wrote: OWSLib (the OGC API client people
//! call a processing service with) and a person's browser (headless Chromium driven by
//! Selenium through Debian's chromium-driver), in a fresh virtual environment with the
//! versions `tests/clients/constraints.txt` pins (tests/clients/test_serve.py), and the
//! README's OWSLib example as written. Every step
//! has a time limit; nothing is installed outside the test's folder.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::limited;

/// The first of `names` on the PATH.
fn program(names: &[&str]) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("none of {names:?} on the PATH: bash .ci/setup --tests"))
}

/// A child process killed when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plan folder zipped, its files at the top.
fn zip_folder(dir: &std::path::Path) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            zip.start_file(
                f.file_name().unwrap().to_string_lossy(),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[test]
fn owslib_and_a_browser_use_the_service_unchanged() {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    let server = Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--city",
            "anyang=data/sample",
            "--data",
        ])
        .arg(dir.path().join("data"))
        .current_dir(&root)
        .env("PLANLINT_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start planlint serve");
    // Killed however the test ends.
    let mut server = Killed(server);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("planlint serve: listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    let python = common::venv(
        dir.path(),
        &root.join("tests/clients/constraints.txt"),
        &["OWSLib", "selenium", "pytest"],
    );
    let out = limited(600, &python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("tests/clients/test_serve.py"))
        .current_dir(dir.path())
        .env("PLANLINT_SERVER", &base)
        .env("PLANLINT_ROOT", &root)
        .env("PLANLINT_CHROMIUM", common::browser::chromium())
        .env("PLANLINT_CHROMEDRIVER", program(&["chromedriver"]))
        .env("SE_OFFLINE", "true")
        .envs(std::env::var_os("PLANLINT_SCREENSHOT").map(|s| ("PLANLINT_SCREENSHOT", s)))
        .output()
        .expect("run pytest");
    // The README's OWSLib example, as written but for the server's port, beside the
    // zipped submission it reads.
    let readme: Vec<_> = common::readme::blocks()
        .into_iter()
        .filter(|b| b.info == "python owslib")
        .collect();
    assert_eq!(readme.len(), 1, "the README's OWSLib example");
    let example = dir.path().join("readme_owslib.py");
    std::fs::write(
        &example,
        readme[0]
            .lines
            .join("\n")
            .replace("http://127.0.0.1:8080", &base),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("submission.zip"),
        zip_folder(&root.join("data/submission")),
    )
    .unwrap();
    let shown = limited(300, &python)
        .arg(&example)
        .current_dir(dir.path())
        .output()
        .expect("run the README's OWSLib example");
    let printed = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.status.success(),
        "README.md:{}: {printed}{}",
        readme[0].line,
        String::from_utf8_lossy(&shown.stderr)
    );
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "['check', 'fix']");
    assert_eq!(lines.len(), 3, "{printed}");
    assert!(lines[1..].iter().any(|l| l.starts_with("SUB-1 ")));
    assert!(lines[1..].iter().any(|l| l.starts_with("SUB-2 ")));
    drop(server);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the clients' tests failed:\n{text}");
    assert!(
        !text.contains("skipped") && text.contains("2 passed"),
        "{text}"
    );
}

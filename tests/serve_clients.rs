//! `planlint serve` with clients no one here wrote: OWSLib (the OGC API client people
//! call a processing service with) and a person's browser (headless Chromium driven by
//! Selenium through Debian's chromium-driver), in a fresh virtual environment with the
//! versions `tests/clients/constraints.txt` pins (tests/clients/test_serve.py), and the
//! README's OWSLib example as written. Every step
//! has a time limit; nothing is installed outside the test's folder.

mod common;

use common::limited;
use common::server::{zip_folder, Server};

/// The first of `names` on the PATH.
fn program(names: &[&str]) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("none of {names:?} on the PATH: bash .ci/setup --tests"))
}

#[test]
fn owslib_and_a_browser_use_the_service_unchanged() {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    // Killed however the test ends.
    let server = Server::start(&dir.path().join("data"), &["--city", "anyang=data/sample"]);
    let base = server.base.clone();
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

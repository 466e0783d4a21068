//! The Python wheel: built by `.ci/wheel` (the `planlint` binary and the PyO3 module, in
//! this target directory), installed alone in a fresh virtual environment with pandas,
//! GeoPandas and pyogrio from the registry, and tested by `tests/python/test_wheel.py`
//! from a directory outside the checkout, with `LD_LIBRARY_PATH` and `PROJ_DATA` empty as
//! a new user's would be: its command and its module give what this build's binary gives.

use std::path::Path;
use std::process::Command;

/// Runs a command that must succeed; its standard output.
fn ok(what: &str, cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_wheel_installed_alone_does_what_the_binary_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The wheel carries the binary these tests built (no second cargo build of it).
    let built = ok(
        "bash .ci/wheel",
        Command::new("bash")
            .arg(root.join(".ci/wheel"))
            .current_dir(root)
            .env("PLANLINT_BIN", env!("CARGO_BIN_EXE_planlint")),
    );
    let wheel = built
        .lines()
        .last()
        .filter(|l| l.ends_with(".whl"))
        .map(|l| root.join(l.trim()))
        .unwrap_or_else(|| panic!("no wheel named in:\n{built}"));
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    ok(
        "python3 -m venv",
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
    );
    let python = venv.join("bin/python");
    ok(
        "pip install",
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            // `map`: GeoPandas, pyogrio and what `.explore()` needs, as the README's
            // notebook example installs them.
            .arg(format!("{}[map]", wheel.display()))
            .arg("pytest"),
    );
    let work = dir.path().join("elsewhere");
    std::fs::create_dir(&work).unwrap();
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("tests/python"))
        .current_dir(&work)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("PROJ_DATA")
        .env_remove("PROJ_LIB")
        .env("PLANLINT_ROOT", root)
        .env("PLANLINT_CARGO_BIN", env!("CARGO_BIN_EXE_planlint"))
        .output()
        .expect("run pytest");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the wheel's tests failed:\n{text}");
    // Every test ran: none was skipped or deselected.
    assert!(
        !text.contains("skipped") && text.contains(" passed"),
        "{text}"
    );
}

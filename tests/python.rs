//! The Python wheel: built by `.ci/wheel` (the `planlint` binary and the PyO3 module, in
//! this target directory) into the test's own folder, installed alone in a fresh virtual
//! environment with `planlint[map]` (pandas, GeoPandas, pyogrio, folium, matplotlib,
//! mapclassify) from the registry, at the versions `tests/python/constraints.txt` pins,
//! and tested by `tests/python/` (the module's hand-worked figures, the README's Python
//! examples, and as packaging checks, the same reports as this build's binary) from a
//! directory outside the checkout, with `LD_LIBRARY_PATH` and `PROJ_DATA` empty as a new
//! user's would be. Every step has a time limit; nothing is installed outside the test's
//! folder (maturin must be there already: `bash .ci/setup --tests`).

mod common;

use std::path::Path;
use std::process::Command;

use common::{limited, must as ok};

#[test]
fn the_wheel_installed_alone_does_what_the_binary_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ok(
        "maturin (bash .ci/setup --tests installs it)",
        Command::new("python3").args(["-m", "maturin", "--version"]),
    );
    let dir = tempfile::tempdir().unwrap();
    // The wheel carries the binary these tests built (no second cargo build of it), and
    // lands in this test's folder.
    let built = ok(
        "bash .ci/wheel",
        limited(1200, "bash")
            .arg(root.join(".ci/wheel"))
            .current_dir(root)
            .env("PLANLINT_BIN", env!("CARGO_BIN_EXE_planlint"))
            .env("PLANLINT_WHEEL_OUT", dir.path().join("wheels")),
    );
    let wheel = built
        .lines()
        .last()
        .filter(|l| l.ends_with(".whl"))
        .map(|l| root.join(l.trim()))
        .unwrap_or_else(|| panic!("no wheel named in:\n{built}"));
    // `map`: GeoPandas, pyogrio and what `.explore()` needs, as the README's notebook
    // example installs them.
    let python = common::venv(
        dir.path(),
        &root.join("tests/python/constraints.txt"),
        &[&format!("{}[map]", wheel.display()), "pytest"],
    );
    let work = dir.path().join("elsewhere");
    std::fs::create_dir(&work).unwrap();
    let out = limited(1200, &python)
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

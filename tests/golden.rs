//! Behaviour unchanged (issue 8): every report below was written before the reshaping of
//! the code began; the reshaped code must write the same bytes. These files go when the
//! issue's last commit lands.

mod common;

use std::path::Path;

/// Runs `planlint ARGS` and compares its standard output with `tests/golden/NAME`.
fn same(name: &str, args: &[&str]) {
    let golden = common::root().join("tests/golden").join(name);
    let want = std::fs::read(&golden).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args(args)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(
        out.stdout == want,
        "{name}: the report differs from the one written before the change (stderr: {})",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_fixture_and_the_sample_give_the_same_json() {
    let mut plans: Vec<String> = std::fs::read_dir(common::root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| format!("fixtures/{}", p.file_name().unwrap().to_str().unwrap()))
        .collect();
    plans.sort();
    plans.push("data/sample".into());
    for plan in &plans {
        let name = Path::new(plan).file_name().unwrap().to_str().unwrap();
        same(
            &format!("{name}.json"),
            &["check", plan, "--format", "json", "--lang", "en"],
        );
        // Each also follows the shipped schema and the contract checker.
        let (_, r) = common::report(plan, &[]);
        assert!(common::contract_holds(&r), "{plan}");
    }
    same(
        "basic.zh.json",
        &[
            "check",
            "fixtures/basic",
            "--format",
            "json",
            "--lang",
            "zh",
        ],
    );
    same(
        "network.suggest.json",
        &[
            "check",
            "fixtures/network",
            "--format",
            "json",
            "--lang",
            "en",
            "--suggest",
            "2",
        ],
    );
}

#[test]
fn the_other_formats_give_the_same_bytes() {
    for (name, plan, format, lang) in [
        ("basic.txt", "fixtures/basic", "text", "en"),
        ("basic.zh.txt", "fixtures/basic", "text", "zh"),
        ("basic.csv", "fixtures/basic", "csv", "en"),
        ("basic.geojson", "fixtures/basic", "geojson", "en"),
        ("network.txt", "fixtures/network", "text", "en"),
    ] {
        same(name, &["check", plan, "--format", format, "--lang", lang]);
    }
    let dir = tempfile::tempdir().unwrap();
    let areas = dir.path().join("areas.geojson");
    same(
        "network.geojson",
        &[
            "check",
            "fixtures/network",
            "--format",
            "geojson",
            "--lang",
            "en",
            "--service-areas",
            areas.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&areas).unwrap(),
        std::fs::read(common::root().join("tests/golden/network.service-areas.geojson")).unwrap(),
        "service areas"
    );
}

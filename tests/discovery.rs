//! How planlint finds a plan and its settings, whatever the format: a folder's layers in
//! any format it reads (one table of formats), a whole plan in one file (`plan.gpkg`),
//! and the `plan.toml` beside the plan or in a folder above it. The findings compared are
//! those of `fixtures/basic`, worked out by hand in tests/check_basic.rs; its GeoPackage
//! twin `fixtures/geopackage/plan.gpkg` was written from it by ogr2ogr.

mod common;

use std::path::Path;

use common::run;

const SETTINGS: &str = "profile = \"anyang-2017\"\nas_of = \"2024-06-30\"\n";

fn copy(from: &str, to: &Path) {
    std::fs::copy(common::root().join(from), to).unwrap();
}

/// A plan folder `root/under` holding the layers of `fixture` named in `files`, and no
/// plan.toml.
fn plan_in(root: &Path, under: &str, fixture: &str, files: &[&str]) -> std::path::PathBuf {
    let plan = root.join(under);
    std::fs::create_dir_all(&plan).unwrap();
    for f in files {
        copy(&format!("fixtures/{fixture}/{f}"), &plan.join(f));
    }
    plan
}

/// The layers of the basic fixture.
const BASIC: [&str; 4] = [
    "compounds.geojson",
    "facilities.geojson",
    "phases.csv",
    "units.geojson",
];

/// The summary of `planlint check --recursive ROOT EXTRA… --format json`, after its exit
/// code is asserted 1 (the plans fail).
fn batch(root: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--recursive", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json", "--lang", "en"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 1, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn recursive_finds_a_folder_whose_only_layers_are_geopackages() {
    // fixtures/geopackage/folder without its plan.toml: compounds.gpkg is the only sign of
    // a plan.
    let root = tempfile::tempdir().unwrap();
    let layers = [
        "compounds.gpkg",
        "facilities.gpkg",
        "phases.csv",
        "units.geojson",
    ];
    plan_in(root.path(), "county", "geopackage/folder", &layers);
    let summary = batch(
        root.path(),
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    let rows = summary["plans"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{summary}");
    assert_eq!(rows[0]["status"], "checked", "{summary}");
    // The basic fixture: 8 errors, 10 passes (tests/check_basic.rs).
    assert_eq!(rows[0]["summary"]["errors"], 8);
    assert_eq!(rows[0]["summary"]["pass"], 10);
}

#[test]
fn a_plan_gpkg_takes_the_plan_toml_beside_it_and_a_folder_reads_its_plan_gpkg() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let dir = tempfile::tempdir().unwrap();
    copy(
        "fixtures/geopackage/plan.gpkg",
        &dir.path().join("plan.gpkg"),
    );
    std::fs::write(dir.path().join("plan.toml"), SETTINGS).unwrap();
    // No --profile, no --as-of: plan.toml beside the file gives them.
    let file = dir.path().join("plan.gpkg");
    let (code, by_file) = common::report(file.to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    assert_eq!(by_file["profile"]["id"], "anyang-2017");
    assert_eq!(by_file["as_of"], "2024-06-30");
    assert_eq!(common::figures(&by_file), common::figures(&basic));
    // The folder holding plan.gpkg and plan.toml is the same plan.
    let (code, by_folder) = common::report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    assert_eq!(common::figures(&by_folder), common::figures(&basic));
    assert!(by_folder["inputs"]["compounds"]["path"]
        .as_str()
        .unwrap()
        .ends_with("plan.gpkg:compounds"));
}

#[test]
fn a_plan_toml_in_a_folder_above_applies_to_the_plans_below() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("plan.toml"), SETTINGS).unwrap();
    let plan = plan_in(root.path(), "district/project", "basic", &BASIC);
    let (code, r) = common::report(plan.to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    assert_eq!(r["as_of"], "2024-06-30");
    assert_eq!(common::figures(&r), common::figures(&basic));
}

#[test]
fn recursive_takes_a_plan_toml_above_plans_as_their_settings_not_as_a_plan() {
    // ROOT/plan.toml gives profile and date; ROOT/a holds the basic plan's layers.
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("plan.toml"), SETTINGS).unwrap();
    plan_in(root.path(), "a", "basic", &BASIC);
    let summary = batch(root.path(), &[]);
    let rows = summary["plans"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "the root is not a plan: {summary}");
    assert_eq!(rows[0]["status"], "checked", "{summary}");
    assert_eq!(rows[0]["profile"], "anyang-2017");
    assert_eq!(rows[0]["summary"]["errors"], 8);
}

#[test]
fn a_folder_without_compounds_names_every_format_it_could_have_been() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), SETTINGS).unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    for name in [
        "compounds.geojson",
        "compounds.shp",
        "compounds.gpkg",
        "plan.gpkg",
    ] {
        assert!(err.contains(name), "{name} not in: {err}");
    }
    // A layer in a format this build does not read is named as such.
    if !cfg!(feature = "gdal") {
        std::fs::write(dir.path().join("compounds.tab"), "!table").unwrap();
        let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(
            err.contains("compounds.tab") && err.contains("--features gdal"),
            "{err}"
        );
    }
}

#[test]
fn planlint_formats_lists_the_table() {
    let (code, out, _) = run(&["formats"]);
    assert_eq!(code, 0);
    for name in [
        "GeoJSON",
        ".shp",
        "GeoPackage",
        "postgresql://",
        ".osm.pbf",
        "FlatGeobuf",
    ] {
        assert!(out.contains(name), "{name} not in: {out}");
    }
    // A build without GDAL names the formats only a GDAL build reads as such.
    let gdal = out.lines().find(|l| l.starts_with("FlatGeobuf")).unwrap();
    assert_eq!(
        gdal.contains("only with --features gdal"),
        !cfg!(feature = "gdal"),
        "{gdal}"
    );
}

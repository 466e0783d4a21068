//! GeoPackage input (issue 13), against files GDAL wrote (fixtures/geopackage/
//! make_fixture.sh: ogr2ogr from fixtures/basic). The findings must be those of the
//! GeoJSON plan they were made from, figure for figure (tests/check_basic.rs works them
//! out by hand).

mod common;

use common::run;
use serde_json::Value;

/// (rule, subject, status, measured, required) of every finding.
fn figures(r: &Value) -> Vec<(String, String, String, Value, Value)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"]["id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["measured"].clone(),
                f["required"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_plan_gpkg_is_a_plan_and_checks_as_its_geojson_twin() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report(
        "fixtures/geopackage/plan.gpkg",
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    assert_eq!(code, 1);
    assert!(common::contract_holds(&r));
    assert_eq!(figures(&r), figures(&basic));
    // Each layer is named by its table, and its SRS read from gpkg_spatial_ref_sys.
    let c = &r["inputs"]["compounds"];
    assert_eq!(c["path"], "fixtures/geopackage/plan.gpkg:compounds");
    assert_eq!(c["crs"], "EPSG:4547");
    assert_eq!(r["inputs"]["phases"]["features"], 2);
}

#[test]
fn gpkg_layers_in_a_folder_and_one_table_named_on_the_command_line() {
    // compounds.gpkg holds "compounds"; facilities.gpkg's only table is "poi".
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report("fixtures/geopackage/folder", &[]);
    assert_eq!(code, 1);
    assert_eq!(figures(&r), figures(&basic));
    // --compounds FILE.gpkg:TABLE picks one table of a GeoPackage.
    let (code, r) = common::report(
        "fixtures/basic",
        &["--compounds", "fixtures/geopackage/plan.gpkg:compounds"],
    );
    assert_eq!(code, 1);
    assert_eq!(figures(&r), figures(&basic));
}

#[test]
fn a_missing_table_an_unknown_srs_and_a_file_that_is_no_geopackage_are_exit_2() {
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--compounds",
        "fixtures/geopackage/plan.gpkg:houses",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("plan.gpkg")
            && err.contains("no table 'houses'")
            && err.contains("compounds, facilities, units, phases"),
        "{err}"
    );
    // The compounds' SRS rewritten to one no one knows.
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("plan.gpkg");
    std::fs::copy(common::root().join("fixtures/geopackage/plan.gpkg"), &gpkg).unwrap();
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    db.execute(
        "UPDATE gpkg_spatial_ref_sys SET organization = 'ACME', organization_coordsys_id = 7, definition = 'LOCAL_CS[\"site grid\"]' WHERE srs_id = 4547",
        [],
    )
    .unwrap();
    drop(db);
    let (code, _, err) = run(&["check", gpkg.to_str().unwrap(), "--profile", "anyang-2017"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("plan.gpkg:compounds") && err.contains("PROJ"),
        "{err}"
    );
    // Text in a .gpkg.
    let bad = dir.path().join("compounds.gpkg");
    std::fs::write(&bad, "not sqlite at all").unwrap();
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--compounds",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("compounds.gpkg") && err.contains("not a GeoPackage"),
        "{err}"
    );
}

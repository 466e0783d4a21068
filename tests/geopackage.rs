//! GeoPackage input (issue 13), against files GDAL wrote (fixtures/geopackage/
//! make_fixture.sh: ogr2ogr from fixtures/basic). The findings must be those of the
//! GeoJSON plan they were made from, figure for figure (tests/check_basic.rs works them
//! out by hand).

mod common;

use common::run;
use serde_json::Value;

#[test]
fn a_plan_gpkg_is_a_plan_and_checks_as_its_geojson_twin() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report(
        "fixtures/geopackage/plan.gpkg",
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    assert_eq!(code, 1);
    assert!(common::contract_holds(&r));
    assert_eq!(common::figures(&r), common::figures(&basic));
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
    assert_eq!(common::figures(&r), common::figures(&basic));
    // --compounds FILE.gpkg:TABLE picks one table of a GeoPackage.
    let (code, r) = common::report(
        "fixtures/basic",
        &["--compounds", "fixtures/geopackage/plan.gpkg:compounds"],
    );
    assert_eq!(code, 1);
    assert_eq!(common::figures(&r), common::figures(&basic));
    // The compounds are the GeoPackage's, not the folder's compounds.geojson.
    assert_eq!(
        r["inputs"]["compounds"]["path"],
        "fixtures/geopackage/plan.gpkg:compounds"
    );
    assert_eq!(r["inputs"]["units"]["path"], "fixtures/basic/units.geojson");
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
            && err.contains("no layer 'houses'")
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

/// Runs a GDAL program (gdal-bin, installed by .ci/setup) and gives its standard output.
fn gdal(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (apt-get install gdal-bin): {e}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_as_geopackage_opens_in_gdal_with_typed_attributes() {
    // fixtures/network: CB walks 260 m to FB (tests/network.rs works it out by hand).
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("report.gpkg");
    let areas = dir.path().join("areas.geojson");
    let (code, _, err) = run(&[
        "check",
        "fixtures/network",
        "--format",
        "gpkg",
        "-o",
        gpkg.to_str().unwrap(),
        "--service-areas",
        areas.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let (_, r) = common::report("fixtures/network", &[]);
    let findings = r["findings"].as_array().unwrap().len();
    let g = gpkg.to_str().unwrap();
    let layers = gdal("ogrinfo", &["-ro", "-q", g]);
    assert!(
        layers.contains("1: findings")
            && layers.contains("2: service_areas (Line String)")
            && layers.contains("3: rejected (None)"),
        "{layers}"
    );
    let info = gdal("ogrinfo", &["-ro", "-so", g, "findings"]);
    assert!(
        info.contains(&format!("Feature Count: {findings}")),
        "{info}"
    );
    for typed in [
        "measured: Real",
        "measured_date: Date",
        "required: Real",
        "rule: String",
        "ID[\"EPSG\",4326]",
    ] {
        assert!(info.contains(typed), "{typed}: {info}");
    }
    let cb = gdal(
        "ogrinfo",
        &[
            "-ro",
            g,
            "findings",
            "-where",
            "rule = 'service-circle' AND subject_id = 'CB'",
        ],
    );
    assert!(
        cb.contains("measured (Real) = 260") && cb.contains("required (Real) = 800"),
        "{cb}"
    );
    assert!(cb.contains("MULTIPOLYGON (((114."), "{cb}");
    // The same service areas as the GeoJSON file.
    let lines: Value = serde_json::from_str(&std::fs::read_to_string(&areas).unwrap()).unwrap();
    let n = lines["features"].as_array().unwrap().len();
    let sa = gdal("ogrinfo", &["-ro", "-so", g, "service_areas"]);
    assert!(sa.contains(&format!("Feature Count: {n}")), "{sa}");
    // And planlint reads its own report back as a layer.
    let raw = planlint::read::geopackage::read(&gpkg, Some("findings")).unwrap();
    assert_eq!(raw.features.len(), findings);
}

#[test]
fn plan_toml_names_a_geopackage_once_for_all_layers() {
    // database = the GeoPackage: compounds, units and phases are its tables of those
    // names, facilities the table `table` names; the findings are the GeoJSON plan's.
    let (_, basic) = common::report("fixtures/basic", &[]);
    let plan = tempfile::tempdir().unwrap();
    let gpkg = common::root().join("fixtures/geopackage/plan.gpkg");
    let toml = |body: &str| std::fs::write(plan.path().join("plan.toml"), body).unwrap();
    toml(&format!(
        "profile = \"anyang-2017\"\nas_of = \"2024-06-30\"\ndatabase = {:?}\n\n\
         [layers.facilities]\ntable = \"FACILITIES\"\n",
        gpkg.display().to_string()
    ));
    let dir = plan.path().to_str().unwrap();
    let (code, r) = common::report(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(common::figures(&r), common::figures(&basic));
    assert_eq!(
        r["inputs"]["units"]["path"],
        format!("{}:units", gpkg.display())
    );
    assert_eq!(r["inputs"]["phases"]["features"], 2);

    // What plan.toml cannot say: exit 2, naming it and why.
    for (body, why) in [
        (
            "[layers.compounds]\ntable = \"c\"\n",
            "no database = \"…\" to find it in",
        ),
        (
            "database = \"postgresql://u@h/city?table=c\"\n",
            "names one table or query",
        ),
        (
            "database = \"plan.gpkg\"\n[layers.units]\nsql = \"SELECT 1\"\n",
            "needs a PostgreSQL database",
        ),
        (
            "database = \"x.gpkg\"\n[layers.units]\ntable = \"u\"\npath = \"u.geojson\"\n",
            "more than one of path, table and sql",
        ),
        (
            "database = \"notes.txt\"\n",
            "neither a postgresql:// URI nor a file",
        ),
    ] {
        toml(body);
        let (code, _, err) = run(&["check", dir]);
        assert_eq!(code, 2, "{body}");
        assert!(
            err.contains("plan.toml") && err.contains(why),
            "{body}: {err}"
        );
    }
}

#[test]
fn the_geopackage_report_in_the_working_crs_or_another_one() {
    // --output-crs working: fixtures/network's working CRS is its own EPSG:4547, so CB's
    // polygon comes back at the file's coordinates, (500550, 4000300)–(500650, 4000400).
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, crs: &str| {
        let path = dir.path().join(name);
        let (code, _, err) = run(&[
            "check",
            "fixtures/network",
            "--format",
            "gpkg",
            "-o",
            path.to_str().unwrap(),
            "--output-crs",
            crs,
        ]);
        (code, err, path)
    };
    let (code, err, working) = write("working.gpkg", "working");
    assert_eq!(code, 1, "{err}");
    let g = working.to_str().unwrap();
    let info = gdal("ogrinfo", &["-ro", "-so", g, "findings"]);
    assert!(
        info.contains("CGCS2000 / 3-degree Gauss-Kruger CM 114E")
            && info.contains("ID[\"EPSG\",4547]"),
        "{info}"
    );
    let where_cb = [
        "-ro",
        g,
        "findings",
        "-where",
        "rule = 'service-circle' AND subject_id = 'CB'",
    ];
    let cb = gdal("ogrinfo", &where_cb);
    assert!(
        cb.contains("MULTIPOLYGON (((500550 4000300,500650 4000300,500650 4000400,500550 4000400,500550 4000300)))"),
        "{cb}"
    );
    // The service areas too: metres, not degrees.
    let sa = gdal("ogrinfo", &["-ro", "-so", g, "service_areas"]);
    assert!(sa.contains("Extent: (500"), "{sa}");

    // A CRS without an EPSG code (a PROJ string) is listed under an SRS id of its own;
    // this one is EPSG:4547 written out, so CB is where it was.
    let (code, err, own) = write(
        "own.gpkg",
        "+proj=tmerc +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m",
    );
    assert_eq!(code, 1, "{err}");
    let o = own.to_str().unwrap();
    let info = gdal("ogrinfo", &["-ro", "-so", o, "findings"]);
    assert!(
        info.contains("Transverse_Mercator") || info.contains("Transverse Mercator"),
        "{info}"
    );
    let cb = gdal(
        "ogrinfo",
        &[
            "-ro",
            o,
            "findings",
            "-where",
            "subject_id = 'CB' AND rule = 'service-circle'",
        ],
    );
    assert!(cb.contains("MULTIPOLYGON (((500550 4000300,"), "{cb}");

    // A CRS PROJ does not know, or the option with another format: exit 2, no file.
    let (code, err, bad) = write("bad.gpkg", "EPSG:99999");
    assert_eq!(code, 2);
    assert!(
        err.contains("--output-crs EPSG:99999") && err.contains("PROJ does not know"),
        "{err}"
    );
    assert!(!bad.exists());
    let (code, _, err) = run(&[
        "check",
        "fixtures/network",
        "--format",
        "geojson",
        "--output-crs",
        "working",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--output-crs") && err.contains("gpkg"),
        "{err}"
    );
}

//! Formats read through GDAL (issue 13), with the cargo feature `gdal`
//! (`cargo test --release --features gdal --test gdal`, run by .ci/run). The fixtures are
//! GDAL's own writing (fixtures/gdal/make_fixture.sh: ogr2ogr 3.6 from fixtures/basic,
//! fixtures/gbk-shapefile and fixtures/network), so the reader is tested against what
//! ArcGIS, MapInfo and CAD exports look like to GDAL. Each plan's findings must be those of
//! the GeoJSON plan it was made from (tests/check_basic.rs and tests/network.rs work those
//! out by hand); formats that move coordinates by millimetres are compared to 1 cm.
//!
//! Without the feature, the one test here checks that a File Geodatabase is refused with
//! the way to read it.

mod common;

use common::run;

#[cfg(not(feature = "gdal"))]
#[test]
fn without_the_feature_a_geodatabase_is_refused_saying_how_to_read_it() {
    let (code, _, err) = run(&["check", "fixtures/gdal/plan.gdb"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("plan.gdb") && err.contains("--features gdal"),
        "{err}"
    );
}

#[cfg(feature = "gdal")]
#[test]
fn a_file_geodatabase_is_a_plan_and_checks_as_its_geojson_twin() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report(
        "fixtures/gdal/plan.gdb",
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    assert_eq!(code, 1);
    assert!(common::contract_holds(&r));
    // The feature classes keep EPSG:4547 and the coordinates land on the geodatabase's
    // grid within a micrometre: figure for figure the GeoJSON's.
    assert_eq!(common::figures(&r), common::figures(&basic));
    let c = &r["inputs"]["compounds"];
    assert_eq!(c["path"], "fixtures/gdal/plan.gdb:compounds");
    assert_eq!(c["crs"], "EPSG:4547");
    assert_eq!(c["features"], 4);
    // The phases table (no geometry) and the DateTime completion_date of S1 are read: the
    // timing rule finds S1 completed on 2022-03-01, as from the GeoJSON.
    assert_eq!(r["inputs"]["phases"]["features"], 2);
    assert_eq!(r["inputs"]["facilities"]["rejected"], serde_json::json!([]));

    // One feature class named on the command line, beside GeoJSON layers.
    let (code, r) = common::report(
        "fixtures/basic",
        &["--units", "fixtures/gdal/plan.gdb:units"],
    );
    assert_eq!(code, 1);
    assert_eq!(common::figures(&r), common::figures(&basic));
    // The units are the feature class's, not the folder's units.geojson.
    assert_eq!(r["inputs"]["units"]["path"], "fixtures/gdal/plan.gdb:units");
    assert_eq!(
        r["inputs"]["compounds"]["path"],
        "fixtures/basic/compounds.geojson"
    );
}

#[cfg(feature = "gdal")]
#[test]
fn mapinfo_in_gbk_flatgeobuf_and_gml_in_a_folder_check_as_the_geojson() {
    // compounds.tab (charset WindowsSimpChinese), facilities.fgb, units.gml: found by name
    // in the folder like compounds.geojson. MapInfo names the datum WGS 84 where the
    // GeoJSON says CGCS2000: the compounds move by up to 5 mm, no further.
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report("fixtures/gdal/folder", &[]);
    assert_eq!(code, 1);
    common::figures_agree(&r, &basic, 0.01);
    assert_eq!(
        r["inputs"]["compounds"]["path"],
        "fixtures/gdal/folder/compounds.tab"
    );
    // The GBK text arrives decoded by GDAL, by the table's charset: compound A is 甲小区.
    let a = common::finding(&r, "floor-area-per-households", "A");
    assert_eq!(a["subject"]["name"], "甲小区");
    assert_eq!(
        r["inputs"]["compounds"]["encoding"],
        "UTF-8 (decoded by GDAL from the file's charset)"
    );
    // FlatGeobuf keeps a boolean a boolean, and I2's unset land_area stays unset: its
    // parcel's area (10,000 m²) is its land, as in the GeoJSON (D2: 0.25 m² a resident).
    assert_eq!(common::verdict(&r, "land-per-capita", "D2").1, 0.25);
}

#[cfg(feature = "gdal")]
#[test]
fn kml_facilities_are_lon_lat_and_check_as_the_geojson() {
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report(
        "fixtures/basic",
        &["--facilities", "fixtures/gdal/facilities.kml"],
    );
    assert_eq!(code, 1);
    assert_eq!(r["inputs"]["facilities"]["crs"], "EPSG:4326");
    assert_eq!(r["inputs"]["facilities"]["features"], 4);
    common::figures_agree(&r, &basic, 0.01);
}

#[cfg(feature = "gdal")]
#[test]
fn a_geodatabase_with_chinese_field_names_checks_as_the_gbk_shapefile() {
    // 小区.gdb keeps the shapefile's Chinese field names (编码, 住户数…), mapped by the
    // same plan.toml; the geodatabase's grid moves corners by under a centimetre.
    let (_, shp) = common::report("fixtures/gbk-shapefile", &[]);
    let (code, r) = common::report("fixtures/gdal/gbk", &[]);
    assert_eq!(code, common::report("fixtures/gbk-shapefile", &[]).0);
    assert_eq!(code, 1);
    common::figures_agree(&r, &shp, 0.01);
    let x1 = common::finding(&r, "floor-area-per-households", "X1");
    assert_eq!(x1["subject"]["name"], "幸福小区");
}

#[cfg(feature = "gdal")]
#[test]
fn dxf_roads_need_their_crs_said_then_walk_as_the_geojson() {
    // DXF states no CRS, and its coordinates are metres: exit 2 saying where to set it.
    let (code, _, err) = run(&[
        "check",
        "fixtures/network",
        "--roads",
        "fixtures/gdal/roads.dxf",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("roads.dxf") && err.contains("no CRS in the file") && err.contains("crs ="),
        "{err}"
    );
    // With crs = "EPSG:4547" in plan.toml, every walk is the GeoJSON network's.
    let (_, geojson) = common::report("fixtures/network", &[]);
    let (code, r) = common::report("fixtures/gdal/network", &[]);
    assert_eq!(code, common::report("fixtures/network", &[]).0);
    assert_eq!(r["inputs"]["roads"]["features"], 6);
    assert_eq!(common::figures(&r), common::figures(&geojson));
}

#[cfg(feature = "gdal")]
#[test]
fn a_missing_layer_and_a_file_gdal_cannot_read_are_exit_2_naming_them() {
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--compounds",
        "fixtures/gdal/plan.gdb:houses",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("plan.gdb")
            && err.contains("no layer 'houses'")
            && err.contains("compounds, facilities, units, phases"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--compounds",
        "fixtures/gdal/make_fixture.sh",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("make_fixture.sh") && err.contains("GDAL cannot read it"),
        "{err}"
    );
}

#[cfg(feature = "gdal")]
#[test]
fn a_mapinfo_table_without_a_charset_has_its_encoding_decided_as_a_dbf() {
    // neutral/compounds.tab holds GBK bytes under `!charset Neutral`: GDAL passes them
    // on undecoded, and planlint decides for the whole layer (some text is not UTF-8, so
    // GBK), as for a shapefile without .cpg.
    let (_, basic) = common::report("fixtures/basic", &[]);
    let (code, r) = common::report(
        "fixtures/basic",
        &["--compounds", "fixtures/gdal/neutral/compounds.tab"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        r["inputs"]["compounds"]["encoding"],
        "gb18030 (detection (some text is not valid UTF-8))"
    );
    let a = common::finding(&r, "floor-area-per-households", "A");
    assert_eq!(a["subject"]["name"], "甲小区");
    common::figures_agree(&r, &basic, 0.01);
}

#[cfg(feature = "gdal")]
#[test]
fn bad_features_read_through_gdal_are_rejected_as_from_geojson() {
    // bad/compounds.fgb is fixtures/bad-features' compounds less the two GDAL could not
    // write (no geometry; a one-number position): the other rejections are the GeoJSON's,
    // feature for feature — index, id, field and reason (tests/inputs.rs works them out).
    let rejected = |r: &serde_json::Value| -> Vec<(u64, String, String, String)> {
        r["inputs"]["compounds"]["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let text = |k: &str| x[k].as_str().unwrap_or("").to_string();
                (
                    x["index"].as_u64().unwrap(),
                    text("id"),
                    text("field"),
                    text("reason"),
                )
            })
            .collect()
    };
    let (code, geojson) = common::report("fixtures/bad-features", &[]);
    let (gdal_code, fgb) = common::report("fixtures/gdal/bad", &[]);
    assert_eq!(gdal_code, code);
    let from_geojson: Vec<_> = rejected(&geojson)
        .into_iter()
        .filter(|(_, id, _, _)| id != "NOGEOM" && id != "SHORTPOINT")
        .collect();
    assert_eq!(from_geojson.len(), 5);
    assert_eq!(rejected(&fgb), from_geojson);
    assert_eq!(fgb["inputs"]["compounds"]["accepted"], 1);
}

#[cfg(feature = "gdal")]
#[test]
fn the_readmes_gdal_examples_run_as_written() {
    // The README's `sh gdal` block, as tests/readme.rs runs the others, with this build.
    let sandbox = common::readme::Sandbox::new(env!("CARGO_BIN_EXE_planlint").as_ref());
    let blocks = common::readme::tagged("sh gdal");
    assert_eq!(blocks.len(), 1);
    assert_eq!(sandbox.run_block(&blocks[0], &[]), 3);
}

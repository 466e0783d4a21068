//! Bad inputs: rejected features, unusable files and options (exit 2), never a panic.

mod common;

use common::{report, run};

#[test]
fn bad_features_are_rejected_one_by_one_naming_the_field() {
    let (_, r) = report("fixtures/bad-features", &[]);
    // The one good compound (100 households, station of 30 m²: 30 × 100 / 100 = 30) passes;
    // the only failure is the city's count of centres started in 2017 (the station has no
    // date: 0 of 6).
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "OK").0,
        "pass"
    );
    let failing: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["facility-count"]);
    let c = &r["inputs"]["compounds"];
    assert_eq!(
        (c["features"].as_u64(), c["accepted"].as_u64()),
        (Some(8), Some(1))
    );
    let rej: Vec<(u64, Option<&str>)> = c["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["index"].as_u64().unwrap(), x["field"].as_str()))
        .collect();
    assert_eq!(
        rej,
        vec![
            (1, None),
            (2, Some("households")),
            (3, Some("id")),
            (4, Some("id")),
            (5, Some("status")),
            (6, None),
            // A Point with one coordinate: unreadable on its own, the rest of the file is read.
            (7, None)
        ]
    );
    let reasons: Vec<&str> = c["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons[0].contains("self-intersection"),
        "bow-tie: {}",
        reasons[0]
    );
    assert!(reasons[1].contains("about 100"), "{}", reasons[1]);
    // A facility without a kind is rejected naming the field (its 500 m² would otherwise
    // silently count for nothing).
    let f = &r["inputs"]["facilities"];
    assert_eq!(
        (f["accepted"].as_u64(), f["rejected"][0]["field"].as_str()),
        (Some(1), Some("kind"))
    );
    assert!(common::contract_holds(&r));
}

#[test]
fn unknown_profile_is_exit_2_naming_it() {
    let (code, _, err) = run(&["check", "fixtures/basic", "--profile", "gotham-2030"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("gotham-2030") && err.contains("anyang-2017"),
        "{err}"
    );
}

#[test]
fn truncated_file_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["facilities.geojson", "plan.toml"] {
        std::fs::copy(
            common::root().join("fixtures/basic").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    let text = std::fs::read(common::root().join("fixtures/basic/compounds.geojson")).unwrap();
    std::fs::write(
        dir.path().join("compounds.geojson"),
        &text[..text.len() / 2],
    )
    .unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("compounds.geojson"), "{err}");
}

#[test]
fn bad_options_are_exit_2() {
    for args in [
        vec!["check", "fixtures/basic", "--as-of", "2024-13-45"],
        vec!["check", "fixtures/basic", "--set", "no-such-rule.min=1"],
        vec!["check", "fixtures/nowhere"],
        vec!["check", "fixtures/basic", "--format", "pdf"],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_sample_plan_follows_the_contract() {
    let (code, r) = report("data/sample", &[]);
    assert_eq!(code, 1, "the sample has failing findings");
    assert!(common::contract_holds(&r));
    let statuses: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains("pass") && statuses.contains("fail"),
        "{statuses:?}"
    );
}

#[test]
fn rules_and_profiles_commands_document_every_rule() {
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("floor-area-per-households") && out.contains("service-circle"));
    let (code, out, _) = run(&["rules", "construction-timing"]);
    assert_eq!(code, 0);
    assert!(out.contains("## Why") && out.contains("若干政策 四(九)"));
    let (code, out, _) = run(&["profiles", "xuchang-2022"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("许办〔2022〕4号 三(一)1") && out.contains("min = 0.2"),
        "{out}"
    );
}

#[test]
fn pathological_geometry_is_rejected_feature_by_feature() {
    // One good 100 m square; a square at 1e300 m; a ring of one repeated point; a flat
    // ring; an empty polygon; a multipolygon whose two parts coincide; a point. The only
    // facility sits at 1e308 m.
    let (_, r) = report("fixtures/extreme-geometry", &[]);
    let c = &r["inputs"]["compounds"];
    assert_eq!(
        (c["features"].as_u64(), c["accepted"].as_u64()),
        (Some(7), Some(1))
    );
    let ids: Vec<&str> = c["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["huge", "point-like", "flat", "empty", "dup-parts", "point"]
    );
    assert_eq!(
        r["inputs"]["facilities"]["accepted"], 1,
        "F at 1e308 m rejected, G kept"
    );
    assert!(common::contract_holds(&r));
}

#[test]
fn a_required_layer_with_nothing_usable_is_exit_2() {
    // Only the facility at 1e308 m: every facility rejected → the plan cannot be checked.
    let dir = tempfile::tempdir().unwrap();
    let src = common::root().join("fixtures/extreme-geometry");
    std::fs::copy(
        src.join("compounds.geojson"),
        dir.path().join("compounds.geojson"),
    )
    .unwrap();
    let mut fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src.join("facilities.geojson")).unwrap()).unwrap();
    fc["features"].as_array_mut().unwrap().truncate(1);
    std::fs::write(dir.path().join("facilities.geojson"), fc.to_string()).unwrap();
    let (code, _, err) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--profile",
        "anyang-2017",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("facilities.geojson") && err.contains("none of its 1 features"),
        "{err}"
    );
}

#[test]
fn metres_without_a_crs_and_a_geographic_working_crs_are_exit_2() {
    // fixtures/basic's compounds (EPSG:4547 metres) without their crs member.
    let dir = tempfile::tempdir().unwrap();
    let src = common::root().join("fixtures/basic");
    let mut fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src.join("compounds.geojson")).unwrap()).unwrap();
    fc.as_object_mut().unwrap().remove("crs");
    std::fs::write(dir.path().join("compounds.geojson"), fc.to_string()).unwrap();
    std::fs::copy(
        src.join("facilities.geojson"),
        dir.path().join("facilities.geojson"),
    )
    .unwrap();
    let (code, _, err) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--profile",
        "anyang-2017",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("compounds.geojson") && err.contains("not lon/lat"),
        "{err}"
    );
    // Degrees are not metres.
    let (code, _, err) = run(&["check", "fixtures/basic", "--working-crs", "EPSG:4490"]);
    assert_eq!(code, 2);
    assert!(err.contains("metres"), "{err}");
}

#[test]
fn records_deleted_in_the_dbf_are_rejected() {
    let dir = common::copy_fixture("gbk-shapefile", &[]);
    // Mark record 1 (X2) deleted: its first byte is at header length + record length.
    let dbf = dir.path().join("小区.dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    let header = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let record = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
    bytes[header + record] = b'*';
    std::fs::write(&dbf, bytes).unwrap();
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let c = &r["inputs"]["compounds"];
    assert_eq!(
        (c["features"].as_u64(), c["accepted"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(c["rejected"][0]["index"], 1);
    assert!(c["rejected"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("deleted"));
}

#[test]
fn a_facility_on_a_county_boundary_counts_in_one_county() {
    // Counties K1 (x 0–1000) and K2 (x 1000–2000) share the line x = 1000; the nursing
    // home H stands exactly on it. It belongs to K1, the first in the units layer, so K1
    // has 20,000 m² of land per 50,000 residents (0.4) and K2 none (0).
    let dir = tempfile::tempdir().unwrap();
    let crs = r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}"#;
    let sq = |x0: f64, x1: f64| {
        format!("{{\"type\":\"Polygon\",\"coordinates\":[[[{},4000000],[{},4000000],[{},4001000],[{},4001000],[{},4000000]]]}}", 500000.0 + x0, 500000.0 + x1, 500000.0 + x1, 500000.0 + x0, 500000.0 + x0)
    };
    let units = format!(
        r#"{{"type":"FeatureCollection",{crs},"features":[
        {{"type":"Feature","geometry":{},"properties":{{"id":"K1","level":"county","population":50000}}}},
        {{"type":"Feature","geometry":{},"properties":{{"id":"K2","level":"county","population":50000}}}}]}}"#,
        sq(0.0, 1000.0),
        sq(1000.0, 2000.0)
    );
    let compounds = format!(
        r#"{{"type":"FeatureCollection",{crs},"features":[{{"type":"Feature","geometry":{},"properties":{{"id":"C","households":10,"status":"existing"}}}}]}}"#,
        sq(100.0, 200.0)
    );
    let facilities = format!(
        r#"{{"type":"FeatureCollection",{crs},"features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[501000,4000500]}},"properties":{{"id":"H","kind":"nursing_home","land_area":20000,"beds":500,"nursing_beds":200,"operator":"private","medical_care":true}}}}]}}"#
    );
    for (name, text) in [
        ("units.geojson", units),
        ("compounds.geojson", compounds),
        ("facilities.geojson", facilities),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (_, r) = report(
        dir.path().to_str().unwrap(),
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    assert_eq!(
        common::verdict(&r, "land-per-capita", "K1").1,
        serde_json::json!(0.4)
    );
    assert_eq!(
        common::verdict(&r, "land-per-capita", "K2").1,
        serde_json::json!(0.0)
    );
    assert_eq!(common::verdict(&r, "county-institutions", "K2").0, "fail");
}

#[test]
fn fields_lists_each_layers_schema() {
    // The schema the readers map by: canonical names, what is required, Chinese names and
    // values found without any plan.toml.
    let (code, out, _) = run(&["fields", "units"]);
    assert_eq!(code, 0);
    for s in [
        "[units]",
        "level",
        "required",
        "行政区划代码",
        "village",
        "行政村",
    ] {
        assert!(out.contains(s), "{s}\n{out}");
    }
    let (_, out, _) = run(&["fields"]);
    for layer in ["[compounds]", "[facilities]", "[units]", "[phases]"] {
        assert!(out.contains(layer), "{layer}");
    }
    assert!(out.contains("total_floor_area") && out.contains("家庭养老床位"));
    let (code, _, err) = run(&["fields", "lakes"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown layer 'lakes'"), "{err}");
}

#[test]
fn a_facilitys_status_and_level_are_read_by_their_chinese_names_and_values() {
    // The basic fixture's facilities with 设施状态 and 级别 as a bureau's files write
    // them: S1 既有 / 乡镇级, S2 规划 / 街道级 (a street is a town-level unit), I1 在建 /
    // 市级, I2 with neither. A value no alias names rejects its facility, naming the field.
    use planlint::model::{FacilityLevel, FacilityStatus};
    let dir = common::copy_fixture("basic", &[]);
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        for (f, (status, level)) in
            fs.iter_mut()
                .zip([("既有", "乡镇级"), ("规划", "街道级"), ("在建", "市级")])
        {
            f["properties"]["设施状态"] = serde_json::json!(status);
            f["properties"]["级别"] = serde_json::json!(level);
        }
    });
    let src = planlint::read::Sources::from_dir(dir.path()).unwrap();
    let plan = planlint::place::load(&src).unwrap();
    let read: Vec<_> = plan
        .facilities
        .iter()
        .map(|f| (f.status, f.level))
        .collect();
    assert_eq!(
        read,
        [
            (Some(FacilityStatus::Existing), Some(FacilityLevel::Town)),
            (Some(FacilityStatus::Planned), Some(FacilityLevel::Town)),
            (Some(FacilityStatus::Planned), Some(FacilityLevel::City)),
            (None, None),
        ]
    );
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        fs[3]["properties"]["级别"] = serde_json::json!("省级");
    });
    let (code, r) = common::report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    let rejected = &r["inputs"]["facilities"]["rejected"];
    assert_eq!(rejected.as_array().unwrap().len(), 1, "{rejected}");
    assert_eq!(rejected[0]["id"], "I2");
    let why = rejected[0]["reason"].as_str().unwrap();
    assert!(why.contains("level") && why.contains("省级"), "{why}");
    // `planlint fields facilities` lists both, with their values.
    let (_, out, _) = run(&["fields", "facilities"]);
    for s in ["status", "planned", "规划", "level", "county", "区级"] {
        assert!(out.contains(s), "{s}\n{out}");
    }
}

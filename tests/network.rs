//! The walking network on fixtures/network (EPSG:4547 metres from (500000, 4000000);
//! anyang-2017: 800 m). Roads: R1 south bank street (0,0)–(1000,0); R2 north bank street
//! (0,300)–(250,300)–(1000,300); R3 bridge (1000,0)–(1000,300); R4 an isolated lane
//! (2000,0)–(2200,0); R5 a footbridge (250,−200)–(250,300) that crosses R1 at (250,0)
//! without a shared vertex; R6 a one-street town (0,5000)–(2000,5000). Between the banks a
//! river (no road). Facilities: FA (100,320) → snaps to (100,300), leg 20; FB (800,310) →
//! (800,300), leg 10; FT (100,5010) → (100,5000), leg 10.

mod common;

use common::{finding, report};
use serde_json::json;

fn walk(r: &serde_json::Value, id: &str) -> (String, serde_json::Value, serde_json::Value) {
    let f = finding(r, "service-circle", id);
    (
        f["status"].as_str().unwrap().into(),
        f["measured"].clone(),
        f["details"]["nearest_facility"].clone(),
    )
}

#[test]
fn walking_distances_match_the_hand_calculation() {
    let (_, r) = report("fixtures/network", &[]);
    // CA, centroid (100,−50) → (100,0) on R1, leg 50. The river: east 900 to the bridge,
    // up 300, west 200 to FB's snap, leg 10 = 50 + 900 + 300 + 200 + 10 = 1,460 (FA would be
    // 50 + 900 + 300 + 900 + 20 = 2,170). If the footbridge met R1 at (250,0) it would be
    // 50 + 150 + 300 + 150 + 20 = 670: the crossing is not a junction.
    assert_eq!(walk(&r, "CA"), ("fail".into(), json!(1460.0), json!("FB")));
    // At the profile's 53.3 m/min: 1,460 / 53.3 = 27.4 minutes.
    let ca = finding(&r, "service-circle", "CA");
    assert!(
        ca["message"]
            .as_str()
            .unwrap()
            .contains("about 27.4 min at 53.3 m/min"),
        "{}",
        ca["message"]
    );
    // CB, (600,350) → (600,300) on R2's second segment, leg 50; FB on the same segment:
    // 50 + 200 + 10 = 260.
    assert_eq!(walk(&r, "CB"), ("pass".into(), json!(260.0), json!("FB")));
    // CC, (2100,−50) → R4, a lane with no facility: no path.
    let cc = finding(&r, "service-circle", "CC");
    assert_eq!(
        (cc["status"].as_str(), cc["measured"].is_null()),
        (Some("fail"), true)
    );
    assert!(cc["message"].as_str().unwrap().contains("no path"));
    // CD, (230,−180) → (250,−180) on the footbridge, leg 20; north 480 to (250,300), west
    // 150 to FA's snap, leg 20 = 670.
    assert_eq!(walk(&r, "CD"), ("pass".into(), json!(670.0), json!("FA")));
    // The town: CT1 (600,4960) → leg 40 + 500 + 10 = 550; CT2 (1500,5060) → 60 + 1,400 + 10.
    assert_eq!(walk(&r, "CT1"), ("pass".into(), json!(550.0), json!("FT")));
    assert_eq!(walk(&r, "CT2"), ("fail".into(), json!(1470.0), json!("FT")));
    assert_eq!(
        finding(&r, "service-circle", "CA")["details"]["approximate"],
        false
    );
    // 10 junctions, 7 segments, 5,000 m; 3 components, the largest (R1, R2, R3, R5:
    // 2,800 m, 56%). Stranded on the others: CC (the lane), CT1, CT2 and FT (the town).
    assert_eq!(
        r["network"],
        json!({"nodes": 10, "edges": 7, "length_m": 5000.0, "components": 3, "largest_component_share": 0.56,
               "stranded_compounds": ["CC", "CT1", "CT2"], "stranded_facilities": ["FT"]})
    );
    // Outside the circle, farthest first: CC (no path), CT2 (1,470 − 800 = 670 over), CA (660).
    let outside: Vec<(&str, serde_json::Value)> = r["service_circle"]["outside"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["over_by"].clone()))
        .collect();
    assert_eq!(
        outside,
        vec![
            ("CC", json!(null)),
            ("CT2", json!(670.0)),
            ("CA", json!(660.0))
        ]
    );
    assert_eq!(r["service_circle"]["method"], "network");
    assert_eq!(r["service_circle"]["approximate"], false);
    assert!(common::contract_holds(&r));
}

#[test]
fn walking_is_never_shorter_than_the_straight_line() {
    let (_, walked) = report("fixtures/network", &[]);
    let dir = common::copy_fixture("network", &["roads.geojson"]);
    let (_, straight) = report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(straight["service_circle"]["approximate"], true);
    for id in ["CA", "CB", "CC", "CD", "CT1", "CT2"] {
        let s = finding(&straight, "service-circle", id)["measured"]
            .as_f64()
            .unwrap();
        if let Some(w) = finding(&walked, "service-circle", id)["measured"].as_f64() {
            assert!(w + 1e-9 >= s, "{id}: walked {w} < straight {s}");
        }
    }
    // CA: 370 m in a straight line to FA (pass) but 1,460 m on foot (fail).
    assert_eq!(
        finding(&straight, "service-circle", "CA")["measured"],
        json!(370.0)
    );
}

#[test]
fn roads_that_are_not_lines_are_rejected() {
    let dir = common::copy_fixture("network", &["roads.geojson"]);
    let mut roads: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::root().join("fixtures/network/roads.geojson")).unwrap(),
    )
    .unwrap();
    roads["features"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [500000, 4000000]}, "properties": {"id": "P"}}));
    std::fs::write(dir.path().join("roads.geojson"), roads.to_string()).unwrap();
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let roads = &r["inputs"]["roads"];
    assert_eq!(
        (roads["features"].as_u64(), roads["accepted"].as_u64()),
        (Some(7), Some(6))
    );
    assert_eq!(roads["rejected"][0]["id"], "P");
}

#[test]
fn service_areas_are_the_streets_within_walking_distance() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("areas.geojson");
    let (_, _, err) = common::run(&[
        "check",
        "fixtures/network",
        "--service-areas",
        out.to_str().unwrap(),
        "-o",
        "/dev/null",
    ]);
    // Written in place: /dev/null is still the device (a rename over it, as root, once
    // made it a file).
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    let fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap_or_else(|e| panic!("{e}: {err}")))
            .unwrap();
    let pieces: Vec<&serde_json::Value> = fc["features"].as_array().unwrap().iter().collect();
    // Every stretch is within 800 m of its facility.
    assert!(pieces.iter().all(
        |p| p["properties"]["from_m"].as_f64().unwrap() <= 800.0 + 1e-6
            && p["properties"]["to_m"].as_f64().unwrap() <= 800.0 + 1e-6
    ));
    // FT snaps at x = 100 on the town's street (leg 10): it reaches x in [0, 890] — 100 m
    // west (110 → 10) and 790 m east (10 → 800).
    let ft: Vec<(f64, f64)> = pieces
        .iter()
        .filter(|p| p["properties"]["facility"] == "FT")
        .map(|p| {
            (
                p["properties"]["from_m"].as_f64().unwrap(),
                p["properties"]["to_m"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ft, vec![(110.0, 10.0), (10.0, 800.0)]);
    // Nothing is drawn on the isolated lane R4 (x 2000–2200, y 0): lon east of 114.0222°.
    let lane = pieces.iter().any(|p| {
        p["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c[0].as_f64().unwrap() > 114.0222 && c[1].as_f64().unwrap() < 36.14)
    });
    assert!(!lane);
}

/// 2SFCA (catchment 800 m; supply = floor area, 100 m² each; demand = 100 households ×
/// 2.62 = 262 people per compound).
#[test]
fn two_step_floating_catchment_scores() {
    let score = |r: &serde_json::Value, id: &str| {
        finding(r, "service-circle", id)["details"]["access_2sfca"]
            .as_f64()
            .unwrap()
    };
    // Walked: FA reaches CB (20 + 150 + 350 + 50 = 570) and CD (670); FB reaches CB (260);
    // FT reaches CT1 (550). R_FA = 100 / 524, R_FB = R_FT = 100 / 262.
    let (_, r) = report("fixtures/network", &[]);
    assert_eq!(score(&r, "CB"), 0.572519); // 100/524 + 100/262
    assert_eq!(score(&r, "CD"), 0.19084); // 100/524
    assert_eq!(score(&r, "CT1"), 0.381679); // 100/262
    for id in ["CA", "CC", "CT2"] {
        assert_eq!(score(&r, id), 0.0, "{id}");
    }
    // Straight lines: FA (100, 320) and FB (800, 310) each reach CA (370 / 787 m), CB (501 /
    // 204) and CD (517 / 752): R = 100 / 786 each, so CA = CB = CD = 200 / 786.
    let dir = common::copy_fixture("network", &["roads.geojson"]);
    let (_, s) = report(dir.path().to_str().unwrap(), &[]);
    for id in ["CA", "CB", "CD"] {
        assert_eq!(score(&s, id), 0.254453, "{id}");
    }
    assert_eq!(score(&s, "CT1"), 0.381679);
}

/// U1 (x = −200, 100 households), U2 (700, 300), U3 (1,400, 250) in a row; the only
/// station is 10 km away, so all three are outside the 800 m circle (straight lines).
fn three_uncovered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let crs = r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}"#;
    let sq = |x: f64, id: &str, hh: u32| {
        let (x0, x1) = (500000.0 + x - 10.0, 500000.0 + x + 10.0);
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[[{x0},3999990],[{x1},3999990],[{x1},4000010],[{x0},4000010],[{x0},3999990]]]}},"properties":{{"id":"{id}","households":{hh},"status":"existing"}}}}"#
        )
    };
    let point = |x: f64, id: &str, props: &str| {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},4000000]}},"properties":{{"id":"{id}"{props}}}}}"#,
            500000.0 + x
        )
    };
    let fc = |features: Vec<String>| {
        format!(
            r#"{{"type":"FeatureCollection",{crs},"features":[{}]}}"#,
            features.join(",")
        )
    };
    let compounds = fc(vec![
        sq(-200.0, "U1", 100),
        sq(700.0, "U2", 300),
        sq(1400.0, "U3", 250),
    ]);
    std::fs::write(dir.path().join("compounds.geojson"), compounds).unwrap();
    std::fs::write(
        dir.path().join("facilities.geojson"),
        fc(vec![point(
            10000.0,
            "FAR",
            r#","kind":"day_care","floor_area":100"#,
        )]),
    )
    .unwrap();
    // Candidate sites K1 (x = 1,050) and K2 (x = 300).
    std::fs::write(
        dir.path().join("sites.geojson"),
        fc(vec![point(1050.0, "K1", ""), point(300.0, "K2", "")]),
    )
    .unwrap();
    dir
}

#[test]
fn suggested_sites_cover_the_most_uncovered_households_first() {
    // Sites at the compounds: U1 → {U1} (U2 is 900 away); U2 → {U2, U3} (700); U3 → {U2,
    // U3}. Greedy: U2 adds 550 (tied with U3; U2's id sorts first), then U1 adds 100, then
    // no site adds anything: two suggestions though three were asked for.
    let dir = three_uncovered();
    let plan = dir.path().to_str().unwrap();
    let args = [
        "--profile",
        "anyang-2017",
        "--as-of",
        "2024-06-30",
        "--suggest",
        "3",
    ];
    let (_, r) = report(plan, &args);
    assert_eq!(
        r["suggestions"],
        json!([
            {"site": "U2", "name": "", "households_added": 550, "compounds": ["U2", "U3"]},
            {"site": "U1", "name": "", "households_added": 100, "compounds": ["U1"]}
        ])
    );
    assert!(common::contract_holds(&r));
    // With a candidates layer: K1 (1,050) reaches U2 and U3 (350 m each): 550; K2 (300)
    // reaches U1 (500) and U2 (400): 400. Greedy: K1 (550), then K2 adds U1 only (100).
    let sites = dir.path().join("sites.geojson");
    let mut with = args.to_vec();
    with.extend(["--candidates", sites.to_str().unwrap()]);
    let (_, r) = report(plan, &with);
    assert_eq!(
        r["suggestions"],
        json!([
            {"site": "K1", "name": "", "households_added": 550, "compounds": ["U2", "U3"]},
            {"site": "K2", "name": "", "households_added": 100, "compounds": ["U1"]}
        ])
    );
    assert_eq!(r["inputs"]["candidates"]["accepted"], 2);
    assert!(common::contract_holds(&r));
}

#[test]
fn suggested_sites_keep_their_names_in_every_report_that_lists_them() {
    // fixtures/network/sites.geojson: K1 南岸站址 (300,−20) → (300,0) on R1, leg 20; CA's
    // walk from (100,0), leg 50: 50 + 200 + 20 = 270 ≤ 800. K2 东巷站址 (2150,10) → (2150,0)
    // on the lane R4, leg 10; CC from (2100,0), leg 50: 110. K3 镇东站址 (1400,5020) →
    // (1400,5000), leg 20; CT2 from (1500,5000), leg 60: 180. The three uncovered compounds
    // have 100 households each: each site adds 100, chosen in the order of their ids.
    let args = [
        "--suggest",
        "3",
        "--candidates",
        "fixtures/network/sites.geojson",
    ];
    let (_, r) = report("fixtures/network", &args);
    assert_eq!(
        r["suggestions"],
        json!([
            {"site": "K1", "name": "南岸站址", "households_added": 100, "compounds": ["CA"]},
            {"site": "K2", "name": "东巷站址", "households_added": 100, "compounds": ["CC"]},
            {"site": "K3", "name": "镇东站址", "households_added": 100, "compounds": ["CT2"]}
        ])
    );
    assert_eq!(r["inputs"]["candidates"]["fields"]["name"], "name");
    let text = |lang: &str, format: &str| {
        let mut a = vec![
            "check",
            "fixtures/network",
            "--lang",
            lang,
            "--format",
            format,
        ];
        a.extend_from_slice(&args);
        let (code, out, err) = common::run(&a);
        assert_eq!(code, 1, "{err}");
        out
    };
    let en = text("en", "text");
    assert!(en.contains("  1. K1 南岸站址: +100 households (CA)\n  2. K2 东巷站址: +100 households (CC)\n  3. K3 镇东站址: +100 households (CT2)\n"), "{en}");
    assert!(text("zh", "text").contains("  1. K1 南岸站址：+100 户（CA）\n"));
    let html = text("en", "html");
    assert!(
        html.contains("<li>K3 镇东站址: +100 households (CT2)</li>"),
        "{html}"
    );
}

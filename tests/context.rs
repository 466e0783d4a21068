//! A development submission checked inside its city (`--context`). `fixtures/context/city`
//! (anyang-2017, as of 2024-06-30), EPSG:4547 metres from (500000, 4000000):
//!
//! - units: city U (0–4000 × 0–2000; 100,000 people), districts D1 (x < 2000) and D2, each
//!   50,000 people;
//! - streets: the west street y = 1000 from x = 0 to 1800, the east street y = 1000 from
//!   2200 to 4000, and between them only the north bridge: up x = 1800 to y = 1900, across
//!   to x = 2200, down to y = 1000 (a river runs between 1800 and 2200);
//! - facilities: station S1 (1000, 1100), 300 m², built for C1; nursing home I1 (500, 500)
//!   in D1 and institution I2 (3500, 500) in D2, each 6,000 m² of land and 500 beds;
//! - compounds: C1 (1100–1200 × 1050–1150, existing, 500 households), C2 in D2.
//!
//! Land per resident: D1 6,000 / 50,000 = 0.12, D2 0.12, U 12,000 / 100,000 = 0.12, all
//! above Anyang's 0.1.

mod common;

use common::{finding, report, run};
use serde_json::json;

fn in_city(submission: &str) -> serde_json::Value {
    let plan = format!("fixtures/context/{submission}");
    report(&plan, &["--context", "fixtures/context/city"]).1
}

#[test]
fn a_submission_that_passes_alone_can_fall_outside_the_circle_in_its_city() {
    // sub-far: compound A1 (2300–2400 × 950–1050, new, 500 households) and its own station
    // SA at (1750, 1000), 150 m² built for it: 150 × 100 / 500 = 30 m² per 100 households.
    // Alone there are no roads: the straight line from A1's centre (2350, 1000) to SA is
    // 600 m ≤ 800, a pass.
    let (_, alone) = report(
        "fixtures/context/sub-far",
        &["--profile", "anyang-2017", "--as-of", "2024-06-30"],
    );
    assert_eq!(
        common::verdict(&alone, "service-circle", "A1"),
        ("pass".into(), json!(600.0), json!(800.0))
    );
    // In the city A1 walks the city's streets: SA is across the river, 150 m to the bridge
    // foot, 900 up, 400 across, 900 down and 50 along the west street: 2,400 m > 800.
    let r = in_city("sub-far");
    let f = finding(&r, "service-circle", "A1");
    assert_eq!(
        (
            f["status"].as_str(),
            f["measured"].clone(),
            f["details"]["nearest_facility"].as_str()
        ),
        (Some("fail"), json!(2400.0), Some("SA"))
    );
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "A1").0,
        "pass"
    );
    // Findings speak of the submission: no finding about the city's own compounds.
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["subject"]["id"] != "C2" && f["subject"]["id"] != "C1"));
    assert!(common::contract_holds(&r));
}

#[test]
fn a_city_station_across_the_road_saves_a_submission() {
    // sub-across: B1 (950–1050 × 800–900, existing, 200 households) has no station. Its
    // centre (1000, 850) is 150 m from the west street, S1 (1000, 1100) 100 m from it, at
    // the same point: 250 m on foot.
    let r = in_city("sub-across");
    let f = finding(&r, "service-circle", "B1");
    assert_eq!(
        (
            f["status"].as_str(),
            f["measured"].clone(),
            f["details"]["nearest_facility"].as_str()
        ),
        (Some("pass"), json!(250.0), Some("S1"))
    );
    // Its own floor area is still missing: 200 × 20 / 100 = 40 m².
    assert!(finding(&r, "floor-area-per-households", "B1")["message"]
        .as_str()
        .unwrap()
        .contains("needs 40 m² more"));
}

#[test]
fn a_submission_replaces_the_city_compound_of_its_id() {
    // sub-replace: C1 amended from 500 to 2,000 households: S1's 300 m² × 100 / 2,000 = 15
    // < 20 (it was 60 in the city alone). The report lists the replaced compound.
    let r = in_city("sub-replace");
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "C1"),
        ("fail".into(), json!(15.0), json!(20.0))
    );
    assert_eq!(
        r["context"]["replaced"],
        json!([{"layer": "compounds", "id": "C1"}])
    );
    let n = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "floor-area-per-households")
        .count();
    assert_eq!(n, 1, "one C1, the submission's");
    assert_eq!(r["context"]["inputs"]["compounds"]["features"], json!(2));
}

#[test]
fn a_submission_that_lowers_a_districts_ratio_below_its_target_fails_for_it() {
    // sub-land: I1 amended to 3,000 m² of land. D1: 3,000 / 50,000 = 0.06 < 0.1 (0.12
    // before); the city: 9,000 / 100,000 = 0.09 (0.12 before). Both are findings of the
    // submission, saying so; D2 is not touched and not reported.
    let (code, r) = report(
        "fixtures/context/sub-land",
        &["--context", "fixtures/context/city"],
    );
    assert_eq!(code, 1);
    for (unit, after) in [("D1", 0.06), ("U", 0.09)] {
        let f = finding(&r, "land-per-capita", unit);
        assert_eq!(
            (f["status"].as_str(), f["severity"].as_str()),
            (Some("fail"), Some("error"))
        );
        assert_eq!(
            (
                f["details"]["before"].clone(),
                f["details"]["after"].clone()
            ),
            (json!(0.12), json!(after))
        );
        assert_eq!(f["details"]["effect"], "makes_fail");
        assert!(f["message"]
            .as_str()
            .unwrap()
            .contains("the submission makes it fail"));
    }
    assert!(!r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"]["id"] == "D2"));
    assert_eq!(
        r["context"]["replaced"],
        json!([{"layer": "facilities", "id": "I1"}])
    );
}

#[test]
fn a_shortfall_the_city_already_had_is_not_the_submissions() {
    // Anyang's six centres started by 2017: the city has none, with or without sub-across.
    // The finding is there (U is touched), saying so, as information: it does not fail the
    // submission.
    let r = in_city("sub-across");
    let f = finding(&r, "facility-count", "U/community-centers-started");
    assert_eq!(
        (
            f["status"].as_str(),
            f["severity"].as_str(),
            f["details"]["effect"].as_str()
        ),
        (Some("fail"), Some("info"), Some("unchanged"))
    );
    // The submission's only error is B1's missing floor area.
    assert_eq!(r["summary"]["errors"], json!(1));
}

#[test]
fn a_submission_outside_the_city_or_in_another_crs_is_exit_2() {
    let (code, _, err) = run(&[
        "check",
        "fixtures/context/sub-outside",
        "--context",
        "fixtures/context/city",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("compound Z1 lies outside every unit of the city"),
        "{err}"
    );
    // A submission that says EPSG:4547 but holds lon/lat lands near (114, 36) metres.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compounds.geojson"),
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
            "features": [{"type": "Feature", "properties": {"id": "W1", "households": 10, "status": "new"},
              "geometry": {"type": "Polygon", "coordinates": [[[114.0, 36.1], [114.001, 36.1], [114.001, 36.101], [114.0, 36.101], [114.0, 36.1]]]}}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--context",
        "fixtures/context/city",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("are its files in the CRS they declare?"),
        "{err}"
    );
}

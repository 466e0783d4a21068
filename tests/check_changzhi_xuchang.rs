//! Hand-worked fixtures for the rules only Changzhi and Xuchang have.
//!
//! `fixtures/changzhi` (as of 2021-01-01; all 2020 targets in force), EPSG:4547 metres from
//! (500000, 4000000): city C (20,000 elderly) split into county X1 (x < 1000) and urban
//! district X2; communities Q1 (in X1) and Q2 (in X2); villages V1 (1,500 people) and V2
//! (800). Institutions: N1 nursing home 320 beds / 120 nursing, government, medical care
//! (X1); W1 welfare centre 120 / 30, public-private (X1); W2 welfare centre 80 / 20, private
//! (X2); P1 institution 100 / 10, private (X2). D1 day care in Q1; S1 station in Q2. Along
//! X2's top edge (y = 950, in no community or village): street centres SC8 (completed
//! 2021-03-01) and SC9 (2019-05-01), day cares D2 (2018-09-01), D3 (2020-12-31) and D4 (no
//! date); none has beds.
//!
//! `fixtures/xuchang` (as of 2023-01-01): city C = county X1; streets T1 (x < 1000), T2
//! (1000–2000) and T3 (2000–3000, outside the city polygon, parent X1); communities Q1
//! (0–500 × 0–500) and Q2 (500–1000 × 0–500). SC1 street centre (6,200 m², 30 long-term
//! beds, started 2020-06-30, completed 2021-12-31) inside compound K (1,000 households,
//! new) and Q1; SC2 street centre (3,000 m², 120 beds, 100 family beds given as
//! `家庭养老床位`, no status or dates) in T2; SC3 street centre (2,000 m², 60 beds, planned,
//! completed 2023-03-01) in T3; W welfare centre at (700, 700). K's phases: 30,000 m² done
//! 2020-06-30, 30,000 m² done 2021-06-30. C and X1 have 20,000 elderly each. K2 (1100–1200
//! × 100–200; residential 60,000 m², plot total 100,000 m²) holds station S21 (started
//! 2021-01-01, completed 2022-06-30, 40 family beds); K3 (1600–1750
//! × 100–250, no floor-area fields) holds station S31 (started 2021-09-01) and nursing home
//! N31 (started 2019-01-01). Both have phases of 30,000 (done 2020-06-30), 30,000
//! (2021-06-30) and 40,000 m² (2022-06-30).

mod common;

use common::{finding, report, verdict};
use serde_json::{json, Value};

#[test]
fn changzhi_beds_and_institutions() {
    let (code, r) = report("fixtures/changzhi", &[]);
    assert_eq!(code, 1);
    // Beds 320 + 120 + 80 + 100 = 620; × 1000 / 20,000 = 31 < 40.
    assert_eq!(
        verdict(&r, "beds-per-thousand-elderly", "C"),
        ("fail".into(), json!(31.0), json!(40.0))
    );
    assert_eq!(
        verdict(&r, "total-beds", "C"),
        ("fail".into(), json!(620.0), json!(15000.0))
    );
    // Nursing (120 + 30 + 20 + 10) / 620 = 180 / 620 = 0.290323 < 0.30.
    assert_eq!(
        verdict(&r, "nursing-bed-share", "C"),
        ("fail".into(), json!(0.290323), json!(0.3))
    );
    // Private + public-private institutions: W1, W2, P1 = 3 of 4 = 0.75 ≥ 0.70.
    assert_eq!(
        verdict(&r, "private-institution-share", "C"),
        ("pass".into(), json!(0.75), json!(0.7))
    );
    // Public-private among public: W1 / (N1 + W1) = 0.5 ≥ 0.3.
    assert_eq!(
        verdict(&r, "public-private-share", "C"),
        ("pass".into(), json!(0.5), json!(0.3))
    );
    // 4 institutions; "more than 150" = at least 151.
    assert_eq!(
        verdict(&r, "institution-count", "C"),
        ("fail".into(), json!(4.0), json!(151.0))
    );
}

#[test]
fn changzhi_coverage_by_kind_and_village_size() {
    let (_, r) = report("fixtures/changzhi", &[]);
    // Day care: Q1 has D1, Q2 only a station → 1/2.
    assert_eq!(
        verdict(&r, "facility-coverage", "C/community/day_care"),
        ("fail".into(), json!(0.5), json!(1.0))
    );
    // Home-care centre (station or street centre): Q2 yes, Q1 no → 1/2 = 0.5 < 0.6.
    assert_eq!(
        verdict(
            &r,
            "facility-coverage",
            "C/community/community_station+street_center"
        ),
        ("fail".into(), json!(0.5), json!(0.6))
    );
    // Villages of ≥ 1,000 people: only V1 (1,500), which has no facility → 0/1; "基本覆盖" → warning.
    let v = finding(&r, "facility-coverage", "C/village");
    assert_eq!(
        (v["status"].as_str(), v["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(
        (v["measured"].clone(), v["details"]["uncovered"].clone()),
        (json!(0.0), json!(["V1"]))
    );
}

#[test]
fn changzhi_county_and_city_institutions() {
    let (_, r) = report("fixtures/changzhi", &[]);
    // City: a care home (养护院, nursing_home) with ≥ 300 beds — N1 (320); a public
    // institution — N1 (government) → 2/2.
    assert_eq!(
        verdict(&r, "county-institutions", "C"),
        ("pass".into(), json!(2.0), json!(2.0))
    );
    // X1: welfare centre ≥ 100 beds (W1, 120), a medical-care institution (N1), a public
    // institution (N1, government) and a publicly built, privately run one (W1) → 4/4.
    assert_eq!(
        verdict(&r, "county-institutions", "X1"),
        ("pass".into(), json!(4.0), json!(4.0))
    );
    // X2 is an urban district: of Changzhi's county requirements only 三's "每个县市区" applies
    // to it (四(一), 五(一), 五(七) speak of counties). W2 has medical_care = false, P1 gives no
    // value: P1 might be the medical-care institution → cannot tell, not a fail. P1 gives
    // neither status nor dates: it stands by 2020-12-31 (taken as existing), so only its
    // medical care is unknown.
    let x2 = finding(&r, "county-institutions", "X2");
    assert_eq!(
        (
            x2["status"].as_str(),
            x2["measured"].clone(),
            x2["required"].clone()
        ),
        (Some("insufficient_data"), json!(0.0), json!(1.0))
    );
    assert!(x2["message"].as_str().unwrap().contains(
        "cannot tell: medical-care-integrated institution (completed by 2020-12-31) (facilities without medical_care)"
    ));
}

#[test]
fn changzhi_county_requirements_name_what_is_missing() {
    // The same plan with X2 a county: all four county requirements apply. W2 has 80 beds
    // (< 100); W2 and P1 are private (no public, no publicly built privately run
    // institution); medical care is undecided as above → 0 of 4, three missing.
    let dir = common::copy_fixture("changzhi", &["units.geojson"]);
    let units = std::fs::read_to_string(common::root().join("fixtures/changzhi/units.geojson"))
        .unwrap()
        .replace("\"district\"", "\"county\"");
    std::fs::write(dir.path().join("units.geojson"), units).unwrap();
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let x2 = finding(&r, "county-institutions", "X2");
    assert_eq!(
        (
            x2["status"].as_str(),
            x2["measured"].clone(),
            x2["required"].clone()
        ),
        (Some("fail"), json!(0.0), json!(4.0))
    );
    let msg = x2["message"].as_str().unwrap();
    for what in [
        "missing: county welfare centre with at least 100 beds, public institution (completed by 2020-12-31), publicly built, privately run institution (pilot) (completed by 2020-12-31) (0 of 4 met)",
        "cannot tell: medical-care-integrated institution",
    ] {
        assert!(msg.contains(what), "{msg}");
    }
    assert!(
        x2["clause"].as_str().unwrap().contains("五(七)"),
        "{}",
        x2["clause"]
    );
    // With no urban district left, the district targets have nothing to check: the rule is
    // listed once as skipped, saying so, rather than vanishing from the report.
    let counts: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "facility-count")
        .collect();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0]["status"], "skipped");
    assert!(counts[0]["message"]
        .as_str()
        .unwrap()
        .contains("nothing to check"));
}

#[test]
fn changzhi_district_centres_by_the_end_of_2020() {
    // 五(二): every urban district ≥ 2 comprehensive centres and ≥ 3 day-care centres, built
    // by 2020-12-31. Only X2 is a district (X1 is a county: no finding).
    let (_, r) = report("fixtures/changzhi", &[]);
    // Street centres in X2: SC9 (2019-05-01) counts, SC8 (2021-03-01) is too late → 1 of 2;
    // by the plan's dates SC8 makes the two from 2021-03-01.
    let c = finding(&r, "facility-count", "X2/comprehensive-centers");
    assert_eq!(
        (c["status"].as_str(), &c["measured"], &c["required"]),
        (Some("fail"), &json!(1.0), &json!(2.0))
    );
    assert_eq!(c["details"]["met_from"], "2021-03-01");
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("met from 2021-03-01"));
    // Day cares in X2: D2 (2018-09-01) and D3 (2020-12-31, the due date itself) count; D4 is
    // planned with no completion_date and could be the third → cannot tell.
    let d = finding(&r, "facility-count", "X2/day-care-centers");
    assert_eq!(
        (
            d["status"].as_str(),
            d["measured"].clone(),
            d["required"].clone()
        ),
        (Some("insufficient_data"), json!(2.0), json!(3.0))
    );
    assert_eq!(d["details"]["unknown"], json!(1));
    assert!(d["message"].as_str().unwrap().contains("completion_date"));
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "facility-count"
            || f["subject"]["id"].as_str().unwrap().starts_with("X2/")));
}

#[test]
fn xuchang_street_centres_and_community_places() {
    let (code, r) = report("fixtures/xuchang", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        verdict(&r, "street-center", "T1"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
    assert_eq!(
        verdict(&r, "street-center", "T2"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
    // T3's only centre, SC3, is completed on 2023-03-01: after the 2022 target's due date
    // (2022-12-31), so it does not count, and the finding says from when it is met.
    assert_eq!(
        verdict(&r, "street-center", "T3"),
        ("fail".into(), json!(0.0), json!(1.0))
    );
    let t3 = finding(&r, "street-center", "T3");
    assert_eq!(t3["details"]["by"], "2022-12-31");
    assert_eq!(t3["details"]["met_from"], "2023-03-01");
    // Q1 holds SC1 (completed 2021-12-31): a service place by the due date. Q2 holds none.
    assert_eq!(
        verdict(&r, "community-service-place", "Q1"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
    assert_eq!(
        verdict(&r, "community-service-place", "Q2"),
        ("fail".into(), json!(0.0), json!(1.0))
    );
    // SC1: 6,200 m² > 5,000 (warning, over by 1,200); SC2 3,000 passes.
    let f = finding(&r, "street-center-floor-area", "SC1");
    assert_eq!(
        (f["status"].as_str(), f["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert!(
        f["message"].as_str().unwrap().contains("by 1,200 m²"),
        "{}",
        f["message"]
    );
    assert_eq!(verdict(&r, "street-center-floor-area", "SC2").0, "pass");
    // Long-term beds 50–100: SC1 30 (below, required 50), SC2 120 (above, required 100).
    assert_eq!(
        verdict(&r, "street-center-beds", "SC1"),
        ("fail".into(), json!(30.0), json!(50.0))
    );
    assert_eq!(
        verdict(&r, "street-center-beds", "SC2"),
        ("fail".into(), json!(120.0), json!(100.0))
    );
    // Q1 contains SC1; Q2 (y < 500) contains nothing: W is at y = 700.
    assert_eq!(verdict(&r, "community-service-place", "Q1").0, "pass");
    assert_eq!(verdict(&r, "community-service-place", "Q2").0, "fail");
    // X1 contains W, a welfare centre.
    assert_eq!(
        verdict(&r, "county-institutions", "X1"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
}

#[test]
fn xuchang_land_floor_area_and_strict_half_deadline() {
    let (_, r) = report("fixtures/xuchang", &[]);
    // No parcel or land_area anywhere: 0 m² per resident < 0.2.
    assert_eq!(
        verdict(&r, "land-per-capita", "C"),
        ("fail".into(), json!(0.0), json!(0.2))
    );
    // K: SC1 6,200 m² × 100 / 1,000 households = 620 ≥ 30.
    assert_eq!(
        verdict(&r, "floor-area-per-households", "K"),
        ("pass".into(), json!(620.0), json!(30.0))
    );
    // Total 60,000 m²; 30,000 done 2020-06-30 reaches 50% that day: T50 = 2020-06-30.
    // SC1 started 2020-06-30: not *before* T50 → fail.
    assert_eq!(
        verdict(&r, "construction-timing", "K"),
        ("fail".into(), json!("2020-06-30"), json!("2020-06-30"))
    );
}

#[test]
fn xuchang_timing_counts_the_plot_and_community_facilities() {
    let (_, r) = report("fixtures/xuchang", &[]);
    // K2 against its plot total of 100,000 m²: 50,000 is first reached on 2021-06-30 (30,000
    // then 60,000), so S21 started 2021-01-01 is in time. Against its housing (60,000 m²)
    // the 30,000 of 2020-06-30 would already be 50%, and S21 late.
    let k2 = finding(&r, "construction-timing", "K2");
    assert_eq!(
        (
            k2["status"].as_str(),
            k2["measured"].clone(),
            k2["required"].clone()
        ),
        (Some("pass"), json!("2021-01-01"), json!("2021-06-30"))
    );
    assert_eq!(k2["details"]["total_basis"], "total_floor_area");
    assert_eq!(k2["details"]["total_floor_area"], json!(100000.0));
    assert!(k2["message"].as_str().unwrap().ends_with(
        "in time for the completion of 50% of the plot's total construction; 100,000 m² in all (total_floor_area)"
    ));
    // K3 gives no total: the phases' 100,000 m², T50 = 2021-06-30. Only community-level
    // facilities count: the nursing home N31 (started 2019) does not, so M is S31's
    // 2021-09-01, after T50 → fail.
    let k3 = finding(&r, "construction-timing", "K3");
    assert_eq!(
        (
            k3["status"].as_str(),
            k3["measured"].clone(),
            k3["required"].clone()
        ),
        (Some("fail"), json!("2021-09-01"), json!("2021-06-30"))
    );
    assert_eq!(k3["details"]["total_basis"], "phases");
    // The message names the total it used, the housing, and nothing of the plot's.
    assert_eq!(
        k3["message"],
        "the facility was started on 2021-09-01; after the completion of 50% of the housing (2021-06-30); 100,000 m² of housing, the sum of its phases"
    );
}

#[test]
fn xuchang_family_beds_per_thousand_elderly() {
    // Family beds: SC2 100 (no status or dates: taken as existing) + S21 40 (completed
    // 2022-06-30, by the 2025 target's due date) = 140; × 1000 / 20,000 elderly = 7.0 < 7.2.
    // S31 and N31 (started, no completion date) are unknown, but have no family beds: with
    // them it is 7.0 too, so they do not decide it. The target is 2025's: as of 2023-01-01
    // it is applied early, as a warning saying when it falls due.
    let (_, r) = report("fixtures/xuchang", &[]);
    let c = finding(&r, "family-beds-per-thousand-elderly", "C");
    assert_eq!(
        (c["status"].as_str(), c["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(
        (c["measured"].clone(), c["required"].clone()),
        (json!(7.0), json!(7.2))
    );
    assert_eq!(c["details"]["unknown"], json!(2));
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("falls due on 2025-12-31"));
    // From 2026-01-01 it is in force, an error.
    let (_, r) = report("fixtures/xuchang", &["--as-of", "2026-01-01"]);
    let c = finding(&r, "family-beds-per-thousand-elderly", "X1");
    assert_eq!(
        (c["status"].as_str(), c["severity"].as_str()),
        (Some("fail"), Some("error"))
    );
}

/// A copy of a fixture with one facility's property set (or removed, with `null`).
fn with_facility(fixture: &str, id: &str, key: &str, value: Value) -> tempfile::TempDir {
    let dir = common::copy_fixture(fixture, &[]);
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        for f in fs.iter_mut().filter(|f| f["properties"]["id"] == id) {
            f["properties"][key] = value.clone();
        }
    });
    dir
}

#[test]
fn a_requirement_that_names_a_level_counts_only_that_level() {
    // Xuchang 二: each county a county-level support facility. W (a welfare centre in X1)
    // run by the county meets it; the same home run by a township (乡镇级 敬老院) does not,
    // and one that says no level cannot tell.
    let (_, r) = report("fixtures/xuchang", &[]);
    assert_eq!(verdict(&r, "county-institutions", "X1").0, "pass");
    let town = with_facility("xuchang", "W", "level", json!("乡镇级"));
    let (_, r) = report(town.path().to_str().unwrap(), &[]);
    assert_eq!(
        verdict(&r, "county-institutions", "X1"),
        ("fail".into(), json!(0.0), json!(1.0))
    );
    let none = with_facility("xuchang", "W", "level", Value::Null);
    let (_, r) = report(none.path().to_str().unwrap(), &[]);
    let x1 = finding(&r, "county-institutions", "X1");
    assert_eq!(x1["status"], "insufficient_data");
    assert!(
        x1["message"].as_str().unwrap().contains("without level"),
        "{x1}"
    );

    // Changzhi 四(一): the city's care home of ≥ 300 beds is a city-level one. N1 (320 beds)
    // run by the city meets it; the same home run by a county is not the city's.
    let (_, r) = report("fixtures/changzhi", &[]);
    assert_eq!(verdict(&r, "county-institutions", "C").0, "pass");
    let county = with_facility("changzhi", "N1", "level", json!("county"));
    let (_, r) = report(county.path().to_str().unwrap(), &[]);
    let c = finding(&r, "county-institutions", "C");
    assert_eq!(
        (c["status"].as_str(), &c["measured"], &c["required"]),
        (Some("fail"), &json!(1.0), &json!(2.0))
    );
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("missing: city care home with at least 300 beds"));
}

#[test]
fn changzhi_every_town_has_a_home_for_the_destitute() {
    // 四(一): in each town a welfare centre or rural home for the group care of the
    // destitute. The fixture has no town; T1 (500000–500400 × 4000000–4000400, in X1) is
    // added: it holds no facility → fail; a rural home R1 at (500200, 4000200) → pass.
    let dir = common::copy_fixture("changzhi", &[]);
    common::edit_layer(dir.path(), "units.geojson", |us| {
        us.push(
            json!({"type": "Feature", "properties": {"id": "T1", "name": "甲镇", "level": "town"},
            "geometry": {"type": "Polygon", "coordinates": [[[500000, 4000000], [500400, 4000000],
                [500400, 4000400], [500000, 4000400], [500000, 4000000]]]}}),
        );
    });
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let t1 = finding(&r, "county-institutions", "T1");
    assert_eq!(
        (t1["status"].as_str(), &t1["measured"], &t1["required"]),
        (Some("fail"), &json!(0.0), &json!(1.0))
    );
    assert!(t1["message"]
        .as_str()
        .unwrap()
        .contains("facility for the group care of the destitute"));
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        fs.push(
            json!({"type": "Feature", "properties": {"id": "R1", "kind": "rural_home"},
            "geometry": {"type": "Point", "coordinates": [500200, 4000200]}}),
        );
    });
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(verdict(&r, "county-institutions", "T1").0, "pass");
}

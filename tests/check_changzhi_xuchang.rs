//! Hand-worked fixtures for the rules only Changzhi and Xuchang have.
//!
//! `fixtures/changzhi` (as of 2021-01-01; all 2020 targets in force), EPSG:4547 metres from
//! (500000, 4000000): city C (20,000 elderly) split into counties X1 (x < 1000) and X2;
//! communities Q1 (in X1) and Q2 (in X2); villages V1 (1,500 people) and V2 (800).
//! Institutions: N1 nursing home 320 beds / 120 nursing, government, medical care (X1);
//! W1 welfare centre 120 / 30, public-private (X1); W2 welfare centre 80 / 20, private (X2);
//! P1 institution 100 / 10, private (X2). D1 day care in Q1; S1 station in Q2.
//!
//! `fixtures/xuchang` (as of 2023-01-01): city C = county X1; streets T1 (x < 1000), T2
//! (1000–2000) and T3 (2000–3000, outside the city polygon, parent X1); communities Q1
//! (0–500 × 0–500) and Q2 (500–1000 × 0–500). SC1 street centre (6,200 m², 30 long-term
//! beds, started 2020-06-30) inside compound K (1,000 households, new) and Q1; SC2 street
//! centre (3,000 m², 120 beds) in T2; W welfare centre at (700, 700). K's phases: 30,000 m²
//! done 2020-06-30, 30,000 m² done 2021-06-30.

mod common;

use common::{finding, report, verdict};
use serde_json::json;

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
    // Home-care centre (station): Q2 yes, Q1 no → 1/2 = 0.5 < 0.6.
    assert_eq!(
        verdict(&r, "facility-coverage", "C/community/community_station"),
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
    // City: an institution with ≥ 300 beds — N1 (320) → 1/1.
    assert_eq!(
        verdict(&r, "county-institutions", "C"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
    // X1: welfare centre ≥ 100 beds (W1, 120) and a medical-care facility (N1) → 2/2.
    assert_eq!(
        verdict(&r, "county-institutions", "X1"),
        ("pass".into(), json!(2.0), json!(2.0))
    );
    // X2: W2 has 80 beds (< 100), no medical care → 0/2.
    assert_eq!(
        verdict(&r, "county-institutions", "X2"),
        ("fail".into(), json!(0.0), json!(2.0))
    );
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
    assert_eq!(
        verdict(&r, "street-center", "T3"),
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

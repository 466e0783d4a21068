//! Dated targets count what stands by their due date (rules.md): the ratio, share and
//! coverage rules on a hand-worked fixture.
//!
//! `fixtures/dated` (Anyang, as of 2021-06-30: the 2020 targets, due 2020-12-31, are in
//! force), EPSG:4547 metres from (500000, 4000000): city C (10,000 elderly) split into
//! counties X1 (x < 2000) and X2 (2000–4000), 5,000 elderly each; communities Q1–Q4, one
//! per 1000 m of x (Q1, Q2 in X1; Q3, Q4 in X2). Institutions, at y = 700:
//! - A institution in Q1: 200 beds, 60 nursing, private; no status, no dates (taken as
//!   existing);
//! - B nursing home in Q2: 100 beds, 50 nursing, government; completed 2020-12-31 (the due
//!   date: it counts);
//! - D institution in Q3: 100 beds, 30 nursing, private; completed 2021-01-01 (the day
//!   after: it does not count);
//! - E welfare centre in Q4: 60 beds, 10 nursing, government; `planned`, no dates
//!   (unknown).
//!
//! Community facilities, at y = 300: S1 station in Q1 (no status or dates), S2 station in
//! Q2 (completed 2020-12-31), S3 day care in Q3 (`planned`, completed 2021-01-01), S4
//! station in Q4 (`existing`, with a completion date of 2023-01-01: existing counts
//! whatever its dates say).

mod common;

use common::{finding, report, verdict};
use serde_json::json;

#[test]
fn beds_per_thousand_elderly_is_insufficient_when_the_undated_planned_home_decides() {
    let (_, r) = report("fixtures/dated", &[]);
    // C: A 200 + B 100 = 300 beds by 2020-12-31 (D, completed 2021-01-01, is left out);
    // × 1000 / 10,000 = 30.0 < 35. With E's 60 beds it would be 36.0 ≥ 35: E decides.
    let c = finding(&r, "beds-per-thousand-elderly", "C");
    assert_eq!(
        (
            c["status"].as_str(),
            c["measured"].clone(),
            c["required"].clone()
        ),
        (Some("insufficient_data"), json!(30.0), json!(35.0))
    );
    assert_eq!(c["details"]["by"], "2020-12-31");
    assert_eq!(c["details"]["unknown"], json!(1));
    assert!(
        c["message"].as_str().unwrap().contains("completion_date"),
        "{}",
        c["message"]
    );
    // X1 (info): A 200 + B 100 = 300 × 1000 / 5,000 = 60 ≥ 35.
    assert_eq!(
        verdict(&r, "beds-per-thousand-elderly", "X1"),
        ("pass".into(), json!(60.0), json!(35.0))
    );
    // X2: nothing with beds stands by the due date: 0. E (60) would make 12, D (100) adds
    // 20 from 2021-01-01: 32 < 35 even then, so no `met_from`. The stations S3 and S4 have
    // no beds, and the layer gives beds elsewhere: 0 beds, not a missing field.
    let x2 = finding(&r, "beds-per-thousand-elderly", "X2");
    assert_eq!(
        (x2["status"].as_str(), x2["measured"].clone()),
        (Some("fail"), json!(0.0))
    );
    assert_eq!(x2["details"]["met_from"], json!(null));
}

#[test]
fn a_facility_completed_after_the_due_date_meets_it_later_and_says_from_when() {
    // The plan without E: C has 300 beds by 2020-12-31 = 30.0 < 35, and nothing unknown;
    // D's 100 from 2021-01-01 make 400 = 40.0 ≥ 35: fail, met from 2021-01-01.
    let dir = common::copy_fixture("dated", &[]);
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        fs.retain(|f| f["properties"]["id"] != "E")
    });
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let c = finding(&r, "beds-per-thousand-elderly", "C");
    assert_eq!(
        (c["status"].as_str(), c["measured"].clone()),
        (Some("fail"), json!(30.0))
    );
    assert_eq!(c["details"]["met_from"], "2021-01-01");
    assert_eq!(c["details"]["unknown"], json!(0));
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("met from 2021-01-01"));
}

#[test]
fn shares_count_numerator_and_denominator_over_what_stands() {
    let (_, r) = report("fixtures/dated", &[]);
    // Nursing beds: A 60 + B 50 = 110 of 300 = 36.7% ≥ 30% (with D it would be 140 / 400 =
    // 35%: D is not counted). With E: 120 / 360 = 33.3%, still ≥ 30%: E does not decide.
    let n = finding(&r, "nursing-bed-share", "C");
    assert_eq!(n["status"], "pass");
    assert!((n["measured"].as_f64().unwrap() - 110.0 / 300.0).abs() < 1e-6);
    assert_eq!(n["details"]["unknown"], json!(1));
    // Government beds: B 100 of 300 = 33.3% ≤ 50%; with E 160 / 360 = 44.4%: pass either way.
    let g = finding(&r, "government-bed-share", "C");
    assert_eq!(g["status"], "pass");
    assert!((g["measured"].as_f64().unwrap() - 100.0 / 300.0).abs() < 1e-6);
}

#[test]
fn coverage_counts_the_communities_covered_by_the_due_date() {
    let (_, r) = report("fixtures/dated", &[]);
    // Q1 (S1, taken as existing), Q2 (S2, completed on the due date) and Q4 (S4, existing)
    // are covered; Q3's day care is completed 2021-01-01: 3 / 4 = 75% < 100%, met from
    // 2021-01-01 when Q3 is covered too.
    let c = finding(&r, "facility-coverage", "C/community");
    assert_eq!(
        (
            c["status"].as_str(),
            c["measured"].clone(),
            c["required"].clone()
        ),
        (Some("fail"), json!(0.75), json!(1.0))
    );
    assert_eq!(c["details"]["uncovered"], json!(["Q3"]));
    assert_eq!(c["details"]["met_from"], "2021-01-01");
    assert_eq!(c["details"]["by"], "2020-12-31");
}

#[test]
fn coverage_is_insufficient_when_a_community_has_only_an_undated_planned_facility() {
    // S3 planned without a date: Q3 may or may not be covered by 2020-12-31. 75% without
    // it, 100% with it: it decides.
    let dir = common::copy_fixture("dated", &[]);
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        for f in fs.iter_mut() {
            if f["properties"]["id"] == "S3" {
                f["properties"]["completion_date"] = serde_json::Value::Null;
            }
        }
    });
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let c = finding(&r, "facility-coverage", "C/community");
    assert_eq!(
        (c["status"].as_str(), c["measured"].clone()),
        (Some("insufficient_data"), json!(0.75))
    );
    assert_eq!(c["details"]["unknown"], json!(1));
}

#[test]
fn the_notes_count_the_facilities_taken_as_existing() {
    // A and S1 give neither a status nor dates.
    let (_, r) = report("fixtures/dated", &[]);
    let notes = r["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("2 facilities give neither")),
        "{notes:?}"
    );
}

#[test]
fn the_sample_shows_dated_level_and_delivery_findings() {
    // data/sample: the county-level nursing home F000027 is planned, completed 2022-06-30;
    // it stands in district 410503, whose 2020 nursing-type requirement it meets only
    // from then. The city's beds by 2020-12-31 are F000026's 163 alone.
    let (_, r) = report("data/sample", &[]);
    let d = finding(&r, "county-institutions", "410503");
    assert_eq!(d["status"], "fail");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("nursing-type institution for the disabled poor (completed by 2020-12-31) (met from 2022-06-30"),
        "{}",
        d["message"]
    );
    let beds = finding(&r, "beds-per-thousand-elderly", "410500");
    assert!(
        beds["message"].as_str().unwrap().contains("163 beds"),
        "{}",
        beds["message"]
    );
    assert_eq!(beds["details"]["by"], "2020-12-31");
    // Xuchang's profile on the same plan: stations delivered with the housing or after it.
    let (_, x) = report("data/sample", &["--profile", "xuchang-2022"]);
    let delivery: Vec<&str> = x["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "delivery-with-housing")
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert!(
        delivery.contains(&"pass") && delivery.contains(&"fail"),
        "{delivery:?}"
    );
}

//! construction-timing on planned schedules (fixtures/timing-planned, anyang-2017, as of
//! 2024-06-30). Each compound: 40,000 m² then 60,000 m² (total 100,000; T50 is the second
//! phase's completion, when the cumulative area first reaches 50,000).
//!
//! P: phases planned 2026-06-30 and 2027-06-30; its station SP is planned to be completed
//!    2028-01-01: M ≥ T50 (2027-06-30) → fail, though every date is in the future.
//! Q: the same phases, no facility: T50 has not come → pending, 0 m² done, 50,000 m² before
//!    the 50% deadline.
//! R: phases completed 2020-06-30 and 2022-06-30, no facility: T50 = 2022-06-30 ≤ as_of → fail.
//! ZZ: a phase row for a compound that does not exist.

mod common;

use common::{finding, report, verdict};
use serde_json::json;

#[test]
fn planned_dates_are_checked_like_past_ones() {
    let (_, r) = report("fixtures/timing-planned", &[]);
    assert_eq!(
        verdict(&r, "construction-timing", "P"),
        ("fail".into(), json!("2028-01-01"), json!("2027-06-30"))
    );
    // To be in time SP must start before 2027-06-30: on 2027-06-29 at the latest, 186 days
    // earlier than 2028-01-01 (1 + 31 + 31 + 30 + 31 + 30 + 31 + 1). R has no facility:
    // the date it needs is known, how far off it is not.
    assert_eq!(
        finding(&r, "construction-timing", "P")["gap"],
        json!({"need": "before", "deficit": 186.0})
    );
    assert_eq!(
        finding(&r, "construction-timing", "R")["gap"],
        json!({"need": "before", "deficit": null})
    );
    let q = finding(&r, "construction-timing", "Q");
    assert_eq!(q["status"], "pending");
    assert!(
        q["message"].as_str().unwrap().contains("50,000 m² more"),
        "{}",
        q["message"]
    );
    assert_eq!(q["details"]["completed_share"], json!(0.0));
    assert_eq!(
        verdict(&r, "construction-timing", "R"),
        ("fail".into(), json!(null), json!("2022-06-30"))
    );
}

#[test]
fn phases_of_unknown_compounds_are_rejected() {
    let (_, r) = report("fixtures/timing-planned", &[]);
    let ph = &r["inputs"]["phases"];
    assert_eq!(
        (ph["features"].as_u64(), ph["accepted"].as_u64()),
        (Some(7), Some(6))
    );
    assert_eq!(ph["rejected"][0]["index"], 6);
    assert_eq!(ph["rejected"][0]["field"], "compound_id");
}

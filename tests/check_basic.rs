//! The hand-worked fixture `fixtures/basic` (EPSG:4547 metres, anyang-2017, as of
//! 2024-06-30). Every expected number below is worked out from the fixture's files:
//!
//! Compounds (100 m squares): A new, 1,250 households, at (500000, 4000000); B existing, 500
//! households, at (501000, 4000000); C existing, 0 households, at (503000, 4000000); D no
//! status, 400 households, at (500000, 4001000). Facilities: S1 station 300 m² at A's centre
//! (completed 2022-03-01); S2 day care 100 m² at B's centre; I1 nursing home (point, land
//! 8,000 m², 600 beds, 150 nursing, government, medical care) at (502000, 4001000); I2
//! institution on a 100 × 100 m parcel (10,000 m²), 200 beds, 50 nursing, private.
//! Units: city U0 (100,000 people, 20,000 elderly); districts D1 west of x = 502200 (60,000 /
//! 12,000) and D2 east (40,000 / 8,000); communities Q1 (holds S1, S2) and Q2 (no facility).
//! Phases of A: 40,000 m² done 2021-06-30, 60,000 m² done 2023-06-30.

mod common;

use common::{contract_holds, report, verdict};
use serde_json::json;

fn basic() -> serde_json::Value {
    let (code, r) = report("fixtures/basic", &[]);
    assert_eq!(code, 1, "failing errors → exit 1");
    r
}

#[test]
fn floor_area_per_households() {
    let r = basic();
    // A: 300 × 100 / 1,250 = 24 < 30 (new); missing 1,250 × 30 / 100 − 300 = 75 m².
    assert_eq!(
        verdict(&r, "floor-area-per-households", "A"),
        ("fail".into(), json!(24.0), json!(30.0))
    );
    let a = common::finding(&r, "floor-area-per-households", "A");
    assert_eq!(a["details"]["missing_floor_area"], json!(75.0));
    assert!(a["message"].as_str().unwrap().contains("needs 75 m² more"));
    // B: 100 × 100 / 500 = 20 = 20 (existing): pass at the bound.
    assert_eq!(
        verdict(&r, "floor-area-per-households", "B"),
        ("pass".into(), json!(20.0), json!(20.0))
    );
    // C has 0 households; D has no status.
    assert_eq!(
        verdict(&r, "floor-area-per-households", "C").0,
        "not_applicable"
    );
    assert_eq!(
        verdict(&r, "floor-area-per-households", "D").0,
        "insufficient_data"
    );
}

#[test]
fn construction_timing() {
    let r = basic();
    // T1 = 2021-06-30 (40%), T50 = 2023-06-30 (100%); M = 2022-03-01: after T1, before T50,
    // the allowed fallback → pass, required = T50.
    assert_eq!(
        verdict(&r, "construction-timing", "A"),
        ("pass".into(), json!("2022-03-01"), json!("2023-06-30"))
    );
    assert_eq!(verdict(&r, "construction-timing", "B").0, "not_applicable");
    assert_eq!(
        verdict(&r, "construction-timing", "D").0,
        "insufficient_data"
    );
}

#[test]
fn construction_timing_in_wuhan_wants_the_first_phase() {
    // Same facts under Wuhan (first phase, warning): M = 2022-03-01 > T1 = 2021-06-30 → fail.
    let (_, r) = report("fixtures/basic", &["--profile", "wuhan-2017"]);
    let f = common::finding(&r, "construction-timing", "A");
    assert_eq!(
        (f["status"].as_str(), f["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(f["required"], json!("2021-06-30"));
}

#[test]
fn wuhans_first_phase_rule_is_for_compounds_built_in_several_phases() {
    // A's two phases made one of 100,000 m² completed 2023-06-30. Wuhan speaks of
    // "多期开发的居住(小)区": a one-phase compound is not applicable. Anyang applies to it:
    // T1 = T50 = 2023-06-30, and M = 2022-03-01 ≤ T1 → pass.
    let dir = common::copy_fixture("basic", &[]);
    std::fs::write(
        dir.path().join("phases.csv"),
        "compound_id,phase,floor_area,start_date,completion_date\nA,1,100000,2019-03-01,2023-06-30\n",
    )
    .unwrap();
    let plan = dir.path().to_str().unwrap();
    let (_, r) = report(plan, &["--profile", "wuhan-2017"]);
    let f = common::finding(&r, "construction-timing", "A");
    assert_eq!(f["status"], "not_applicable");
    assert!(f["message"].as_str().unwrap().contains("one phase"), "{f}");
    let (_, r) = report(plan, &[]);
    assert_eq!(
        verdict(&r, "construction-timing", "A"),
        ("pass".into(), json!("2022-03-01"), json!("2023-06-30"))
    );
}

#[test]
fn construction_timing_checks_the_schedule_before_it_happens() {
    // As of 2021-01-01 nothing is built yet, but the schedule is the plan: M = 2022-03-01
    // falls between T1 = 2021-06-30 and T50 = 2023-06-30 → pass by the fallback. The
    // completed share so far is 0.
    let (_, r) = report("fixtures/basic", &["--as-of", "2021-01-01"]);
    assert_eq!(
        verdict(&r, "construction-timing", "A"),
        ("pass".into(), json!("2022-03-01"), json!("2023-06-30"))
    );
    assert_eq!(
        common::finding(&r, "construction-timing", "A")["details"]["completed_share"],
        json!(0.0)
    );
}

#[test]
fn service_circle_straight_line() {
    let r = basic();
    // A and B hold their stations at their centroids: 0 m.
    assert_eq!(
        verdict(&r, "service-circle", "A"),
        ("pass".into(), json!(0.0), json!(800.0))
    );
    // C's centroid (503050, 4000050) → S2 (501050, 4000050): 2,000 m, 1,200 m too far.
    assert_eq!(
        verdict(&r, "service-circle", "C"),
        ("fail".into(), json!(2000.0), json!(800.0))
    );
    // D's centroid (500050, 4001050) → S1 (500050, 4000050): 1,000 m.
    assert_eq!(
        verdict(&r, "service-circle", "D"),
        ("fail".into(), json!(1000.0), json!(800.0))
    );
    let d = common::finding(&r, "service-circle", "D");
    assert_eq!(d["details"]["nearest_facility"], "S1");
    assert_eq!(d["details"]["approximate"], true);
    // Plan coverage: 2 of 4 urban compounds inside; population (×2.62): A 3,275 + B 1,310
    // inside of 3,275 + 1,310 + 0 + 1,048 = 5,633.
    let c = &r["service_circle"]["plan"];
    assert_eq!(
        (c["compounds"].as_u64(), c["inside"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(c["population_inside"], json!(4585.0));
    assert_eq!(c["population"], json!(5633.0));
}

#[test]
fn area_rules() {
    let r = basic();
    // Land: city (8,000 + 10,000) / 100,000 = 0.18; D1 8,000 / 60,000 = 0.133333; D2 10,000 / 40,000.
    assert_eq!(
        verdict(&r, "land-per-capita", "U0"),
        ("pass".into(), json!(0.18), json!(0.1))
    );
    assert_eq!(
        verdict(&r, "land-per-capita", "D1"),
        ("pass".into(), json!(0.133333), json!(0.1))
    );
    assert_eq!(
        verdict(&r, "land-per-capita", "D2"),
        ("pass".into(), json!(0.25), json!(0.1))
    );
    // Beds: city 800 × 1000 / 20,000 = 40 ≥ 35; D2 200 × 1000 / 8,000 = 25, for information.
    assert_eq!(
        verdict(&r, "beds-per-thousand-elderly", "U0"),
        ("pass".into(), json!(40.0), json!(35.0))
    );
    let d2 = common::finding(&r, "beds-per-thousand-elderly", "D2");
    assert_eq!(
        (d2["status"].as_str(), d2["severity"].as_str()),
        (Some("fail"), Some("info"))
    );
    // Nursing: 200 / 800 = 25% < 30% (2020 target); government 600 / 800 = 75% > 50%.
    assert_eq!(
        verdict(&r, "nursing-bed-share", "U0"),
        ("fail".into(), json!(0.25), json!(0.3))
    );
    assert_eq!(
        verdict(&r, "government-bed-share", "U0"),
        ("fail".into(), json!(0.75), json!(0.5))
    );
    // Coverage: Q1 has S1 and S2, Q2 none → 1/2; towns and villages: none in the plan.
    assert_eq!(
        verdict(&r, "facility-coverage", "U0/community"),
        ("fail".into(), json!(0.5), json!(1.0))
    );
    assert_eq!(
        common::finding(&r, "facility-coverage", "U0/community")["details"]["uncovered"],
        json!(["Q2"])
    );
    assert_eq!(
        verdict(&r, "facility-coverage", "U0/town").0,
        "not_applicable"
    );
    // Counties: D1 holds I1 (a nursing home with medical care: the 2017 medical-care
    // facility, the 2020 medical-care institution and the nursing-type institution) → 3/3;
    // D2 holds I2 (an institution, no medical care, 50 nursing beds: nursing-type, 护理型)
    // → 1/3.
    assert_eq!(
        verdict(&r, "county-institutions", "D1"),
        ("pass".into(), json!(3.0), json!(3.0))
    );
    assert_eq!(
        verdict(&r, "county-institutions", "D2"),
        ("fail".into(), json!(1.0), json!(3.0))
    );
    // Community centres started by 2017-12-31: S1's only date is its completion on
    // 2022-03-01 (it may have started before the end of 2017: unknown); S2 gives neither
    // a status nor dates, so it is taken as existing → 1 known, 1 unknown: even S1 could
    // not make 6 → fail.
    let f = common::finding(&r, "facility-count", "U0/community-centers-started");
    assert_eq!(
        (
            f["status"].as_str(),
            f["measured"].clone(),
            f["required"].clone()
        ),
        (Some("fail"), json!(1.0), json!(6.0))
    );
    assert_eq!(f["details"]["by"], "2017-12-31");
    assert_eq!(f["details"]["unknown"], 1);
    // S2, I1 and I2 give neither status nor dates: the notes say they were taken as
    // existing.
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("3 facilities give neither a status nor dates"),
        "{notes}"
    );
}

#[test]
fn dated_targets_follow_as_of() {
    // As of 2018-06-30 Anyang's nursing share is the 2017 target, 10%: 25% passes. The
    // 2020 beds target is applied early, as a warning: 40 ≥ 35 still passes.
    let (_, r) = report("fixtures/basic", &["--as-of", "2018-06-30"]);
    assert_eq!(
        verdict(&r, "nursing-bed-share", "U0"),
        ("pass".into(), json!(0.25), json!(0.1))
    );
    // The government share (≤ 50% by 2020) fails early as a warning, not an error.
    let g = common::finding(&r, "government-bed-share", "U0");
    assert_eq!(
        (g["status"].as_str(), g["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
}

#[test]
fn overrides_change_thresholds() {
    // --set land-per-capita.min=0.2 (Xuchang's number): D1 0.133 now fails, short by 0.0667.
    let (_, r) = report("fixtures/basic", &["--set", "land-per-capita.min=0.2"]);
    assert_eq!(
        verdict(&r, "land-per-capita", "D1"),
        ("fail".into(), json!(0.133333), json!(0.2))
    );
}

#[test]
fn report_follows_the_contract_and_is_deterministic() {
    let r = basic();
    // The verdicts asserted one by one above; facility-count's is the ninth failure.
    assert_eq!(
        r["summary"],
        json!({"pass": 10, "fail": 9, "pending": 0, "not_applicable": 5,
        "insufficient_data": 2, "skipped": 0, "errors": 8, "warnings": 0, "waived": 0})
    );
    assert!(contract_holds(&r));
    let (_, one, _) = common::run(&[
        "check",
        "fixtures/basic",
        "--format",
        "json",
        "--lang",
        "zh",
    ]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args([
            "check",
            "fixtures/basic",
            "--format",
            "json",
            "--lang",
            "zh",
        ])
        .env("RAYON_NUM_THREADS", "1")
        .current_dir(common::root())
        .output()
        .unwrap();
    common::schema_holds(&serde_json::from_str(&one).unwrap());
    assert_eq!(
        one.as_bytes(),
        out.stdout.as_slice(),
        "byte-identical whatever the thread count"
    );
}

#[test]
fn fail_on_warning_counts_warnings() {
    // Wuhan's policy expired after 2022-08-22 (有效期5年): as of 2024-06-30 every failing
    // finding of it is a warning, so only warnings fail.
    let (code, r) = report("fixtures/basic", &["--profile", "wuhan-2017"]);
    assert_eq!(r["summary"]["errors"], 0);
    assert!(r["summary"]["warnings"].as_u64().unwrap() >= 1);
    assert_eq!(
        code, 0,
        "warnings do not fail at the default --fail-on error"
    );
    let (code, _) = report(
        "fixtures/basic",
        &["--profile", "wuhan-2017", "--fail-on", "warning"],
    );
    assert_eq!(code, 1, "--fail-on warning fails on them");
}

#[test]
fn a_nursing_type_institution_has_nursing_beds() {
    // Anyang 行动计划 二: each county a nursing-type (护理型) institution: a nursing home, or
    // an institution or welfare centre with nursing beds. D2's I2 made a welfare centre
    // without nursing beds no longer meets it: D2 0/3 (1/3 with I2 as it is).
    let dir = common::copy_fixture("basic", &[]);
    common::edit_layer(dir.path(), "facilities.geojson", |fs| {
        for f in fs.iter_mut().filter(|f| f["properties"]["id"] == "I2") {
            f["properties"]["kind"] = json!("welfare_center");
            f["properties"]["nursing_beds"] = json!(0);
        }
    });
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let d2 = common::finding(&r, "county-institutions", "D2");
    assert_eq!(
        (d2["status"].as_str(), &d2["measured"], &d2["required"]),
        (Some("fail"), &json!(0.0), &json!(3.0))
    );
    assert!(d2["message"]
        .as_str()
        .unwrap()
        .contains("nursing-type institution for the disabled poor"));
}

#[test]
fn the_facility_is_delivered_with_the_housing() {
    // Xuchang 三(一)2 (四同步), a warning: A's housing is delivered with its last phase on
    // 2023-06-30; S1 (A's station) was completed on 2022-03-01 → pass. Wuhan says the same.
    for profile in ["xuchang-2022", "wuhan-2017"] {
        let (_, r) = report("fixtures/basic", &["--profile", profile]);
        let a = common::finding(&r, "delivery-with-housing", "A");
        assert_eq!(
            (a["status"].as_str(), a["severity"].as_str()),
            (Some("pass"), Some("warning")),
            "{profile}"
        );
        assert_eq!(
            (&a["measured"], &a["required"]),
            (&json!("2022-03-01"), &json!("2023-06-30"))
        );
        assert_eq!(
            verdict(&r, "delivery-with-housing", "B").0,
            "not_applicable"
        );
    }
    let with = |s1_done: &str, phases: &str| {
        let dir = common::copy_fixture("basic", &[]);
        common::edit_layer(dir.path(), "facilities.geojson", |fs| {
            fs[0]["properties"]["completion_date"] = json!(s1_done);
        });
        std::fs::write(dir.path().join("phases.csv"), phases).unwrap();
        let (_, r) = report(dir.path().to_str().unwrap(), &["--profile", "xuchang-2022"]);
        common::finding(&r, "delivery-with-housing", "A").clone()
    };
    let phases = "compound_id,phase,floor_area,start_date,completion_date\n\
                  A,1,40000,2019-03-01,2021-06-30\nA,2,60000,2021-03-01,2023-06-30\n";
    // Completed 2023-07-01, the day after the last phase: fail.
    let a = with("2023-07-01", phases);
    assert_eq!(
        (a["status"].as_str(), &a["measured"], &a["required"]),
        (Some("fail"), &json!("2023-07-01"), &json!("2023-06-30"))
    );
    // On the day of the last phase: in time.
    assert_eq!(with("2023-06-30", phases)["status"], "pass");
    // The second phase unfinished (no date): delivery comes after 2024-06-30. A station
    // completed 2022-03-01 is in time; one planned for 2025-01-01 cannot be judged.
    let unfinished = "compound_id,phase,floor_area,start_date,completion_date\n\
                      A,1,40000,2019-03-01,2021-06-30\nA,2,60000,2021-03-01,\n";
    assert_eq!(with("2022-03-01", unfinished)["status"], "pass");
    assert_eq!(
        with("2025-01-01", unfinished)["status"],
        "insufficient_data"
    );
}

#[test]
fn failing_findings_give_their_gap_typed() {
    // The gap is the way the requirement binds and how far off: A's floor area 24 of
    // ≥ 30 (6 more m² per 100 households), C's walk 2,000 m of ≤ 800 (1,200 too far), the
    // city's government-run share 600 / 800 = 0.75 of ≤ 0.5 (0.25 over), D2's beds
    // 200 × 1000 / 8,000 = 25 of ≥ 35 (10 more). Passing findings have none; every failing
    // one with a required value has one.
    let r = basic();
    let gap = |rule: &str, id: &str| common::finding(&r, rule, id)["gap"].clone();
    assert_eq!(
        gap("floor-area-per-households", "A"),
        json!({"need": "at_least", "deficit": 6.0})
    );
    assert_eq!(
        gap("service-circle", "C"),
        json!({"need": "at_most", "deficit": 1200.0})
    );
    assert_eq!(
        gap("government-bed-share", "U0"),
        json!({"need": "at_most", "deficit": 0.25})
    );
    assert_eq!(
        gap("beds-per-thousand-elderly", "D2"),
        json!({"need": "at_least", "deficit": 10.0})
    );
    assert!(gap("floor-area-per-households", "B").is_null(), "a pass");
    for f in r["findings"].as_array().unwrap() {
        let failing = f["status"] == "fail" && !f["required"].is_null();
        assert_eq!(failing, f.get("gap").is_some(), "{f}");
    }
}

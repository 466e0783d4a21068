//! What the five texts say, exactly: due dates and expiry, the kinds that cover a unit,
//! the requirements added from the texts, and no answer that is not the data's.
//!
//! `fixtures/shangqiu` (shangqiu-2018, as of 2019-01-01: every 2018 target is due),
//! EPSG:4547 metres from (500000, 4000000): city C (20,000 elderly) = counties X1 (x < 1000)
//! and X2. Community-level centres along y = 100: S1 station started 2017-03-01, S2 day care
//! started 2018-12-31, S3 street centre started 2019-01-01, S4 station with only a
//! completion date, 2016-05-01, S5 and S6 day cares without dates. Institutions along
//! y = 800: N1 nursing home (medical care, X1), W1 welfare centre 120 beds with a clinic
//! (medical care, X1), W2 150 beds without one, W3 100 beds with one, W4 60 beds (no clinic
//! value), I1 institution (medical care) — W2 to I1 in X2. Clinics are given as
//! `医务室或护理站` = 有 / 无.
//!
//! `fixtures/timing-unknown` (anyang-2017, as of 2024-06-30): new compounds S, T, U, V, W,
//! X, Y. S: phases of 40,000 and 60,000 m² without completion dates. T: residential floor
//! area 100,000 m², phases of 20,000 (done 2020-06-30) and 20,000 (2021-06-30); station
//! ST completed 2022-01-01. U, V, W: 40,000 m² done 2021-06-30, 60,000 m² unfinished (no
//! date); U's station completed 2024-01-01, V's planned for 2025-01-01, W none. X: phases
//! of 30,000 and 70,000 m², both unfinished; station SX completed 2024-03-01. Y: one
//! unfinished phase of 100,000 m²; station SY planned for 2025-03-01.

mod common;

use common::{copy_fixture, edit_layer, finding, report, run, verdict};
use serde_json::{json, Value};

fn sev(f: &Value) -> (&str, &str) {
    (
        f["status"].as_str().unwrap(),
        f["severity"].as_str().unwrap(),
    )
}

#[test]
fn a_target_falls_due_at_the_end_of_its_year() {
    // fixtures/basic: 800 beds × 1000 / 20,000 elderly = 40 ≥ 35 (Anyang, 2020); nursing
    // (150 + 50) / 800 = 25%: it passes the 10% of 2017, fails the 30% of 2020.
    let (_, r) = report("fixtures/basic", &["--as-of", "2020-12-31"]);
    assert_eq!(
        verdict(&r, "nursing-bed-share", "U0"),
        ("pass".into(), json!(0.25), json!(0.1))
    );
    let beds = finding(&r, "beds-per-thousand-elderly", "U0");
    assert_eq!(sev(beds), ("pass", "warning"), "2020's target not yet due");
    assert!(beds["message"]
        .as_str()
        .unwrap()
        .contains("the 2020 target falls due on 2020-12-31 and is not yet in force"));
    let (_, r) = report("fixtures/basic", &["--as-of", "2021-01-01"]);
    assert_eq!(
        verdict(&r, "nursing-bed-share", "U0"),
        ("fail".into(), json!(0.25), json!(0.3))
    );
    let beds = finding(&r, "beds-per-thousand-elderly", "U0");
    assert_eq!(sev(beds), ("pass", "error"));
    assert!(beds["message"]
        .as_str()
        .unwrap()
        .contains("the 2020 target applies (due 2020-12-31)"));
}

#[test]
fn xuchang_end_of_2022_targets_are_warnings_until_they_fall_due() {
    // "到2022年年底": street T3 has no street centre, community Q2 no facility. A check dated
    // 2022-04 (the bureau's complaint) and one on 2022-12-31 report warnings; from
    // 2023-01-01 they are errors.
    for (date, severity) in [
        ("2022-04-15", "warning"),
        ("2022-12-31", "warning"),
        ("2023-01-01", "error"),
    ] {
        let (_, r) = report("fixtures/xuchang", &["--as-of", date]);
        for (rule, unit) in [("street-center", "T3"), ("community-service-place", "Q2")] {
            assert_eq!(
                sev(finding(&r, rule, unit)),
                ("fail", severity),
                "{rule} {unit} on {date}"
            );
        }
    }
    let (_, r) = report("fixtures/xuchang", &["--as-of", "2022-04-15"]);
    assert!(finding(&r, "street-center", "T3")["message"]
        .as_str()
        .unwrap()
        .contains("falls due on 2022-12-31"));
}

#[test]
fn county_requirements_fall_due_at_the_end_of_their_year() {
    // Xuchang's county support facility (welfare centre) is due by the end of 2022: without
    // W, county X1 misses it — a warning on 2022-12-31 saying when it falls due, an error
    // from 2023-01-01.
    let dir = copy_fixture("xuchang", &[]);
    edit_layer(dir.path(), "facilities.geojson", |fs| {
        fs.retain(|f| f["properties"]["id"] != "W")
    });
    let plan = dir.path().to_str().unwrap();
    let (_, r) = report(plan, &["--as-of", "2022-12-31"]);
    let x1 = finding(&r, "county-institutions", "X1");
    assert_eq!(sev(x1), ("fail", "warning"));
    assert!(
        x1["message"].as_str().unwrap().contains("due 2022-12-31"),
        "{}",
        x1["message"]
    );
    let (_, r) = report(plan, &["--as-of", "2023-01-01"]);
    assert_eq!(
        sev(finding(&r, "county-institutions", "X1")),
        ("fail", "error")
    );
}

#[test]
fn an_expired_policy_still_runs_but_reports_no_errors() {
    // Wuhan (有效期5年, issued 2017-08-23): in force through 2022-08-22. On that day its
    // coverage target fails as an error (Q1 covered, Q2 not: 50% < 100%).
    let (code, r) = report(
        "fixtures/basic",
        &["--profile", "wuhan-2017", "--as-of", "2022-08-22"],
    );
    assert_eq!(code, 1);
    assert_eq!(r["profile"]["expired"], json!(false));
    assert_eq!(r["profile"]["valid_until"], json!("2022-08-22"));
    assert_eq!(
        sev(finding(&r, "facility-coverage", "U0/community")),
        ("fail", "error")
    );
    // The day after, the same failure is a warning, and the report says since when.
    let (code, r) = report(
        "fixtures/basic",
        &["--profile", "wuhan-2017", "--as-of", "2022-08-23"],
    );
    assert_eq!(code, 0);
    assert_eq!(r["profile"]["expired"], json!(true));
    assert_eq!(r["profile"]["issued"], json!("2017-08-23"));
    assert_eq!(r["summary"]["errors"], json!(0));
    let f = finding(&r, "facility-coverage", "U0/community");
    assert_eq!(sev(f), ("fail", "warning"));
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("the policy expired after 2022-08-22"));
    assert!(common::contract_holds(&r));
    let (_, text, _) = run(&[
        "check",
        "fixtures/basic",
        "--profile",
        "wuhan-2017",
        "--as-of",
        "2022-08-23",
        "--lang",
        "en",
    ]);
    assert!(
        text.contains("this policy expired after 2022-08-22"),
        "{text}"
    );
    let (_, text, _) = run(&[
        "check",
        "fixtures/basic",
        "--profile",
        "wuhan-2017",
        "--as-of",
        "2022-08-23",
        "--lang",
        "zh",
    ]);
    assert!(text.contains("有效期至 2022-08-22"), "{text}");
}

/// A copy of fixtures/basic with `extra` facilities added.
fn basic_with(extra: &[Value]) -> tempfile::TempDir {
    let dir = copy_fixture("basic", &[]);
    edit_layer(dir.path(), "facilities.geojson", |fs| {
        fs.extend_from_slice(extra)
    });
    dir
}

fn point(id: &str, kind: &str, x: f64, y: f64) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
           "properties": {"id": id, "kind": kind}})
}

#[test]
fn a_nursing_home_does_not_cover_a_community() {
    // Q2 (502500–503500 × 3999500–4000500) has no facility. A nursing home inside it is not
    // "居家社区养老服务设施": coverage stays 1 of 2; a station covers it: 2 of 2.
    let dir = basic_with(&[point("N9", "nursing_home", 503000.0, 4000300.0)]);
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let f = finding(&r, "facility-coverage", "U0/community");
    assert_eq!(
        (f["measured"].clone(), f["details"]["uncovered"].clone()),
        (json!(0.5), json!(["Q2"]))
    );
    assert_eq!(
        f["details"]["kinds"],
        json!(["community_station", "day_care", "street_center"])
    );
    let dir = basic_with(&[point("S9", "community_station", 503000.0, 4000300.0)]);
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(
        verdict(&r, "facility-coverage", "U0/community"),
        ("pass".into(), json!(1.0), json!(1.0))
    );
}

/// Writes anyang-2017 with `from` replaced by `to` as a profile file; returns its path.
fn anyang_edited(dir: &tempfile::TempDir, from: &str, to: &str) -> String {
    let text =
        std::fs::read_to_string(common::root().join("data/profiles/anyang-2017.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let path = dir.path().join("edited.toml");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path.to_str().unwrap().to_string()
}

const BEDS_MIN: &str = "info_levels = [\"county\"]\nmin = { value = 35.0, year = 2020 }";

#[test]
fn a_section_that_does_not_parse_stops_the_check_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (to, says) in [
        // `operators` means nothing to a bed count.
        (
            format!("{BEDS_MIN}\noperators = [\"private\"]"),
            "operators",
        ),
        // An empty list of targets would let the rule pass with nothing to apply.
        (
            "info_levels = [\"county\"]\nmin = []".to_string(),
            "empty list",
        ),
        // An empty list of kinds measures nothing.
        (BEDS_MIN.to_string() + "\nkinds = []", "kinds"),
    ] {
        let profile = anyang_edited(&dir, BEDS_MIN, &to);
        let (code, _, err) = run(&["check", "fixtures/basic", "--profile", &profile]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("[rules.beds-per-thousand-elderly]") && err.contains(says),
            "{err}"
        );
    }
}

#[test]
fn a_coverage_target_must_name_its_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let from = "{ level = \"community\", kinds = [\"community_station\", \"day_care\", \"street_center\"], share";
    let profile = anyang_edited(&dir, from, "{ level = \"community\", kinds = [], share");
    let (code, _, err) = run(&["check", "fixtures/basic", "--profile", &profile]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[rules.facility-coverage]") && err.contains("names no `kinds`"),
        "{err}"
    );
    // Leaving `kinds` out is no way round it either.
    let profile = anyang_edited(&dir, from, "{ level = \"community\", share");
    let (code, _, err) = run(&["check", "fixtures/basic", "--profile", &profile]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[rules.facility-coverage]") && err.contains("kinds"),
        "{err}"
    );
}

#[test]
fn a_floor_area_sum_too_large_to_compute_is_not_a_number() {
    // Two stations of 1.5 × 10³⁰⁸ m² in compound A: each is a finite number, their sum is
    // not; the finding says so instead of comparing infinity with 30.
    let mut big = point("X1", "community_station", 500030.0, 4000030.0);
    big["properties"]["floor_area"] = json!(1.5e308);
    let mut big2 = big.clone();
    big2["properties"]["id"] = json!("X2");
    let dir = basic_with(&[big, big2]);
    let (_, r) = report(dir.path().to_str().unwrap(), &[]);
    let a = finding(&r, "floor-area-per-households", "A");
    assert_eq!(a["status"], "insufficient_data");
    assert!(a["message"]
        .as_str()
        .unwrap()
        .contains("not a finite number"));
}

#[test]
fn a_section_naming_no_rule_is_noted_for_a_library_caller() {
    use planlint::place;
    use planlint::profile::Profile;
    use planlint::read::Sources;
    let text =
        std::fs::read_to_string(common::root().join("data/profiles/anyang-2017.toml")).unwrap();
    let profile = Profile::parse(
        "typo",
        &format!(
            "{text}\n[rules.beds-per-thousand-elderlies]\nseverity = \"error\"\nclause = \"二\"\n"
        ),
    )
    .unwrap();
    let plan =
        place::load(&Sources::from_dir(&common::root().join("fixtures/basic")).unwrap()).unwrap();
    let report = planlint::check(&plan, &profile, "2024-06-30".parse().unwrap());
    common::library_report_holds(&report);
    assert!(report.notes.iter().any(|n| n
        .en
        .contains("[rules.beds-per-thousand-elderlies] names no rule")));
}

#[test]
fn kinds_are_measured_where_a_rule_takes_them() {
    // Beds of nursing homes only: I1's 600 × 1000 / 20,000 = 30 < 35 (all beds: 40).
    let dir = tempfile::tempdir().unwrap();
    let profile = anyang_edited(
        &dir,
        BEDS_MIN,
        &format!("{BEDS_MIN}\nkinds = [\"nursing_home\"]"),
    );
    let (_, r) = report("fixtures/basic", &["--profile", &profile]);
    assert_eq!(
        verdict(&r, "beds-per-thousand-elderly", "U0"),
        ("fail".into(), json!(30.0), json!(35.0))
    );
}

#[test]
fn a_library_caller_with_an_unchecked_profile_gets_a_skipped_finding() {
    use planlint::place;
    use planlint::profile::Profile;
    use planlint::read::Sources;
    let text =
        std::fs::read_to_string(common::root().join("data/profiles/anyang-2017.toml")).unwrap();
    let bad = text.replace(BEDS_MIN, "info_levels = [\"county\"]\nmin = []");
    let profile = Profile::parse("bad", &bad).unwrap();
    let plan =
        place::load(&Sources::from_dir(&common::root().join("fixtures/basic")).unwrap()).unwrap();
    let report = planlint::check(&plan, &profile, "2024-06-30".parse().unwrap());
    common::library_report_holds(&report);
    let skipped: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "beds-per-thousand-elderly")
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].status, planlint::model::Status::Skipped);
    assert!(skipped[0]
        .message(planlint::text::Lang::En)
        .contains("[rules.beds-per-thousand-elderly]"));
}

#[test]
fn shangqiu_counts_and_clinics() {
    let (_, r) = report("fixtures/shangqiu", &[]);
    // Institutions with medical care: N1, W1, I1 = 3 of 18.
    assert_eq!(
        verdict(&r, "facility-count", "C/medical-care-institutions"),
        ("fail".into(), json!(3.0), json!(18.0))
    );
    // Centres started by 2018-12-31: S1 (2017-03-01), S2 (2018-12-31, the due date) and S4
    // (completed 2016, so started) = 3; S3 started 2019-01-01, too late; S5 and S6 are
    // planned with no date and could make it 5 → cannot tell.
    let c = finding(&r, "facility-count", "C/community-centers-started");
    assert_eq!(
        (
            c["status"].as_str(),
            c["measured"].clone(),
            c["required"].clone()
        ),
        (Some("insufficient_data"), json!(3.0), json!(5.0))
    );
    assert_eq!(c["details"]["unknown"], json!(2));
    // Welfare centres of ≥ 100 beds: W1 (有), W2 (无), W3 (有, exactly 100) → 2 / 3; W4 (60
    // beds, no clinic value) is not measured.
    assert_eq!(
        verdict(&r, "clinic-share", "C"),
        ("pass".into(), json!(0.666667), json!(0.5))
    );
    // A geriatric hospital or nursing home: N1 in C and X1, none in X2.
    assert_eq!(verdict(&r, "county-institutions", "C").0, "pass");
    assert_eq!(verdict(&r, "county-institutions", "X1").0, "pass");
    assert_eq!(
        verdict(&r, "county-institutions", "X2"),
        ("fail".into(), json!(0.0), json!(1.0))
    );
    // On 2018-12-31 the 2018 targets are not yet due: warnings.
    let (_, r) = report("fixtures/shangqiu", &["--as-of", "2018-12-31"]);
    assert_eq!(
        sev(finding(&r, "facility-count", "C/medical-care-institutions")),
        ("fail", "warning")
    );
    assert_eq!(
        sev(finding(&r, "county-institutions", "X2")),
        ("fail", "warning")
    );
}

#[test]
fn a_timing_deadline_that_cannot_be_known_is_never_a_pass() {
    let (_, r) = report("fixtures/timing-unknown", &[]);
    let status = |id: &str| {
        finding(&r, "construction-timing", id)["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // S: no phase is finished, so T1 and T50 come after 2024-06-30; no facility yet:
    // pending, 0% completed, 50,000 m² before 50%.
    let s = finding(&r, "construction-timing", "S");
    assert_eq!(s["status"], "pending");
    assert!(
        s["message"].as_str().unwrap().contains("0% of the housing"),
        "{s}"
    );
    assert!(
        s["message"].as_str().unwrap().contains("50,000 m² more"),
        "{s}"
    );
    assert_eq!(s["details"]["completed_share"], 0.0);
    // X: no phase finished either; SX was completed on 2024-03-01, before the check's
    // date and so before the first phase can complete: a pass.
    assert_eq!(status("X"), "pass");
    // Y: SY is planned for 2025-03-01, after the check's date, and the one phase's
    // completion is unknown: cannot be judged.
    assert_eq!(status("Y"), "insufficient_data");
    // T: T1 = 2020-06-30, but the phases add up to 40,000 of 100,000 m²: T50 never comes, so
    // ST (2022-01-01, after T1) cannot be judged against Anyang's 50% fallback.
    assert_eq!(status("T"), "insufficient_data");
    assert!(finding(&r, "construction-timing", "T")["message"]
        .as_str()
        .unwrap()
        .contains("only 40% of the total"));
    // U: after T1; the unfinished 60,000 m² put T50 after 2024-06-30, and SU was completed
    // on 2024-01-01, before it → pass by the fallback.
    assert_eq!(status("U"), "pass");
    // V: SV is planned for 2025-01-01, after the check's date; T50's date is unknown.
    assert_eq!(status("V"), "insufficient_data");
    // W: no facility, 40% done: pending, 10,000 m² before 50%.
    let w = finding(&r, "construction-timing", "W");
    assert_eq!(w["status"], "pending");
    assert!(w["message"].as_str().unwrap().contains("10,000 m² more"));
}

#[test]
fn a_roads_layer_without_a_usable_line_stops_the_run() {
    let dir = copy_fixture("basic", &[]);
    std::fs::write(
        dir.path().join("roads.geojson"),
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
            "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [500000, 4000000]}, "properties": {}}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("roads.geojson") && err.contains("no usable road line"),
        "{err}"
    );
}

#[test]
fn a_missing_population_or_floor_area_is_left_out_and_counted() {
    // D without households (nor population), S2 without floor area.
    let dir = copy_fixture("basic", &[]);
    for (file, id, field) in [
        ("compounds.geojson", "D", "households"),
        ("facilities.geojson", "S2", "floor_area"),
    ] {
        edit_layer(dir.path(), file, |fs| {
            for f in fs.iter_mut().filter(|f| f["properties"]["id"] == id) {
                f["properties"].as_object_mut().unwrap().remove(field);
            }
        });
    }
    let (_, r) = report(dir.path().to_str().unwrap(), &["--suggest", "1"]);
    let sc = &r["service_circle"];
    // Urban compounds A, B, C, D; D's population is unknown, not 0: the population figures
    // are A 1,250 × 2.62 = 3,275, B 1,310, C 0 = 4,585, all inside.
    assert_eq!(sc["plan"]["compounds"], json!(4));
    assert_eq!(sc["plan"]["population_unknown"], json!(1));
    assert_eq!(sc["plan"]["population"], json!(4585.0));
    assert_eq!(sc["plan"]["share_population"], json!(1.0));
    assert_eq!(
        sc["access_2sfca_excluded"],
        json!({"facilities_without_floor_area": 1, "compounds_without_population": 1})
    );
    // D is 1,000 m from S1, outside the circle, but gives no households: no suggestion is
    // made for it, and the report says so.
    assert_eq!(r["suggestions"], Value::Null);
    assert!(r["notes"].as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap()
        .contains("1 compounds outside the service circle give no households")));
    // The text report says it too.
    let (_, text, _) = run(&["check", dir.path().to_str().unwrap(), "--lang", "en"]);
    assert!(
        text.contains("left out: 1 compounds without a population (population share, 2SFCA demand), 1 facilities without floor area"),
        "{text}"
    );
}

#[test]
fn profiles_and_rules_show_the_new_entries() {
    let (code, out, _) = run(&["profiles", "shangqiu-2018"]);
    assert_eq!(code, 0);
    for s in [
        "[facility-count]",
        "min_count = 18",
        "[clinic-share]",
        "min_beds = 100",
        "clause = 商丘市推进健康养老产业转型发展实施意见（2018） 三(二)2",
        "year = 2018 (due 2018-12-31)",
    ] {
        assert!(out.contains(s), "{s}\n{out}");
    }
    // Shangqiu's city hospital is a city-level one, due 2018 and so counted as completed
    // by then: the stage the profile leaves implicit is said.
    assert!(
        out.contains("facility_level = [\"city\"]")
            && out.contains("year = 2018 (due 2018-12-31), stage = completed (implied by year)"),
        "{out}"
    );
    let (_, out, _) = run(&["profiles", "wuhan-2017"]);
    assert!(out.contains("valid until 2022-08-22"));
    assert!(out.contains("[delivery-with-housing]") && out.contains("multi_phase_only = true"));
    let (_, out, _) = run(&["profiles", "anyang-2017"]);
    assert!(out.contains("kinds = [\"community_station\", \"day_care\", \"street_center\", \"rural_home\"], level = \"town\""), "{out}");
    // Beds per 1,000 elderly by 2020 count the beds completed by 2020-12-31; the land per
    // resident has no year and counts every facility: no stage is said for it.
    let section = |id: &str| {
        let start = out.find(&format!("[{id}]")).unwrap();
        let rest = &out[start..];
        rest[..rest[1..].find("\n[").map_or(rest.len(), |e| e + 1)].to_string()
    };
    let implied = "stage = completed (implied by year): a dated target counts the facilities completed by its due date";
    assert!(
        section("beds-per-thousand-elderly").contains(implied),
        "{out}"
    );
    assert!(section("facility-coverage").contains(implied), "{out}");
    assert!(!section("land-per-capita").contains(implied), "{out}");
    // The service circle's 2020 target is about distance, not a count of facilities.
    assert!(!section("service-circle").contains(implied), "{out}");
    let (_, out, _) = run(&["rules"]);
    for id in [
        "facility-count",
        "clinic-share",
        "family-beds-per-thousand-elderly",
        "delivery-with-housing",
    ] {
        assert!(out.contains(id), "{id}");
    }
    let (_, out, _) = run(&["rules", "facility-count"]);
    assert!(out.contains("社区养老服务中心") && out.contains("## Why"));
}

//! `planlint fix`: the fewest remedies, sized by hand here, and proven by checking the
//! fixed plan again.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{root, run, schema_holds};
use serde_json::Value;

/// Runs `planlint fix PLAN -o OUT ARGS…` into a temporary folder; (exit, stdout, the
/// report.json of OUT, the remedies CSV's rows, OUT).
fn fix(
    plan: &str,
    args: &[&str],
) -> (
    i32,
    String,
    Value,
    Vec<BTreeMap<String, String>>,
    tempfile::TempDir,
) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("fixed");
    let dir_s = dir.to_str().unwrap();
    let mut all = vec!["fix", plan, "-o", dir_s];
    if !args.contains(&"--lang") {
        all.extend_from_slice(&["--lang", "en"]);
    }
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    assert!(code == 0 || code == 1, "fix {plan}: exit {code}: {stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let mut csv = csv::Reader::from_path(dir.join("remedies.csv")).unwrap();
    let rows = csv
        .deserialize::<BTreeMap<String, String>>()
        .map(Result::unwrap)
        .collect();
    (code, stdout, report, rows, out)
}

/// The statuses of a report's findings, by rule and subject id.
fn statuses(r: &Value) -> BTreeMap<(String, String), String> {
    common::figures(r)
        .into_iter()
        .map(|(rule, subject, status, _, _)| ((rule, subject), status))
        .collect()
}

const LIMIT_1000: &[&str] = &["--set", "service-circle.max_distance=1000"];

#[test]
fn five_compounds_on_a_street_need_two_stations() {
    // Compounds 30 m off the street at 0, 600, 1200, 1800, 2400 m: from a station in one
    // compound to another is 30 + 600·|i − j| + 30 m, so a station reaches its neighbours
    // (660 m) and no further (1260 m > 1000). One station reaches at most three compounds:
    // five need two (C1 reaches C0–C2, C3 reaches C2–C4), and two are proven enough.
    let mut args = vec!["--select", "service-circle"];
    args.extend_from_slice(LIMIT_1000);
    let (code, stdout, r, rows, _out) = fix("fixtures/fix-street", &args);
    assert_eq!(code, 0, "{stdout}");
    let sites = &r["remedy"]["sites"];
    assert_eq!(sites["objective"], 2.0);
    assert_eq!(sites["bound"], 2.0);
    assert_eq!(sites["optimal"], true);
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| r["action"] == "add" && r["floor_area"] == "350.0"));
    // Every compound is now inside the circle, in the check of what was written.
    for c in ["C0", "C1", "C2", "C3", "C4"] {
        assert_eq!(common::verdict(&r, "service-circle", c).0, "pass", "{c}");
    }
}

#[test]
fn a_time_limit_too_long_to_count_is_no_limit_and_none_is_no_time() {
    // 1e300 s is past what a clock holds: the choice runs as without a limit (the street's
    // two sites, proven). 0 s leaves the solver no time: the answer is greedy's cover or
    // better, and greedy's is two sites here (C1, C2 and C3 each reach three compounds;
    // the lowest, C1, takes C0–C2, then C3 takes C3 and C4). Nothing panics.
    let out = tempfile::tempdir().unwrap();
    for limit in ["1e300", "0"] {
        let dir = out.path().join(limit);
        let (code, stdout, stderr) = run(&[
            "fix",
            "fixtures/fix-street",
            "-o",
            dir.to_str().unwrap(),
            "--select",
            "service-circle",
            "--set",
            "service-circle.max_distance=1000",
            "--time-limit",
            limit,
            "--lang",
            "en",
        ]);
        assert_eq!(code, 0, "--time-limit {limit}: {stdout}{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let r: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap())
                .unwrap();
        let sites = &r["remedy"]["sites"];
        assert_eq!(
            (sites["objective"].as_f64(), sites["greedy"].as_u64()),
            (Some(2.0), Some(2)),
            "{sites}"
        );
        if limit == "1e300" {
            assert_eq!(sites["optimal"], true);
        }
    }
}

#[test]
fn the_optimum_takes_two_sites_where_greedy_takes_three() {
    // Straight lines, limit 1000 m. Rows A (y = 0) and B (y = 1974) of seven compounds at
    // x = 0, 90, 180, 270, 420, 510, 700. R1 (350, 0) reaches row A (at most 350 m) and R2
    // row B; the middle sites at y = 987 reach a compound of either row within
    // √(1000² − 987²) = 160.7 m across: S1 (x 135) the first four of each row (8, more than
    // a row's 7: greedy takes it first), S2 (x 465) the next two of each (4, more than
    // a row's 3 left), S3 (x 700) the last of each. Greedy: 3 sites; the optimum: R1, R2.
    let mut args = vec!["--select", "service-circle"];
    args.extend_from_slice(LIMIT_1000);
    let (code, _, r, rows, _out) = fix("fixtures/fix-greedy", &args);
    assert_eq!(code, 0);
    let sites = &r["remedy"]["sites"];
    assert_eq!(
        (sites["objective"].as_f64(), sites["greedy"].as_u64()),
        (Some(2.0), Some(3))
    );
    assert_eq!(sites["optimal"], true);
    let names: Vec<&str> = rows.iter().map(|r| r["reason"].as_str()).collect();
    assert!(
        names[0].starts_with("a station at R1 brings A0, A1, A2, A3, A4, A5, A6"),
        "{names:?}"
    );
    assert!(
        names[1].starts_with("a station at R2 brings B0, B1, B2, B3, B4, B5, B6"),
        "{names:?}"
    );
}

#[test]
fn floor_area_is_added_where_it_is_short_and_counts_for_the_circle() {
    // Anyang: 30 m² per 100 households for new compounds. K1 (800 households, no facility)
    // needs 800 × 30 / 100 = 240 m²: a new station of 240 m² in K1. K2 (1,200 households,
    // station S2 of 320 m²) needs 360: S2 gains 40 m². K3 (0 households: no floor area
    // asked) lies 500 m from K1, within Anyang's 800 m: K1's new station brings both
    // inside the circle, so no site is added for it. (Anyang's count of community centres
    // started by 2017 is left out: `a_fix_breaks_nothing…` fixes it.)
    let (_, stdout, r, rows, out) = fix(
        "fixtures/fix-floor",
        &["--select", "floor-area-per-households,service-circle"],
    );
    assert_eq!(rows.len(), 2, "{stdout}");
    let (add, enlarge) = (&rows[0], &rows[1]);
    assert_eq!(
        (
            add["action"].as_str(),
            add["floor_area"].as_str(),
            add["compound_id"].as_str()
        ),
        ("add", "240.0", "K1")
    );
    assert_eq!(
        add["fixes"],
        "floor-area-per-households:K1 service-circle:K1 service-circle:K3"
    );
    assert_eq!(
        (
            enlarge["action"].as_str(),
            enlarge["facility_id"].as_str(),
            enlarge["floor_area"].as_str()
        ),
        ("enlarge", "S2", "40.0")
    );
    // The re-check: K1 has 240 × 100 / 800 = 30, K2 360 × 100 / 1200 = 30 m² per 100.
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "K1"),
        ("pass".into(), 30.0.into(), 30.0.into())
    );
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "K2"),
        ("pass".into(), 30.0.into(), 30.0.into())
    );
    assert_eq!(r["remedy"]["floor_area_added"], 280.0);
    // The fixed plan keeps every feature: S2 with its new area, and the new station.
    let fc: Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("fixed/facilities.geojson")).unwrap(),
    )
    .unwrap();
    let props: Vec<&Value> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"])
        .collect();
    assert_eq!(props.len(), 2);
    assert_eq!(
        (props[0]["id"].as_str(), props[0]["floor_area"].as_f64()),
        (Some("S2"), Some(360.0))
    );
    assert_eq!(props[1]["status"], "planned");
}

/// The plans `fix` writes into (folders whose facilities are GeoJSON).
const PLANS: &[&str] = &[
    "data/sample",
    "fixtures/basic",
    "fixtures/geopackage/folder",
    "fixtures/xuchang",
    "fixtures/changzhi",
    "fixtures/shangqiu",
    "fixtures/dated",
    "fixtures/timing-planned",
    "fixtures/network",
    "fixtures/fix-floor",
    "fixtures/fix-street",
    "fixtures/fix-greedy",
    "fixtures/fix-beds",
    "fixtures/fix-timing-kept",
    "fixtures/timing-unknown",
];

#[test]
fn a_fix_breaks_nothing_and_the_fixed_plan_checks_as_its_report_says() {
    for plan in PLANS {
        let (_, before) = common::report(plan, &[]);
        let (code, stdout, after, rows, out) = fix(plan, &[]);
        // Nothing fixable is left failing: what fails is past its date, and says so.
        assert_eq!(code, 0, "{plan}: {stdout}");
        let fixed = out.path().join("fixed");
        // The check of OUT gives report.json's findings.
        let (_, again) = common::report(fixed.to_str().unwrap(), &[]);
        assert_eq!(again["findings"], after["findings"], "{plan}");
        schema_holds(&after);
        // No finding fails that did not, nothing that passed fails, and every remedied
        // failure passes, but one past its due date (left, and not fixable).
        let (b, a) = (statuses(&before), statuses(&after));
        for (key, status) in &a {
            let was = b.get(key).map(String::as_str);
            assert!(
                status != "fail" || was == Some("fail"),
                "{plan}: {key:?} fails after the fix ({was:?} before)"
            );
            assert!(
                was != Some("pass") || status == "pass",
                "{plan}: {key:?} passed and is {status} after the fix"
            );
        }
        let past: Vec<(String, String)> = after["remedy"]["left"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["fixable"] == false)
            .map(|l| {
                (
                    l["rule"].as_str().unwrap().into(),
                    l["subject"].as_str().unwrap().into(),
                )
            })
            .collect();
        for row in &rows {
            for fixed in row["fixes"].split(' ') {
                let (rule, subject) = fixed.split_once(':').unwrap();
                let key = (rule.to_string(), subject.to_string());
                assert!(
                    a[&key] == "pass" || past.contains(&key),
                    "{plan}: {fixed} is {} after the fix",
                    a[&key]
                );
            }
        }
        // Every feature of the plan is still there, with the new facilities beside them.
        let adds = rows.iter().filter(|r| r["action"] == "add").count();
        for layer in ["compounds", "facilities", "units", "phases", "roads"] {
            let count = |r: &Value| r["inputs"][layer]["features"].as_u64();
            let expected = count(&before).map(|n| {
                n + if layer == "facilities" {
                    adds as u64
                } else {
                    0
                }
            });
            assert_eq!(count(&after), expected, "{plan}: {layer}");
        }
    }
}

#[test]
fn select_and_ignore_choose_the_rules() {
    let (code, r) = common::report(
        "fixtures/basic",
        &["--select", "floor-area-per-households,service-circle"],
    );
    assert!(code == 0 || code == 1);
    let rules: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["floor-area-per-households", "service-circle"]
    );
    let (_, r) = common::report("fixtures/basic", &["--ignore", "service-circle"]);
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "service-circle"));
    let (code, _, err) = run(&["check", "fixtures/basic", "--select", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--select no-such-rule: no rule has this id"),
        "{err}"
    );
}

#[test]
fn a_plan_is_not_written_over_itself() {
    let plan = common::copy_fixture("fix-floor", &[]);
    let p = plan.path().to_str().unwrap();
    let (code, _, err) = run(&["fix", p, "-o", p]);
    assert_eq!(code, 2);
    assert!(err.contains("not over it"), "{err}");
    assert!(Path::new(&root()).exists());
}

#[test]
fn a_geopackage_plan_is_fixed_in_its_own_table() {
    // fixtures/geopackage holds fixtures/basic as GDAL writes it: a folder whose
    // facilities.gpkg has one table, "poi", and a folder whose one file is plan.gpkg.
    let whole = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/geopackage/plan.gpkg"),
        whole.path().join("plan.gpkg"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/basic/plan.toml"),
        whole.path().join("plan.toml"),
    )
    .unwrap();
    let (_, _, geojson, geojson_rows, _) = fix("fixtures/basic", &[]);
    for (plan, file, table) in [
        ("fixtures/geopackage/folder", "facilities.gpkg", "poi"),
        (whole.path().to_str().unwrap(), "plan.gpkg", "facilities"),
    ] {
        let (code, stdout, report, rows, out) = fix(plan, &[]);
        assert_eq!(code, 0, "{plan}: {stdout}");
        // The same remedies and findings as the same plan in GeoJSON.
        assert_eq!(rows, geojson_rows, "{plan}");
        assert_eq!(report["findings"], geojson["findings"], "{plan}");
        let db = rusqlite::Connection::open(out.path().join("fixed").join(file)).unwrap();
        let row = |id: &str| -> (Option<f64>, Option<String>, Option<String>) {
            db.query_row(
                &format!("SELECT floor_area, remedy, status FROM \"{table}\" WHERE id = ?1"),
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
        };
        // A: 1,250 new households × 30 m² / 100 = 375 m²; S1 has 300, enlarged by 75.
        assert_eq!(row("S1"), (Some(375.0), Some("R1".into()), None), "{plan}");
        // S2 is not changed; C and D (no facility within 800 m) get a station each.
        assert_eq!(row("S2"), (Some(100.0), None, None), "{plan}");
        assert_eq!(
            row("R2-NEW"),
            (Some(350.0), Some("R2".into()), Some("planned".into())),
            "{plan}"
        );
        // Every new row is in the table's R-tree (kept by GDAL's triggers), and the file is
        // whole.
        let rows_in = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        let count = rows_in(&format!("SELECT count(*) FROM \"{table}\""));
        assert_eq!(
            count,
            4 + rows.iter().filter(|r| r["action"] == "add").count() as i64
        );
        assert_eq!(
            rows_in(&format!("SELECT count(*) FROM \"rtree_{table}_geom\"")),
            count
        );
        let ok: String = db
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

#[test]
fn a_submission_in_its_city_gets_its_rectification_list() {
    // data/submission in data/sample (Anyang, 30 m² per 100 households for new compounds):
    // SUB-1 (1,200 households, station SUB-S1 of 320 m²) needs 360 m², 40 more; SUB-2
    // (800 households, no facility) needs 240 m²: a new station on its land. Both
    // compounds are then inside the circle, and nothing of the city changes.
    let (code, stdout, r, rows, out) = fix("data/submission", &["--context", "data/sample"]);
    assert_eq!(code, 0, "{stdout}");
    let said: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["action"].as_str(),
                r["facility_id"].as_str(),
                r["floor_area"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [("enlarge", "SUB-S1", "40.0"), ("add", "R2-NEW", "240.0")]
    );
    assert_eq!(rows[1]["compound_id"], "SUB-2");
    assert_eq!(r["summary"]["errors"], 0);
    // OUT is the submission's folder: its own layers, nothing of the city's.
    let fixed = out.path().join("fixed");
    assert!(!fixed.join("units.geojson").exists() && !fixed.join("roads.geojson").exists());
    let (_, again) = common::report(fixed.to_str().unwrap(), &["--context", "data/sample"]);
    assert_eq!(again["findings"], r["findings"]);
}

#[test]
fn a_facility_late_for_its_deadline_is_brought_forward_and_a_past_deadline_is_left() {
    // fixtures/timing-planned (Anyang: the facility completed before 50% of the housing).
    // P's phases complete 40,000 m² on 2026-06-30 and 60,000 on 2027-06-30: half of the
    // 100,000 m² is reached on 2027-06-30, and station SP, due 2028-01-01, must be
    // completed by the day before, 2027-06-29 (the check's date 2024-06-30 is earlier: a
    // plan can still do it). R reached half on 2022-06-30, before the check's date:
    // nothing a plan changes now meets that, and it is left, saying so (exit 0: nothing
    // fixable is left).
    let (code, stdout, r, rows, out) = fix(
        "fixtures/timing-planned",
        &["--select", "construction-timing"],
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (
            row["action"].as_str(),
            row["facility_id"].as_str(),
            row["field"].as_str(),
            row["date"].as_str()
        ),
        ("advance", "SP", "completion_date", "2027-06-29")
    );
    assert_eq!(
        common::verdict(&r, "construction-timing", "P"),
        ("pass".into(), "2027-06-29".into(), "2027-06-30".into())
    );
    let left = r["remedy"]["left"].as_array().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(
        (left[0]["subject"].as_str(), left[0]["fixable"].as_bool()),
        (Some("R"), Some(false))
    );
    assert!(stdout.contains("construction-timing R: the facility was due by 2022-06-29, before the check's date 2024-06-30"), "{stdout}");
    // The fixed layer holds the new date under the layer's field.
    let fc = std::fs::read_to_string(out.path().join("fixed/facilities.geojson")).unwrap();
    assert!(fc.contains(r#""completion_date":"2027-06-29""#), "{fc}");
}

#[test]
fn the_html_report_of_a_fix_lists_what_to_change_and_rings_the_new_sites() {
    // The sample submission's fix (two remedies, one of them a new station): the page has
    // the section, both remedies in the bureau's words, and one ring on the map.
    let (_, _, _, _, out) = fix(
        "data/submission",
        &[
            "--context",
            "data/sample",
            "--format",
            "html",
            "--lang",
            "zh",
        ],
    );
    let html = std::fs::read_to_string(out.path().join("fixed/report.html")).unwrap();
    assert!(html.contains("<h2>整改建议</h2>"));
    assert!(html.contains("R1 既有设施「新城花园养老服务站」（SUB-S1）增加建筑面积 40 平方米"));
    assert!(html.contains("R2 新建「新城花园二期养老服务站」，建筑面积 240 平方米"));
    assert_eq!(html.matches("class=\"new-site\"").count(), 1);
}

#[test]
fn suggest_takes_the_k_sites_that_serve_most_not_greedys() {
    // fixtures/fix-greedy, 100 households a compound, two sites: greedy takes S1 (A0–A3
    // and B0–B3: 800), then S2 (A4, A5, B4, B5: 400) = 1,200. R1 and R2 bring the two rows
    // whole: 1,400. Listed in the order of what each adds (R1 700, then R2 700).
    let (_, r) = common::report(
        "fixtures/fix-greedy",
        &[
            "--set",
            "service-circle.max_distance=1000",
            "--suggest",
            "2",
        ],
    );
    let got: Vec<(&str, u64)> = r["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["site"].as_str().unwrap(),
                s["households_added"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("R1", 700), ("R2", 700)]);
}

/// The bed rules only: what `fixtures/fix-beds` is about.
const BEDS: [&str; 2] = [
    "--select",
    "beds-per-thousand-elderly,nursing-bed-share,government-bed-share",
];

/// The remedies' (action, facility, beds, nursing beds).
fn beds_of(rows: &[BTreeMap<String, String>]) -> Vec<(&str, &str, &str, &str)> {
    rows.iter()
        .map(|r| {
            (
                r["action"].as_str(),
                r["facility_id"].as_str(),
                r["beds"].as_str(),
                r["nursing_beds"].as_str(),
            )
        })
        .collect()
}

#[test]
fn beds_go_to_other_operators_nursing_beds_as_the_share_needs_and_a_past_target_stays_failing() {
    // fixtures/fix-beds (Anyang, 2019-06-30): 10,000 elderly, 300 beds — G1 run by the
    // government (150, 50 nursing-type), P1 private (150, 40). 35 per 1,000 asks 350: 50
    // more. Government beds are at the 50% limit, so the 50 go to P1 (G1, first by id on
    // the tie of sizes, would take them otherwise): 150 / 350 = 42.9%. With the nursing
    // share at 30%: 0.3 × 350 = 105 nursing beds, 90 + 15 of the new ones.
    let thirty = [&BEDS[..], &["--set", "nursing-bed-share.min=0.3"]].concat();
    let (code, stdout, r, rows, _out) = fix("fixtures/fix-beds", &thirty);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(beds_of(&rows), [("enlarge", "P1", "50", "15")]);
    assert_eq!(r["remedy"]["beds_added"], 50);
    let s = statuses(&r);
    for rule in BEDS[1].split(',') {
        assert_eq!(s[&(rule.to_string(), "U0".to_string())], "pass", "{rule}");
    }
    let government = common::figures(&r)
        .into_iter()
        .find(|f| f.0 == "government-bed-share")
        .unwrap();
    assert!((government.3.as_f64().unwrap() - 150.0 / 350.0).abs() < 1e-6);

    // At 50%: 175 nursing beds — the 50 new ones and 35 of P1's 110 beds not yet
    // nursing-type (more than G1's 100), turned: P1 gains 85.
    let fifty = [&BEDS[..], &["--set", "nursing-bed-share.min=0.5"]].concat();
    let (code, _, r, rows, _out) = fix("fixtures/fix-beds", &fifty);
    assert_eq!(code, 0);
    assert_eq!(beds_of(&rows), [("enlarge", "P1", "50", "85")]);
    assert_eq!(
        statuses(&r)[&("nursing-bed-share".to_string(), "U0".to_string())],
        "pass"
    );

    // On 2024-06-30 the 2020 target is past: no enlargement can make 2020 meet it. A new
    // private institution dated the check's date takes the 50 beds (15 nursing-type for
    // the 30% of 2020: 0.3 × 350 − 90); the re-check keeps the failure, met from
    // 2024-06-30, and nothing fixable is left.
    let late = [&BEDS[..], &["--as-of", "2024-06-30"]].concat();
    let (code, stdout, r, rows, _out) = fix("fixtures/fix-beds", &late);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(beds_of(&rows), [("add", "R1-NEW", "50", "15")]);
    assert_eq!(
        (
            rows[0]["operator"].as_str(),
            rows[0]["completion_date"].as_str()
        ),
        ("private", "2024-06-30")
    );
    let beds = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "beds-per-thousand-elderly")
        .unwrap();
    assert_eq!(beds["status"], "fail");
    assert_eq!(beds["details"]["met_from"], "2024-06-30");
    let left = &r["remedy"]["left"][0];
    assert_eq!(
        (left["rule"].as_str(), left["fixable"].as_bool()),
        (Some("beds-per-thousand-elderly"), Some(false))
    );
}

#[test]
fn a_county_gets_one_facility_for_what_it_lacks_and_land_goes_where_it_is_short() {
    // data/sample (Anyang, 2024-06-30). 北关区 (410503) lacks a medical-care facility
    // (2017) and a medical-care institution (2020); its nursing-type institution is
    // planned for 2022, which says from when. One institution with medical care meets
    // both. Land: 文峰区 (410502) has 8,000.6 m² for 87,623 residents and needs 8,762.3
    // (0.1 m² each): 761.7 more to its institution F000026; 北关区 has 8,000.2 for 93,482:
    // 1,348 more (9,348.2 − 8,000.2), to its new institution; the city (181,105 residents,
    // 18,110.5 m²) then has 16,000.9 + 761.7 + 1,348 = 18,110.6 and needs nothing more.
    let (code, stdout, r, rows, _out) = fix("data/sample", &[]);
    assert_eq!(code, 0, "{stdout}");
    let county: Vec<&BTreeMap<String, String>> = rows
        .iter()
        .filter(|r| r["fixes"].contains("county-institutions:410503"))
        .collect();
    assert_eq!(county.len(), 1, "one new facility");
    assert_eq!(
        (
            county[0]["action"].as_str(),
            county[0]["medical_care"].as_str()
        ),
        ("add", "true")
    );
    assert_eq!(county[0]["land_area"], "1348.0");
    let land: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["fixes"].contains("land-per-capita"))
        .map(|r| (r["facility_id"].as_str(), r["land_area"].as_str()))
        .collect();
    assert_eq!(land.len(), 2);
    assert!(land.contains(&("F000026", "761.7")), "{land:?}");
    // 761.7 + 1,348 m² of land in all.
    assert_eq!(r["remedy"]["land_added"], 2109.7);
    let s = statuses(&r);
    for unit in ["410500", "410502", "410503"] {
        assert_eq!(
            s[&("land-per-capita".to_string(), unit.to_string())],
            "pass",
            "{unit}"
        );
    }
}

#[test]
fn a_compounds_timing_that_passes_is_not_broken_by_a_new_station_dated_later() {
    // fixtures/fix-timing-kept (Anyang: the facility completed by the first phase,
    // 2022-06-30), its timing read off the nursing home (kinds set so): I1, completed
    // 2021-01-01, passes. K (1,000 households) has no station: 30 × 1,000 / 100 = 300 m², a
    // new station, completed on the check's date 2024-06-30 — after the deadline, and the
    // timing still passes, on I1's date.
    let args = [
        "--set",
        r#"construction-timing.kinds=["nursing_home"]"#,
        "--select",
        "floor-area-per-households,construction-timing",
    ];
    let (_, before) = common::report("fixtures/fix-timing-kept", &args);
    let timing = ("pass".into(), "2021-01-01".into(), "2022-06-30".into());
    assert_eq!(common::verdict(&before, "construction-timing", "K"), timing);
    let (code, stdout, r, rows, _out) = fix("fixtures/fix-timing-kept", &args);
    assert_eq!(code, 0, "{stdout}");
    let said: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["action"].as_str(),
                r["floor_area"].as_str(),
                r["completion_date"].as_str(),
            )
        })
        .collect();
    assert_eq!(said, [("add", "300.0", "2024-06-30")]);
    assert_eq!(common::verdict(&r, "construction-timing", "K"), timing);
    assert_eq!(
        common::verdict(&r, "floor-area-per-households", "K"),
        ("pass".into(), 30.0.into(), 30.0.into())
    );
}

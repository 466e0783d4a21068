//! The analysts' and CI workflows (issue 10): batches of plans, baselines and `diff`,
//! waivers. Expected figures come from the basic fixture (tests/check_basic.rs): 26
//! findings; 9 failing, 8 of them errors (the ninth, D2's beds per 1,000 elderly, is a
//! county figure, info); A fails floor area (300 m² for 1,250 households: 24 < 30), B
//! passes it (100 m² for 500: 20 ≥ 20), C and D fail the 800 m circle (2,000 and 1,000
//! m from the nearest station).

mod common;

use std::path::Path;

use common::{copy_fixture, edit_layer, root, run};
use serde_json::{json, Value};

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn single_summary(plan: &str) -> Value {
    common::report(plan, &[]).1["summary"].clone()
}

#[test]
fn a_batch_checks_every_plan_and_says_why_one_could_not_be() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("reports");
    let (code, table, err) = run(&[
        "check",
        "fixtures/basic",
        "fixtures/xuchang",
        "fixtures/batch/broken",
        "--output-dir",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    // Two plans fail their rules, one cannot be read: 1 (2 only when none could be read).
    assert_eq!(code, 1, "{err}");
    assert!(err.is_empty(), "no progress drawn off a terminal: {err}");

    let summary = read_json(&dir.join("summary.json"));
    let rows = summary["plans"].as_array().unwrap();
    let plans: Vec<&str> = rows.iter().map(|r| r["plan"].as_str().unwrap()).collect();
    assert_eq!(
        plans,
        [
            "fixtures/basic",
            "fixtures/batch/broken",
            "fixtures/xuchang"
        ]
    );
    assert_eq!(
        summary["totals"],
        json!({"plans": 3, "checked": 2, "errors": 1, "failing": 2})
    );

    let basic = &rows[0];
    assert_eq!(
        (basic["status"].as_str(), basic["exit"].as_u64()),
        (Some("checked"), Some(1))
    );
    assert_eq!(basic["summary"]["errors"], 8);
    assert_eq!(basic["summary"]["fail"], 9);
    // The worst failure: C, (2,000 − 800) / 800 = 1.5 short, the largest relative shortfall.
    assert!(basic["worst"][0]
        .as_str()
        .unwrap()
        .starts_with("service-circle C: 2,000 m"));
    assert_eq!(basic["report"], "fixtures__basic.json");

    let broken = &rows[1];
    assert_eq!(
        (broken["status"].as_str(), broken["exit"].as_u64()),
        (Some("error"), Some(2))
    );
    let why = broken["error"].as_str().unwrap();
    assert!(
        why.starts_with("fixtures/batch/broken/compounds.geojson: not JSON"),
        "{why}"
    );
    assert!(broken.get("report").is_none());

    // A plan in a batch is checked as it is alone: the same summary, the same report.
    assert_eq!(rows[2]["summary"], single_summary("fixtures/xuchang"));
    assert_eq!(basic["summary"], single_summary("fixtures/basic"));
    let (_, alone, _) = run(&[
        "check",
        "fixtures/basic",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(
        std::fs::read_to_string(dir.join("fixtures__basic.json")).unwrap(),
        alone
    );
    assert!(!dir.join("fixtures__batch__broken.json").exists());

    // summary.csv: the same rows, read by a CSV reader.
    let mut csv = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[0][col("errors")], "8");
    assert_eq!(&records[1][col("status")], "error");
    assert!(records[1][col("error")].contains("not JSON"));
    assert_eq!(&records[2][col("profile")], "xuchang-2022");

    // The terminal shows the same table.
    assert!(table
        .contains("fixtures/batch/broken  not checked: fixtures/batch/broken/compounds.geojson"));
    assert!(table.contains("3 plans: 2 checked (2 failing), 1 could not be checked"));
}

#[test]
fn a_batch_where_no_plan_can_be_read_exits_2() {
    let (code, table, _) = run(&[
        "check",
        "fixtures/batch/broken",
        "fixtures/no-such-plan",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(
        table.contains("fixtures/no-such-plan  not checked: fixtures/no-such-plan: not a folder")
    );
}

#[test]
fn recursive_finds_every_plan_under_the_root() {
    // root/a/basic and root/b/c/xuchang hold plans; root/.hidden/basic is hidden,
    // root/empty holds none, and the output folder under the root is not entered.
    let tmp = tempfile::tempdir().unwrap();
    let root_dir = tmp.path().join("root");
    let copy = |from: &str, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(root().join("fixtures").join(from)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    };
    copy("basic", &root_dir.join("a/basic"));
    copy("xuchang", &root_dir.join("b/c/xuchang"));
    copy("basic", &root_dir.join(".hidden/basic"));
    std::fs::create_dir_all(root_dir.join("empty")).unwrap();
    let out = root_dir.join("reports");
    let (code, _, err) = run(&[
        "check",
        "--recursive",
        root_dir.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--format",
        "junit",
    ]);
    assert_eq!(code, 1, "{err}");
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "a__basic.xml",
            "b__c__xuchang.xml",
            "summary.csv",
            "summary.json"
        ]
    );
    // A second run does not take the reports folder for a plan.
    let (code, _, _) = run(&[
        "check",
        "--recursive",
        root_dir.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(read_json(&out.join("summary.json"))["totals"]["plans"], 2);
}

/// The basic plan before, and after an edit (fixtures/ci-change, whose plan.toml says what
/// changed): A got better (1,250 → 1,000 households: 300 × 100 / 1,000 = 30 ≥ 30), B got
/// worse (500 → 600: 100 × 100 / 600 = 16.67 < 20), D was removed, E was added (A's square
/// moved 3 km north, 800 households, new, no station: 0 m² of 240 required, and 3,000 m
/// from 甲站 at A's centre).
fn before_and_after() -> (tempfile::TempDir, tempfile::TempDir) {
    (copy_fixture("basic", &[]), copy_fixture("ci-change", &[]))
}

/// [`before_and_after`], with the JSON report of the plan before written as the baseline.
fn after_with_baseline() -> (tempfile::TempDir, tempfile::TempDir, std::path::PathBuf) {
    let (before, after) = before_and_after();
    let old = before.path().join("before.json");
    let (_, json_before, _) = run(&["check", before.path().to_str().unwrap(), "--format", "json"]);
    std::fs::write(&old, json_before).unwrap();
    (before, after, old)
}

#[test]
fn a_baseline_marks_new_changed_and_fixed_findings() {
    let (_before, after, old) = after_with_baseline();

    let (code, r) = common::report(
        after.path().to_str().unwrap(),
        &["--baseline", old.to_str().unwrap()],
    );
    assert_eq!(code, 1, "errors remain (C, the unit rules)");
    let state = |rule: &str, id: &str| {
        let b = &common::finding(&r, rule, id)["baseline"];
        (
            b["state"].as_str().unwrap().to_string(),
            b["worse"].as_bool().unwrap(),
        )
    };
    assert_eq!(
        state("floor-area-per-households", "A"),
        ("fixed".into(), false)
    );
    assert_eq!(
        state("floor-area-per-households", "B"),
        ("changed".into(), true)
    );
    assert_eq!(
        state("floor-area-per-households", "E"),
        ("new".into(), true)
    );
    assert_eq!(state("service-circle", "E"), ("new".into(), true));
    // E has no phases: insufficient data, new but not a failure.
    assert_eq!(state("construction-timing", "E"), ("new".into(), false));
    assert_eq!(state("service-circle", "C"), ("unchanged".into(), false));
    let b = &common::finding(&r, "floor-area-per-households", "B")["baseline"];
    assert_eq!(
        (b["status"].as_str(), &b["measured"]),
        (Some("pass"), &json!(20.0))
    );
    // 26 findings now: 3 new (E's three), B changed, A fixed, the other 21 the same. D's
    // three are gone: its circle failure counts as fixed, its two insufficient-data
    // findings as removed.
    let s = &r["baseline"];
    assert_eq!(
        (
            &s["new"],
            &s["unchanged"],
            &s["changed"],
            &s["fixed"],
            &s["worse"],
            &s["removed"]
        ),
        (
            &json!(3),
            &json!(21),
            &json!(1),
            &json!(2),
            &json!(3),
            &json!(2)
        )
    );
    assert_eq!(s["gone"].as_array().unwrap().len(), 1);
    assert_eq!(
        (s["gone"][0]["rule"].as_str(), s["gone"][0]["id"].as_str()),
        (Some("service-circle"), Some("D"))
    );

    // --fail-on new fails on B and E; an edit that only makes A better passes it.
    let (code, _, _) = run(&[
        "check",
        after.path().to_str().unwrap(),
        "--baseline",
        old.to_str().unwrap(),
        "--fail-on",
        "new",
    ]);
    assert_eq!(code, 1);
    let better = copy_fixture("basic", &[]);
    edit_layer(better.path(), "compounds.geojson", |fs| {
        for f in fs.iter_mut().filter(|f| f["properties"]["id"] == "A") {
            f["properties"]["households"] = json!(1000);
        }
    });
    let (code, text, _) = run(&[
        "check",
        better.path().to_str().unwrap(),
        "--baseline",
        old.to_str().unwrap(),
        "--fail-on",
        "new",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "the remaining failures are the baseline's: {text}");
    assert!(
        text.contains("0 new, 25 unchanged, 0 changed, 1 fixed (0 gone); 0 new or worse failures")
    );
}

#[test]
fn github_annotations_against_a_baseline_are_errors_only_for_what_is_new_or_worse() {
    // After the change 10 findings fail: basic's 9, less A's floor area (fixed) and D's
    // circle (gone), plus B's floor area (worse) and E's floor area and circle (new). The
    // three new or worse are `::error`; the seven the baseline had, as bad, are
    // `::notice` whatever their severity (six errors and an info among them), so that a
    // passing `--fail-on new` job shows no old failure as an error.
    let (_before, after, old) = after_with_baseline();
    let (code, out, err) = run(&[
        "check",
        after.path().to_str().unwrap(),
        "--baseline",
        old.to_str().unwrap(),
        "--fail-on",
        "new",
        "--format",
        "github",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 10, "{out}");
    let mut errors: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("::error "))
        .map(|l| {
            l.split("title=")
                .nth(1)
                .unwrap()
                .split("::")
                .next()
                .unwrap()
        })
        .collect();
    errors.sort_unstable();
    assert_eq!(
        errors,
        [
            "[new] floor-area-per-households E 戊小区",
            "[new] service-circle E 戊小区",
            "[worse than the baseline] floor-area-per-households B 乙小区",
        ]
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::notice ")).count(),
        7
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::notice ") && l.contains("title=service-circle C 丙小区::")));
}

#[test]
fn diff_compares_two_reports_without_a_plan() {
    let (before, after) = before_and_after();
    let (old, new) = (
        before.path().join("old.json"),
        after.path().join("new.json"),
    );
    for (plan, file) in [(before.path(), &old), (after.path(), &new)] {
        let (_, out, _) = run(&["check", plan.to_str().unwrap(), "--format", "json"]);
        std::fs::write(file, out).unwrap();
    }
    let (code, text, _) = run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "B and E are new or worse failures");
    assert!(
        text.contains("3 new, 21 unchanged, 1 changed, 2 fixed (1 gone); 3 new or worse failures")
    );
    assert!(
        text.contains("[worse] floor-area-per-households B 乙小区: 16.67 m² per 100 households")
    );
    assert!(text.contains("(before: pass, 20)"));
    assert!(text.contains("[gone] service-circle D 丁小区"));
    let (_, js, _) = run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&js).unwrap();
    let changes: Vec<(&str, &str)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["finding"]["id"].as_str().unwrap(),
                c["baseline"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("E", "new"),
            ("A", "fixed"),
            ("B", "changed"),
            ("E", "new"),
            ("E", "new")
        ]
    );
    // The same report twice: nothing new, exit 0.
    let (code, text, _) = run(&[
        "diff",
        old.to_str().unwrap(),
        old.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("0 new, 26 unchanged, 0 changed, 0 fixed (0 gone)"));
    // Not a report: exit 2, naming the file.
    let (code, _, err) = run(&["diff", "fixtures/basic/plan.toml", old.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("fixtures/basic/plan.toml: not a planlint JSON report"),
        "{err}"
    );
    let (code, _, err) = run(&["check", "fixtures/basic", "--fail-on", "new"]);
    assert_eq!(code, 2);
    assert!(err.contains("give --baseline"), "{err}");
}

fn with_waivers(waivers: &str) -> tempfile::TempDir {
    let dir = copy_fixture("basic", &[]);
    let toml = dir.path().join("plan.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(waivers);
    std::fs::write(&toml, text).unwrap();
    dir
}

#[test]
fn waivers_mark_findings_and_report_expired_and_unused_ones() {
    // The check is dated 2024-06-30 (plan.toml): #3 expired on 2024-01-01, #2 holds to
    // 2030. #4 names communities Q*, but nursing-bed-share fails for the city U0 only.
    let plan = with_waivers(
        r#"
[[waivers]]
rule = "service-circle"
subject = "C"
reason = "站点在建"
by = "规划科"

[[waivers]]
rule = "floor-area-per-households"
subject = "A*"
reason = "补建协议已签"
expires = 2030-12-31

[[waivers]]
rule = "service-circle"
subject = "D"
reason = "临时"
expires = "2024-01-01"

[[waivers]]
rule = "nursing-bed-share"
subject = "Q*"
reason = "无"
"#,
    );
    let (code, r) = common::report(plan.path().to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    assert!(common::contract_holds(&r));
    let c = common::finding(&r, "service-circle", "C");
    assert_eq!(
        (c["status"].as_str(), c["severity"].as_str()),
        (Some("fail"), Some("info"))
    );
    assert_eq!(
        c["waived"],
        json!({"waiver": 1, "reason": "站点在建", "by": "规划科", "severity": "error"})
    );
    let a = common::finding(&r, "floor-area-per-households", "A");
    assert_eq!(a["waived"]["expires"], "2030-12-31");
    // D's waiver expired: D fails as before, and the waiver is an error of its own.
    let d = common::finding(&r, "service-circle", "D");
    assert_eq!(
        (d["severity"].as_str(), d.get("waived")),
        (Some("error"), None)
    );
    let expired = common::finding(&r, "expired-waiver", "waivers[3]");
    assert_eq!(
        (expired["severity"].as_str(), expired["status"].as_str()),
        (Some("error"), Some("fail"))
    );
    assert_eq!(expired["measured"], "2024-01-01");
    let unused = common::finding(&r, "unused-waiver", "waivers[4]");
    assert_eq!(unused["severity"], "warning");
    // 8 errors − C − A + the expired waiver = 7; 1 warning (the unused waiver); 2 waived.
    assert_eq!(
        (
            &r["summary"]["errors"],
            &r["summary"]["warnings"],
            &r["summary"]["waived"]
        ),
        (&json!(7), &json!(1), &json!(2))
    );
}

#[test]
fn a_plan_whose_failures_are_all_waived_passes() {
    // The seven rules with errors, every subject: the 8 errors are waived (service-circle
    // covers C and D); D2's beds figure was info already and stays unwaived.
    let rules = [
        "county-institutions",
        "facility-count",
        "facility-coverage",
        "floor-area-per-households",
        "government-bed-share",
        "nursing-bed-share",
        "service-circle",
    ];
    let waivers: String = rules
        .iter()
        .map(|r| format!("\n[[waivers]]\nrule = \"{r}\"\nsubject = \"*\"\nreason = \"示例\"\n"))
        .collect();
    let plan = with_waivers(&waivers);
    let (code, r) = common::report(plan.path().to_str().unwrap(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (&r["summary"]["errors"], &r["summary"]["waived"]),
        (&json!(0), &json!(8))
    );
    // Every format keeps the waived findings, marked: SARIF as suppressed results.
    let (_, sarif, _) = run(&["check", plan.path().to_str().unwrap(), "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let suppressed = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"][0]["justification"] == "示例")
        .count();
    assert_eq!(suppressed, 8);
}

#[test]
fn a_waiver_without_a_reason_is_refused() {
    let plan = with_waivers("\n[[waivers]]\nrule = \"service-circle\"\nsubject = \"C\"\n");
    let (code, _, err) = run(&["check", plan.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("plan.toml: [[waivers]] #1, reason: a waiver must say why"),
        "{err}"
    );
    let plan =
        with_waivers("\n[[waivers]]\nrule = \"service-circel\"\nsubject = \"C\"\nreason = \"x\"\n");
    let (code, _, err) = run(&["check", plan.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[[waivers]] #1, rule: unknown rule 'service-circel'"),
        "{err}"
    );
}

/// A national run writes one JSON report per city elsewhere (issue 11: one process per
/// city on a cluster); `planlint merge` makes of them the summary the batch gives. Rows
/// are compared field by field with the batch's own summary.json of the same plans, but
/// for the `report` column (the merge names the report file it read); a report that is
/// not one is an error row, and the run exits 1 (2 when none could be read).
#[test]
fn merged_reports_give_the_batch_summary() {
    let out = tempfile::tempdir().unwrap();
    let batch = out.path().join("batch");
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "fixtures/xuchang",
        "--output-dir",
        batch.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{err}");
    let reports = out.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    for plan in ["basic", "xuchang"] {
        let file = reports.join(format!("{plan}.json"));
        let (code, _, err) = run(&[
            "check",
            &format!("fixtures/{plan}"),
            "--format",
            "json",
            "--lang",
            "en",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{err}");
    }
    std::fs::write(reports.join("lost.json"), "{\"tool\": ").unwrap();
    let merged = out.path().join("merged");
    let (code, table, err) = run(&[
        "merge",
        reports.to_str().unwrap(),
        "--output-dir",
        merged.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        table.contains("3 plans: 2 checked (2 failing), 1 could not be checked"),
        "{table}"
    );

    let strip = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("report");
        v
    };
    let from_batch = read_json(&batch.join("summary.json"));
    let from_merge = read_json(&merged.join("summary.json"));
    let b: Vec<Value> = from_batch["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(strip)
        .collect();
    let m: Vec<Value> = from_merge["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(strip)
        .collect();
    // The unreadable report sorts first by its path (a temporary folder under /tmp).
    assert_eq!(m.len(), 3);
    assert_eq!(m[0]["status"], "error");
    assert!(m[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("not a planlint JSON report"));
    assert_eq!(&m[1..], &b[..], "the merged rows are the batch's");
    assert_eq!(
        from_merge["totals"],
        json!({"plans": 3, "checked": 2, "errors": 1, "failing": 2})
    );
    assert!(merged.join("summary.csv").is_file());

    // Nothing readable: 2, as a batch where no plan could be read.
    let (code, _, _) = run(&["merge", reports.join("lost.json").to_str().unwrap()]);
    assert_eq!(code, 2);
}

/// `--timings` names every stage of the run on standard error, in order, and changes
/// nothing of the report; a batch refuses it (it times one plan).
#[test]
fn timings_name_every_stage_and_leave_the_report_alone() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a.json"), out.path().join("b.json"));
    let base = [
        "check",
        "fixtures/network",
        "--format",
        "json",
        "--lang",
        "en",
    ];
    let (code, _, err) = run(&[&base[..], &["-o", a.to_str().unwrap(), "--timings"]].concat());
    assert_eq!(code, 1, "{err}");
    let (_, _, quiet) = run(&[&base[..], &["-o", b.to_str().unwrap()]].concat());
    assert!(quiet.is_empty(), "{quiet}");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let stages = [
        "start (arguments, profile)",
        "reading layers",
        "placing features in the working CRS",
        "indexing",
        "building the walking network",
        "measuring the service circle",
        "checking the rules",
        "summarising",
        "writing the report",
        "total",
        "peak memory",
    ];
    let mut at = 0;
    for s in stages {
        let found = err[at..]
            .find(s)
            .unwrap_or_else(|| panic!("no '{s}' after the stages before it: {err}"));
        at += found + s.len();
    }
    let (code, _, err) = run(&["check", "fixtures/basic", "fixtures/xuchang", "--timings"]);
    assert_eq!(code, 2);
    assert!(err.contains("--timings times one plan"), "{err}");
}

#[test]
fn an_output_that_is_a_link_stays_a_link() {
    // `-o LINK`: the report goes to the link's file, and the link is not replaced by a file
    // (as a rename would; over /dev/null, as root, that replaced the device).
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    basic_report_to(&link);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read_json(&target)["summary"]["fail"], 9);
}

/// `planlint check fixtures/basic --format json -o PATH`, which fails 9 findings.
fn basic_report_to(path: &Path) {
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--format",
        "json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn an_output_in_a_folder_not_yet_made_makes_it() {
    // `-o reports/city.json` where `reports/` is not there yet (a cluster task's first
    // report): the folder is made, as `--output-dir` makes its own.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports/2024/city.json");
    basic_report_to(&out);
    assert_eq!(read_json(&out)["summary"]["fail"], 9);
}

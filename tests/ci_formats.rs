//! The formats CI systems read (issue 10): SARIF 2.1.0 validated against the official
//! schema, JUnit XML read by a JUnit parser, GitHub Actions workflow commands — and every
//! format carrying hostile names intact, never as markup, JSON, CSV cells or commands of
//! their own.
//!
//! The basic fixture's findings (worked out in tests/check_basic.rs): 10 rules; failing
//! are beds-per-thousand-elderly D2 (info: a county figure), county-institutions D2,
//! facility-count U0/community-centers-started, facility-coverage U0/community,
//! floor-area-per-households A, government-bed-share U0, nursing-bed-share U0,
//! service-circle C and D — 9 failing findings, 8 of them errors.

mod common;

use std::io::Cursor;

use common::{copy_fixture, edit_layer, root, run};
use serde_json::{json, Value};

fn output(plan: &str, format: &str) -> (i32, String) {
    let (code, out, err) = run(&["check", plan, "--format", format, "--lang", "en"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, out)
}

fn sarif_errors(log: &Value) -> Vec<String> {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let text =
            std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0-rtm.5.json")).unwrap();
        let mut schema: Value = serde_json::from_str(&text).unwrap();
        // The one pattern of the official schema that only an ECMAScript engine takes (a
        // stray `]`, in `language`, which planlint does not write), as it means it.
        let fixed = fix_language_pattern(&mut schema);
        assert_eq!(fixed, 2, "run.language and toolComponent.language");
        jsonschema::validator_for(&schema).expect("the SARIF schema")
    });
    validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn fix_language_pattern(v: &mut Value) -> usize {
    const ECMA_ONLY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(m) => {
            let mut n = 0;
            if m.get("pattern").and_then(Value::as_str) == Some(ECMA_ONLY) {
                m.insert(
                    "pattern".into(),
                    json!("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}$"),
                );
                n += 1;
            }
            n + m.values_mut().map(fix_language_pattern).sum::<usize>()
        }
        Value::Array(a) => a.iter_mut().map(fix_language_pattern).sum(),
        _ => 0,
    }
}

#[test]
fn sarif_is_sarif_2_1_0() {
    let (code, out) = output("fixtures/basic", "sarif");
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    let errors = sarif_errors(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The validator does reject what SARIF does not allow.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!sarif_errors(&broken).is_empty());
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 10, "{rules:?}");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    let levels = |l: &str| results.iter().filter(|r| r["level"] == l).count();
    assert_eq!((levels("error"), levels("note")), (8, 1));
    // Each result points at its rule by index, its layer file and its subject.
    for r in results {
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize],
            r["ruleId"]
        );
    }
    let a = results
        .iter()
        .find(|r| r["ruleId"] == "floor-area-per-households")
        .unwrap();
    let loc = &a["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/basic/compounds.geojson"
    );
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "compounds/A"
    );
    assert_eq!(loc["logicalLocations"][0]["name"], "甲小区");
    // 300 m² for 1,250 households: 24 per 100, 30 required, 75 m² missing.
    assert_eq!(
        (&a["properties"]["measured"], &a["properties"]["required"]),
        (&json!(24.0), &json!(30.0))
    );
    assert!(a["message"]["text"]
        .as_str()
        .unwrap()
        .contains("needs 75 m² more"));
    assert!(a["message"]["text"]
        .as_str()
        .unwrap()
        .contains("若干政策 四(九)"));
    let help = run["tool"]["driver"]["rules"][rules
        .iter()
        .position(|r| *r == "floor-area-per-households")
        .unwrap()]["help"]["text"]
        .as_str()
        .unwrap();
    assert!(help.contains("Clause: 安政办〔2017〕80号 若干政策 四(九)"));
}

#[test]
fn junit_reads_as_junit() {
    let (_, out) = output("fixtures/basic", "junit");
    let suites = junit_parser::from_reader(Cursor::new(out.as_bytes())).expect("JUnit XML");
    assert_eq!(suites.suites.len(), 10);
    // 8 error findings fail; the info one (D2's county figure) passes, with its message.
    let failures: u64 = suites.suites.iter().map(|s| s.failures).sum();
    assert_eq!(failures, 8);
    let floor = suites
        .suites
        .iter()
        .find(|s| s.name == "floor-area-per-households")
        .unwrap();
    // A fails (24 < 30), B passes (20 ≥ 20), C is not applicable (0 households), D
    // has no status (insufficient data): 4 cases, 1 failure, 2 skipped.
    assert_eq!((floor.tests, floor.failures, floor.skipped), (4, 1, 2));
    let a = floor
        .cases
        .iter()
        .find(|c| c.original_name.starts_with("compounds/A "))
        .unwrap();
    assert!(a.status.is_failure());
    let failure = match &a.status {
        junit_parser::TestStatus::Failure(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(failure.failure_type, "error");
    assert!(failure
        .text
        .contains("clause: 安政办〔2017〕80号 若干政策 四(九)"));
    let beds = suites
        .suites
        .iter()
        .find(|s| s.name == "beds-per-thousand-elderly")
        .unwrap();
    assert_eq!(beds.failures, 0);
    let d2 = beds
        .cases
        .iter()
        .find(|c| c.original_name.starts_with("units/D2"))
        .unwrap();
    assert!(d2.status.is_success());
    assert!(d2.system_out.as_deref().unwrap_or("").contains("[info]"));
}

#[test]
fn github_annotations_one_per_failing_finding() {
    let (code, out) = output("fixtures/basic", "github");
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::error ")).count(),
        8
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::notice ")).count(),
        1
    );
    assert!(lines.contains(
        &"::error file=fixtures/basic/compounds.geojson,title=floor-area-per-households A 甲小区::24 m² per 100 households (300 m² for 1,250 households), required ≥ 30; needs 75 m² more (安政办〔2017〕80号 若干政策 四(九))"
    ));
    // "%" in a message is escaped as the toolkit does: coverage 50% → 50%25.
    assert!(out.contains("urban community coverage (completed by 2020-12-31) 50%25 (1/2)"));
}

/// The hostile name every format must carry intact: markup, an entity, both quotes, a
/// comma, line breaks and workflow-command syntax.
const HOSTILE: &str = "a<b>&amp;\"q\",'s'\nline::error::injected\r\n::warning x";

fn hostile_plan() -> tempfile::TempDir {
    let dir = copy_fixture("basic", &[]);
    edit_layer(dir.path(), "compounds.geojson", |fs| {
        for f in fs.iter_mut() {
            if f["properties"]["id"] == "A" {
                f["properties"]["name"] = json!(HOSTILE);
            }
        }
    });
    edit_layer(dir.path(), "facilities.geojson", |fs| {
        for f in fs.iter_mut() {
            if f["properties"]["name"] == "乙站" {
                f["properties"]["name"] = json!(HOSTILE);
            }
        }
    });
    dir
}

#[test]
fn hostile_names_pass_through_every_format_intact() {
    let plan = hostile_plan();
    let p = plan.path().to_str().unwrap();

    // JSON, SARIF, GeoJSON: valid JSON with the name as it was.
    let (_, json_out) = output(p, "json");
    let report: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(
        common::finding(&report, "floor-area-per-households", "A")["subject"]["name"],
        HOSTILE
    );
    let (_, sarif) = output(p, "sarif");
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert!(sarif_errors(&log).is_empty());
    assert!(log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["locations"][0]["logicalLocations"][0]["name"] == HOSTILE));
    // C's message names its nearest facility, 乙站, now the hostile name.
    assert!(log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["message"]["text"].as_str().unwrap().contains(HOSTILE)));
    let (_, geojson) = output(p, "geojson");
    let fc: Value = serde_json::from_str(&geojson).unwrap();
    assert!(fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["subject_name"] == HOSTILE));

    // CSV: read back by a CSV reader, the name is one cell.
    let (_, csv_out) = output(p, "csv");
    let mut rd = csv::Reader::from_reader(csv_out.as_bytes());
    let headers = rd.headers().unwrap().clone();
    let name_col = headers.iter().position(|h| h == "subject_name").unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report["findings"].as_array().unwrap().len());
    assert!(rows.iter().all(|r| r.len() == headers.len()));
    assert!(rows.iter().any(|r| &r[name_col] == HOSTILE));

    // JUnit: parsed, the name intact in the case name and the message in the failure.
    let (_, junit) = output(p, "junit");
    let suites = junit_parser::from_reader(Cursor::new(junit.as_bytes())).expect("JUnit XML");
    let floor = suites
        .suites
        .iter()
        .find(|s| s.name == "floor-area-per-households")
        .unwrap();
    assert!(floor
        .cases
        .iter()
        .any(|c| c.original_name == format!("compounds/A {HOSTILE}")));
    let circle = suites
        .suites
        .iter()
        .find(|s| s.name == "service-circle")
        .unwrap();
    assert!(circle.cases.iter().any(|c| match &c.status {
        junit_parser::TestStatus::Failure(f) => f.message.contains(HOSTILE),
        _ => false,
    }));

    // GitHub: still one command per failing finding — nothing injected — with the line
    // breaks escaped and the name's "::" and "," escaped in the title property.
    let (_, gh) = output(p, "github");
    let lines: Vec<&str> = gh.lines().collect();
    assert_eq!(lines.len(), 9, "{gh}");
    assert!(lines
        .iter()
        .all(|l| l.starts_with("::error ") || l.starts_with("::notice ")));
    assert!(gh.contains(
        "title=floor-area-per-households A a<b>&amp;\"q\"%2C's'%0Aline%3A%3Aerror%3A%3Ainjected%0D%0A%3A%3Awarning x::"
    ));
    assert!(gh.contains("a<b>&amp;\"q\",'s'%0Aline::error::injected%0D%0A::warning x"));

    // Text: a line break in a name does not start a line of its own.
    let (_, text) = output(p, "text");
    assert!(!text
        .lines()
        .any(|l| l.starts_with("::warning") || l.starts_with("line::")));
    assert!(text.contains("a<b>&amp;\"q\",'s'\\nline::error::injected\\r\\n::warning x"));

    // HTML: escaped (tests/html.rs tests escaping in depth).
    let (_, html) = output(p, "html");
    assert!(html.contains("a&lt;b&gt;&amp;amp;&quot;q&quot;,&#39;s&#39;"));
    assert!(!html.contains("a<b>"));
}

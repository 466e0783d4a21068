//! Output formats, languages, explicit layer files and a user's own profile file, all on
//! fixtures/basic (see check_basic.rs for its numbers).

mod common;

use common::{report, run};
use serde_json::{json, Value};

#[test]
fn geojson_findings_are_in_wgs84_with_their_subjects_geometry() {
    let (code, out, err) = run(&[
        "check",
        "fixtures/basic",
        "--format",
        "geojson",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{err}");
    let fc: Value = serde_json::from_str(&out).unwrap();
    let features = fc["features"].as_array().unwrap();
    let (_, r) = report("fixtures/basic", &[]);
    assert_eq!(
        features.len(),
        r["findings"].as_array().unwrap().len(),
        "one feature per finding"
    );
    // Compound A's square (500000..500100, 4000000..4000100 in EPSG:4547, CM 114°E) lies just
    // east of 114°E (easting 500,000 = the central meridian) near 36.14°N.
    let a = features
        .iter()
        .find(|f| {
            f["properties"]["rule"] == "floor-area-per-households"
                && f["properties"]["subject_id"] == "A"
        })
        .unwrap();
    assert_eq!(a["geometry"]["type"], "MultiPolygon");
    let first = &a["geometry"]["coordinates"][0][0][0];
    let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (lon - 114.0).abs() < 1e-6,
        "x = 500000 is the central meridian: {lon}"
    );
    assert!((36.0..36.3).contains(&lat), "{lat}");
    // A facility finding carries a point; the whole-plan coverage finding has U0's polygon.
    assert_eq!(a["properties"]["status"], "fail");
}

#[test]
fn csv_has_one_row_per_finding() {
    let (_, out, _) = run(&["check", "fixtures/basic", "--format", "csv", "--lang", "en"]);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "rule");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.len(),
        26,
        "4 compounds × 4 site rules + 10 area findings"
    );
    let a = rows
        .iter()
        .find(|r| &r[0] == "floor-area-per-households" && &r[4] == "A")
        .unwrap();
    assert_eq!((&a[2], &a[6], &a[7]), ("fail", "24", "30"));
}

#[test]
fn csv_geojson_and_geopackage_share_one_flat_finding_row() {
    // The same columns, in the same order, in the three formats that lay findings out as a
    // table; A's floor area (24 of ≥ 30: 6 m² per 100 households short) alike in each.
    const COLUMNS: [&str; 17] = [
        "rule",
        "severity",
        "status",
        "subject_layer",
        "subject_id",
        "subject_name",
        "measured",
        "required",
        "unit",
        "need",
        "deficit",
        "missing_field",
        "message",
        "clause",
        "waived",
        "baseline",
        "details",
    ];
    let (_, out, _) = run(&["check", "fixtures/basic", "--format", "csv", "--lang", "en"]);
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(rdr.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let a = rows
        .iter()
        .find(|r| &r[0] == "floor-area-per-households" && &r[4] == "A")
        .unwrap();
    assert_eq!((&a[9], &a[10]), ("at_least", "6"));
    // D lacks a status: the field is named in a cell of its own.
    let d = rows
        .iter()
        .find(|r| &r[0] == "floor-area-per-households" && &r[4] == "D")
        .unwrap();
    assert_eq!(&d[11], "status");

    let (_, out, _) = run(&[
        "check",
        "fixtures/basic",
        "--format",
        "geojson",
        "--lang",
        "en",
    ]);
    let fc: Value = serde_json::from_str(&out).unwrap();
    let props = &fc["features"][0]["properties"];
    let keys: Vec<&str> = props
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, COLUMNS);
    let a = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"])
        .find(|p| p["rule"] == "floor-area-per-households" && p["subject_id"] == "A")
        .unwrap();
    assert_eq!(
        (&a["need"], &a["deficit"]),
        (&json!("at_least"), &json!(6.0))
    );

    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("r.gpkg");
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--format",
        "gpkg",
        "-o",
        gpkg.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let stmt = db.prepare("SELECT * FROM findings").unwrap();
    let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    // fid and geom first; a measure's date in its own column after it.
    let expected: Vec<String> = ["fid", "geom"]
        .into_iter()
        .chain(COLUMNS.iter().flat_map(|c| match *c {
            "measured" => vec!["measured", "measured_date"],
            "required" => vec!["required", "required_date"],
            c => vec![c],
        }))
        .map(String::from)
        .collect();
    assert_eq!(columns, expected);
    let (need, deficit): (String, f64) = db
        .query_row(
            "SELECT need, deficit FROM findings WHERE rule = 'floor-area-per-households' AND subject_id = 'A'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((need.as_str(), deficit), ("at_least", 6.0));
}

#[test]
fn text_summary_speaks_the_chosen_language() {
    let (_, zh, _) = run(&["check", "fixtures/basic", "--lang", "zh"]);
    assert!(
        zh.contains("主要问题") && zh.contains("还差 75 平方米"),
        "{zh}"
    );
    let (_, en, _) = run(&["check", "fixtures/basic", "--lang", "en"]);
    assert!(
        en.contains("Worst failures") && en.contains("needs 75 m² more"),
        "{en}"
    );
    // JSON messages follow --lang too.
    let (_, r) = report("fixtures/basic", &["--lang", "zh"]);
    let msg = common::finding(&r, "floor-area-per-households", "A")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("平方米"), "{msg}");
}

#[test]
fn explicit_layer_files_give_the_same_findings_as_the_folder() {
    let dir = "fixtures/basic";
    let (_, folder) = report(dir, &[]);
    let (code, out, err) = run(&[
        "check",
        "--compounds",
        "fixtures/basic/compounds.geojson",
        "--facilities",
        "fixtures/basic/facilities.geojson",
        "--units",
        "fixtures/basic/units.geojson",
        "--phases",
        "fixtures/basic/phases.csv",
        "--profile",
        "anyang-2017",
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "{err}");
    let files: Value = serde_json::from_str(&out).unwrap();
    common::schema_holds(&files);
    assert_eq!(files["findings"], folder["findings"]);
}

#[test]
fn a_profile_file_of_ones_own() {
    // A copy of Anyang with 25 m² for new compounds: A's 24 still fails, now against 25.
    let text =
        std::fs::read_to_string(common::root().join("data/profiles/anyang-2017.toml")).unwrap();
    let text = text.replacen("new = { value = 30.0 }", "new = { value = 25.0 }", 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-city.toml");
    std::fs::write(&path, text).unwrap();
    let (_, r) = report("fixtures/basic", &["--profile", path.to_str().unwrap()]);
    let (status, measured, required) = common::verdict(&r, "floor-area-per-households", "A");
    assert_eq!(
        (status.as_str(), measured.as_f64(), required.as_f64()),
        ("fail", Some(24.0), Some(25.0))
    );
    // A broken profile file is exit 2, naming the file.
    std::fs::write(&path, "id = 1").unwrap();
    let (code, _, err) = run(&[
        "check",
        "fixtures/basic",
        "--profile",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("my-city.toml"), "{err}");
}

#[test]
fn rules_without_their_layer_are_skipped_once_and_the_plan_stands_for_the_city() {
    // fixtures/basic without units.geojson and phases.csv.
    let (_, out, err) = run(&[
        "check",
        "--compounds",
        "fixtures/basic/compounds.geojson",
        "--facilities",
        "fixtures/basic/facilities.geojson",
        "--profile",
        "anyang-2017",
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let r: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    common::schema_holds(&r);
    let skipped: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "skipped")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // rules.md: "A rule that cannot run at all (no units layer) is listed once as skipped".
    // Beds per 1,000 elderly and land per resident need the units' populations.
    assert_eq!(
        skipped,
        vec![
            "beds-per-thousand-elderly",
            "construction-timing",
            "county-institutions",
            "facility-coverage",
            "land-per-capita"
        ]
    );
    assert_eq!(r["summary"]["skipped"], 5);
    let beds = common::finding(&r, "beds-per-thousand-elderly", "");
    assert!(
        beds["message"].as_str().unwrap().contains("units"),
        "{}",
        beds["message"]
    );
    // Shares need no population: nursing 200 / 800 = 25%.
    assert_eq!(
        common::verdict(&r, "nursing-bed-share", "plan").1,
        serde_json::json!(0.25)
    );
    assert!(common::contract_holds(&r));
}

#[test]
fn json_is_byte_identical_whatever_the_thread_count() {
    // A generated city of 2,000 compounds (enough for rayon to split every stage).
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("city");
    let (code, _, err) = run(&[
        "synth",
        "--compounds",
        "2000",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let with_threads = |n: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_planlint"))
            .args([
                "check",
                plan.to_str().unwrap(),
                "--format",
                "json",
                "--lang",
                "zh",
            ])
            .env("RAYON_NUM_THREADS", n)
            .output()
            .unwrap()
            .stdout
    };
    let one = with_threads("1");
    assert!(one.len() > 1_000_000, "a real report: {} bytes", one.len());
    common::schema_holds(&serde_json::from_slice(&one).unwrap());
    assert!(one == with_threads("8"), "1 and 8 threads differ");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    // A generated city of 2,000 compounds: its report (megabytes) outgrows the pipe's
    // buffer (64 KiB on Linux) many times, so the writer must meet the closed end.
    let city = tempfile::tempdir().unwrap();
    let dir = city.path().to_str().unwrap();
    let (code, _, err) = common::run(&["synth", "--compounds", "2000", "--out", dir]);
    assert_eq!(code, 0, "{err}");
    let (whole_code, whole, _) = common::run(&["check", dir, "--format", "json"]);
    assert!(
        whole.len() > 16 * 65_536,
        "{} bytes: too small",
        whole.len()
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args(["check", dir, "--format", "json"])
        .current_dir(common::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reader goes away after 10 bytes: a reader that stops early is not an error of
    // the check, so the exit code is the report's own, as when it is read whole, and
    // nothing is said of it.
    let status = child.wait().unwrap();
    assert!(matches!(whole_code, 0 | 1));
    assert_eq!(status.code(), Some(whole_code), "{status:?}");
    let said = said.join().unwrap().unwrap();
    assert!(said.is_empty(), "{said}");
}

#[test]
fn the_shipped_schema_catches_a_broken_report() {
    let (_, mut r) = report("fixtures/basic", &[]);
    assert!(common::schema_errors(&r).is_empty());
    r["findings"][0]["status"] = serde_json::json!("maybe");
    r["summary"]["pass"] = serde_json::json!(-1);
    r.as_object_mut().unwrap().remove("working_crs");
    let errors = common::schema_errors(&r);
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn every_fixture_and_the_sample_follow_the_schema_and_the_contract() {
    let mut plans: Vec<String> = std::fs::read_dir(common::root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("plan.toml").is_file())
        .map(|p| format!("fixtures/{}", p.file_name().unwrap().to_str().unwrap()))
        .collect();
    plans.sort();
    plans.push("fixtures/context/city".into());
    plans.push("data/sample".into());
    for plan in &plans {
        // `report` checks the schema; the contract checker checks the counts and the order.
        let (_, r) = report(plan, &[]);
        assert!(common::contract_holds(&r), "{plan}");
    }
}

/// The command line renders its messages in the language it speaks only
/// (`text::render_only`); a library caller gets both. Either way the words are the same:
/// every finding's message, note and rejection reason of the binary's report, in each
/// language, is the library's (both rendered) emitted in that language.
#[test]
fn messages_rendered_for_one_language_are_those_rendered_for_both() {
    use planlint::place;
    use planlint::read::Sources;
    use planlint::text::Lang;
    let texts = |r: &Value| -> Vec<String> {
        let mut out: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        out.extend(
            r["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| n.to_string()),
        );
        for layer in r["inputs"].as_object().unwrap().values() {
            for x in layer["rejected"].as_array().into_iter().flatten() {
                out.push(x["reason"].as_str().unwrap_or("").to_string());
            }
        }
        out
    };
    for fixture in [
        "fixtures/basic",
        "fixtures/bad-features",
        "fixtures/network",
        "fixtures/timing-unknown",
    ] {
        let plan = place::load(&Sources::from_dir(&common::root().join(fixture)).unwrap()).unwrap();
        let settings = Sources::from_dir(&common::root().join(fixture))
            .unwrap()
            .settings;
        let profile =
            planlint::profile::Profile::load(settings.profile.as_deref().unwrap()).unwrap();
        let as_of = settings.as_of_text().unwrap().parse().unwrap();
        let report = planlint::check(&plan, &profile, as_of);
        for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            let mut out = Vec::new();
            planlint::emit::Format::Json
                .emitter(lang)
                .emit(&mut out, &report)
                .unwrap();
            let library: Value = serde_json::from_slice(&out).unwrap();
            let (_, binary) = common::report(fixture, &["--lang", name]);
            let (a, b) = (texts(&library), texts(&binary));
            assert!(!a.is_empty());
            assert_eq!(a, b, "{fixture} --lang {name}");
        }
    }
}

#[test]
fn a_report_written_over_an_old_one_replaces_it_and_leaves_nothing_beside_it() {
    // The old report is another format's, longer and different: what is left at the path
    // is the new report whole, and the folder holds that file only (the old one, swapped
    // out, is removed; no partial file stays).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, "x".repeat(1 << 20)).unwrap();
    let out = path.to_str().unwrap();
    let (code, _, err) = run(&["check", "fixtures/basic", "--format", "json", "-o", out]);
    assert_eq!(code, 1, "{err}");
    let (_, expected) = report("fixtures/basic", &[]);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["findings"], expected["findings"]);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
}

//! The QGIS plugin (`src/qgis/planlint`), run headless by QGIS's own `qgis_process`
//! (`QT_QPA_PLATFORM=offscreen`, the plugin found through `QGIS_PLUGINPATH` and enabled in
//! a profile of the test's own): its findings layer holds the findings the binary's
//! GeoJSON report holds — same rules, subjects, statuses and measured values.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const QGIS_PROCESS: &str = "/usr/bin/qgis_process.bin";

/// QGIS run from a test, stopped by `timeout` if it has not ended in five minutes (a hung
/// QGIS fails its test, exit 124, rather than the whole run).
fn limited(program: &str) -> Command {
    let mut c = Command::new("timeout");
    c.args(["300", program]);
    c
}

/// A QGIS profile folder with the plugin enabled.
struct Qgis {
    config: tempfile::TempDir,
}

impl Qgis {
    fn new() -> Qgis {
        let q = Qgis::without_the_plugin_enabled();
        let out = q.run(&["plugins", "enable", "planlint"]);
        assert!(out.status.success(), "enable: {}", text(&out));
        q
    }

    /// A new profile, where the plugin is found but not enabled yet.
    fn without_the_plugin_enabled() -> Qgis {
        Qgis {
            config: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// `qgis_process` with these arguments and environment variables.
    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        limited(QGIS_PROCESS)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(common::root())
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("QGIS_PLUGINPATH", common::root().join("src/qgis"))
            .env("QGIS_CUSTOM_CONFIG_PATH", self.config.path())
            .env("PLANLINT_BINARY", env!("CARGO_BIN_EXE_planlint"))
            .output()
            .expect("run qgis_process (bash .ci/setup --tests installs QGIS)")
    }

    /// tests/qgis/in_qgis.py CASE ARGS in QGIS's Python: the plugin driven through a
    /// project, as a user drives it.
    fn python(&self, args: &[&str]) -> Output {
        limited("/usr/bin/python3")
            .arg(common::root().join("tests/qgis/in_qgis.py"))
            .args(args)
            .current_dir(common::root())
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("QGIS_CUSTOM_CONFIG_PATH", self.config.path())
            .env("PLANLINT_BINARY", env!("CARGO_BIN_EXE_planlint"))
            .output()
            .expect("run QGIS's python3 (bash .ci/setup --tests installs python3-qgis)")
    }

    /// The findings layer that tests/qgis/in_qgis.py CASE writes (into `dir`).
    fn python_findings(&self, case: &str, dir: &Path) -> Vec<(String, String, String, String)> {
        let out = dir.join("findings.gpkg");
        let run = self.python(&[case, out.to_str().unwrap()]);
        assert!(run.status.success(), "{case}: {}", text(&run));
        layer_findings(&out)
    }

    /// `qgis_process run planlint:ID -- PARAMS…`.
    fn algorithm(&self, id: &str, params: &[&str]) -> Output {
        let alg = format!("planlint:{id}");
        let mut args = vec!["run", alg.as_str(), "--"];
        args.extend_from_slice(params);
        self.run(&args)
    }

    /// `planlint:checkplan` with these parameters; the findings layer's path.
    fn check(&self, out: &Path, params: &[String]) -> PathBuf {
        let output = out.join("findings.gpkg");
        let output_param = format!("OUTPUT={}", output.display());
        let mut args: Vec<&str> = params.iter().map(String::as_str).collect();
        args.push(&output_param);
        let run = self.algorithm("checkplan", &args);
        assert!(run.status.success(), "{args:?}: {}", text(&run));
        output
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// (rule, subject id, status, measured) of each finding of a GeoJSON FeatureCollection,
/// sorted; a GeoPackage's date column `measured_date` stands for a date `measured`.
fn findings(fc: &Value) -> Vec<(String, String, String, String)> {
    let mut out: Vec<_> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let measured = match (&p["measured"], &p["measured_date"]) {
                (Value::Null, Value::String(d)) => d.clone(),
                (Value::Null, _) => "null".into(),
                (Value::Number(n), _) => format!("{:.6}", n.as_f64().unwrap()),
                (v, _) => v.as_str().map_or(v.to_string(), str::to_string),
            };
            let geometry = if f["geometry"].is_null() {
                ""
            } else {
                "+geometry"
            };
            (
                p["rule"].as_str().unwrap().to_string(),
                p["subject_id"].as_str().unwrap().to_string(),
                format!("{}{geometry}", p["status"].as_str().unwrap()),
                measured,
            )
        })
        .collect();
    out.sort();
    out
}

/// The findings of a GeoPackage layer, read back by GDAL.
fn layer_findings(gpkg: &Path) -> Vec<(String, String, String, String)> {
    let out = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", "/vsistdout/"])
        .arg(gpkg)
        .output()
        .expect("ogr2ogr (gdal-bin)");
    assert!(out.status.success(), "{}", text(&out));
    findings(&serde_json::from_slice(&out.stdout).unwrap())
}

/// The findings of the binary's GeoJSON report of `args` (after `check`).
fn binary_findings(args: &[&str]) -> Vec<(String, String, String, String)> {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "geojson", "--lang", "en"]);
    let (code, out, err) = common::run(&all);
    assert!(code == 0 || code == 1, "{err}");
    findings(&serde_json::from_str(&out).unwrap())
}

#[test]
fn layers_open_in_qgis_give_the_binarys_findings() {
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let basic = |f: &str| {
        common::root()
            .join("fixtures/basic")
            .join(f)
            .display()
            .to_string()
    };
    // fixtures/basic's layers (GeoJSON, and phases from CSV) handed over as QGIS layers,
    // with the profile and date its plan.toml gives the binary.
    let html = dir.path().join("report.html");
    let layer = q.check(
        dir.path(),
        &[
            format!("COMPOUNDS={}", basic("compounds.geojson")),
            format!("FACILITIES={}", basic("facilities.geojson")),
            format!("UNITS={}", basic("units.geojson")),
            format!("PHASES={}", basic("phases.csv")),
            "PROFILE=anyang-2017".into(),
            "AS_OF=2024-06-30".into(),
            "LANG=en".into(),
            format!("REPORT_HTML={}", html.display()),
        ],
    );
    let got = layer_findings(&layer);
    assert_eq!(got, binary_findings(&["fixtures/basic"]));
    // 26 findings, among them compound A's floor area: 24 m² per 100 households (fail).
    assert_eq!(got.len(), 26);
    assert!(got.contains(&(
        "floor-area-per-households".into(),
        "A".into(),
        "fail+geometry".into(),
        "24.000000".into()
    )));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<html") && page.contains("floor-area-per-households"));
}

#[test]
fn a_plan_folder_or_geopackage_gives_the_binarys_findings() {
    let q = Qgis::new();
    // The sample's plan.toml names its profile and date; plan.gpkg holds layers only.
    let dated: &[&str] = &["--profile", "anyang-2017", "--as-of", "2024-06-30"];
    for (plan, extra) in [
        ("data/sample", &[][..]),
        ("fixtures/geopackage/plan.gpkg", dated),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = common::root().join(plan);
        let mut params = vec![format!("PLAN={}", path.display()), "LANG=en".into()];
        if !extra.is_empty() {
            params.extend(["PROFILE=anyang-2017".into(), "AS_OF=2024-06-30".into()]);
        }
        let layer = q.check(dir.path(), &params);
        let mut args = vec![plan];
        args.extend_from_slice(extra);
        let expected = binary_findings(&args);
        assert!(expected.len() > 20, "{plan}: {}", expected.len());
        assert_eq!(layer_findings(&layer), expected, "{plan}");
    }
}

#[test]
fn a_submission_in_its_city_gives_the_binarys_findings() {
    // data/submission checked inside data/sample: the same findings as `planlint check
    // data/submission --context data/sample`, among them the submission's own compounds.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let output = dir.path().join("findings.gpkg");
    let run = q.algorithm(
        "checksubmission",
        &[
            &format!("PLAN={}", root.join("data/submission").display()),
            &format!("CITY={}", root.join("data/sample").display()),
            "LANG=en",
            &format!("OUTPUT={}", output.display()),
        ],
    );
    assert!(run.status.success(), "{}", text(&run));
    let got = layer_findings(&output);
    assert_eq!(
        got,
        binary_findings(&["data/submission", "--context", "data/sample"])
    );
    assert!(got
        .iter()
        .any(|f| f.0 == "floor-area-per-households" && f.1 == "SUB-1"));
}

#[test]
fn nothing_to_check_is_a_failed_run_that_says_why() {
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.gpkg");
    let run = q.algorithm("checkplan", &[&format!("OUTPUT={}", out.display())]);
    assert!(!run.status.success());
    assert!(
        text(&run).contains("give a plan (PLAN) or its layers"),
        "{}",
        text(&run)
    );
    // A plan planlint refuses (exit 2): its message, naming the file, in QGIS's log.
    let broken = common::root().join("fixtures/batch/broken");
    let run = q.algorithm(
        "checkplan",
        &[
            &format!("PLAN={}", broken.display()),
            &format!("OUTPUT={}", out.display()),
        ],
    );
    assert!(!run.status.success());
    assert!(
        text(&run).contains("compounds.geojson: not JSON"),
        "{}",
        text(&run)
    );
}

#[test]
fn many_plans_give_the_binarys_summary_and_reports() {
    // Every plan under fixtures/, as `planlint check --recursive fixtures --output-dir`:
    // the summary table holds summary.csv's rows (the report's path made absolute), and
    // each report named is written.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let root = common::root().join("fixtures");
    let summary = dir.path().join("summary.gpkg");
    let reports = dir.path().join("reports");
    let run = q.algorithm(
        "checkmany",
        &[
            &format!("FOLDER={}", root.display()),
            "LANG=en",
            "FORMAT=json",
            &format!("OUTPUT={}", summary.display()),
            &format!("REPORTS={}", reports.display()),
        ],
    );
    assert!(run.status.success(), "{}", text(&run));
    let csv = |path: &Path| -> Vec<Vec<String>> {
        let mut r = ::csv::Reader::from_path(path).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let mut rows = vec![header];
        rows.extend(
            r.records()
                .map(|rec| rec.unwrap().iter().map(String::from).collect::<Vec<_>>()),
        );
        rows
    };
    let table = dir.path().join("summary.csv");
    let out = Command::new("ogr2ogr")
        .args(["-f", "CSV"])
        .arg(&table)
        .arg(&summary)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let got = csv(&table);

    let expected_dir = dir.path().join("binary");
    let binary = Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args(["check", "--recursive"])
        .arg(&root)
        .arg("--output-dir")
        .arg(&expected_dir)
        .args(["--format", "json", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(binary.status.code(), Some(1), "{}", text(&binary));
    let expected = csv(&expected_dir.join("summary.csv"));
    assert_eq!(got[0], expected[0], "columns");
    let report = got[0].iter().position(|c| c == "report").unwrap();
    assert_eq!(got.len(), expected.len());
    assert!(got.len() > 20, "{} plans", got.len() - 1);
    for (g, e) in got[1..].iter().zip(&expected[1..]) {
        for (i, (a, b)) in g.iter().zip(e).enumerate() {
            if i == report && !b.is_empty() {
                // The plugin gives the report's whole path; the report is the binary's.
                assert_eq!(Path::new(a), reports.join(b));
                let written = std::fs::read_to_string(a).unwrap();
                let theirs = std::fs::read_to_string(expected_dir.join(b)).unwrap();
                assert_eq!(written, theirs, "{a}");
            } else {
                assert_eq!(a, b, "{}: {}", e[0], expected[0][i]);
            }
        }
    }
    // fixtures/basic is one of them, failing; fixtures/batch/broken could not be checked.
    assert!(got
        .iter()
        .any(|r| r[0].ends_with("fixtures/basic") && r[1] == "checked" && r[2] == "1"));
    assert!(got
        .iter()
        .any(|r| r[0].ends_with("batch/broken") && r[1] == "error"));
}

#[test]
fn layers_of_a_geopackage_give_the_binarys_findings() {
    // fixtures/geopackage/plan.gpkg's tables opened as QGIS layers (`|layername=`), the
    // phases table among them.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let gpkg = common::root().join("fixtures/geopackage/plan.gpkg");
    let layer = |name: &str| format!("{}|layername={name}", gpkg.display());
    let out = q.check(
        dir.path(),
        &[
            format!("COMPOUNDS={}", layer("compounds")),
            format!("FACILITIES={}", layer("facilities")),
            format!("UNITS={}", layer("units")),
            format!("PHASES={}", layer("phases")),
            "PROFILE=anyang-2017".into(),
            "AS_OF=2024-06-30".into(),
            "LANG=en".into(),
        ],
    );
    let expected = binary_findings(&[
        "fixtures/geopackage/plan.gpkg",
        "--profile",
        "anyang-2017",
        "--as-of",
        "2024-06-30",
    ]);
    assert!(expected.len() > 20);
    assert_eq!(layer_findings(&out), expected);
}

#[test]
fn a_gbk_shapefile_in_cgcs2000_opened_in_qgis_gives_the_binarys_findings() {
    // 小区.shp has no .cpg: opened in QGIS with its encoding set to GBK (as a user sets it
    // in the layer's properties), in CGCS2000 / Gauss–Krüger CM 117E; its Chinese field
    // names reach planlint as they are, and plan.toml's mapping (住户数 → households)
    // applies to the layer handed over.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let got = q.python_findings("gbk", dir.path());
    assert_eq!(got, binary_findings(&["fixtures/gbk-shapefile"]));
    // Compound X1's 1,000 households were read through the mapping.
    assert!(got
        .iter()
        .any(|f| f.0 == "floor-area-per-households" && f.1 == "X1" && f.3 != "null"));
}

#[test]
fn selected_features_only_checks_the_selection() {
    // Compounds A and B of fixtures/basic selected, "selected features only" ticked: the
    // findings are those of the plan whose compounds layer holds only A and B.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let got = q.python_findings("selected", dir.path());
    let plan = dir.path().join("plan");
    std::fs::create_dir(&plan).unwrap();
    let basic = common::root().join("fixtures/basic");
    for f in [
        "facilities.geojson",
        "units.geojson",
        "phases.csv",
        "plan.toml",
    ] {
        std::fs::copy(basic.join(f), plan.join(f)).unwrap();
    }
    let mut compounds: Value =
        serde_json::from_str(&std::fs::read_to_string(basic.join("compounds.geojson")).unwrap())
            .unwrap();
    compounds["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| matches!(f["properties"]["id"].as_str(), Some("A" | "B")));
    std::fs::write(plan.join("compounds.geojson"), compounds.to_string()).unwrap();
    assert_eq!(got, binary_findings(&[plan.to_str().unwrap()]));
    let subjects: std::collections::BTreeSet<&str> = got
        .iter()
        .filter(|f| f.0 == "floor-area-per-households")
        .map(|f| f.1.as_str())
        .collect();
    assert_eq!(subjects, ["A", "B"].into());
}

#[test]
fn a_layer_without_households_is_a_failed_run_naming_the_field() {
    // fixtures/basic's compounds without their households field, handed over as a layer:
    // the run fails and says which layer lacks which field; qgis_process ends normally
    // (exit 1, no crash). The plan folder itself is checked as the command checks it.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let basic = common::root().join("fixtures/basic");
    let mut compounds: Value =
        serde_json::from_str(&std::fs::read_to_string(basic.join("compounds.geojson")).unwrap())
            .unwrap();
    for f in compounds["features"].as_array_mut().unwrap() {
        f["properties"]
            .as_object_mut()
            .unwrap()
            .remove("households");
    }
    let path = dir.path().join("compounds.geojson");
    std::fs::write(&path, compounds.to_string()).unwrap();
    let out = dir.path().join("findings.gpkg");
    let run = q.algorithm(
        "checkplan",
        &[
            &format!("PLAN={}", basic.display()),
            &format!("COMPOUNDS={}", path.display()),
            "LANG=en",
            &format!("OUTPUT={}", out.display()),
        ],
    );
    let log = text(&run);
    assert_eq!(run.status.code(), Some(1), "{log}");
    assert!(
        log.contains(
            "COMPOUNDS: the layer has no field households, so floor-area-per-households cannot be checked"
        ),
        "{log}"
    );
    assert!(log.contains("compounds: missing field households: insufficient data for floor-area-per-households (3)"), "{log}");
    assert!(
        !log.contains("Traceback") && !log.contains("Segmentation"),
        "{log}"
    );
    // A field some features lack (compound D's status, in the plan folder) is logged, and
    // the run goes on.
    let out = q.check(
        dir.path(),
        &[format!("PLAN={}", basic.display()), "LANG=en".into()],
    );
    assert_eq!(layer_findings(&out), binary_findings(&["fixtures/basic"]));
}

#[test]
fn results_loaded_in_qgis_are_styled_and_drawn() {
    // data/sample run and loaded into a project, as the Run button does: the findings
    // layer is styled by status and severity (the shipped QML, drawn worst on top), the
    // service areas too; fixtures/xuchang's facility findings become a layer of points.
    let q = Qgis::new();
    for (plan, parts) in [
        ("data/sample", &["Polygon"][..]),
        ("fixtures/xuchang", &["Point", "Polygon"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("map.png");
        let run = q.python(&[
            "loaded",
            common::root().join(plan).to_str().unwrap(),
            dir.path().to_str().unwrap(),
            png.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", text(&run));
        let stdout = String::from_utf8_lossy(&run.stdout);
        let line = stdout.lines().find(|l| l.starts_with('{')).unwrap();
        let loaded: Value = serde_json::from_str(line).unwrap();
        let layers = loaded["layers"].as_array().unwrap();
        let findings: Vec<&Value> = layers
            .iter()
            .filter(|l| {
                l["source"]
                    .as_str()
                    .unwrap()
                    .contains("findings.gpkg|geometrytype=")
            })
            .collect();
        let mut kinds: Vec<&str> = findings
            .iter()
            .map(|l| l["source"].as_str().unwrap().rsplit('=').next().unwrap())
            .collect();
        kinds.sort_unstable();
        assert_eq!(kinds, parts, "{plan}: {layers:?}");
        for l in &findings {
            assert_eq!(l["renderer"], "RuleRenderer", "{plan}");
            assert_eq!(l["order_by"], true);
            let rules: Vec<&str> = l["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            assert!(
                rules.contains(&"不符合（错误）fail, error") && rules.contains(&"符合 pass"),
                "{rules:?}"
            );
        }
        // Every finding is in one of the parts.
        let shown: u64 = findings
            .iter()
            .map(|l| l["features"].as_u64().unwrap())
            .sum();
        assert_eq!(shown as usize, binary_findings(&[plan]).len(), "{plan}");
        if plan == "data/sample" {
            let areas = layers
                .iter()
                .find(|l| l["source"].as_str().unwrap().contains("service_areas"))
                .unwrap();
            assert!(areas["features"].as_u64().unwrap() > 100);
            // The map shows failing (red) and passing (green) compounds.
            let (red, green) = colours(&png);
            assert!(
                red > 20_000 && green > 5_000,
                "red {red}, green {green} pixels"
            );
        }
    }
}

/// Pixels of the style's fail-error red and pass green in a rendered map.
fn colours(png: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let near = |p: &[u8], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 40);
    buf[..info.buffer_size()]
        .chunks(channels)
        .fold((0, 0), |(r, g), p| {
            (
                r + near(p, [0xd7, 0x19, 0x1c]) as usize,
                g + near(p, [0x1a, 0x96, 0x41]) as usize,
            )
        })
}

#[test]
fn help_speaks_qgis_language_and_says_what_each_rule_checks() {
    // The algorithms' help follows QGIS's locale (here from LANG): the algorithm, where
    // the command comes from, and each rule's title and what it checks.
    let q = Qgis::new();
    for (lang, expected) in [
        (
            "zh_CN.UTF-8",
            &[
                "规则",
                "每百户养老服务设施建筑面积",
                "每个小区：属于该小区的社区级养老服务设施",
                "pip install planlint",
            ][..],
        ),
        (
            "C.UTF-8",
            &[
                "Rules",
                "Floor area per 100 households",
                "For each compound: Σ",
                "pip install planlint",
            ][..],
        ),
    ] {
        for alg in [
            "planlint:checkplan",
            "planlint:checksubmission",
            "planlint:checkmany",
        ] {
            let out = q.run_with(&["help", alg], &[("LANG", lang), ("LC_ALL", lang)]);
            let help = text(&out);
            assert!(out.status.success(), "{help}");
            for e in expected {
                assert!(help.contains(e), "{alg} in {lang}: no {e:?} in {help}");
            }
            // The profiles offered are the command's own (`planlint profiles`).
            let (_, listed, _) = common::run(&["profiles"]);
            let ids: Vec<&str> = listed
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .collect();
            assert!(ids.len() >= 5, "{listed}");
            for (i, id) in ids.iter().enumerate() {
                assert!(
                    help.contains(&format!("- {i}: {id}")),
                    "{alg}: no profile {id}"
                );
            }
        }
    }
}

#[test]
fn features_planlint_rejects_are_named_in_the_log() {
    // fixtures/bad-features: each rejected feature in QGIS's log, with its file (or the
    // layer parameter it came through), number, id and the field; the findings are the
    // command's. The GeoJSON's households mix numbers and text: QGIS opens the property
    // as JSON, and the layer is handed over with it as text.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = common::root().join("fixtures/bad-features");
    let out = dir.path().join("findings.gpkg");
    let run = q.algorithm(
        "checkplan",
        &[
            &format!("PLAN={}", bad.display()),
            "LANG=en",
            &format!("OUTPUT={}", out.display()),
        ],
    );
    let log = text(&run);
    assert!(run.status.success(), "{log}");
    assert!(
        log.contains(r#"bad-features/compounds.geojson #2 (TEXT): field households: "about 100" is not a number"#),
        "{log}"
    );
    assert!(
        log.contains("bad-features/facilities.geojson #1 (NOKIND): field kind: missing"),
        "{log}"
    );
    assert_eq!(
        layer_findings(&out),
        binary_findings(&["fixtures/bad-features"])
    );
    let run = q.algorithm(
        "checkplan",
        &[
            &format!("PLAN={}", bad.display()),
            &format!("COMPOUNDS={}", bad.join("compounds.geojson").display()),
            "LANG=en",
            &format!("OUTPUT={}", out.display()),
        ],
    );
    let log = text(&run);
    assert!(run.status.success(), "{log}");
    assert!(
        log.contains(
            "COMPOUNDS #1 (BOWTIE): invalid geometry: exterior ring has a self-intersection"
        ),
        "{log}"
    );
    assert!(log.contains("COMPOUNDS #5 (ODD): field status"), "{log}");
}

#[test]
fn the_readmes_qgis_examples_run_as_written() {
    // The README's `sh qgis` block, as tests/readme.rs runs the others: in a copy of data/
    // and fixtures/, with this test's QGIS profile, the plugin found through
    // QGIS_PLUGINPATH, and `qgis_process` standing for Debian's headless program, as the
    // README says beside the block. The block enables the plugin in the new profile.
    let q = Qgis::without_the_plugin_enabled();
    let sandbox = common::readme::Sandbox::new(env!("CARGO_BIN_EXE_planlint").as_ref());
    let shim = sandbox.path().join(".bin/qgis_process");
    std::fs::write(&shim, "#!/bin/sh\nexec /usr/bin/qgis_process.bin \"$@\"\n").unwrap();
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let plugins = common::root().join("src/qgis");
    let env = [
        ("QT_QPA_PLATFORM", "offscreen"),
        ("QGIS_PLUGINPATH", plugins.to_str().unwrap()),
        ("QGIS_CUSTOM_CONFIG_PATH", q.config.path().to_str().unwrap()),
        ("PLANLINT_BINARY", env!("CARGO_BIN_EXE_planlint")),
    ];
    let blocks = common::readme::tagged("sh qgis");
    assert_eq!(blocks.len(), 1);
    let commands = sandbox.run_block(&blocks[0], &env);
    assert!(commands >= 5, "{commands}");
    // Xuchang's profile on the sample's own layers: the facilities give no family_beds,
    // which leaves one rule without data and checks every other, as the command does.
    assert_eq!(
        layer_findings(&sandbox.path().join("xuchang.gpkg")),
        binary_findings(&[
            "data/sample",
            "--profile",
            "xuchang-2022",
            "--as-of",
            "2024-06-30"
        ])
    );
    // `REPORTS=reports/`, relative: the summary gives each report's whole path.
    let out = Command::new("ogr2ogr")
        .args(["-f", "CSV", "/vsistdout/"])
        .arg(sandbox.path().join("summary.gpkg"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut rows = ::csv::Reader::from_reader(&out.stdout[..]);
    let report = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "report")
        .unwrap();
    let paths: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[report].to_string())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(paths.len() >= 10, "{paths:?}");
    for p in &paths {
        assert!(Path::new(p).is_absolute() && Path::new(p).is_file(), "{p}");
    }
}

#[test]
fn fixplan_gives_the_binarys_remedies_and_fixed_findings_and_styles_the_remedies() {
    // data/submission fixed inside data/sample: the REMEDIES layer holds the remedies of
    // `planlint fix data/submission --context data/sample` (SUB-S1 enlarged by 40 m², a new
    // 240 m² station in SUB-2), OUTPUT the findings of the fixed submission checked in its
    // city; loaded into a project, the remedies are styled by action.
    let q = Qgis::new();
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let (fixed, findings, remedies) = (
        dir.path().join("fixed"),
        dir.path().join("findings.gpkg"),
        dir.path().join("remedies.gpkg"),
    );
    let run = q.algorithm(
        "fixplan",
        &[
            &format!("PLAN={}", root.join("data/submission").display()),
            &format!("CITY={}", root.join("data/sample").display()),
            "LANG=en",
            &format!("FIXED={}", fixed.display()),
            &format!("OUTPUT={}", findings.display()),
            &format!("REMEDIES={}", remedies.display()),
        ],
    );
    assert!(run.status.success(), "{}", text(&run));
    let layer = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", "/vsistdout/"])
        .arg(&remedies)
        .output()
        .expect("ogr2ogr (GDAL comes with QGIS)");
    let fc: Value = serde_json::from_slice(&layer.stdout).unwrap();
    let got: Vec<(String, String, f64)> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["action"].as_str().unwrap().to_string(),
                p["facility_id"].as_str().unwrap().to_string(),
                p["floor_area"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("enlarge".to_string(), "SUB-S1".to_string(), 40.0),
            ("add".to_string(), "R2-NEW".to_string(), 240.0)
        ]
    );
    assert_eq!(
        layer_findings(&findings),
        binary_findings(&[fixed.to_str().unwrap(), "--context", "data/sample"])
    );

    let dir = tempfile::tempdir().unwrap();
    let run = q.python(&[
        "fixed",
        root.join("data/submission").to_str().unwrap(),
        root.join("data/sample").to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let line = stdout.lines().find(|l| l.starts_with('{')).unwrap();
    let loaded: Value = serde_json::from_str(line).unwrap();
    let styled = loaded["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source"].as_str().unwrap().contains("remedies.gpkg"))
        .unwrap_or_else(|| panic!("no remedies layer: {loaded}"));
    assert_eq!(styled["features"], 2);
    assert_eq!(styled["renderer"], "RuleRenderer");
    let rules: Vec<&str> = styled["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(rules, ["提前建成 advance", "扩建 enlarge", "新建 add"]);
}

//! The QGIS plugin (`src/qgis/planlint`), run headless by QGIS's own `qgis_process`
//! (`QT_QPA_PLATFORM=offscreen`, the plugin found through `QGIS_PLUGINPATH` and enabled in
//! a profile of the test's own): its findings layer holds the findings the binary's
//! GeoJSON report holds — same rules, subjects, statuses and measured values.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const QGIS_PROCESS: &str = "/usr/bin/qgis_process.bin";

/// A QGIS profile folder with the plugin enabled.
struct Qgis {
    config: tempfile::TempDir,
}

impl Qgis {
    fn new() -> Qgis {
        let q = Qgis {
            config: tempfile::tempdir().unwrap(),
        };
        let out = q.run(&["plugins", "enable", "planlint"]);
        assert!(out.status.success(), "enable: {}", text(&out));
        q
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(QGIS_PROCESS)
            .args(args)
            .current_dir(common::root())
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("QGIS_PLUGINPATH", common::root().join("src/qgis"))
            .env("QGIS_CUSTOM_CONFIG_PATH", self.config.path())
            .env("PLANLINT_BINARY", env!("CARGO_BIN_EXE_planlint"))
            .output()
            .expect("run qgis_process (bash .ci/setup --tests installs QGIS)")
    }

    /// `planlint:checkplan` with these parameters; the findings layer's path.
    fn check(&self, out: &Path, params: &[String]) -> PathBuf {
        let output = out.join("findings.gpkg");
        let mut args = vec!["run".to_string(), "planlint:checkplan".into(), "--".into()];
        args.extend(params.iter().cloned());
        args.push(format!("OUTPUT={}", output.display()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.run(&args);
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
    let run = q.run(&[
        "run",
        "planlint:checksubmission",
        "--",
        &format!("PLAN={}", root.join("data/submission").display()),
        &format!("CITY={}", root.join("data/sample").display()),
        "LANG=en",
        &format!("OUTPUT={}", output.display()),
    ]);
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
    let run = q.run(&[
        "run",
        "planlint:checkplan",
        "--",
        &format!("OUTPUT={}", out.display()),
    ]);
    assert!(!run.status.success());
    assert!(
        text(&run).contains("give a plan (PLAN) or its layers"),
        "{}",
        text(&run)
    );
    // A plan planlint refuses (exit 2): its message, naming the file, in QGIS's log.
    let broken = common::root().join("fixtures/batch/broken");
    let run = q.run(&[
        "run",
        "planlint:checkplan",
        "--",
        &format!("PLAN={}", broken.display()),
        &format!("OUTPUT={}", out.display()),
    ]);
    assert!(!run.status.success());
    assert!(
        text(&run).contains("compounds.geojson: not JSON"),
        "{}",
        text(&run)
    );
}

//! Helpers for the integration tests: run the binary, read its JSON report.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

pub mod browser;
pub mod readme;
pub mod server;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `planlint ARGS` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planlint"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run planlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a command that must succeed (naming `what` if it does not); its standard output.
pub fn must(what: &str, cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A command stopped by `timeout` after `seconds` (exit 124: a hung pip or build fails the
/// test, not the whole run).
pub fn limited(seconds: u32, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new("timeout");
    c.arg(seconds.to_string()).arg(program);
    c
}

/// A fresh virtual environment in `dir` with `packages` from the registry at the versions
/// `constraints` pins; its Python.
pub fn venv(dir: &std::path::Path, constraints: &std::path::Path, packages: &[&str]) -> PathBuf {
    let venv = dir.join("venv");
    must(
        "python3 -m venv",
        limited(300, "python3").args(["-m", "venv"]).arg(&venv),
    );
    let python = venv.join("bin/python");
    must(
        "pip install",
        limited(900, &python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-c",
            ])
            .arg(constraints)
            .args(packages),
    );
    python
}

/// Checks a plan folder and parses the JSON report.
pub fn report(plan: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", plan, "--format", "json"];
    if !extra.contains(&"--lang") {
        args.extend_from_slice(&["--lang", "en"]);
    }
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {err}"));
    schema_holds(&v);
    (code, v)
}

/// Every report a test makes follows the report's JSON Schema (`data/report.schema.json`,
/// shipped for other programs); a breach fails the test, naming each place.
pub fn schema_holds(report: &Value) {
    let errors = schema_errors(report);
    assert!(
        errors.is_empty(),
        "the report breaks data/report.schema.json:\n{}",
        errors.join("\n")
    );
}

/// A report made by the library, written as the JSON emitter writes it, follows the schema.
pub fn library_report_holds(report: &planlint::report::Report) {
    let mut out = Vec::new();
    planlint::emit::Format::Json
        .emitter(planlint::text::Lang::En)
        .emit(&mut out, report)
        .unwrap();
    schema_holds(&serde_json::from_slice(&out).unwrap());
}

/// Where a report breaks the schema.
pub fn schema_errors(report: &Value) -> Vec<String> {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("data/report.schema.json")).unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("a valid schema")
    });
    let mut errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    // The schema leaves `details` open to later fields, but documents every field planlint
    // writes now.
    static DOCUMENTED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let documented = DOCUMENTED.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("data/report.schema.json")).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        schema["$defs"]["details"]["properties"].clone()
    });
    for (i, f) in report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for key in f["details"].as_object().into_iter().flat_map(|d| d.keys()) {
            if documented.get(key).is_none() {
                errors.push(format!(
                    "details.{key} of finding {i} is not documented in $defs/details"
                ));
            }
        }
    }
    errors
}

/// The finding of `rule` about `subject`.
pub fn finding<'a>(r: &'a Value, rule: &str, subject: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["subject"]["id"] == subject)
        .unwrap_or_else(|| panic!("no finding {rule} / {subject}"))
}

/// (status, measured, required) of a finding.
pub fn verdict(r: &Value, rule: &str, subject: &str) -> (String, Value, Value) {
    let f = finding(r, rule, subject);
    (
        f["status"].as_str().unwrap().to_string(),
        f["measured"].clone(),
        f["required"].clone(),
    )
}

/// Runs the report-contract checker on a report. `tests/tools/check-report.py` is a copy of
/// shared/tools/check-report.py (the contract's own checker), so the check runs on a clone
/// without shared/ too; when shared/ is beside the repo, its version is used.
pub fn contract_holds(report: &Value) -> bool {
    let shared = root().join("../shared/tools/check-report.py");
    let tool = if shared.is_file() {
        shared
    } else {
        root().join("tests/tools/check-report.py")
    };
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), serde_json::to_vec(report).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(&tool)
        .arg(tmp.path())
        .output()
        .expect("python3 runs the contract checker");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    }
    out.status.success()
}

/// A temporary copy of a fixture folder, without the files named in `except`.
pub fn copy_fixture(name: &str, except: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("fixtures").join(name)).unwrap() {
        let p = e.unwrap().path();
        let file = p.file_name().unwrap();
        if !except.iter().any(|x| file == *x) {
            std::fs::copy(&p, dir.path().join(file)).unwrap();
        }
    }
    dir
}

/// Rewrites the features of a GeoJSON layer in a (copied) plan folder.
pub fn edit_layer(dir: &std::path::Path, file: &str, edit: impl FnOnce(&mut Vec<Value>)) {
    let path = dir.join(file);
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(fc["features"].as_array_mut().unwrap());
    std::fs::write(&path, fc.to_string()).unwrap();
}

/// (rule, subject, status, measured, required) of every finding: what two reports of the
/// same plan read from different sources must share.
pub fn figures(r: &Value) -> Vec<(String, String, String, Value, Value)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"]["id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["measured"].clone(),
                f["required"].clone(),
            )
        })
        .collect()
}

/// [`figures`] of two reports agree: the same findings in the same order, and measured
/// values within `tolerance` (a format that moves coordinates by millimetres: lon/lat
/// text, a datum named differently, a geodatabase's coordinate grid). Panics naming each
/// difference.
pub fn figures_agree(a: &Value, b: &Value, tolerance: f64) {
    let (a, b) = (figures(a), figures(b));
    assert_eq!(a.len(), b.len(), "{a:?}\n{b:?}");
    let differ: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| {
            let close = match (x.3.as_f64(), y.3.as_f64()) {
                (Some(p), Some(q)) => (p - q).abs() <= tolerance,
                _ => x.3 == y.3,
            };
            x.0 != y.0 || x.1 != y.1 || x.2 != y.2 || x.4 != y.4 || !close
        })
        .map(|(x, y)| format!("{x:?}\n  vs {y:?}"))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

//! Helpers for the integration tests: run the binary, read its JSON report.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

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

/// Checks a plan folder and parses the JSON report.
pub fn report(plan: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", plan, "--format", "json"];
    if !extra.contains(&"--lang") {
        args.extend_from_slice(&["--lang", "en"]);
    }
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {err}"));
    (code, v)
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

/// Runs shared/tools/check-report.py on a report when the shared folder is beside the repo
/// (it is in CI and on developers' machines); returns false when it is not there.
pub fn contract_holds(report: &Value) -> Option<bool> {
    let tool = root().join("../shared/tools/check-report.py");
    if !Path::new(&tool).is_file() {
        eprintln!("shared/tools/check-report.py not found beside the repo: contract check not run");
        return None;
    }
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), serde_json::to_vec(report).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(&tool)
        .arg(tmp.path())
        .output()
        .expect("python3");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    }
    Some(out.status.success())
}

//! Baselines: a report compared with an earlier one, finding by finding, matched on rule
//! id and subject id (`--baseline OLD.json`, `planlint diff OLD.json NEW.json`).
//!
//! Each finding now is `new` (no such finding before), `unchanged` (same status and
//! severity, values within the tolerance), `changed` (another status or severity, or a
//! value beyond the tolerance) or `fixed` (failing before, passing or not applicable
//! now). A failing finding of the baseline whose rule and subject are gone is `fixed`
//! too, and listed apart. A failure is *worse* when it is new, or failed less (or not at
//! all) before: passing before, a lower severity, or further from its requirement now —
//! what `--fail-on new` fails on.
//!
//! Values differ when they are further apart than `tolerance × max(1, |a|, |b|)`: an
//! absolute tolerance for small figures (ratios, m² per person), a relative one for large
//! (metres, m²). Dates differ when they are not the same day.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::model::{BaselineMark, BaselineState, Measure, Status};
use crate::report::{Comparison, Entry, Report};

/// The default tolerance of value comparisons.
pub const TOLERANCE: f64 = 1e-3;

/// Why a baseline could not be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0}: not a planlint JSON report: {1}")]
    Shape(String, String),
}

/// The findings of a JSON report (`--format json`), as entries.
pub fn read(path: &Path) -> Result<Vec<Entry>, BaselineError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read(name.clone(), e))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| BaselineError::Shape(name.clone(), e.to_string()))?;
    entries_of_json(&v).map_err(|e| BaselineError::Shape(name, e))
}

/// The findings of a JSON report value, as entries; the error names the finding and key.
pub fn entries_of_json(v: &Value) -> Result<Vec<Entry>, String> {
    let findings = v["findings"]
        .as_array()
        .ok_or("it has no 'findings' array")?;
    findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let s = |v: &Value, key: &str| -> Result<String, String> {
                v[key]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("findings[{i}] has no string '{key}'"))
            };
            let subject = &f["subject"];
            let severity = s(f, "severity")?;
            let status = s(f, "status")?;
            Ok(Entry {
                rule: s(f, "rule")?,
                layer: s(subject, "layer")?,
                id: s(subject, "id")?,
                name: subject["name"].as_str().unwrap_or("").to_string(),
                severity: severity
                    .parse()
                    .map_err(|e| format!("findings[{i}]: {e}"))?,
                status: Status::parse(&status)
                    .ok_or_else(|| format!("findings[{i}]: unknown status '{status}'"))?,
                measured: Measure::from_json(&f["measured"]),
                required: Measure::from_json(&f["required"]),
                message: f["message"].as_str().unwrap_or("").to_string(),
                deficit: f["gap"]["deficit"].as_f64(),
            })
        })
        .collect()
}

/// Compares the findings now with the baseline's.
pub fn compare(before: &[Entry], now: &[Entry], tolerance: f64) -> Comparison {
    let old: HashMap<(&str, &str), &Entry> = before
        .iter()
        .map(|e| ((e.rule.as_str(), e.id.as_str()), e))
        .collect();
    let mut c = Comparison::default();
    let mut seen = std::collections::HashSet::new();
    for e in now {
        let key = (e.rule.as_str(), e.id.as_str());
        seen.insert(key);
        let mark = mark(old.get(&key).copied(), e, tolerance);
        match mark.state {
            BaselineState::New => c.new += 1,
            BaselineState::Unchanged => c.unchanged += 1,
            BaselineState::Changed => c.changed += 1,
            BaselineState::Fixed => c.fixed += 1,
        }
        c.worse += usize::from(mark.worse);
        c.marks.push(mark);
    }
    for e in before {
        if !seen.contains(&(e.rule.as_str(), e.id.as_str())) {
            if e.failing() {
                c.fixed += 1;
                c.gone.push(e.clone());
            } else {
                c.removed += 1;
            }
        }
    }
    c
}

fn mark(before: Option<&Entry>, now: &Entry, tolerance: f64) -> BaselineMark {
    let Some(b) = before else {
        return BaselineMark {
            state: BaselineState::New,
            worse: now.failing(),
            status: None,
            measured: None,
        };
    };
    let same = b.status == now.status
        && b.severity == now.severity
        && same_measure(&b.measured, &now.measured, tolerance)
        && same_measure(&b.required, &now.required, tolerance);
    let state = if same {
        BaselineState::Unchanged
    } else if b.failing()
        && !now.failing()
        && matches!(now.status, Status::Pass | Status::NotApplicable)
    {
        BaselineState::Fixed
    } else {
        BaselineState::Changed
    };
    let worse = state == BaselineState::Changed
        && now.failing()
        && (!b.failing()
            || now.severity > b.severity
            || matches!(gaps(b, now), (Some(g0), Some(g1)) if differ(g1, g0, tolerance) && g1 > g0));
    BaselineMark {
        state,
        worse,
        status: Some(b.status),
        measured: Some(b.measured.clone()),
    }
}

fn differ(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() > tolerance * 1f64.max(a.abs()).max(b.abs())
}

fn same_measure(a: &Measure, b: &Measure, tolerance: f64) -> bool {
    match (a, b) {
        (Measure::Number(x), Measure::Number(y)) => !differ(*x, *y, tolerance),
        _ => a == b,
    }
}

/// How far the two findings are from their requirements: the deficits the reports give
/// ([`crate::model::Gap`]), or for a report written before planlint gave them, the
/// distance between measured and required values on both sides alike.
fn gaps(before: &Entry, now: &Entry) -> (Option<f64>, Option<f64>) {
    match (before.deficit, now.deficit) {
        (Some(b), Some(n)) => (Some(b), Some(n)),
        _ => (distance(before), distance(now)),
    }
}

/// How far a measured value is from the required one: in its unit, or in days for dates.
fn distance(e: &Entry) -> Option<f64> {
    match (&e.measured, &e.required) {
        (Measure::Number(m), Measure::Number(r)) => Some((m - r).abs()),
        (Measure::Date(m), Measure::Date(r)) => Some((*m - *r).num_days().unsigned_abs() as f64),
        _ => None,
    }
}

/// Marks a report's findings against a baseline, and keeps the comparison in the report.
pub fn apply(report: &mut Report, before: &[Entry], tolerance: f64, path: &str) {
    let now: Vec<Entry> = report
        .findings
        .iter()
        .map(|f| Entry::of(f, crate::text::Lang::En))
        .collect();
    let mut c = compare(before, &now, tolerance);
    for (f, m) in report.findings.iter_mut().zip(c.marks.drain(..)) {
        f.baseline = Some(Box::new(m));
    }
    report.baseline = Some(crate::report::BaselineSummary {
        path: path.to_string(),
        tolerance,
        comparison: c,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn e(id: &str, status: Status, severity: Severity, measured: f64, required: f64) -> Entry {
        Entry {
            rule: "floor-area-per-households".into(),
            layer: "compounds".into(),
            id: id.into(),
            name: String::new(),
            severity,
            status,
            measured: Measure::Number(measured),
            required: Measure::Number(required),
            message: String::new(),
            deficit: None,
        }
    }

    #[test]
    fn states_and_worse() {
        use Severity::*;
        use Status::*;
        let before = vec![
            e("same", Fail, Error, 24.0, 30.0),
            e("noise", Pass, Error, 20.0, 20.0),
            e("deeper", Fail, Error, 24.0, 30.0),
            e("better", Fail, Error, 24.0, 30.0),
            e("broke", Pass, Error, 31.0, 30.0),
            e("gone-fail", Fail, Error, 1.0, 30.0),
            e("gone-pass", Pass, Error, 31.0, 30.0),
            e("now-warning", Fail, Warning, 24.0, 30.0),
        ];
        let now = vec![
            e("same", Fail, Error, 24.0, 30.0),
            // 20.01 vs 20: 0.01 ≤ 0.001 × 20.01 = 0.020, within the tolerance.
            e("noise", Pass, Error, 20.01, 20.0),
            e("deeper", Fail, Error, 20.0, 30.0),
            e("better", Pass, Error, 30.0, 30.0),
            e("broke", Fail, Error, 29.0, 30.0),
            e("added", Fail, Error, 0.0, 30.0),
            e("now-warning", Fail, Error, 24.0, 30.0),
        ];
        let c = compare(&before, &now, TOLERANCE);
        let states: Vec<(&str, bool)> = c
            .marks
            .iter()
            .map(|m| (m.state.as_str(), m.worse))
            .collect();
        assert_eq!(
            states,
            vec![
                ("unchanged", false),
                ("unchanged", false),
                ("changed", true), // gap 6 → 10
                ("fixed", false),
                ("changed", true), // passed before
                ("new", true),
                ("changed", true), // warning → error
            ]
        );
        assert_eq!(
            (c.new, c.unchanged, c.changed, c.fixed, c.worse),
            (1, 2, 3, 2, 4)
        );
        assert_eq!(c.gone.len(), 1);
        assert_eq!(c.gone[0].id, "gone-fail");
        assert_eq!(c.removed, 1);
    }

    #[test]
    fn a_smaller_gap_is_changed_not_worse() {
        let before = [e("x", Status::Fail, Severity::Error, 20.0, 30.0)];
        let now = [e("x", Status::Fail, Severity::Error, 25.0, 30.0)];
        let m = &compare(&before, &now, TOLERANCE).marks[0];
        assert_eq!((m.state, m.worse), (BaselineState::Changed, false));
    }
}

//! Waivers: known exceptions, written in plan.toml with a reason.
//!
//! ```toml
//! [[waivers]]
//! rule = "service-circle"
//! subject = "C-01*"          # an id, or a glob: * any run of characters, ? one
//! reason = "站点已批复，2025年建成"  # required
//! expires = 2025-12-31        # optional: the last day it holds
//! by = "规划科 张三"           # optional
//! ```
//!
//! A failing finding a waiver covers stays in every report, marked with the waiver
//! (`waived`), and does not fail the run: its severity becomes `info` (the one it had is
//! kept in `waived.severity`). A waiver past its `expires` date waives nothing and is a
//! failing finding of its own (`expired-waiver`, an error); one that covers no failing
//! finding is reported as ruff reports an unused `noqa` (`unused-waiver`, a warning).
//! Their subject is the waiver: layer `plan`, id `waivers[N]` (N from 1, in the file's
//! order).

use chrono::NaiveDate;

use crate::model::Layer;
use crate::model::{Finding, Measure, Status, Subject, Waived};
use crate::profile::Severity;
use crate::read::settings::WaiverSettings;
use crate::report::{Report, Summary};
use crate::rules::{ConfiguredBy, ExpiredWaiver, Rule, UnusedWaiver, RULES};
use crate::text::t;
use crate::text::Text;

/// Where waivers are written, as the findings about them cite it.
const CLAUSE: &str = "plan.toml [[waivers]]";

/// A waiver of plan.toml, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    /// Its number in the file, from 1.
    pub number: usize,
    pub rule: String,
    pub subject: String,
    pub reason: String,
    pub expires: Option<NaiveDate>,
    pub by: Option<String>,
}

impl Waiver {
    pub fn covers(&self, f: &Finding) -> bool {
        f.rule == self.rule && glob(&self.subject, &f.subject.id)
    }

    fn expired(&self, as_of: NaiveDate) -> bool {
        self.expires.is_some_and(|d| d < as_of)
    }

    fn subject(&self) -> Subject {
        Subject {
            layer: Layer::Plan,
            id: format!("waivers[{}]", self.number),
            name: format!("{} {}", self.rule, self.subject),
            index: None,
        }
    }
}

/// The waivers of plan.toml, checked: each needs a known rule, a subject and a reason;
/// `expires` is a date. The error names the waiver and the field.
pub fn parse(settings: &[WaiverSettings]) -> Result<Vec<Waiver>, String> {
    settings
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let number = i + 1;
            let at = |field: &str, what: String| format!("[[waivers]] #{number}, {field}: {what}");
            let rule = w.rule.trim();
            fn waivable(r: &&&dyn Rule) -> bool {
                r.configured_by() == ConfiguredBy::Profile
            }
            if crate::rules::find(rule).filter(|r| waivable(&r)).is_none() {
                let known: Vec<&str> = RULES.iter().filter(waivable).map(|r| r.id()).collect();
                return Err(at(
                    "rule",
                    format!("unknown rule '{rule}' (rules: {})", known.join(", ")),
                ));
            }
            if w.subject.trim().is_empty() {
                return Err(at("subject", "an id or a glob is required".into()));
            }
            let reason = w.reason.as_deref().map(str::trim).unwrap_or("");
            if reason.is_empty() {
                return Err(at("reason", "a waiver must say why".into()));
            }
            let expires = match &w.expires {
                None => None,
                Some(v) => {
                    let text = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some(crate::place::fields::parse_date(&text).ok_or_else(|| {
                        at("expires", format!("'{text}' is not a date (YYYY-MM-DD)"))
                    })?)
                }
            };
            Ok(Waiver {
                number,
                rule: rule.to_string(),
                subject: w.subject.trim().to_string(),
                reason: reason.to_string(),
                expires,
                by: w.by.clone().filter(|b| !b.trim().is_empty()),
            })
        })
        .collect()
}

/// Marks the failing findings the waivers cover, and adds a finding for each waiver that
/// has expired or covers nothing.
pub fn apply(report: &mut Report, waivers: &[Waiver]) {
    if waivers.is_empty() {
        return;
    }
    let as_of = report.as_of;
    let mut covered = vec![0usize; waivers.len()];
    let index = Index::new(waivers);
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.status == Status::Fail)
    {
        for i in index.candidates(f) {
            let w = &waivers[i];
            if !w.covers(f) {
                continue;
            }
            covered[i] += 1;
            if f.waived.is_none() && !w.expired(as_of) {
                f.waived = Some(Box::new(Waived {
                    waiver: w.number,
                    reason: w.reason.clone(),
                    by: w.by.clone(),
                    expires: w.expires.map(|d| d.to_string()),
                    severity: f.severity,
                }));
                f.severity = Severity::Info;
            }
        }
    }
    for (w, &n) in waivers.iter().zip(&covered) {
        if w.expired(as_of) {
            report.findings.push(about(
                w,
                ExpiredWaiver.id(),
                Severity::Error,
                Measure::date(w.expires),
                t!(
                    "豁免已于 {} 到期（{} 对 {}：{}），不再豁免任何问题（它涉及的不符合项：{} 个）",
                    "the waiver expired on {} ({} for {}: {}) and waives nothing now (failing findings it covers: {})",
                    w.expires.map(|d| d.to_string()).unwrap_or_default(),
                    w.rule,
                    w.subject,
                    w.reason,
                    n
                ),
            ));
        } else if n == 0 {
            report.findings.push(about(
                w,
                UnusedWaiver.id(),
                Severity::Warning,
                Measure::Null,
                t!(
                    "豁免（{} 对 {}：{}）未对应任何不符合项，可以删除",
                    "the waiver ({} for {}: {}) covers no failing finding and can go",
                    w.rule,
                    w.subject,
                    w.reason
                ),
            ));
        }
    }
    report.findings.sort_by(Finding::order);
    report.summary = Summary::of(&report.findings);
}

/// The waivers by rule and subject: a plan may carry 100,000 of them (one per compound
/// of a phase), and each failing finding must not try them all.
struct Index<'w> {
    /// Waivers naming one subject exactly, by (rule, subject).
    exact: std::collections::HashMap<(&'w str, &'w str), Vec<usize>>,
    /// Waivers with a glob (`*`, `?`), by rule.
    globs: std::collections::HashMap<&'w str, Vec<usize>>,
}

impl<'w> Index<'w> {
    fn new(waivers: &'w [Waiver]) -> Index<'w> {
        let mut index = Index {
            exact: Default::default(),
            globs: Default::default(),
        };
        for (i, w) in waivers.iter().enumerate() {
            if w.subject.contains(['*', '?']) {
                index.globs.entry(&w.rule).or_default().push(i);
            } else {
                index
                    .exact
                    .entry((&w.rule, &w.subject))
                    .or_default()
                    .push(i);
            }
        }
        index
    }

    /// The waivers that may cover `f`, in the file's order (the first in force waives).
    fn candidates(&self, f: &Finding) -> Vec<usize> {
        let exact = self.exact.get(&(f.rule, f.subject.id.as_str()));
        let globs = self.globs.get(f.rule);
        let mut out: Vec<usize> = exact.into_iter().chain(globs).flatten().copied().collect();
        out.sort_unstable();
        out
    }
}

fn about(
    w: &Waiver,
    rule: &'static str,
    severity: Severity,
    measured: Measure,
    message: Text,
) -> Finding {
    Finding {
        rule,
        severity,
        status: Status::Fail,
        subject: w.subject(),
        measured,
        required: Measure::Null,
        need: crate::model::Need::None,
        unit: if rule == ExpiredWaiver.id() {
            "date"
        } else {
            ""
        },
        message: message.into(),
        clause: CLAUSE.into(),
        details: Default::default(),
        waived: None,
        baseline: None,
    }
}

/// Whether `text` matches `pattern`: `*` any run of characters (none included), `?`
/// exactly one; everything else itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and the text position it is matched up to.
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            // Let the last `*` take one more character.
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("C-01*", "C-017"));
        assert!(glob("C-01*", "C-01"));
        assert!(!glob("C-01*", "C-02"));
        assert!(glob("C-0?7", "C-017"));
        assert!(!glob("C-0?7", "C-0117"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "a-x-b-y-b-c"));
        assert!(!glob("a*b*c", "a-x-b-y-b-d"));
        assert!(glob("小区*", "小区12"));
        assert!(glob("U0/community", "U0/community"));
        assert!(!glob("U0", "U0/community"));
    }

    #[test]
    fn parse_names_the_waiver_and_field() {
        let w = |rule: &str, subject: &str, reason: Option<&str>, expires: Option<&str>| {
            WaiverSettings {
                rule: rule.into(),
                subject: subject.into(),
                reason: reason.map(Into::into),
                expires: expires.map(|e| toml::Value::String(e.into())),
                by: None,
            }
        };
        let ok = parse(&[w("service-circle", "C*", Some("批复"), Some("2025-12-31"))]).unwrap();
        assert_eq!(ok[0].expires, NaiveDate::from_ymd_opt(2025, 12, 31));
        let e = parse(&[
            w("service-circle", "C", Some("x"), None),
            w("nope", "C", Some("x"), None),
        ])
        .unwrap_err();
        assert!(
            e.starts_with("[[waivers]] #2, rule: unknown rule 'nope'"),
            "{e}"
        );
        let e = parse(&[w("service-circle", "C", Some("  "), None)]).unwrap_err();
        assert_eq!(e, "[[waivers]] #1, reason: a waiver must say why");
        let e = parse(&[w("service-circle", "C", Some("x"), Some("31/12/2025"))]).unwrap_err();
        assert!(e.contains("expires: '31/12/2025' is not a date"), "{e}");
    }
}

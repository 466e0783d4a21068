//! A finding: one rule's verdict on one subject (report.md).

use serde::{Deserialize, Serialize};

use super::plan::Layer;
use crate::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Pending,
    NotApplicable,
    InsufficientData,
    /// The rule could not run at all (listed once, with why).
    Skipped,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Pending,
        Status::NotApplicable,
        Status::InsufficientData,
        Status::Skipped,
    ];

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Pending => "pending",
            Status::NotApplicable => "not_applicable",
            Status::InsufficientData => "insufficient_data",
            Status::Skipped => "skipped",
        }
    }

    /// The status as a person reads it, in the report's language.
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Status::Pass => ("符合", "pass"),
            Status::Fail => ("不符合", "fail"),
            Status::Pending => ("待定", "pending"),
            Status::NotApplicable => ("不适用", "not applicable"),
            Status::InsufficientData => ("数据不足", "insufficient data"),
            Status::Skipped => ("未检查", "skipped"),
        };
        Text::new(zh, en)
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub layer: Layer,
    pub id: String,
    pub name: String,
    /// The feature's position in its layer's list, for map output (not serialized).
    #[serde(skip)]
    pub index: Option<usize>,
}

/// A measured or required value: a number, a date (written as ISO 8601), or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Number(f64),
    Date(chrono::NaiveDate),
    Null,
}

impl Serialize for Measure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Measure::Number(x) => s.serialize_f64(*x),
            Measure::Date(d) => s.collect_str(d),
            Measure::Null => s.serialize_unit(),
        }
    }
}

impl Measure {
    /// A number rounded to 6 decimals, so that reports do not carry float noise.
    pub fn num(x: f64) -> Measure {
        if x.is_finite() {
            Measure::Number((x * 1e6).round() / 1e6 + 0.0)
        } else {
            Measure::Null
        }
    }

    pub fn date(d: Option<chrono::NaiveDate>) -> Measure {
        d.map_or(Measure::Null, Measure::Date)
    }

    /// A value as a report writes it in JSON: a number, an ISO date, or anything else
    /// (nothing). What the baseline and `planlint merge` read back.
    pub fn from_json(v: &serde_json::Value) -> Measure {
        match v {
            serde_json::Value::Number(n) => n.as_f64().map_or(Measure::Null, Measure::Number),
            serde_json::Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_or(Measure::Null, Measure::Date),
            _ => Measure::Null,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub status: Status,
    pub subject: Subject,
    pub measured: Measure,
    pub required: Measure,
    /// Which way `required` binds `measured`; [`Need::None`] where nothing is required.
    pub need: Need,
    pub unit: &'static str,
    /// What it says, rendered by the writer that prints it ([`Finding::message`]).
    pub message: super::message::Message,
    /// The full citation: shared by every finding of the same rule and target.
    pub clause: std::sync::Arc<str>,
    /// Figures a reader may want beside the verdict (nearest facility, shortfall…).
    pub details: super::details::Details,
    /// The waiver of plan.toml that covers this failing finding ([`crate::waivers`]).
    pub waived: Option<Box<Waived>>,
    /// How it compares with a baseline report ([`crate::baseline`]).
    pub baseline: Option<Box<BaselineMark>>,
}

impl Finding {
    /// What the finding says, in `lang`: the rule's words and what is added to every
    /// finding alike, a submission's comparison with its city included.
    pub fn message(&self, lang: crate::text::Lang) -> std::borrow::Cow<'_, str> {
        self.message.render(self, lang, self.details.context())
    }

    /// How far a failing finding is from its requirement ([`Gap`]); none for any other.
    pub fn gap(&self) -> Option<Gap> {
        if self.status != Status::Fail || self.need == Need::None {
            return None;
        }
        let deficit = match (self.need, &self.measured, &self.required) {
            (Need::AtLeast, Measure::Number(m), Measure::Number(r)) => Some(r - m),
            (Need::AtMost, Measure::Number(m), Measure::Number(r)) => Some(m - r),
            (Need::Before | Need::OnOrBefore, Measure::Date(m), Measure::Date(r)) => {
                let late = (*m - *r).num_days();
                Some((late + i64::from(self.need == Need::Before)) as f64)
            }
            _ => None,
        };
        Some(Gap {
            need: self.need,
            deficit: deficit.map(|d| (d * 1e6).round() / 1e6 + 0.0),
        })
    }

    /// Failing at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.status == Status::Fail && self.severity >= level
    }

    /// The order of report.md: rule, then subject id (then layer, for ties).
    pub fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        (a.rule, &a.subject.id, a.subject.layer).cmp(&(b.rule, &b.subject.id, b.subject.layer))
    }
}

/// Which way a finding's requirement binds its measured value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Nothing is required of the subject (not applicable, insufficient data, skipped), or
    /// the requirement is not a value.
    #[default]
    None,
    /// measured ≥ required: floor area, beds, shares, counts, coverage.
    AtLeast,
    /// measured ≤ required: a walk, a share that must not grow past its cap.
    AtMost,
    /// The measured date strictly before the required one (a facility built before half
    /// the housing is).
    Before,
    /// The measured date no later than the required one (a facility delivered with the
    /// housing).
    OnOrBefore,
}

impl Need {
    pub fn as_str(self) -> &'static str {
        match self {
            Need::None => "none",
            Need::AtLeast => "at_least",
            Need::AtMost => "at_most",
            Need::Before => "before",
            Need::OnOrBefore => "on_or_before",
        }
    }
}

/// How far a failing finding is from its requirement: what would make it pass.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    pub need: Need,
    /// How much more (`at_least`) or less (`at_most`) the measured value must be, in the
    /// finding's unit, or how many days earlier (`before`, `on_or_before`) its date; none
    /// when the measured value is unknown (no path to any facility, no facility date).
    pub deficit: Option<f64>,
}

/// A failing finding a waiver covers: it stays in the report, marked with the waiver,
/// and no longer fails the run — its severity becomes `info`, the one it had is kept here.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waived {
    /// The waiver's number in plan.toml (`[[waivers]]`, from 1).
    pub waiver: usize,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The severity before the waiver.
    pub severity: Severity,
}

/// A finding against the same rule and subject in a baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    /// No such finding in the baseline.
    New,
    /// Same status, severity and values (within the tolerance).
    Unchanged,
    /// Another status or severity, or a value beyond the tolerance.
    Changed,
    /// It failed in the baseline and passes (or does not apply) now.
    Fixed,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Changed => "changed",
            BaselineState::Fixed => "fixed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineMark {
    pub state: BaselineState,
    /// A failure that is new, or further from its requirement (or more severe) than in
    /// the baseline: what `--fail-on new` fails on.
    pub worse: bool,
    /// The baseline's status and measured value, when it had the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measure>,
}

impl Measure {
    pub fn into_json(self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// How serious a failing finding is. Soft wording ("原则上", "鼓励") maps to `warning`,
/// hard wording ("应", "不得", "不低于") to `error`; `info` is for figures reported
/// for information only (county beds per 1,000 elderly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Severity, String> {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown severity '{s}' (info, warning, error)"))
    }
}

impl Severity {
    pub const NAMES: [&'static str; 3] = ["info", "warning", "error"];

    /// The severity as a person reads it, in the report's language.
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Severity::Info => ("提示", "info"),
            Severity::Warning => ("警告", "warning"),
            Severity::Error => ("错误", "error"),
        };
        Text::new(zh, en)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

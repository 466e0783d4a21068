//! A report compared with an earlier one ([`crate::baseline`] makes it): what each finding
//! is now against then, and the counts.

use serde::Serialize;

use crate::model::{BaselineMark, Finding, Measure, Severity, Status};

/// What a comparison needs of a finding, from a report in memory or its JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub rule: String,
    pub layer: String,
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub status: Status,
    pub measured: Measure,
    pub required: Measure,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// How far a failing finding is from its requirement ([`crate::model::Gap`]'s
    /// deficit), when the report says; a report written before planlint gave it does not.
    #[serde(skip)]
    pub deficit: Option<f64>,
}

impl Entry {
    /// A finding as an entry, its message in `lang`.
    pub fn of(f: &Finding, lang: crate::text::Lang) -> Entry {
        Entry {
            rule: f.rule.to_string(),
            layer: f.subject.layer.as_str().to_string(),
            id: f.subject.id.clone(),
            name: f.subject.name.clone(),
            severity: f.severity,
            status: f.status,
            measured: f.measured.clone(),
            required: f.required.clone(),
            message: f.message(lang).into_owned(),
            deficit: f.gap().and_then(|g| g.deficit),
        }
    }

    /// Failing in a way that counts: status fail at warning or error (info is a waived
    /// finding, or a shortfall a submission leaves as it was).
    pub(crate) fn failing(&self) -> bool {
        self.status == Status::Fail && self.severity >= Severity::Warning
    }
}

/// The comparison of a set of findings with a baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// One mark per finding now, in its order.
    #[serde(skip)]
    pub marks: Vec<BaselineMark>,
    pub new: usize,
    pub unchanged: usize,
    pub changed: usize,
    pub fixed: usize,
    /// New failures and failures worse than before.
    pub worse: usize,
    /// Failing findings of the baseline whose rule and subject are gone (counted in
    /// `fixed`).
    pub gone: Vec<Entry>,
    /// Findings of the baseline that did not fail and are gone.
    pub removed: usize,
}

//! One flat finding row, the same in every format that lays findings out as a table: CSV,
//! the GeoPackage's `findings` layer, GeoJSON's properties and Python's DataFrame. The
//! same columns, named alike, in the same order; each format writes a cell its own way (a
//! CSV cell as text, a GeoPackage's date in a column of its own, Python's details as a
//! dict).

use crate::model::{BaselineState, Details, Finding, Measure, RuleDetails};
use crate::text::Lang;

/// The columns, in order.
pub const COLUMNS: [&str; 17] = [
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

/// A finding as a row.
pub struct Row<'a> {
    pub rule: &'static str,
    pub severity: &'static str,
    pub status: &'static str,
    pub subject_layer: &'static str,
    pub subject_id: &'a str,
    pub subject_name: &'a str,
    /// A number, a date (ISO), or nothing.
    pub measured: &'a Measure,
    pub required: &'a Measure,
    pub unit: &'static str,
    /// A failure's gap ([`crate::model::Gap`]): which way the requirement binds…
    pub need: Option<&'static str>,
    /// …and how far off it is, in the unit (days for dates).
    pub deficit: Option<f64>,
    /// For insufficient data: the field the subject lacks.
    pub missing_field: Option<&'a str>,
    pub message: std::borrow::Cow<'a, str>,
    pub clause: &'a str,
    /// The reason of the waiver that covers it.
    pub waived: Option<&'a str>,
    /// Against a baseline: `new`, `worse`, `changed`, `unchanged` or `fixed`.
    pub baseline: Option<&'static str>,
    pub details: &'a Details,
}

impl<'a> Row<'a> {
    pub fn of(f: &'a Finding, lang: Lang) -> Row<'a> {
        let gap = f.gap();
        Row {
            rule: f.rule,
            severity: f.severity.as_str(),
            status: f.status.as_str(),
            subject_layer: f.subject.layer.as_str(),
            subject_id: &f.subject.id,
            subject_name: &f.subject.name,
            measured: &f.measured,
            required: &f.required,
            unit: f.unit,
            need: gap.map(|g| g.need.as_str()),
            deficit: gap.and_then(|g| g.deficit),
            missing_field: match f.details.rule() {
                Some(RuleDetails::Missing(m)) => Some(&m.missing_field),
                _ => None,
            },
            message: f.message(lang),
            clause: &f.clause,
            waived: f.waived.as_deref().map(|w| w.reason.as_str()),
            baseline: f.baseline.as_deref().map(|b| {
                if b.worse && b.state != BaselineState::New {
                    "worse"
                } else {
                    b.state.as_str()
                }
            }),
            details: &f.details,
        }
    }

    /// The details as JSON text (`{}` when there are none), for a cell of text.
    pub fn details_json(&self) -> String {
        serde_json::to_string(self.details).unwrap_or_else(|_| "{}".into())
    }
}

/// A measure as a cell of text: the number as Rust writes it, the date, or empty.
pub fn text(m: &Measure) -> String {
    match m {
        Measure::Number(x) => x.to_string(),
        Measure::Date(d) => d.to_string(),
        Measure::Null => String::new(),
    }
}

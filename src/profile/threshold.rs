//! Thresholds as the profiles write them, and the one in force on a check's date.
//!
//! A threshold is a bare number, a table (`{ value = 30, clause = "…" }`) or a list of
//! dated targets (`[{ year = 2017, value = 0.10 }, { year = 2020, value = 0.30 }]`).
//! policies.md: a target of year Y is due at the end of Y (Y-12-31); "a check run `as_of`
//! a date applies the latest target whose due date has passed, and says so"; before the
//! first due date the earliest target applies as `warning`, saying when it falls due.
//!
//! "Passed" is read strictly: on Y-12-31 the year is not over, so the target of Y is in
//! force from Y+1-01-01.

use chrono::NaiveDate;
use serde::Deserialize;

use super::Severity;

/// One target as written in a profile.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub value: f64,
    /// The year by whose end the target is due ("到2020年" → 2020, due 2020-12-31); none: always in force.
    #[serde(default)]
    pub year: Option<i32>,
    /// Overrides the rule's severity for this target (soft wording: "原则上" → warning).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Overrides the rule's clause for this target.
    #[serde(default)]
    pub clause: Option<String>,
    /// Why the number is what it is, when the text does not say it outright.
    #[serde(default)]
    pub note: Option<String>,
}

/// A threshold as written: a number, one target, or dated targets (never an empty list:
/// a rule with no target to apply must not pass silently).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(try_from = "RawSpec")]
pub enum ThresholdSpec {
    Value(f64),
    One(Target),
    Dated(Vec<Target>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawSpec {
    Value(f64),
    One(Target),
    Dated(Vec<Target>),
}

impl TryFrom<RawSpec> for ThresholdSpec {
    type Error = String;

    fn try_from(raw: RawSpec) -> Result<Self, String> {
        let spec = match raw {
            RawSpec::Value(v) => ThresholdSpec::Value(v),
            RawSpec::One(t) => ThresholdSpec::One(t),
            RawSpec::Dated(ts) if ts.is_empty() => {
                return Err("an empty list of targets: give at least one".into())
            }
            RawSpec::Dated(ts) => ThresholdSpec::Dated(ts),
        };
        match spec.targets().iter().find(|t| !t.value.is_finite()) {
            Some(t) => Err(format!("target value {} is not a number", t.value)),
            None => Ok(spec),
        }
    }
}

/// The date a target of `year` falls due: the last day of that year.
pub fn due_date(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// Which side of the threshold passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// measured ≥ required
    Min,
    /// measured ≤ required
    Max,
}

impl Bound {
    /// Compares with a relative tolerance of 1e-9, so that 0.3 computed as 3/10 passes 0.3.
    pub fn holds(self, measured: f64, required: f64) -> bool {
        let tol = 1e-9 * required.abs().max(1.0);
        match self {
            Bound::Min => measured + tol >= required,
            Bound::Max => measured - tol <= required,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Bound::Min => "≥",
            Bound::Max => "≤",
        }
    }

    /// The need of a finding judged by this bound.
    pub fn need(self) -> crate::model::Need {
        match self {
            Bound::Min => crate::model::Need::AtLeast,
            Bound::Max => crate::model::Need::AtMost,
        }
    }
}

/// The target in force on the check's date, with everything a finding cites.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub value: f64,
    pub severity: Severity,
    /// The clause of the document, without the document number.
    pub clause: String,
    pub year: Option<i32>,
    /// The target's due date has not passed on the check's date: it is applied early, as
    /// a warning.
    pub early: bool,
    pub note: Option<String>,
}

impl Resolved {
    /// The date the target falls due, when it is a dated one.
    pub fn due(&self) -> Option<NaiveDate> {
        self.year.map(due_date)
    }
}

impl ThresholdSpec {
    pub fn targets(&self) -> Vec<Target> {
        match self {
            ThresholdSpec::Value(v) => vec![Target {
                value: *v,
                year: None,
                severity: None,
                clause: None,
                note: None,
            }],
            ThresholdSpec::One(t) => vec![t.clone()],
            ThresholdSpec::Dated(ts) => ts.clone(),
        }
    }

    /// The target in force on `as_of`; `None` only for an empty list.
    pub fn resolve(&self, severity: Severity, clause: &str, as_of: NaiveDate) -> Option<Resolved> {
        let mut targets = self.targets();
        targets.sort_by_key(|t| t.year.unwrap_or(i32::MIN));
        let in_force = targets
            .iter()
            .rev()
            .find(|t| t.year.is_none_or(|y| as_of > due_date(y)));
        let (target, early) = match in_force {
            Some(t) => (t, false),
            None => (targets.first()?, true),
        };
        let mut sev = target.severity.unwrap_or(severity);
        if early && sev == Severity::Error {
            sev = Severity::Warning;
        }
        Some(Resolved {
            value: target.value,
            severity: sev,
            clause: target.clause.clone().unwrap_or_else(|| clause.to_string()),
            year: target.year,
            early,
            note: target.note.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn anyang_nursing() -> ThresholdSpec {
        // Anyang 行动计划: 10% in 2017, 30% by 2020.
        toml::from_str::<std::collections::BTreeMap<String, ThresholdSpec>>(
            "x = [{ year = 2017, value = 0.10, clause = \"三(一)2\" }, { year = 2020, value = 0.30 }]",
        )
        .unwrap()
        .remove("x")
        .unwrap()
    }

    #[test]
    fn latest_target_whose_due_date_has_passed_applies() {
        let s = anyang_nursing();
        // 2020's 30% falls due on 2020-12-31: on that day the 2017 target still applies.
        let r = s.resolve(Severity::Error, "二", d(2020, 12, 31)).unwrap();
        assert_eq!((r.value, r.year, r.early), (0.10, Some(2017), false));
        assert_eq!(r.clause, "三(一)2");
        let r = s.resolve(Severity::Error, "二", d(2021, 1, 1)).unwrap();
        assert_eq!(
            (r.value, r.year, r.clause.as_str()),
            (0.30, Some(2020), "二")
        );
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(r.due(), Some(d(2020, 12, 31)));
    }

    #[test]
    fn before_the_first_due_date_the_earliest_applies_as_warning() {
        // 2017's 10% falls due on 2017-12-31.
        for day in [d(2016, 6, 1), d(2017, 12, 31)] {
            let r = anyang_nursing()
                .resolve(Severity::Error, "二", day)
                .unwrap();
            assert_eq!(
                (r.value, r.early, r.severity),
                (0.10, true, Severity::Warning),
                "{day}"
            );
        }
        let r = anyang_nursing()
            .resolve(Severity::Error, "二", d(2018, 1, 1))
            .unwrap();
        assert_eq!(
            (r.value, r.early, r.severity),
            (0.10, false, Severity::Error)
        );
    }

    #[test]
    fn an_empty_list_of_targets_does_not_parse() {
        let e = toml::from_str::<std::collections::BTreeMap<String, ThresholdSpec>>("x = []")
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty list"), "{e}");
    }

    #[test]
    fn a_bare_number_is_always_in_force() {
        let r = ThresholdSpec::Value(30.0)
            .resolve(Severity::Warning, "c", d(1990, 1, 1))
            .unwrap();
        assert_eq!(
            (r.value, r.early, r.severity),
            (30.0, false, Severity::Warning)
        );
    }

    #[test]
    fn bounds_tolerate_float_noise_only() {
        assert!(Bound::Min.holds(0.1 + 0.2, 0.3));
        assert!(Bound::Min.holds(3.0 / 10.0, 0.3));
        assert!(!Bound::Min.holds(0.2999, 0.3));
        assert!(Bound::Max.holds(0.5, 0.5));
        assert!(!Bound::Max.holds(0.5001, 0.5));
    }
}

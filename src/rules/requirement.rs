//! What a unit must contain, as the profiles write it: facilities of some kinds (with
//! medical care, at least so many beds, run by some operators, started or completed by the
//! due date), at least `min_count` of them, by a year. Shared by `county-institutions` (a checklist per
//! unit) and `facility-count` (one count per unit and requirement).

use chrono::NaiveDate;
use serde::Deserialize;

use super::common::{kind_in, resolve, Area, Context};
use crate::plan::model::{Facility, FacilityKind, LevelSel, Operator};
use crate::profile::{Resolved, RuleConfig, Target, ThresholdSpec};
use crate::text::Text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The units that must contain the facilities (`city` also means the whole plan when
    /// it has no city unit).
    pub level: LevelSel,
    /// A stable name for the requirement, part of the subject id where a rule needs one.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub kinds: Option<Vec<FacilityKind>>,
    #[serde(default)]
    pub medical_care: Option<bool>,
    #[serde(default)]
    pub min_beds: Option<u64>,
    /// Who runs it (公办: `government` or `public_private`).
    #[serde(default)]
    pub operators: Option<Vec<Operator>>,
    /// Count only facilities that reached this stage by the due date, where the text dates
    /// it ("启动建设": started; "…以前建成": completed).
    #[serde(default)]
    pub stage: Option<Stage>,
    /// How many such facilities the unit must contain (default 1).
    #[serde(default = "one")]
    pub min_count: u64,
    /// The year by whose end it is due (none: always in force).
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub clause: Option<String>,
    pub label: String,
    pub label_en: String,
}

fn one() -> u64 {
    1
}

/// How far a facility must have got by the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Construction started: `construction_start`, else `completion_date` (a completed
    /// facility was started), on or before the date.
    Started,
    /// Completed: `completion_date` on or before the date.
    Completed,
}

impl Stage {
    fn date(self, f: &Facility) -> Option<NaiveDate> {
        match self {
            Stage::Started => f.construction_start.or(f.completion_date),
            Stage::Completed => f.completion_date,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Stage::Started => "construction_start",
            Stage::Completed => "completion_date",
        }
    }
}

/// The facilities of a unit that meet a requirement: those known to, and those that may
/// (a dated requirement and a facility without the date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub known: u64,
    pub undated: u64,
}

/// Whether a unit meets a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    Yes,
    No,
    /// Only the facilities without a date could make up the number.
    Unknown,
}

impl Requirement {
    /// What parsing cannot check.
    pub fn check(&self) -> Result<(), String> {
        if self.kinds.as_ref().is_some_and(|k| k.is_empty())
            || self.operators.as_ref().is_some_and(|o| o.is_empty())
        {
            return Err(format!(
                "requirement '{}': an empty `kinds` or `operators` list; leave it out to accept any",
                self.label
            ));
        }
        if self.min_count == 0 {
            return Err(format!(
                "requirement '{}': min_count must be at least 1",
                self.label
            ));
        }
        Ok(())
    }

    /// The facility is of the kind, care, size and operator asked for.
    pub fn accepts(&self, f: &Facility) -> bool {
        kind_in(f, self.kinds.as_deref())
            && self.medical_care.is_none_or(|m| f.medical_care == Some(m))
            && self.min_beds.is_none_or(|b| f.beds.unwrap_or(0) >= b)
            && self
                .operators
                .as_ref()
                .is_none_or(|ops| f.operator.is_some_and(|o| ops.contains(&o)))
    }

    /// The requirement concerns the area: its level is the unit's (the whole plan stands
    /// in for a missing city unit).
    pub fn applies(&self, ctx: &Context, area: &Area) -> bool {
        match area.unit {
            Some(u) => ctx.plan.units[u]
                .level
                .is_some_and(|l| self.level.matches(l)),
            None => self.level == LevelSel::City,
        }
    }

    /// The target in force on the check's date: `min_count`, due at the end of `year`.
    pub fn target(&self, ctx: &Context, cfg: &RuleConfig) -> Resolved {
        resolve(
            ctx,
            cfg,
            &ThresholdSpec::One(Target {
                value: self.min_count as f64,
                year: self.year,
                severity: None,
                clause: self.clause.clone(),
                note: None,
            }),
        )
    }

    /// The date a facility must have reached the stage by: the due date, else the check's.
    pub fn cutoff(&self, target: &Resolved, ctx: &Context) -> NaiveDate {
        target.due().unwrap_or(ctx.as_of)
    }

    /// The area's facilities that meet the requirement.
    pub fn count(&self, ctx: &Context, area: &Area, cutoff: NaiveDate) -> Count {
        let mut c = Count {
            known: 0,
            undated: 0,
        };
        for f in ctx
            .facilities_of(&area.facilities)
            .filter(|f| self.accepts(f))
        {
            let Some(stage) = self.stage else {
                c.known += 1;
                continue;
            };
            match stage.date(f) {
                Some(d) if d <= cutoff => c.known += 1,
                Some(_) => {}
                None => c.undated += 1,
            }
        }
        c
    }

    pub fn met(&self, c: Count) -> Met {
        if c.known >= self.min_count {
            Met::Yes
        } else if c.known.saturating_add(c.undated) >= self.min_count {
            Met::Unknown
        } else {
            Met::No
        }
    }

    /// The requirement's name for messages, with the date when it counts one.
    pub fn name(&self, cutoff: NaiveDate) -> Text {
        let label = Text::new(self.label.clone(), self.label_en.clone());
        match self.stage {
            Some(Stage::Started) => Text::new(
                format!("{}（{cutoff} 前开工）", label.zh),
                format!("{} (started by {cutoff})", label.en),
            ),
            Some(Stage::Completed) => Text::new(
                format!("{}（{cutoff} 前建成）", label.zh),
                format!("{} (completed by {cutoff})", label.en),
            ),
            None => label,
        }
    }

    /// The date field a dated requirement reads, for "cannot tell" messages.
    pub fn date_field(&self) -> &'static str {
        self.stage.map_or("", Stage::field)
    }
}

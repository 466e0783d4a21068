//! What a unit must contain, as the profiles write it: facilities of some kinds (with
//! medical care, at least so many beds, run by some operators, started or completed by the
//! due date), at least `min_count` of them, by a year. Shared by `county-institutions` (a checklist per
//! unit) and `facility-count` (one count per unit and requirement).

use chrono::NaiveDate;
use serde::Deserialize;

use super::common::{kind_in, resolve, Area, Context};
use crate::model::{Facility, FacilityKind, LevelSel, Operator};
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
    /// Whether the facility had reached the stage by `cutoff`; `None` when its dates do
    /// not tell (a facility completed after the cutoff may have started before it).
    fn reached_by(self, f: &Facility, cutoff: NaiveDate) -> Option<bool> {
        match (self, f.construction_start, f.completion_date) {
            (Stage::Started, Some(start), _) => Some(start <= cutoff),
            (Stage::Started, None, Some(done)) if done <= cutoff => Some(true),
            (Stage::Started, None, _) => None,
            (Stage::Completed, _, done) => done.map(|d| d <= cutoff),
        }
    }
}

/// The facilities of a unit that meet a requirement: those known to, and those that may
/// (a value the requirement reads is missing: `medical_care`, `beds`, `operator`, a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub known: u64,
    pub unknown: u64,
}

/// Whether a unit meets a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    Yes,
    No,
    /// Only facilities missing a value could make up the number.
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

    /// The facility is of the kind, care, size and operator asked for, and reached the
    /// stage by `cutoff`; `None` when a value it needs is missing (never read as "no").
    pub fn accepts(&self, f: &Facility, cutoff: NaiveDate) -> Option<bool> {
        if !kind_in(f, self.kinds.as_deref()) {
            return Some(false);
        }
        let tests = [
            self.medical_care.map(|m| f.medical_care.map(|fm| fm == m)),
            self.min_beds.map(|b| f.beds.map(|fb| fb >= b)),
            self.operators
                .as_ref()
                .map(|ops| f.operator.map(|o| ops.contains(&o))),
            self.stage.map(|st| st.reached_by(f, cutoff)),
        ];
        // A test that fails decides, whatever else is unknown.
        let mut known = true;
        for t in tests.into_iter().flatten() {
            match t {
                Some(false) => return Some(false),
                Some(true) => {}
                None => known = false,
            }
        }
        known.then_some(true)
    }

    /// The fields a facility must give for this requirement to judge it.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.medical_care.is_some() {
            out.push("medical_care");
        }
        if self.min_beds.is_some() {
            out.push("beds");
        }
        if self.operators.is_some() {
            out.push("operator");
        }
        match self.stage {
            Some(Stage::Started) => out.push("construction_start"),
            Some(Stage::Completed) => out.push("completion_date"),
            None => {}
        }
        out
    }

    /// The requirement concerns the area: its level is the unit's (the whole plan stands
    /// in for a missing city unit).
    pub fn applies(&self, ctx: &Context, area: &Area) -> bool {
        match area.unit {
            Some(u) => self.level.matches(ctx.plan.units[u].level),
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
            unknown: 0,
        };
        for f in ctx.facilities_of(&area.facilities) {
            match self.accepts(f, cutoff) {
                Some(true) => c.known += 1,
                Some(false) => {}
                None => c.unknown += 1,
            }
        }
        c
    }

    pub fn met(&self, c: Count) -> Met {
        if c.known >= self.min_count {
            Met::Yes
        } else if c.known.saturating_add(c.unknown) >= self.min_count {
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
}

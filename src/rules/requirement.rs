//! What a unit must contain, as the profiles write it: facilities of some kinds (with
//! medical care, at least so many beds, run by some operators, of a level, standing by the
//! due date), at least `min_count` of them, by a year. Shared by `county-institutions` (a
//! checklist per unit) and `facility-count` (one count per unit and requirement).

use chrono::NaiveDate;
use serde::Deserialize;

use super::common::{kind_in, resolve, Area, Inputs};
pub use super::dated::Stage;
use super::dated::Standing;
use crate::model::{Facility, FacilityKind, FacilityLevel, LevelSel, Operator};
use crate::profile::{Resolved, RuleConfig, Target, ThresholdSpec};
use crate::text::Text;

#[derive(Debug, Clone, Deserialize)]
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
    /// 护理型: a `nursing_home`, or another kind of the requirement's with nursing beds
    /// (`nursing_beds` > 0); a welfare centre without nursing beds does not meet it.
    #[serde(default)]
    pub nursing_type: bool,
    /// Who runs it: a requirement that names a level ("市级", "县级") counts only
    /// facilities of that level (rules.md, facility levels).
    #[serde(default)]
    pub facility_level: Option<Vec<FacilityLevel>>,
    /// The stage a facility must have reached by the due date ("启动建设": started;
    /// "…建成": completed). A requirement with a `year` and no stage counts what is
    /// completed by then (rules.md, dated targets).
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

/// The facilities of a unit that meet a requirement: those known to, those that may (a
/// value the requirement reads is missing: `medical_care`, `beds`, `operator`, `level`, a
/// date), and the dates from which later ones do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Count {
    pub known: u64,
    pub unknown: u64,
    /// The dates facilities that stand only after the due date reach the stage, sorted.
    pub later: Vec<NaiveDate>,
    /// The fields the unknown facilities lack, in the order [`Requirement::fields`] gives.
    pub missing: Vec<&'static str>,
}

/// Whether one facility meets a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepts {
    Yes,
    No,
    /// Values it reads are missing: these fields.
    Unknown(Vec<&'static str>),
    /// It meets it in every way but stands only from this date, after the due date.
    From(NaiveDate),
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

    /// The stage a facility must have reached by the due date: the profile's, else
    /// `completed` for a dated requirement; none for an undated one (every facility of the
    /// plan counts).
    pub fn stage(&self) -> Option<Stage> {
        self.stage.or(self.year.map(|_| Stage::Completed))
    }

    /// The facility is of the kind, care, size, operator and level asked for, and stands
    /// at the stage by `cutoff`; `Unknown` when a value it needs is missing (never read as
    /// "no").
    pub fn accepts(&self, f: &Facility, cutoff: NaiveDate) -> Accepts {
        if !kind_in(f, self.kinds.as_deref()) {
            return Accepts::No;
        }
        let tests = [
            (
                "medical_care",
                self.medical_care.map(|m| f.medical_care.map(|fm| fm == m)),
            ),
            ("beds", self.min_beds.map(|b| f.beds.map(|fb| fb >= b))),
            (
                "operator",
                self.operators
                    .as_ref()
                    .map(|ops| f.operator.map(|o| ops.contains(&o))),
            ),
            (
                "nursing_beds",
                (self.nursing_type && f.kind != FacilityKind::NursingHome)
                    .then(|| f.nursing_beds.map(|n| n > 0)),
            ),
            (
                "level",
                self.facility_level
                    .as_ref()
                    .map(|levels| f.level.map(|l| levels.contains(&l))),
            ),
        ];
        // A test that fails decides, whatever else is unknown.
        let mut missing = Vec::new();
        for (field, t) in tests {
            match t {
                Some(Some(false)) => return Accepts::No,
                Some(None) => missing.push(field),
                Some(Some(true)) | None => {}
            }
        }
        let stage = self.stage();
        match stage.map_or(Standing::By, |st| st.standing(f, cutoff)) {
            Standing::Unknown => missing.extend(stage.map(|st| st.field())),
            _ if !missing.is_empty() => {}
            Standing::By => return Accepts::Yes,
            Standing::From(d) => return Accepts::From(d),
        }
        Accepts::Unknown(missing)
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
        if self.nursing_type {
            out.push("nursing_beds");
        }
        if self.facility_level.is_some() {
            out.push("level");
        }
        if let Some(stage) = self.stage() {
            out.push(stage.field());
        }
        out
    }

    /// The requirement concerns the area: its level is the unit's (the whole plan stands
    /// in for a missing city unit).
    pub fn applies(&self, ctx: &Inputs, area: &Area) -> bool {
        match area.unit {
            Some(u) => self.level.matches(ctx.plan.units[u].level),
            None => self.level == LevelSel::City,
        }
    }

    /// The target in force on the check's date: `min_count`, due at the end of `year`.
    pub fn target(&self, ctx: &Inputs, cfg: &RuleConfig) -> Resolved {
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
    pub fn cutoff(&self, target: &Resolved, ctx: &Inputs) -> NaiveDate {
        target.due().unwrap_or(ctx.as_of)
    }

    /// The area's facilities that meet the requirement.
    pub fn count(&self, ctx: &Inputs, area: &Area, cutoff: NaiveDate) -> Count {
        let mut c = Count::default();
        for f in ctx.facilities_of(&area.facilities) {
            match self.accepts(f, cutoff) {
                Accepts::Yes => c.known += 1,
                Accepts::No => {}
                Accepts::Unknown(fields) => {
                    c.unknown += 1;
                    c.missing.extend(fields);
                }
                Accepts::From(d) => c.later.push(d),
            }
        }
        c.later.sort_unstable();
        let order = self.fields();
        c.missing.sort_by_key(|f| order.iter().position(|o| o == f));
        c.missing.dedup();
        c
    }

    /// The date from which facilities standing only after the due date make up the
    /// number, when they do (`details.met_from`).
    pub fn met_from(&self, c: &Count) -> Option<NaiveDate> {
        let short = self.min_count.checked_sub(c.known).filter(|&n| n > 0)?;
        c.later.get(usize::try_from(short).ok()? - 1).copied()
    }

    pub fn met(&self, c: &Count) -> Met {
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
        let by = super::dated::by_text(self.stage().map(|stage| (stage, cutoff)));
        Text::new(
            format!("{}{}", self.label, by.zh),
            format!("{}{}", self.label_en, by.en),
        )
    }
}

//! What rules share: the context they read, subjects, thresholds resolved for the check's
//! date, and the construction of findings.

use std::borrow::Cow;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::index::Joins;
use crate::model::{
    details, Body, Finding, Measure, Message, Need, RuleDetails, Status, Subject, Target,
};
use crate::model::{CompoundStatus, Facility, FacilityKind, Layer, LevelSel, Phase, Plan};
pub use crate::profile::Bound;
use crate::profile::{Profile, Resolved, RuleConfig, Severity, ThresholdSpec};
use crate::text::t;
use crate::text::Text;

/// Everything a rule may read.
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    pub joins: &'a Joins,
    pub profile: &'a Profile,
    pub as_of: NaiveDate,
    /// What the analysis measured once for every rule (the circle's distances).
    pub analysis: &'a crate::analysis::Analysis,
    /// The compounds whose findings are wanted (a submission's, in its city); none: all.
    pub focus: Option<&'a crate::model::Focus>,
}

impl<'a> Inputs<'a> {
    /// Whether compound `i`'s findings are wanted.
    pub fn wanted(&self, i: usize) -> bool {
        self.focus.is_none_or(|f| f.wants(i))
    }

    /// The compounds whose findings are wanted, ascending, for a rule about each compound.
    pub fn compounds(&self) -> impl ParallelIterator<Item = usize> + '_ {
        (0..self.plan.compounds.len())
            .into_par_iter()
            .filter(move |&i| self.wanted(i))
    }

    /// The phases of compound `i` when it is a `new` compound that has some; else the
    /// finding that says why it is not checked: `not_applicable` for an existing compound
    /// (`existing` says why), `insufficient_data` without a status or phases. What the
    /// rules on a development's progress share.
    pub fn new_compound_phases(
        &self,
        v: &Verdict,
        i: usize,
        existing: Body,
    ) -> Result<Vec<&'a Phase>, Box<Finding>> {
        let subject = self.compound_subject(i);
        match self.plan.compounds[i].status {
            None => return Err(Box::new(v.missing(subject, "status", "compounds"))),
            Some(CompoundStatus::Existing) => {
                return Err(Box::new(v.not_applicable(subject, existing)))
            }
            Some(CompoundStatus::New) => {}
        }
        let plan: &'a Plan = self.plan;
        let phases: Vec<&'a Phase> = self.joins.compound_phases[i]
            .iter()
            .map(|&k| &plan.phases[k])
            .collect();
        if phases.is_empty() {
            return Err(Box::new(v.missing(subject, "phases", "phases.csv")));
        }
        Ok(phases)
    }

    pub fn compound_subject(&self, i: usize) -> Subject {
        let c = &self.plan.compounds[i];
        Subject {
            layer: Layer::Compounds,
            id: c.id.clone(),
            name: c.name.clone(),
            index: Some(i),
        }
    }

    pub fn facility_subject(&self, i: usize) -> Subject {
        let f = &self.plan.facilities[i];
        Subject {
            layer: Layer::Facilities,
            id: f.id.clone(),
            name: f.name.clone(),
            index: Some(i),
        }
    }

    pub fn unit_subject(&self, i: usize) -> Subject {
        let u = &self.plan.units[i];
        Subject {
            layer: Layer::Units,
            id: u.id.clone(),
            name: u.name.clone(),
            index: Some(i),
        }
    }

    /// The subject of a city-level rule when the units layer has no city: the whole plan.
    pub fn plan_subject(&self) -> Subject {
        Subject {
            layer: Layer::Plan,
            id: "plan".into(),
            name: self.profile.city.clone(),
            index: None,
        }
    }

    /// Units of the given levels whose findings are wanted, as area subjects. A city-level
    /// rule on a plan without a city unit speaks for the whole plan (all facilities and all
    /// units).
    pub fn areas(&self, levels: &[LevelSel]) -> Vec<Area<'_>> {
        let mut out: Vec<Area> = self
            .plan
            .units
            .iter()
            .enumerate()
            .filter(|(i, _)| self.focus.is_none_or(|f| f.wants_unit(*i)))
            .filter_map(|(i, u)| {
                let level = levels.iter().copied().find(|l| l.matches(u.level))?;
                Some(Area {
                    subject: self.unit_subject(i),
                    level,
                    unit: Some(i),
                    facilities: Cow::Borrowed(&self.joins.unit_facilities[i]),
                })
            })
            .collect();
        let has_city = self
            .plan
            .units
            .iter()
            .any(|u| LevelSel::City.matches(u.level));
        if levels.contains(&LevelSel::City) && !has_city {
            out.push(Area {
                subject: self.plan_subject(),
                level: LevelSel::City,
                unit: None,
                facilities: Cow::Owned((0..self.plan.facilities.len()).collect()),
            });
        }
        out
    }

    /// Units of `level` inside an area (all of them for the whole-plan subject).
    pub fn units_within(&self, area: &Area, level: LevelSel) -> Vec<usize> {
        let matches = |i: &usize| level.matches(self.plan.units[*i].level);
        match area.unit {
            Some(u) => self.joins.unit_descendants[u]
                .iter()
                .copied()
                .filter(matches)
                .collect(),
            None => (0..self.plan.units.len()).filter(matches).collect(),
        }
    }

    pub fn facilities_of<'f>(
        &'f self,
        ids: &'f [usize],
    ) -> impl Iterator<Item = &'f Facility> + 'f {
        ids.iter().map(|&i| &self.plan.facilities[i])
    }
}

/// A planning unit (or the whole plan) as the subject of an area-level rule.
pub struct Area<'a> {
    pub subject: Subject,
    pub level: LevelSel,
    pub unit: Option<usize>,
    pub facilities: Cow<'a, [usize]>,
}

/// A facility's kind is one of `kinds` (no list: any kind).
pub fn kind_in(f: &Facility, kinds: Option<&[FacilityKind]>) -> bool {
    match kinds {
        None => true,
        Some(ks) => ks.contains(&f.kind),
    }
}

/// A profile's `kinds` list, when given, names at least one kind (left out, a rule counts
/// every kind): the validation the rules that take one share.
pub fn kinds_given(kinds: Option<&[FacilityKind]>) -> Result<(), String> {
    match kinds {
        Some([]) => Err("`kinds` is empty: leave it out to count every kind".into()),
        _ => Ok(()),
    }
}

/// The threshold in force for the check's date.
pub fn resolve(ctx: &Inputs, cfg: &RuleConfig, spec: &ThresholdSpec) -> Resolved {
    spec.resolve(cfg.severity, &cfg.clause, ctx.as_of)
        .unwrap_or(Resolved {
            value: f64::NAN,
            severity: cfg.severity,
            clause: cfg.clause.clone(),
            year: None,
            early: false,
            note: None,
        })
}

/// Builds the findings of one rule with one threshold: severity and clause come from
/// the target in force.
pub struct Verdict {
    pub rule: &'static str,
    pub unit: &'static str,
    /// Which way the rule's requirement binds: every finding with a required value has it.
    pub need: Need,
    pub severity: Severity,
    /// The full citation (document and clause), made once for all the rule's findings.
    pub clause: std::sync::Arc<str>,
    /// The year of the target in force, when it is a dated one.
    pub year: Option<i32>,
    /// The target's year has not come: it is applied early.
    pub early: bool,
}

impl Verdict {
    pub fn new(
        rule: &'static str,
        unit: &'static str,
        need: Need,
        ctx: &Inputs,
        cfg: &RuleConfig,
    ) -> Self {
        Verdict {
            rule,
            unit,
            need,
            severity: cfg.severity,
            clause: ctx.profile.cite(&cfg.clause),
            year: None,
            early: false,
        }
    }

    /// The same, with the severity and clause of the target in force.
    pub fn with_target(
        rule: &'static str,
        unit: &'static str,
        need: Need,
        ctx: &Inputs,
        r: &Resolved,
    ) -> Self {
        Verdict {
            rule,
            unit,
            need,
            severity: r.severity,
            clause: ctx.profile.cite(&r.clause),
            year: r.year,
            early: r.early,
        }
    }

    pub fn finding(
        &self,
        subject: Subject,
        status: Status,
        measured: Measure,
        required: Measure,
        message: impl Into<Body>,
    ) -> Finding {
        // policies.md: the check applies the target in force "and says so"; a target not
        // yet due is applied early as a warning, saying when it falls due.
        let target = match (self.year, status) {
            (Some(year), Status::Pass | Status::Fail | Status::Pending) => {
                i16::try_from(year).ok().map(|year| Target {
                    year,
                    early: self.early,
                })
            }
            _ => None,
        };
        let judged = matches!(status, Status::Pass | Status::Fail | Status::Pending);
        let need = if judged && required != Measure::Null {
            self.need
        } else {
            Need::None
        };
        Finding {
            rule: self.rule,
            severity: self.severity,
            status,
            subject,
            measured,
            required,
            need,
            unit: self.unit,
            message: Message {
                body: message.into(),
                target,
                expired_after: None,
            },
            clause: self.clause.clone(),
            details: Default::default(),
            waived: None,
            baseline: None,
        }
    }

    /// A pass or a fail on two numbers: the usual verdict of a threshold rule.
    pub fn judged(
        &self,
        subject: Subject,
        ok: bool,
        measured: f64,
        required: f64,
        message: impl Into<Body>,
    ) -> Finding {
        let status = if ok { Status::Pass } else { Status::Fail };
        self.finding(
            subject,
            status,
            Measure::num(measured),
            Measure::num(required),
            message,
        )
    }

    /// A subject the rule does not concern.
    pub fn not_applicable(&self, subject: Subject, why: impl Into<Body>) -> Finding {
        self.finding(
            subject,
            Status::NotApplicable,
            Measure::Null,
            Measure::Null,
            why,
        )
    }

    /// A subject missing a field the rule needs; the message names the field.
    pub fn missing(&self, subject: Subject, field: &str, layer: &str) -> Finding {
        self.missing_noted(subject, field, layer, None)
    }

    /// The same, where the field is missing in one feature of the layer (`note` its id),
    /// or its values cannot be used (`note` says why): "missing field floor_area (S1)".
    pub fn missing_noted(
        &self,
        subject: Subject,
        field: &str,
        layer: &str,
        note: Option<&str>,
    ) -> Finding {
        let named = match note {
            Some(n) => format!("{field} ({n})"),
            None => field.to_string(),
        };
        let mut f = self.finding(
            subject,
            Status::InsufficientData,
            Measure::Null,
            Measure::Null,
            t!(
                "缺少字段 {}（{} 图层）",
                "missing field {} ({} layer)",
                named,
                layer
            ),
        );
        f.details.set_rule(RuleDetails::Missing(details::Missing {
            missing_field: field.to_string(),
            missing_from: layer.to_string(),
            missing_note: note.map(str::to_string),
        }));
        f
    }
}

/// One finding per rule listing why the rule could not run at all.
pub fn skipped(
    rule: &'static str,
    layer: Layer,
    cfg: &RuleConfig,
    profile: &Profile,
    why: Text,
) -> Finding {
    Finding {
        rule,
        severity: cfg.severity,
        status: Status::Skipped,
        subject: Subject {
            layer,
            id: String::new(),
            name: String::new(),
            index: None,
        },
        measured: Measure::Null,
        required: Measure::Null,
        need: Need::None,
        unit: "",
        message: why.into(),
        clause: profile.cite(&cfg.clause),
        details: Default::default(),
        waived: None,
        baseline: None,
    }
}

//! The shape shared by the area-level ratio and count rules: for each unit of the levels
//! a profile names, measure one number over the unit's facilities of the kinds measured
//! and compare it with a minimum or a maximum.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, resolve, Area, Bound, Inputs, Verdict};
use super::dated::{self, Decision};
use crate::model::{Facility, FacilityKind, LevelSel, Operator};
use crate::model::{Finding, Measure, RuleDetails, Status};
use crate::profile::{RuleConfig, Severity, ThresholdSpec};
use crate::text::t;
use crate::text::Text;

/// The parameters of an area-metric rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaParams {
    /// Levels whose units are subjects.
    pub levels: Vec<LevelSel>,
    /// Levels reported for information only (severity `info`).
    #[serde(default)]
    pub info_levels: Vec<LevelSel>,
    #[serde(default)]
    pub min: Option<ThresholdSpec>,
    #[serde(default)]
    pub max: Option<ThresholdSpec>,
    /// Facility kinds measured (none: the rule's own default, [`Metric::kinds`]).
    #[serde(default)]
    pub kinds: Option<Vec<FacilityKind>>,
    /// Only facilities with at least this many beds are measured.
    #[serde(default)]
    pub min_beds: Option<u64>,
    /// Operators counted as the numerator: only the operator-share rules read it.
    #[serde(default)]
    pub operators: Option<Vec<Operator>>,
}

impl AreaParams {
    /// Exactly one bound, at least one level, and `operators` only where the rule reads it.
    pub fn check(&self, reads_operators: bool) -> Result<(), String> {
        if self.min.is_some() == self.max.is_some() {
            return Err("give exactly one of `min` and `max`".into());
        }
        if self.levels.is_empty() {
            return Err("`levels` is empty: name the levels whose units are checked".into());
        }
        if self.kinds.as_ref().is_some_and(|k| k.is_empty()) {
            return Err(
                "`kinds` is empty: leave it out to measure the rule's default kinds".into(),
            );
        }
        if self.operators.is_some() && !reads_operators {
            return Err("this rule does not read `operators`".into());
        }
        Ok(())
    }
}

/// A measurement, or why there is none.
pub enum Measured {
    /// The value, and the figures behind it for the message ("1,200 张床位 / 30,000 名老年人").
    Value(f64, Text),
    /// A field the measure needs is missing (field, layer).
    Missing(&'static str, &'static str),
    /// The measure has no value (no beds at all for a share of beds).
    Undefined(Text),
}

/// One area-metric rule's description.
pub struct Metric {
    pub rule: &'static str,
    pub unit: &'static str,
    /// What is measured, for messages: "每千名老年人养老床位" / "beds per 1,000 elderly".
    pub what: Text,
    pub show: fn(f64) -> String,
    /// The facility kinds measured when the profile names none (None: every kind).
    pub kinds: Option<&'static [FacilityKind]>,
}

/// What a measure reads of one area: the unit (or the whole plan) and its facilities of
/// the kinds measured that count (for a dated target, those standing by its due date).
pub struct Scope<'a> {
    pub area: &'a Area<'a>,
    pub facilities: Vec<&'a Facility>,
    /// Every facility of the kinds measured, whatever its dates: whether the layer gives a
    /// value at all is read over them.
    pub all: &'a [&'a Facility],
}

/// Evaluates a metric over every area subject, in parallel.
pub fn evaluate(
    metric: &Metric,
    p: &AreaParams,
    cfg: &RuleConfig,
    ctx: &Inputs,
    measure: impl Fn(&Scope, &AreaParams) -> Measured + Sync,
) -> Vec<Finding> {
    let (spec, bound) = match (&p.min, &p.max) {
        (Some(s), _) => (s, Bound::Min),
        (None, Some(s)) => (s, Bound::Max),
        // Ruled out by `AreaParams::check`, which parsing runs.
        (None, None) => return Vec::new(),
    };
    let target = resolve(ctx, cfg, spec);
    let kinds = p.kinds.as_deref().or(metric.kinds);
    let mut levels = p.levels.clone();
    levels.extend(p.info_levels.iter().copied());
    let areas = ctx.areas(&levels);
    areas
        .par_iter()
        .map(|area| {
            let mut v = Verdict::with_target(metric.rule, metric.unit, bound.need(), ctx, &target);
            if !p.levels.contains(&area.level) {
                v.severity = Severity::Info;
            }
            let mut facilities: Vec<&Facility> = ctx
                .facilities_of(&area.facilities)
                .filter(|f| kind_in(f, kinds))
                .collect();
            if let Some(min) = p.min_beds {
                // Whether a facility without `beds` is big enough cannot be told.
                if facilities.iter().any(|f| f.beds.is_none()) {
                    return v.missing(area.subject.clone(), "beds", "facilities");
                }
                facilities.retain(|f| f.beds.is_some_and(|b| b >= min));
            }
            // A dated target counts what stands by its due date (rules.md).
            let split = dated::split(facilities.iter().copied(), dated::count_at(&target));
            let decision = dated::decide(
                &split,
                |fs: &[&Facility]| {
                    let scope = Scope {
                        area,
                        facilities: fs.to_vec(),
                        all: &facilities,
                    };
                    measure(&scope, p)
                },
                |m| match m {
                    Measured::Value(x, _) => Some(bound.holds(*x, target.value)),
                    _ => None,
                },
            );
            judge(metric, &v, area, &decision, bound, target.value)
        })
        .collect()
}

fn judge(
    metric: &Metric,
    v: &Verdict,
    area: &Area,
    decision: &Decision<Measured>,
    bound: Bound,
    required: f64,
) -> Finding {
    let subject = area.subject.clone();
    let (value, basis) = match &decision.measured {
        Measured::Value(x, basis) => (*x, basis),
        Measured::Missing(field, layer) => return v.missing(subject, field, layer),
        Measured::Undefined(why) => {
            return v.finding(
                subject,
                Status::InsufficientData,
                Measure::Null,
                Measure::num(required),
                why.clone(),
            )
        }
    };
    let show = metric.show;
    let ok = bound.holds(value, required);
    let status = decision.status(ok);
    let (m, r) = (show(value), show(required));
    let sym = bound.symbol();
    let by = dated::by_text(decision.at);
    let mut msg = Text::new(
        format!("{}{}为 {m}，要求 {sym} {r}", metric.what.zh, by.zh),
        format!("{}{} is {m}, required {sym} {r}", metric.what.en, by.en),
    );
    if status == Status::Fail {
        let gap = (value - required).abs();
        msg = msg.join(&match bound {
            Bound::Min => t!("差 {}", "short by {}", show(gap)),
            Bound::Max => t!("超出 {}", "over by {}", show(gap)),
        });
    }
    let msg = msg
        .join(basis)
        .join(&decision.note(t!("处设施", "facilities")));
    let mut f = v.finding(
        subject,
        status,
        Measure::num(value),
        Measure::num(required),
        msg,
    );
    if decision.at.is_some() {
        f.details.set_rule(RuleDetails::Dated(decision.details()));
    }
    f
}

/// Σ of a count over facilities, where a facility without the value has none (a day-care
/// station has no beds); `None` when the sum overflows.
pub fn total(facilities: &[&Facility], count: impl Fn(&Facility) -> Option<u64>) -> Option<u64> {
    facilities
        .iter()
        .try_fold(0u64, |acc, f| acc.checked_add(count(f).unwrap_or(0)))
}

/// Σ beds (a facility without a `beds` value has none); `None` when the sum overflows.
pub fn beds(facilities: &[&Facility]) -> Option<u64> {
    total(facilities, |f| f.beds)
}

/// Σ of a count that every facility must state where it matters (`nursing_beds` where
/// there are beds, `operator`…): `Err(())` when one does not, `Ok(None)` on overflow.
pub fn total_stated(
    facilities: &[&Facility],
    count: impl Fn(&Facility) -> Result<u64, ()>,
) -> Result<Option<u64>, ()> {
    let mut acc = Some(0u64);
    for f in facilities {
        let v = count(f)?;
        acc = acc.and_then(|a| a.checked_add(v));
    }
    Ok(acc)
}

/// A share of the beds of the facilities measured: Σ `part` / Σ `beds`. `part` says how
/// many of a facility's beds count (`Err` when the field that tells is missing: `field`);
/// `label` names the part for the message ("护理型床位" / "nursing beds").
pub fn bed_share(
    scope: &Scope,
    part: impl Fn(&Facility, u64) -> Result<u64, ()>,
    field: &'static str,
    label: Text,
) -> Measured {
    let Some(all) = beds(&scope.facilities) else {
        return overflow();
    };
    if all == 0 {
        return Measured::Undefined(t!("没有床位", "there are no beds"));
    }
    // Only facilities with beds have a part of them to count.
    let counted = total_stated(&scope.facilities, |f| match f.beds {
        Some(b) if b > 0 => part(f, b),
        _ => Ok(0),
    });
    match counted {
        Err(()) => Measured::Missing(field, "facilities"),
        Ok(None) => overflow(),
        Ok(Some(n)) => Measured::Value(
            n as f64 / all as f64,
            Text::new(
                format!("{} {n} / 床位 {all}", label.zh),
                format!("{n} {} of {all}", label.en),
            ),
        ),
    }
}

/// The measurement of a sum too large to compute (it overflowed).
pub fn overflow() -> Measured {
    Measured::Undefined(t!(
        "合计超出可计算范围，请检查数据",
        "the sum is too large to compute: check the data"
    ))
}

/// Declares an area-metric rule: its id, title, docs, unit, default kinds and measure; the
/// rest is shared. `operators: true` for the rules that read `operators`.
macro_rules! area_metric_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), needs: [$($need:ident),*], doc: $doc:expr,
        unit: $unit:literal, what: ($wzh:literal, $wen:literal), show: $show:expr, kinds: $kinds:expr,
        operators: $ops:literal, measure: $measure:expr $(,)?
    ) => {
        $crate::rules::declare_rule!(
            $ty, id: $id, title: ($tzh, $ten), subject: Units, needs: [$($need),*], doc: $doc,
            dated: true, params: super::area_metric::AreaParams,
            validate: |p: &super::area_metric::AreaParams| p.check($ops),
            check: |rule, p: &super::area_metric::AreaParams, cfg, ctx: &super::Inputs| {
                let metric = super::area_metric::Metric {
                    rule,
                    unit: $unit,
                    what: $crate::text::Text::new($wzh, $wen),
                    show: $show,
                    kinds: $kinds,
                };
                super::area_metric::evaluate(&metric, p, cfg, ctx, |scope, p| $measure(ctx, scope, p))
            },
        );
    };
}
pub(crate) use area_metric_rule;

/// A population figure of an area: the unit's own, or for the whole plan the sum over the
/// units of the highest level present (`None` when one is missing or the sum overflows).
pub fn area_population(
    ctx: &Inputs,
    area: &Area,
    field: impl Fn(&crate::model::Unit) -> Option<u64>,
) -> Option<u64> {
    match area.unit {
        Some(u) => field(&ctx.plan.units[u]),
        None => {
            let top = ctx.plan.units.iter().map(|u| u.level.rank()).min()?;
            ctx.plan
                .units
                .iter()
                .filter(|u| u.level.rank() == top)
                .map(&field)
                .try_fold(0u64, |acc, v| v.and_then(|v| acc.checked_add(v)))
        }
    }
}

/// A count per 1,000 elderly of the area (beds, family beds): Σ `count` over the
/// facilities measured × 1,000 / the area's `elderly_population`. A facility without the
/// value has none, but when no facility of the area gives it at all the figure is unknown,
/// not 0 (a layer without the column).
pub fn per_thousand_elderly(
    ctx: &Inputs,
    scope: &Scope,
    (field, count): (&'static str, fn(&Facility) -> Option<u64>),
    what: Text,
) -> Measured {
    if !scope.all.is_empty() && scope.all.iter().all(|f| count(f).is_none()) {
        return Measured::Missing(field, "facilities");
    }
    let Some(elderly) = area_population(ctx, scope.area, |u| u.elderly_population) else {
        return Measured::Missing("elderly_population", "units");
    };
    if elderly == 0 {
        return Measured::Undefined(t!("单元老年人口为 0", "the unit's elderly population is 0"));
    }
    let Some(n) = total(&scope.facilities, count) else {
        return overflow();
    };
    let (n_text, e_text) = (
        crate::text::num(n as f64, 0),
        crate::text::num(elderly as f64, 0),
    );
    Measured::Value(
        n as f64 * 1000.0 / elderly as f64,
        Text::new(
            format!("{} {n_text} 张，60岁及以上老年人 {e_text} 人", what.zh),
            format!("{n_text} {}, {e_text} residents aged 60+", what.en),
        ),
    )
}

/// Shows a share as a percentage.
pub fn show_pct(x: f64) -> String {
    crate::text::pct(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    fn with_beds(beds: Option<u64>, nursing: Option<u64>) -> Facility {
        Facility {
            beds,
            nursing_beds: nursing,
            ..Facility::at(0, "F", FacilityKind::Institution, Point::new(0.0, 0.0))
        }
    }

    #[test]
    fn sums_that_overflow_are_no_number() {
        let (a, b, none) = (
            with_beds(Some(u64::MAX - 1), Some(1)),
            with_beds(Some(2), None),
            with_beds(None, None),
        );
        assert_eq!(
            beds(&[&a, &none]),
            Some(u64::MAX - 1),
            "no beds value: none"
        );
        assert_eq!(beds(&[&a, &b]), None, "u64::MAX - 1 + 2 overflows");
        let stated = |f: &Facility| f.nursing_beds.ok_or(());
        assert_eq!(total_stated(&[&a, &a], stated), Ok(Some(2)));
        assert_eq!(total_stated(&[&a, &b], stated), Err(()), "b states none");
        let big = with_beds(None, Some(u64::MAX));
        assert_eq!(total_stated(&[&big, &a], stated), Ok(None));
    }
}

//! The shape shared by the area-level ratio and count rules: for each unit of the levels
//! a profile names, measure one number and compare it with a minimum or a maximum.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{params, resolve, Area, Bound, Context, Verdict};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::{Facility, FacilityKind, LevelSel, Operator};
use crate::profile::{RuleConfig, Severity, ThresholdSpec};
use crate::t;
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
    /// Facility kinds counted (no list: all kinds).
    #[serde(default)]
    pub kinds: Option<Vec<FacilityKind>>,
    /// Operators counted as the numerator (private-institution-share).
    #[serde(default)]
    pub operators: Option<Vec<Operator>>,
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
}

pub fn validate(cfg: &RuleConfig) -> Result<(), String> {
    let p: AreaParams = params(cfg)?;
    match (&p.min, &p.max) {
        (Some(_), None) | (None, Some(_)) => Ok(()),
        _ => Err("give exactly one of `min` and `max`".into()),
    }
}

/// Evaluates a metric over every area subject, in parallel.
pub fn evaluate(
    metric: &Metric,
    cfg: &RuleConfig,
    ctx: &Context,
    measure: impl Fn(&Area, &AreaParams) -> Measured + Sync,
) -> Vec<Finding> {
    let p: AreaParams = match params(cfg) {
        Ok(p) => p,
        Err(_) => return Vec::new(),
    };
    let (spec, bound) = match (&p.min, &p.max) {
        (Some(s), _) => (s, Bound::Min),
        (None, Some(s)) => (s, Bound::Max),
        (None, None) => return Vec::new(),
    };
    let target = resolve(ctx, cfg, spec);
    let mut levels = p.levels.clone();
    levels.extend(p.info_levels.iter().copied());
    let areas = ctx.areas(&levels);
    areas
        .par_iter()
        .map(|area| {
            let mut v = Verdict::with_target(metric.rule, metric.unit, ctx, &target);
            if !p.levels.contains(&area.level) {
                v.severity = Severity::Info;
            }
            judge(metric, &v, area, measure(area, &p), bound, target.value)
        })
        .collect()
}

fn judge(
    metric: &Metric,
    v: &Verdict,
    area: &Area,
    m: Measured,
    bound: Bound,
    required: f64,
) -> Finding {
    let subject = area.subject.clone();
    let (value, basis) = match m {
        Measured::Value(x, basis) => (x, basis),
        Measured::Missing(field, layer) => return v.missing(subject, field, layer),
        Measured::Undefined(why) => {
            return v.finding(
                subject,
                Status::InsufficientData,
                Measure::Null,
                Measure::num(required),
                why,
            )
        }
    };
    let show = metric.show;
    let ok = bound.holds(value, required);
    let (m, r) = (show(value), show(required));
    let sym = bound.symbol();
    let mut msg = Text::new(
        format!("{}为 {m}，要求 {sym} {r}", metric.what.zh),
        format!("{} is {m}, required {sym} {r}", metric.what.en),
    );
    if !ok {
        let gap = (value - required).abs();
        msg = msg.join(&match bound {
            Bound::Min => t!("差 {}", "short by {}", show(gap)),
            Bound::Max => t!("超出 {}", "over by {}", show(gap)),
        });
    }
    let msg = msg.join(&basis);
    v.judged(subject, ok, value, required, msg)
}

/// Σ beds of the facilities of the given kinds (a facility without a `beds` value has none).
pub fn beds<'f>(facilities: impl Iterator<Item = &'f Facility>) -> u64 {
    facilities.filter_map(|f| f.beds).sum()
}

/// Declares an area-metric rule: its id, title, docs, unit and measure; the rest is shared.
macro_rules! area_metric_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), needs: [$($need:ident),*], doc: $doc:expr,
        unit: $unit:literal, what: ($wzh:literal, $wen:literal), show: $show:expr, measure: $measure:expr $(,)?
    ) => {
        $crate::rules::declare_rule!(
            $ty, id: $id, title: ($tzh, $ten), subject: Units, needs: [$($need),*], doc: $doc,
            validate: super::area_metric::validate,
            check: |rule, cfg, ctx: &super::Context| {
                let metric = super::area_metric::Metric {
                    rule,
                    unit: $unit,
                    what: $crate::text::Text::new($wzh, $wen),
                    show: $show,
                };
                super::area_metric::evaluate(&metric, cfg, ctx, |area, p| $measure(ctx, area, p))
            },
        );
    };
}
pub(crate) use area_metric_rule;

/// Σ of a per-facility count over an area's facilities of the given kinds, or the field
/// that is missing on a facility that has beds.
pub fn sum_where(
    ctx: &Context,
    area: &Area,
    kinds: Option<&[FacilityKind]>,
    value: impl Fn(&Facility) -> Option<u64>,
) -> Option<u64> {
    ctx.facilities_of(&area.facilities)
        .filter(|f| super::common::kind_in(f, kinds))
        .map(&value)
        .try_fold(0u64, |acc, v| v.map(|v| acc + v))
}

/// A population figure of an area: the unit's own, or for the whole plan the sum over the
/// units of the highest level present.
pub fn area_population(
    ctx: &Context,
    area: &Area,
    field: impl Fn(&crate::plan::model::Unit) -> Option<u64>,
) -> Option<u64> {
    match area.unit {
        Some(u) => field(&ctx.plan.units[u]),
        None => {
            let top = ctx
                .plan
                .units
                .iter()
                .filter_map(|u| u.level.map(|l| l.rank()))
                .min()?;
            ctx.plan
                .units
                .iter()
                .filter(|u| u.level.map(|l| l.rank()) == Some(top))
                .map(&field)
                .try_fold(0u64, |acc, v| v.map(|v| acc + v))
        }
    }
}

/// Shows a share as a percentage.
pub fn show_pct(x: f64) -> String {
    crate::text::pct(x)
}

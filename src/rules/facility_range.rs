//! The shape shared by "a facility's value lies within a range" (street-center-floor-area,
//! street-center-beds): for each facility of the given kinds, a field must be at least
//! `min` (when given) and at most `max`. `required` is the bound that was crossed, or the
//! maximum when it passes.

use serde::Deserialize;

use super::common::{kind_in, resolve, Bound, Inputs, Verdict};
use crate::model::{Facility, FacilityKind, Need};
use crate::model::{Finding, Measure, Status};
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::text::{num, Text};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeParams {
    pub kinds: Vec<FacilityKind>,
    #[serde(default)]
    pub min: Option<ThresholdSpec>,
    pub max: ThresholdSpec,
}

impl RangeParams {
    pub fn check(&self) -> Result<(), String> {
        if self.kinds.is_empty() {
            return Err("`kinds` is empty: name the kinds whose facilities are checked".into());
        }
        Ok(())
    }
}

/// The field a range rule reads.
pub struct RangeField {
    pub name: &'static str,
    pub unit: &'static str,
    /// "建筑面积" / "floor area"
    pub what: Text,
    /// "平方米" / "m²"
    pub unit_text: Text,
    pub get: fn(&Facility) -> Option<f64>,
}

pub fn evaluate(
    rule: &'static str,
    field: &RangeField,
    p: &RangeParams,
    cfg: &RuleConfig,
    ctx: &Inputs,
) -> Vec<Finding> {
    let min = p.min.as_ref().map(|m| resolve(ctx, cfg, m));
    let max = resolve(ctx, cfg, &p.max);
    let v = Verdict::with_target(rule, field.unit, Need::AtMost, ctx, &max);
    let kinds = Some(p.kinds.as_slice());
    let say = |value: f64, tail_zh: String, tail_en: String| {
        Text::new(
            format!(
                "{} {} {}，{tail_zh}",
                field.what.zh,
                num(value, 1),
                field.unit_text.zh
            ),
            format!(
                "{} {} {}, {tail_en}",
                field.what.en,
                num(value, 1),
                field.unit_text.en
            ),
        )
    };
    let (uz, ue) = (&field.unit_text.zh, &field.unit_text.en);
    (0..ctx.plan.facilities.len())
        .filter(|&i| kind_in(&ctx.plan.facilities[i], kinds))
        .map(|i| {
            let subject = ctx.facility_subject(i);
            let Some(x) = (field.get)(&ctx.plan.facilities[i]) else {
                return v.missing(subject, field.name, "facilities");
            };
            let (status, (required, need), msg) = match &min {
                Some(lo) if !Bound::Min.holds(x, lo.value) => {
                    let (gap, b) = (num(lo.value - x, 1), num(lo.value, 1));
                    (
                        Status::Fail,
                        (lo.value, Need::AtLeast),
                        say(
                            x,
                            format!("低于下限 {b} {uz}，差 {gap} {uz}"),
                            format!("{gap} {ue} short of the minimum {b} {ue}"),
                        ),
                    )
                }
                _ if !Bound::Max.holds(x, max.value) => {
                    let (gap, b) = (num(x - max.value, 1), num(max.value, 1));
                    (
                        Status::Fail,
                        (max.value, Need::AtMost),
                        say(
                            x,
                            format!("超出上限 {b} {uz} {gap} {uz}"),
                            format!("over the {b} {ue} maximum by {gap} {ue}"),
                        ),
                    )
                }
                _ => (
                    Status::Pass,
                    (max.value, Need::AtMost),
                    say(x, "在限值以内".into(), "within the limits".into()),
                ),
            };
            let mut f = v.finding(
                subject,
                status,
                Measure::num(x),
                Measure::num(required),
                msg,
            );
            // The bound crossed: the minimum, or the maximum.
            f.need = need;
            f
        })
        .collect()
}

/// Declares a range rule over one facility field: its id, title, docs and field.
macro_rules! range_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), doc: $doc:expr,
        field: $field:expr $(,)?
    ) => {
        $crate::rules::declare_rule!(
            $ty, id: $id, title: ($tzh, $ten), subject: Facilities, needs: [Facilities], doc: $doc,
            params: super::facility_range::RangeParams,
            validate: super::facility_range::RangeParams::check,
            check: |rule, p, cfg, ctx| super::facility_range::evaluate(rule, &$field, p, cfg, ctx),
        );
    };
}
pub(crate) use range_rule;

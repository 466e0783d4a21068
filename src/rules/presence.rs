//! The shape shared by "every unit of a level contains at least N facilities of these
//! kinds" (street-center, community-service-place).

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, resolve, Inputs, Verdict};
use super::dated;
use crate::model::{FacilityKind, LevelSel, Need};
use crate::model::{Finding, Measure, RuleDetails};
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::text::{num, t, Text};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceParams {
    pub level: LevelSel,
    #[serde(default)]
    pub kinds: Option<Vec<FacilityKind>>,
    pub min_count: ThresholdSpec,
}

/// Declares a presence rule: its id, title and docs; the level and kinds are the profile's.
macro_rules! presence_rule {
    ($ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), doc: $doc:expr $(,)?) => {
        $crate::rules::declare_rule!(
            $ty, id: $id, title: ($tzh, $ten), subject: Units, needs: [Units, Facilities],
            doc: $doc, dated: true,
            params: super::presence::PresenceParams,
            validate: super::presence::PresenceParams::check,
            check: super::presence::evaluate,
        );
    };
}
pub(crate) use presence_rule;

impl PresenceParams {
    pub fn check(&self) -> Result<(), String> {
        super::common::kinds_given(self.kinds.as_deref())
    }
}

pub fn evaluate(
    rule: &'static str,
    p: &PresenceParams,
    cfg: &RuleConfig,
    ctx: &Inputs,
) -> Vec<Finding> {
    let target = resolve(ctx, cfg, &p.min_count);
    let v = Verdict::with_target(rule, "facilities", Need::AtLeast, ctx, &target);
    let kinds = p.kinds.as_deref();
    let what = match kinds {
        Some(ks) => ks.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "),
        None => "any kind".to_string(),
    };
    let at = dated::count_at(&target);
    ctx.areas(&[p.level])
        .par_iter()
        .map(|area| {
            // A dated target counts what stands by its due date (rules.md).
            let split = dated::split(
                ctx.facilities_of(&area.facilities)
                    .filter(|f| kind_in(f, kinds)),
                at,
            );
            let decision =
                dated::decide(&split, |fs| fs.len(), |&n| Some(n as f64 >= target.value));
            let n = decision.measured;
            let need = num(target.value, 0);
            let by = dated::by_text(at);
            let msg = Text::new(
                format!(
                    "单元内有 {n} 处养老服务设施（{what}）{}，要求至少 {need} 处",
                    by.zh
                ),
                format!(
                    "the unit contains {n} facilities ({what}){}, at least {need} required",
                    by.en
                ),
            )
            .join(&decision.note(t!("处设施", "facilities")));
            let status = decision.status(n as f64 >= target.value);
            let mut f = v.finding(
                area.subject.clone(),
                status,
                Measure::num(n as f64),
                Measure::num(target.value),
                msg,
            );
            if at.is_some() {
                f.details.set_rule(RuleDetails::Dated(decision.details()));
            }
            f
        })
        .collect()
}

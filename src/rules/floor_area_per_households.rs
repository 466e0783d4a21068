//! `floor-area-per-households`: community elder-care floor area per 100 households.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, resolve, Bound, Inputs, Verdict};
use crate::model::{details, Finding, Measure, Need, RuleDetails, Said};
use crate::model::{CompoundStatus, FacilityKind};
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::text::{num, say, t, Lang};

const DOC: &str = r#"# floor-area-per-households — 每百户养老服务设施建筑面积

## 检查内容
每个小区：属于该小区的社区级养老服务设施（社区养老服务站、日间照料中心、街道综合养老服务中心）建筑面积之和 × 100 ÷ 户数，
新建小区不低于新建标准（如每百户30平方米），已建小区不低于已建标准（如每百户20平方米）。
不符合时给出尚缺的面积。

## What it checks
For each compound: Σ `floor_area` of the community-level facilities (`community_station`,
`day_care`, `street_center`) belonging to it × 100 / `households`, in m² per 100
households. The requirement depends on the compound's `status`: `new` compounds must
build to the new-build standard, `existing` ones provide the lower standard (by purchase,
swap or lease). A compound with 0 households is not applicable. A failing finding states
the floor area still missing: required × households / 100 − Σ floor_area.

A facility belongs to a compound when its `compound_id` names it, or else when the
compound's polygon contains the facility's reference point.

## Why
Home- and community-based care happens in rooms near home. Tying the floor area to the
number of households is how the cities make developers build those rooms with the housing
instead of leaving the district to find space later.

## Example
A new compound of 1,250 households with one 300 m² station: 300 × 100 / 1,250 = 24 m² per
100 households — short of 30; needs 1,250 × 30 / 100 − 300 = 75 m² more.
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    kinds: Vec<FacilityKind>,
    new: ThresholdSpec,
    existing: ThresholdSpec,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if self.kinds.is_empty() {
            return Err("`kinds` is empty".into());
        }
        Ok(())
    }
}

declare_rule_with_params!(
    FloorAreaPerHouseholds,
    id: "floor-area-per-households",
    title: ("每百户养老服务设施建筑面积", "Floor area per 100 households"),
    subject: Compounds,
    needs: [Compounds],
    doc: DOC,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    let new = resolve(ctx, cfg, &p.new);
    let existing = resolve(ctx, cfg, &p.existing);
    let v_new = Verdict::with_target(rule, "m2/100hh", Need::AtLeast, ctx, &new);
    let v_existing = Verdict::with_target(rule, "m2/100hh", Need::AtLeast, ctx, &existing);
    let kinds = Some(p.kinds.as_slice());
    ctx.compounds()
        .map(|i| {
            let c = &ctx.plan.compounds[i];
            let subject = ctx.compound_subject(i);
            let (v, required) = match c.status {
                Some(CompoundStatus::New) => (&v_new, new.value),
                Some(CompoundStatus::Existing) => (&v_existing, existing.value),
                None => return v_new.missing(subject, "status", "compounds"),
            };
            let Some(households) = c.households else {
                return v.missing(subject, "households", "compounds");
            };
            if households == 0 {
                return v
                    .not_applicable(subject, t!("小区户数为 0", "the compound has 0 households"));
            }
            let mut area = 0.0;
            for f in ctx
                .facilities_of(&ctx.joins.compound_facilities[i])
                .filter(|f| kind_in(f, kinds))
            {
                match f.floor_area {
                    Some(a) => area += a,
                    None => {
                        return v.missing_noted(subject, "floor_area", "facilities", Some(&f.id))
                    }
                }
            }
            if !area.is_finite() {
                return v.missing_noted(
                    subject,
                    "floor_area",
                    "facilities",
                    Some("the sum is not a finite number"),
                );
            }
            let hh = households as f64;
            let measured = area * 100.0 / hh;
            let ok = Bound::Min.holds(measured, required);
            let msg = Said {
                say,
                figures: [area, hh, required],
            };
            let mut f = v.judged(subject, ok, measured, required, msg);
            f.details
                .set_rule(RuleDetails::FloorArea(details::FloorArea {
                    floor_area: Measure::num(area),
                    missing_floor_area: Measure::num((required * hh / 100.0 - area).max(0.0)),
                }));
            f
        })
        .collect()
}

/// What a compound's finding says, from its floor area, households and the standard
/// (`figures`), as the check measured them.
fn say(_: &Finding, &[area, hh, required]: &[f64; 3], lang: Lang) -> String {
    let measured = area * 100.0 / hh;
    let mut s = say!(
        lang,
        "每百户养老服务设施建筑面积 {} 平方米（{} 平方米 / {} 户），要求 ≥ {}",
        "{} m² per 100 households ({} m² for {} households), required ≥ {}",
        num(measured, 2),
        num(area, 1),
        num(hh, 0),
        num(required, 1)
    );
    if !Bound::Min.holds(measured, required) {
        let missing = required * hh / 100.0 - area;
        s.push_str(lang.separator());
        s.push_str(&say!(
            lang,
            "还差 {} 平方米",
            "needs {} m² more",
            num(missing, 1)
        ));
    }
    s
}

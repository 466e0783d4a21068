//! `street-center-floor-area`: a street centre's floor area stays within the cap.

use super::common::{kind_in, params, validate_params, Bound, Context, Verdict};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::FacilityKind;
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::t;
use crate::text::num;

const DOC: &str = r#"# street-center-floor-area — 街道综合养老服务中心建筑面积

## What it checks
For each facility of kind `street_center`: its `floor_area` must not exceed the cap.

## Why
Xuchang wants street centres sized for a street, not small institutions in disguise; the
text says "原则上" (in principle), so the profile makes it a warning.

## Example
A street centre of 6,200 m²: over the 5,000 m² cap by 1,200 m² (warning).

## Clauses
- Xuchang: floor area within 5,000 m², in principle — 许办〔2022〕4号 二
"#;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    pub kinds: Vec<FacilityKind>,
    #[serde(default)]
    pub min: Option<ThresholdSpec>,
    pub max: ThresholdSpec,
}

declare_rule!(
    StreetCenterFloorArea,
    id: "street-center-floor-area",
    title: ("街道综合养老服务中心建筑面积", "Street centre floor area"),
    subject: Facilities,
    needs: [Facilities],
    doc: DOC,
    validate: validate_params::<Params>,
    check: check,
);

fn check(rule: &'static str, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let Ok(p) = params::<Params>(cfg) else {
        return Vec::new();
    };
    let max = super::common::resolve(ctx, cfg, &p.max);
    let v = Verdict::with_target(rule, "m2", ctx, &max);
    let kinds = Some(p.kinds.as_slice());
    ctx.plan
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| kind_in(f, kinds))
        .map(|(i, f)| {
            let subject = ctx.facility_subject(i);
            let Some(area) = f.floor_area else {
                return v.missing(subject, "floor_area", "facilities");
            };
            let ok = Bound::Max.holds(area, max.value);
            let msg = if ok {
                t!(
                    "建筑面积 {} 平方米，上限 {}",
                    "floor area {} m², cap {}",
                    num(area, 1),
                    num(max.value, 0)
                )
            } else {
                t!(
                    "建筑面积 {} 平方米，超出上限 {} 平方米 {} 平方米",
                    "floor area {} m² exceeds the {} m² cap by {} m²",
                    num(area, 1),
                    num(max.value, 0),
                    num(area - max.value, 1)
                )
            };
            let status = if ok { Status::Pass } else { Status::Fail };
            v.finding(
                subject,
                status,
                Measure::num(area),
                Measure::num(max.value),
                msg,
            )
        })
        .collect()
}

//! `street-center-beds`: a street centre's long-term beds stay within the range.

use super::common::{kind_in, params, resolve, Bound, Context, Verdict};
use super::street_center_floor_area::Params;
use crate::finding::{Finding, Measure, Status};
use crate::profile::RuleConfig;
use crate::t;

const DOC: &str = r#"# street-center-beds — 街道综合养老服务中心长期托养床位

## What it checks
For each facility of kind `street_center`: its `long_term_beds` must lie within the
range (at least `min`, at most `max`). `required` is the bound that was crossed (the
minimum when it passes).

## Why
A street centre offers some long-term beds for the street's most dependent elders, but
is not meant to become an institution; Xuchang sets 50–100 "in principle" (warning).

## Example
A street centre with 30 long-term beds: 20 short of the 50 minimum (warning).

## Clauses
- Xuchang: long-term beds 50–100, in principle — 许办〔2022〕4号 二
"#;

declare_rule!(
    StreetCenterBeds,
    id: "street-center-beds",
    title: ("街道综合养老服务中心长期托养床位", "Street centre long-term beds"),
    subject: Facilities,
    needs: [Facilities],
    doc: DOC,
    validate: |cfg: &RuleConfig| {
        let p: Params = params(cfg)?;
        p.min.map(|_| ()).ok_or_else(|| "needs `min` and `max`".to_string())
    },
    check: check,
);

fn check(rule: &'static str, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let Ok(p) = params::<Params>(cfg) else {
        return Vec::new();
    };
    let Some(min) = p.min.as_ref().map(|m| resolve(ctx, cfg, m)) else {
        return Vec::new();
    };
    let max = resolve(ctx, cfg, &p.max);
    let v = Verdict::with_target(rule, "beds", ctx, &max);
    let kinds = Some(p.kinds.as_slice());
    ctx.plan
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| kind_in(f, kinds))
        .map(|(i, f)| {
            let subject = ctx.facility_subject(i);
            let Some(beds) = f.long_term_beds else {
                return v.missing(subject, "long_term_beds", "facilities");
            };
            let b = beds as f64;
            let (status, required, msg) = if !Bound::Min.holds(b, min.value) {
                (
                    Status::Fail,
                    min.value,
                    t!(
                        "长期托养床位 {} 张，距下限还差 {} 张（下限 {} 张）",
                        "{} long-term beds, {} short of the minimum {}",
                        b,
                        min.value - b,
                        min.value
                    ),
                )
            } else if !Bound::Max.holds(b, max.value) {
                (
                    Status::Fail,
                    max.value,
                    t!(
                        "长期托养床位 {} 张，超出 {} 张（上限 {} 张）",
                        "{} long-term beds, {} over the maximum {}",
                        b,
                        b - max.value,
                        max.value
                    ),
                )
            } else {
                (
                    Status::Pass,
                    min.value,
                    t!(
                        "长期托养床位 {} 张，在 {}–{} 张之间",
                        "{} long-term beds, within {}–{}",
                        b,
                        min.value,
                        max.value
                    ),
                )
            };
            v.finding(
                subject,
                status,
                Measure::num(b),
                Measure::num(required),
                msg,
            )
        })
        .collect()
}

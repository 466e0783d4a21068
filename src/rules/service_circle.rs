//! `service-circle`: the 15-minute community elder-care service circle. The distances are
//! the analysis's ([`crate::analysis::Circle`]): walked along the road network when the
//! plan has one, else the straight line between reference points, flagged approximate.

use super::common::{resolve, Bound, Inputs, Verdict};
use crate::analysis::{Circle, CircleParams};
use crate::model::{details, Body, Finding, Measure, Need, RuleDetails, Said, Status};
use crate::profile::RuleConfig;
use crate::text::t;
use crate::text::{num, say, Lang};

const DOC: &str = r#"# service-circle — 15分钟城市社区养老服务圈

## 检查内容
每个城镇小区：从小区参考点沿步行路网到最近的社区养老服务设施（社区养老服务站、日间照料中心、
街道综合养老服务中心）的步行距离，不得超过政策规定（15分钟步行）的最大距离。没有路网时按直线距离估算。

## What it checks
For each `urban` compound: the walking distance from the compound's reference point to the
nearest facility of the qualifying kinds (`community_station`, `day_care`,
`street_center`). It must not exceed the profile's maximum walking distance.

- With a road network (a `roads.*` layer): the compound's reference point and each
  facility's reference point are snapped to the nearest point on the nearest road
  segment — on each segment as near, within 1 cm, when there are several (a compound
  centred between two streets may walk out to either); distance = snap leg + shortest
  path along the network + snap leg, the shortest over those ways in. One multi-source
  search from all qualifying facilities gives every junction its distance to the nearest
  one. A compound that cannot reach any facility fails with "no path".
- Facilities equally near a compound are settled by id (the smallest is its nearest),
  never by their order in the file.
- Without one: the straight-line distance between reference points, flagged
  `approximate` in the finding's details and the report. Walking is never shorter than
  the straight line, so a straight-line failure is a real failure, while a straight-line
  pass may still fail on the network.

The report also gives, per unit and for the plan, the share of urban compounds and of
their population inside the circle.

## Why
Older people use a service only if they can walk to it. "15 minutes" is the policy's
promise; the profile turns it into metres: TD/T 1062-2021 puts the 15-minute life circle
at 800–1000 m of walking, and older people's comfortable single-trip walk is near 800 m.

## Example
A compound 1,240 m from the nearest station, limit 800 m: fail, 440 m too far.
"#;

declare_rule!(
    ServiceCircle,
    id: "service-circle",
    title: ("15分钟养老服务圈", "15-minute service circle"),
    subject: Compounds,
    needs: [Compounds, Facilities],
    doc: DOC,
    params: CircleParams,
    validate: CircleParams::check,
    circle: Some,
    check: check,
);

fn check(rule: &'static str, p: &CircleParams, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    // The analysis measured the circle with these same parameters (it has not only when
    // the measuring failed).
    let Some(circle) = ctx.analysis.circle.as_ref() else {
        return vec![super::common_skipped(
            rule,
            crate::model::Layer::Compounds,
            cfg,
            ctx.profile,
            t!(
                "内部错误：未能测算服务圈距离（请报告此问题）",
                "internal error: the circle's distances could not be measured (please report this)"
            ),
        )];
    };
    let max = resolve(ctx, cfg, &p.max_distance);
    let speed = p
        .walking_speed
        .as_ref()
        .map(|s| resolve(ctx, cfg, s).value)
        .filter(|s| *s > 0.0);
    let v = Verdict::with_target(rule, "m", Need::AtMost, ctx, &max);
    // In the compounds' order, as the report lists them (no sorting left to do when the
    // layer lists them by id): a compound of another area type is not applicable, an
    // urban one is judged by its walk (the circle measured each, in that same order).
    let mut measured = circle
        .reach
        .iter()
        .filter(|(c, _)| ctx.wanted(*c))
        .peekable();
    (0..ctx.plan.compounds.len())
        .filter(|&i| ctx.wanted(i))
        .filter_map(|i| {
            if !p.area_types.contains(&ctx.plan.compounds[i].area_type) {
                return Some(v.not_applicable(
                    ctx.compound_subject(i),
                    Body::Fixed("非城市小区", "not an urban compound"),
                ));
            }
            let &(compound, nearest) = measured.next_if(|(c, _)| *c == i)?;
            let (mut f, mut details) = one(compound, nearest, &v, ctx, circle, speed);
            details.access_2sfca = Some(Measure::num(
                circle.access.get(&compound).copied().unwrap_or(0.0),
            ));
            f.details.set_rule(RuleDetails::ServiceCircle(details));
            Some(f)
        })
        .collect()
}

/// The finding of one urban compound, and its details.
fn one(
    compound: usize,
    nearest: Option<(usize, f64)>,
    v: &Verdict,
    ctx: &Inputs,
    circle: &Circle,
    speed: Option<f64>,
) -> (Finding, details::ServiceCircle) {
    let subject = ctx.compound_subject(compound);
    let (walking, method, max) = (circle.walking, circle.method(), circle.max_distance);
    let Some((fac, dist)) = nearest else {
        let why = if walking {
            Body::Fixed(
                "沿步行路网无法到达任何符合条件的养老服务设施（无路径）",
                "no path: no qualifying facility can be reached over the walking network",
            )
        } else {
            Body::Fixed(
                "规划范围内没有符合条件的养老服务设施",
                "no qualifying facility in the plan",
            )
        };
        let f = v.finding(subject, Status::Fail, Measure::Null, Measure::num(max), why);
        let details = details::ServiceCircle {
            method,
            ..Default::default()
        };
        return (f, details);
    };
    let ok = circle.inside(nearest);
    let facility = &ctx.plan.facilities[fac];
    let msg = Said {
        say,
        figures: [dist, max, speed.unwrap_or(f64::NAN)],
    };
    let f = v.judged(subject, ok, dist, max, msg);
    let details = details::ServiceCircle {
        nearest_facility: Some(facility.id.clone()),
        nearest_name: (!facility.name.is_empty()).then(|| facility.name.clone()),
        method,
        approximate: Some(!walking),
        minutes: speed.map(|s| Measure::num(dist / s)),
        access_2sfca: None,
    };
    (f, details)
}

/// What an urban compound's finding says when printed: the walk to its nearest facility
/// (`figures`: the distance, the limit and the walking speed, NaN for none), as measured.
fn say(f: &Finding, &[dist, max, speed]: &[f64; 3], lang: Lang) -> String {
    let Some(RuleDetails::ServiceCircle(c)) = f.details.rule() else {
        return String::new();
    };
    let label = c
        .nearest_name
        .as_deref()
        .or(c.nearest_facility.as_deref())
        .unwrap_or_default();
    let (d, lim) = (num(dist, 0), num(max, 0));
    let mut s = if c.method == "network" {
        say!(
            lang,
            "沿路网步行 {d} 米到最近的养老服务设施「{}」，限值 {lim} 米",
            "{d} m on foot along the network to the nearest facility '{}', limit {lim} m",
            label
        )
    } else {
        say!(
            lang,
            "距最近的养老服务设施「{}」直线 {d} 米（近似），限值 {lim} 米",
            "{d} m in a straight line (approximate) from the nearest facility '{}', limit {lim} m",
            label
        )
    };
    if !speed.is_nan() {
        let (m, v) = (num(dist / speed, 1), num(speed, 1));
        s.push_str(lang.separator());
        s.push_str(&say!(
            lang,
            "按每分钟 {v} 米约 {m} 分钟",
            "about {m} min at {v} m/min"
        ));
    }
    if !Bound::Max.holds(dist, max) {
        s.push_str(lang.separator());
        s.push_str(&say!(
            lang,
            "超出 {} 米",
            "{} m too far",
            num(dist - max, 0)
        ));
    }
    s
}

//! `service-circle`: the 15-minute community elder-care service circle.
//!
//! Distances come from a [`DistanceModel`]: walking along the road network when the plan
//! has one, else the straight line between reference points, flagged approximate.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::common::{resolve, Bound, Context, Verdict};
use super::Rule;
use crate::finding::{Finding, Measure, Status};
use crate::network::{Reach as NetworkReach, Snap, Walkable};
use crate::plan::model::{AreaType, FacilityKind};
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::t;
use crate::text::{num, Text};

const DOC: &str = r#"# service-circle — 15分钟城市社区养老服务圈

## What it checks
For each `urban` compound: the walking distance from the compound's reference point to the
nearest facility of the qualifying kinds (`community_station`, `day_care`,
`street_center`). It must not exceed the profile's maximum walking distance.

- With a road network (a `roads.*` layer): the compound's reference point and each
  facility's reference point are snapped to the nearest point on the nearest road
  segment; distance = snap leg + shortest path along the network + snap leg. One
  multi-source search from all qualifying facilities gives every junction its distance to
  the nearest one. A compound that cannot reach any facility fails with "no path".
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

## Clauses
- Anyang: "初步形成15分钟城市社区养老服务圈" by 2020 — 安政办〔2017〕80号 行动计划 三(二)2
- Shangqiu: the same words, by 2020 — 三(二)2
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    kinds: Vec<FacilityKind>,
    area_types: Vec<AreaType>,
    max_distance: ThresholdSpec,
    #[serde(default)]
    walking_speed: Option<ThresholdSpec>,
}

declare_rule!(
    ServiceCircle,
    id: "service-circle",
    title: ("15分钟养老服务圈", "15-minute service circle"),
    subject: Compounds,
    needs: [Compounds, Facilities],
    doc: DOC,
    params: Params,
    validate: |p: &Params| if p.kinds.is_empty() || p.area_types.is_empty() {
        Err("`kinds` and `area_types` must name at least one value".to_string())
    } else {
        Ok(())
    },
    check: check,
);

/// How distances from compounds to facilities are measured.
pub trait DistanceModel: Sync {
    /// For each compound, the nearest qualifying facility and the distance to it, in metres.
    fn nearest_all(
        &self,
        ctx: &Context,
        compounds: &[usize],
        qualifies: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Option<(usize, f64)>>;
    /// "straight_line" or "network".
    fn method(&self) -> &'static str;
}

/// Straight-line distance between reference points, through the facility R-tree.
pub struct StraightLine;

impl DistanceModel for StraightLine {
    fn nearest_all(
        &self,
        ctx: &Context,
        compounds: &[usize],
        qualifies: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Option<(usize, f64)>> {
        compounds
            .par_iter()
            .map(|&c| {
                ctx.joins
                    .facility_points
                    .nearest_where(ctx.plan.compounds[c].reference, qualifies)
            })
            .collect()
    }
    fn method(&self) -> &'static str {
        "straight_line"
    }
}

/// Walking distance on the road network (rules.md): snap leg + shortest path + snap leg,
/// from one multi-source search over all qualifying facilities.
pub struct Walking<'n>(pub &'n Walkable);

impl DistanceModel for Walking<'_> {
    fn nearest_all(
        &self,
        ctx: &Context,
        compounds: &[usize],
        qualifies: &(dyn Fn(usize) -> bool + Sync),
    ) -> Vec<Option<(usize, f64)>> {
        let w = self.0;
        let sources: Vec<(usize, Snap)> = (0..ctx.plan.facilities.len())
            .filter(|&f| qualifies(f))
            .filter_map(|f| w.facilities[f].map(|s| (f, s)))
            .collect();
        let reach = NetworkReach::from_sources(&w.net, &sources);
        compounds
            .par_iter()
            .map(|&c| w.compounds[c].and_then(|s| reach.nearest(&w.net, &s)))
            .collect()
    }
    fn method(&self) -> &'static str {
        "network"
    }
}

/// The distance model of a check: walking when the plan has roads, else the straight line.
fn model<'a>(ctx: &Context<'a>) -> Box<dyn DistanceModel + 'a> {
    match ctx.network {
        Some(net) => Box::new(Walking(net)),
        None => Box::new(StraightLine),
    }
}

/// One compound's distance, or none for compounds that are not subjects.
struct Reach {
    compound: usize,
    nearest: Option<(usize, f64)>,
}

fn reach(p: &Params, ctx: &Context, model: &dyn DistanceModel) -> Vec<Reach> {
    let qualifies = |f: usize| {
        ctx.plan.facilities[f]
            .kind
            .is_some_and(|k| p.kinds.contains(&k))
    };
    let subjects: Vec<usize> = (0..ctx.plan.compounds.len())
        .filter(|&i| p.area_types.contains(&ctx.plan.compounds[i].area_type))
        .collect();
    let nearest = model.nearest_all(ctx, &subjects, &qualifies);
    subjects
        .into_iter()
        .zip(nearest)
        .map(|(compound, nearest)| Reach { compound, nearest })
        .collect()
}

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let model = model(ctx);
    let walking = model.method() == "network";
    let max = resolve(ctx, cfg, &p.max_distance);
    let speed = p
        .walking_speed
        .as_ref()
        .map(|s| resolve(ctx, cfg, s).value)
        .filter(|s| *s > 0.0);
    let v = Verdict::with_target(rule, "m", ctx, &max);
    let not_urban = (0..ctx.plan.compounds.len())
        .filter(|&i| !p.area_types.contains(&ctx.plan.compounds[i].area_type))
        .map(|i| {
            v.not_applicable(
                ctx.compound_subject(i),
                t!("非城市小区", "not an urban compound"),
            )
        });
    let qualifying: Vec<usize> = (0..ctx.plan.facilities.len())
        .filter(|&f| {
            ctx.plan.facilities[f]
                .kind
                .is_some_and(|k| p.kinds.contains(&k))
        })
        .collect();
    let subjects: Vec<usize> = (0..ctx.plan.compounds.len())
        .filter(|&i| p.area_types.contains(&ctx.plan.compounds[i].area_type))
        .collect();
    let access = super::two_step_fca::scores(ctx, &qualifying, &subjects, max.value);
    let checked = reach(p, ctx, model.as_ref()).into_iter().map(|r| {
        let mut f = one(&r, &v, ctx, &max, speed, walking, model.method());
        f.details.insert(
            "access_2sfca".into(),
            Measure::num(access.get(&r.compound).copied().unwrap_or(0.0)).into_json(),
        );
        f
    });
    not_urban.chain(checked).collect()
}

/// The finding of one urban compound.
fn one(
    r: &Reach,
    v: &Verdict,
    ctx: &Context,
    max: &crate::profile::Resolved,
    speed: Option<f64>,
    walking: bool,
    method: &'static str,
) -> Finding {
    {
        let subject = ctx.compound_subject(r.compound);
        let Some((fac, dist)) = r.nearest else {
            let why = if walking {
                t!(
                    "沿步行路网无法到达任何符合条件的养老服务设施（无路径）",
                    "no path: no qualifying facility can be reached over the walking network"
                )
            } else {
                t!(
                    "规划范围内没有符合条件的养老服务设施",
                    "no qualifying facility in the plan"
                )
            };
            let mut f = v.finding(
                subject,
                Status::Fail,
                Measure::Null,
                Measure::num(max.value),
                why,
            );
            f.details.insert("method".into(), method.into());
            return f;
        };
        let ok = Bound::Max.holds(dist, max.value);
        let facility = &ctx.plan.facilities[fac];
        let label = if facility.name.is_empty() {
            &facility.id
        } else {
            &facility.name
        };
        let (d, lim) = (num(dist, 0), num(max.value, 0));
        let mut msg = if walking {
            Text::new(
                format!(
                    "沿路网步行 {d} 米到最近的养老服务设施「{}」，限值 {lim} 米",
                    label
                ),
                format!(
                    "{d} m on foot along the network to the nearest facility '{}', limit {lim} m",
                    label
                ),
            )
        } else {
            Text::new(
                format!("距最近的养老服务设施「{}」直线 {d} 米（近似），限值 {lim} 米", label),
                format!("{d} m in a straight line (approximate) from the nearest facility '{}', limit {lim} m", label),
            )
        };
        if let Some(s) = speed {
            let (m, v) = (num(dist / s, 1), num(s, 1));
            msg = msg.join(&Text::new(
                format!("按每分钟 {v} 米约 {m} 分钟"),
                format!("about {m} min at {v} m/min"),
            ));
        }
        if !ok {
            msg = msg.join(&t!("超出 {} 米", "{} m too far", num(dist - max.value, 0)));
        }
        let mut f = v.judged(subject, ok, dist, max.value, msg);
        f.details
            .insert("nearest_facility".into(), facility.id.clone().into());
        f.details.insert("method".into(), method.into());
        f.details.insert("approximate".into(), (!walking).into());
        if let Some(s) = speed {
            f.details
                .insert("minutes".into(), Measure::num(dist / s).into_json());
        }
        f
    }
}

/// The circle's coverage figures for one unit, or for the plan.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnitCircle {
    pub id: String,
    pub name: String,
    pub compounds: usize,
    pub inside: usize,
    pub population: f64,
    pub population_inside: f64,
    /// Compounds without `population` or `households`: counted in `compounds`, left out of
    /// the population figures.
    pub population_unknown: usize,
    pub share_compounds: Option<f64>,
    pub share_population: Option<f64>,
}

impl UnitCircle {
    fn new(id: String, name: String) -> Self {
        UnitCircle {
            id,
            name,
            compounds: 0,
            inside: 0,
            population: 0.0,
            population_inside: 0.0,
            population_unknown: 0,
            share_compounds: None,
            share_population: None,
        }
    }

    fn add(&mut self, population: Option<f64>, inside: bool) {
        self.compounds += 1;
        self.inside += usize::from(inside);
        match population {
            Some(p) => {
                self.population += p;
                if inside {
                    self.population_inside += p;
                }
            }
            None => self.population_unknown += 1,
        }
    }

    fn finish(mut self) -> Self {
        let round = |x: f64| (x * 1e6).round() / 1e6;
        self.share_compounds =
            (self.compounds > 0).then(|| round(self.inside as f64 / self.compounds as f64));
        self.share_population =
            (self.population > 0.0).then(|| round(self.population_inside / self.population));
        self.population = round(self.population);
        self.population_inside = round(self.population_inside);
        self
    }
}

/// An urban compound outside the circle: how far, and how far too far (none: no path).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outside {
    pub id: String,
    pub name: String,
    pub distance: Option<f64>,
    pub over_by: Option<f64>,
}

/// Coverage of the service circle: for the plan and for every unit with urban compounds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CircleSummary {
    pub method: &'static str,
    pub approximate: bool,
    pub max_distance: f64,
    /// What the 2SFCA scores (`details.access_2sfca`) left out: qualifying facilities
    /// without `floor_area` (no supply) and urban compounds without a population (no demand).
    pub access_2sfca_excluded: Excluded,
    pub plan: UnitCircle,
    pub units: Vec<UnitCircle>,
    /// The urban compounds outside the circle, the farthest first (no path before all).
    pub outside: Vec<Outside>,
}

/// Features left out of a computation because a value it needs is missing.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Excluded {
    pub facilities_without_floor_area: usize,
    pub compounds_without_population: usize,
}

/// The circle's coverage, from the rule's own findings (no distance is measured twice):
/// every pass or fail is an urban compound, inside when it passes.
pub fn summary(findings: &[Finding], ctx: &Context) -> Option<CircleSummary> {
    let mut plan = UnitCircle::new("plan".into(), ctx.profile.city.clone());
    let mut units: Vec<Option<UnitCircle>> = vec![None; ctx.plan.units.len()];
    let (mut method, mut max_distance) = (None, None);
    let mut outside = Vec::new();
    for f in findings.iter().filter(|f| f.rule == ServiceCircle.id()) {
        let (Some(i), Status::Pass | Status::Fail) = (f.subject.index, f.status) else {
            continue;
        };
        method = method.or_else(|| {
            f.details
                .get("method")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        });
        if let Measure::Number(m) = f.required {
            max_distance = Some(m);
        }
        let c = &ctx.plan.compounds[i];
        let population = super::two_step_fca::population(ctx, i);
        let inside = f.status == Status::Pass;
        plan.add(population, inside);
        if !inside {
            let distance = match f.measured {
                Measure::Number(d) => Some(d),
                _ => None,
            };
            let over_by = distance.zip(max_distance).map(|(d, m)| (d - m).max(0.0));
            outside.push(Outside {
                id: c.id.clone(),
                name: c.name.clone(),
                distance,
                over_by,
            });
        }
        for &u in &ctx.joins.compound_units[i] {
            let unit = &ctx.plan.units[u];
            units[u]
                .get_or_insert_with(|| UnitCircle::new(unit.id.clone(), unit.name.clone()))
                .add(population, inside);
        }
    }
    let method = method?;
    let params = ServiceCircle::params(ctx.prepared);
    let excluded = Excluded {
        facilities_without_floor_area: ctx
            .plan
            .facilities
            .iter()
            .filter(|f| {
                f.floor_area.is_none()
                    && params
                        .as_ref()
                        .is_some_and(|p| f.kind.is_some_and(|k| p.kinds.contains(&k)))
            })
            .count(),
        compounds_without_population: plan.population_unknown,
    };
    // No path first, then the farthest; ties by id.
    outside.sort_by(|a: &Outside, b: &Outside| {
        let key = |o: &Outside| o.over_by.unwrap_or(f64::INFINITY);
        key(b).total_cmp(&key(a)).then_with(|| a.id.cmp(&b.id))
    });
    let mut units: Vec<UnitCircle> = units
        .into_iter()
        .flatten()
        .map(UnitCircle::finish)
        .collect();
    units.sort_by(|a, b| a.id.cmp(&b.id));
    Some(CircleSummary {
        approximate: method == StraightLine.method(),
        method: if method == StraightLine.method() {
            StraightLine.method()
        } else {
            "network"
        },
        max_distance: max_distance.unwrap_or(f64::NAN),
        access_2sfca_excluded: excluded,
        plan: plan.finish(),
        units,
        outside,
    })
}

/// The service areas of the qualifying facilities: every stretch of road within the
/// profile's walking distance of one (None without this rule).
pub fn service_areas(ctx: &Context, walkable: &Walkable) -> Option<Vec<crate::report::ServiceArea>> {
    let p = ServiceCircle::params(ctx.prepared)?;
    let cfg = ctx.profile.rules.get(ServiceCircle.id())?;
    let max = resolve(ctx, cfg, &p.max_distance).value;
    let plan = ctx.plan;
    let sources: Vec<(usize, Snap)> = (0..plan.facilities.len())
        .filter(|&f| {
            plan.facilities[f]
                .kind
                .is_some_and(|k| p.kinds.contains(&k))
        })
        .filter_map(|f| walkable.facilities[f].map(|s| (f, s)))
        .collect();
    let pieces = NetworkReach::from_sources(&walkable.net, &sources).pieces(&walkable.net, max);
    Some(
        pieces
            .into_iter()
            .map(|p| {
                let f = &plan.facilities[p.source];
                crate::report::ServiceArea {
                    facility: f.id.clone(),
                    facility_name: f.name.clone(),
                    from: p.from,
                    to: p.to,
                    d_from: p.d_from,
                    d_to: p.d_to,
                }
            })
            .collect(),
    )
}

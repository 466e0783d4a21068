//! `facility-coverage`: the share of communities, towns and villages with a facility.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, resolve, Area, Bound, Inputs, Verdict};
use super::dated::{self, Standing};
use crate::model::{details, Finding, Measure, Need, RuleDetails, Status, Subject};
use crate::model::{FacilityKind, LevelSel};
use crate::profile::{RuleConfig, ThresholdSpec};
use crate::text::t;
use crate::text::{pct, Text};

const DOC: &str = r#"# facility-coverage — 养老服务设施覆盖率

## 检查内容
全市：某一层级单元（城市社区、乡镇、行政村）中，内有政策所列类型设施的单元所占比例，
须达到当期目标。结果列出没有设施的单元。

## What it checks
For the city, per target of the profile: among the units of a level (urban `community`,
`town`, `village`) inside the city, the share that contain at least one facility of the
kinds the text names for that level (Changzhi counts only villages of at least 1,000
people). The share must reach the target in force. The finding lists the units without
one. The subject id is `<city id>/<level>`, one finding per target (`/<kinds>` is added
where two targets share a level).

Which kinds cover a unit is the profile's, per level, from the words of the text:
- "居家社区养老服务设施" / "社区养老服务设施" / "居家养老服务设施" (home and community care)
  are `community_station`, `day_care` and `street_center`: a nursing home or another
  institution inside a community does not cover it.
- For towns and rural communities the texts speak of "社区综合服务设施和站点" that include
  elder-care services; in the countryside that place is the mutual-aid home (`rural_home`,
  农村幸福院, which the texts list among the home and community care facilities: Anyang
  行动计划 三(二)1, Wuhan 三(一)4), so towns and villages count `rural_home` beside the
  three community kinds.
- Changzhi names its kinds itself: urban communities with day care (`day_care`, "日间照料
  机构"), ≥ 60% with a home-care service centre (`community_station`, `street_center`,
  "居家养老服务中心"), villages of ≥ 1,000 people with rural day care (`day_care`,
  `rural_home`, "农村日间照料幸福工程").

## Why
Coverage targets are how the city texts make "every community has a place to go"
checkable; a plan can add beds in the centre and leave whole towns without any service.

## Example
12 urban communities, 11 with a facility: 91.7% — Anyang wants 100% by 2020: fail,
1 community without a facility (listed).
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub targets: Vec<CoverageTarget>,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if self.targets.is_empty() {
            return Err("`targets` is empty: give at least one".into());
        }
        match self.targets.iter().find(|t| t.kinds.is_empty()) {
            Some(t) => Err(format!(
                "the {} target names no `kinds`: list the kinds the text counts",
                serde_plain(t.level)
            )),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageTarget {
    pub level: LevelSel,
    pub share: ThresholdSpec,
    /// The kinds that cover a unit: the ones the text names for the level.
    pub kinds: Vec<FacilityKind>,
    #[serde(default)]
    pub min_population: Option<u64>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub label_en: Option<String>,
}

impl Params {
    /// The subject id of `target`'s finding in the city `city_id`: `<city>/<level>`, with
    /// `/<kinds>` where two targets share a level.
    pub fn subject_id(&self, city_id: &str, target: &CoverageTarget) -> String {
        let shared = self
            .targets
            .iter()
            .filter(|t| t.level == target.level)
            .count()
            > 1;
        let mut key = format!("{city_id}/{}", serde_plain(target.level));
        if shared {
            key.push('/');
            key.push_str(
                &target
                    .kinds
                    .iter()
                    .map(|k| serde_plain(*k))
                    .collect::<Vec<_>>()
                    .join("+"),
            );
        }
        key
    }
}

super::declare_rule!(
    FacilityCoverage,
    id: "facility-coverage",
    title: ("养老服务设施覆盖率", "Facility coverage"),
    subject: Units,
    needs: [Units, Facilities],
    doc: DOC,
    dated: true,
    params: Params,
    validate: Params::check,
    check: check,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    let cities = ctx.areas(&[LevelSel::City]);
    cities
        .iter()
        .flat_map(|city| p.targets.iter().map(move |target| (city, target)))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|(city, target)| {
            let key = p.subject_id(&city.subject.id, target);
            one_target(rule, cfg, ctx, city, target, key)
        })
        .collect()
}

fn one_target(
    rule: &'static str,
    cfg: &RuleConfig,
    ctx: &Inputs,
    city: &Area,
    target: &CoverageTarget,
    key: String,
) -> Finding {
    let share = resolve(ctx, cfg, &target.share);
    let v = Verdict::with_target(rule, "ratio", Need::AtLeast, ctx, &share);
    let kinds = Some(target.kinds.as_slice());
    let level = target.level.name();
    let label = Text::new(
        target.label.clone().unwrap_or_else(|| level.zh.clone()),
        target.label_en.clone().unwrap_or_else(|| level.en.clone()),
    );
    let subject = Subject {
        layer: city.subject.layer,
        id: key,
        name: format!("{} {}", city.subject.name, label.zh),
        index: city.unit,
    };
    let mut units = ctx.units_within(city, target.level);
    let mut unknown_population = 0;
    if let Some(min) = target.min_population {
        units.retain(|&u| match ctx.plan.units[u].population {
            Some(pop) => pop >= min,
            None => {
                unknown_population += 1;
                false
            }
        });
    }
    if unknown_population > 0 {
        return v.missing(subject, "population", "units");
    }
    if units.is_empty() {
        return v.not_applicable(
            subject,
            Text::new(
                format!("没有{}单元", label.zh),
                format!("no {} units", label.en),
            ),
        );
    }
    // A unit is covered from the day its first facility of the kinds stands; a dated
    // target counts the units covered by its due date (rules.md).
    let at = dated::count_at(&share);
    let mut split = dated::Split::new(at);
    for &u in &units {
        let standings = ctx
            .facilities_of(&ctx.joins.unit_facilities[u])
            .filter(|f| kind_in(f, kinds))
            .map(|f| at.map_or(Standing::By, |(stage, due)| stage.standing(f, due)));
        if let Some(standing) = dated::first_standing(standings) {
            split.push(standing, u);
        }
    }
    let split = split.sorted();
    let total = units.len();
    let decision = dated::decide(
        &split,
        |covered: &[usize]| covered.len() as f64 / total as f64,
        |&m| Some(Bound::Min.holds(m, share.value)),
    );
    let measured = decision.measured;
    let ok = Bound::Min.holds(measured, share.value);
    let status = decision.status(ok);
    let covered = split.by.len();
    let (m, r) = (pct(measured), pct(share.value));
    let by = dated::by_text(at);
    let mut msg = Text::new(
        format!(
            "{}覆盖率{} {m}（{covered}/{total}），要求 ≥ {r}",
            label.zh, by.zh
        ),
        format!(
            "{} coverage{} {m} ({covered}/{total}), required ≥ {r}",
            label.en, by.en
        ),
    );
    // By id: the report never depends on the order of the features in the file.
    let mut covered_units = split.by.clone();
    covered_units.sort_unstable();
    let mut ids: Vec<String> = units
        .iter()
        .filter(|u| covered_units.binary_search(u).is_err())
        .map(|&u| ctx.plan.units[u].id.clone())
        .collect();
    ids.sort_unstable();
    if status == Status::Fail {
        let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
        let more = if ids.len() > 10 {
            format!(" …(+{})", ids.len() - 10)
        } else {
            String::new()
        };
        msg = msg.join(&t!(
            "未覆盖：{}{}",
            "without a facility: {}{}",
            shown.join(", "),
            more
        ));
    }
    let msg = msg.join(&decision.note(t!(
        "个单元仅有规划设施，",
        "units with only planned facilities"
    )));
    let mut f = v.finding(
        subject,
        status,
        Measure::num(measured),
        Measure::num(share.value),
        msg,
    );
    f.details.set_rule(RuleDetails::FacilityCoverage(Box::new(
        details::FacilityCoverage {
            units: units.len(),
            kinds: target.kinds.iter().map(|k| k.name()).collect(),
            uncovered: ids,
            dated: at.map(|_| decision.details()),
        },
    )));
    f
}

/// The snake_case name serde gives a value (`LevelSel::Community` → `community`).
fn serde_plain<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

//! `facility-count`: how many facilities of a kind a unit has, against a number the text
//! sets ("启动建设社区养老服务中心6个以上", "开展医养结合服务的机构达到18家").

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{Inputs, Verdict};
use super::requirement::{Met, Requirement};
use crate::model::{details, Finding, Measure, Need, RuleDetails, Status, Subject};
use crate::profile::RuleConfig;
use crate::text::t;
use crate::text::{num, Text};

const DOC: &str = r#"# facility-count — 养老服务设施数量目标

## 检查内容
政策中每一项设施数量目标（如“××年前建成社区养老服务中心××个”）：单元内符合类型、
医养结合、床位、运营方等条件，并在目标年底前开工或建成的设施数量，不得少于目标数。

## What it checks
For each target of the profile and each unit of its level (the city: the whole plan when
it has no city unit): the number of facilities in the unit that meet the target — of its
`kinds`, with `medical_care` when it says so, with at least `min_beds` beds, run by one of
its `operators`, and, where the text dates a stage, that reached it by the target's due
date (the end of its year): `stage = "started"` for "启动建设" (`construction_start`, else
`completion_date`), `stage = "completed"` for "…以前建成" (`completion_date`). Planned
dates count, as they do for construction timing. It must be at least `min_count`. One finding per unit and target, subject id
`<unit id>/<key>`; measured and required are counts of facilities.

A facility in service (`status` `existing`) always counts, and so does one with neither
status nor dates (taken as existing; the report's notes count them). One that reaches the
stage only after the due date does not count; when such facilities make up the number
later, the finding says from when (`details.met_from`). A facility that would count but
lacks a value the target reads (`medical_care`, `beds`, `operator`, `level`, the date of
a `planned` facility) makes the answer `insufficient_data` when such facilities could make
up the number; nothing passes or fails by reading a missing value as "no". A facility
whose only date is a completion after the due date may have started before it: unknown.

## How the texts' terms map to the data model
- 社区养老服务中心 (community elder-care service centre): the community-level kinds
  `community_station` (the alias 社区养老服务中心 maps to it), `day_care` (the texts are
  turning day-care centres into such centres: "拓展日间照料中心功能,推动向社区养老服务中心
  转变") and `street_center`.
- 开展医养结合服务的机构 (institutions offering integrated medical care): the institution
  kinds (`institution`, `nursing_home`, `welfare_center`) with `medical_care = true`.
- 综合性社区服务中心 (comprehensive community service centre): `street_center`, the
  comprehensive centre of the data model; 城市日间照料中心: `day_care`.

## Why
Besides ratios, the texts promise a number of places by a date: "at least six centres
started in 2017". A plan that meets every ratio can still leave that promise unkept.

## Example
Anyang as of 2018-03-01: the city has 4 community-level centres whose construction
started by 2017-12-31 — fail, 2 short of 6.
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    targets: Vec<Requirement>,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if self.targets.is_empty() {
            return Err("`targets` is empty: give at least one".into());
        }
        for t in &self.targets {
            t.check()?;
            if t.key.as_deref().is_none_or(str::is_empty) {
                return Err(format!(
                    "target '{}' needs a `key`: the subject id of its findings",
                    t.label
                ));
            }
        }
        Ok(())
    }
}

declare_rule_with_params!(
    FacilityCount,
    id: "facility-count",
    title: ("养老服务设施数量目标", "Facility count targets"),
    subject: Units,
    needs: [Facilities],
    doc: DOC,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    let levels: Vec<_> = p.targets.iter().map(|t| t.level).collect();
    let areas = ctx.areas(&levels);
    areas
        .iter()
        .flat_map(|area| p.targets.iter().map(move |t| (area, t)))
        .filter(|(area, t)| t.applies(ctx, area))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&(area, t)| {
            let target = t.target(ctx, cfg);
            let v = Verdict::with_target(rule, "facilities", Need::AtLeast, ctx, &target);
            let cutoff = t.cutoff(&target, ctx);
            let count = t.count(ctx, area, cutoff);
            let subject = Subject {
                id: format!("{}/{}", area.subject.id, t.key.as_deref().unwrap_or("")),
                name: format!("{} {}", area.subject.name, t.label),
                ..area.subject.clone()
            };
            let what = t.name(cutoff);
            let (n, need) = (count.known, t.min_count);
            let msg = Text::new(
                format!("{}：{n} 处，要求至少 {need} 处", what.zh),
                format!("{}: {n}, at least {need} required", what.en),
            );
            let met_from = t.met_from(&count);
            let mut f = match t.met(&count) {
                Met::Yes => v.judged(subject, true, n as f64, need as f64, msg),
                Met::No => v.judged(
                    subject,
                    false,
                    n as f64,
                    need as f64,
                    msg.join(&t!("差 {} 处", "{} short", need - n))
                        .join(&super::dated::met_from_text(met_from)),
                ),
                Met::Unknown => v.finding(
                    subject,
                    Status::InsufficientData,
                    Measure::num(n as f64),
                    Measure::num(need as f64),
                    msg.join(&t!(
                        "另有 {} 处设施缺少所需字段（{}），无法判断",
                        "{} more facilities lack a field it reads ({}): cannot tell",
                        num(count.unknown as f64, 0),
                        count.missing.join(", ")
                    )),
                ),
            };
            f.details.set_rule(RuleDetails::Dated(details::Dated {
                by: t.stage().is_some().then(|| cutoff.to_string()),
                unknown: count.unknown,
                met_from: met_from.map(|d| d.to_string()),
            }));
            f
        })
        .collect()
}

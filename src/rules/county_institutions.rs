//! `county-institutions`: what every county (and town, and the city) must contain.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{Area, Context, Verdict};
use super::requirement::{Met, Requirement};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::LevelSel;
use crate::profile::{RuleConfig, Severity};
use crate::t;
use crate::text::Text;

const DOC: &str = r#"# county-institutions — 县级养老机构配置

## What it checks
The profile lists requirements by level; every unit of that level must contain at least
one facility meeting each (of given kinds, `medical_care`, at least `min_beds` beds).
One finding per unit: measured = requirements met, required = requirements in all; the
message names what is missing. A requirement whose year has not come yet is applied as
a warning.

## Why
County-level institutions are the safety net for the disabled poor and for medical
care; the city texts require each county to have them however the market develops.

## Example
Anyang: a county with a medical-care facility but no nursing home or welfare centre:
1 of 2 — fail, "nursing-type institution for the disabled poor" missing.

## Clauses
- Anyang: each county ≥ 1 medical-care-integrated facility and ≥ 1 nursing-type institution
  (行动计划 二); every town ≥ 1 institution (若干政策 四(十一)) — 安政办〔2017〕80号
- Changzhi: city institution ≥ 300 beds (四(一)); each county welfare centre ≥ 100 beds
  (五(一)); each county ≥ 1 medical-care facility (三) — 长民发〔2018〕95号
- Xuchang: each county ≥ 1 county-level support facility for the disabled poor — 许办〔2022〕4号 二
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    requirements: Vec<Requirement>,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if self.requirements.is_empty() {
            return Err("`requirements` is empty: give at least one".into());
        }
        self.requirements.iter().try_for_each(Requirement::check)
    }
}

declare_rule!(
    CountyInstitutions,
    id: "county-institutions",
    title: ("县级养老机构配置", "County institutions"),
    subject: Units,
    needs: [Units, Facilities],
    doc: DOC,
    params: Params,
    validate: Params::check,
    check: check,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let mut levels: Vec<LevelSel> = Vec::new();
    for r in &p.requirements {
        if !levels.contains(&r.level) {
            levels.push(r.level);
        }
    }
    ctx.areas(&levels)
        .par_iter()
        .map(|area| one_unit(rule, cfg, ctx, area, &p.requirements))
        .collect()
}

fn one_unit(
    rule: &'static str,
    cfg: &RuleConfig,
    ctx: &Context,
    area: &Area,
    reqs: &[Requirement],
) -> Finding {
    let reqs: Vec<&Requirement> = reqs.iter().filter(|r| r.applies(ctx, area)).collect();
    let mut severity = Severity::Info;
    let (mut missing, mut unknown) = (Vec::new(), Vec::new());
    let mut clauses: Vec<String> = Vec::new();
    for r in &reqs {
        let target = r.target(ctx, cfg);
        if !clauses.contains(&target.clause) {
            clauses.push(target.clause.clone());
        }
        let cutoff = r.cutoff(&target, ctx);
        let count = r.count(ctx, area, cutoff);
        let met = r.met(count);
        if met == Met::Yes {
            continue;
        }
        severity = severity.max(target.severity);
        let mut what = r.name(cutoff);
        if r.min_count > 1 {
            what = Text::new(
                format!("{}（{}/{}）", what.zh, count.known, r.min_count),
                format!("{} ({} of {})", what.en, count.known, r.min_count),
            );
        }
        if let (true, Some(due)) = (target.early, target.due()) {
            what = Text::new(
                format!("{}（{due} 到期，提前按预警提示）", what.zh),
                format!("{} (due {due}, applied early as a warning)", what.en),
            );
        }
        match met {
            Met::No => missing.push(what),
            _ => unknown.push(what),
        }
    }
    let mut v = Verdict::new(rule, "requirements", ctx, cfg);
    v.clause = clauses.join("；");
    let met = reqs.len() - missing.len() - unknown.len();
    let list = |items: &[Text]| {
        let zh: Vec<&str> = items.iter().map(|m| m.zh.as_str()).collect();
        let en: Vec<&str> = items.iter().map(|m| m.en.as_str()).collect();
        Text::new(zh.join("、"), en.join(", "))
    };
    let (status, msg) = if !missing.is_empty() {
        v.severity = severity;
        let m = list(&missing);
        let text = Text::new(
            format!("缺少：{}（满足 {met}/{} 项）", m.zh, reqs.len()),
            format!("missing: {} ({met} of {} met)", m.en, reqs.len()),
        );
        (Status::Fail, text)
    } else if !unknown.is_empty() {
        let u = list(&unknown);
        let text = Text::new(
            format!("无法判断：{}（有设施缺少所需日期）", u.zh),
            format!(
                "cannot tell: {} (facilities without the date it needs)",
                u.en
            ),
        );
        (Status::InsufficientData, text)
    } else {
        (
            Status::Pass,
            t!(
                "满足全部 {} 项配置要求",
                "meets all {} requirements",
                reqs.len()
            ),
        )
    };
    v.finding(
        area.subject.clone(),
        status,
        Measure::num(met as f64),
        Measure::num(reqs.len() as f64),
        msg,
    )
}

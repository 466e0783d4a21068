//! `county-institutions`: what every county (and town, and the city) must contain.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, params, validate_params, Area, Context, Verdict};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::{FacilityKind, LevelSel};
use crate::profile::{RuleConfig, Severity, ThresholdSpec};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Requirement {
    level: LevelSel,
    #[serde(default)]
    kinds: Option<Vec<FacilityKind>>,
    #[serde(default)]
    medical_care: Option<bool>,
    #[serde(default)]
    min_beds: Option<u64>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    clause: Option<String>,
    label: String,
    label_en: String,
}

declare_rule!(
    CountyInstitutions,
    id: "county-institutions",
    title: ("县级养老机构配置", "County institutions"),
    subject: Units,
    needs: [Units, Facilities],
    doc: DOC,
    validate: validate_params::<Params>,
    check: check,
);

fn check(rule: &'static str, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let Ok(p) = params::<Params>(cfg) else {
        return Vec::new();
    };
    let mut levels: Vec<LevelSel> = p.requirements.iter().map(|r| r.level).collect();
    levels.dedup();
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
    let reqs: Vec<&Requirement> = reqs.iter().filter(|r| r.level == area.level).collect();
    let mut severity = Severity::Info;
    let mut missing = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    for r in &reqs {
        let clause = r.clause.clone().unwrap_or_else(|| cfg.clause.clone());
        if !clauses.contains(&clause) {
            clauses.push(clause);
        }
        let met = ctx.facilities_of(&area.facilities).any(|f| {
            kind_in(f, r.kinds.as_deref())
                && r.medical_care.is_none_or(|m| f.medical_care == Some(m))
                && r.min_beds.is_none_or(|b| f.beds.unwrap_or(0) >= b)
        });
        if !met {
            let spec = ThresholdSpec::One(crate::profile::Target {
                value: 1.0,
                year: r.year,
                severity: None,
                clause: None,
                note: None,
            });
            let in_force = spec
                .resolve(cfg.severity, &cfg.clause, ctx.as_of)
                .map_or(cfg.severity, |t| t.severity);
            severity = severity.max(in_force);
            missing.push(Text::new(r.label.clone(), r.label_en.clone()));
        }
    }
    let mut v = Verdict::new(rule, "requirements", ctx, cfg);
    v.clause = clauses.join("；");
    let met = reqs.len() - missing.len();
    let (status, msg) = if missing.is_empty() {
        (
            Status::Pass,
            t!(
                "满足全部 {} 项配置要求",
                "meets all {} requirements",
                reqs.len()
            ),
        )
    } else {
        v.severity = severity;
        let zh: Vec<&str> = missing.iter().map(|m| m.zh.as_str()).collect();
        let en: Vec<&str> = missing.iter().map(|m| m.en.as_str()).collect();
        let text = Text::new(
            format!("缺少：{}（满足 {met}/{} 项）", zh.join("、"), reqs.len()),
            format!("missing: {} ({met} of {} met)", en.join(", "), reqs.len()),
        );
        (Status::Fail, text)
    };
    v.finding(
        area.subject.clone(),
        status,
        Measure::num(met as f64),
        Measure::num(reqs.len() as f64),
        msg,
    )
}

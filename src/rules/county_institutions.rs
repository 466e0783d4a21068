//! `county-institutions`: what every county (and town, and the city) must contain.

use rayon::prelude::*;
use serde::Deserialize;

use super::common::{Area, Inputs, Verdict};
use super::requirement::{Met, Requirement};
use crate::model::LevelSel;
use crate::model::{Finding, Measure, Need, Status};
use crate::profile::{RuleConfig, Severity};
use crate::text::t;
use crate::text::Text;

const DOC: &str = r#"# county-institutions — 县级养老机构配置

## 检查内容
每个县（区、街道等，按政策所列层级）须有政策列出的每一类养老机构：类型、医养结合、
床位数、运营方、设施层级（市级、县级）、护理型等条件均须满足。结果为已满足的要求数 / 要求总数，
并列出缺少的。

## What it checks
The profile lists requirements by level; every unit of that level must contain at least
`min_count` (default 1) facilities meeting each: of the given `kinds`, with
`medical_care`, with at least `min_beds` beds, run by one of the `operators`, of the
`facility_level` the text names (市级, 县级: who runs it), nursing-type where it says 护理型
(`nursing_type`: a `nursing_home`, or another of its kinds with `nursing_beds` > 0). One
finding per unit: measured = requirements met, required = requirements in all; the message
names what is missing.

A requirement is due at the end of its `year` and counts what stands by then (rules.md,
dated targets): a facility `existing` in its `status`, one completed by the due date (or
started, where the profile's `stage` says so), and one with neither status nor dates,
taken as existing (the report's notes count them). One that stands only later does not
count; when it would meet the requirement, the message says from when. Before the due
date the requirement applies as a warning, saying when it falls due. An undated
requirement counts every facility of the plan.

A facility missing a value a requirement reads (`medical_care`, `beds`, `operator`,
`level`, `nursing_beds`, or the date of a `planned` facility) is never taken for a "no":
when only such facilities could meet a requirement, the unit's answer is
`insufficient_data` (or the fail lists it as undecided beside what is missing), naming
the fields they lack.

## How the texts' terms map to the data model
- 医养结合机构 / 医疗卫生机构开展医养结合服务: a facility with `medical_care`; 医养结合服务机构 /
  医养结合型养老机构: an institution (`institution`, `nursing_home`, `welfare_center`) with
  `medical_care` (an alliance of a hospital and a home, 医养联合体, is not a facility).
- 护理型养老机构（特困失能集中供养）: a `nursing_home`, or an `institution` or
  `welfare_center` with nursing beds (a welfare centre without them is not 护理型); 养护院
  and 护理院: `nursing_home`; 老年医院 (a geriatric hospital) is entered as `nursing_home`; 社会福利中心,
  敬老院, 特困供养服务设施: `welfare_center`; 养老机构: the three institution kinds.
- 公办养老机构: `operator` `government` or `public_private` (Changzhi counts its city welfare
  home, run 公建民营, among them); 公建民营: `public_private`.
- 县(市、区) is level `county` (counties and districts); where a text names counties only (县,
  县级 with a list of counties: Changzhi 四(一), 五(一), 五(七)) the level is `county_only`;
  乡(镇) is `town`; 市辖区 is `district`.
- 市级 / 县级 of a facility (Changzhi 四(一), Xuchang 二, Shangqiu 三(一)2) are its `level`:
  the city's care home is one the city runs, not any home in the city; a township 敬老院 is
  not a county-level support facility. Shangqiu's county may have a city-level hospital or
  home standing in it.

## Why
County-level institutions are the safety net for the disabled poor and for medical
care; the city texts require each county to have them however the market develops.

## Example
Anyang: a county with a medical-care facility but no nursing home or welfare centre:
2 of 3 — fail, "nursing-type institution for the disabled poor" missing.
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
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

declare_rule_with_params!(
    CountyInstitutions,
    id: "county-institutions",
    title: ("县级养老机构配置", "County institutions"),
    subject: Units,
    needs: [Units, Facilities],
    doc: DOC,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
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
    ctx: &Inputs,
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
        let met = r.met(&count);
        if met == Met::Yes {
            continue;
        }
        let mut what = r.name(cutoff);
        if r.min_count > 1 {
            what = Text::new(
                format!("{}（{}/{}）", what.zh, count.known, r.min_count),
                format!("{} ({} of {})", what.en, count.known, r.min_count),
            );
        }
        if met == Met::Unknown {
            let fields = count.missing.join(", ");
            what = Text::new(
                format!("{}（有设施缺少 {fields}）", what.zh),
                format!("{} (facilities without {fields})", what.en),
            );
            unknown.push(what);
            continue;
        }
        // The verdict's severity is that of the requirements it fails.
        severity = severity.max(target.severity);
        if let (true, Some(due)) = (target.early, target.due()) {
            what = Text::new(
                format!("{}（{due} 到期，提前按警告提示）", what.zh),
                format!("{} (due {due}, applied early as a warning)", what.en),
            );
        }
        if let Some(from) = r.met_from(&count) {
            what = Text::new(
                format!("{}（按规划日期自 {from} 起满足）", what.zh),
                format!("{} (met from {from} by the plan's dates)", what.en),
            );
        }
        missing.push(what);
    }
    let mut v = Verdict::new(rule, "requirements", Need::AtLeast, ctx, cfg);
    v.clause = ctx.profile.cite(&clauses.join("；"));
    let met = reqs.len() - missing.len() - unknown.len();
    let list = |items: &[Text]| {
        let zh: Vec<&str> = items.iter().map(|m| m.zh.as_str()).collect();
        let en: Vec<&str> = items.iter().map(|m| m.en.as_str()).collect();
        Text::new(zh.join("、"), en.join(", "))
    };
    let undecided = (!unknown.is_empty()).then(|| {
        let u = list(&unknown);
        Text::new(
            format!("无法判断：{}", u.zh),
            format!("cannot tell: {}", u.en),
        )
    });
    let (status, msg) = if !missing.is_empty() {
        v.severity = severity;
        let m = list(&missing);
        let text = Text::new(
            format!("缺少：{}（满足 {met}/{} 项）", m.zh, reqs.len()),
            format!("missing: {} ({met} of {} met)", m.en, reqs.len()),
        );
        (Status::Fail, text.join(&undecided.unwrap_or_default()))
    } else if let Some(undecided) = undecided {
        (Status::InsufficientData, undecided)
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

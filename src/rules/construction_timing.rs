//! `construction-timing`: the facility is built before the housing is half finished.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;

use super::common::{params, validate_params, Context, Verdict};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::{CompoundStatus, Facility};
use crate::profile::RuleConfig;
use crate::t;
use crate::text::{num, pct, Text};

const DOC: &str = r#"# construction-timing — 养老服务设施建设时序

## What it checks
For each `new` compound with phases (phases.csv): total = `residential_floor_area`, or
the sum of its phases' floor areas. T1 = the earliest phase completion; T50 = the first
date on which the completed floor area reaches 50% of the total. The facility milestone M
is the earliest `completion_date` (or `construction_start`, per profile) among the
facilities belonging to the compound. All dates count, planned ones (after the check's
`as_of` date) included: a submission's schedule is what is checked. `as_of` decides only
whether a compound without any milestone is already late (fail) or still `pending`.

- Anyang (milestone completion, deadline first phase, fallback 50%): pass when M ≤ T1;
  pass with a note when T1 < M < T50; fail when M ≥ T50, or when T50 has come and there
  is no M.
- Xuchang (milestone construction start, deadline 50%): pass when M < T50; fail when
  M ≥ T50, or when T50 has come and there is no M.
- Wuhan (milestone completion, deadline first phase, warning): pass when M ≤ T1; else fail.
- Before the deadline has come and with no milestone yet: pending, with the share of
  floor area completed so far and how much is left before the deadline.
- `existing` compounds are not applicable; compounds without phases have insufficient data.

## Why
A facility promised "later" is often never built: once the flats are sold, the developer
has no reason to. Tying it to the housing's progress keeps the promise enforceable
while the developer still needs approvals.

## Example
Phases of 40,000 and 60,000 m² completed 2021-06-30 and 2023-06-30 (total 100,000 m²):
T1 = 2021-06-30 and T50 = 2023-06-30 (40% then 100%). A station completed 2022-03-01
passes Anyang by the fallback (after T1, before T50), fails Wuhan (after T1).

## Clauses
- Anyang: 安政办〔2017〕80号 若干政策 四(九)
- Xuchang: 许办〔2022〕4号 三(一)2
- Wuhan: 武政规〔2017〕34号 三(二)1 ("原则上" → warning)
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Milestone {
    Completion,
    ConstructionStart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Deadline {
    /// M ≤ T1: together with the first batch of housing.
    FirstPhase,
    /// M < T50: before the housing is `share` complete.
    Half,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    milestone: Milestone,
    deadline: Deadline,
    #[serde(default)]
    fallback: Option<Deadline>,
    share: f64,
}

declare_rule!(
    ConstructionTiming,
    id: "construction-timing",
    title: ("养老服务设施建设时序", "Construction timing"),
    subject: Compounds,
    needs: [Compounds, Phases],
    doc: DOC,
    validate: validate_params::<Params>,
    check: check,
);

/// What the phases say about a compound's progress on the check's date.
struct Progress {
    total: f64,
    /// T1: the first phase completion.
    first: Option<NaiveDate>,
    /// T50: the date the completed floor area reached `share` of the total.
    half: Option<NaiveDate>,
}

fn progress(mut done: Vec<(NaiveDate, f64)>, total: f64, share: f64) -> Progress {
    done.sort_by_key(|d| d.0);
    let mut cum = 0.0;
    let mut half = None;
    for &(date, area) in &done {
        cum += area;
        if half.is_none() && cum + 1e-9 >= share * total {
            half = Some(date);
        }
    }
    Progress {
        total,
        first: done.first().map(|d| d.0),
        half,
    }
}

impl Progress {
    fn date(&self, d: Deadline) -> Option<NaiveDate> {
        match d {
            Deadline::FirstPhase => self.first,
            Deadline::Half => self.half,
        }
    }
}

/// The milestone meets the deadline (a deadline that has not come is met by any milestone).
fn meets(m: NaiveDate, d: Deadline, p: &Progress) -> bool {
    match (d, p.date(d)) {
        (_, None) => true,
        (Deadline::FirstPhase, Some(t1)) => m <= t1,
        (Deadline::Half, Some(t50)) => m < t50,
    }
}

fn deadline_name(d: Deadline, share: f64) -> Text {
    match d {
        Deadline::FirstPhase => {
            Text::new("首期住宅竣工", "the completion of the first housing phase")
        }
        Deadline::Half => t!(
            "住宅完成{}",
            "the completion of {} of the housing",
            pct(share)
        ),
    }
}

fn milestone_of(f: &Facility, m: Milestone) -> Option<NaiveDate> {
    match m {
        Milestone::Completion => f.completion_date,
        Milestone::ConstructionStart => f.construction_start,
    }
}

fn check(rule: &'static str, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let Ok(p) = params::<Params>(cfg) else {
        return Vec::new();
    };
    let v = Verdict::new(rule, "date", ctx, cfg);
    (0..ctx.plan.compounds.len())
        .into_par_iter()
        .map(|i| one(&v, &p, ctx, i))
        .collect()
}

fn one(v: &Verdict, p: &Params, ctx: &Context, i: usize) -> Finding {
    let c = &ctx.plan.compounds[i];
    let subject = ctx.compound_subject(i);
    match c.status {
        None => return v.missing(subject, "status", "compounds"),
        Some(CompoundStatus::Existing) => {
            return v.not_applicable(
                subject,
                t!(
                    "已建成小区不适用建设时序要求",
                    "an existing compound has no construction timing"
                ),
            )
        }
        Some(CompoundStatus::New) => {}
    }
    let phases: Vec<_> = ctx.joins.compound_phases[i]
        .iter()
        .map(|&k| &ctx.plan.phases[k])
        .collect();
    if phases.is_empty() {
        return v.missing(subject, "phases", "phases.csv");
    }
    let total = c
        .residential_floor_area
        .unwrap_or_else(|| phases.iter().map(|ph| ph.floor_area).sum());
    if total <= 0.0 {
        return v.missing(subject, "residential_floor_area", "compounds");
    }
    // Dates after `as_of` are the plan's own schedule and are checked like the others.
    let dated = phases
        .iter()
        .filter_map(|ph| ph.completion_date.map(|d| (d, ph.floor_area)))
        .collect();
    let prog = progress(dated, total, p.share);
    let completed_so_far: f64 = phases
        .iter()
        .filter(|ph| ph.completion_date.is_some_and(|d| d <= ctx.as_of))
        .map(|ph| ph.floor_area)
        .sum();
    let what = match p.milestone {
        Milestone::Completion => Text::new("建成", "completed"),
        Milestone::ConstructionStart => Text::new("开工", "started"),
    };
    let m = ctx
        .facilities_of(&ctx.joins.compound_facilities[i])
        .filter_map(|f| milestone_of(f, p.milestone))
        .min();
    let final_deadline = p.fallback.unwrap_or(p.deadline);
    let share_done = completed_so_far / prog.total;
    let dname = deadline_name(p.deadline, p.share);
    let (status, required, msg) = match m {
        Some(m) if meets(m, p.deadline, &prog) => (
            Status::Pass,
            prog.date(p.deadline),
            Text::new(
                format!("设施于 {m} {}，早于{}", what.zh, dname.zh),
                format!(
                    "the facility was {} on {m}, in time for {}",
                    what.en, dname.en
                ),
            ),
        ),
        Some(m) if p.fallback.is_some_and(|f| meets(m, f, &prog)) => {
            let fname = deadline_name(final_deadline, p.share);
            (
                Status::Pass,
                prog.date(final_deadline),
                Text::new(
                    format!(
                        "设施于 {m} {}，晚于{}但早于{}（允许的后备期限）",
                        what.zh, dname.zh, fname.zh
                    ),
                    format!(
                        "the facility was {} on {m}, after {} but before {} (the allowed fallback)",
                        what.en, dname.en, fname.en
                    ),
                ),
            )
        }
        Some(m) => {
            let late = final_deadline;
            let d = prog.date(late);
            let name = deadline_name(late, p.share);
            (
                Status::Fail,
                d,
                Text::new(
                    format!("设施于 {m} {}，晚于{}（{}）", what.zh, name.zh, fmt_date(d)),
                    format!(
                        "the facility was {} on {m}, after {} ({})",
                        what.en,
                        name.en,
                        fmt_date(d)
                    ),
                ),
            )
        }
        None => match prog.date(final_deadline).filter(|d| *d <= ctx.as_of) {
            Some(d) => {
                let name = deadline_name(final_deadline, p.share);
                (
                    Status::Fail,
                    Some(d),
                    Text::new(
                        format!(
                            "{}已于 {d} 到期，至 {} 尚无设施{}",
                            name.zh, ctx.as_of, what.zh
                        ),
                        format!(
                            "{} was on {d} and no facility was {} by {}",
                            name.en, what.en, ctx.as_of
                        ),
                    ),
                )
            }
            None => {
                let left = (p.share * prog.total - completed_so_far).max(0.0);
                let name = deadline_name(final_deadline, p.share);
                let mut text = Text::new(
                    format!(
                        "尚无设施{}；住宅已完成 {}（{} / {} 平方米）",
                        what.zh,
                        pct(share_done),
                        num(completed_so_far, 0),
                        num(prog.total, 0)
                    ),
                    format!(
                        "no facility has been {} yet; {} of the housing is completed ({} of {} m²)",
                        what.en,
                        pct(share_done),
                        num(completed_so_far, 0),
                        num(prog.total, 0)
                    ),
                );
                if final_deadline == Deadline::Half {
                    let left = num(left, 0);
                    text = text.join(&Text::new(
                        format!("距{}还差 {left} 平方米", name.zh),
                        format!("{left} m² more until {}", name.en),
                    ));
                }
                (Status::Pending, None, text)
            }
        },
    };
    let mut f = v.finding(
        subject,
        status,
        Measure::date(m),
        Measure::date(required),
        msg,
    );
    f.details.insert(
        "completed_share".into(),
        Measure::num(share_done).into_json(),
    );
    f.details.insert(
        "first_phase_completion".into(),
        Measure::date(prog.first).into_json(),
    );
    f.details.insert(
        "half_completion".into(),
        Measure::date(prog.half).into_json(),
    );
    f
}

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn t1_and_t50_follow_cumulative_completion() {
        // 40,000 + 60,000 of 100,000: 40% on 2021-06-30, 100% on 2023-06-30.
        let p = progress(
            vec![(d("2023-06-30"), 60_000.0), (d("2021-06-30"), 40_000.0)],
            100_000.0,
            0.5,
        );
        assert_eq!(p.first, Some(d("2021-06-30")));
        assert_eq!(p.half, Some(d("2023-06-30")));
        // Exactly 50% reaches T50 on that date.
        let p = progress(vec![(d("2020-01-01"), 50_000.0)], 100_000.0, 0.5);
        assert_eq!(p.half, Some(d("2020-01-01")));
        assert!(meets(d("2019-12-31"), Deadline::Half, &p));
        assert!(
            !meets(d("2020-01-01"), Deadline::Half, &p),
            "Half is strict: before T50"
        );
        assert!(
            meets(d("2020-01-01"), Deadline::FirstPhase, &p),
            "first phase: together with it"
        );
    }
}

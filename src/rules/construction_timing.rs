//! `construction-timing`: the facility is built before the housing is half finished.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, Context, Verdict};
use crate::finding::{Finding, Measure, Status};
use crate::plan::model::{Compound, CompoundStatus, Facility, FacilityKind, Phase};
use crate::profile::RuleConfig;
use crate::t;
use crate::text::{num, pct, Text};

const DOC: &str = r#"# construction-timing — 养老服务设施建设时序

## What it checks
For each `new` compound with phases (phases.csv): total = `residential_floor_area`, or
the sum of its phases' floor areas (Xuchang: the plot's whole construction,
`total_floor_area`, when given; the finding says which total it used). T1 = the earliest
phase completion; T50 = the first date on which the completed floor area reaches 50% of
the total. The facility milestone M is the earliest `completion_date` (or
`construction_start`, per profile) among the facilities belonging to the compound (of the
profile's `kinds`, when it names them: Xuchang counts the community-level kinds, "社区养老
服务设施"). All dates count, planned ones (after the check's `as_of` date) included: a
submission's schedule is what is checked. `as_of` decides only whether a compound without
any milestone is already late (fail) or still `pending`.

- Anyang (milestone completion, deadline first phase, fallback 50%): pass when M ≤ T1;
  pass with a note when T1 < M < T50; fail when M ≥ T50, or when T50 has come and there
  is no M.
- Xuchang (milestone construction start, deadline 50%): pass when M < T50; fail when
  M ≥ T50, or when T50 has come and there is no M.
- Wuhan (milestone completion, deadline first phase, warning): pass when M ≤ T1; else fail.
- Before the deadline has come and with no milestone yet: pending, with the share of
  floor area completed so far and how much is left before the deadline.
- A deadline that cannot be known is `insufficient_data`, never a pass: no phase has a
  completion date, or the phases add up to less than 50% of the total (T50 never comes).
  A phase without a completion date is unfinished; when such phases are needed to reach
  50%, T50 lies after the check's date: a milestone on or before the check's date is in
  time, a later one cannot be judged (`insufficient_data`), none is `pending`.
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

/// What "the total" the shares are taken of is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TotalBasis {
    /// The housing: `residential_floor_area`, else Σ phases (Anyang, Wuhan).
    #[default]
    Residential,
    /// The plot's whole construction (规划地块建设总量): `total_floor_area` when given,
    /// else as `residential` (Xuchang).
    Plot,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    milestone: Milestone,
    deadline: Deadline,
    #[serde(default)]
    fallback: Option<Deadline>,
    share: f64,
    #[serde(default)]
    total: TotalBasis,
    /// The facility kinds whose dates count (none: every kind belonging to the compound).
    #[serde(default)]
    kinds: Option<Vec<FacilityKind>>,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(format!("share = {}: a fraction in (0, 1]", self.share));
        }
        if self.kinds.as_ref().is_some_and(|k| k.is_empty()) {
            return Err("`kinds` is empty: leave it out to count every kind".into());
        }
        Ok(())
    }
}

declare_rule!(
    ConstructionTiming,
    id: "construction-timing",
    title: ("养老服务设施建设时序", "Construction timing"),
    subject: Compounds,
    needs: [Compounds, Phases],
    doc: DOC,
    params: Params,
    validate: Params::check,
    check: check,
);

/// What the phases say about a compound's progress.
struct Progress {
    total: f64,
    /// T1: the first phase completion.
    first: Option<NaiveDate>,
    /// T50: the date the completed floor area reached `share` of the total.
    half: Option<NaiveDate>,
    /// Σ of every phase's floor area, dated or not.
    phased: f64,
    /// Σ floor area completed on or before the check's date.
    done: f64,
}

fn progress(mut dated: Vec<(NaiveDate, f64)>, total: f64, share: f64) -> Progress {
    dated.sort_by_key(|d| d.0);
    let mut cum = 0.0;
    let mut half = None;
    for &(date, area) in &dated {
        cum += area;
        if half.is_none() && cum + 1e-9 >= share * total {
            half = Some(date);
        }
    }
    Progress {
        total,
        first: dated.first().map(|d| d.0),
        half,
        phased: cum,
        done: 0.0,
    }
}

/// When a deadline falls, as far as the phases tell.
#[derive(Debug, Clone, PartialEq)]
enum Due {
    At(NaiveDate),
    /// Not yet reached on the check's date (the phases still needed have no completion
    /// date: they are unfinished), so later than it.
    After(NaiveDate),
    /// Cannot be known; the text says what is missing.
    Unknown(Text),
}

impl Progress {
    fn due(&self, d: Deadline, share: f64, as_of: NaiveDate) -> Due {
        if self.first.is_none() {
            return Due::Unknown(t!("各分期均无竣工日期", "no phase has a completion date"));
        }
        match d {
            Deadline::FirstPhase => Due::At(self.first.unwrap_or(as_of)),
            Deadline::Half => match self.half {
                Some(t50) => Due::At(t50),
                None if self.phased + 1e-9 < share * self.total => Due::Unknown(t!(
                    "各分期合计仅占总量的 {}，{}完成的日期无从得知",
                    "the phases add up to only {} of the total, so the date {} is complete never comes",
                    pct(self.phased / self.total),
                    pct(share)
                )),
                // Undated phases are unfinished: the share is reached after the check's date.
                None => Due::After(as_of),
            },
        }
    }
}

/// The milestone meets the deadline; `None` when that cannot be told.
fn meets(m: NaiveDate, d: Deadline, due: &Due) -> Option<bool> {
    match (d, due) {
        (Deadline::FirstPhase, Due::At(t1)) => Some(m <= *t1),
        (Deadline::Half, Due::At(t50)) => Some(m < *t50),
        // The deadline is later than the check's date: a milestone on or before it is in time.
        (_, Due::After(as_of)) if m <= *as_of => Some(true),
        _ => None,
    }
}

fn deadline_name(d: Deadline, p: &Params) -> Text {
    match (d, p.total) {
        (Deadline::FirstPhase, _) => {
            Text::new("首期住宅竣工", "the completion of the first housing phase")
        }
        (Deadline::Half, TotalBasis::Residential) => t!(
            "住宅完成{}",
            "the completion of {} of the housing",
            pct(p.share)
        ),
        (Deadline::Half, TotalBasis::Plot) => t!(
            "规划地块建设总量完成{}",
            "the completion of {} of the plot's total construction",
            pct(p.share)
        ),
    }
}

fn milestone_of(f: &Facility, m: Milestone) -> Option<NaiveDate> {
    match m {
        Milestone::Completion => f.completion_date,
        Milestone::ConstructionStart => f.construction_start,
    }
}

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding> {
    let v = Verdict::new(rule, "date", ctx, cfg);
    (0..ctx.plan.compounds.len())
        .into_par_iter()
        .map(|i| one(&v, p, ctx, i))
        .collect()
}

/// The total the shares are taken of, and which field it is.
fn total_of(c: &Compound, phases: &[&Phase], basis: TotalBasis) -> (f64, &'static str) {
    let plot = match basis {
        TotalBasis::Plot => c.total_floor_area.map(|t| (t, "total_floor_area")),
        TotalBasis::Residential => None,
    };
    plot.or_else(|| {
        c.residential_floor_area
            .map(|t| (t, "residential_floor_area"))
    })
    .unwrap_or_else(|| (phases.iter().map(|ph| ph.floor_area).sum(), "phases"))
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
    let phases: Vec<&Phase> = ctx.joins.compound_phases[i]
        .iter()
        .map(|&k| &ctx.plan.phases[k])
        .collect();
    if phases.is_empty() {
        return v.missing(subject, "phases", "phases.csv");
    }
    let (total, basis) = total_of(c, &phases, p.total);
    if !(total > 0.0 && total.is_finite()) {
        return v.missing(subject, basis, "compounds");
    }
    // Dates after `as_of` are the plan's own schedule and are checked like the others.
    let dated = phases
        .iter()
        .filter_map(|ph| ph.completion_date.map(|d| (d, ph.floor_area)))
        .collect();
    let mut prog = progress(dated, total, p.share);
    prog.phased = phases.iter().map(|ph| ph.floor_area).sum();
    prog.done = phases
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
        .filter(|f| kind_in(f, p.kinds.as_deref()))
        .filter_map(|f| milestone_of(f, p.milestone))
        .min();
    let final_deadline = p.fallback.unwrap_or(p.deadline);
    let due = prog.due(p.deadline, p.share, ctx.as_of);
    let final_due = prog.due(final_deadline, p.share, ctx.as_of);
    let at = |d: &Due| match d {
        Due::At(t) => Some(*t),
        _ => None,
    };
    let dname = deadline_name(p.deadline, p);
    let fname = deadline_name(final_deadline, p);
    let unknown = |d: &Due| {
        let why = why_unknown(d);
        let f = v.finding(
            subject.clone(),
            Status::InsufficientData,
            Measure::date(m),
            Measure::Null,
            Text::new(
                format!("无法确定{}的日期：{}", fname.zh, why.zh),
                format!("the date of {} cannot be known: {}", fname.en, why.en),
            ),
        );
        with_progress(f, &prog, basis)
    };
    let (status, required, msg) = match m {
        Some(m) if meets(m, p.deadline, &due) == Some(true) => (
            Status::Pass,
            at(&due),
            Text::new(
                format!("设施于 {m} {}，早于{}", what.zh, dname.zh),
                format!(
                    "the facility was {} on {m}, in time for {}",
                    what.en, dname.en
                ),
            ),
        ),
        Some(m) => match p.fallback.map(|f| (f, meets(m, f, &final_due))) {
            Some((_, Some(true))) => (
                Status::Pass,
                at(&final_due),
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
            ),
            Some((_, None)) => return unknown(&final_due),
            None if meets(m, p.deadline, &due).is_none() => return unknown(&due),
            _ => {
                let d = at(&final_due);
                (
                    Status::Fail,
                    d,
                    Text::new(
                        format!(
                            "设施于 {m} {}，晚于{}（{}）",
                            what.zh,
                            fname.zh,
                            fmt_date(d)
                        ),
                        format!(
                            "the facility was {} on {m}, after {} ({})",
                            what.en,
                            fname.en,
                            fmt_date(d)
                        ),
                    ),
                )
            }
        },
        None => match &final_due {
            Due::At(d) if *d <= ctx.as_of => (
                Status::Fail,
                Some(*d),
                Text::new(
                    format!(
                        "{}已于 {d} 到期，至 {} 尚无设施{}",
                        fname.zh, ctx.as_of, what.zh
                    ),
                    format!(
                        "{} was on {d} and no facility was {} by {}",
                        fname.en, what.en, ctx.as_of
                    ),
                ),
            ),
            Due::Unknown(_) => return unknown(&final_due),
            Due::At(_) | Due::After(_) => {
                let share_done = prog.done / prog.total;
                let whole = match p.total {
                    TotalBasis::Residential => Text::new("住宅", "the housing"),
                    TotalBasis::Plot => Text::new("建设总量", "the plot's construction"),
                };
                let mut text = Text::new(
                    format!(
                        "尚无设施{}；{}已完成 {}（{} / {} 平方米）",
                        what.zh,
                        whole.zh,
                        pct(share_done),
                        num(prog.done, 0),
                        num(prog.total, 0)
                    ),
                    format!(
                        "no facility has been {} yet; {} of {} is completed ({} of {} m²)",
                        what.en,
                        pct(share_done),
                        whole.en,
                        num(prog.done, 0),
                        num(prog.total, 0)
                    ),
                );
                if final_deadline == Deadline::Half {
                    let left = num((p.share * prog.total - prog.done).max(0.0), 0);
                    text = text.join(&Text::new(
                        format!("距{}还差 {left} 平方米", fname.zh),
                        format!("{left} m² more until {}", fname.en),
                    ));
                }
                (Status::Pending, None, text)
            }
        },
    };
    // Where the profile measures against the plot, the finding says which total it used.
    let msg = match p.total {
        TotalBasis::Plot => msg.join(&total_text(basis, prog.total)),
        TotalBasis::Residential => msg,
    };
    let f = v.finding(
        subject,
        status,
        Measure::date(m),
        Measure::date(required),
        msg,
    );
    with_progress(f, &prog, basis)
}

/// Why a verdict on a deadline cannot be given.
fn why_unknown(d: &Due) -> Text {
    match d {
        Due::Unknown(why) => why.clone(),
        _ => t!(
            "设施日期晚于检查日期，而该期限尚未到来、分期未给出日期",
            "the facility's date is after the check's date, and the deadline is still to come on a date the phases do not give"
        ),
    }
}

/// Which total the shares were taken of, for the message.
fn total_text(basis: &str, total: f64) -> Text {
    let t = num(total, 0);
    match basis {
        "total_floor_area" => t!(
            "按规划地块建设总量 {} 平方米（total_floor_area）计",
            "measured against the plot's total construction of {} m² (total_floor_area)",
            t
        ),
        "residential_floor_area" => t!(
            "按住宅总建筑面积 {} 平方米（residential_floor_area）计",
            "measured against the residential floor area of {} m² (residential_floor_area)",
            t
        ),
        _ => t!(
            "按各分期建筑面积之和 {} 平方米计",
            "measured against the phases' floor area of {} m²",
            t
        ),
    }
}

/// The progress figures beside every verdict.
fn with_progress(mut f: Finding, prog: &Progress, basis: &'static str) -> Finding {
    f.details.insert(
        "completed_share".into(),
        Measure::num(prog.done / prog.total).into_json(),
    );
    f.details.insert(
        "first_phase_completion".into(),
        Measure::date(prog.first).into_json(),
    );
    f.details.insert(
        "half_completion".into(),
        Measure::date(prog.half).into_json(),
    );
    f.details.insert("total_basis".into(), basis.into());
    f.details.insert(
        "total_floor_area".into(),
        Measure::num(prog.total).into_json(),
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
        let mut p = progress(vec![(d("2020-01-01"), 50_000.0)], 100_000.0, 0.5);
        p.phased = 100_000.0;
        assert_eq!(p.half, Some(d("2020-01-01")));
        let as_of = d("2024-06-30");
        let t50 = p.due(Deadline::Half, 0.5, as_of);
        assert_eq!(meets(d("2019-12-31"), Deadline::Half, &t50), Some(true));
        assert_eq!(
            meets(d("2020-01-01"), Deadline::Half, &t50),
            Some(false),
            "Half is strict: before T50"
        );
        let t1 = p.due(Deadline::FirstPhase, 0.5, as_of);
        assert_eq!(
            meets(d("2020-01-01"), Deadline::FirstPhase, &t1),
            Some(true),
            "first phase: together with it"
        );
    }

    #[test]
    fn an_unknowable_deadline_is_never_met() {
        let as_of = d("2024-06-30");
        // No completion date at all: neither T1 nor T50 can be known.
        let mut p = progress(Vec::new(), 100_000.0, 0.5);
        p.phased = 100_000.0;
        for dl in [Deadline::FirstPhase, Deadline::Half] {
            assert!(matches!(p.due(dl, 0.5, as_of), Due::Unknown(_)));
            assert_eq!(meets(d("2000-01-01"), dl, &p.due(dl, 0.5, as_of)), None);
        }
        // Phases of 20,000 + 20,000 of a 100,000 total: 50% never comes.
        let mut p = progress(vec![(d("2021-01-01"), 20_000.0)], 100_000.0, 0.5);
        p.phased = 40_000.0;
        assert!(matches!(p.due(Deadline::Half, 0.5, as_of), Due::Unknown(_)));
        // 40,000 done, 60,000 unfinished without a date: T50 lies after the check's date, so
        // a milestone on or before it is in time, a later one cannot be judged.
        let mut p = progress(vec![(d("2021-01-01"), 40_000.0)], 100_000.0, 0.5);
        p.phased = 100_000.0;
        let due = p.due(Deadline::Half, 0.5, as_of);
        assert_eq!(due, Due::After(as_of));
        assert_eq!(meets(as_of, Deadline::Half, &due), Some(true));
        assert_eq!(meets(d("2024-07-01"), Deadline::Half, &due), None);
    }
}

//! `construction-timing`: the facility is built before the housing is half finished.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, kinds_given, Inputs, Verdict};
use crate::model::{details, Body, Finding, Measure, Need, RuleDetails, Status};
use crate::model::{Compound, Facility, FacilityKind, Phase};
use crate::profile::RuleConfig;
use crate::text::t;
use crate::text::{num, pct, Text};

const DOC: &str = r#"# construction-timing — 养老服务设施建设时序

## 检查内容
每个有分期的新建小区：配套养老服务设施须在住宅建成50%之前建成（各市说法不同：
建成、开工，或在首期建设）。比较住宅建筑面积完成50%的日期与小区设施最早竣工（或开工）日期；
没有设施而节点已过的为不符合，节点未到的为待定。

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
  Only compounds developed in several phases ("多期开发的居住(小)区"): one of a single
  phase is not applicable (`multi_phase_only` in the profile).
- Before the deadline has come and with no milestone yet: pending, with the share of
  floor area completed so far and how much is left before the deadline.
- A phase without a completion date is unfinished: it completes some day after the
  check's date. When such phases decide a deadline (all phases unfinished, or needed to
  reach 50%), the deadline lies after the check's date: a milestone on or before the
  check's date is in time (`pass`), a later one cannot be judged (`insufficient_data`),
  none is `pending` (with the share completed so far, 0% when nothing is).
- A deadline that cannot be known at all is `insufficient_data`, never a pass: the phases
  have neither completion dates nor floor area, or add up to less than 50% of the total
  (T50 never comes).
- `existing` compounds are not applicable; compounds without phases have insufficient data.

## Why
A facility promised "later" is often never built: once the flats are sold, the developer
has no reason to. Tying it to the housing's progress keeps the promise enforceable
while the developer still needs approvals.

## Example
Phases of 40,000 and 60,000 m² completed 2021-06-30 and 2023-06-30 (total 100,000 m²):
T1 = 2021-06-30 and T50 = 2023-06-30 (40% then 100%). A station completed 2022-03-01
passes Anyang by the fallback (after T1, before T50), fails Wuhan (after T1).
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
pub struct Params {
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
    /// The requirement concerns compounds developed in several phases only (Wuhan:
    /// "多期开发的居住(小)区"): a compound of one phase is not applicable.
    #[serde(default)]
    multi_phase_only: bool,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(format!("share = {}: a fraction in (0, 1]", self.share));
        }
        kinds_given(self.kinds.as_deref())
    }
}

declare_rule_with_params!(
    ConstructionTiming,
    id: "construction-timing",
    title: ("养老服务设施建设时序", "Construction timing"),
    subject: Compounds,
    needs: [Compounds, Phases],
    doc: DOC,
);

/// What the phases say about a compound's progress.
struct Progress {
    total: f64,
    /// Completed (or planned to be) phases, by date: (date, floor area).
    dated: Vec<(NaiveDate, f64)>,
    /// Σ floor area of the phases without a completion date: unfinished, they complete
    /// on some day after the check's date.
    undated: f64,
    /// Σ floor area completed on or before the check's date.
    done: f64,
}

impl Progress {
    fn new(phases: &[&Phase], total: f64, as_of: NaiveDate) -> Progress {
        let mut dated: Vec<(NaiveDate, f64)> = phases
            .iter()
            .filter_map(|ph| ph.completion_date.map(|d| (d, ph.floor_area)))
            .collect();
        dated.sort_by_key(|d| d.0);
        Progress {
            total,
            undated: phases
                .iter()
                .filter(|ph| ph.completion_date.is_none())
                .map(|ph| ph.floor_area)
                .sum(),
            done: dated.iter().filter(|d| d.0 <= as_of).map(|d| d.1).sum(),
            dated,
        }
    }

    /// The first date on which the dated phases, plus `extra` m² of undated ones counted
    /// as complete from `from` on, reach `target` m².
    fn reaches(&self, target: f64, extra: f64, from: NaiveDate) -> Option<NaiveDate> {
        let reached = |cum: f64| cum + 1e-9 >= target;
        let before: f64 = self.dated.iter().filter(|d| d.0 < from).map(|d| d.1).sum();
        if extra > 0.0 {
            // Undated phases complete no earlier than `from`: up to then, dated ones alone.
            if let Some(d) = self
                .reaches(target, 0.0, NaiveDate::MIN)
                .filter(|d| *d < from)
            {
                return Some(d);
            }
            if reached(before + extra) {
                return Some(from);
            }
        }
        let mut cum = if extra > 0.0 { before + extra } else { 0.0 };
        self.dated
            .iter()
            .filter(|d| extra == 0.0 || d.0 >= from)
            .find(|d| {
                cum += d.1;
                reached(cum)
            })
            .map(|d| d.0)
    }

    /// When a deadline falls, as far as the phases tell.
    fn due(&self, d: Deadline, share: f64, as_of: NaiveDate) -> Due {
        let first = self.dated.first().map(|d| d.0);
        if first.is_none() && self.undated <= 0.0 {
            return Due::Unknown(t!(
                "各分期均无竣工日期和建筑面积",
                "no phase has a completion date or a floor area"
            ));
        }
        let tomorrow = as_of.succ_opt().unwrap_or(as_of);
        match (d, first) {
            // Every phase unfinished: the first completes some day after the check's date.
            (Deadline::FirstPhase, None) => Due::Between {
                lo: tomorrow,
                hi: None,
            },
            // An unfinished phase may complete any day after the check's date.
            (Deadline::FirstPhase, Some(first)) if self.undated > 0.0 && first > as_of => {
                Due::Between {
                    lo: tomorrow,
                    hi: Some(first),
                }
            }
            (Deadline::FirstPhase, Some(first)) => Due::exact(first),
            (Deadline::Half, _) => {
                let target = share * self.total;
                let phased: f64 = self.dated.iter().map(|d| d.1).sum::<f64>() + self.undated;
                if phased + 1e-9 < target {
                    return Due::Unknown(t!(
                        "各分期合计仅占总量的 {}，{}完成的日期无从得知",
                        "the phases add up to only {} of the total, so the date {} is complete never comes",
                        pct(phased / self.total),
                        pct(share)
                    ));
                }
                // Latest: the undated phases never help; earliest: they all complete the
                // day after the check's date.
                let hi = self.reaches(target, 0.0, NaiveDate::MIN);
                match (hi, self.undated > 0.0) {
                    (Some(t50), false) => Due::exact(t50),
                    (Some(t50), true) if t50 <= as_of => Due::exact(t50),
                    (hi, _) => Due::Between {
                        lo: self
                            .reaches(target, self.undated, tomorrow)
                            .unwrap_or(tomorrow),
                        hi,
                    },
                }
            }
        }
    }
}

/// When a deadline falls, as far as the phases tell.
#[derive(Debug, Clone, PartialEq)]
enum Due {
    /// On a day between `lo` and `hi` (both included; no `hi`: no later bound). Unfinished
    /// phases without a date make the range; without them `lo` = `hi`.
    Between {
        lo: NaiveDate,
        hi: Option<NaiveDate>,
    },
    /// Cannot be known; the text says what is missing.
    Unknown(Text),
}

impl Due {
    fn exact(d: NaiveDate) -> Due {
        Due::Between { lo: d, hi: Some(d) }
    }

    /// The deadline's date, when the phases fix it.
    fn date(&self) -> Option<NaiveDate> {
        match self {
            Due::Between { lo, hi: Some(hi) } if lo == hi => Some(*lo),
            _ => None,
        }
    }
}

/// A facility's milestone: its date, or only a latest possible date (a facility that
/// gives a completion date but no start date started on or before completion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Mile {
    date: NaiveDate,
    exact: bool,
}

/// The milestone meets the deadline; `None` when that cannot be told.
fn meets(m: Mile, d: Deadline, due: &Due) -> Option<bool> {
    let Due::Between { lo, hi } = due else {
        return None;
    };
    // In time for the earliest the deadline can be: in time. Late for the latest: late.
    let (in_time, late) = match d {
        Deadline::FirstPhase => (m.date <= *lo, hi.is_some_and(|h| m.date > h)),
        Deadline::Half => (m.date < *lo, hi.is_some_and(|h| m.date >= h)),
    };
    if in_time {
        Some(true)
    } else if late && m.exact {
        Some(false)
    } else {
        None
    }
}

/// The milestones of a compound's facilities meet the deadline: one in time is enough;
/// late only when every one is known to be late.
fn any_meets(miles: &[Mile], d: Deadline, due: &Due) -> Option<bool> {
    let verdicts: Vec<Option<bool>> = miles.iter().map(|&m| meets(m, d, due)).collect();
    if verdicts.contains(&Some(true)) {
        Some(true)
    } else if verdicts.iter().all(|v| *v == Some(false)) {
        Some(false)
    } else {
        None
    }
}

/// The deadline, naming the total the shares were taken of (`basis`, from [`total_of`]): a
/// profile measuring the plot's construction that falls back on the housing says so.
fn deadline_name(d: Deadline, share: f64, basis: &str) -> Text {
    match d {
        Deadline::FirstPhase => {
            Text::new("首期住宅竣工", "the completion of the first housing phase")
        }
        Deadline::Half => {
            let whole = whole_of(basis);
            Text::new(
                format!("{}完成{}", whole.zh, pct(share)),
                format!("the completion of {} of {}", pct(share), whole.en),
            )
        }
    }
}

/// What the total of `basis` is: the plot's whole construction, or its housing.
fn whole_of(basis: &str) -> Text {
    match basis {
        "total_floor_area" => Text::new("规划地块建设总量", "the plot's total construction"),
        _ => Text::new("住宅", "the housing"),
    }
}

fn milestone_of(f: &Facility, m: Milestone) -> Option<Mile> {
    let exact = |date| Mile { date, exact: true };
    match m {
        Milestone::Completion => f.completion_date.map(exact),
        Milestone::ConstructionStart => f
            .construction_start
            .map(exact)
            .or(f.completion_date.map(|date| Mile { date, exact: false })),
    }
}

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    let v = Verdict::new(rule, "date", Need::Before, ctx, cfg);
    ctx.compounds().map(|i| one(&v, p, ctx, i)).collect()
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

fn one(v: &Verdict, p: &Params, ctx: &Inputs, i: usize) -> Finding {
    let c = &ctx.plan.compounds[i];
    let subject = ctx.compound_subject(i);
    let existing = Body::Fixed(
        "已建成小区不适用建设时序要求",
        "an existing compound has no construction timing",
    );
    let phases = match ctx.new_compound_phases(v, i, existing) {
        Ok(phases) => phases,
        Err(finding) => return *finding,
    };
    if p.multi_phase_only && phases.len() == 1 {
        return v.not_applicable(
            subject,
            t!(
                "单期开发的小区：该要求针对多期开发的居住（小）区",
                "built in one phase: the requirement concerns compounds developed in several phases"
            ),
        );
    }
    let (total, basis) = total_of(c, &phases, p.total);
    if !(total > 0.0 && total.is_finite()) {
        return v.missing(subject, basis, "compounds");
    }
    // Dates after `as_of` are the plan's own schedule and are checked like the others.
    let prog = Progress::new(&phases, total, ctx.as_of);
    let what = match p.milestone {
        Milestone::Completion => Text::new("建成", "completed"),
        Milestone::ConstructionStart => Text::new("开工", "started"),
    };
    let mut miles: Vec<Mile> = ctx
        .facilities_of(&ctx.joins.compound_facilities[i])
        .filter(|f| kind_in(f, p.kinds.as_deref()))
        .filter_map(|f| milestone_of(f, p.milestone))
        .collect();
    miles.sort();
    // The facility the message speaks of: the earliest known date, else the earliest bound.
    let first = miles.iter().find(|m| m.exact).or(miles.first()).copied();
    let measured = Measure::date(first.map(|m| m.date));
    let final_deadline = p.fallback.unwrap_or(p.deadline);
    let due = prog.due(p.deadline, p.share, ctx.as_of);
    let final_due = prog.due(final_deadline, p.share, ctx.as_of);
    let dname = deadline_name(p.deadline, p.share, basis);
    let fname = deadline_name(final_deadline, p.share, basis);
    let said = |m: Mile| {
        if m.exact {
            Text::new(
                format!("设施于 {} {}", m.date, what.zh),
                format!("the facility was {} on {}", what.en, m.date),
            )
        } else {
            Text::new(
                format!("设施于 {} 建成（开工日期未给出，不晚于此）", m.date),
                format!(
                    "the facility was completed on {} (no start date: started by then)",
                    m.date
                ),
            )
        }
    };
    let unknown = |d: &Due| {
        let why = why_unknown(d);
        let f = v.finding(
            subject.clone(),
            Status::InsufficientData,
            measured.clone(),
            Measure::Null,
            Text::new(
                format!("无法判断是否早于{}：{}", fname.zh, why.zh),
                format!("cannot tell whether it was before {}: {}", fname.en, why.en),
            ),
        );
        with_progress(f, &prog, (basis, p.share), &final_due)
    };
    let primary = any_meets(&miles, p.deadline, &due);
    let fallback = p.fallback.map(|f| any_meets(&miles, f, &final_due));
    let (status, required, msg) = match (first, primary, fallback) {
        (Some(m), Some(true), _) => {
            let m = miles
                .iter()
                .copied()
                .find(|&m| meets(m, p.deadline, &due) == Some(true))
                .unwrap_or(m);
            (
                Status::Pass,
                due.date(),
                said(m).join(&Text::new(
                    format!("早于{}", dname.zh),
                    format!("in time for {}", dname.en),
                )),
            )
        }
        (Some(m), _, Some(Some(true))) => {
            let m = miles
                .iter()
                .copied()
                .find(|&m| meets(m, final_deadline, &final_due) == Some(true))
                .unwrap_or(m);
            let after = match primary {
                Some(false) => Text::new(
                    format!("晚于{}但早于{}（允许的后备期限）", dname.zh, fname.zh),
                    format!(
                        "after {} but before {} (the allowed fallback)",
                        dname.en, fname.en
                    ),
                ),
                _ => Text::new(
                    format!("早于{}（允许的后备期限）", fname.zh),
                    format!("before {} (the allowed fallback)", fname.en),
                ),
            };
            (Status::Pass, final_due.date(), said(m).join(&after))
        }
        (Some(m), Some(false), None) | (Some(m), _, Some(Some(false))) => {
            let d = match &final_due {
                Due::Between { hi, .. } => *hi,
                Due::Unknown(_) => None,
            };
            (
                Status::Fail,
                d,
                said(m).join(&Text::new(
                    format!("晚于{}（{}）", fname.zh, fmt_date(d)),
                    format!("after {} ({})", fname.en, fmt_date(d)),
                )),
            )
        }
        (Some(_), None, None) => return unknown(&due),
        (Some(_), _, Some(None)) => return unknown(&final_due),
        (None, _, _) => match &final_due {
            Due::Between { hi: Some(d), .. } if *d <= ctx.as_of => (
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
            Due::Between { .. } => {
                let share_done = prog.done / prog.total;
                let whole = whole_of(basis);
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
    let f = v.finding(subject, status, measured, Measure::date(required), msg);
    with_progress(f, &prog, (basis, p.share), &final_due)
}

/// Why a verdict on a deadline cannot be given.
fn why_unknown(d: &Due) -> Text {
    match d {
        Due::Unknown(why) => why.clone(),
        Due::Between { lo, hi } => {
            let hi = hi.map_or_else(|| "—".to_string(), |h| h.to_string());
            t!(
                "未完工分期没有竣工日期，该期限在 {} 至 {} 之间，设施日期落在其中",
                "unfinished phases give no completion date: the deadline falls between {} and {}, and so does the facility's date",
                lo,
                hi
            )
        }
    }
}

/// The figure of the total the shares were taken of, for the message; the deadline has
/// named which total it is.
fn total_text(basis: &str, total: f64) -> Text {
    let t = num(total, 0);
    match basis {
        "total_floor_area" => t!(
            "共 {} 平方米（total_floor_area）",
            "{} m² in all (total_floor_area)",
            t
        ),
        "residential_floor_area" => t!(
            "住宅共 {} 平方米（residential_floor_area）",
            "{} m² of housing (residential_floor_area)",
            t
        ),
        _ => t!(
            "住宅共 {} 平方米（各分期之和）",
            "{} m² of housing, the sum of its phases",
            t
        ),
    }
}

/// The progress figures beside every verdict.
fn with_progress(
    mut f: Finding,
    prog: &Progress,
    (basis, share): (&'static str, f64),
    due: &Due,
) -> Finding {
    let deadline_between = match due {
        Due::Between { lo, hi } if lo != &hi.unwrap_or(NaiveDate::MAX) => {
            Some(Box::new((lo.to_string(), hi.map(|h| h.to_string()))))
        }
        _ => None,
    };
    f.details.set_rule(RuleDetails::ConstructionTiming(
        details::ConstructionTiming {
            completed_share: Measure::num(prog.done / prog.total),
            first_phase_completion: Measure::date(prog.dated.first().map(|d| d.0)),
            half_completion: Measure::date(prog.reaches(share * prog.total, 0.0, NaiveDate::MIN)),
            deadline_between,
            total_basis: basis,
            total_floor_area: Measure::num(prog.total),
        },
    ));
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

    /// Phases of (completion date or none, floor area).
    fn prog(phases: &[(Option<&str>, f64)], total: f64, as_of: &str) -> Progress {
        let phases: Vec<Phase> = phases
            .iter()
            .enumerate()
            .map(|(i, &(date, area))| Phase {
                index: i,
                compound_id: "K".into(),
                phase: i.to_string(),
                floor_area: area,
                start_date: None,
                completion_date: date.map(d),
            })
            .collect();
        let refs: Vec<&Phase> = phases.iter().collect();
        Progress::new(&refs, total, d(as_of))
    }

    fn exact(date: &str) -> Mile {
        Mile {
            date: d(date),
            exact: true,
        }
    }

    #[test]
    fn t1_and_t50_follow_cumulative_completion() {
        // 40,000 + 60,000 of 100,000: 40% on 2021-06-30, 100% on 2023-06-30.
        let p = prog(
            &[
                (Some("2023-06-30"), 60_000.0),
                (Some("2021-06-30"), 40_000.0),
            ],
            100_000.0,
            "2024-06-30",
        );
        let as_of = d("2024-06-30");
        assert_eq!(
            p.due(Deadline::FirstPhase, 0.5, as_of).date(),
            Some(d("2021-06-30"))
        );
        assert_eq!(
            p.due(Deadline::Half, 0.5, as_of).date(),
            Some(d("2023-06-30"))
        );
        // Exactly 50% reaches T50 on that date.
        let p = prog(
            &[
                (Some("2020-01-01"), 50_000.0),
                (Some("2022-01-01"), 50_000.0),
            ],
            100_000.0,
            "2024-06-30",
        );
        let t50 = p.due(Deadline::Half, 0.5, as_of);
        assert_eq!(t50.date(), Some(d("2020-01-01")));
        assert_eq!(meets(exact("2019-12-31"), Deadline::Half, &t50), Some(true));
        assert_eq!(
            meets(exact("2020-01-01"), Deadline::Half, &t50),
            Some(false),
            "Half is strict: before T50"
        );
        let t1 = p.due(Deadline::FirstPhase, 0.5, as_of);
        assert_eq!(
            meets(exact("2020-01-01"), Deadline::FirstPhase, &t1),
            Some(true),
            "first phase: together with it"
        );
    }

    #[test]
    fn an_unknowable_deadline_is_never_met() {
        let as_of = d("2024-06-30");
        // Phases with neither completion dates nor floor area: nothing tells T1 or T50.
        let p = prog(&[(None, 0.0), (None, 0.0)], 100_000.0, "2024-06-30");
        for dl in [Deadline::FirstPhase, Deadline::Half] {
            let due = p.due(dl, 0.5, as_of);
            assert!(matches!(due, Due::Unknown(_)));
            assert_eq!(meets(exact("2000-01-01"), dl, &due), None);
        }
        // Every phase unfinished: T1 and T50 fall after the check's date, from 2024-07-01
        // on with no later bound. A milestone by the check's date is in time for both; one
        // after it cannot be judged.
        let p = prog(
            &[(None, 40_000.0), (None, 60_000.0)],
            100_000.0,
            "2024-06-30",
        );
        for dl in [Deadline::FirstPhase, Deadline::Half] {
            let due = p.due(dl, 0.5, as_of);
            assert_eq!(
                due,
                Due::Between {
                    lo: d("2024-07-01"),
                    hi: None
                },
                "{dl:?}"
            );
            assert_eq!(meets(exact("2024-06-30"), dl, &due), Some(true));
            assert_eq!(meets(exact("2025-01-01"), dl, &due), None);
        }
        // Phases of 20,000 + 20,000 of a 100,000 total: 50% never comes.
        let p = prog(
            &[(Some("2021-01-01"), 20_000.0), (None, 20_000.0)],
            100_000.0,
            "2024-06-30",
        );
        assert!(matches!(p.due(Deadline::Half, 0.5, as_of), Due::Unknown(_)));
        // 40,000 done, 60,000 unfinished without a date: T50 lies after the check's date, so
        // a milestone on or before it is in time, a later one cannot be judged.
        let p = prog(
            &[(Some("2021-01-01"), 40_000.0), (None, 60_000.0)],
            100_000.0,
            "2024-06-30",
        );
        let due = p.due(Deadline::Half, 0.5, as_of);
        assert_eq!(
            due,
            Due::Between {
                lo: d("2024-07-01"),
                hi: None
            }
        );
        assert_eq!(meets(exact("2024-06-30"), Deadline::Half, &due), Some(true));
        assert_eq!(meets(exact("2024-07-01"), Deadline::Half, &due), None);
    }

    #[test]
    fn unfinished_phases_may_finish_before_planned_ones() {
        // 40,000 planned for 2026, 30,000 unfinished without a date, 30,000 planned for
        // 2030 (total 100,000; 50,000 is half). Dated phases alone reach it in 2030 (40,000,
        // then 70,000); if the undated 30,000 finished the day after the check, it would be
        // reached in 2026 (30,000 + 40,000). T50 lies between the two.
        let p = prog(
            &[
                (Some("2026-06-30"), 40_000.0),
                (None, 30_000.0),
                (Some("2030-06-30"), 30_000.0),
            ],
            100_000.0,
            "2024-06-30",
        );
        let due = p.due(Deadline::Half, 0.5, d("2024-06-30"));
        assert_eq!(
            due,
            Due::Between {
                lo: d("2026-06-30"),
                hi: Some(d("2030-06-30"))
            }
        );
        assert_eq!(meets(exact("2025-01-01"), Deadline::Half, &due), Some(true));
        assert_eq!(meets(exact("2027-01-01"), Deadline::Half, &due), None);
        assert_eq!(
            meets(exact("2030-06-30"), Deadline::Half, &due),
            Some(false)
        );
        // The first phase may be the undated one, finishing any day from 2024-07-01.
        let t1 = p.due(Deadline::FirstPhase, 0.5, d("2024-06-30"));
        assert_eq!(
            t1,
            Due::Between {
                lo: d("2024-07-01"),
                hi: Some(d("2026-06-30"))
            }
        );
    }

    #[test]
    fn a_completion_date_bounds_an_unknown_start() {
        // T50 = 2023-06-30. A facility completed 2023-01-01 without a start date started
        // before T50; one completed 2024-01-01 may have started before or after it.
        let p = prog(
            &[
                (Some("2021-06-30"), 40_000.0),
                (Some("2023-06-30"), 60_000.0),
            ],
            100_000.0,
            "2024-06-30",
        );
        let t50 = p.due(Deadline::Half, 0.5, d("2024-06-30"));
        let bound = |s: &str| Mile {
            date: d(s),
            exact: false,
        };
        assert_eq!(
            any_meets(&[bound("2023-01-01")], Deadline::Half, &t50),
            Some(true)
        );
        assert_eq!(
            any_meets(&[bound("2024-01-01")], Deadline::Half, &t50),
            None
        );
        assert_eq!(
            any_meets(&[exact("2024-01-01")], Deadline::Half, &t50),
            Some(false)
        );
        // One facility in time is enough.
        assert_eq!(
            any_meets(
                &[exact("2024-01-01"), bound("2023-01-01")],
                Deadline::Half,
                &t50
            ),
            Some(true)
        );
    }
}

//! The bed rules' remedy, one unit at a time and the three rules together, since the beds
//! one adds move the others' shares (remediation.md):
//! - `beds-per-thousand-elderly`: the beds short of the minimum × elderly / 1,000;
//! - `total-beds`: the beds short of the minimum;
//! - `government-bed-share` (a maximum): beds of other operators until government-run
//!   beds are within the share — never by taking beds away;
//! - `nursing-bed-share`: the new beds are nursing-type as far as the share needs; what
//!   they do not make up turns existing beds into nursing-type ones (a target not yet due
//!   or undated), or adds nursing beds (a target already past: only a new facility, dated
//!   the check's date, can say from when it is met).
//!
//! The beds go where [`Units::host`] says; the fewest beds that meet every failing rule
//! (the larger of the two needs for beds), then as many of them nursing-type as the share
//! needs, which keeps a passing nursing share from falling.

use super::units::{unit_named, Units, When};
use super::Fix;
use crate::model::{Facility, FacilityKind, Finding};
use crate::profile::{Resolved, Severity};
use crate::rules::area_metric::{area_population, AreaParams};
use crate::rules::common::{resolve, Area};
use crate::text::{num, pct, t, Lang, Text};

pub const PER_THOUSAND: &str = "beds-per-thousand-elderly";
pub const NURSING: &str = "nursing-bed-share";
pub const GOVERNMENT: &str = "government-bed-share";
pub const TOTAL: &str = "total-beds";

/// A bed rule's finding about a unit, with its parameters and the target in force.
struct Ruled<'c> {
    finding: &'c Finding,
    kinds: Option<Vec<FacilityKind>>,
    target: Resolved,
}

impl Ruled<'_> {
    fn failing(&self) -> bool {
        self.finding.fails_at(Severity::Warning)
    }
}

/// The rule's finding about `about`'s subject, and its target (none: the rule made no
/// finding there, or its section does not parse).
fn ruled<'c>(units: &Units<'c, '_>, rule: &str, about: &Finding) -> Option<Ruled<'c>> {
    let finding = units.finding_of(rule, about)?;
    let cfg = units.checked.profile.rules.get(rule)?;
    let p: AreaParams = cfg.parse().ok()?;
    let spec = p.min.as_ref().or(p.max.as_ref())?;
    let target = resolve(&units.inputs(), cfg, spec);
    Some(Ruled {
        finding,
        kinds: p.kinds,
        target,
    })
}

/// The remedies for the bed rules' failures.
pub fn remedies(units: &mut Units, fix: &mut Fix) {
    let mut subjects: Vec<&Finding> = Vec::new();
    for rule in [PER_THOUSAND, TOTAL, GOVERNMENT, NURSING] {
        for f in units.failing(rule) {
            if !subjects
                .iter()
                .any(|g| g.subject.id == f.subject.id && g.subject.layer == f.subject.layer)
            {
                subjects.push(f);
            }
        }
    }
    subjects.sort_by_key(|f| std::cmp::Reverse(units.rank(f)));
    for s in subjects {
        one_area(units, fix, s);
    }
}

/// Beds to add so that `have` + them is at least `need` (a figure in beds, rounded up).
fn short(need: f64, have: u64) -> u64 {
    let need = (need - 1e-9).ceil().max(0.0);
    (need as u64).saturating_sub(have)
}

fn one_area(units: &mut Units, fix: &mut Fix, about: &Finding) {
    let as_of = units.checked.as_of;
    let area = units.area_of(about);
    let (per_thousand, total, government, nursing) = (
        ruled(units, PER_THOUSAND, about),
        ruled(units, TOTAL, about),
        ruled(units, GOVERNMENT, about),
        ruled(units, NURSING, about),
    );
    let Some(when) = [&per_thousand, &total, &government, &nursing]
        .into_iter()
        .flatten()
        .filter(|r| r.failing())
        .map(|r| When::of(&r.target, as_of))
        .reduce(When::min)
    else {
        return;
    };
    let stock = |units: &Units, fix: &Fix, r: &Ruled| {
        units.stock(fix, &area, r.kinds.as_deref(), when.cutoff)
    };
    let (zh, en) = (unit_named(about, Lang::Zh), unit_named(about, Lang::En));
    let mut beds = 0u64;
    let mut said: Vec<(&Finding, Text)> = Vec::new();
    if let Some(r) = per_thousand.as_ref().filter(|r| r.failing()) {
        let ctx = units.inputs();
        match area_population(&ctx, &area, |u| u.elderly_population) {
            Some(elderly) => {
                let have = stock(units, fix, r).beds;
                let need = r.target.value * elderly as f64 / 1000.0;
                beds = beds.max(short(need, have));
                let have = num(have as f64, 0);
                let (m, e, n) = (
                    num(r.target.value, 1),
                    num(elderly as f64, 0),
                    num(need.ceil(), 0),
                );
                said.push((
                    r.finding,
                    Text::new(
                        format!("{zh}每千名老年人床位须达 {m} 张：老年人 {e} 人需床位 {n} 张，现有 {have} 张"),
                        format!("{en} needs {n} beds for {m} per 1,000 of its {e} elderly; it has {have}"),
                    ),
                ));
            }
            None => Units::cannot(
                fix,
                r.finding,
                t!(
                    "单元缺少老年人口数，无法确定所需床位",
                    "the unit has no elderly population to size the beds by"
                ),
            ),
        }
    }
    if let Some(r) = total.as_ref().filter(|r| r.failing()) {
        let have = stock(units, fix, r).beds;
        beds = beds.max(short(r.target.value, have));
        let (n, have) = (num(r.target.value, 0), num(have as f64, 0));
        said.push((
            r.finding,
            Text::new(
                format!("{zh}床位总数须达 {n} 张，现有 {have} 张"),
                format!("{en} needs {n} beds in all; it has {have}"),
            ),
        ));
    }
    if let Some(r) = government.as_ref().filter(|r| r.failing()) {
        let s = stock(units, fix, r);
        if r.target.value > 0.0 {
            let need = s.government as f64 / r.target.value;
            beds = beds.max(short(need, s.beds));
            let (g, share, n) = (
                num(s.government as f64, 0),
                pct(r.target.value),
                num(need.ceil(), 0),
            );
            said.push((
                r.finding,
                Text::new(
                    format!("{zh}政府运营床位 {g} 张，占比不超过 {share} 须总床位不少于 {n} 张（新增床位由社会力量运营）"),
                    format!("{en}'s {g} government-run beds are at most {share} of {n} beds or more (the new beds run by others)"),
                ),
            ));
        } else {
            Units::cannot(
                fix,
                r.finding,
                t!(
                    "政府运营床位占比上限为 0，新增床位无法满足",
                    "the government share's limit is 0: no bed added meets it"
                ),
            );
        }
    }
    // Nursing beds: the new beds first, then turned or added beds.
    let mut new_nursing = 0u64;
    let mut turned: Vec<(usize, u64)> = Vec::new();
    if let Some(r) = nursing.as_ref().filter(|r| r.failing() || beds > 0) {
        let s = stock(units, fix, r);
        let share = r.target.value;
        let need = |b: u64| share * (s.beds + b) as f64;
        new_nursing = short(need(beds), s.nursing).min(beds);
        let mut rest = short(need(beds), s.nursing + new_nursing);
        if rest > 0 && when.past.is_none() {
            for (i, spare) in spare_beds(units, &area, r.kinds.as_deref(), when) {
                let take = spare.min(rest);
                turned.push((i, take));
                rest -= take;
                if rest == 0 {
                    break;
                }
            }
        }
        if rest > 0 && share < 1.0 {
            // x more beds, all nursing-type: N + n + x ≥ share × (B + b + x).
            let x = ((need(beds) - (s.nursing + new_nursing) as f64) / (1.0 - share) - 1e-9)
                .ceil()
                .max(0.0) as u64;
            beds += x;
            new_nursing += x;
        }
        if r.failing() {
            let n = num(
                (new_nursing + turned.iter().map(|(_, n)| n).sum::<u64>()) as f64,
                0,
            );
            let p = pct(share);
            said.push((
                r.finding,
                Text::new(
                    format!("{zh}护理型床位占比须达 {p}：护理型床位增加 {n} 张"),
                    format!("{en} needs {n} more nursing beds for a {p} share"),
                ),
            ));
        }
    }
    let kinds = per_thousand
        .as_ref()
        .or(total.as_ref())
        .or(government.as_ref())
        .or(nursing.as_ref())
        .and_then(|r| r.kinds.clone());
    let mut at: Vec<usize> = Vec::new();
    if beds > 0 {
        let size: fn(&Facility) -> f64 = |f| f.beds.unwrap_or(0) as f64;
        match units.host(
            fix,
            &area,
            kinds.as_deref(),
            when,
            size,
            government.is_some(),
            FacilityKind::INSTITUTIONS,
        ) {
            Some(r) => {
                fix.remedies[r].more.beds += beds;
                fix.remedies[r].more.nursing_beds += new_nursing;
                at.push(r);
            }
            None => {
                for (f, _) in &said {
                    Units::cannot(
                        fix,
                        f,
                        t!(
                            "此次整改不能在该单元新建设施",
                            "this fix may not build in the unit"
                        ),
                    );
                }
                return;
            }
        }
    }
    for (i, n) in turned {
        let r = units.enlarge(fix, i);
        fix.remedies[r].more.nursing_beds += n;
        if !at.contains(&r) {
            at.push(r);
        }
    }
    for (f, why) in said {
        for &r in &at {
            Units::fixes(fix, r, f, why.clone());
        }
        if let Some(due) = when.past.filter(|_| f.fails_at(Severity::Warning)) {
            units.past_due(fix, f, due, !at.is_empty());
        }
    }
}

/// The beds of the area's facilities (of `kinds`, standing by the cutoff, that this fix
/// may change) that are not yet nursing-type, most first.
fn spare_beds(
    units: &Units,
    area: &Area,
    kinds: Option<&[FacilityKind]>,
    when: When,
) -> Vec<(usize, u64)> {
    let plan = units.checked.plan;
    let mut out: Vec<(usize, u64)> = area
        .facilities
        .iter()
        .copied()
        .filter(|&i| units.options.may_change(i))
        .filter_map(|i| {
            let f = &plan.facilities[i];
            let ok =
                crate::rules::common::kind_in(f, kinds) && super::units::stands(f, when.cutoff);
            let spare = f
                .beds
                .unwrap_or(0)
                .saturating_sub(f.nursing_beds.unwrap_or(0));
            (ok && spare > 0).then_some((i, spare))
        })
        .collect();
    out.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(plan.facilities[a.0].id.cmp(&plan.facilities[b.0].id))
    });
    out
}

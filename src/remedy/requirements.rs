//! The remedy of the rules that ask a unit to contain facilities: `county-institutions`
//! (a checklist per county), `facility-count` (a number by a date), `street-center` and
//! `community-service-place` (one in every street or community), `institution-count`,
//! and `facility-coverage` (a share of communities, towns or villages with one).
//!
//! Each failure becomes what its unit lacks, as [`Requirement`]s: the kind, care, size,
//! operator, level and date each names. A new facility this fix already puts in the unit
//! counts where it meets one as it is. The rest become new facilities, as few as meet
//! them all: one new facility meets every requirement whose terms it can satisfy at once
//! (a nursing home with medical care is both the medical-care institution and the
//! nursing-type one; one station both covers a community and is its service place). The
//! fewest is found exactly: a unit lacks few things, and every way of grouping them is
//! tried. A coverage share is met in the uncovered units that already lack something,
//! then the most populous.
//!
//! A requirement not yet due gets a facility completed by its due date (started, where it
//! counts construction started); one already past gets one dated the check's date and
//! stays failing (the re-check says from when it is met). Facilities of the plan that
//! stand only after the due date already say from when; what they make up is left.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::units::{facility_level, pick_kind, unit_named, Units, When};
use super::{Fix, More, Traits};
use crate::model::{FacilityKind, FacilityLevel, Finding, LevelSel, Operator};
use crate::rules::common::{resolve, Area};
use crate::rules::dated::Stage;
use crate::rules::presence::PresenceParams;
use crate::rules::requirement::{Accepts, Met, Requirement};
use crate::text::{Lang, Text};

pub const COUNTY: &str = "county-institutions";
pub const COUNT: &str = "facility-count";
pub const STREET_CENTER: &str = "street-center";
pub const SERVICE_PLACE: &str = "community-service-place";
pub const INSTITUTIONS: &str = "institution-count";
pub const COVERAGE: &str = "facility-coverage";

/// The rules this remedy fixes.
pub const RULES: [&str; 6] = [
    COUNTY,
    COUNT,
    STREET_CENTER,
    SERVICE_PLACE,
    INSTITUTIONS,
    COVERAGE,
];

/// What a unit lacks for one failing finding: `short` facilities meeting `requirement`.
struct Lack<'c> {
    finding: &'c Finding,
    unit: Option<usize>,
    requirement: Requirement,
    when: When,
    short: u64,
}

/// The remedies for the rules' failures.
pub fn remedies(units: &mut Units, fix: &mut Fix) {
    let mut lacks: Vec<Lack> = Vec::new();
    let mut past: BTreeMap<(&'static str, String), (NaiveDate, &Finding)> = BTreeMap::new();
    checklists(units, &mut lacks, &mut past);
    counts(units, &mut lacks, &mut past);
    for rule in [STREET_CENTER, SERVICE_PLACE] {
        presence(units, rule, &mut lacks, &mut past);
    }
    institution_count(units, &mut lacks, &mut past);
    coverage(units, fix, &mut lacks, &mut past);
    // Unit by unit, the lowest level first (a city's count counts its districts' new
    // facilities).
    let mut order: Vec<Option<usize>> = lacks.iter().map(|l| l.unit).collect();
    order.sort_by_key(|u| {
        let rank = u.map_or(0, |u| units.checked.plan.units[u].level.rank());
        (std::cmp::Reverse(rank), *u)
    });
    order.dedup();
    let mut made_for: Vec<(&'static str, String)> = Vec::new();
    for unit in order {
        let here: Vec<&Lack> = lacks.iter().filter(|l| l.unit == unit).collect();
        for f in build(units, fix, unit, &here) {
            made_for.push((f.rule, f.subject.id.clone()));
        }
    }
    for ((rule, id), (due, f)) in past {
        units.past_due(fix, f, due, made_for.contains(&(rule, id)));
    }
}

/// A failure whose due date passed: noted once, with its earliest due date.
type Past<'c> = BTreeMap<(&'static str, String), (NaiveDate, &'c Finding)>;

/// How many facilities meeting `requirement` `area` lacks (none when it meets it, or when
/// facilities lack a value it reads). For a target already past, the plan's facilities that
/// stand later already say from when it is met: what they make up is not asked again, and
/// the finding is noted in `past`.
fn lack<'c>(
    units: &Units<'c, '_>,
    f: &'c Finding,
    area: &Area,
    requirement: Requirement,
    when: When,
    past: &mut Past<'c>,
) -> Option<Lack<'c>> {
    let ctx = units.inputs();
    let cutoff = when.past.or(when.cutoff).unwrap_or(units.checked.as_of);
    let count = requirement.count(&ctx, area, cutoff);
    if requirement.met(&count) != Met::No {
        return None;
    }
    let mut short = requirement.min_count.saturating_sub(count.known);
    if let Some(due) = when.past {
        let e = past
            .entry((f.rule, f.subject.id.clone()))
            .or_insert((due, f));
        e.0 = e.0.min(due);
        short = short.saturating_sub(count.later.len() as u64);
    }
    (short > 0).then_some(Lack {
        finding: f,
        unit: area.unit,
        requirement,
        when,
        short,
    })
}

/// `county-institutions`: each requirement a failing unit does not meet.
fn checklists<'c>(units: &Units<'c, '_>, lacks: &mut Vec<Lack<'c>>, past: &mut Past<'c>) {
    #[derive(Deserialize)]
    struct Params {
        requirements: Vec<Requirement>,
    }
    let Some(cfg) = units.checked.profile.rules.get(COUNTY) else {
        return;
    };
    let Ok(p) = cfg.parse::<Params>() else {
        return;
    };
    for f in units.failing(COUNTY) {
        let area = units.area_of(f);
        let ctx = units.inputs();
        for r in p.requirements.iter().filter(|r| r.applies(&ctx, &area)) {
            let when = When::of(&r.target(&ctx, cfg), units.checked.as_of);
            lacks.extend(lack(units, f, &area, r.clone(), when, past));
        }
    }
}

/// `facility-count`: the target a failing finding names (its subject id's key).
fn counts<'c>(units: &Units<'c, '_>, lacks: &mut Vec<Lack<'c>>, past: &mut Past<'c>) {
    #[derive(Deserialize)]
    struct Params {
        targets: Vec<Requirement>,
    }
    let Some(cfg) = units.checked.profile.rules.get(COUNT) else {
        return;
    };
    let Ok(p) = cfg.parse::<Params>() else {
        return;
    };
    for f in units.failing(COUNT) {
        let Some((_, key)) = f.subject.id.rsplit_once('/') else {
            continue;
        };
        let Some(r) = p.targets.iter().find(|t| t.key.as_deref() == Some(key)) else {
            continue;
        };
        let area = units.area_of(f);
        let when = When::of(&r.target(&units.inputs(), cfg), units.checked.as_of);
        lacks.extend(lack(units, f, &area, r.clone(), when, past));
    }
}

/// A requirement for `min_count` facilities of `kinds` in a unit, by the target's year.
fn plain(
    kinds: Option<Vec<FacilityKind>>,
    min_count: u64,
    year: Option<i32>,
    label: Text,
) -> Requirement {
    Requirement {
        level: LevelSel::City,
        key: None,
        kinds,
        medical_care: None,
        min_beds: None,
        operators: None,
        nursing_type: false,
        facility_level: None,
        stage: None,
        min_count,
        year,
        clause: None,
        label: label.zh,
        label_en: label.en,
    }
}

/// `street-center`, `community-service-place`: the facilities a failing unit lacks.
fn presence<'c>(
    units: &Units<'c, '_>,
    rule: &'static str,
    lacks: &mut Vec<Lack<'c>>,
    past: &mut Past<'c>,
) {
    let Some(cfg) = units.checked.profile.rules.get(rule) else {
        return;
    };
    let Ok(p) = cfg.parse::<PresenceParams>() else {
        return;
    };
    let target = resolve(&units.inputs(), cfg, &p.min_count);
    let when = When::of(&target, units.checked.as_of);
    let label = match rule {
        STREET_CENTER => Text::new("街道综合养老服务中心", "street centre"),
        _ => Text::new("社区养老服务场所", "community elder-care place"),
    };
    for f in units.failing(rule) {
        let area = units.area_of(f);
        let min = (target.value - 1e-9).ceil().max(0.0) as u64;
        let r = plain(p.kinds.clone(), min, target.year, label.clone());
        lacks.extend(lack(units, f, &area, r, when, past));
    }
}

/// `institution-count`: the institutions a failing unit lacks.
fn institution_count<'c>(units: &Units<'c, '_>, lacks: &mut Vec<Lack<'c>>, past: &mut Past<'c>) {
    let Some((p, target, when)) = units.minimum(INSTITUTIONS) else {
        return;
    };
    let kinds = p
        .kinds
        .unwrap_or_else(|| FacilityKind::INSTITUTIONS.to_vec());
    for f in units.failing(INSTITUTIONS) {
        let area = units.area_of(f);
        let min = (target.value - 1e-9).ceil().max(0.0) as u64;
        let mut r = plain(
            Some(kinds.clone()),
            min,
            target.year,
            Text::new("养老机构", "institution"),
        );
        r.min_beds = p.min_beds;
        lacks.extend(lack(units, f, &area, r, when, past));
    }
}

/// `facility-coverage`: the uncovered units a failing share needs covered — those that
/// already lack something first, then the most populous.
fn coverage<'c>(units: &Units<'c, '_>, fix: &Fix, lacks: &mut Vec<Lack<'c>>, past: &mut Past<'c>) {
    let Some(cfg) = units.checked.profile.rules.get(COVERAGE) else {
        return;
    };
    let Ok(p) = cfg.parse::<crate::rules::facility_coverage::Params>() else {
        return;
    };
    let plan = units.checked.plan;
    for f in units.failing(COVERAGE) {
        // The target whose subject id the finding has.
        let city = units.area_of(f);
        let city_id = match city.unit {
            Some(u) => plan.units[u].id.as_str(),
            None => "plan",
        };
        let Some(t) = p
            .targets
            .iter()
            .find(|t| p.subject_id(city_id, t) == f.subject.id)
        else {
            continue;
        };
        let ctx = units.inputs();
        let share = resolve(&ctx, cfg, &t.share);
        let when = When::of(&share, units.checked.as_of);
        let label = Text::new(
            t.label.clone().unwrap_or_else(|| "养老服务设施".into()),
            t.label_en
                .clone()
                .unwrap_or_else(|| "elder-care facility".into()),
        );
        let one = plain(Some(t.kinds.clone()), 1, share.year, label);
        let mut within = ctx.units_within(&city, t.level);
        within.retain(|&u| {
            t.min_population
                .is_none_or(|m| plan.units[u].population.is_some_and(|p| p >= m))
        });
        let n = within.len();
        // Units covered (or, for a target already past, covered later) and not.
        let mut uncovered = Vec::new();
        for &u in &within {
            let area = units.unit_area(u);
            let cutoff = when.past.or(when.cutoff).unwrap_or(units.checked.as_of);
            let count = one.count(&ctx, &area, cutoff);
            let later = when.past.is_some() && !count.later.is_empty();
            let new = units.new_accepting(fix, &area, &one, when);
            if count.known == 0 && !later && !new && one.met(&count) == Met::No {
                uncovered.push(u);
            }
        }
        let covered = n - uncovered.len();
        let need = (share.value * n as f64 - 1e-9).ceil().max(0.0) as usize;
        let mut more = need.saturating_sub(covered);
        if let Some(due) = when.past {
            let e = past
                .entry((f.rule, f.subject.id.clone()))
                .or_insert((due, f));
            e.0 = e.0.min(due);
        }
        let lacking = |u: usize| lacks.iter().any(|l| l.unit == Some(u));
        uncovered.sort_by_key(|&u| {
            (
                !lacking(u),
                std::cmp::Reverse(plan.units[u].population.unwrap_or(0)),
                plan.units[u].id.clone(),
            )
        });
        for u in uncovered {
            if more == 0 {
                break;
            }
            more -= 1;
            lacks.push(Lack {
                finding: f,
                unit: Some(u),
                requirement: one.clone(),
                when,
                short: 1,
            });
        }
    }
}

/// Builds what `unit` lacks: what this fix's new facilities there meet as they are is
/// not asked again; the rest in the fewest new facilities. The findings it made
/// facilities for.
fn build<'c>(
    units: &mut Units<'c, '_>,
    fix: &mut Fix,
    unit: Option<usize>,
    lacks: &[&Lack<'c>],
) -> Vec<&'c Finding> {
    let area = match unit {
        Some(u) => units.unit_area(u),
        None => units.area_of(lacks[0].finding),
    };
    let unit_level = unit.map(|u| facility_level(units.checked.plan.units[u].level));
    let community = unit.is_some_and(|u| units.checked.plan.units[u].level.rank() >= 2);
    let mut missing: Vec<&Lack> = Vec::new();
    let mut made = Vec::new();
    for l in lacks {
        // What this fix's new facilities meet, as they are or with care or beds added.
        loop {
            let have = units.new_accepting_count(fix, &area, &l.requirement, l.when);
            if have >= l.short {
                break;
            }
            let Some(r) = units.upgrade(fix, &area, &l.requirement, l.when) else {
                for _ in have..l.short {
                    missing.push(l);
                }
                break;
            };
            Units::fixes(fix, r, l.finding, lacks_said(units, unit, &[l]));
            made.push(l.finding);
        }
    }
    for group in fewest_groups(&missing, unit_level, community) {
        let Some(new) = facility_for(&missing, &group, unit_level, community) else {
            continue;
        };
        let Some(r) = units.new_facility(fix, &area, new.kind, new.when.date, new.traits) else {
            for &g in &group {
                Units::cannot(
                    fix,
                    missing[g].finding,
                    Text::new(
                        "此次整改不能在该单元新建设施",
                        "this fix may not build in the unit",
                    ),
                );
            }
            continue;
        };
        let mut more = new.more;
        let mut floor_area = if FacilityKind::COMMUNITY.contains(&new.kind) {
            units.options.station_floor_area
        } else {
            0.0
        };
        super::ranges::fit_new(units, new.kind, &mut floor_area, &mut more);
        fix.remedies[r].more = more;
        fix.remedies[r].floor_area = floor_area;
        // One reason per finding, naming all it lacks that this facility gives.
        let mut said: Vec<&Lack> = Vec::new();
        for &g in &group {
            let l = missing[g];
            if !said.iter().any(|s| std::ptr::eq(s.finding, l.finding)) {
                said.push(l);
            }
        }
        for first in said {
            let all: Vec<&Lack> = group
                .iter()
                .map(|&g| missing[g])
                .filter(|l| std::ptr::eq(l.finding, first.finding))
                .collect();
            Units::fixes(fix, r, first.finding, lacks_said(units, unit, &all));
            made.push(first.finding);
        }
    }
    made
}

/// "X 缺少：…" / "X lacks: …".
fn lacks_said(units: &Units, unit: Option<usize>, lacks: &[&Lack]) -> Text {
    let Some(first) = lacks.first() else {
        return Text::default();
    };
    let zh: Vec<&str> = lacks.iter().map(|l| l.requirement.label.as_str()).collect();
    let en: Vec<&str> = lacks
        .iter()
        .map(|l| l.requirement.label_en.as_str())
        .collect();
    Text::new(
        format!(
            "{}缺少：{}",
            unit_named_of(units, unit, first.finding, Lang::Zh),
            zh.join("、")
        ),
        format!(
            "{} lacks: {}",
            unit_named_of(units, unit, first.finding, Lang::En),
            en.join(", ")
        ),
    )
}

/// The unit a lack is in, as a message names it (the finding's subject for the plan).
fn unit_named_of(units: &Units, unit: Option<usize>, f: &Finding, lang: Lang) -> String {
    match unit {
        Some(u) => {
            let unit = &units.checked.plan.units[u];
            super::named(&unit.name, &unit.id, lang)
        }
        None => unit_named(f, lang),
    }
}

/// The fewest groups of the missing facilities such that one new facility meets each
/// group (positions into `missing`): every grouping is tried, by a search that stops at
/// the best found so far. Two lacks of one requirement are two facilities.
fn fewest_groups(
    missing: &[&Lack],
    unit_level: Option<FacilityLevel>,
    community: bool,
) -> Vec<Vec<usize>> {
    fn search(
        k: usize,
        groups: &mut Vec<Vec<usize>>,
        best: &mut Option<Vec<Vec<usize>>>,
        fits: &dyn Fn(&[usize]) -> bool,
        n: usize,
    ) {
        if best.as_ref().is_some_and(|b| groups.len() >= b.len()) {
            return;
        }
        if k == n {
            *best = Some(groups.clone());
            return;
        }
        for g in 0..groups.len() {
            groups[g].push(k);
            if fits(&groups[g]) {
                search(k + 1, groups, best, fits, n);
            }
            groups[g].pop();
        }
        groups.push(vec![k]);
        search(k + 1, groups, best, fits, n);
        groups.pop();
    }
    // Beyond a dozen, one each (no unit of the five cities' rules lacks that many kinds).
    if missing.len() > 12 {
        return (0..missing.len()).map(|k| vec![k]).collect();
    }
    let fits = |group: &[usize]| {
        let distinct = group.iter().enumerate().all(|(a, &x)| {
            group[a + 1..]
                .iter()
                .all(|&y| !std::ptr::eq(missing[x], missing[y]))
        });
        distinct && facility_for(missing, group, unit_level, community).is_some()
    };
    let mut best = None;
    search(0, &mut Vec::new(), &mut best, &fits, missing.len());
    best.unwrap_or_default()
}

/// A new facility that meets a group of requirements.
struct NewFacility {
    kind: FacilityKind,
    traits: Traits,
    more: More,
    when: When,
}

/// The new facility that meets every requirement of `group`, when one can.
fn facility_for(
    missing: &[&Lack],
    group: &[usize],
    unit_level: Option<FacilityLevel>,
    community: bool,
) -> Option<NewFacility> {
    let reqs: Vec<&Requirement> = group.iter().map(|&g| &missing[g].requirement).collect();
    let when = group.iter().map(|&g| missing[g].when).reduce(When::min)?;
    let kinds = intersect(reqs.iter().map(|r| r.kinds.as_deref()), &ALL_KINDS)?;
    let nursing = reqs.iter().any(|r| r.nursing_type);
    let any_kind = reqs.iter().all(|r| r.kinds.is_none());
    let kind = if any_kind && community {
        FacilityKind::CommunityStation
    } else {
        pick_kind(Some(&kinds), nursing)
    };
    let operators = intersect(
        reqs.iter().map(|r| r.operators.as_deref()),
        &[
            Operator::Private,
            Operator::PublicPrivate,
            Operator::Government,
        ],
    )?;
    let levels = intersect(
        reqs.iter().map(|r| r.facility_level.as_deref()),
        &[
            FacilityLevel::County,
            FacilityLevel::City,
            FacilityLevel::Town,
        ],
    )?;
    let level = unit_level
        .filter(|l| levels.contains(l))
        .or(levels.first().copied());
    let medical_care = reqs.iter().any(|r| r.medical_care == Some(true));
    let mut beds = reqs.iter().filter_map(|r| r.min_beds).max().unwrap_or(0);
    let nursing_beds = if nursing && kind != FacilityKind::NursingHome {
        beds = beds.max(1);
        beds
    } else {
        0
    };
    let started = reqs.iter().any(|r| r.stage() == Some(Stage::Started));
    let traits = Traits {
        operator: Some(operators[0]),
        medical_care: Some(medical_care),
        level,
        construction_start: started.then_some(when.date),
        clinic: None,
    };
    let more = More {
        beds,
        nursing_beds,
        ..More::default()
    };
    // The facility as the plan will hold it: every requirement must accept it.
    let f = Traits::facility(kind, &traits, &more, 0.0, Some(when.date));
    let all = group.iter().all(|&g| {
        let m = missing[g];
        m.requirement.accepts(&f, m.when.date) == Accepts::Yes
    });
    all.then_some(NewFacility {
        kind,
        traits,
        more,
        when,
    })
}

const ALL_KINDS: [FacilityKind; 7] = [
    FacilityKind::Institution,
    FacilityKind::NursingHome,
    FacilityKind::WelfareCenter,
    FacilityKind::CommunityStation,
    FacilityKind::DayCare,
    FacilityKind::StreetCenter,
    FacilityKind::RuralHome,
];

/// What every list allows (a list left out allows all), in the order of `all`; none when
/// nothing is left.
fn intersect<'a, T: Copy + PartialEq + 'a>(
    lists: impl Iterator<Item = Option<&'a [T]>>,
    all: &[T],
) -> Option<Vec<T>> {
    let mut left: Vec<T> = all.to_vec();
    for list in lists.flatten() {
        left.retain(|x| list.contains(x));
    }
    (!left.is_empty()).then_some(left)
}

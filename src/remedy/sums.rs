//! The remedy of the rules that ask a unit for so much of something per resident:
//! `land-per-capita` (m² of facility land per resident) and
//! `family-beds-per-thousand-elderly` (family beds per 1,000 elderly). What is short —
//! the minimum × the unit's population (÷ 1,000), less what its facilities hold by the
//! due date with what this fix adds — goes where [`Units::host`] says: the facility that
//! holds the most of it, else a new institution (land) or community station (family
//! beds). A county's remedies count for its city: the city needs only what they leave.

use super::units::{unit_named, Stock, Units};
use super::{round_up, Fix, More};
use crate::model::{Facility, FacilityKind, Unit};
use crate::rules::area_metric::area_population;
use crate::text::{num, t, Lang, Text};

pub const LAND: &str = "land-per-capita";
pub const FAMILY_BEDS: &str = "family-beds-per-thousand-elderly";

/// One such rule: what it divides by and what it counts.
struct Sum {
    rule: &'static str,
    /// The unit's population the minimum is per (residents, or elderly).
    population: fn(&Unit) -> Option<u64>,
    /// Residents per figure: 1, or 1,000.
    per: f64,
    held: fn(&Stock) -> f64,
    size: fn(&Facility) -> f64,
    add: fn(&mut More, f64),
    /// What is short, in the rule's steps (0.1 m², whole beds).
    round: fn(f64) -> f64,
    /// The kinds a new facility for it is of.
    new: &'static [FacilityKind],
    /// "需用地 {need} 平方米，现有 {have}" in words, from (the unit in zh and en, minimum,
    /// population, need, have).
    said: fn((&str, &str), &str, &str, &str, &str) -> Text,
}

const SUMS: [Sum; 2] = [
    Sum {
        rule: LAND,
        population: |u| u.population,
        per: 1.0,
        held: |s| s.land,
        size: |f| f.land_area.unwrap_or(0.0),
        add: |m, x| m.land_area = round_up(m.land_area + x),
        round: round_up,
        new: FacilityKind::INSTITUTIONS,
        said: |(uz, ue), m, pop, n, h| {
            let zh = format!(
                "{uz}人均用地须达 {m} 平方米：常住人口 {pop} 人需用地 {n} 平方米，现有 {h} 平方米"
            );
            let en = format!("{ue} needs {n} m² of land for {m} m² per each of its {pop} residents; it has {h} m²");
            Text::new(zh, en)
        },
    },
    Sum {
        rule: FAMILY_BEDS,
        population: |u| u.elderly_population,
        per: 1000.0,
        held: |s| s.family as f64,
        size: |f| f.family_beds.unwrap_or(0) as f64,
        add: |m, x| m.family_beds += x as u64,
        round: |x| (x - 1e-9).ceil(),
        new: FacilityKind::COMMUNITY,
        said: |(uz, ue), m, pop, n, h| {
            let zh = format!(
                "{uz}每千名老年人家庭养老床位须达 {m} 张：老年人 {pop} 人需 {n} 张，现有 {h} 张"
            );
            let en = format!(
                "{ue} needs {n} family beds for {m} per 1,000 of its {pop} elderly; it has {h}"
            );
            Text::new(zh, en)
        },
    },
];

/// The remedies for the rules' failures.
pub fn remedies(units: &mut Units, fix: &mut Fix) {
    for sum in &SUMS {
        one_rule(units, fix, sum);
    }
}

fn one_rule(units: &mut Units, fix: &mut Fix, sum: &Sum) {
    let Some((p, target, when)) = units.minimum(sum.rule) else {
        return;
    };
    for f in units.failing(sum.rule) {
        let area = units.area_of(f);
        let Some(population) = area_population(&units.inputs(), &area, sum.population) else {
            Units::cannot(
                fix,
                f,
                t!(
                    "单元缺少人口数，无法确定所需数量",
                    "the unit has no population figure to size it by"
                ),
            );
            continue;
        };
        let stock = units.stock(fix, &area, p.kinds.as_deref(), when.cutoff);
        let have = (sum.held)(&stock);
        let need = target.value * population as f64 / sum.per;
        let more = (sum.round)(need - have);
        if more <= 0.0 {
            // Its counties' remedies already make it up.
            continue;
        }
        let Some(r) = units.host(
            fix,
            &area,
            p.kinds.as_deref(),
            when,
            sum.size,
            false,
            sum.new,
        ) else {
            Units::cannot(
                fix,
                f,
                t!(
                    "此次整改不能在该单元新建设施",
                    "this fix may not build in the unit"
                ),
            );
            continue;
        };
        (sum.add)(&mut fix.remedies[r].more, more);
        let decimals = if sum.per == 1.0 { 1 } else { 0 };
        let (m, pop, n, h) = (
            num(target.value, 2),
            num(population as f64, 0),
            num((sum.round)(need), decimals),
            num(have, decimals),
        );
        let unit = (unit_named(f, Lang::Zh), unit_named(f, Lang::En));
        let why = (sum.said)((&unit.0, &unit.1), &m, &pop, &n, &h);
        Units::fixes(fix, r, f, why);
        if let Some(due) = when.past {
            units.past_due(fix, f, due, true);
        }
    }
}

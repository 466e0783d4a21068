//! The remedy of the rules that bound a value of each facility of some kinds
//! (`street-center-beds`: long-term beds within a range; `street-center-floor-area`: at
//! most a cap): a value short of its minimum is added to (`enlarge`, by the gap, whole
//! beds or 0.1 m²); one over its maximum is left, saying why — a fix adds, it never takes
//! away. A new facility of those kinds is built within the range ([`fit_new`]).

use super::units::Units;
use super::{round_up, Fix, Left, More};
use crate::model::{FacilityKind, Need};
use crate::rules::common::resolve;
use crate::rules::facility_range::RangeParams;
use crate::text::{t, Lang, Text};

pub const BEDS: &str = "street-center-beds";
pub const FLOOR_AREA: &str = "street-center-floor-area";

/// The field a range rule bounds.
#[derive(Clone, Copy)]
enum Field {
    LongTermBeds,
    FloorArea,
}

const RANGES: [(&str, Field); 2] = [(BEDS, Field::LongTermBeds), (FLOOR_AREA, Field::FloorArea)];

/// The remedies for the rules' failures.
pub fn remedies(units: &mut Units, fix: &mut Fix) {
    for (rule, field) in RANGES {
        for f in units.failing(rule) {
            let (Some(i), Some(gap)) = (f.subject.index, f.gap().and_then(|g| g.deficit)) else {
                continue;
            };
            if f.need == Need::AtMost {
                fix.left.push(Left {
                    rule: f.rule,
                    subject: f.subject.id.clone(),
                    why: t!(
                        "超出上限：整改只增加、不削减设施的面积或床位",
                        "over its maximum: a fix adds to facilities, it never takes away"
                    ),
                    fixable: false,
                });
                continue;
            }
            if !units.options.may_change(i) {
                Units::cannot(
                    fix,
                    f,
                    t!(
                        "此次整改不能改变该设施",
                        "this fix may not change the facility"
                    ),
                );
                continue;
            }
            let r = units.enlarge(fix, i);
            let remedy = &mut fix.remedies[r];
            match field {
                Field::LongTermBeds => remedy.more.long_term_beds += (gap - 1e-9).ceil() as u64,
                Field::FloorArea => remedy.floor_area = round_up(remedy.floor_area + gap),
            }
            let gap = crate::text::num(gap, 1);
            let why = Text::new(
                format!(
                    "{}低于下限，差 {gap}",
                    super::named(&f.subject.name, &f.subject.id, Lang::Zh)
                ),
                format!(
                    "{} is {gap} short of its minimum",
                    super::named(&f.subject.name, &f.subject.id, Lang::En)
                ),
            );
            Units::fixes(fix, r, f, why);
        }
    }
}

/// A new facility of `kind` within the ranges the profile sets for its kind: its floor
/// area within the cap (and up to the minimum), its long-term beds the minimum.
pub fn fit_new(units: &Units, kind: FacilityKind, floor_area: &mut f64, more: &mut More) {
    let ctx = units.inputs();
    for (rule, field) in RANGES {
        let Some(cfg) = units.checked.profile.rules.get(rule) else {
            continue;
        };
        let Ok(p) = cfg.parse::<RangeParams>() else {
            continue;
        };
        if !p.kinds.contains(&kind) {
            continue;
        }
        let min = p.min.as_ref().map_or(0.0, |m| resolve(&ctx, cfg, m).value);
        let max = resolve(&ctx, cfg, &p.max).value;
        match field {
            Field::LongTermBeds => {
                let least = (min - 1e-9).ceil().max(0.0) as u64;
                more.long_term_beds = more.long_term_beds.max(least);
            }
            Field::FloorArea => *floor_area = floor_area.min(max).max(min),
        }
    }
}

//! `floor-area-per-households`'s remedy: the compound's shortfall (required × households /
//! 100 − Σ floor area, the finding's `missing_floor_area`) goes to its largest community
//! facility (`enlarge`), or, where it has none, to a new one at its reference point
//! (`add`), which the service circle then counts as a station.

use serde::Deserialize;

use super::{fixes, named, new_date, round_up, Action, Fix, Left, More, Options, Remedy, Traits};
use crate::engine::Checked;
use crate::model::{FacilityKind, Finding, Measure, RuleDetails};
use crate::text::{num, t, Lang, Text};

pub const RULE: &str = "floor-area-per-households";

/// The kinds the rule counts (its profile section's `kinds`).
#[derive(Deserialize)]
struct Kinds {
    kinds: Vec<FacilityKind>,
}

/// The kinds of facility the rule counts, as the profile's section names them.
pub fn kinds(checked: &Checked) -> Vec<FacilityKind> {
    checked
        .profile
        .rules
        .get(RULE)
        .and_then(|cfg| cfg.parse::<Kinds>().ok())
        .map_or_else(Vec::new, |k| k.kinds)
}

/// The remedies for the failing findings `failing`; the compounds given a new facility
/// (their positions), for the circle to count.
pub fn remedies<'a>(
    checked: &Checked,
    failing: impl Iterator<Item = &'a Finding>,
    station: FacilityKind,
    options: &Options,
    fix: &mut Fix,
) -> Vec<usize> {
    let plan = checked.plan;
    let kinds = kinds(checked);
    let mut added = Vec::new();
    for f in failing {
        let (Some(k), Some(RuleDetails::FloorArea(d))) = (f.subject.index, f.details.rule()) else {
            continue;
        };
        let Measure::Number(short) = d.missing_floor_area else {
            fix.left.push(Left {
                rule: RULE,
                subject: f.subject.id.clone(),
                why: t!("缺少的面积未知", "the floor area missing is not known"),
                fixable: true,
            });
            continue;
        };
        let area = round_up(short);
        let compound = &plan.compounds[k];
        // The compound's largest facility of the kinds the rule counts (the first by id on
        // a tie).
        let own = checked.joins.compound_facilities[k]
            .iter()
            .filter(|&&i| options.may_change(i))
            .map(|&i| &plan.facilities[i])
            .filter(|fa| kinds.contains(&fa.kind))
            .max_by(|a, b| {
                let size = |x: &crate::model::Facility| x.floor_area.unwrap_or(0.0);
                size(a).total_cmp(&size(b)).then(b.id.cmp(&a.id))
            });
        let reason = Text::new(
            format!(
                "{}还差 {} 平方米",
                named(&compound.name, &compound.id, Lang::Zh),
                num(area, 1)
            ),
            format!(
                "{} needs {} m² more",
                named(&compound.name, &compound.id, Lang::En),
                num(area, 1)
            ),
        );
        if own.is_none() && !options.may_build_in(k) {
            continue;
        }
        let remedy = match own {
            Some(fa) => Remedy {
                id: String::new(),
                action: Action::Enlarge,
                facility_id: fa.id.clone(),
                name: fa.name.clone(),
                kind: None,
                at: None,
                compound_id: None,
                floor_area: area,
                completion_date: None,
                advance: None,
                more: More::default(),
                traits: Traits::default(),
                fixes: vec![fixes(f)],
                reason,
            },
            None => {
                added.push(k);
                Remedy::station(
                    &compound.name,
                    station,
                    compound.reference,
                    Some(compound.id.clone()),
                    area,
                    new_date(checked),
                    vec![fixes(f)],
                    reason,
                )
            }
        };
        fix.remedies.push(remedy);
    }
    added
}

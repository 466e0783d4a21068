//! The 15-minute circle, measured once: for every compound of the profile's area types,
//! the nearest facility of the qualifying kinds and the distance to it — walked along the
//! road network when the plan has roads (snap leg + shortest path + snap leg, one
//! multi-source search), else the straight line between reference points — and each
//! compound's two-step floating catchment score. The service-circle rule judges these
//! distances; the circle summary, the site suggestions and the service areas read them.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Inputs;
use crate::model::{AreaType, FacilityKind};
use crate::network::{Reach as NetworkReach, Snap, Walkable};
use crate::profile::{Bound, Severity, ThresholdSpec};

/// The service-circle rule's parameters, which the circle is measured by.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircleParams {
    pub kinds: Vec<FacilityKind>,
    pub area_types: Vec<AreaType>,
    pub max_distance: ThresholdSpec,
    #[serde(default)]
    pub walking_speed: Option<ThresholdSpec>,
}

impl CircleParams {
    pub fn check(&self) -> Result<(), String> {
        if self.kinds.is_empty() || self.area_types.is_empty() {
            Err("`kinds` and `area_types` must name at least one value".to_string())
        } else {
            Ok(())
        }
    }

    pub fn qualifies(&self, kind: FacilityKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// The maximum walking distance in force on `as_of`, in metres (NaN: none).
    pub fn distance(&self, as_of: chrono::NaiveDate) -> f64 {
        self.max_distance
            .resolve(Severity::Error, "", as_of)
            .map_or(f64::NAN, |r| r.value)
    }
}

/// The facilities of `facilities` within `d0` in a straight line of one of `compounds`.
fn within_reach(inputs: &Inputs, facilities: &[usize], compounds: &[usize], d0: f64) -> Vec<usize> {
    let mut listed = vec![false; inputs.plan.facilities.len()];
    for &f in facilities {
        listed[f] = true;
    }
    let mut near: Vec<usize> = compounds
        .iter()
        .flat_map(|&k| {
            let at = inputs.plan.compounds[k].reference;
            inputs.joins.facility_points.within(at, d0)
        })
        .filter(|&f| listed[f])
        .collect();
    near.sort_unstable();
    near.dedup();
    near
}

/// Each compound's nearest qualifying facility and the distance to it, in metres, and the
/// network search they came from (none for straight lines).
fn nearest_all(
    inputs: &Inputs,
    compounds: &[usize],
    qualifying: &[usize],
) -> (Vec<Option<(usize, f64)>>, Option<NetworkReach>) {
    match inputs.network {
        // Walking distance on the road network (rules.md), from one multi-source search
        // over all qualifying facilities.
        Some(w) => {
            let search = NetworkReach::from_sources(
                &w.net,
                &sources(w, qualifying),
                &inputs.joins.facility_rank,
            );
            let nearest = compounds
                .par_iter()
                .map(|&c| search.nearest(&w.net, w.compounds.get(c)))
                .collect();
            (nearest, Some(search))
        }
        // The straight line between reference points, through the facility R-tree.
        None => {
            let mut ok = vec![false; inputs.plan.facilities.len()];
            for &f in qualifying {
                ok[f] = true;
            }
            let nearest = compounds
                .par_iter()
                .map(|&c| {
                    inputs
                        .joins
                        .facility_points
                        .nearest_where(inputs.plan.compounds[c].reference, |f| ok[f])
                })
                .collect();
            (nearest, None)
        }
    }
}

/// The part of the road network a focused circle ([`super::Inputs::focus`]) is measured
/// on: the wanted compounds' bounding box widened by three catchment distances d0. A
/// 2SFCA score reaches that far (the compound, a facility within d0 of it, the compounds
/// within d0 of that facility, and their ways onto the network); a nearest facility at
/// walking distance d needs the roads within 2d (its own way onto the network may lie
/// beyond it), so distances up to 1.5 d0 are those of the whole network. A longer one, or
/// none, has the circle measured again on the whole network.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub rect: geo::Rect<f64>,
    /// Distances up to this many metres are the whole network's.
    pub trusted: f64,
}

/// The roads a check walks for its circle.
#[derive(Debug, Clone, Copy)]
pub enum Walk {
    /// The whole network: every compound is wanted (or the distance is not known).
    Whole,
    /// The window around the wanted compounds of the circle's area types.
    Around(Window),
    /// None: no wanted compound is of the circle's area types (a submission of a
    /// facility alone).
    Nothing,
}

impl Walk {
    pub fn of(
        plan: &crate::model::Plan,
        focus: Option<&crate::model::Focus>,
        p: &CircleParams,
        as_of: chrono::NaiveDate,
    ) -> Walk {
        let Some(focus) = focus else {
            return Walk::Whole;
        };
        let wanted = (0..plan.compounds.len())
            .filter(|&k| focus.wants(k) && p.area_types.contains(&plan.compounds[k].area_type))
            .map(|k| plan.compounds[k].reference);
        Walk::around(wanted, p, as_of, plan.snap_tolerance)
    }

    /// The walk of the compounds at these reference points (the wanted ones of the
    /// circle's area types), on a network of this snap tolerance.
    pub fn around(
        points: impl Iterator<Item = geo::Point<f64>>,
        p: &CircleParams,
        as_of: chrono::NaiveDate,
        snap_tolerance: f64,
    ) -> Walk {
        let Some(rect) = points
            .map(|c| geo::Rect::new(c.0, c.0))
            .reduce(crate::geometry::union)
        else {
            return Walk::Nothing;
        };
        let d0 = p.distance(as_of);
        if !(d0.is_finite() && d0 >= 0.0) {
            return Walk::Whole;
        }
        // Junctions merged within the snap tolerance may merge otherwise at the window's
        // edge: a few tolerances of room keep that edge away from what is measured.
        let margin = 3.0 * d0 + crate::network::TIE + 1.0 + 10.0 * snap_tolerance;
        Walk::Around(Window {
            rect: crate::geometry::widened(rect, margin),
            trusted: 1.5 * d0,
        })
    }

    /// The window, when the walk has one.
    pub fn window(self) -> Option<Window> {
        match self {
            Walk::Around(w) => Some(w),
            Walk::Whole | Walk::Nothing => None,
        }
    }
}

/// The qualifying facilities' ways onto the network, as search sources.
fn sources(w: &Walkable, qualifying: &[usize]) -> Vec<(usize, Snap)> {
    qualifying
        .iter()
        .flat_map(|&f| w.facilities.get(f).iter().map(move |s| (f, *s)))
        .collect()
}

/// The circle of one check.
pub struct Circle {
    /// Walked on the road network (else straight lines, approximate).
    pub walking: bool,
    /// The maximum walking distance in force on the check's date, in metres.
    pub max_distance: f64,
    /// The facilities of the qualifying kinds, ascending.
    pub qualifying: Vec<usize>,
    /// The compounds of the area types, ascending, with their nearest qualifying facility
    /// and the distance to it (none: no path, or no qualifying facility at all).
    pub reach: Vec<(usize, Option<(usize, f64)>)>,
    /// The 2SFCA score of each of those compounds: m² of facility floor area per resident.
    pub access: HashMap<usize, f64>,
    /// What the 2SFCA scores left out.
    pub excluded: Excluded,
    /// The multi-source search over the network, when walked (service areas read it).
    pub search: Option<NetworkReach>,
}

/// Features left out of a computation because a value it needs is missing.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Excluded {
    pub facilities_without_floor_area: usize,
    pub compounds_without_population: usize,
}

impl Circle {
    /// The circle of the compounds of the area types, or of those among them the inputs
    /// want ([`Inputs::focus`]): their nearest facility, and their 2SFCA scores, whose
    /// demand is every compound of the area types all the same.
    pub fn new(inputs: &Inputs, p: &CircleParams) -> Circle {
        let plan = inputs.plan;
        let max_distance = p.distance(inputs.as_of);
        let qualifying: Vec<usize> = (0..plan.facilities.len())
            .filter(|&f| p.qualifies(plan.facilities[f].kind))
            .collect();
        let subjects: Vec<usize> = (0..plan.compounds.len())
            .filter(|&i| p.area_types.contains(&plan.compounds[i].area_type))
            .collect();
        let measured: Vec<usize> = match inputs.focus {
            None => subjects.clone(),
            Some(_) => subjects
                .iter()
                .copied()
                .filter(|&k| inputs.wanted(k))
                .collect(),
        };
        // Only a facility within the catchment of a measured compound adds to its score;
        // the straight line is never longer than the walk.
        let near;
        let suppliers = match inputs.focus {
            None => &qualifying,
            Some(_) => {
                near = within_reach(inputs, &qualifying, &measured, max_distance);
                &near
            }
        };
        // The nearest facilities come from one search on one thread; the scores' searches
        // take the other threads meanwhile.
        let ((nearest, search), access) = rayon::join(
            || nearest_all(inputs, &measured, &qualifying),
            || super::two_step_fca::scores(inputs, suppliers, &subjects, &measured, max_distance),
        );
        let excluded = Excluded {
            facilities_without_floor_area: qualifying
                .iter()
                .filter(|&&f| plan.facilities[f].floor_area.is_none())
                .count(),
            compounds_without_population: measured
                .iter()
                .filter(|&&c| inputs.population(c).is_none())
                .count(),
        };
        Circle {
            walking: inputs.network.is_some(),
            max_distance,
            qualifying,
            reach: measured.into_iter().zip(nearest).collect(),
            access,
            excluded,
            search,
        }
    }

    /// Whether every measured distance is at most `limit` metres (none without a path is).
    pub fn all_within(&self, limit: f64) -> bool {
        self.reach
            .iter()
            .all(|(_, n)| n.is_some_and(|(_, d)| d <= limit))
    }

    /// "network" or "straight_line".
    pub fn method(&self) -> &'static str {
        if self.walking {
            "network"
        } else {
            "straight_line"
        }
    }

    /// A compound with this nearest facility is inside the circle.
    pub fn inside(&self, nearest: Option<(usize, f64)>) -> bool {
        nearest.is_some_and(|(_, d)| Bound::Max.holds(d, self.max_distance))
    }

    /// The compounds outside the circle, ascending.
    pub fn outside(&self) -> Vec<usize> {
        self.reach
            .iter()
            .filter(|(_, n)| !self.inside(*n))
            .map(|(c, _)| *c)
            .collect()
    }

    /// The circle's coverage, per unit and for the plan (`city` names the plan).
    pub fn summary(&self, inputs: &Inputs, city: &str) -> CircleSummary {
        let plan = inputs.plan;
        let mut whole = UnitCircle::new("plan".into(), city.to_string());
        let mut units: Vec<Option<UnitCircle>> = vec![None; plan.units.len()];
        let mut outside = Vec::new();
        // In the order of the compounds' ids, as the findings are.
        let mut reach: Vec<&(usize, Option<(usize, f64)>)> = self.reach.iter().collect();
        reach.sort_by(|a, b| plan.compounds[a.0].id.cmp(&plan.compounds[b.0].id));
        for &&(i, nearest) in &reach {
            let c = &plan.compounds[i];
            let population = inputs.population(i);
            let inside = self.inside(nearest);
            whole.add(population, inside);
            if !inside {
                let distance = nearest.map(|(_, d)| (d * 1e6).round() / 1e6 + 0.0);
                outside.push(Outside {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    distance,
                    over_by: distance.map(|d| (d - self.max_distance).max(0.0)),
                });
            }
            for &u in &inputs.joins.compound_units[i] {
                let unit = &plan.units[u];
                units[u]
                    .get_or_insert_with(|| UnitCircle::new(unit.id.clone(), unit.name.clone()))
                    .add(population, inside);
            }
        }
        // No path first, then the farthest; ties by id.
        outside.sort_by(|a: &Outside, b: &Outside| {
            let key = |o: &Outside| o.over_by.unwrap_or(f64::INFINITY);
            key(b).total_cmp(&key(a)).then_with(|| a.id.cmp(&b.id))
        });
        let mut units: Vec<UnitCircle> = units
            .into_iter()
            .flatten()
            .map(UnitCircle::finish)
            .collect();
        units.sort_by(|a, b| a.id.cmp(&b.id));
        CircleSummary {
            method: self.method(),
            approximate: !self.walking,
            max_distance: self.max_distance,
            access_2sfca_excluded: self.excluded.clone(),
            plan: whole.finish(),
            units,
            outside,
        }
    }
}

/// The circle's coverage figures for one unit, or for the plan.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnitCircle {
    pub id: String,
    pub name: String,
    pub compounds: usize,
    pub inside: usize,
    pub population: f64,
    pub population_inside: f64,
    /// Compounds without `population` or `households`: counted in `compounds`, left out of
    /// the population figures.
    pub population_unknown: usize,
    pub share_compounds: Option<f64>,
    pub share_population: Option<f64>,
}

impl UnitCircle {
    fn new(id: String, name: String) -> Self {
        UnitCircle {
            id,
            name,
            compounds: 0,
            inside: 0,
            population: 0.0,
            population_inside: 0.0,
            population_unknown: 0,
            share_compounds: None,
            share_population: None,
        }
    }

    fn add(&mut self, population: Option<f64>, inside: bool) {
        self.compounds += 1;
        self.inside += usize::from(inside);
        match population {
            Some(p) => {
                self.population += p;
                if inside {
                    self.population_inside += p;
                }
            }
            None => self.population_unknown += 1,
        }
    }

    fn finish(mut self) -> Self {
        let round = |x: f64| (x * 1e6).round() / 1e6;
        self.share_compounds =
            (self.compounds > 0).then(|| round(self.inside as f64 / self.compounds as f64));
        self.share_population =
            (self.population > 0.0).then(|| round(self.population_inside / self.population));
        self.population = round(self.population);
        self.population_inside = round(self.population_inside);
        self
    }
}

/// An urban compound outside the circle: how far, and how far too far (none: no path).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outside {
    pub id: String,
    pub name: String,
    pub distance: Option<f64>,
    pub over_by: Option<f64>,
}

/// Coverage of the service circle: for the plan and for every unit with urban compounds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CircleSummary {
    pub method: &'static str,
    pub approximate: bool,
    pub max_distance: f64,
    /// What the 2SFCA scores (`details.access_2sfca`) left out: qualifying facilities
    /// without `floor_area` (no supply) and urban compounds without a population (no demand).
    pub access_2sfca_excluded: Excluded,
    pub plan: UnitCircle,
    pub units: Vec<UnitCircle>,
    /// The urban compounds outside the circle, the farthest first (no path before all).
    pub outside: Vec<Outside>,
}

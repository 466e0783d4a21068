//! Capacity-aware accessibility: the two-step floating catchment area (2SFCA) score of
//! each compound, reported beside `service-circle` (details `access_2sfca`).
//!
//! Step 1: every qualifying facility j gets a supply-to-demand ratio R_j = S_j / Σ P_k over
//! the compounds k within the catchment distance d0 of it (S_j its floor area in m², P_k a
//! compound's population). Step 2: a compound's score is Σ R_j over the facilities within
//! d0 of it: square metres of facility per resident, shared with everyone else who can
//! walk there. The catchment is the profile's walking distance; distances are walked on
//! the network when the plan has roads, else straight lines.
//!
//! Nothing unknown is read as zero: a facility without `floor_area` is left out of the
//! supply and a compound without `population` (nor `households`) out of the demand; the
//! circle summary counts both.

use rustc_hash::FxHashMap as HashMap;

use super::catchment::{pairs, Source};
use super::Inputs;

/// The 2SFCA score of each compound in `scored` (m² of facility floor area per resident),
/// the demand on each of `facilities` being that of the compounds in `demand` within `d0`
/// of it (a wanted compound's score depends on the others near it).
pub fn scores(
    ctx: &Inputs,
    facilities: &[usize],
    demand: &[usize],
    scored: &[usize],
    d0: f64,
) -> HashMap<usize, f64> {
    let population = |k: usize| ctx.population(k);
    let sources: Vec<Source> = facilities
        .iter()
        .filter(|&&j| ctx.plan.facilities[j].floor_area.is_some())
        .map(|&j| Source {
            id: j,
            point: ctx.plan.facilities[j].reference,
            entries: ctx.network.map_or(&[][..], |w| w.facilities.get(j)),
        })
        .collect();
    let mut pairs = pairs(ctx, &sources, demand, d0);
    pairs.sort_unstable();
    let mut demand: HashMap<usize, f64> = HashMap::default();
    for &(j, k) in &pairs {
        *demand.entry(j).or_default() += population(k).unwrap_or(0.0);
    }
    let mut score: HashMap<usize, f64> = scored.iter().map(|&k| (k, 0.0)).collect();
    for &(j, k) in &pairs {
        let supply = ctx.plan.facilities[j].floor_area.unwrap_or(0.0);
        let d = demand[&j];
        if let Some(s) = score.get_mut(&k).filter(|_| d > 0.0) {
            *s += supply / d;
        }
    }
    score
}

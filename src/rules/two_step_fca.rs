//! Capacity-aware accessibility: the two-step floating catchment area (2SFCA) score of
//! each compound, reported beside `service-circle` (details `access_2sfca`).
//!
//! Step 1: every qualifying facility j gets a supply-to-demand ratio R_j = S_j / Σ P_k over
//! the compounds k within the catchment distance d0 of it (S_j its floor area in m², P_k a
//! compound's population). Step 2: a compound's score is Σ R_j over the facilities within
//! d0 of it: square metres of facility per resident, shared with everyone else who can
//! walk there. The catchment is the profile's walking distance; distances are walked on
//! the network when the plan has roads, else straight lines.

use std::collections::HashMap;

use rayon::prelude::*;

use super::common::Context;
use crate::network::{distance_to, within, Snap};

/// Facility–compound pairs within `d0`, as (facility, compound).
fn pairs(ctx: &Context, facilities: &[usize], compounds: &[usize], d0: f64) -> Vec<(usize, usize)> {
    match ctx.network {
        Some(w) => {
            // Compounds by the edge they snap onto, to find them from the junctions reached.
            let mut on_edge: HashMap<u32, Vec<(usize, Snap)>> = HashMap::new();
            for &k in compounds {
                if let Some(s) = w.compounds[k] {
                    on_edge.entry(s.edge).or_default().push((k, s));
                }
            }
            facilities
                .par_iter()
                .flat_map_iter(|&j| {
                    let Some(from) = w.facilities[j] else {
                        return Vec::new();
                    };
                    let junctions = within(&w.net, &from, d0);
                    let mut edges: Vec<u32> = junctions
                        .keys()
                        .flat_map(|&n| w.net.neighbours(n).iter().map(|&(_, e)| e))
                        .collect();
                    edges.push(from.edge);
                    edges.sort_unstable();
                    edges.dedup();
                    edges
                        .iter()
                        .flat_map(|e| on_edge.get(e).into_iter().flatten())
                        .filter(|(_, to)| distance_to(&w.net, &from, &junctions, to, d0).is_some())
                        .map(|&(k, _)| (j, k))
                        .collect()
                })
                .collect()
        }
        None => {
            let is_subject: std::collections::HashSet<usize> = compounds.iter().copied().collect();
            let refs: Vec<geo::Point> = ctx.plan.compounds.iter().map(|c| c.reference).collect();
            let index = crate::index::PointIndex::new(refs.iter().copied().enumerate());
            facilities
                .par_iter()
                .flat_map_iter(|&j| {
                    index
                        .within(ctx.plan.facilities[j].reference, d0)
                        .into_iter()
                        .filter(|k| is_subject.contains(k))
                        .map(move |k| (j, k))
                })
                .collect()
        }
    }
}

/// The 2SFCA score of each compound in `compounds` (m² of facility floor area per resident).
pub fn scores(
    ctx: &Context,
    facilities: &[usize],
    compounds: &[usize],
    d0: f64,
) -> HashMap<usize, f64> {
    let population = |k: usize| {
        let c = &ctx.plan.compounds[k];
        c.population
            .map(|p| p as f64)
            .or(c
                .households
                .map(|h| h as f64 * ctx.profile.settings.household_size))
            .unwrap_or(0.0)
    };
    let mut pairs = pairs(ctx, facilities, compounds, d0);
    pairs.sort_unstable();
    let mut demand: HashMap<usize, f64> = HashMap::new();
    for &(j, k) in &pairs {
        *demand.entry(j).or_default() += population(k);
    }
    let mut score: HashMap<usize, f64> = compounds.iter().map(|&k| (k, 0.0)).collect();
    for &(j, k) in &pairs {
        let supply = ctx.plan.facilities[j].floor_area.unwrap_or(0.0);
        let d = demand[&j];
        if d > 0.0 {
            *score.entry(k).or_default() += supply / d;
        }
    }
    score
}

//! Where to build next: greedy maximal covering. Given candidate sites (the candidates
//! layer, or by default the reference point of every compound: any compound could host a
//! station), repeatedly pick the site whose catchment (the circle's walking distance) holds
//! the most households of urban compounds still outside the circle, until `k` sites are
//! chosen or no site adds any. The greedy choice is the standard approximation for maximal covering
//! (within 1 − 1/e of the best k sites).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::catchment::{pairs, Source};
use super::{Circle, Inputs};

/// One suggested site and what it brings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    /// The candidate site (or the compound whose reference point is the site).
    pub site: String,
    pub name: String,
    /// Households of the uncovered compounds it brings inside the circle.
    pub households_added: u64,
    pub compounds: Vec<String>,
}

/// The suggested sites, and how many uncovered compounds were left out because they do not
/// say how many households they have (never counted as 0).
pub fn suggest(ctx: &Inputs, circle: &Circle, k: usize) -> (Vec<Suggestion>, usize) {
    if k == 0 {
        return (Vec::new(), 0);
    }
    let d0 = circle.max_distance;
    let (uncovered, unknown): (Vec<usize>, Vec<usize>) = circle
        .outside()
        .into_iter()
        .partition(|&c| ctx.plan.compounds[c].households.is_some());
    if uncovered.is_empty() {
        return (Vec::new(), unknown.len());
    }
    // Candidate sites: the candidates layer, else every compound's reference point; where
    // each meets the network was found once, with the network.
    let sites: Vec<(String, String, geo::Point, &[crate::network::Snap])> =
        if ctx.plan.candidates.is_empty() {
            ctx.plan
                .compounds
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let snap = ctx.network.map_or(&[][..], |w| w.compounds.get(i));
                    (c.id.clone(), c.name.clone(), c.reference, snap)
                })
                .collect()
        } else {
            ctx.plan
                .candidates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let snap = ctx.network.map_or(&[][..], |w| w.candidates.get(i));
                    (c.id.clone(), c.name.clone(), c.reference, snap)
                })
                .collect()
        };
    let candidates: Vec<Source> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| Source {
            id: i,
            point: s.2,
            entries: s.3,
        })
        .collect();
    let mut reach: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (site, compound) in pairs(ctx, &candidates, &uncovered, d0) {
        reach.entry(site).or_default().insert(compound);
    }
    let households = |c: usize| ctx.plan.compounds[c].households.unwrap_or(0);
    let mut covered: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < k {
        let best = reach
            .iter()
            .map(|(&site, set)| {
                (
                    set.iter()
                        .filter(|c| !covered.contains(c))
                        .map(|&c| households(c))
                        .sum::<u64>(),
                    site,
                )
            })
            .filter(|&(gain, _)| gain > 0)
            // Most households; on ties the site whose id sorts first.
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| sites[b.1].0.cmp(&sites[a.1].0)));
        let Some((gain, site)) = best else { break };
        let added: Vec<usize> = reach[&site]
            .iter()
            .copied()
            .filter(|c| !covered.contains(c))
            .collect();
        covered.extend(&added);
        let mut ids: Vec<String> = added
            .iter()
            .map(|&c| ctx.plan.compounds[c].id.clone())
            .collect();
        ids.sort();
        let (id, name, _, _) = &sites[site];
        out.push(Suggestion {
            site: id.clone(),
            name: name.clone(),
            households_added: gain,
            compounds: ids,
        });
    }
    (out, unknown.len())
}

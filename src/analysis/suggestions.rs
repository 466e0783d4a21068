//! Where to build next: the `k` candidate sites (the candidates layer, or by default the
//! reference point of every compound: any compound could host a station) whose catchments
//! (the circle's walking distance) hold the most households of urban compounds still
//! outside the circle — maximal covering. Greedy (the site adding the most households,
//! then the next, until `k` are chosen or none adds any) is within 1 − 1/e of the best
//! and can fall short of it; the solver ([`super::covering`]) proves the best, and
//! greedy's choice is kept where it is as good. The sites are listed in greedy's order of
//! what each adds.

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

/// How long the solver may look for the best `k` sites, in seconds.
const SOLVER_SECONDS: f64 = 60.0;

/// Greedy maximal covering over `reach` (site → the compounds it brings inside): the site
/// adding the most households still outside, then the next, until `k` are chosen or none
/// adds any; only the `allowed` sites where given. Each pick: (site, households added,
/// compounds added).
fn greedy(
    reach: &BTreeMap<usize, BTreeSet<usize>>,
    households: &dyn Fn(usize) -> u64,
    sites: &[(String, String, geo::Point, &[crate::network::Snap])],
    k: usize,
    allowed: Option<&BTreeSet<usize>>,
) -> Vec<(usize, u64, Vec<usize>)> {
    let mut covered: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < k {
        let best = reach
            .iter()
            .filter(|(site, _)| allowed.is_none_or(|a| a.contains(site)))
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
        out.push((site, gain, added));
    }
    out
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
    let greedy = greedy(&reach, &households, &sites, k, None);
    // The k sites that serve the most households, proven by the solver: greedy's choice
    // unless another serves more (greedy's order kept for what it picks).
    let picked: Vec<(usize, u64, Vec<usize>)> = {
        let site_of: Vec<usize> = reach.keys().copied().collect();
        let mut target_of: BTreeMap<usize, usize> = BTreeMap::new();
        for set in reach.values() {
            for &c in set {
                let n = target_of.len();
                target_of.entry(c).or_insert(n);
            }
        }
        let mut weight = vec![0; target_of.len()];
        for (&c, &t) in &target_of {
            weight[t] = households(c);
        }
        let local: Vec<Vec<usize>> = reach
            .values()
            .map(|set| set.iter().map(|c| target_of[c]).collect())
            .collect();
        let seed: Vec<usize> = greedy
            .iter()
            .filter_map(|(s, _, _)| site_of.iter().position(|x| x == s))
            .collect();
        let greedy_total: u64 = greedy.iter().map(|(_, h, _)| h).sum();
        let solved = super::covering::max_cover(&local, &weight, k, SOLVER_SECONDS, &seed);
        if let Some((chosen, _, _)) = solved.filter(|s| s.1 > greedy_total) {
            let allowed: BTreeSet<usize> = chosen.iter().map(|&i| site_of[i]).collect();
            self::greedy(&reach, &households, &sites, k, Some(&allowed))
        } else {
            greedy
        }
    };
    let out = picked
        .into_iter()
        .map(|(site, gain, added)| {
            let mut ids: Vec<String> = added
                .iter()
                .map(|&c| ctx.plan.compounds[c].id.clone())
                .collect();
            ids.sort();
            let (id, name, _, _) = &sites[site];
            Suggestion {
                site: id.clone(),
                name: name.clone(),
                households_added: gain,
                compounds: ids,
            }
        })
        .collect();
    (out, unknown.len())
}

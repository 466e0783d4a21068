//! Where to build next: greedy maximal covering. Given candidate sites (by default the
//! reference point of every compound: any compound could host a station), repeatedly pick
//! the site whose catchment (the profile's walking distance) holds the most households of
//! urban compounds still outside the service circle, until `k` sites are chosen or no site
//! adds any. The greedy choice is the standard approximation for maximal covering
//! (within 1 − 1/e of the best k sites).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::catchment::{pairs, Source};
use super::common::Context;
use crate::finding::{Finding, Measure, Status};

/// One suggested site and what it brings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    /// The compound whose reference point is the site.
    pub site: String,
    pub name: String,
    /// Households of the uncovered compounds it brings inside the circle.
    pub households_added: u64,
    pub compounds: Vec<String>,
}

pub fn suggest(ctx: &Context, findings: &[Finding], k: usize) -> Vec<Suggestion> {
    let circle: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "service-circle")
        .collect();
    let Some(d0) = circle.iter().find_map(|f| match f.required {
        Measure::Number(d) => Some(d),
        _ => None,
    }) else {
        return Vec::new();
    };
    let uncovered: Vec<usize> = circle
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| f.subject.index)
        .collect();
    if uncovered.is_empty() || k == 0 {
        return Vec::new();
    }
    let candidates: Vec<Source> = (0..ctx.plan.compounds.len())
        .map(|i| Source {
            id: i,
            point: ctx.plan.compounds[i].reference,
            snap: ctx.network.and_then(|w| w.compounds[i]),
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
            // Most households; on ties the site whose compound id sorts first.
            .max_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| ctx.plan.compounds[b.1].id.cmp(&ctx.plan.compounds[a.1].id))
            });
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
        let c = &ctx.plan.compounds[site];
        out.push(Suggestion {
            site: c.id.clone(),
            name: c.name.clone(),
            households_added: gain,
            compounds: ids,
        });
    }
    out
}

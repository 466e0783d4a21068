//! Catchments: which compounds lie within a walking distance of a point (a facility, a
//! candidate site). Walked on the network when the plan has roads (one search bounded by
//! the distance per source), else straight lines through an R-tree radius query.

use geo::Point;
use rayon::prelude::*;

use super::Inputs;
use crate::network::{Junctions, Snap};

/// A point whose catchment is wanted: its id (a facility or compound position), where it
/// is, and where it meets the network (none: no roads, or it never does).
pub struct Source<'w> {
    pub id: usize,
    pub point: Point,
    pub entries: &'w [Snap],
}

/// (source id, compound) pairs within `d0` of each other, for the compounds in `targets`.
pub fn pairs(ctx: &Inputs, sources: &[Source], targets: &[usize], d0: f64) -> Vec<(usize, usize)> {
    match ctx.network {
        Some(w) => {
            // Compounds by the edges they meet the network on, to find them from the
            // junctions reached: `on_edge[at[e]..at[e + 1]]` are edge e's.
            let mut at = vec![0u32; w.net.edges.len() + 1];
            for &k in targets {
                for s in w.compounds.get(k) {
                    at[s.edge as usize + 1] += 1;
                }
            }
            for e in 1..at.len() {
                at[e] += at[e - 1];
            }
            let mut fill = at.clone();
            let mut on_edge = vec![0usize; at.last().copied().unwrap_or(0) as usize];
            for &k in targets {
                for s in w.compounds.get(k) {
                    on_edge[fill[s.edge as usize] as usize] = k;
                    fill[s.edge as usize] += 1;
                }
            }
            let (at, on_edge) = (&at, &on_edge);
            let compounds_on =
                move |e: u32| &on_edge[at[e as usize] as usize..at[e as usize + 1] as usize];
            // The searches in chunks, each with its own arrays (a few per thread).
            let chunk = sources
                .len()
                .div_ceil(rayon::current_num_threads() * 8)
                .max(16);
            sources
                .par_chunks(chunk)
                .flat_map_iter(|chunk| {
                    let mut junctions = Junctions::new(&w.net);
                    let mut pairs = Vec::new();
                    let mut found: Vec<usize> = Vec::new();
                    for src in chunk {
                        let from = src.entries;
                        if from.is_empty() {
                            continue;
                        }
                        junctions.walk(&w.net, from, d0);
                        // The compounds on the edges the search reached, and on those the
                        // point meets the network on. An edge both of whose ends were
                        // reached is taken from its end of smaller number only; a compound
                        // on several edges is found once per edge, and kept once.
                        found.clear();
                        for &n in junctions.reached() {
                            for &(m, e) in w.net.neighbours(n) {
                                if m > n || junctions.get(m).is_none() {
                                    found.extend_from_slice(compounds_on(e));
                                }
                            }
                        }
                        for s in from {
                            found.extend_from_slice(compounds_on(s.edge));
                        }
                        found.sort_unstable();
                        found.dedup();
                        pairs.extend(
                            found
                                .iter()
                                .copied()
                                .filter(|&k| {
                                    let to = w.compounds.get(k);
                                    junctions.distance_to(&w.net, from, to, d0).is_some()
                                })
                                .map(|k| (src.id, k)),
                        );
                    }
                    pairs
                })
                .collect()
        }
        // Straight lines: the compounds' R-tree of the index stage, the targets among them.
        None => {
            let mut wanted = vec![false; ctx.plan.compounds.len()];
            for &k in targets {
                wanted[k] = true;
            }
            let wanted = &wanted;
            sources
                .par_iter()
                .flat_map_iter(|src| {
                    ctx.joins
                        .compound_points
                        .within(src.point, d0)
                        .into_iter()
                        .filter(move |&k| wanted[k])
                        .map(move |k| (src.id, k))
                })
                .collect()
        }
    }
}

//! Catchments: which compounds lie within a walking distance of a point (a facility, a
//! candidate site). Walked on the network when the plan has roads (one search bounded by
//! the distance per source), else straight lines through an R-tree radius query.

use rustc_hash::FxHashMap;

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
            // junctions reached.
            let mut on_edge: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
            for &k in targets {
                for s in w.compounds.get(k) {
                    on_edge.entry(s.edge).or_default().push(k);
                }
            }
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
                    for src in chunk {
                        let from = src.entries;
                        if from.is_empty() {
                            continue;
                        }
                        junctions.walk(&w.net, from, d0);
                        let mut edges: Vec<u32> = junctions
                            .reached()
                            .iter()
                            .flat_map(|&n| w.net.neighbours(n).iter().map(|&(_, e)| e))
                            .collect();
                        edges.extend(from.iter().map(|s| s.edge));
                        edges.sort_unstable();
                        edges.dedup();
                        let mut found: Vec<usize> = edges
                            .iter()
                            .flat_map(|e| on_edge.get(e).into_iter().flatten().copied())
                            .collect();
                        found.sort_unstable();
                        found.dedup();
                        pairs.extend(
                            found
                                .into_iter()
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

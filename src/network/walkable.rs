//! The network with every compound and facility snapped onto it, once per check; or,
//! for a check that wants a few compounds' walks (a submission in its city), the part of
//! it within a window around them.

use geo::{BoundingRect, Intersects, Point, Rect};
use rayon::prelude::*;
use serde::Serialize;

use super::graph::{Network, NetworkStats, Snap, TIE};
use crate::model::Plan;

pub struct Walkable {
    /// The roads within the window, or all of them.
    pub window: Option<Rect<f64>>,
    pub net: Network,
    /// Per compound, where its reference point meets the network.
    pub compounds: Entries,
    /// Per facility, likewise.
    pub facilities: Entries,
    /// Per candidate site (`--suggest`), likewise.
    pub candidates: Entries,
}

/// Each point's ways onto the network ([`Network::entries`]), all in one array.
pub struct Entries {
    snaps: Vec<Snap>,
    /// Where each point's entries start in `snaps` (one more than there are points).
    start: Vec<u32>,
}

impl Entries {
    /// The entries of each point; in a window, a point gets none unless the window holds
    /// every segment it could meet (those within its nearest one's distance and [`TIE`]),
    /// so that each entry it gets is one it has on the whole network.
    fn new(
        net: &Network,
        window: Option<&Rect<f64>>,
        points: impl IndexedParallelIterator<Item = Point>,
    ) -> Entries {
        let holds = |p: Point, r: f64| {
            window.is_none_or(|w| {
                p.x() - r >= w.min().x
                    && p.x() + r <= w.max().x
                    && p.y() - r >= w.min().y
                    && p.y() + r <= w.max().y
            })
        };
        let each: Vec<Vec<Snap>> = points
            .map(|p| {
                if !holds(p, 0.0) {
                    return Vec::new();
                }
                let e = net.entries(p);
                match e.first() {
                    Some(s) if holds(p, s.leg + TIE) => e,
                    _ => Vec::new(),
                }
            })
            .collect();
        let mut start = Vec::with_capacity(each.len() + 1);
        let mut snaps = Vec::with_capacity(each.iter().map(Vec::len).sum());
        start.push(0);
        for e in each {
            snaps.extend(e);
            start.push(snaps.len() as u32);
        }
        Entries { snaps, start }
    }

    /// Where point `i` meets the network, nearest first (none: the network is empty).
    pub fn get(&self, i: usize) -> &[Snap] {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.snaps[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// What the report says of the network: its size, and who is stranded on a component
/// other than the largest (a gated estate's internal paths, a missing link in the data).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkReport {
    #[serde(flatten)]
    pub stats: NetworkStats,
    pub stranded_compounds: Vec<String>,
    pub stranded_facilities: Vec<String>,
    /// The window the network was cut to (min x, min y, max x, max y in the working CRS,
    /// metres) when a check walks around a few compounds only; none: the whole network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<[f64; 4]>,
}

impl Walkable {
    pub fn new(plan: &Plan) -> Walkable {
        Walkable::snapped(plan, Walkable::graph(plan, None), None)
    }

    /// The graph of all the plan's roads, or of the runs of their segments that meet
    /// `window` (the first half of [`Walkable::new`]; [`Walkable::snapped`] the second). A
    /// walk of length d from a point whose d-disc (and its entries' discs) the window holds
    /// uses only these roads, so it measures what it measures on the whole network;
    /// [`crate::analysis::circle::Window`] says how wide the window must be.
    pub fn graph(plan: &Plan, window: Option<Rect<f64>>) -> Network {
        let Some(window) = window else {
            return Network::build(&plan.roads, plan.snap_tolerance);
        };
        let roads: Vec<geo::LineString<f64>> = plan
            .roads
            .par_iter()
            .filter(|l| l.bounding_rect().is_some_and(|b| b.intersects(&window)))
            .flat_map_iter(|l| meeting(l, &window))
            .collect();
        Network::build(&roads, plan.snap_tolerance)
    }

    /// The plan's compounds, facilities and candidate sites snapped onto `net` (in a
    /// window: those it holds).
    pub fn snapped(plan: &Plan, net: Network, window: Option<Rect<f64>>) -> Walkable {
        let w = window.as_ref();
        let compounds = Entries::new(&net, w, plan.compounds.par_iter().map(|c| c.reference));
        let facilities = Entries::new(&net, w, plan.facilities.par_iter().map(|f| f.reference));
        let candidates = Entries::new(&net, w, plan.candidates.par_iter().map(|c| c.reference));
        Walkable {
            window,
            net,
            compounds,
            facilities,
            candidates,
        }
    }

    pub fn report(&self, plan: &Plan) -> NetworkReport {
        let largest = self
            .net
            .component_length
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .map(|(c, _)| c as u32);
        // Stranded: on the network, but by no way onto the largest component.
        let stranded = |entries: &Entries, n: usize, id: &dyn Fn(usize) -> String| {
            let mut ids: Vec<String> = (0..n)
                .filter(|&i| {
                    let e = entries.get(i);
                    !e.is_empty()
                        && e.iter()
                            .all(|s| Some(self.net.edge_component(s.edge)) != largest)
                })
                .map(id)
                .collect();
            ids.sort();
            ids
        };
        NetworkReport {
            stats: self.net.stats(),
            stranded_compounds: stranded(&self.compounds, plan.compounds.len(), &|i| {
                plan.compounds[i].id.clone()
            }),
            stranded_facilities: stranded(&self.facilities, plan.facilities.len(), &|i| {
                plan.facilities[i].id.clone()
            }),
            window: self.window.map(|w| {
                let mm = |x: f64| (x * 1e3).round() / 1e3;
                [mm(w.min().x), mm(w.min().y), mm(w.max().x), mm(w.max().y)]
            }),
        }
    }
}

/// The runs of a line's segments that meet `window`, each a line of its own (a street
/// crossing the whole city adds only its stretch near the window).
fn meeting(line: &geo::LineString<f64>, window: &Rect<f64>) -> Vec<geo::LineString<f64>> {
    let mut runs: Vec<geo::LineString<f64>> = Vec::new();
    let mut run: Vec<geo::Coord<f64>> = Vec::new();
    for seg in line.lines() {
        if seg.bounding_rect().intersects(window) {
            if run.is_empty() {
                run.push(seg.start);
            }
            run.push(seg.end);
        } else if !run.is_empty() {
            runs.push(geo::LineString::new(std::mem::take(&mut run)));
        }
    }
    if !run.is_empty() {
        runs.push(geo::LineString::new(run));
    }
    runs
}

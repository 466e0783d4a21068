//! The network with every compound and facility snapped onto it, once per check.

use geo::Point;
use rayon::prelude::*;
use serde::Serialize;

use super::graph::{Network, NetworkStats, Snap};
use crate::model::Plan;

pub struct Walkable {
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
    fn new(net: &Network, points: impl IndexedParallelIterator<Item = Point>) -> Entries {
        let each: Vec<Vec<Snap>> = points.map(|p| net.entries(p)).collect();
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
}

impl Walkable {
    pub fn new(plan: &Plan) -> Walkable {
        let net = Network::build(&plan.roads, plan.snap_tolerance);
        let compounds = Entries::new(&net, plan.compounds.par_iter().map(|c| c.reference));
        let facilities = Entries::new(&net, plan.facilities.par_iter().map(|f| f.reference));
        let candidates = Entries::new(&net, plan.candidates.par_iter().map(|(_, p)| *p));
        Walkable {
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
        }
    }
}

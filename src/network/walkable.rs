//! The network with every compound and facility snapped onto it, once per check.

use rayon::prelude::*;
use serde::Serialize;

use super::graph::{Network, NetworkStats, Snap};
use crate::plan::model::Plan;

pub struct Walkable {
    pub net: Network,
    /// Per compound, where its reference point meets the network.
    pub compounds: Vec<Option<Snap>>,
    /// Per facility, likewise.
    pub facilities: Vec<Option<Snap>>,
    /// Per candidate site (`--suggest`), likewise.
    pub candidates: Vec<Option<Snap>>,
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
        let compounds = plan
            .compounds
            .par_iter()
            .map(|c| net.snap(c.reference))
            .collect();
        let facilities = plan
            .facilities
            .par_iter()
            .map(|f| net.snap(f.reference))
            .collect();
        let candidates = plan
            .candidates
            .par_iter()
            .map(|(_, p)| net.snap(*p))
            .collect();
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
        let stranded = |snaps: &[Option<Snap>], id: &dyn Fn(usize) -> String| -> Vec<String> {
            let mut ids: Vec<String> = snaps
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.is_some_and(|s| Some(self.net.edge_component(s.edge)) != largest)
                })
                .map(|(i, _)| id(i))
                .collect();
            ids.sort();
            ids
        };
        NetworkReport {
            stats: self.net.stats(),
            stranded_compounds: stranded(&self.compounds, &|i| plan.compounds[i].id.clone()),
            stranded_facilities: stranded(&self.facilities, &|i| plan.facilities[i].id.clone()),
        }
    }
}

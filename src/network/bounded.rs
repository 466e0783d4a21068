//! Searches bounded by a distance, one point at a time: the junctions a facility or a
//! candidate site reaches within its catchment, and the walk from it to a compound.
//!
//! A search's distances live in arrays as long as the network has nodes, kept from one
//! search to the next: a node's distance counts only when its stamp is the search's, so
//! starting a search clears nothing. (A hash map per search spends most of a 2SFCA's time
//! hashing.)

use std::collections::BinaryHeap;

use super::graph::{Network, Snap};
use super::search::Item;

/// Walking distances from one point to the junctions within a limit: the last search
/// [`Junctions::walk`] made.
pub struct Junctions {
    dist: Vec<f64>,
    /// Per node, the search that gave it its distance.
    stamp: Vec<u32>,
    search: u32,
    /// The nodes the last search reached, each once.
    reached: Vec<u32>,
    heap: BinaryHeap<Item>,
}

impl Junctions {
    /// Room for searches on `net` (zeroed arrays, which the system gives without
    /// writing: a search touches only the pages of the nodes it reaches).
    pub fn new(net: &Network) -> Self {
        Junctions {
            dist: vec![0.0; net.nodes.len()],
            stamp: vec![0; net.nodes.len()],
            search: 0,
            reached: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// The distance of `node`, if the last search reached it.
    pub fn get(&self, node: u32) -> Option<f64> {
        (self.stamp[node as usize] == self.search).then(|| self.dist[node as usize])
    }

    /// The nodes the last search reached.
    pub fn reached(&self) -> &[u32] {
        &self.reached
    }

    /// Sets `node`'s distance to `d` when that is nearer than what it has; true if so.
    fn improve(&mut self, node: u32, d: f64) -> bool {
        let i = node as usize;
        if self.stamp[i] != self.search {
            self.stamp[i] = self.search;
            self.reached.push(node);
        } else if d >= self.dist[i] {
            return false;
        }
        self.dist[i] = d;
        true
    }

    /// Walking distances from a point (meeting the network at `from`) to the junctions
    /// within `limit`, replacing the last search's.
    pub fn walk(&mut self, net: &Network, from: &[Snap], limit: f64) {
        self.search = self.search.wrapping_add(1);
        if self.search == 0 {
            // Four billion searches on: stamps of the first round would count again.
            self.stamp.fill(0);
            self.search = 1;
        }
        self.reached.clear();
        self.heap.clear();
        let item = |dist: f64, node: u32| Item {
            dist,
            rank: 0,
            source: 0,
            node,
        };
        for s in from {
            let e = net.edges[s.edge as usize];
            for (node, d) in [(e.a, s.leg + s.offset), (e.b, s.leg + e.length - s.offset)] {
                if d <= limit && self.improve(node, d) {
                    self.heap.push(item(d, node));
                }
            }
        }
        while let Some(Item { dist: d, node, .. }) = self.heap.pop() {
            if self.get(node).is_some_and(|best| d > best) {
                continue;
            }
            let mut queued = std::mem::take(&mut self.heap);
            net.spread(node, d, |m, nd, junction| {
                let took = nd <= limit && self.improve(m, nd);
                if took && junction {
                    queued.push(item(nd, m));
                }
                took
            });
            self.heap = queued;
        }
    }

    /// The walking distance from the last search's point (meeting the network at `from`)
    /// to a point meeting it at `to`, or None when it exceeds `limit`.
    pub fn distance_to(
        &self,
        net: &Network,
        from: &[Snap],
        to: &[Snap],
        limit: f64,
    ) -> Option<f64> {
        let mut best = f64::INFINITY;
        for t in to {
            let e = net.edges[t.edge as usize];
            if let Some(da) = self.get(e.a) {
                best = best.min(da + t.offset + t.leg);
            }
            if let Some(db) = self.get(e.b) {
                best = best.min(db + e.length - t.offset + t.leg);
            }
            for f in from.iter().filter(|f| f.edge == t.edge) {
                best = best.min(f.leg + (f.offset - t.offset).abs() + t.leg);
            }
        }
        (best <= limit).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, Point};

    #[test]
    fn a_bounded_walk_reaches_what_relaxing_every_edge_reaches() {
        // On random street networks (vertices of two links passed without the heap), from
        // one point within 450 m: each node's distance is the least sum of segment lengths
        // from the point's snap, found here by relaxing every edge until nothing changes.
        for seed in 0..50 {
            let net = crate::network::search::tests::random_streets(seed);
            let from = net.entries(Point::new(310.0, 290.0));
            let mut want = vec![f64::INFINITY; net.nodes.len()];
            for s in &from {
                let e = net.edges[s.edge as usize];
                want[e.a as usize] = want[e.a as usize].min(s.leg + s.offset);
                want[e.b as usize] = want[e.b as usize].min(s.leg + e.length - s.offset);
            }
            let mut changed = true;
            while changed {
                changed = false;
                for e in &net.edges {
                    for (u, v) in [(e.a, e.b), (e.b, e.a)] {
                        let d = want[u as usize] + e.length;
                        if d < want[v as usize] {
                            want[v as usize] = d;
                            changed = true;
                        }
                    }
                }
            }
            let mut j = Junctions::new(&net);
            j.walk(&net, &from, 450.0);
            for (n, &w) in want.iter().enumerate() {
                assert_eq!(
                    j.get(n as u32),
                    (w <= 450.0).then_some(w),
                    "seed {seed} node {n}"
                );
            }
            assert_eq!(
                j.reached().len(),
                want.iter().filter(|&&w| w <= 450.0).count()
            );
        }
    }

    #[test]
    fn searches_one_after_another_see_only_their_own_junctions() {
        // A street 0 – 300 – 600 – 900 m; a branch of 200 m north from 300.
        let net = Network::build(
            &[
                line_string![(x: 0.0, y: 0.0), (x: 300.0, y: 0.0), (x: 600.0, y: 0.0), (x: 900.0, y: 0.0)],
                line_string![(x: 300.0, y: 0.0), (x: 300.0, y: 200.0)],
            ],
            0.0,
        );
        let at = |x: f64, y: f64| net.entries(Point::new(x, y));
        let node = |x: f64, y: f64| net.nodes.iter().position(|n| *n == [x, y]).unwrap() as u32;
        let mut j = Junctions::new(&net);
        // From 100 m east of the start, 10 m off the street, within 450 m: the start
        // (10 + 100), 300 (10 + 200) and the branch's end (210 + 200); not 600 (10 + 500 =
        // 510 > 450).
        let from = at(100.0, 10.0);
        j.walk(&net, &from, 450.0);
        assert_eq!(j.get(node(0.0, 0.0)), Some(110.0));
        assert_eq!(j.get(node(300.0, 0.0)), Some(210.0));
        assert_eq!(j.get(node(300.0, 200.0)), Some(410.0));
        assert_eq!(j.get(node(600.0, 0.0)), None);
        assert_eq!(j.reached().len(), 3);
        // To a point 5 m off the street at 800: through 600 (510 + 200 + 5), beyond the
        // search's 450 m; to one at 250, along the same segment (10 + 150 + 5).
        assert_eq!(j.distance_to(&net, &from, &at(800.0, 5.0), 1000.0), None);
        assert_eq!(
            j.distance_to(&net, &from, &at(250.0, 5.0), 1000.0),
            Some(165.0)
        );
        // A second search from 900 forgets the first: the start is 900 m off.
        let from = at(900.0, 0.0);
        j.walk(&net, &from, 650.0);
        assert_eq!(j.get(node(0.0, 0.0)), None);
        assert_eq!(j.get(node(300.0, 0.0)), Some(600.0));
        assert_eq!(j.get(node(600.0, 0.0)), Some(300.0));
        assert_eq!(j.get(node(300.0, 200.0)), None);
        assert_eq!(j.reached().len(), 3);
        // Same segment: straight along it (0 + 100 + 5).
        assert_eq!(
            j.distance_to(&net, &from, &at(800.0, 5.0), 1000.0),
            Some(105.0)
        );
    }
}

//! One multi-source shortest-path pass (Dijkstra from every facility at once): every node
//! learns its distance to the nearest facility and which one it is. A compound then reads
//! its answer from the two ends of its snapped edge, or from a facility on the same edge.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::graph::{Network, Snap};

/// The result of the search: per node, the distance to the nearest source and the source.
pub struct Reach {
    best: Vec<(f64, usize)>,
    /// Sources snapped onto each edge: (offset, leg, source).
    on_edge: HashMap<u32, Vec<(f64, f64, usize)>>,
}

#[derive(PartialEq)]
struct Item {
    dist: f64,
    source: usize,
    node: u32,
}

impl Eq for Item {}

impl Ord for Item {
    // A min-heap on (distance, source, node): equal distances are settled by the smaller
    // source, so the nearest facility never depends on the visiting order.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .total_cmp(&self.dist)
            .then(other.source.cmp(&self.source))
            .then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether (d1, s1) beats (d2, s2).
fn better(d1: f64, s1: usize, d2: f64, s2: usize) -> bool {
    d1 < d2 || (d1 == d2 && s1 < s2)
}

impl Reach {
    /// Distances from every source (its snap leg included) to every node.
    pub fn from_sources(net: &Network, sources: &[(usize, Snap)]) -> Reach {
        let mut best = vec![(f64::INFINITY, usize::MAX); net.nodes.len()];
        let mut heap = BinaryHeap::new();
        let mut on_edge: HashMap<u32, Vec<(f64, f64, usize)>> = HashMap::new();
        let mut seed = |node: u32, dist: f64, source: usize, heap: &mut BinaryHeap<Item>| {
            let b = &mut best[node as usize];
            if better(dist, source, b.0, b.1) {
                *b = (dist, source);
                heap.push(Item { dist, source, node });
            }
        };
        for &(source, s) in sources {
            let e = net.edges[s.edge as usize];
            seed(e.a, s.leg + s.offset, source, &mut heap);
            seed(e.b, s.leg + (e.length - s.offset), source, &mut heap);
            on_edge
                .entry(s.edge)
                .or_default()
                .push((s.offset, s.leg, source));
        }
        while let Some(Item { dist, source, node }) = heap.pop() {
            if (dist, source) != best[node as usize] {
                continue;
            }
            for &(m, e) in net.neighbours(node) {
                let d = dist + net.edges[e as usize].length;
                let b = &mut best[m as usize];
                if better(d, source, b.0, b.1) {
                    *b = (d, source);
                    heap.push(Item {
                        dist: d,
                        source,
                        node: m,
                    });
                }
            }
        }
        Reach { best, on_edge }
    }

    /// The nearest source from a snapped point and the walking distance (its own snap leg
    /// included), or `None` when no source can be reached.
    pub fn nearest(&self, net: &Network, s: &Snap) -> Option<(usize, f64)> {
        let e = net.edges[s.edge as usize];
        let mut best: Option<(f64, usize)> = None;
        let mut offer = |d: f64, src: usize| {
            if d.is_finite() && best.is_none_or(|(bd, bs)| better(d, src, bd, bs)) {
                best = Some((d, src));
            }
        };
        let (da, sa) = self.best[e.a as usize];
        offer(da + s.offset, sa);
        let (db, sb) = self.best[e.b as usize];
        offer(db + (e.length - s.offset), sb);
        for &(offset, leg, src) in self.on_edge.get(&s.edge).into_iter().flatten() {
            offer((offset - s.offset).abs() + leg, src);
        }
        best.map(|(d, src)| (src, d + s.leg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, Point};

    /// A street 0–1000 m along y = 0 and a spur from (1000, 0) up to (1000, 500).
    fn town() -> Network {
        Network::build(
            &[
                line_string![(x: 0.0, y: 0.0), (x: 500.0, y: 0.0), (x: 1000.0, y: 0.0)],
                line_string![(x: 1000.0, y: 0.0), (x: 1000.0, y: 500.0)],
            ],
            0.0,
        )
    }

    #[test]
    fn nearest_source_along_the_network() {
        let net = town();
        // Sources: 0 at (100, 20) → snaps to (100, 0), leg 20; 1 at (1010, 400) → (1000, 400), leg 10.
        let sources: Vec<(usize, Snap)> =
            [(0, Point::new(100.0, 20.0)), (1, Point::new(1010.0, 400.0))]
                .iter()
                .map(|&(i, p)| (i, net.snap(p).unwrap()))
                .collect();
        let reach = Reach::from_sources(&net, &sources);
        // A point at (700, -30): snap (700, 0), leg 30. To source 0: 30 + 600 + 20 = 650;
        // to source 1: 30 + 300 + 400 + 10 = 740.
        let s = net.snap(Point::new(700.0, -30.0)).unwrap();
        assert_eq!(reach.nearest(&net, &s), Some((0, 650.0)));
        // A point at (990, 100): snap (1000, 100) on the spur, leg 10: to source 1 300 + 10
        // + 10 = 320; to source 0 100 + 900 + 20 + 10 = 1030.
        let s = net.snap(Point::new(990.0, 100.0)).unwrap();
        assert_eq!(reach.nearest(&net, &s), Some((1, 320.0)));
    }

    #[test]
    fn same_edge_is_walked_directly() {
        let net = town();
        // Source and point on the same edge (0–500): 20 + 50 + 20, not via a node.
        let sources = vec![(0, net.snap(Point::new(200.0, 20.0)).unwrap())];
        let reach = Reach::from_sources(&net, &sources);
        let s = net.snap(Point::new(250.0, -20.0)).unwrap();
        assert_eq!(reach.nearest(&net, &s), Some((0, 90.0)));
    }

    #[test]
    fn unreachable_components_have_no_answer() {
        let net = Network::build(
            &[
                line_string![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0)],
                line_string![(x: 0.0, y: 50.0), (x: 10.0, y: 50.0)],
            ],
            0.0,
        );
        let reach = Reach::from_sources(&net, &[(0, net.snap(Point::new(5.0, 1.0)).unwrap())]);
        assert_eq!(
            reach.nearest(&net, &net.snap(Point::new(5.0, 49.0)).unwrap()),
            None
        );
    }
}

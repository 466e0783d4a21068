//! Building the graph, and snapping points onto it.

use geo::{LineString, Point};
use rstar::primitives::Line;

use super::segment_grid::SegmentGrid;
use serde::Serialize;

/// One road segment between two junction nodes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub length: f64,
}

/// Where a point meets the network: its nearest point on one segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    pub edge: u32,
    /// Distance along the edge from its node `a` to the snapped point.
    pub offset: f64,
    /// The straight walk from the point to the network (the snap leg).
    pub leg: f64,
    pub point: [f64; 2],
}

/// The size of a network, for the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkStats {
    pub nodes: usize,
    pub edges: usize,
    pub length_m: f64,
    pub components: usize,
    /// Share of all edge length in the largest connected component.
    pub largest_component_share: f64,
}

pub struct Network {
    pub nodes: Vec<[f64; 2]>,
    pub edges: Vec<Edge>,
    /// Adjacency in compressed form: the neighbours of node n are
    /// `adjacency[offsets[n]..offsets[n + 1]]`, as (node, edge).
    offsets: Vec<u32>,
    adjacency: Vec<(u32, u32)>,
    /// The segments in a grid of cells, for snapping.
    segments: SegmentGrid,
    /// Per node: its connected component; components are numbered by first node.
    pub component: Vec<u32>,
    /// Per component: its total edge length.
    pub component_length: Vec<f64>,
}

/// Merges vertices into junction nodes: exact coordinates when `tolerance` is 0, else
/// vertices within `tolerance` of an existing node (grid hashing, 3 × 3 cells).
struct NodeMerger {
    tolerance: f64,
    exact: rustc_hash::FxHashMap<(u64, u64), u32>,
    grid: rustc_hash::FxHashMap<(i64, i64), Vec<u32>>,
    nodes: Vec<[f64; 2]>,
}

impl NodeMerger {
    fn node(&mut self, p: [f64; 2]) -> u32 {
        if self.tolerance <= 0.0 {
            let next = self.nodes.len() as u32;
            let id = *self
                .exact
                .entry((p[0].to_bits(), p[1].to_bits()))
                .or_insert(next);
            if id == next {
                self.nodes.push(p);
            }
            return id;
        }
        let t = self.tolerance;
        let cell = ((p[0] / t).floor() as i64, (p[1] / t).floor() as i64);
        let mut best: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &n in self
                    .grid
                    // Saturating: a tolerance tiny beside the coordinates (1e-300 m,
                    // found by fuzzing) puts every point in the last cell.
                    .get(&(cell.0.saturating_add(dx), cell.1.saturating_add(dy)))
                    .into_iter()
                    .flatten()
                {
                    let q = self.nodes[n as usize];
                    let d = (q[0] - p[0]).hypot(q[1] - p[1]);
                    if d <= t && best.is_none_or(|(bd, bn)| (d, n) < (bd, bn)) {
                        best = Some((d, n));
                    }
                }
            }
        }
        if let Some((_, n)) = best {
            return n;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(p);
        self.grid.entry(cell).or_default().push(id);
        id
    }
}

/// The (node, edge) pairs of node `n` in the compressed adjacency.
fn links<'a>(offsets: &[u32], adjacency: &'a [(u32, u32)], n: u32) -> &'a [(u32, u32)] {
    &adjacency[offsets[n as usize] as usize..offsets[n as usize + 1] as usize]
}

/// Each node's connected component (numbered by first node), and each component's total
/// edge length.
fn components(
    n: usize,
    offsets: &[u32],
    adjacency: &[(u32, u32)],
    edges: &[Edge],
) -> (Vec<u32>, Vec<f64>) {
    const NONE: u32 = u32::MAX;
    let mut component = vec![NONE; n];
    let mut lengths = Vec::new();
    let mut stack = Vec::new();
    for start in 0..n as u32 {
        if component[start as usize] != NONE {
            continue;
        }
        let c = lengths.len() as u32;
        lengths.push(0.0);
        component[start as usize] = c;
        stack.push(start);
        while let Some(node) = stack.pop() {
            for &(m, _) in links(offsets, adjacency, node) {
                if component[m as usize] == NONE {
                    component[m as usize] = c;
                    stack.push(m);
                }
            }
        }
    }
    for e in edges {
        lengths[component[e.a as usize] as usize] += e.length;
    }
    (component, lengths)
}

/// The adjacency of `n` nodes in compressed form: offsets, then (node, edge) pairs.
fn adjacency(n: usize, edges: &[Edge]) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut degree = vec![0u32; n + 1];
    for e in edges {
        degree[e.a as usize] += 1;
        degree[e.b as usize] += 1;
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut sum = 0u32;
    for d in &degree[..n] {
        offsets.push(sum);
        sum += d;
    }
    offsets.push(sum);
    let mut fill = offsets.clone();
    let mut adjacency = vec![(0u32, 0u32); sum as usize];
    for (i, e) in edges.iter().enumerate() {
        adjacency[fill[e.a as usize] as usize] = (e.b, i as u32);
        fill[e.a as usize] += 1;
        adjacency[fill[e.b as usize] as usize] = (e.a, i as u32);
        fill[e.b as usize] += 1;
    }
    (offsets, adjacency)
}

impl Network {
    /// Builds the graph from lines in the working CRS.
    pub fn build(lines: &[LineString<f64>], tolerance: f64) -> Network {
        let vertices: usize = lines.iter().map(|l| l.0.len()).sum();
        let mut merger = NodeMerger {
            tolerance,
            exact: Default::default(),
            grid: Default::default(),
            nodes: Vec::with_capacity(vertices / 2),
        };
        merger
            .exact
            .reserve(if tolerance > 0.0 { 0 } else { vertices / 2 });
        let mut edges = Vec::with_capacity(vertices);
        for line in lines {
            let ids: Vec<u32> = line.0.iter().map(|c| merger.node([c.x, c.y])).collect();
            for w in ids.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a == b {
                    continue;
                }
                let (p, q) = (merger.nodes[a as usize], merger.nodes[b as usize]);
                edges.push(Edge {
                    a,
                    b,
                    length: (q[0] - p[0]).hypot(q[1] - p[1]),
                });
            }
        }
        let nodes = merger.nodes;
        // The segments' grid beside the adjacency and the components.
        let (segments, ((offsets, adjacency), (component, component_length))) = rayon::join(
            || SegmentGrid::new(&nodes, &edges),
            || {
                let (offsets, adjacency) = adjacency(nodes.len(), &edges);
                let parts = components(nodes.len(), &offsets, &adjacency, &edges);
                ((offsets, adjacency), parts)
            },
        );
        Network {
            nodes,
            edges,
            offsets,
            adjacency,
            segments,
            component,
            component_length,
        }
    }

    pub fn neighbours(&self, n: u32) -> &[(u32, u32)] {
        links(&self.offsets, &self.adjacency, n)
    }

    /// From `node`, at `dist`, out along each of its links and on through every node of
    /// exactly two links (a bend or a vertex of a street, not a junction), offering each
    /// node passed its walking distance: `take(node, dist, junction)` says whether the
    /// node took it. A way stops at a node that did not, and at a junction (which the
    /// search queues when it took the distance).
    ///
    /// A search's heap then holds junctions only: most nodes of a street network are the
    /// vertices between them, walked here in order, each distance the previous one plus
    /// the segment's length as the heap would have summed it.
    pub(super) fn spread(
        &self,
        node: u32,
        dist: f64,
        mut take: impl FnMut(u32, f64, bool) -> bool,
    ) {
        for &(first, edge) in self.neighbours(node) {
            let (mut at, mut by) = (first, edge);
            let mut d = dist + self.edges[edge as usize].length;
            loop {
                let links = self.neighbours(at);
                let junction = links.len() != 2;
                if !take(at, d, junction) || junction {
                    break;
                }
                let (next, e) = if links[0].1 == by { links[1] } else { links[0] };
                d += self.edges[e as usize].length;
                (at, by) = (next, e);
            }
        }
    }

    /// The component of an edge.
    pub fn edge_component(&self, edge: u32) -> u32 {
        self.component[self.edges[edge as usize].a as usize]
    }

    pub fn stats(&self) -> NetworkStats {
        let total: f64 = self.edges.iter().map(|e| e.length).sum();
        let largest = self.component_length.iter().copied().fold(0.0, f64::max);
        let components = self.component_length.iter().filter(|l| **l > 0.0).count();
        let round = |x: f64| (x * 1e3).round() / 1e3;
        NetworkStats {
            nodes: self.nodes.len(),
            edges: self.edges.len(),
            length_m: round(total),
            components,
            largest_component_share: if total > 0.0 {
                round(largest / total)
            } else {
                0.0
            },
        }
    }

    /// The nearest point on the nearest segment: the first of [`Network::entries`].
    pub fn snap(&self, p: Point<f64>) -> Option<Snap> {
        self.entries(p).into_iter().next()
    }

    /// Where a point meets the network: the nearest point of the nearest segment, and of
    /// every other segment as near (within [`TIE`]): a compound centred between two
    /// streets may walk out to either. Nearest first, then by where they meet; the answer
    /// depends neither on the order of the roads nor on the grid's cells, and noise in the
    /// coordinates (a CRS round trip) changes no distance by more than the noise.
    pub fn entries(&self, p: Point<f64>) -> Vec<Snap> {
        let q = [p.x(), p.y()];
        let mut near = self.segments.nearest(q, TIE);
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        near.truncate(MAX_ENTRIES);
        let mut out: Vec<Snap> = Vec::with_capacity(near.len());
        for (_, edge) in near {
            let e = self.edges[edge as usize];
            let (a, b) = (self.nodes[e.a as usize], self.nodes[e.b as usize]);
            let point = Line::new(a, b).nearest_point(&q);
            out.push(Snap {
                edge,
                offset: (point[0] - a[0]).hypot(point[1] - a[1]).min(e.length),
                leg: (point[0] - q[0]).hypot(point[1] - q[1]),
                point,
            });
        }
        out.sort_by(|x, y| {
            x.leg
                .total_cmp(&y.leg)
                .then(x.point[0].total_cmp(&y.point[0]))
                .then(x.point[1].total_cmp(&y.point[1]))
                .then(x.edge.cmp(&y.edge))
        });
        out
    }
}

/// Segments this much farther than the nearest (metres) are as near: a point between two
/// streets meets both. Far above the noise of a CRS round trip (nanometres), far below
/// anything a plan measures.
pub const TIE: f64 = 0.01;

/// At most this many ways onto the network per point (a point on a junction of many
/// segments meets them all at the junction: a few are enough).
const MAX_ENTRIES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn a_tolerance_tiny_beside_the_coordinates_still_joins_equal_vertices() {
        // 1e-300 m: every cell index saturates (it overflowed, found by fuzzing).
        let lines = vec![
            line_string![(x: 500000.0, y: 4000000.0), (x: 500010.0, y: 4000000.0)],
            line_string![(x: 500010.0, y: 4000000.0), (x: 500010.0, y: 4000010.0)],
        ];
        let net = Network::build(&lines, 1e-300);
        assert_eq!((net.nodes.len(), net.edges.len()), (3, 2));
    }

    #[test]
    fn shared_vertices_join_and_crossings_do_not() {
        // A plus sign whose arms cross at (0, 0) without a shared vertex: two components.
        let lines = vec![
            line_string![(x: -10.0, y: 0.0), (x: 10.0, y: 0.0)],
            line_string![(x: 0.0, y: -10.0), (x: 0.0, y: 10.0)],
        ];
        let net = Network::build(&lines, 0.0);
        assert_eq!(
            (net.nodes.len(), net.edges.len(), net.stats().components),
            (4, 2, 2)
        );
        // With the vertical line split at (0, 0) the two meet.
        let lines = vec![
            line_string![(x: -10.0, y: 0.0), (x: 0.0, y: 0.0), (x: 10.0, y: 0.0)],
            line_string![(x: 0.0, y: -10.0), (x: 0.0, y: 0.0), (x: 0.0, y: 10.0)],
        ];
        let net = Network::build(&lines, 0.0);
        assert_eq!(
            (net.nodes.len(), net.edges.len(), net.stats().components),
            (5, 4, 1)
        );
        assert_eq!(net.stats().length_m, 40.0);
    }

    #[test]
    fn tolerance_joins_near_misses() {
        // The second line starts 0.3 m from the first one's end.
        let lines = vec![
            line_string![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0)],
            line_string![(x: 10.3, y: 0.0), (x: 20.0, y: 0.0)],
        ];
        assert_eq!(Network::build(&lines, 0.0).stats().components, 2);
        assert_eq!(Network::build(&lines, 0.5).stats().components, 1);
    }

    #[test]
    fn snap_finds_the_nearest_point_on_the_nearest_segment() {
        let lines = vec![line_string![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0)]];
        let net = Network::build(&lines, 0.0);
        // (30, 40) → (30, 0) on the first edge: offset 30, leg 40.
        let s = net.snap(Point::new(30.0, 40.0)).unwrap();
        assert_eq!(
            (s.edge, s.offset, s.leg, s.point),
            (0, 30.0, 40.0, [30.0, 0.0])
        );
        // (130, 60) → (100, 60) on the second edge (from (100, 0)): offset 60, leg 30.
        let s = net.snap(Point::new(130.0, 60.0)).unwrap();
        assert_eq!((s.edge, s.offset, s.leg), (1, 60.0, 30.0));
        // Past the end: the end point.
        let s = net.snap(Point::new(-30.0, -40.0)).unwrap();
        assert_eq!((s.edge, s.offset, s.leg), (0, 0.0, 50.0));
    }

    /// A network large enough to be cut into strips snaps every point as a search over
    /// all its segments does: the nearest segment, every other one within TIE of it, at
    /// most MAX_ENTRIES by distance then edge. A 150 × 150 grid of 10 m streets (45,000
    /// segments, four strips of 11,250) and points off, on and between the strips'
    /// edges, junctions (four segments as near) among them.
    #[test]
    fn snapping_finds_what_measuring_every_segment_finds() {
        let n = 150;
        let mut lines = Vec::new();
        for i in 0..=n {
            let c = i as f64 * 10.0;
            lines.push(LineString::from(
                (0..=n).map(|j| (c, j as f64 * 10.0)).collect::<Vec<_>>(),
            ));
            lines.push(LineString::from(
                (0..=n).map(|j| (j as f64 * 10.0, c)).collect::<Vec<_>>(),
            ));
        }
        let net = Network::build(&lines, 0.0);
        assert_eq!(net.edges.len(), 2 * 151 * 150);
        let mut next = crate::network::unit_floats(7);
        let mut points: Vec<Point<f64>> = (0..300)
            .map(|_| Point::new(next() * 1600.0 - 50.0, next() * 1600.0 - 50.0))
            .collect();
        points.extend(
            [
                (370.0, 370.0),
                (375.0, 5.0),
                (750.0, 750.0),
                (-20.0, 1520.0),
            ]
            .map(Point::from),
        );
        for p in points {
            let q = [p.x(), p.y()];
            let mut all: Vec<(f64, u32)> = net
                .edges
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let line = Line::new(net.nodes[e.a as usize], net.nodes[e.b as usize]);
                    let x = line.nearest_point(&q);
                    ((x[0] - q[0]).hypot(x[1] - q[1]), i as u32)
                })
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let limit = all[0].0 + TIE;
            let mut expected: Vec<u32> = all
                .iter()
                .take_while(|(d, _)| *d <= limit)
                .take(MAX_ENTRIES)
                .map(|(_, e)| *e)
                .collect();
            let mut got: Vec<u32> = net.entries(p).iter().map(|s| s.edge).collect();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{p:?}");
        }
    }
}

//! One multi-source shortest-path pass (Dijkstra from every facility at once): every node
//! learns its distance to the nearest facility and which one it is. A compound then reads
//! its answer from the two ends of its snapped edge, or from a facility on the same edge.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::graph::{Network, Snap};

/// The result of the search: per node, the distance to the nearest source and the source.
pub struct Reach {
    best: Vec<(f64, usize)>,
    /// Per source, its place among equally near ones (smaller first).
    rank: Vec<u32>,
    /// Sources snapped onto each edge: (offset, leg, source).
    on_edge: FxHashMap<u32, Vec<(f64, f64, usize)>>,
}

#[derive(PartialEq)]
pub(super) struct Item {
    pub(super) dist: f64,
    /// The source's place among equally near sources: the heap's tie-break.
    pub(super) rank: u32,
    pub(super) source: usize,
    pub(super) node: u32,
}

impl Eq for Item {}

impl Ord for Item {
    // A min-heap on (distance, rank, node): equal distances are settled by the source of
    // smaller rank, so the nearest facility never depends on the visiting order.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .total_cmp(&self.dist)
            .then(other.rank.cmp(&self.rank))
            .then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether (d1, s1) beats (d2, s2), equal distances settled by the sources' `rank` (no
/// source, `usize::MAX`, ranks last), then by their numbers: an order without ties, so
/// that the answer never depends on the order the search meets the sources in.
fn better(rank: &[u32], d1: f64, s1: usize, d2: f64, s2: usize) -> bool {
    let r = |s: usize| rank.get(s).copied().unwrap_or(u32::MAX);
    d1 < d2 || (d1 == d2 && (r(s1), s1) < (r(s2), s2))
}

impl Reach {
    /// Distances from every source (its snap leg included) to every node. Equally near
    /// sources are settled by `rank` (per source; by id, so that no answer depends on the
    /// order of the file); a source beyond it ranks by its number.
    pub fn from_sources(net: &Network, sources: &[(usize, Snap)], rank: &[u32]) -> Reach {
        let count = sources.iter().map(|&(s, _)| s + 1).max().unwrap_or(0);
        let rank: Vec<u32> = (0..count)
            .map(|s| rank.get(s).copied().unwrap_or(s as u32))
            .collect();
        let mut best = vec![(f64::INFINITY, usize::MAX); net.nodes.len()];
        let mut heap = BinaryHeap::new();
        let mut on_edge: FxHashMap<u32, Vec<(f64, f64, usize)>> = FxHashMap::default();
        type Best = Vec<(f64, usize)>;
        let offer = |best: &mut Best, heap: &mut BinaryHeap<Item>, node: u32, dist: f64, source| {
            let b = &mut best[node as usize];
            if better(&rank, dist, source, b.0, b.1) {
                *b = (dist, source);
                heap.push(Item {
                    dist,
                    rank: rank[source],
                    source,
                    node,
                });
            }
        };
        for &(source, s) in sources {
            let e = net.edges[s.edge as usize];
            offer(&mut best, &mut heap, e.a, s.leg + s.offset, source);
            offer(
                &mut best,
                &mut heap,
                e.b,
                s.leg + (e.length - s.offset),
                source,
            );
            on_edge
                .entry(s.edge)
                .or_default()
                .push((s.offset, s.leg, source));
        }
        while let Some(Item {
            dist, source, node, ..
        }) = heap.pop()
        {
            if (dist, source) != best[node as usize] {
                continue;
            }
            net.spread(node, dist, |m, d, junction| {
                let b = &mut best[m as usize];
                let took = better(&rank, d, source, b.0, b.1);
                if took {
                    *b = (d, source);
                    if junction {
                        heap.push(Item {
                            dist: d,
                            rank: rank[source],
                            source,
                            node: m,
                        });
                    }
                }
                took
            });
        }
        Reach {
            best,
            rank,
            on_edge,
        }
    }

    /// Whether (d1, s1) beats (d2, s2), sources settled by rank.
    fn better(&self, d1: f64, s1: usize, d2: f64, s2: usize) -> bool {
        better(&self.rank, d1, s1, d2, s2)
    }

    /// The nearest source from a point that meets the network at `entries` and the
    /// walking distance (its own snap leg included), or `None` when no source can be
    /// reached.
    pub fn nearest(&self, net: &Network, entries: &[Snap]) -> Option<(usize, f64)> {
        let mut best: Option<(f64, usize)> = None;
        let mut offer = |d: f64, src: usize| {
            if d.is_finite() && best.is_none_or(|(bd, bs)| self.better(d, src, bd, bs)) {
                best = Some((d, src));
            }
        };
        for s in entries {
            let e = net.edges[s.edge as usize];
            let (da, sa) = self.best[e.a as usize];
            offer(da + s.offset + s.leg, sa);
            let (db, sb) = self.best[e.b as usize];
            offer(db + (e.length - s.offset) + s.leg, sb);
            for &(offset, leg, src) in self.on_edge.get(&s.edge).into_iter().flatten() {
                offer((offset - s.offset).abs() + leg + s.leg, src);
            }
        }
        best.map(|(d, src)| (src, d))
    }
}

#[cfg(test)]
pub(crate) mod tests {
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
        let reach = Reach::from_sources(&net, &sources, &[]);
        // A point at (700, -30): snap (700, 0), leg 30. To source 0: 30 + 600 + 20 = 650;
        // to source 1: 30 + 300 + 400 + 10 = 740.
        let s = net.snap(Point::new(700.0, -30.0)).unwrap();
        assert_eq!(reach.nearest(&net, &[s]), Some((0, 650.0)));
        // A point at (990, 100): snap (1000, 100) on the spur, leg 10: to source 1 300 + 10
        // + 10 = 320; to source 0 100 + 900 + 20 + 10 = 1030.
        let s = net.snap(Point::new(990.0, 100.0)).unwrap();
        assert_eq!(reach.nearest(&net, &[s]), Some((1, 320.0)));
    }

    #[test]
    fn same_edge_is_walked_directly() {
        let net = town();
        // Source and point on the same edge (0–500): 20 + 50 + 20, not via a node.
        let sources = vec![(0, net.snap(Point::new(200.0, 20.0)).unwrap())];
        let reach = Reach::from_sources(&net, &sources, &[]);
        let s = net.snap(Point::new(250.0, -20.0)).unwrap();
        assert_eq!(reach.nearest(&net, &[s]), Some((0, 90.0)));
    }

    /// Streets on a 100 m grid, each a random walk of up to eight steps: where walks share
    /// a vertex there is a junction, elsewhere the vertices between are nodes of two links
    /// that the searches pass through without queueing.
    pub(crate) fn random_streets(seed: u64) -> Network {
        let mut state = seed;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let lines: Vec<geo::LineString<f64>> = (0..12)
            .map(|_| {
                let (mut x, mut y) = (next(8) as i64, next(8) as i64);
                let mut line = vec![(x as f64 * 100.0, y as f64 * 100.0)];
                for _ in 0..1 + next(8) {
                    match next(4) {
                        0 => x += 1,
                        1 => x -= 1,
                        2 => y += 1,
                        _ => y -= 1,
                    }
                    let p = (x as f64 * 100.0, y as f64 * 100.0);
                    if !line.contains(&p) {
                        line.push(p);
                    }
                }
                line.into()
            })
            .collect();
        Network::build(&lines, 0.0)
    }

    /// Every node's nearest source by relaxing every edge until nothing changes, the
    /// reference for the search (which passes the nodes of two links without its heap).
    fn relaxed(net: &Network, sources: &[(usize, Snap)], rank: &[u32]) -> Vec<(f64, usize)> {
        let mut best = vec![(f64::INFINITY, usize::MAX); net.nodes.len()];
        let offer = |best: &mut Vec<(f64, usize)>, n: u32, d: f64, s: usize| {
            let b = &mut best[n as usize];
            if better(rank, d, s, b.0, b.1) {
                *b = (d, s);
                true
            } else {
                false
            }
        };
        for &(s, snap) in sources {
            let e = net.edges[snap.edge as usize];
            offer(&mut best, e.a, snap.leg + snap.offset, s);
            offer(&mut best, e.b, snap.leg + (e.length - snap.offset), s);
        }
        let mut changed = true;
        while changed {
            changed = false;
            for e in &net.edges {
                for (u, v) in [(e.a, e.b), (e.b, e.a)] {
                    let (d, s) = best[u as usize];
                    if d.is_finite() {
                        changed |= offer(&mut best, v, d + e.length, s);
                    }
                }
            }
        }
        best
    }

    #[test]
    fn every_node_gets_the_distance_and_source_of_relaxing_every_edge() {
        // 50 street networks, each with four sources at random points (two of them given
        // equal ranks' worth of ties: the sources 0 and 1 share a point).
        for seed in 0..50 {
            let net = random_streets(seed);
            let at = |k: u64| {
                let h = k.wrapping_mul(0x9E3779B97F4A7C15).wrapping_add(seed);
                Point::new((h % 800) as f64 - 50.0, ((h >> 20) % 800) as f64 - 50.0)
            };
            let points = [at(1), at(1), at(2), at(3)];
            let sources: Vec<(usize, Snap)> = points
                .iter()
                .enumerate()
                .map(|(i, &p)| (i, net.snap(p).unwrap()))
                .collect();
            let rank = [3, 1, 2, 0];
            let reach = Reach::from_sources(&net, &sources, &rank);
            assert_eq!(reach.best, relaxed(&net, &sources, &rank), "seed {seed}");
            // The two sources at one point: the one of smaller rank (1) is everyone's.
            assert!(reach.best.iter().all(|&(_, s)| s != 0), "seed {seed}");
        }
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
        let reach = Reach::from_sources(&net, &[(0, net.snap(Point::new(5.0, 1.0)).unwrap())], &[]);
        assert_eq!(
            reach.nearest(&net, &[net.snap(Point::new(5.0, 49.0)).unwrap()]),
            None
        );
    }
}

/// A piece of a road segment within reach of a facility: from `from` to `to` (in the
/// working CRS), walked from `source`, at distances `d_from` and `d_to` from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub source: usize,
    pub edge: u32,
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub d_from: f64,
    pub d_to: f64,
}

/// Walking distance along one edge from one way in: `c0 + slope × x` for x in [lo, hi].
#[derive(Clone, Copy)]
struct Line1 {
    source: usize,
    c0: f64,
    slope: f64,
    lo: f64,
    hi: f64,
}

impl Line1 {
    fn at(&self, x: f64) -> Option<f64> {
        (self.lo - 1e-9..=self.hi + 1e-9)
            .contains(&x)
            .then_some(self.c0 + self.slope * x)
    }
}

impl Reach {
    /// The service areas: every stretch of road whose walking distance to its nearest
    /// source is at most `max`, labelled with that source. Along an edge the distance is
    /// the least of walking in from either end or from a source on the edge; each edge is
    /// cut where the nearest source changes and where the distance reaches `max`.
    pub fn pieces(&self, net: &Network, max: f64) -> Vec<Piece> {
        let mut out = Vec::new();
        for (i, e) in net.edges.iter().enumerate() {
            let len = e.length;
            let mut ways_in = Vec::new();
            let (da, sa) = self.best[e.a as usize];
            if da.is_finite() {
                ways_in.push(Line1 {
                    source: sa,
                    c0: da,
                    slope: 1.0,
                    lo: 0.0,
                    hi: len,
                });
            }
            let (db, sb) = self.best[e.b as usize];
            if db.is_finite() {
                ways_in.push(Line1 {
                    source: sb,
                    c0: db + len,
                    slope: -1.0,
                    lo: 0.0,
                    hi: len,
                });
            }
            for &(t, leg, src) in self.on_edge.get(&(i as u32)).into_iter().flatten() {
                ways_in.push(Line1 {
                    source: src,
                    c0: leg + t,
                    slope: -1.0,
                    lo: 0.0,
                    hi: t,
                });
                ways_in.push(Line1 {
                    source: src,
                    c0: leg - t,
                    slope: 1.0,
                    lo: t,
                    hi: len,
                });
            }
            if ways_in.is_empty() {
                continue;
            }
            // Cuts: the ends, each way's domain, where two ways cross, where a way hits max.
            let mut cuts = vec![0.0, len];
            for (k, w) in ways_in.iter().enumerate() {
                cuts.extend([w.lo, w.hi, (max - w.c0) / w.slope]);
                for v in &ways_in[k + 1..] {
                    if w.slope != v.slope {
                        cuts.push((v.c0 - w.c0) / (w.slope - v.slope));
                    }
                }
            }
            cuts.retain(|x| x.is_finite() && (0.0..=len).contains(x));
            cuts.sort_by(f64::total_cmp);
            cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
            let (a, b) = (net.nodes[e.a as usize], net.nodes[e.b as usize]);
            let at = |x: f64| {
                let t = if len > 0.0 { x / len } else { 0.0 };
                [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
            };
            for w2 in cuts.windows(2) {
                let (x0, x1) = (w2[0], w2[1]);
                let mid = (x0 + x1) / 2.0;
                // The nearest way in over this stretch (smallest source on ties).
                let best = ways_in
                    .iter()
                    .filter_map(|w| w.at(mid).map(|d| (d, w)))
                    .min_by(|p, q| {
                        let r = |s: usize| self.rank.get(s).copied().unwrap_or(u32::MAX);
                        p.0.total_cmp(&q.0).then(r(p.1.source).cmp(&r(q.1.source)))
                    });
                let Some((d_mid, w)) = best else { continue };
                if d_mid > max + 1e-9 {
                    continue;
                }
                let (d0, d1) = (w.c0 + w.slope * x0, w.c0 + w.slope * x1);
                match out.last_mut() {
                    // Continue the previous piece when the same way in goes on.
                    Some(p @ Piece { .. })
                        if p.edge == i as u32
                            && p.source == w.source
                            && p.to == at(x0)
                            && (p.d_to - d0).abs() < 1e-9
                            && ((p.d_to - p.d_from).signum() == (d1 - d0).signum()) =>
                    {
                        p.to = at(x1);
                        p.d_to = d1;
                    }
                    _ => out.push(Piece {
                        source: w.source,
                        edge: i as u32,
                        from: at(x0),
                        to: at(x1),
                        d_from: d0,
                        d_to: d1,
                    }),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;
    use geo::{line_string, Point};

    #[test]
    fn service_area_pieces_stop_at_the_limit() {
        // One street 0–1000 along y = 0; a source at (100, 20): snap (100, 0), leg 20.
        // With max 300: west of the snap the distance falls from 120 at x = 0 to 20 at
        // x = 100 (walking straight from the source); east of it, it rises to 300 at x = 380.
        // Walking back in from the junction at x = 0 (120 + x) is never shorter.
        let net = Network::build(&[line_string![(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0)]], 0.0);
        let reach = Reach::from_sources(
            &net,
            &[(7, net.snap(Point::new(100.0, 20.0)).unwrap())],
            &[],
        );
        let pieces = reach.pieces(&net, 300.0);
        let spans: Vec<(f64, f64, f64, f64)> = pieces
            .iter()
            .map(|p| (p.from[0], p.to[0], p.d_from, p.d_to))
            .collect();
        assert_eq!(
            spans,
            vec![(0.0, 100.0, 120.0, 20.0), (100.0, 380.0, 20.0, 300.0)]
        );
        assert!(pieces.iter().all(|p| p.source == 7));
        // The far junction (1000, 0) is 920 away: nothing near it.
        assert!(pieces.iter().all(|p| p.to[0] <= 380.0));
    }

    #[test]
    fn a_segment_reached_from_both_ends_is_cut_where_the_nearest_source_changes() {
        // 0 —(600)— 1 —(600)— 2: sources A at junction 0 and B at junction 2 (leg 0).
        // Max 800: the middle edge 1 is 600 from both; on the edge 0–1 A reaches all of it
        // (0 → 600); on 1–2 B does. Max 500: A covers x in [0, 500], B x in [700, 1200]
        // (distance 500 → 0 towards junction 2).
        let net = Network::build(
            &[line_string![(x: 0.0, y: 0.0), (x: 600.0, y: 0.0), (x: 1200.0, y: 0.0)]],
            0.0,
        );
        let a = net.snap(Point::new(0.0, 0.0)).unwrap();
        let b = net.snap(Point::new(1200.0, 0.0)).unwrap();
        let reach = Reach::from_sources(&net, &[(0, a), (1, b)], &[]);
        let spans = |max: f64| -> Vec<(usize, f64, f64, f64, f64)> {
            reach
                .pieces(&net, max)
                .iter()
                .map(|p| (p.source, p.from[0], p.to[0], p.d_from, p.d_to))
                .collect()
        };
        assert_eq!(
            spans(800.0),
            vec![(0, 0.0, 600.0, 0.0, 600.0), (1, 600.0, 1200.0, 600.0, 0.0)]
        );
        assert_eq!(
            spans(500.0),
            vec![(0, 0.0, 500.0, 0.0, 500.0), (1, 700.0, 1200.0, 500.0, 0.0)]
        );
    }
}

//! The road segments in a grid of square cells, for snapping points onto the network: a
//! segment is listed in every cell its bounding box meets, and a point's nearest segments
//! are found ring by ring of cells around it, stopping when no cell farther out can hold
//! a segment as near as the nearest found.
//!
//! A street network is spread evenly over a city, at a scale its segments' lengths give:
//! a point asks the nine cells around it, where an R-tree's nearest-neighbour walk kept a
//! heap of every node it met (three microseconds a point, and bulk-loading the trees cost
//! as much again). The answer does not depend on the grid: a cell size changes how many
//! cells are asked, not which segments are found.

use rstar::primitives::Line;
use rstar::PointDistance;

use super::graph::Edge;

pub struct SegmentGrid {
    origin: [f64; 2],
    cell: f64,
    cols: i64,
    rows: i64,
    /// The segments of cell (col, row) are `items[start[k]..start[k + 1]]`, k = row ×
    /// cols + col.
    start: Vec<u32>,
    /// Edge numbers.
    items: Vec<u32>,
    /// Per edge, its ends in order (from its node `a` to `b`).
    ends: Vec<[[f64; 2]; 2]>,
}

/// At most this many listings (a segment in each cell its box meets) per segment, on
/// average, and this many cells per segment: a coarser grid when either is exceeded.
const LISTINGS_PER_SEGMENT: usize = 4;
const CELLS_PER_SEGMENT: usize = 4;

impl SegmentGrid {
    pub fn new(nodes: &[[f64; 2]], edges: &[Edge]) -> SegmentGrid {
        let ends: Vec<[[f64; 2]; 2]> = edges
            .iter()
            .map(|e| [nodes[e.a as usize], nodes[e.b as usize]])
            .collect();
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in ends.iter().flatten() {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let n = edges.len().max(1);
        let (width, height) = (hi[0] - lo[0], hi[1] - lo[1]);
        let mean_length = edges.iter().map(|e| e.length).sum::<f64>() / n as f64;
        // Cells about twice the larger of the mean segment's length and the side of a
        // segment's share of the extent: a point's nearest segment is then mostly in
        // the nine cells around it, each holding a few segments.
        let mut cell = 2.0 * mean_length.max((width * height / n as f64).sqrt());
        if !(cell.is_finite() && cell > 0.0 && width.is_finite() && height.is_finite()) {
            // No extent (one point, no segments) or none that can be measured: one cell.
            cell = f64::INFINITY;
        }
        loop {
            let grid = SegmentGrid::with_cell(lo, [width, height], cell, &ends);
            match grid {
                Some(mut grid) => {
                    grid.ends = ends;
                    return grid;
                }
                None => cell *= 2.0,
            }
        }
    }

    /// The grid of cells of side `cell` over the extent from `origin`, or none when it
    /// would have too many cells or listings for its segments.
    fn with_cell(
        origin: [f64; 2],
        extent: [f64; 2],
        cell: f64,
        ends: &[[[f64; 2]; 2]],
    ) -> Option<SegmentGrid> {
        let count = |x: f64| {
            if cell.is_finite() {
                ((x / cell).floor() as i64).saturating_add(1).max(1)
            } else {
                1
            }
        };
        let (cols, rows) = (count(extent[0]), count(extent[1]));
        let n = ends.len().max(1);
        let cells = cols.saturating_mul(rows);
        if cells as usize > CELLS_PER_SEGMENT * n + 64 {
            return None;
        }
        let mut grid = SegmentGrid {
            origin,
            cell,
            cols,
            rows,
            start: vec![0; cells as usize + 1],
            items: Vec::new(),
            ends: Vec::new(),
        };
        // Each segment's block of cells: counted, then listed.
        let block = |e: &[[f64; 2]; 2]| {
            let (c0, r0) = cell_of(origin, cell, e[0]);
            let (c1, r1) = cell_of(origin, cell, e[1]);
            let clamp = |c: i64, top: i64| c.clamp(0, top - 1);
            (
                clamp(c0.min(c1), cols),
                clamp(c0.max(c1), cols),
                clamp(r0.min(r1), rows),
                clamp(r0.max(r1), rows),
            )
        };
        let mut listings = 0usize;
        for e in ends {
            let (c0, c1, r0, r1) = block(e);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    grid.start[(r * cols + c) as usize + 1] += 1;
                }
            }
            listings += ((c1 - c0 + 1) * (r1 - r0 + 1)) as usize;
            if listings > LISTINGS_PER_SEGMENT * n + 64 {
                return None;
            }
        }
        for k in 1..grid.start.len() {
            grid.start[k] += grid.start[k - 1];
        }
        let mut fill = grid.start.clone();
        grid.items = vec![0; listings];
        for (i, e) in ends.iter().enumerate() {
            let (c0, c1, r0, r1) = block(e);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let k = (r * cols + c) as usize;
                    grid.items[fill[k] as usize] = i as u32;
                    fill[k] += 1;
                }
            }
        }
        Some(grid)
    }

    /// Every segment within `tie` of the nearest to `q` (the nearest included), as
    /// (distance, edge), each once, in no particular order.
    pub fn nearest(&self, q: [f64; 2], tie: f64) -> Vec<(f64, u32)> {
        let mut near: Vec<(f64, u32)> = Vec::new();
        if self.ends.is_empty() || !(q[0].is_finite() && q[1].is_finite()) {
            return near;
        }
        let (col, row) = cell_of(self.origin, self.cell, q);
        // How far q is inside its own cell: every point of a cell r rings out is at
        // least (r − 1) cells and this much away.
        let margin = if self.cell.is_finite() {
            let inside = |k: usize, c: i64| {
                let x = (q[k] - self.origin[k]) / self.cell - c as f64;
                x.min(1.0 - x).max(0.0)
            };
            inside(0, col).min(inside(1, row)) * self.cell
        } else {
            0.0
        };
        // The rings that meet the grid: from the first that reaches it to the one that
        // takes in its farthest corner.
        let first = [-col, col - (self.cols - 1), -row, row - (self.rows - 1), 0]
            .into_iter()
            .max()
            .unwrap_or(0);
        let last = [col, self.cols - 1 - col, row, self.rows - 1 - row]
            .into_iter()
            .max()
            .unwrap_or(0);
        let mut best = f64::INFINITY;
        let look = |c: i64, r: i64, near: &mut Vec<(f64, u32)>, best: &mut f64| {
            if !(0..self.cols).contains(&c) || !(0..self.rows).contains(&r) {
                return;
            }
            let k = (r * self.cols + c) as usize;
            for &edge in &self.items[self.start[k] as usize..self.start[k + 1] as usize] {
                let [a, b] = self.ends[edge as usize];
                let d = Line::new(a, b).distance_2(&q).sqrt();
                if d <= *best + tie {
                    near.push((d, edge));
                    *best = best.min(d);
                }
            }
        };
        for ring in first..=last {
            let bound = if ring == 0 {
                0.0
            } else {
                (ring - 1) as f64 * self.cell + margin
            };
            if bound > best + tie {
                break;
            }
            if ring == 0 {
                look(col, row, &mut near, &mut best);
                continue;
            }
            // The ring's top and bottom rows, then its sides between them, clipped to
            // the grid.
            let (c0, c1) = ((col - ring).max(0), (col + ring).min(self.cols - 1));
            for r in [row - ring, row + ring] {
                if (0..self.rows).contains(&r) {
                    for c in c0..=c1 {
                        look(c, r, &mut near, &mut best);
                    }
                }
            }
            let (r0, r1) = ((row - ring + 1).max(0), (row + ring - 1).min(self.rows - 1));
            for c in [col - ring, col + ring] {
                if (0..self.cols).contains(&c) {
                    for r in r0..=r1 {
                        look(c, r, &mut near, &mut best);
                    }
                }
            }
        }
        let limit = best + tie;
        near.retain(|&(d, _)| d <= limit);
        // A segment listed in several cells is found once per cell.
        near.sort_unstable_by_key(|&(_, e)| e);
        near.dedup_by_key(|&mut (_, e)| e);
        near
    }
}

/// The cell of side `cell` from `origin` a point is in, on a lattice without end (outside
/// the grid, a column or row below 0 or past the last).
fn cell_of(origin: [f64; 2], cell: f64, p: [f64; 2]) -> (i64, i64) {
    if !cell.is_finite() {
        return (0, 0);
    }
    let at = |k: usize| ((p[k] - origin[k]) / cell).floor() as i64;
    (at(0), at(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every segment within `tie` of the nearest, by measuring them all.
    fn measured(nodes: &[[f64; 2]], edges: &[Edge], q: [f64; 2], tie: f64) -> Vec<(f64, u32)> {
        let all: Vec<(f64, u32)> = edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let line = Line::new(nodes[e.a as usize], nodes[e.b as usize]);
                (line.distance_2(&q).sqrt(), i as u32)
            })
            .collect();
        let best = all.iter().map(|x| x.0).fold(f64::INFINITY, f64::min);
        let mut near: Vec<(f64, u32)> = all.into_iter().filter(|x| x.0 <= best + tie).collect();
        near.sort_unstable_by_key(|&(_, e)| e);
        near
    }

    fn edges_of(nodes: &[[f64; 2]], pairs: &[(u32, u32)]) -> Vec<Edge> {
        pairs
            .iter()
            .map(|&(a, b)| {
                let (p, q) = (nodes[a as usize], nodes[b as usize]);
                Edge {
                    a,
                    b,
                    length: (q[0] - p[0]).hypot(q[1] - p[1]),
                }
            })
            .collect()
    }

    #[test]
    fn finds_what_measuring_every_segment_finds() {
        // Random segments, short ones in a cluster and a few kilometres long across it,
        // asked from points inside, between and far outside them (5 km off, where the
        // search starts at the first ring that reaches the grid).
        let mut next = crate::network::unit_floats(11);
        for round in 0..20 {
            let mut nodes = Vec::new();
            let mut pairs = Vec::new();
            for i in 0..200u32 {
                let (x, y) = (next() * 2000.0, next() * 1000.0);
                let long = i % 50 == 0;
                let (dx, dy) = if long {
                    (next() * 3000.0 - 1500.0, next() * 3000.0 - 1500.0)
                } else {
                    (next() * 80.0 - 40.0, next() * 80.0 - 40.0)
                };
                nodes.push([x, y]);
                nodes.push([x + dx, y + dy]);
                pairs.push((2 * i, 2 * i + 1));
            }
            let edges = edges_of(&nodes, &pairs);
            let grid = SegmentGrid::new(&nodes, &edges);
            let far = [[-5000.0, 500.0], [1000.0, 6000.0], [9000.0, -7000.0]];
            let points: Vec<[f64; 2]> = (0..200)
                .map(|_| [next() * 2400.0 - 200.0, next() * 1400.0 - 200.0])
                .chain(far)
                .collect();
            for q in points {
                let mut got = grid.nearest(q, 0.01);
                got.sort_unstable_by_key(|&(_, e)| e);
                assert_eq!(
                    got,
                    measured(&nodes, &edges, q, 0.01),
                    "round {round} {q:?}"
                );
            }
        }
    }

    #[test]
    fn ties_are_all_found_and_odd_networks_answer() {
        // A point at the crossing of a plus: the four arms meet it at distance 0.
        let nodes = [
            [0.0, 0.0],
            [10.0, 0.0],
            [-10.0, 0.0],
            [0.0, 10.0],
            [0.0, -10.0],
        ];
        let edges = edges_of(&nodes, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
        let grid = SegmentGrid::new(&nodes, &edges);
        let mut got = grid.nearest([0.0, 0.0], 0.01);
        got.sort_unstable_by_key(|&(_, e)| e);
        assert_eq!(got, vec![(0.0, 0), (0.0, 1), (0.0, 2), (0.0, 3)]);
        // No segments, a point with no position: nothing.
        assert!(SegmentGrid::new(&[], &[])
            .nearest([0.0, 0.0], 0.01)
            .is_empty());
        assert!(grid.nearest([f64::NAN, 0.0], 0.01).is_empty());
        // One segment of no length; segments along one line (an extent of no height).
        let nodes = [[5.0, 5.0], [5.0, 5.0]];
        let grid = SegmentGrid::new(&nodes, &edges_of(&nodes, &[(0, 1)]));
        assert_eq!(grid.nearest([8.0, 9.0], 0.01), vec![(5.0, 0)]);
        let nodes = [[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]];
        let grid = SegmentGrid::new(&nodes, &edges_of(&nodes, &[(0, 1), (1, 2)]));
        assert_eq!(grid.nearest([150.0, 30.0], 0.01), vec![(30.0, 1)]);
        // Coordinates whose extent overflows: one cell, every segment asked.
        let nodes = [[-1e308, 0.0], [-1e308, 1.0], [1e308, 0.0], [1e308, 1.0]];
        let grid = SegmentGrid::new(&nodes, &edges_of(&nodes, &[(0, 1), (2, 3)]));
        assert_eq!(grid.nearest([1e308, 3.0], 0.01), vec![(2.0, 1)]);
    }
}

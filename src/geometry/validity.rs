//! Polygon validity, as geo's `Validation` defines it, without its quadratic cost.
//!
//! geo 0.33 tests every pair of a ring's segments for a self-intersection: a 41 MB
//! compound of a million vertices did not finish in five minutes. Here a sweep line
//! (Shamos–Hoey, O(n log n)) decides whether a ring is simple: no two segments meet but
//! consecutive ones at their shared vertex, which is geo's rule once repeated points are
//! dropped (a ring of a dozen segments or fewer is compared pair by pair, quicker than
//! the sweep's sorting). Where the sweep cannot decide (segments tied along it: they touch or overlap),
//! an exact pairwise test over an R-tree of segment boxes answers. The other checks are geo's: at least three distinct
//! points a ring, finite coordinates, holes inside the shell and not overlapping or
//! touching it along a line, the parts of a multipolygon neither overlapping nor touching
//! along a line (each pair tested only where their boxes meet).

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, Relate};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// Why a polygon is not valid, in geo's words ("exterior ring has a self-intersection").
pub fn check(mp: &MultiPolygon<f64>) -> Result<(), String> {
    let boxes: Vec<_> = mp.0.iter().map(|p| p.bounding_rect()).collect();
    for (i, p) in mp.0.iter().enumerate() {
        let at = |e: String| {
            if mp.0.len() > 1 {
                format!("polygon at index {i} is invalid: {e}")
            } else {
                e
            }
        };
        check_polygon(p).map_err(at)?;
        for j in i + 1..mp.0.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !a.intersects(&b) {
                continue;
            }
            let im = p.relate(&mp.0[j]);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Err(format!("polygons at indices {i} and {j} overlap"));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Err(format!("polygons at indices {i} and {j} touch on a line"));
            }
        }
    }
    Ok(())
}

fn role(k: usize) -> String {
    match k {
        0 => "exterior ring".to_string(),
        k => format!("interior ring at index {}", k - 1),
    }
}

fn check_polygon(p: &Polygon<f64>) -> Result<(), String> {
    for (k, ring) in std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
    {
        if ring.0.is_empty() {
            continue;
        }
        if let Some(i) = ring
            .0
            .iter()
            .position(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            return Err(format!(
                "{} has a non-finite coordinate at index {i}",
                role(k)
            ));
        }
        if distinct_points(ring) < 4 {
            return Err(format!("{} must have at least 3 distinct points", role(k)));
        }
        if has_self_intersection(ring) {
            return Err(format!("{} has a self-intersection", role(k)));
        }
    }
    let holes: Vec<&LineString<f64>> = p.interiors().iter().filter(|r| !r.0.is_empty()).collect();
    if holes.is_empty() {
        return Ok(());
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    let hole_polys: Vec<Polygon<f64>> = holes
        .iter()
        .map(|h| Polygon::new((*h).clone(), vec![]))
        .collect();
    for (a, ha) in hole_polys.iter().enumerate() {
        let im = shell.relate(ha);
        if !im.is_contains() {
            return Err(format!(
                "{} is not contained within the polygon's exterior",
                role(a + 1)
            ));
        }
        if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Err(format!(
                "exterior ring and {} intersect on a line",
                role(a + 1)
            ));
        }
        for (b, hb) in hole_polys.iter().enumerate().skip(a + 1) {
            if !ha
                .bounding_rect()
                .zip(hb.bounding_rect())
                .is_some_and(|(x, y)| x.intersects(&y))
            {
                continue;
            }
            let im = ha.relate(hb);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Err(format!(
                    "{} and {} intersect on an area",
                    role(a + 1),
                    role(b + 1)
                ));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Err(format!(
                    "{} and {} intersect on a line",
                    role(a + 1),
                    role(b + 1)
                ));
            }
        }
    }
    Ok(())
}

/// The ring's points, consecutive repeats counted once (the closing point included).
fn distinct_points(ring: &LineString<f64>) -> usize {
    1 + ring.0.windows(2).filter(|w| w[0] != w[1]).count()
}

/// Two segments of the ring meet, other than consecutive ones at their shared vertex.
fn has_self_intersection(ring: &LineString<f64>) -> bool {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    let decided = if pts.len() <= FEW + 1 {
        few_simple(&pts)
    } else {
        sweep::simple(&pts)
    };
    match decided {
        Some(simple) => !simple,
        // The sweep could not decide (segments tied in its order): compare every pair of
        // segments whose boxes meet.
        None => has_self_intersection_pairwise(ring),
    }
}

/// Rings of at most this many segments (a compound's rectangle has four) are tested pair
/// by pair: fewer than a hundred pairs cost less than the sweep's sorting and its tree.
const FEW: usize = 12;

/// [`sweep::simple`] for a ring of few segments, its answers in the same order: a vertex
/// passed twice is not simple; consecutive segments doubling back along one line are left
/// to the pairwise test; else every two segments that are not consecutive are compared
/// exactly.
fn few_simple(pts: &[Coord<f64>]) -> Option<bool> {
    let n = pts.len().checked_sub(1)?;
    if n < 3 {
        return None;
    }
    if (0..n).any(|i| pts[i + 1..n].contains(&pts[i])) {
        return Some(false);
    }
    if folds_back(pts) {
        return None;
    }
    let line = |i: usize| Line::new(pts[i], pts[i + 1]);
    for i in 0..n {
        // Segment i's neighbours are i - 1 and i + 1 (around the ring).
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue;
            }
            if line(i).intersects(&line(j)) {
                return Some(false);
            }
        }
    }
    Some(true)
}

/// Whether two consecutive segments of the ring (`pts` closed, no point repeated
/// consecutively, at least three segments) double back along one line: they overlap over
/// more than their shared vertex, which neither the sweep nor the pair-by-pair test
/// decides; the exact pairwise test does.
fn folds_back(pts: &[Coord<f64>]) -> bool {
    let n = pts.len() - 1;
    (0..n).any(|i| {
        let (p, q, r) = (pts[i], pts[i + 1], pts[(i + 2) % n]);
        let (u, v) = (q - p, r - q);
        u.x * v.y - u.y * v.x == 0.0 && u.x * v.x + u.y * v.y < 0.0
    })
}

/// The same question by brute force over an R-tree of segment boxes: exact, but quadratic
/// when many long segments overlap.
fn has_self_intersection_pairwise(ring: &LineString<f64>) -> bool {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let boxes = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            GeomWithData::new(
                Rectangle::from_corners(
                    [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
                    [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
                ),
                i,
            )
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    lines.iter().enumerate().any(|(i, a)| {
        let env = AABB::from_corners(
            [a.start.x.min(a.end.x), a.start.y.min(a.end.y)],
            [a.start.x.max(a.end.x), a.start.y.max(a.end.y)],
        );
        tree.locate_in_envelope_intersecting(&env).any(|g| {
            let b = &lines[g.data];
            g.data > i && a.intersects(b) && a.start != b.end && a.end != b.start
        })
    })
}

/// Shamos–Hoey: whether a closed ring is simple, in O(n log n). Points are swept in
/// (x, y) order — a sweep line turned by an infinitesimal angle, so that no segment is
/// parallel to it; the segments it crosses are kept in their order along it, and a segment
/// is only compared with its neighbours there. If two segments meet, two that meet are
/// neighbours before the sweep passes the leftmost meeting point, so it is found.
mod sweep {
    use std::cell::{Cell, RefCell};
    use std::cmp::Ordering;
    use std::collections::BTreeSet;
    use std::ops::Bound::{Excluded, Unbounded};

    use geo::{Coord, Intersects, Line};

    /// A segment, its endpoints in sweep order (its index is its position along the ring).
    #[derive(Clone, Copy)]
    struct Seg {
        left: Coord<f64>,
        right: Coord<f64>,
    }

    impl Seg {
        /// Where the segment crosses the sweep line through `(x, y)`.
        fn height(&self, (x, y): (f64, f64)) -> f64 {
            if self.left.x == self.right.x {
                y.clamp(self.left.y, self.right.y)
            } else if x == self.left.x {
                self.left.y
            } else if x == self.right.x {
                self.right.y
            } else {
                self.left.y
                    + (x - self.left.x) * (self.right.y - self.left.y)
                        / (self.right.x - self.left.x)
            }
        }

        /// Vertical segments are steepest (the sweep line is turned, not they).
        fn slope(&self) -> f64 {
            if self.left.x == self.right.x {
                f64::INFINITY
            } else {
                (self.right.y - self.left.y) / (self.right.x - self.left.x)
            }
        }
    }

    /// Where the sweep is: the event point, and whether segments are ordered just before
    /// it (while segments end there) or just after it (while segments start there).
    #[derive(Clone, Copy)]
    struct At {
        point: (f64, f64),
        before: bool,
    }

    thread_local! {
        static SEGS: RefCell<Vec<Seg>> = const { RefCell::new(Vec::new()) };
        static AT: Cell<At> = const { Cell::new(At { point: (0.0, 0.0), before: false }) };
    }

    /// A segment in the sweep's order: by where it crosses the sweep line; segments through
    /// the event point by slope (steepest last just after it, first just before it).
    #[derive(Clone, Copy, PartialEq, Eq)]
    struct Key(u32);

    impl Ord for Key {
        fn cmp(&self, other: &Self) -> Ordering {
            if self.0 == other.0 {
                return Ordering::Equal;
            }
            SEGS.with_borrow(|segs| {
                let (a, b) = (&segs[self.0 as usize], &segs[other.0 as usize]);
                let at = AT.get();
                let by_slope = a.slope().total_cmp(&b.slope());
                a.height(at.point)
                    .total_cmp(&b.height(at.point))
                    .then(if at.before {
                        by_slope.reverse()
                    } else {
                        by_slope
                    })
                    .then(self.0.cmp(&other.0))
            })
        }
    }

    impl PartialOrd for Key {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    /// `Some(true)` when no two segments of the ring (`pts` closed, no point repeated
    /// consecutively) meet other than consecutive ones at their shared vertex,
    /// `Some(false)` when two do, `None` when the sweep cannot tell (its order was broken
    /// by segments tied along it, or consecutive segments fold back over each other).
    pub fn simple(pts: &[Coord<f64>]) -> Option<bool> {
        let n = pts.len().checked_sub(1)?;
        if n < 3 {
            return None;
        }
        // A vertex the ring passes twice: two segments end there (geo's rule flags them).
        let mut sorted: Vec<(f64, f64)> = pts[..n].iter().map(|c| (c.x, c.y)).collect();
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Some(false);
        }
        // Consecutive segments that double back along one line: the pairwise test's.
        if super::folds_back(pts) {
            return None;
        }
        let segs: Vec<Seg> = pts
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                if (a.x, a.y) <= (b.x, b.y) {
                    Seg { left: a, right: b }
                } else {
                    Seg { left: b, right: a }
                }
            })
            .collect();
        let line = |i: u32| Line::new(pts[i as usize], pts[i as usize + 1]);
        let consecutive = |i: u32, j: u32| {
            let (i, j) = (i as usize, j as usize);
            (i + 1) % n == j || (j + 1) % n == i
        };
        let meet = |i: u32, j: u32| !consecutive(i, j) && line(i).intersects(&line(j));
        // Events: (point, 0 = a segment ends, 1 = one starts, segment); at one point the
        // ends first, ordered just before it, then the starts, ordered just after it.
        let mut events: Vec<(f64, f64, u8, u32)> = Vec::with_capacity(2 * n);
        for (i, s) in segs.iter().enumerate() {
            events.push((s.left.x, s.left.y, 1, i as u32));
            events.push((s.right.x, s.right.y, 0, i as u32));
        }
        events.sort_unstable_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        SEGS.set(segs);
        let mut active: BTreeSet<Key> = BTreeSet::new();
        let mut answer = Some(true);
        for &(x, y, starts, i) in &events {
            AT.set(At {
                point: (x, y),
                before: starts == 0,
            });
            let key = Key(i);
            if starts == 1 {
                let below = active.range(..key).next_back().copied();
                let above = active.range((Excluded(key), Unbounded)).next().copied();
                if below.is_some_and(|b| meet(i, b.0)) || above.is_some_and(|a| meet(i, a.0)) {
                    answer = Some(false);
                    break;
                }
                active.insert(key);
            } else {
                if !active.remove(&key) {
                    answer = None;
                    break;
                }
                let below = active.range(..key).next_back().copied();
                let above = active.range((Excluded(key), Unbounded)).next().copied();
                if let (Some(b), Some(a)) = (below, above) {
                    if meet(b.0, a.0) {
                        answer = Some(false);
                        break;
                    }
                }
            }
        }
        SEGS.set(Vec::new());
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Validation};

    fn both(p: Polygon<f64>) -> (bool, bool) {
        let mp = MultiPolygon(vec![p]);
        (check(&mp).is_ok(), mp.is_valid())
    }

    #[test]
    fn few_segments_compared_pair_by_pair_answer_as_the_sweep_does() {
        // Rings of 3 to 12 vertices on a 4 × 4 grid of whole numbers: touching, crossing,
        // overlapping and repeated vertices come up often. Each answered as a ring of more
        // segments is (the sweep, then the pairwise test where it cannot tell).
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let (mut crossed, mut simple) = (0, 0);
        for _ in 0..20_000 {
            let k = 3 + next(10) as usize;
            let mut pts: Vec<Coord<f64>> = Vec::new();
            while pts.len() < k {
                let c = Coord {
                    x: next(4) as f64,
                    y: next(4) as f64,
                };
                if pts.last() != Some(&c) {
                    pts.push(c);
                }
            }
            if pts[0] == pts[k - 1] {
                continue;
            }
            pts.push(pts[0]);
            let ring = LineString(pts.clone());
            let swept =
                sweep::simple(&pts).unwrap_or_else(|| !has_self_intersection_pairwise(&ring));
            let few = few_simple(&pts).unwrap_or_else(|| !has_self_intersection_pairwise(&ring));
            assert_eq!(few, swept, "{pts:?}");
            if swept {
                simple += 1;
            } else {
                crossed += 1;
            }
        }
        // Both answers come up.
        assert!(
            simple > 1000 && crossed > 1000,
            "{simple} simple, {crossed} not"
        );
    }

    #[test]
    fn agrees_with_geo_on_the_usual_cases() {
        let cases = [
            // a square
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
            // a bow-tie
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0), (x: 0.0, y: 4.0)],
            // a spike back along its own edge
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 6.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0)],
            // duplicate vertices
            polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 4.0)],
            // two distinct points only
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 0.0, y: 0.0)],
            // a hole outside the shell
            polygon!(
                exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
                interiors: [[(x: 5.0, y: 5.0), (x: 6.0, y: 5.0), (x: 6.0, y: 6.0)]],
            ),
            // a hole inside
            polygon!(
                exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
                interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0)]],
            ),
            // a hole sharing an edge with the shell
            polygon!(
                exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
                interiors: [[(x: 0.0, y: 1.0), (x: 0.0, y: 2.0), (x: 1.0, y: 2.0)]],
            ),
        ];
        for (k, p) in cases.into_iter().enumerate() {
            let (ours, geo) = both(p);
            assert_eq!(ours, geo, "case {k}");
        }
    }

    #[test]
    fn agrees_with_geo_on_random_rings_full_of_degeneracies() {
        // 20,000 rings of 4 to 10 vertices on a 6 × 6 grid: shared vertices, collinear and
        // overlapping edges, spikes and repeated points everywhere. Every one must get
        // geo's verdict; the sweep must decide most of them itself (17,488 of them; 2,473
        // are valid).
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let (mut decided, mut valid) = (0, 0);
        for _ in 0..20_000 {
            let k = 4 + next(7) as usize;
            let mut pts: Vec<Coord<f64>> = (0..k)
                .map(|_| Coord {
                    x: next(6) as f64,
                    y: next(6) as f64,
                })
                .collect();
            pts.push(pts[0]);
            let p = Polygon::new(LineString::from(pts.clone()), vec![]);
            let (ours, geo) = both(p);
            assert_eq!(ours, geo, "{pts:?}");
            let mut dedup = pts.clone();
            dedup.dedup();
            decided += usize::from(sweep::simple(&dedup).is_some());
            valid += usize::from(geo);
        }
        assert!(valid > 100, "the sample holds valid rings too: {valid}");
        assert!(
            decided > 15_000,
            "the sweep decides most rings itself: {decided}"
        );
    }

    #[test]
    fn overlapping_parts_are_invalid() {
        let a = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        let b = polygon![(x: 2.0, y: 2.0), (x: 6.0, y: 2.0), (x: 6.0, y: 6.0), (x: 2.0, y: 6.0)];
        let far = polygon![(x: 10.0, y: 0.0), (x: 11.0, y: 0.0), (x: 11.0, y: 1.0)];
        let e = check(&MultiPolygon(vec![a.clone(), b])).unwrap_err();
        assert!(e.contains("overlap"), "{e}");
        assert!(check(&MultiPolygon(vec![a, far])).is_ok());
    }

    #[test]
    fn a_ring_of_two_hundred_thousand_vertices() {
        // A star-shaped ring (radius alternating 100 and 90 m): geo's pairwise test compares
        // 2·10¹⁰ pairs here; `benches/geometry.rs` measures a million.
        let n = 200_000;
        let ring: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = if i % 2 == 0 { 100.0 } else { 90.0 };
                (r * a.cos(), r * a.sin())
            })
            .collect();
        let mut p = Polygon::new(LineString::from(ring), vec![]);
        assert!(check(&MultiPolygon(vec![p.clone()])).is_ok());
        let mut pts = p.exterior().0.clone();
        pts.dedup();
        assert_eq!(sweep::simple(&pts), Some(true), "decided by the sweep");
        // One vertex pulled across the ring makes it cross itself.
        p.exterior_mut(|r| r.0[n / 2] = geo::Coord { x: 200.0, y: 0.0 });
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.contains("self-intersection"), "{e}");
    }
}

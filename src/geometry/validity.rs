//! Polygon validity, as geo's `Validation` defines it, without its quadratic cost.
//!
//! geo 0.33 tests every pair of a ring's segments for a self-intersection: a 41 MB
//! compound of a million vertices did not finish in five minutes. Here a ring's segments
//! go into an R-tree (bulk loaded, O(n log n)) and only segments whose boxes meet are
//! compared, with geo's own rule for what counts: two segments that meet, unless they
//! follow each other along the ring. The other checks are geo's: at least three distinct
//! points a ring, finite coordinates, holes inside the shell and not overlapping or
//! touching it along a line, the parts of a multipolygon neither overlapping nor touching
//! along a line (each pair tested only where their boxes meet).

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BoundingRect, Intersects, Line, LineString, MultiPolygon, Polygon, Relate};
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Validation};

    fn both(p: Polygon<f64>) -> (bool, bool) {
        let mp = MultiPolygon(vec![p]);
        (check(&mp).is_ok(), mp.is_valid())
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
        // One vertex pulled across the ring makes it cross itself.
        p.exterior_mut(|r| r.0[n / 2] = geo::Coord { x: 200.0, y: 0.0 });
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.contains("self-intersection"), "{e}");
    }
}

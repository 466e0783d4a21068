//! The point on a polygon's surface that PostGIS `ST_PointOnSurface`, GEOS
//! `InteriorPointArea` and JTS (1.17 and later) compute, so that planlint and an analyst's
//! PostGIS or QGIS ("Point on surface") agree on a polygon's reference point.
//!
//! For each polygon: a horizontal scan line is placed halfway between the two vertex
//! heights nearest to the middle of the polygon's height, one at or below it and one
//! above (so the line passes through no vertex); the line's crossings with every ring are
//! sorted, and the midpoint of the widest stretch inside the polygon is the point. Of
//! several polygons, the one with the widest stretch wins (the first on ties). A polygon
//! the line does not cross (zero area) gives its first vertex.

use geo::{Coord, MultiPolygon, Point, Polygon};

/// The point on the surface of a multipolygon; `None` when it has no vertex at all.
pub fn point_on_surface(mp: &MultiPolygon<f64>) -> Option<Point<f64>> {
    let mut best: Option<(f64, Coord<f64>)> = None;
    for (point, width) in mp.0.iter().filter_map(polygon_point) {
        if best.is_none_or(|(w, _)| width > w) {
            best = Some((width, point));
        }
    }
    best.map(|(_, c)| c.into())
}

/// A polygon's point and the width of the stretch it is the middle of.
fn polygon_point(p: &Polygon<f64>) -> Option<(Coord<f64>, f64)> {
    let first = *p.exterior().0.first()?;
    let y = scan_line_y(p)?;
    let mut crossings = Vec::new();
    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
        for w in ring.0.windows(2) {
            if let Some(x) = crossing(w[0], w[1], y) {
                crossings.push(x);
            }
        }
    }
    crossings.sort_by(f64::total_cmp);
    let mut best = (first, 0.0);
    for pair in crossings.chunks_exact(2) {
        let width = pair[1] - pair[0];
        if width > best.1 {
            best = (
                Coord {
                    x: (pair[0] + pair[1]) / 2.0,
                    y,
                },
                width,
            );
        }
    }
    Some(best)
}

/// The scan line's height: halfway between the highest vertex at or below the middle of
/// the polygon's height and the lowest one above it (the extremes when there are none).
fn scan_line_y(p: &Polygon<f64>) -> Option<f64> {
    let ys = || {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .flat_map(|r| r.0.iter().map(|c| c.y))
    };
    let (mut lo, mut hi) = ys().fold(None, |acc: Option<(f64, f64)>, y| {
        Some(acc.map_or((y, y), |(lo, hi)| (lo.min(y), hi.max(y))))
    })?;
    let centre = (lo + hi) / 2.0;
    for y in ys() {
        if y <= centre {
            if y > lo {
                lo = y;
            }
        } else if y < hi {
            hi = y;
        }
    }
    Some((lo + hi) / 2.0)
}

/// Where the edge a–b crosses the horizontal line at `y`, when it counts as a crossing:
/// horizontal edges never do, and an edge touching the line at a vertex counts once, so
/// that the crossings pair up into inside stretches.
fn crossing(a: Coord<f64>, b: Coord<f64>, y: f64) -> Option<f64> {
    let both_above = a.y > y && b.y > y;
    let both_below = a.y < y && b.y < y;
    if both_above || both_below || a.y == b.y {
        return None;
    }
    // A downward edge does not own its start on the line, an upward one not its end.
    if (a.y == y && b.y < y) || (b.y == y && a.y < y) {
        return None;
    }
    if a.x == b.x {
        return Some(a.x);
    }
    let slope = (b.y - a.y) / (b.x - a.x);
    Some(a.x + (y - a.y) / slope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::reference_point;
    use geo::polygon;

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon(vec![p])
    }

    #[test]
    fn l_shaped_compound() {
        // Arms [0,100]×[0,20] (2,000 m²) and [0,20]×[20,100] (1,600 m²): the centroid is
        // ((2000·50 + 1600·10)/3600, (2000·10 + 1600·60)/3600) = (32.2, 32.2), in the
        // notch, outside. Vertex heights 0, 20, 100; the middle is 50: the nearest at or
        // below is 20, none lies strictly between 50 and 100, so the scan line is at
        // (20 + 100)/2 = 60. It crosses the edges x = 20 and x = 0: the stretch [0, 20],
        // midpoint (10, 60). (Shapely 2 over GEOS 3.14, `point_on_surface`, gives the same.)
        let l = mp(polygon![
            (x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 20.0),
            (x: 20.0, y: 20.0), (x: 20.0, y: 100.0), (x: 0.0, y: 100.0),
        ]);
        assert_eq!(point_on_surface(&l), Some(Point::new(10.0, 60.0)));
        assert_eq!(reference_point(&l), Some(Point::new(10.0, 60.0)));
    }

    #[test]
    fn u_shaped_compound() {
        // A 60 × 60 square less the notch [20,40]×[20,60]: area 3,600 − 800 = 2,800,
        // centroid (30, (3600·30 − 800·40)/2800) = (30, 27.14), inside the notch. Heights
        // 0, 20, 60, middle 30: 20 below, nothing between 30 and 60, scan line at 40. It
        // crosses x = 0, 20, 40, 60: stretches [0,20] and [40,60], both 20 wide; the first
        // wins: (10, 40), as GEOS 3.14 does (geo's `InteriorPoint` would give (10, 30)).
        let u = mp(polygon![
            (x: 0.0, y: 0.0), (x: 60.0, y: 0.0), (x: 60.0, y: 60.0), (x: 40.0, y: 60.0),
            (x: 40.0, y: 20.0), (x: 20.0, y: 20.0), (x: 20.0, y: 60.0), (x: 0.0, y: 60.0),
        ]);
        assert_eq!(reference_point(&u), Some(Point::new(10.0, 40.0)));
    }

    #[test]
    fn a_convex_compound_keeps_its_centroid() {
        let sq = mp(polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0),
        ]);
        assert_eq!(reference_point(&sq), Some(Point::new(5.0, 15.0)));
    }

    #[test]
    fn the_widest_part_of_a_multipolygon_wins_and_holes_count() {
        // A 10-wide square [0,10]² with a hole [2,8]×[4,6], and a 30-wide strip to the right
        // [20,50]×[0,1]. Square: heights 0, 4, 6, 10, middle 5 → line at (4 + 6)/2 = 5,
        // crossings 0, 2, 8, 10 → stretches 2 wide each, the first: (1, 5). Strip: line at
        // 0.5, one stretch [20, 50], 30 wide: it wins, (35, 0.5).
        let square = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 2.0, y: 4.0), (x: 8.0, y: 4.0), (x: 8.0, y: 6.0), (x: 2.0, y: 6.0)]],
        );
        assert_eq!(
            point_on_surface(&mp(square.clone())),
            Some(Point::new(1.0, 5.0))
        );
        let strip =
            polygon![(x: 20.0, y: 0.0), (x: 50.0, y: 0.0), (x: 50.0, y: 1.0), (x: 20.0, y: 1.0)];
        assert_eq!(
            point_on_surface(&MultiPolygon(vec![square, strip])),
            Some(Point::new(35.0, 0.5))
        );
    }
}

//! Geometry algorithms the readers and rules share, as georust/geo's `algorithm/` modules
//! are laid out: one algorithm a file, its tests beside it.
//!
//! - [`point_on_surface`]: the point PostGIS `ST_PointOnSurface` (GEOS
//!   `InteriorPointArea`) gives, so a feature's reference point is the one an analyst's
//!   cross-check in PostGIS or QGIS lands on;
//! - [`validity`]: OGC validity of polygons in O(n log n), where geo's `Validation` is
//!   quadratic in a ring's vertices.

pub mod point_on_surface;
pub mod validity;

use geo::{Centroid, Contains, MultiPolygon, Point, Rect};

pub use point_on_surface::point_on_surface;

/// A polygon's reference point (rules.md): its centroid, or, where the centroid falls
/// outside the polygon (an L- or U-shaped compound), its point on surface.
pub fn reference_point(mp: &MultiPolygon<f64>) -> Option<Point<f64>> {
    match mp.centroid() {
        Some(c) if mp.contains(&c) => Some(c),
        _ => point_on_surface(mp),
    }
}

/// The smallest rectangle holding both.
pub fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

/// The rectangle widened by `by` on every side.
pub fn widened(r: Rect<f64>, by: f64) -> Rect<f64> {
    Rect::new(
        (r.min().x - by, r.min().y - by),
        (r.max().x + by, r.max().y + by),
    )
}

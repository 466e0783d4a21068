//! R-trees over the plan's layers, and the spatial joins every rule shares. Every join
//! goes through an R-tree (envelope query, then an exact point-in-polygon test), never
//! all pairs; the joins are computed once, in parallel, before any rule runs.

mod joins;

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

pub use joins::{Joins, UnitJoins};

/// Boxes (a layer's features' bounding boxes), for the features that meet a rectangle.
pub struct BoxIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl BoxIndex {
    /// The boxes of items 0, 1, …; an item without one is never found.
    pub fn new(boxes: impl Iterator<Item = Option<geo::Rect<f64>>>) -> Self {
        let items = boxes
            .enumerate()
            .filter_map(|(i, r)| {
                let r = r?;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect();
        BoxIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// The items whose box meets `r` (edges included), ascending.
    pub fn meeting(&self, r: geo::Rect<f64>) -> Vec<usize> {
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut found: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .collect();
        found.sort_unstable();
        found
    }
}

/// Polygons by their bounding boxes.
pub struct PolygonIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl PolygonIndex {
    pub fn new<'g>(polygons: impl Iterator<Item = &'g MultiPolygon>) -> Self {
        let items = polygons
            .enumerate()
            .filter_map(|(i, mp)| {
                let r = mp.bounding_rect()?;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect();
        PolygonIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Positions of the polygons that contain `p` (boundary included), in ascending order.
    pub fn containing<'g>(
        &self,
        p: Point,
        polygon: impl Fn(usize) -> &'g MultiPolygon,
    ) -> Vec<usize> {
        let env = AABB::from_point([p.x(), p.y()]);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .filter(|&i| polygon(i).intersects(&p))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// `containing` for many points at once, in parallel, in the points' order.
    pub fn containing_all<'g>(
        &self,
        points: &[Point],
        polygon: impl Fn(usize) -> &'g MultiPolygon + Sync,
    ) -> Vec<Vec<usize>> {
        points
            .par_iter()
            .map(|&p| self.containing(p, &polygon))
            .collect()
    }
}

/// Points, for nearest-neighbour questions.
pub struct PointIndex {
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// Per point, its place among equally near ones (smaller first; none: its position).
    rank: Option<Vec<u32>>,
}

impl PointIndex {
    pub fn new(points: impl Iterator<Item = (usize, Point)>) -> Self {
        let items = points
            .map(|(i, p)| GeomWithData::new([p.x(), p.y()], i))
            .collect();
        PointIndex {
            tree: RTree::bulk_load(items),
            rank: None,
        }
    }

    /// [`PointIndex::new`], equally near points settled by `rank` (by id, say: then the
    /// answer does not depend on the order of the features in the file either).
    pub fn ranked(points: impl Iterator<Item = (usize, Point)>, rank: Vec<u32>) -> Self {
        PointIndex {
            rank: Some(rank),
            ..PointIndex::new(points)
        }
    }

    /// This index with more points, ranked by `rank`: the tree copied and the points
    /// inserted, rather than built again.
    pub fn with(&self, more: impl Iterator<Item = (usize, Point)>, rank: Vec<u32>) -> Self {
        let mut tree = self.tree.clone();
        for (i, p) in more {
            tree.insert(GeomWithData::new([p.x(), p.y()], i));
        }
        PointIndex {
            tree,
            rank: Some(rank),
        }
    }

    fn rank(&self, i: usize) -> u32 {
        self.rank
            .as_ref()
            .and_then(|r| r.get(i).copied())
            .unwrap_or(i as u32)
    }

    /// The points within `radius` of `p` (boundary included), ascending.
    pub fn within(&self, p: Point, radius: f64) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .tree
            .locate_within_distance([p.x(), p.y()], radius * radius)
            .map(|g| g.data)
            .collect();
        hits.sort_unstable();
        hits
    }

    /// The nearest point accepted by `accept`, with its straight-line distance. Among
    /// equally near points, the one of the smallest rank wins, so the answer never
    /// depends on the tree's shape.
    pub fn nearest_where(&self, p: Point, accept: impl Fn(usize) -> bool) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for (g, d2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2(&[p.x(), p.y()])
        {
            if let Some((bi, bd2)) = best {
                if d2 > bd2 {
                    break;
                }
                if accept(g.data) && self.rank(g.data) < self.rank(bi) {
                    best = Some((g.data, d2));
                }
            } else if accept(g.data) {
                best = Some((g.data, d2));
            }
        }
        best.map(|(i, d2)| (i, d2.sqrt()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn containing_finds_boundary_and_inner_points_only() {
        let a: MultiPolygon =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]
                .into();
        // A triangle whose bounding box covers (8, 8) while the triangle does not.
        let b: MultiPolygon =
            polygon![(x: 5.0, y: 0.0), (x: 20.0, y: 0.0), (x: 5.0, y: 9.0)].into();
        let polys = [a, b];
        let idx = PolygonIndex::new(polys.iter());
        assert_eq!(idx.containing(Point::new(8.0, 8.0), |i| &polys[i]), vec![0]);
        assert_eq!(
            idx.containing(Point::new(6.0, 1.0), |i| &polys[i]),
            vec![0, 1]
        );
        // (10, 8) is on the square's edge; the triangle's hypotenuse is at y = 9 × (20 − 10) / 15 = 6 there.
        assert_eq!(
            idx.containing(Point::new(10.0, 8.0), |i| &polys[i]),
            vec![0],
            "boundary counts"
        );
        assert!(idx
            .containing(Point::new(30.0, 30.0), |i| &polys[i])
            .is_empty());
    }

    #[test]
    fn nearest_where_skips_rejected_points_and_breaks_ties_by_position() {
        let pts = [
            Point::new(3.0, 4.0),
            Point::new(1.0, 0.0),
            Point::new(-3.0, -4.0),
            Point::new(0.0, 5.0),
        ];
        let idx = PointIndex::new(pts.iter().copied().enumerate());
        assert_eq!(
            idx.nearest_where(Point::new(0.0, 0.0), |_| true),
            Some((1, 1.0))
        );
        // Without point 1, points 0, 2 and 3 are all 5 away: the smallest position wins.
        assert_eq!(
            idx.nearest_where(Point::new(0.0, 0.0), |i| i != 1),
            Some((0, 5.0))
        );
        assert_eq!(idx.nearest_where(Point::new(0.0, 0.0), |_| false), None);
        // Ranked (as by id), point 3 comes first among them.
        let idx = PointIndex::ranked(pts.iter().copied().enumerate(), vec![2, 0, 3, 1]);
        assert_eq!(
            idx.nearest_where(Point::new(0.0, 0.0), |i| i != 1),
            Some((3, 5.0))
        );
    }
}

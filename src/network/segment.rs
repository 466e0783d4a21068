//! A road segment as the segments' R-trees hold it: its bounding box, which way the
//! segment crosses the box, and its edge.
//!
//! A segment is a diagonal of its bounding box, so the box and two bits give the segment
//! back exactly, corner for corner. Keeping the box rather than the two ends makes the
//! envelope a copy: bulk-loading sorts by envelope again and again, and building the box
//! from the ends each time took half of loading six hundred thousand segments. The
//! distances are rstar's `Line`'s, of the same ends in the same order, to the bit.

use rstar::primitives::Line;
use rstar::{PointDistance, RTreeObject, AABB};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    envelope: AABB<[f64; 2]>,
    /// The edge this segment is.
    pub edge: u32,
    /// Bit 0: the segment starts at the box's greatest x; bit 1: at its greatest y.
    start: u8,
}

impl Segment {
    pub fn new(from: [f64; 2], to: [f64; 2], edge: u32) -> Self {
        Segment {
            envelope: AABB::from_corners(from, to),
            edge,
            start: u8::from(from[0] > to[0]) | (u8::from(from[1] > to[1]) << 1),
        }
    }

    /// The segment, its ends in the order it was made with.
    pub fn line(&self) -> Line<[f64; 2]> {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        let pick = |bit: u8, axis: usize| {
            if self.start & bit != 0 {
                (hi[axis], lo[axis])
            } else {
                (lo[axis], hi[axis])
            }
        };
        let ((x0, x1), (y0, y1)) = (pick(1, 0), pick(2, 1));
        Line::new([x0, y0], [x1, y1])
    }
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.line().distance_2(point)
    }

    fn contains_point(&self, point: &[f64; 2]) -> bool {
        self.line().contains_point(point)
    }

    fn distance_2_if_less_or_equal(&self, point: &[f64; 2], max_distance_2: f64) -> Option<f64> {
        self.line()
            .distance_2_if_less_or_equal(point, max_distance_2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_gives_back_its_ends_in_order_and_lines_distances() {
        // Every way a segment can cross its box, a point along an axis, and a point.
        let ends = [
            ([0.0, 0.0], [3.0, 4.0]),
            ([3.0, 4.0], [0.0, 0.0]),
            ([0.0, 4.0], [3.0, 0.0]),
            ([3.0, 0.0], [0.0, 4.0]),
            ([1.0, 2.0], [1.0, -5.0]),
            ([-2.0, 7.5], [6.25, 7.5]),
            ([1.5, 1.5], [1.5, 1.5]),
        ];
        for (from, to) in ends {
            let s = Segment::new(from, to, 7);
            let line = Line::new(from, to);
            assert_eq!(s.line(), line, "{from:?} → {to:?}");
            assert_eq!(s.envelope(), line.envelope());
            for q in [[0.0, 0.0], [2.0, 1.0], [-1.0, 9.0], [1.5, 1.5]] {
                assert_eq!(
                    s.distance_2(&q).to_bits(),
                    line.distance_2(&q).to_bits(),
                    "{from:?} → {to:?} from {q:?}"
                );
            }
        }
    }
}

//! The map's frame: working-CRS metres onto SVG pixels, and shapes written as compact SVG
//! paths simplified to the pixel, so that a city of 10,000 compounds and its whole walking
//! network stay a map of a few megabytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use geo::{Coord, MultiPolygon, Rect};

use crate::report::Geometries;

/// The map's width in CSS pixels.
pub const WIDTH: f64 = 1000.0;

/// The map's projection: working-CRS metres onto the SVG's pixels, north up.
pub struct Frame {
    /// What the map shows, in metres: (min x, min y, max x, max y).
    bounds: (f64, f64, f64, f64),
    pub scale: f64,
    pub height: f64,
}

impl Frame {
    /// Frames everything, or a submission's extent with its surroundings
    /// ([`Geometries::view`]).
    pub fn new(shapes: &Geometries) -> Option<Frame> {
        let view = shapes.view()?;
        let (minx, miny, maxx, maxy) = (view.min().x, view.min().y, view.max().x, view.max().y);
        if !(minx.is_finite() && maxy.is_finite() && maxx > minx && maxy > miny) {
            return None;
        }
        let scale = WIDTH / (maxx - minx);
        Some(Frame {
            bounds: (minx, miny, maxx, maxy),
            scale,
            height: (maxy - miny) * scale,
        })
    }

    /// Whether a box (in metres) is at least partly on the map.
    pub fn sees(&self, r: Option<Rect<f64>>) -> bool {
        let (minx, miny, maxx, maxy) = self.bounds;
        r.is_some_and(|r| {
            r.min().x <= maxx && r.max().x >= minx && r.min().y <= maxy && r.max().y >= miny
        })
    }

    pub fn px(&self, c: Coord<f64>) -> (f64, f64) {
        (
            (c.x - self.bounds.0) * self.scale,
            (self.bounds.3 - c.y) * self.scale,
        )
    }

    /// A polygon's outline as an SVG path, simplified to the map's pixels: vertices less
    /// than half a pixel from the last one kept are dropped. `None` when it is smaller
    /// than a pixel.
    pub fn path(&self, mp: &MultiPolygon<f64>) -> Option<String> {
        let mut d = String::new();
        for ring in
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        {
            let mut kept: Vec<(f64, f64)> = Vec::new();
            for &c in &ring.0 {
                let p = self.px(c);
                if kept
                    .last()
                    .is_none_or(|l| (l.0 - p.0).hypot(l.1 - p.1) >= 0.5)
                {
                    kept.push(p);
                }
            }
            if kept.len() < 3 {
                continue;
            }
            for (i, &(x, y)) in kept.iter().enumerate() {
                d.push(if i == 0 { 'M' } else { 'L' });
                coord(&mut d, x, y);
            }
            d.push('Z');
        }
        (!d.is_empty()).then_some(d)
    }
}

/// Writes `x y` with at most one decimal and no trailing `.0`.
pub fn coord(d: &mut String, x: f64, y: f64) {
    let one = |d: &mut String, v: f64| {
        let t = (v * 10.0).round() as i64;
        if t % 10 == 0 {
            let _ = write!(d, "{}", t / 10);
        } else {
            let _ = write!(
                d,
                "{}{}.{}",
                if t < 0 { "-" } else { "" },
                (t / 10).abs(),
                (t % 10).abs()
            );
        }
    };
    one(d, x);
    d.push(' ');
    one(d, y);
}

/// A point on the half-pixel grid.
type Half = (i32, i32);

/// Line segments (in pixels) as one SVG path: snapped to half pixels, duplicates and
/// zero-length pieces dropped, joined into polylines end to end, and points in the
/// middle of a straight run left out. The walking network of a city is tens of
/// thousands of edges; on a 1,000-pixel map it is a few thousand strokes.
pub fn lines(segments: impl IntoIterator<Item = ((f64, f64), (f64, f64))>) -> String {
    let snap = |(x, y): (f64, f64)| -> Option<Half> {
        (x.is_finite() && y.is_finite() && x.abs() < 1e8 && y.abs() < 1e8)
            .then(|| ((x * 2.0).round() as i32, (y * 2.0).round() as i32))
    };
    let mut segs: Vec<(Half, Half)> = segments
        .into_iter()
        .filter_map(|(a, b)| {
            let (a, b) = (snap(a)?, snap(b)?);
            (a != b).then_some(if a < b { (a, b) } else { (b, a) })
        })
        .collect();
    segs.sort_unstable();
    segs.dedup();
    let mut at: HashMap<Half, Vec<usize>> = HashMap::new();
    for (i, &(a, b)) in segs.iter().enumerate() {
        at.entry(a).or_default().push(i);
        at.entry(b).or_default().push(i);
    }
    // Start where chains end (degree other than 2), then whatever loops are left.
    let mut starts: Vec<Half> = at
        .iter()
        .filter(|(_, v)| v.len() != 2)
        .map(|(&p, _)| p)
        .collect();
    starts.sort_unstable();
    let mut rest: Vec<Half> = at.keys().copied().collect();
    rest.sort_unstable();
    starts.extend(rest);
    let mut used = vec![false; segs.len()];
    let mut d = String::new();
    for start in starts {
        while let Some(&first) = at[&start].iter().find(|&&i| !used[i]) {
            let mut chain = vec![start];
            let mut here = start;
            let mut next = Some(first);
            while let Some(i) = next {
                used[i] = true;
                let (a, b) = segs[i];
                let there = if a == here { b } else { a };
                push_straight(&mut chain, there);
                here = there;
                // Go on straight ahead when the road does, else along any unused edge.
                let open = || at[&here].iter().copied().filter(|&j| !used[j]);
                let ahead = |j: usize| {
                    let (a, b) = segs[j];
                    let far = if a == here { b } else { a };
                    let prev = chain[chain.len().saturating_sub(2)];
                    straight(prev, here, far)
                };
                next = open().find(|&j| ahead(j)).or_else(|| open().next());
            }
            for (k, &(x, y)) in chain.iter().enumerate() {
                d.push(if k == 0 { 'M' } else { 'L' });
                coord(&mut d, f64::from(x) / 2.0, f64::from(y) / 2.0);
            }
        }
    }
    d
}

/// Appends `p` to a polyline, replacing the last point when it is in the middle of a
/// straight run.
fn push_straight(chain: &mut Vec<Half>, p: Half) {
    match chain[..] {
        [.., a, b] if straight(a, b, p) => *chain.last_mut().unwrap() = p,
        _ => chain.push(p),
    }
}

/// Whether `b` lies on the way from `a` on to `c`, in a straight line.
fn straight(a: Half, b: Half, c: Half) -> bool {
    let (ux, uy) = (i64::from(b.0 - a.0), i64::from(b.1 - a.1));
    let (vx, vy) = (i64::from(c.0 - b.0), i64::from(c.1 - b.1));
    (ux, uy) != (0, 0) && ux * vy == uy * vx && ux * vx + uy * vy > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_compact() {
        let mut d = String::new();
        coord(&mut d, 12.04, -0.35);
        assert_eq!(d, "12 -0.4");
        d.clear();
        coord(&mut d, 3.25, 7.0);
        assert_eq!(d, "3.3 7");
    }

    #[test]
    fn lines_join_dedupe_and_straighten() {
        // A straight street cut into three edges, one of them listed twice and one
        // backwards, and a side street from its middle: one polyline of two points for
        // the street (the middle points dropped: it goes on straight at 20), one stroke
        // for the side street.
        let d = lines([
            ((0.0, 0.0), (10.0, 0.0)),
            ((20.0, 0.0), (10.0, 0.0)),
            ((10.0, 0.0), (20.0, 0.0)),
            ((20.0, 0.0), (30.0, 0.0)),
            ((20.0, 0.0), (20.0, 15.0)),
            ((5.0, 5.0), (5.1, 5.1)), // less than half a pixel: nothing
        ]);
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 2, "{d}");
        for p in ["0 0", "30 0", "20 15"] {
            assert!(d.contains(p), "{p} missing from {d}");
        }
        assert!(!d.contains("10 0"), "{d}");
    }
}

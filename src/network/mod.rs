//! The walking network: a graph built from road lines, a grid of its segments for
//! snapping, and one multi-source shortest-path pass that gives every node its distance
//! to the nearest facility.
//!
//! Lines connect where they share a vertex (data-model.md); a crossing without a shared
//! vertex (a bridge) is not a junction. With a snapping tolerance, vertices closer than
//! it become one junction.

mod bounded;
mod graph;
mod search;
mod segment_grid;
mod walkable;

pub use bounded::Junctions;
pub use graph::{Edge, Network, NetworkStats, Snap, TIE};
pub use search::{Piece, Reach};
pub use walkable::{Entries, NetworkReport, Walkable};

/// Numbers in [0, 1) from a fixed seed, for the tests' random networks and points.
#[cfg(test)]
pub(crate) fn unit_floats(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

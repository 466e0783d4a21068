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

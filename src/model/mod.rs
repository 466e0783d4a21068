//! The model at the bottom of the crate: what a plan is ([`plan`]: its layers and their
//! features, canonical), what a check finds ([`finding`]) and how it tells of its progress
//! ([`progress`]). Every other module builds on it; it builds on nothing of theirs.

pub mod details;
pub mod finding;
pub mod plan;
pub mod progress;

pub use details::{Details, RuleDetails};
pub use finding::*;
pub use plan::*;
pub use progress::*;

//! The model at the bottom of the crate: what a plan is ([`plan`]: its layers and their
//! features, canonical), what a check finds ([`finding`]) and how it tells of its progress
//! ([`progress`]), and which compounds a check wants ([`focus`]). Every other module builds
//! on it; it builds on nothing of theirs.

pub mod details;
pub mod finding;
pub mod focus;
pub mod message;
pub mod plan;
pub mod progress;

pub use details::{Details, RuleDetails};
pub use finding::*;
pub use focus::Focus;
pub use message::{Body, Message, Said, Target};
pub use plan::*;
pub use progress::*;

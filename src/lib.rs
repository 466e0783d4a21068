//! planlint: checks city development plans against the elder-care facility planning rules
//! of Chinese cities.
//!
//! Data flows one way: **read** ([`read`]) → **place** ([`place`], with [`crs`]) →
//! **index** ([`index`]) →
//! **analyse** ([`analysis`]: what several rules and outputs share, measured once) →
//! **check** ([`rules`], thresholds from [`profile`]) → **report** ([`report`]) → **emit**
//! ([`emit`]: one emitter per output format). [`model`] at the bottom says what a plan, a
//! finding and progress are; [`pipeline`] at the top runs it all for a [`Request`].

pub mod analysis;
pub mod baseline;
pub mod crs;
pub mod emit;
pub mod engine;
pub mod geometry;
pub mod index;
pub mod model;
pub mod network;
pub mod pipeline;
pub mod place;
pub mod profile;
#[cfg(feature = "python")]
mod python;
pub mod read;
pub mod remedy;
pub mod report;
pub mod rules;
#[cfg(feature = "serve")]
pub mod serve;
pub mod submission;
pub mod synth;
pub mod text;
pub mod waivers;

pub use engine::Options;
pub use model::progress::{Progress, Stage};
pub use pipeline::{City, Error, Fixed, Request};
pub use read::LayerFiles;

/// Checks a placed plan against a profile as of a date ([`engine::run`] with the default
/// [`Options`]). Rules run in parallel; findings come out sorted by rule id, then subject
/// id, whatever the thread count.
pub fn check(
    plan: &model::Plan,
    profile: &profile::Profile,
    as_of: chrono::NaiveDate,
) -> report::Report {
    engine::run(
        plan,
        &rules::Prepared::new(profile),
        as_of,
        &Options::default(),
    )
}

/// Checks that every rule section of a profile names a known rule and parses.
pub fn validate_profile(profile: &profile::Profile) -> Result<(), profile::ProfileError> {
    rules::Prepared::new(profile).validate()
}

/// The README's Rust examples, compiled and run as doctests (`cargo test --doc`) from the
/// top of the repository; its other blocks are tagged with their languages, which
/// rustdoc leaves alone (tests/readme.rs runs the shell ones).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

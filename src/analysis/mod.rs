//! Analyse: what several rules and outputs share, computed once and typed, between the
//! index and the rules. Today that is the 15-minute circle: every urban compound's walking
//! (or straight-line) distance to its nearest qualifying facility, the two-step floating
//! catchment scores, and the circle's coverage per unit; the site suggestions and the
//! service areas are drawn from the same distances. Nothing downstream parses a finding's
//! `details` to learn them.

pub mod catchment;
pub mod circle;
pub mod covering;
pub mod service_areas;
pub mod suggestions;
pub mod two_step_fca;

use chrono::NaiveDate;

use crate::index::Joins;
use crate::model::Plan;
use crate::network::Walkable;

pub use circle::{Circle, CircleParams, CircleSummary, Excluded, Outside, UnitCircle};
pub use service_areas::ServiceArea;
pub use suggestions::Suggestion;

/// What the analysis reads: the placed plan, its joins and walking network, and the few
/// settings it needs.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    pub joins: &'a Joins,
    pub network: Option<&'a Walkable>,
    /// Persons per household, for compounds without a `population`.
    pub household_size: f64,
    pub as_of: NaiveDate,
    /// The compounds whose circle is wanted (a submission's, in its city); none: all.
    pub focus: Option<&'a crate::model::Focus>,
}

impl Inputs<'_> {
    /// Whether compound `k`'s own measures are wanted ([`Inputs::focus`]).
    pub fn wanted(&self, k: usize) -> bool {
        self.focus.is_none_or(|f| f.wants(k))
    }

    /// A compound's residents: its `population`, else `households` × the household size;
    /// `None` when it gives neither (never read as 0).
    pub fn population(&self, k: usize) -> Option<f64> {
        let c = &self.plan.compounds[k];
        c.population
            .map(|p| p as f64)
            .or(c.households.map(|h| h as f64 * self.household_size))
    }
}

/// The results of the analysis of one check.
pub struct Analysis {
    /// The 15-minute circle, when the profile has the service-circle rule.
    pub circle: Option<Circle>,
}

impl Analysis {
    pub fn new(inputs: &Inputs, circle: Option<&CircleParams>) -> Analysis {
        Analysis {
            circle: circle.map(|p| Circle::new(inputs, p)),
        }
    }
}

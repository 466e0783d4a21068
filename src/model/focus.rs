//! Which compounds a check wants its findings of: a submission checked in its city needs
//! its own compounds' findings and walks, not the city's.

/// The compounds whose own findings a check wants, by their index in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Focus {
    pub compounds: Vec<bool>,
}

impl Focus {
    /// Whether compound `i` is one of the wanted.
    pub fn wants(&self, i: usize) -> bool {
        self.compounds.get(i).copied().unwrap_or(false)
    }
}

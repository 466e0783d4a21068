//! Which compounds and units a check wants its findings of: a submission checked in its
//! city needs its own compounds' findings and walks, and the findings of the units it
//! touches, not the city's.

/// The compounds whose own findings a check wants, by their index in the plan, and the
/// units (none: every unit).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Focus {
    pub compounds: Vec<bool>,
    pub units: Option<Vec<bool>>,
}

impl Focus {
    /// Whether compound `i` is one of the wanted.
    pub fn wants(&self, i: usize) -> bool {
        self.compounds.get(i).copied().unwrap_or(false)
    }

    /// Whether unit `i`'s findings are wanted.
    pub fn wants_unit(&self, i: usize) -> bool {
        self.units
            .as_ref()
            .is_none_or(|u| u.get(i).copied().unwrap_or(false))
    }
}

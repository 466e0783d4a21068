//! What a finding says beyond its measured and required values (the JSON report's
//! `details` object): its rule's own figures, and for a submission checked inside its
//! city what the submission does to it. Each rule's details are a struct of their own,
//! serialized with their fields in the order written; no code reads a detail by name.

use serde::Serialize;

use super::finding::Measure;

/// A finding's details: its rule's, then its comparison with the city before a
/// submission. Held behind a box, allocated only when there are some: a finding is moved
/// and sorted by the million, and most of its size would otherwise be these figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details(Option<Box<Parts>>);

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Parts {
    #[serde(flatten)]
    rule: Option<RuleDetails>,
    #[serde(flatten)]
    context: Option<Box<ContextDetails>>,
}

impl Details {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The rule's own figures.
    pub fn rule(&self) -> Option<&RuleDetails> {
        self.0.as_ref()?.rule.as_ref()
    }

    /// What a submission does to the finding.
    pub fn context(&self) -> Option<&ContextDetails> {
        self.0.as_ref()?.context.as_deref()
    }

    pub fn set_rule(&mut self, rule: RuleDetails) {
        self.0.get_or_insert_with(Default::default).rule = Some(rule);
    }

    pub fn set_context(&mut self, context: ContextDetails) {
        self.0.get_or_insert_with(Default::default).context = Some(Box::new(context));
    }

    /// A dated target's count, where the finding has one.
    pub fn dated(&self) -> Option<&Dated> {
        match self.rule() {
            Some(RuleDetails::Dated(d)) => Some(d),
            Some(RuleDetails::FacilityCoverage(c)) => c.dated.as_ref(),
            _ => None,
        }
    }
}

impl Serialize for Details {
    /// The rule's fields, then the comparison's, in one object (`{}` when there are none).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(parts) => parts.serialize(s),
            None => serde::ser::SerializeMap::end(s.serialize_map(Some(0))?),
        }
    }
}

/// The details of one rule's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RuleDetails {
    ConstructionTiming(ConstructionTiming),
    Dated(Dated),
    FacilityCoverage(Box<FacilityCoverage>),
    FloorArea(FloorArea),
    Missing(Missing),
    ServiceCircle(ServiceCircle),
}

/// A finding with insufficient data because its subject lacks a field the rule reads:
/// which field, of which layer (the QGIS plugin tells a layer without the field at all),
/// and which feature of that layer lacks it, or why its values cannot be used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    pub missing_field: String,
    pub missing_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_note: Option<String>,
}

/// `construction-timing`: how far the housing has come.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstructionTiming {
    /// The share of the housing completed by the check's date.
    pub completed_share: Measure,
    pub first_phase_completion: Measure,
    /// The date the housing reached the share the rule names.
    pub half_completion: Measure,
    /// The span the deadline falls in, when phases without dates leave it open: (from,
    /// to, or none when unbounded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_between: Option<Box<(String, Option<String>)>>,
    /// What the total is measured against (`residential_floor_area`, `phases`…).
    pub total_basis: &'static str,
    pub total_floor_area: Measure,
}

/// A dated target's count (`facility-count`, the ratio, share and presence rules): the
/// date facilities must stand by and what the plan could not tell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dated {
    /// The date facilities must have reached their stage by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Facilities (units, for coverage) the count could not tell: a field it reads is
    /// missing, or a planned facility lacks the date.
    pub unknown: u64,
    /// The date from which facilities standing only after the due date make up the
    /// number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met_from: Option<String>,
}

/// `facility-coverage`: the units counted and those without a facility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityCoverage {
    pub units: usize,
    /// The facility kinds that count.
    pub kinds: Vec<&'static str>,
    /// Ids of the units without one, sorted.
    pub uncovered: Vec<String>,
    #[serde(flatten)]
    pub dated: Option<Dated>,
}

/// `floor-area-per-households`: the floor area counted and what is missing, in m².
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FloorArea {
    pub floor_area: Measure,
    pub missing_floor_area: Measure,
}

/// `service-circle`: how the nearest facility was found, and the compound's access.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceCircle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_facility: Option<String>,
    /// The nearest facility's name, where it has one: what the message calls it (else
    /// by its id).
    #[serde(skip)]
    pub nearest_name: Option<String>,
    /// `network` or `straight_line`.
    pub method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate: Option<bool>,
    /// The walk in minutes, at the profile's walking speed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Measure>,
    /// The two-step floating catchment score of the compound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_2sfca: Option<Measure>,
}

/// An area-level finding of a submission checked inside its city: the value before it and
/// after, and what it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextDetails {
    pub before: Measure,
    pub before_status: &'static str,
    pub after: Measure,
    /// `makes_pass`, `makes_fail`, `makes_worse` or `unchanged`.
    pub effect: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_stays_small_and_its_details_serialize_flat() {
        // Findings are moved, sorted and held by the million: their figures live behind
        // one pointer, allocated only when there are some.
        assert_eq!(std::mem::size_of::<Details>(), 8);
        // What a finding with details allocates: the largest common rule's figures
        // (the service circle's) and a pointer to a submission's comparison.
        assert!(
            std::mem::size_of::<Parts>() <= 128,
            "{}",
            std::mem::size_of::<Parts>()
        );
        assert!(
            std::mem::size_of::<crate::model::Finding>() <= 240,
            "{}",
            std::mem::size_of::<crate::model::Finding>()
        );
        let mut d = Details::default();
        assert_eq!(serde_json::to_string(&d).unwrap(), "{}");
        d.set_rule(RuleDetails::Missing(Missing {
            missing_field: "households".into(),
            missing_from: "compounds".into(),
            missing_note: None,
        }));
        d.set_context(ContextDetails {
            before: Measure::Null,
            before_status: "pass",
            after: Measure::Number(2.0),
            effect: "unchanged",
        });
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"missing_field":"households","missing_from":"compounds","before":null,"before_status":"pass","after":2.0,"effect":"unchanged"}"#
        );
    }
}

//! The rules. One file per rule, one registry ([`RULES`]): adding a rule is adding a
//! file and a line. A rule reads a prepared [`Context`] and returns findings; it never
//! opens files, builds an index or formats output, and every threshold it uses comes
//! from the profile.

/// Declares a rule: the unit struct and its [`Rule`] impl from its parts. `params` is the
/// type its profile section parses into (`validate`, when given, checks what parsing
/// cannot); `check` receives it typed. A section that does not parse is an error at
/// profile validation, and a `skipped` finding for a library caller who did not validate:
/// a rule never vanishes from a report.
macro_rules! declare_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), subject: $subject:ident,
        needs: [$($need:ident),*], doc: $doc:expr, params: $params:ty,
        $(validate: $validate:expr,)? check: $check:expr $(,)?
    ) => {
        pub struct $ty;

        impl $ty {
            /// The rule's parameters, parsed from its profile section and checked.
            fn params(cfg: &$crate::profile::RuleConfig) -> Result<$params, String> {
                let p: $params = cfg.parse()?;
                $( ($validate)(&p)?; )?
                Ok(p)
            }
        }

        impl $crate::rules::Rule for $ty {
            fn id(&self) -> &'static str {
                $id
            }
            fn title(&self) -> $crate::text::Text {
                $crate::text::Text::new($tzh, $ten)
            }
            fn subject(&self) -> $crate::plan::model::Layer {
                $crate::plan::model::Layer::$subject
            }
            fn doc(&self) -> &'static str {
                $doc
            }
            fn needs(&self) -> &'static [$crate::plan::model::Layer] {
                &[$($crate::plan::model::Layer::$need),*]
            }
            fn validate(&self, cfg: &$crate::profile::RuleConfig) -> Result<(), String> {
                Self::params(cfg).map(|_| ())
            }
            fn check(&self, cfg: &$crate::profile::RuleConfig, ctx: &$crate::rules::Context) -> Vec<$crate::finding::Finding> {
                match Self::params(cfg) {
                    Ok(p) => $check($id, &p, cfg, ctx),
                    Err(e) => vec![$crate::rules::common_skipped(
                        $id,
                        $crate::plan::model::Layer::$subject,
                        cfg,
                        ctx.profile,
                        $crate::t!(
                            "配置 [rules.{}] 无效：{}",
                            "the profile section [rules.{}] is not valid: {}",
                            $id,
                            e
                        ),
                    )],
                }
            }
        }
    };
}
pub(crate) use declare_rule;

mod area_metric;
mod catchment;
mod common;
mod facility_range;
mod presence;
mod requirement;

mod beds_per_thousand_elderly;
mod clinic_share;
mod community_service_place;
mod construction_timing;
mod county_institutions;
mod facility_count;
mod facility_coverage;
mod family_beds_per_thousand_elderly;
mod floor_area_per_households;
mod government_bed_share;
mod institution_count;
mod land_per_capita;
mod nursing_bed_share;
mod private_institution_share;
mod public_private_share;
mod service_circle;
mod site_suggestions;
mod street_center;
mod street_center_beds;
mod street_center_floor_area;
mod total_beds;
mod two_step_fca;

pub use common::{skipped as common_skipped, Context};
pub use service_circle::{service_areas, CircleSummary, UnitCircle};
pub use site_suggestions::{suggest, Suggestion};

use crate::finding::Finding;
use crate::plan::model::Layer;
use crate::profile::RuleConfig;
use crate::text::Text;

/// A rule: a stable id, its documentation, and its check.
pub trait Rule: Sync {
    /// The stable id users write in suppressions, baselines and CI configs. Never changes.
    fn id(&self) -> &'static str;
    fn title(&self) -> Text;
    /// The layer whose features are the subjects.
    fn subject(&self) -> Layer;
    /// What it checks, why, an example, and the clauses behind it (Markdown).
    fn doc(&self) -> &'static str;
    /// Layers without which the rule cannot run at all (it is then listed as skipped).
    fn needs(&self) -> &'static [Layer];
    /// Checks the profile's section for this rule (at profile load, before any data is read).
    fn validate(&self, cfg: &RuleConfig) -> Result<(), String>;
    /// One finding per subject.
    fn check(&self, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding>;
}

/// Every rule, in id order.
pub static RULES: &[&dyn Rule] = &[
    &beds_per_thousand_elderly::BedsPerThousandElderly,
    &clinic_share::ClinicShare,
    &community_service_place::CommunityServicePlace,
    &construction_timing::ConstructionTiming,
    &county_institutions::CountyInstitutions,
    &facility_count::FacilityCount,
    &facility_coverage::FacilityCoverage,
    &family_beds_per_thousand_elderly::FamilyBedsPerThousandElderly,
    &floor_area_per_households::FloorAreaPerHouseholds,
    &government_bed_share::GovernmentBedShare,
    &institution_count::InstitutionCount,
    &land_per_capita::LandPerCapita,
    &nursing_bed_share::NursingBedShare,
    &private_institution_share::PrivateInstitutionShare,
    &public_private_share::PublicPrivateShare,
    &service_circle::ServiceCircle,
    &street_center::StreetCenter,
    &street_center_beds::StreetCenterBeds,
    &street_center_floor_area::StreetCenterFloorArea,
    &total_beds::TotalBeds,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// The service-circle coverage figures of a check (rules.md: per unit and for the plan),
/// from the findings of `service-circle`; `None` when the rule did not run.
pub fn circle_summary(findings: &[Finding], ctx: &Context) -> Option<CircleSummary> {
    service_circle::summary(findings, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for r in RULES {
            assert!(
                r.doc().contains("## Why"),
                "{} doc lacks a Why section",
                r.id()
            );
        }
    }

    #[test]
    fn every_profile_section_names_a_rule_and_validates() {
        for (id, text) in crate::profile::BUILTIN {
            let p = crate::profile::Profile::parse(id, text).unwrap();
            for (rule, cfg) in &p.rules {
                let r = find(rule).unwrap_or_else(|| panic!("{id}: unknown rule {rule}"));
                r.validate(cfg)
                    .unwrap_or_else(|e| panic!("{id} {rule}: {e}"));
            }
        }
    }
}

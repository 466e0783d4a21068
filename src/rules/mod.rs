//! The rules. One file per rule, one registry ([`RULES`]): adding a rule is adding a
//! file and a line. A rule reads a prepared [`Context`] and returns findings; it never
//! opens files, builds an index or formats output, and every threshold it uses comes
//! from the profile.

/// Declares a rule: the unit struct and its [`Rule`] impl from its parts. `params` is the
/// type its profile section parses into, once, when the profile is prepared (`validate`,
/// when given, checks what parsing cannot); `check` receives it typed. A section that
/// does not parse is an error of `planlint check` naming it, and a `skipped` finding for a
/// library caller who did not validate: a rule never vanishes from a report.
macro_rules! declare_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), subject: $subject:ident,
        needs: [$($need:ident),*], doc: $doc:expr, params: $params:ty,
        $(validate: $validate:expr,)? check: $check:expr $(,)?
    ) => {
        pub struct $ty;

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
            fn prepare(&self, cfg: &$crate::profile::RuleConfig) -> Result<$crate::rules::Params, String> {
                let p: $params = cfg.parse()?;
                $( ($validate)(&p)?; )?
                Ok(std::sync::Arc::new(p))
            }
            fn check(
                &self,
                params: &$crate::rules::Params,
                cfg: &$crate::profile::RuleConfig,
                ctx: &$crate::rules::Context,
            ) -> Vec<$crate::finding::Finding> {
                match params.downcast_ref::<$params>() {
                    Some(p) => $check($id, p, cfg, ctx),
                    // `prepare` made them: a mismatch is a bug, said as such.
                    None => vec![$crate::rules::common_skipped(
                        $id,
                        $crate::plan::model::Layer::$subject,
                        cfg,
                        ctx.profile,
                        $crate::t!("规则参数类型错误", "internal error: parameters of another type"),
                    )],
                }
            }
        }
    };
}
pub(crate) use declare_rule;

/// The usual case of [`declare_rule!`]: a rule whose parameters are its module's `Params`,
/// checked by `Params::check`, and whose check is its module's `check`.
macro_rules! declare_rule_with_params {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), subject: $subject:ident,
        needs: [$($need:ident),*], doc: $doc:expr $(,)?
    ) => {
        $crate::rules::declare_rule!(
            $ty, id: $id, title: ($tzh, $ten), subject: $subject, needs: [$($need),*], doc: $doc,
            params: Params, validate: Params::check, check: check,
        );
    };
}

mod area_metric;
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
mod street_center;
mod street_center_beds;
mod street_center_floor_area;
mod total_beds;

pub use common::{skipped as common_skipped, Context};
pub use service_circle::circle_params;

use crate::finding::Finding;
use crate::plan::model::Layer;
use crate::profile::{Profile, ProfileError, RuleConfig};
use crate::text::Text;

/// A rule's parameters, parsed once from its profile section into the rule's own type.
pub type Params = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A profile made ready for checking: every rule section parsed into its rule's typed
/// parameters, once. Parsing is validation: [`Prepared::validate`] names the first section
/// that does not parse.
pub struct Prepared<'p> {
    pub profile: &'p Profile,
    /// Per rule of the registry ([`RULES`], same order): its parameters, or why they do not
    /// parse; `None` for a rule the profile does not have.
    pub params: Vec<Option<Result<Params, String>>>,
    /// Sections naming no rule.
    pub unknown: Vec<String>,
}

impl<'p> Prepared<'p> {
    pub fn new(profile: &'p Profile) -> Prepared<'p> {
        Prepared {
            profile,
            params: RULES
                .iter()
                .map(|r| Some(r.prepare(profile.rules.get(r.id())?)))
                .collect(),
            unknown: profile
                .rules
                .keys()
                .filter(|id| find(id).is_none())
                .cloned()
                .collect(),
        }
    }

    /// The profile's rules, in registry order, with their parameters or why they do not
    /// parse.
    pub fn rules(&self) -> impl Iterator<Item = (&'static dyn Rule, &Result<Params, String>)> {
        RULES
            .iter()
            .zip(&self.params)
            .filter_map(|(r, p)| Some((*r, p.as_ref()?)))
    }

    /// The parameters of a rule, when the profile has it and they parsed.
    pub fn params(&self, id: &str) -> Option<&Params> {
        self.rules()
            .find(|(r, _)| r.id() == id)
            .and_then(|(_, p)| p.as_ref().ok())
    }

    /// The first section that names no rule or does not parse.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let invalid = |m: String| ProfileError::Invalid(self.profile.id.clone(), m);
        if let Some(id) = self.unknown.first() {
            return Err(invalid(format!(
                "unknown rule [rules.{id}]; see `planlint rules`"
            )));
        }
        for (rule, params) in self.rules() {
            if let Err(e) = params {
                return Err(invalid(format!("[rules.{}]: {e}", rule.id())));
            }
        }
        Ok(())
    }
}

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
    /// Parses the profile's section for this rule into its typed parameters, once, when
    /// the profile is prepared: this is its validation.
    fn prepare(&self, cfg: &RuleConfig) -> Result<Params, String>;
    /// One finding per subject, from the parameters `prepare` made.
    fn check(&self, params: &Params, cfg: &RuleConfig, ctx: &Context) -> Vec<Finding>;
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

/// The title and documentation of any finding's rule: a rule of the registry, or one of
/// the checks of plan.toml's waivers ([`crate::waivers::CHECKS`]).
pub fn describe(id: &str) -> Option<(Text, &'static str)> {
    find(id).map(|r| (r.title(), r.doc())).or_else(|| {
        crate::waivers::CHECKS
            .iter()
            .find(|(c, _, _)| *c == id)
            .map(|(_, (zh, en), doc)| (Text::new(*zh, *en), *doc))
    })
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
            let prepared = Prepared::new(&p);
            prepared.validate().unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(prepared.rules().count(), p.rules.len());
        }
    }
}

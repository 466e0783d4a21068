//! The rules. One file per rule, one registry ([`RULES`]): adding a rule is adding a
//! file and a line. A rule reads a prepared [`Inputs`] and returns findings; it never
//! opens files, builds an index or formats output, and every threshold it uses comes
//! from the profile.

/// Declares a rule: the unit struct and its [`Check`] impl from its parts. `params` is the
/// type its profile section parses into, once, when the profile is prepared (`validate`,
/// when given, checks what parsing cannot); `check` receives it typed. A section that
/// does not parse is an error of `planlint check` naming it, and a `skipped` finding for a
/// library caller who did not validate: a rule never vanishes from a report.
macro_rules! declare_rule {
    (
        $ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), subject: $subject:ident,
        needs: [$($need:ident),*], doc: $doc:expr, $(dated: $dated:literal,)? params: $params:ty,
        $(validate: $validate:expr,)? $(circle: $circle:expr,)? check: $check:expr $(,)?
    ) => {
        pub struct $ty;

        impl $crate::rules::Check for $ty {
            type Params = $params;
            const ID: &'static str = $id;
            const TITLE: (&'static str, &'static str) = ($tzh, $ten);
            const SUBJECT: $crate::model::Layer = $crate::model::Layer::$subject;
            const DOC: &'static str = $doc;
            const NEEDS: &'static [$crate::model::Layer] = &[$($crate::model::Layer::$need),*];
            $(const DATED: bool = $dated;)?
            $(
                fn validate(params: &$params) -> Result<(), String> {
                    ($validate)(params)
                }
            )?
            $(
                fn circle(params: &$params) -> Option<&$crate::analysis::CircleParams> {
                    ($circle)(params)
                }
            )?
            fn check(
                params: &$params,
                cfg: &$crate::profile::RuleConfig,
                ctx: &$crate::rules::Inputs,
            ) -> Vec<$crate::model::Finding> {
                $check($id, params, cfg, ctx)
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

/// Declares one of the checks of plan.toml's `[[waivers]]` as a rule of the registry (as
/// ruff's unused-noqa is an ordinary rule): its id, title and documentation are listed and
/// described like any rule's, its findings come from [`crate::waivers::apply`] after the
/// other rules, and no profile configures it.
macro_rules! declare_waiver_check {
    ($ty:ident, id: $id:literal, title: ($tzh:literal, $ten:literal), doc: $doc:expr $(,)?) => {
        pub struct $ty;

        impl $crate::rules::Check for $ty {
            type Params = serde::de::IgnoredAny;
            const ID: &'static str = $id;
            const TITLE: (&'static str, &'static str) = ($tzh, $ten);
            const SUBJECT: $crate::model::Layer = $crate::model::Layer::Plan;
            const DOC: &'static str = $doc;
            const NEEDS: &'static [$crate::model::Layer] = &[];
            const CONFIGURED_BY: $crate::rules::ConfiguredBy = $crate::rules::ConfiguredBy::Waivers;
            fn validate(_: &serde::de::IgnoredAny) -> Result<(), String> {
                Err("checked from plan.toml's [[waivers]], not set in a profile".into())
            }
            fn check(
                _: &serde::de::IgnoredAny,
                _: &$crate::profile::RuleConfig,
                _: &$crate::rules::Inputs,
            ) -> Vec<$crate::model::Finding> {
                Vec::new()
            }
        }
    };
}
pub(crate) use declare_waiver_check;

pub(crate) mod area_metric;
pub(crate) mod common;
pub mod dated;
pub(crate) mod facility_range;
pub(crate) mod presence;
pub(crate) mod requirement;

mod beds_per_thousand_elderly;
mod clinic_share;
mod community_service_place;
mod construction_timing;
mod county_institutions;
mod delivery_with_housing;
mod expired_waiver;
mod facility_count;
pub(crate) mod facility_coverage;
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
mod unused_waiver;

pub use crate::model::Focus;
pub use common::{skipped as common_skipped, Inputs};
pub use expired_waiver::ExpiredWaiver;
pub use unused_waiver::UnusedWaiver;

use crate::model::Finding;
use crate::model::Layer;
use crate::profile::{Profile, ProfileError, RuleConfig};
use crate::text::Text;

/// A profile made ready for checking: every rule section parsed into its rule's typed
/// parameters, once. Parsing is validation: [`Prepared::validate`] names the first section
/// that does not parse.
pub struct Prepared<'p> {
    pub profile: &'p Profile,
    /// Per rule of the registry ([`RULES`], same order): the rule with its parameters, or
    /// why they do not parse; `None` for a rule the profile does not have.
    pub params: Vec<Option<Result<Box<dyn Ready>, String>>>,
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
            unknown: Prepared::unknown_sections(profile).cloned().collect(),
        }
    }

    /// The parameters of the circle the analysis measures before the rules run, from the
    /// rule that asks for it ([`Check::circle`]), when the profile has it.
    pub fn circle(&self) -> Option<&crate::analysis::CircleParams> {
        self.rules()
            .find_map(|(_, ready)| ready.as_ref().ok()?.circle())
    }

    /// The sections of a profile that name no rule.
    pub fn unknown_sections(profile: &Profile) -> impl Iterator<Item = &String> {
        profile.rules.keys().filter(|id| find(id).is_none())
    }

    /// The profile's rules, in registry order, ready to check or with why their
    /// parameters do not parse.
    pub fn rules(
        &self,
    ) -> impl Iterator<Item = (&'static dyn Rule, &Result<Box<dyn Ready>, String>)> {
        RULES
            .iter()
            .zip(&self.params)
            .filter_map(|(r, p)| Some((*r, p.as_ref()?)))
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

/// A rule as its file declares it ([`declare_rule!`]): what it is, the type its profile
/// section parses into, and its check of a plan with those parameters. The blanket impl
/// of [`Rule`] makes every one an entry of the registry, as clippy keeps a lint's typed
/// configuration in the lint's own struct.
pub trait Check: Sync + 'static {
    /// The profile section `[rules.ID]`, parsed.
    type Params: serde::de::DeserializeOwned + Send + Sync + 'static;
    /// The stable id users write in suppressions, baselines and CI configs. Never changes.
    const ID: &'static str;
    /// (Chinese, English).
    const TITLE: (&'static str, &'static str);
    /// The layer whose features are the subjects.
    const SUBJECT: Layer;
    /// What it checks, why, an example, and the clauses behind it (Markdown).
    const DOC: &'static str;
    /// Layers without which the rule cannot run at all (it is then listed as skipped).
    const NEEDS: &'static [Layer];
    const CONFIGURED_BY: ConfiguredBy = ConfiguredBy::Profile;
    /// Its targets are area targets that count facilities the way every dated one does
    /// ([`dated`]): its documentation gets the shared section on them.
    const DATED: bool = false;

    /// What parsing cannot check (a share within 0..1, say).
    fn validate(_params: &Self::Params) -> Result<(), String> {
        Ok(())
    }

    /// The analysis the rule reads, measured once before the rules run, when it reads one:
    /// the service circle's walks, with these parameters (its distance, the facility
    /// kinds that qualify, the compounds' area types).
    fn circle(_params: &Self::Params) -> Option<&crate::analysis::CircleParams> {
        None
    }

    /// One finding per subject.
    fn check(params: &Self::Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding>;
}

/// A rule of the registry: what `planlint rules`, the emitters and the engine need of any
/// rule, whatever its parameters' type.
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
    /// What sets the rule to work: a profile's section (the ordinary rule), or plan.toml's
    /// `[[waivers]]`.
    fn configured_by(&self) -> ConfiguredBy;
    /// It counts facilities as a dated target does ([`dated`]).
    fn dated(&self) -> bool;
    /// Parses the profile's section for this rule into its typed parameters, once, when
    /// the profile is prepared: this is its validation.
    fn prepare(&self, cfg: &RuleConfig) -> Result<Box<dyn Ready>, String>;
}

impl<C: Check> Rule for C {
    fn id(&self) -> &'static str {
        C::ID
    }
    fn title(&self) -> Text {
        Text::new(C::TITLE.0, C::TITLE.1)
    }
    fn subject(&self) -> Layer {
        C::SUBJECT
    }
    fn doc(&self) -> &'static str {
        C::DOC
    }
    fn needs(&self) -> &'static [Layer] {
        C::NEEDS
    }
    fn configured_by(&self) -> ConfiguredBy {
        C::CONFIGURED_BY
    }
    fn dated(&self) -> bool {
        C::DATED
    }
    fn prepare(&self, cfg: &RuleConfig) -> Result<Box<dyn Ready>, String> {
        let params: C::Params = cfg.parse()?;
        C::validate(&params)?;
        Ok(Box::new(WithParams::<C>(params)))
    }
}

/// A rule with its parameters: ready to check a plan.
pub trait Ready: Send + Sync {
    /// One finding per subject.
    fn check(&self, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding>;
    /// The circle the rule reads ([`Check::circle`]).
    fn circle(&self) -> Option<&crate::analysis::CircleParams>;
}

/// A rule's parameters, which know their rule by their type.
struct WithParams<C: Check>(C::Params);

impl<C: Check> Ready for WithParams<C> {
    fn check(&self, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
        C::check(&self.0, cfg, ctx)
    }
    fn circle(&self) -> Option<&crate::analysis::CircleParams> {
        C::circle(&self.0)
    }
}

/// What sets a rule to work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfiguredBy {
    /// A section `[rules.ID]` of the profile: the rule runs with the others.
    Profile,
    /// plan.toml's `[[waivers]]`: the rule's findings are about the waivers themselves,
    /// made by [`crate::waivers::apply`] once the others' findings are known.
    Waivers,
}

/// Every rule, in id order.
pub static RULES: &[&dyn Rule] = &[
    &beds_per_thousand_elderly::BedsPerThousandElderly,
    &clinic_share::ClinicShare,
    &community_service_place::CommunityServicePlace,
    &construction_timing::ConstructionTiming,
    &county_institutions::CountyInstitutions,
    &delivery_with_housing::DeliveryWithHousing,
    &expired_waiver::ExpiredWaiver,
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
    &unused_waiver::UnusedWaiver,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// The title and documentation of a rule: its own, with the section on dated targets
/// before its "Why" where it counts facilities as they do, and its clauses as the built-in
/// profiles set them. Made once per process.
pub fn describe(id: &str) -> Option<(Text, &'static str)> {
    static DOCS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let docs = DOCS.get_or_init(|| RULES.iter().map(|r| documentation(*r)).collect());
    let at = RULES.iter().position(|r| r.id() == id)?;
    Some((RULES[at].title(), docs[at].as_str()))
}

fn documentation(r: &dyn Rule) -> String {
    let doc = r.doc().trim_end();
    let mut full = if r.dated() {
        let at = doc.find("## Why").unwrap_or(doc.len());
        format!("{}{}\n\n{}", &doc[..at], dated::DOC.trim_end(), &doc[at..])
    } else {
        doc.to_string()
    };
    if r.configured_by() == ConfiguredBy::Profile {
        full.push_str("\n\n");
        full.push_str(&clauses(r));
    }
    full.push('\n');
    full
}

/// The section "Clauses" of a rule's documentation: what each built-in profile sets for
/// it, with the clause of every number, from the profiles themselves.
fn clauses(r: &dyn Rule) -> String {
    let mut o = String::from(
        "## Clauses\nWhat each built-in profile sets, with its clauses (`planlint profiles ID` prints a\nwhole profile):",
    );
    let mut any = false;
    for (id, text) in crate::profile::BUILTIN {
        let Ok(p) = Profile::parse(id, text) else {
            continue;
        };
        let Some(cfg) = p.rules.get(r.id()) else {
            continue;
        };
        any = true;
        let lines = crate::profile::show::section(&p, r.id(), cfg, r.dated());
        o.push_str(&format!(
            "\n- {} (`{id}`): severity {}, clause {}",
            p.city_en,
            cfg.severity.as_str(),
            p.cite(&cfg.clause)
        ));
        for line in &lines[1..] {
            let item = line.trim_start();
            let nested = line.len() - item.len() > 2;
            match item.strip_prefix("- ") {
                Some(rest) if nested => o.push_str(&format!("\n    - {rest}")),
                _ => o.push_str(&format!("\n  - {item}")),
            }
        }
    }
    if !any {
        o.push_str("\n- none of them has it");
    }
    o
}

/// What a rule checks, in one paragraph: the first of its documentation's "## 检查内容"
/// (Chinese) or "## What it checks" (English), joined into one line. Lists and help pages
/// (the QGIS plugin's) show it.
pub fn summary(doc: &str, lang: crate::text::Lang) -> String {
    let heading = match lang {
        crate::text::Lang::Zh => "## 检查内容\n",
        crate::text::Lang::En => "## What it checks\n",
    };
    let Some(at) = doc.find(heading) else {
        return String::new();
    };
    let section = &doc[at + heading.len()..];
    let paragraph = section.split("\n\n").next().unwrap_or("");
    // The lines before a list, joined: with a space between words, none between Chinese
    // characters.
    let mut out = String::new();
    for line in paragraph.lines().map(str::trim) {
        if line.starts_with("- ") {
            break;
        }
        let cjk = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
        let joined = cjk(out.chars().last()) && cjk(line.chars().next());
        if !out.is_empty() && !joined {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Every rule as data: id, titles, subject layer, what it checks in both languages and its
/// documentation (`planlint rules --json`, `planlint.rules()` in Python).
pub fn catalogue() -> serde_json::Value {
    use crate::text::Lang;
    RULES
        .iter()
        .map(|r| {
            let (title, doc) = describe(r.id()).unwrap_or_default();
            serde_json::json!({
                "id": r.id(),
                "title": title.zh,
                "title_en": title.en,
                "subject": r.subject().as_str(),
                "summary": summary(doc, Lang::Zh),
                "summary_en": summary(doc, Lang::En),
                "doc": doc,
            })
        })
        .collect()
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
            let (_, doc) = describe(r.id()).unwrap();
            assert_eq!(
                doc.contains("## Dated targets"),
                r.dated(),
                "{}: the dated section is shown exactly for the dated rules",
                r.id()
            );
            // What it checks, in both languages, for lists and the QGIS plugin's help.
            for lang in [crate::text::Lang::Zh, crate::text::Lang::En] {
                let s = summary(doc, lang);
                assert!(s.len() > 30, "{}: no summary in {lang:?}", r.id());
                assert!(!s.contains('\n'), "{}", r.id());
            }
        }
        let s = summary(
            describe("floor-area-per-households").unwrap().1,
            crate::text::Lang::Zh,
        );
        assert!(
            s.starts_with("每个小区：") && s.ends_with("不符合时给出尚缺的面积。"),
            "{s}"
        );
    }

    #[test]
    fn a_rules_clauses_are_read_from_the_profiles() {
        // floor-area-per-households is in Anyang's (若干政策 四(九): new 30, existing 20),
        // Wuhan's (三(二)1: new 20) and Xuchang's (三(一)3: new 30, existing 20) profiles,
        // and in no other.
        let (_, doc) = describe("floor-area-per-households").unwrap();
        let clauses = &doc[doc.find("## Clauses").unwrap()..];
        for line in [
            "- Anyang (`anyang-2017`): severity error, clause 安政办〔2017〕80号 若干政策 四(九)",
            "  - new = { value = 30.0 }",
            "- Wuhan (`wuhan-2017`): severity error, clause 武政规〔2017〕34号 三(二)1",
            "  - new = 20.0",
            "- Xuchang (`xuchang-2022`): severity error, clause 许办〔2022〕4号 三(一)3",
            "  - existing = 20.0",
        ] {
            assert!(clauses.contains(&format!("{line}\n")), "{line}\n{clauses}");
        }
        assert!(!clauses.contains("changzhi") && !clauses.contains("shangqiu"));
        assert_eq!(doc.matches("## Clauses").count(), 1);
    }

    #[test]
    fn every_profile_section_names_a_rule_and_validates() {
        for (id, text) in crate::profile::BUILTIN {
            let p = crate::profile::Profile::parse(id, text).unwrap();
            let prepared = Prepared::new(&p);
            prepared.validate().unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(prepared.rules().count(), p.rules.len());
            assert!(prepared
                .rules()
                .all(|(r, _)| r.configured_by() == ConfiguredBy::Profile));
        }
    }
}

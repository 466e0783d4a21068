//! Profiles: a city's policy as data. Every threshold, its severity, the year it takes
//! effect and the clause it cites live in `data/profiles/*.toml`; rule code only reads them.
//!
//! The built-in profiles, every `data/profiles/*.toml`, are compiled into the binary (build.rs
//! lists them), so an installed `planlint` needs no data directory; a user may also pass a profile file of their own, or override
//! single values with `--set RULE.KEY=VALUE`.

pub mod show;
mod threshold;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use threshold::{due_date, Bound, Resolved, Target, ThresholdSpec};

pub use crate::model::Severity;

include!(concat!(env!("OUT_DIR"), "/profiles.rs"));

/// Profile-wide settings that are not a rule's.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Persons per household, for compounds without a `population` (default: 2020 census).
    #[serde(default = "default_household_size")]
    pub household_size: f64,
    #[serde(default = "default_household_size_source")]
    pub household_size_source: String,
}

fn default_household_size() -> f64 {
    2.62
}

fn default_household_size_source() -> String {
    "第七次全国人口普查（2020）平均家庭户规模 2.62 人 / 2020 census mean household size".into()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            household_size: default_household_size(),
            household_size_source: default_household_size_source(),
        }
    }
}

/// One rule's section of a profile: its severity and clause, and its parameters, which
/// the rule parses into its own typed struct.
#[derive(Debug, Clone, Deserialize)]
pub struct RuleConfig {
    pub severity: Severity,
    pub clause: String,
    #[serde(flatten)]
    pub params: toml::Table,
}

impl RuleConfig {
    /// The rule's parameters as its own type; the error names the key that is wrong.
    pub fn parse<P: DeserializeOwned>(&self) -> Result<P, String> {
        toml::Value::Table(self.params.clone())
            .try_into::<P>()
            .map_err(|e| e.to_string())
    }
}

/// A city's policy, as checkable numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub city: String,
    pub city_en: String,
    pub title: String,
    pub title_en: String,
    /// The document number (文号), cited before every clause.
    pub document: String,
    /// The date the document was issued.
    pub issued: toml::value::Datetime,
    /// The last day the document is in force, where its text sets one (Wuhan: "有效期为5年").
    #[serde(default)]
    pub valid_until: Option<toml::value::Datetime>,
    #[serde(default)]
    pub settings: Settings,
    /// Rule id → its section. A rule absent here is not part of the city's policy.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
}

/// Why a profile could not be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "unknown profile '{0}': built-in profiles are {1}; or give the path of a profile file"
    )]
    Unknown(String, String),
    #[error("cannot read profile file {0}: {1}")]
    Io(String, std::io::Error),
    #[error("profile {0} is not valid: {1}")]
    Invalid(String, String),
    #[error("--set {0}: {1}")]
    Override(String, String),
}

impl Profile {
    /// A built-in profile by id, or a profile file by path.
    pub fn load(name: &str) -> Result<Profile, ProfileError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(id, _)| *id == name) {
            return Profile::parse(name, text);
        }
        let path = Path::new(name);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text =
                std::fs::read_to_string(path).map_err(|e| ProfileError::Io(name.into(), e))?;
            return Profile::parse(name, &text);
        }
        let ids: Vec<&str> = BUILTIN.iter().map(|(id, _)| *id).collect();
        Err(ProfileError::Unknown(name.into(), ids.join(", ")))
    }

    pub fn parse(origin: &str, text: &str) -> Result<Profile, ProfileError> {
        let p: Profile = toml::from_str(text)
            .map_err(|e| ProfileError::Invalid(origin.into(), crate::text::toml_error(text, &e)))?;
        if p.issued_date().is_none() {
            return Err(ProfileError::Invalid(
                origin.into(),
                "issued must be a date (YYYY-MM-DD)".into(),
            ));
        }
        match (
            p.valid_until.is_some(),
            p.valid_until_date(),
            p.issued_date(),
        ) {
            (true, None, _) => {
                return Err(ProfileError::Invalid(
                    origin.into(),
                    "valid_until must be a date (YYYY-MM-DD)".into(),
                ))
            }
            (_, Some(until), Some(issued)) if until < issued => {
                return Err(ProfileError::Invalid(
                    origin.into(),
                    format!("valid_until {until} is before issued {issued}"),
                ))
            }
            _ => {}
        }
        if !(p.settings.household_size > 0.0 && p.settings.household_size.is_finite()) {
            return Err(ProfileError::Invalid(
                origin.into(),
                "settings.household_size must be a positive number".into(),
            ));
        }
        Ok(p)
    }

    /// The date the document was issued, as a date.
    pub fn issued_date(&self) -> Option<NaiveDate> {
        toml_date(&self.issued)
    }

    /// The last day the document is in force, when its text sets one.
    pub fn valid_until_date(&self) -> Option<NaiveDate> {
        self.valid_until.as_ref().and_then(toml_date)
    }

    /// The policy had expired on `as_of` (policies.md: the check still runs, but no
    /// finding of it is an error).
    pub fn expired_on(&self, as_of: NaiveDate) -> bool {
        self.valid_until_date().is_some_and(|until| as_of > until)
    }

    /// The full citation of a clause: document number, then clause.
    pub fn cite(&self, clause: &str) -> std::sync::Arc<str> {
        format!("{} {}", self.document, clause).into()
    }

    /// Applies `--set RULE.KEY=VALUE` (or `settings.KEY=VALUE`). The value is TOML: a
    /// number replaces the threshold (dated targets included) with that one number; a
    /// string such as `warning` sets a severity or a text parameter.
    pub fn apply_override(&mut self, spec: &str) -> Result<(), ProfileError> {
        let err = |m: &str| ProfileError::Override(spec.into(), m.into());
        let (path, raw) = spec
            .split_once('=')
            .ok_or_else(|| err("expected RULE.KEY=VALUE"))?;
        let (rule, key) = path
            .trim()
            .rsplit_once('.')
            .ok_or_else(|| err("expected RULE.KEY=VALUE"))?;
        let raw = raw.trim();
        let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(raw.to_string()));
        if rule == "settings" {
            match (
                key,
                value.as_float().or(value.as_integer().map(|i| i as f64)),
            ) {
                ("household_size", Some(v)) if v > 0.0 && v.is_finite() => {
                    self.settings.household_size = v;
                    self.settings.household_size_source = format!("--set {spec}");
                    return Ok(());
                }
                _ => {
                    return Err(err(
                        "only settings.household_size=<positive number> can be set",
                    ))
                }
            }
        }
        let cfg = self
            .rules
            .get_mut(rule)
            .ok_or_else(|| err(&format!("profile {} has no rule '{rule}'", self.id)))?;
        if key == "severity" {
            cfg.severity = value
                .as_str()
                .and_then(|s| toml::Value::String(s.into()).try_into().ok())
                .ok_or_else(|| err("severity is error, warning or info"))?;
            return Ok(());
        }
        if key == "clause" {
            cfg.clause = raw.trim_matches('"').to_string();
            return Ok(());
        }
        if !cfg.params.contains_key(key) {
            let keys: Vec<&str> = cfg.params.keys().map(|k| k.as_str()).collect();
            return Err(err(&format!(
                "rule {rule} has no parameter '{key}' (it has: {})",
                keys.join(", ")
            )));
        }
        // A whole number replaces a threshold as a number, a count (`min_beds`) as a count.
        let value = match (cfg.params.get(key), value) {
            (Some(toml::Value::Integer(_)), v @ toml::Value::Integer(_)) => v,
            (_, toml::Value::Integer(i)) => toml::Value::Float(i as f64),
            (_, v) => v,
        };
        cfg.params.insert(key.to_string(), value);
        Ok(())
    }
}

fn toml_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    let d = d.date?;
    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses() {
        for (id, text) in BUILTIN {
            let p = Profile::parse(id, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&p.id, id);
            assert!(p.issued_date().is_some(), "{id} issued");
        }
    }

    #[test]
    fn wuhan_expires_after_five_years() {
        // 武政规〔2017〕34号: issued 2017-08-23, "有效期为5年": in force through 2022-08-22.
        let p = Profile::load("wuhan-2017").unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(p.valid_until_date(), Some(d("2022-08-22")));
        assert!(!p.expired_on(d("2022-08-22")));
        assert!(p.expired_on(d("2022-08-23")));
        assert!(!Profile::load("anyang-2017")
            .unwrap()
            .expired_on(d("2099-01-01")));
    }

    #[test]
    fn unknown_profile_names_the_builtins() {
        let e = Profile::load("nowhere-2030").unwrap_err().to_string();
        assert!(
            e.contains("anyang-2017") && e.contains("nowhere-2030"),
            "{e}"
        );
    }

    #[test]
    fn overrides_replace_a_threshold_and_reject_unknown_keys() {
        let mut p = Profile::load("anyang-2017").unwrap();
        p.apply_override("floor-area-per-households.new=25")
            .unwrap();
        let spec: ThresholdSpec = p.rules["floor-area-per-households"].params["new"]
            .clone()
            .try_into()
            .unwrap();
        assert_eq!(spec, ThresholdSpec::Value(25.0));
        p.apply_override("construction-timing.severity=warning")
            .unwrap();
        assert_eq!(p.rules["construction-timing"].severity, Severity::Warning);
        assert!(p
            .apply_override("floor-area-per-households.bogus=1")
            .is_err());
        assert!(p.apply_override("no-such-rule.x=1").is_err());
        assert!(p.apply_override("settings.household_size=-1").is_err());
        p.apply_override("settings.household_size=3").unwrap();
        assert_eq!(p.settings.household_size, 3.0);
        // A count stays a count.
        let mut q = Profile::load("shangqiu-2018").unwrap();
        q.apply_override("clinic-share.min_beds=120").unwrap();
        assert_eq!(
            q.rules["clinic-share"].params["min_beds"],
            toml::Value::Integer(120)
        );
    }
}

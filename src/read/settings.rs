//! `plan.toml`: everything about a plan that is not in its files (data-model.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PlanError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    pub profile: Option<String>,
    /// `"2024-06-30"` or an unquoted TOML date.
    pub as_of: Option<toml::Value>,
    pub working_crs: Option<String>,
    /// Where the layers are kept, named once for all of them: a PostgreSQL URI
    /// (`postgresql://planner@db/city`) or a GeoPackage (with the `gdal` feature, any GDAL
    /// dataset). Each layer is its table named after it, or the one `table` / `sql` names.
    pub database: Option<String>,
    #[serde(default)]
    pub layers: BTreeMap<String, LayerSettings>,
    /// Known exceptions, each with its reason ([`crate::waivers`]).
    #[serde(default)]
    pub waivers: Vec<WaiverSettings>,
    /// How `planlint fix` sizes what no rule sizes.
    #[serde(default)]
    pub fix: FixSettings,
}

/// plan.toml's `[fix]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSettings {
    /// The floor area of a station built only to bring compounds inside the service
    /// circle, m² (default: 350).
    pub station_floor_area: Option<f64>,
}

/// A `[[waivers]]` entry as written; [`crate::waivers::parse`] checks it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverSettings {
    pub rule: String,
    pub subject: String,
    pub reason: Option<String>,
    /// `"2025-12-31"` or an unquoted TOML date.
    pub expires: Option<toml::Value>,
    pub by: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSettings {
    pub path: Option<PathBuf>,
    /// The layer's table (or feature class) in `database`.
    pub table: Option<String>,
    /// The query that gives the layer, in a PostgreSQL `database`.
    pub sql: Option<String>,
    pub crs: Option<String>,
    pub encoding: Option<String>,
    /// canonical name = source field name
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// canonical field → (source value → canonical value)
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Roads: vertices closer than this (metres) are one junction.
    pub snap_tolerance: Option<f64>,
}

/// The layers a plan may have, as plan.toml's `[layers.NAME]` names them.
pub const LAYERS: &[&str] = &[
    "compounds",
    "facilities",
    "units",
    "roads",
    "phases",
    "candidates",
];

impl PlanSettings {
    pub fn read(path: &Path) -> Result<PlanSettings, PlanError> {
        let text = std::fs::read_to_string(path).map_err(|e| PlanError::file(path, e))?;
        let s: PlanSettings = toml::from_str(&text).map_err(|e| {
            PlanError::Settings(
                path.display().to_string(),
                crate::text::toml_error(&text, &e),
            )
        })?;
        if let Some(bad) = s.layers.keys().find(|k| !LAYERS.contains(&k.as_str())) {
            return Err(PlanError::Settings(
                path.display().to_string(),
                format!(
                    "unknown layer [layers.{bad}]; layers are {}",
                    LAYERS.join(", ")
                ),
            ));
        }
        let bad = |why: String| Err(PlanError::Settings(path.display().to_string(), why));
        for (name, l) in &s.layers {
            let named = [l.path.is_some(), l.table.is_some(), l.sql.is_some()];
            if named.iter().filter(|&&n| n).count() > 1 {
                return bad(format!(
                    "[layers.{name}] gives more than one of path, table and sql; give one"
                ));
            }
            if (l.table.is_some() || l.sql.is_some()) && s.database.is_none() {
                return bad(format!(
                    "[layers.{name}] names a table or a query but there is no database = \"…\" to find it in"
                ));
            }
            let postgres = s.database.as_deref().is_some_and(super::postgis::is_uri);
            if l.sql.is_some() && !postgres {
                return bad(format!(
                    "[layers.{name}] sql = … needs a PostgreSQL database (postgresql://…)"
                ));
            }
        }
        if let Some(db) = s.database.as_deref() {
            if super::postgis::is_uri(db) && super::postgis::names_a_layer(db) {
                return bad(format!(
                    "database = \"{}\" names one table or query; name the database alone, and each layer's table under [layers.NAME]",
                    super::postgis::masked(db)
                ));
            }
        }
        Ok(s)
    }

    /// The `as_of` date as text, whichever way it was written.
    pub fn as_of_text(&self) -> Option<String> {
        self.as_of.as_ref().map(|v| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    pub fn layer(&self, name: &str) -> LayerSettings {
        self.layers.get(name).cloned().unwrap_or_default()
    }
}

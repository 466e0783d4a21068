//! Where a plan's layers are and which settings apply: a plan folder (layers found by
//! name, in any format of [`super::formats`]), a file or database holding a whole plan,
//! the files of the command line, and the `plan.toml` found beside or above the plan.

use std::path::{Path, PathBuf};

use super::settings::{self, PlanSettings};
use super::PlanError;

/// A file per layer, where one is named: on the command line (`--compounds FILE`), or as
/// a table of a container that holds a whole plan.
#[derive(Debug, Clone, Default)]
pub struct LayerFiles {
    pub compounds: Option<PathBuf>,
    pub facilities: Option<PathBuf>,
    pub units: Option<PathBuf>,
    pub phases: Option<PathBuf>,
    pub roads: Option<PathBuf>,
    pub candidates: Option<PathBuf>,
}

impl LayerFiles {
    /// Each layer's file: this one's, else `other`'s.
    pub fn or(self, other: LayerFiles) -> LayerFiles {
        LayerFiles {
            compounds: self.compounds.or(other.compounds),
            facilities: self.facilities.or(other.facilities),
            units: self.units.or(other.units),
            phases: self.phases.or(other.phases),
            roads: self.roads.or(other.roads),
            candidates: self.candidates.or(other.candidates),
        }
    }

    /// The slot of a layer, by its plan.toml name (`compounds`…).
    fn slot(&mut self, layer: &str) -> Option<&mut Option<PathBuf>> {
        Some(match layer {
            "compounds" => &mut self.compounds,
            "facilities" => &mut self.facilities,
            "units" => &mut self.units,
            "phases" => &mut self.phases,
            "roads" => &mut self.roads,
            "candidates" => &mut self.candidates,
            _ => return None,
        })
    }
}

/// Where the layers are, and the settings that apply.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The plan folder, where layer files are looked for by name.
    pub dir: Option<PathBuf>,
    /// The plan.toml that applies ([`find_settings`]), if any.
    pub settings_file: Option<PathBuf>,
    /// Layers named one by one; they win over plan.toml's and the folder's.
    pub files: LayerFiles,
    /// Overrides plan.toml's `working_crs`.
    pub working_crs: Option<String>,
    pub settings: PlanSettings,
    /// A submission checked inside a city (`--context`): it may bring no compounds or no
    /// facilities (an amended facility alone, say), and is placed in the city's working CRS.
    pub submission: bool,
    /// The layers plan.toml's `database` gives: each one's table (or query) there.
    pub from_database: Vec<(&'static str, PathBuf)>,
}

impl Sources {
    /// A plan folder, with the `plan.toml` that applies ([`find_settings`]). A folder
    /// whose only plan is one file (`plan.gpkg`) is read from it, as if plan.toml named
    /// it as its `database`.
    pub fn from_dir(dir: &Path) -> Result<Sources, PlanError> {
        if !dir.is_dir() {
            return Err(PlanError::Io(
                dir.display().to_string(),
                "not a folder".into(),
            ));
        }
        let mut src = Sources::with_settings(find_settings(dir))?;
        let own_plan = || {
            super::formats::plan_containers()
                .into_iter()
                .map(|name| dir.join(name))
                .find(|p| p.exists())
        };
        let database = match &src.settings.database {
            Some(db) if super::postgis::is_uri(db) => Some(PathBuf::from(db)),
            Some(db) => Some(src.settings_dir().unwrap_or(dir).join(db)),
            None if layer_file(dir, "compounds").is_none() => own_plan(),
            None => None,
        };
        if let Some(db) = database {
            src.from_database = database_layers(&db, &src)?;
        }
        src.dir = Some(dir.to_path_buf());
        Ok(src)
    }

    /// A plan folder, or a container whose layers are named after planlint's (case aside):
    /// a GeoPackage `plan.gpkg` with tables `compounds`, `facilities`, `units`, `roads`,
    /// `phases`…, or with the `gdal` feature a File Geodatabase or other GDAL dataset. A
    /// container file takes the `plan.toml` beside it or in a folder above.
    pub fn from_path(path: &Path) -> Result<Sources, PlanError> {
        let Some(names) = super::container_layers(path) else {
            return Sources::from_dir(path);
        };
        let names = names?;
        let is_file = !path.to_str().is_some_and(super::postgis::is_uri);
        let settings = match path.parent() {
            Some(dir) if is_file => find_settings(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }),
            _ => None,
        };
        let mut src = Sources::with_settings(settings)?;
        for &layer in settings::LAYERS {
            let Some(table) = names.iter().find(|t| t.eq_ignore_ascii_case(layer)) else {
                continue;
            };
            if let Some(slot) = src.files.slot(layer) {
                *slot = Some(super::layer_of(path, table));
            }
        }
        Ok(src)
    }

    /// Sources with the settings of `file` (a plan.toml), or none.
    fn with_settings(file: Option<PathBuf>) -> Result<Sources, PlanError> {
        let settings = match &file {
            Some(f) => PlanSettings::read(f)?,
            None => PlanSettings::default(),
        };
        Ok(Sources {
            settings,
            settings_file: file,
            ..Sources::default()
        })
    }

    /// The folder of the plan.toml that applies: what its relative paths start from.
    pub fn settings_dir(&self) -> Option<&Path> {
        self.settings_file.as_deref().and_then(Path::parent)
    }

    /// A layer's file: the command line, else plan.toml's `path`, else `<layer>.*` in the folder.
    pub(super) fn path(&self, layer: &str, cli: &Option<PathBuf>) -> Option<PathBuf> {
        if let Some(p) = cli {
            return Some(p.clone());
        }
        let dir = self.dir.as_deref();
        if let Some(p) = self.settings.layers.get(layer).and_then(|l| l.path.clone()) {
            return Some(match self.settings_dir().or(dir) {
                Some(d) if p.is_relative() => d.join(p),
                _ => p,
            });
        }
        if let Some((_, p)) = self.from_database.iter().find(|(l, _)| *l == layer) {
            return Some(p.clone());
        }
        layer_file(dir?, layer)
    }
}

/// A layer's file in a plan folder: `<layer>.<ext>` for the first extension of
/// [`super::formats::layer_extensions`] that exists.
pub fn layer_file(dir: &Path, layer: &str) -> Option<PathBuf> {
    super::formats::layer_extensions(layer)
        .iter()
        .map(|e| dir.join(format!("{layer}.{e}")))
        .find(|p| p.exists())
}

/// Whether a folder holds a plan: a compounds layer in any format this build reads, or a
/// whole plan in one file (`plan.gpkg`); `Settings` when all it has is a plan.toml (the
/// plan of a database it names, or settings for the plans in the folders below).
pub fn holds_plan(dir: &Path) -> Option<PlanSign> {
    let layers = layer_file(dir, "compounds").is_some()
        || super::formats::plan_containers()
            .iter()
            .any(|name| dir.join(name).exists());
    if layers {
        Some(PlanSign::Layers)
    } else if dir.join("plan.toml").is_file() {
        Some(PlanSign::Settings)
    } else {
        None
    }
}

/// What a folder holds of a plan ([`holds_plan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanSign {
    /// Layers: a compounds layer, or a whole plan in one file.
    Layers,
    /// Only a plan.toml.
    Settings,
}

/// The layers the plan's database (`container`: plan.toml's `database`, or the folder's
/// own `plan.gpkg`) holds: those `table` or `sql` names under `[layers.NAME]`, and the
/// tables named after the other layers (their case aside).
fn database_layers(
    container: &Path,
    src: &Sources,
) -> Result<Vec<(&'static str, PathBuf)>, PlanError> {
    let settings = &src.settings;
    let names = match super::container_layers(container) {
        Some(names) => names?,
        None => {
            return Err(PlanError::Settings(
                src.settings_file
                    .as_deref()
                    .unwrap_or(Path::new("plan.toml"))
                    .display()
                    .to_string(),
                format!(
                    "database = \"{}\" is neither a postgresql:// URI nor a file that holds layers (a .gpkg)",
                    settings.database.as_deref().unwrap_or_default()
                ),
            ))
        }
    };
    let uri = container.to_str().filter(|s| super::postgis::is_uri(s));
    let mut found = Vec::new();
    for &layer in settings::LAYERS {
        let own = settings.layer(layer);
        let at = if let Some(sql) = &own.sql {
            let db = uri.map_or_else(|| container.to_string_lossy(), Into::into);
            PathBuf::from(super::postgis::layer_uri(&db, "sql", sql))
        } else if let Some(table) = &own.table {
            super::layer_of(container, table)
        } else if own.path.is_some() {
            continue;
        } else {
            match names.iter().find(|t| t.eq_ignore_ascii_case(layer)) {
                Some(table) => super::layer_of(container, table),
                None => continue,
            }
        };
        found.push((layer, at));
    }
    Ok(found)
}

/// The plan.toml that applies to a plan in `dir`: the folder's own, else the nearest in a
/// folder above it, as ruff finds its configuration.
pub fn find_settings(dir: &Path) -> Option<PathBuf> {
    let own = dir.join("plan.toml");
    if own.is_file() {
        return Some(own);
    }
    let absolute = dir.canonicalize().ok()?;
    absolute
        .ancestors()
        .skip(1)
        .map(|d| d.join("plan.toml"))
        .find(|p| p.is_file())
}

//! Read: a plan folder (layers found by name) or explicit files and `plan.toml` settings;
//! the readers of every format ([`read`], behind one seam, [`read::RawLayer`]); one schema
//! per layer ([`schema`]) by which fields and values are mapped ([`fields`]); canonical
//! features and per-feature rejections ([`features`], [`phases`], [`roads`]).

pub mod context;
pub mod features;
pub mod fields;
pub mod phases;
pub mod read;
pub mod roads;
pub mod schema;
pub mod settings;
pub mod value;

use std::path::{Path, PathBuf};

use crate::crs::detect::{centre_lonlat, check_metric, layer_crs};
use crate::crs::{working_crs_for, CrsSpec, Transformer};
use crate::model::{self, Layer, LayerInfo, Plan};
use fields::FieldMap;
use read::RawLayer;
use settings::PlanSettings;

/// Inputs or options that cannot be used: the run ends with exit 2 and this message.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}: {1}")]
    Io(String, String),
    #[error("{0}: {1}")]
    Parse(String, String),
    #[error("{0}: unsupported file type (use {listed}; other formats GDAL reads need planlint built with --features gdal)", listed = read::formats::listed())]
    Unsupported(String),
    #[error("plan.toml {0}: {1}")]
    Settings(String, String),
    #[error("no {0} layer: {1}")]
    MissingLayer(&'static str, String),
    #[error("{0}: {1}")]
    Crs(String, String),
    #[error("{0}")]
    Option(String),
}

impl PlanError {
    pub fn file(path: &Path, e: std::io::Error) -> PlanError {
        PlanError::Io(path.display().to_string(), e.to_string())
    }
}

/// Where the layers are, and the settings that apply.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The plan folder, where layer files are looked for by name.
    pub dir: Option<PathBuf>,
    /// The plan.toml that applies ([`find_settings`]), if any.
    pub settings_file: Option<PathBuf>,
    pub compounds: Option<PathBuf>,
    pub facilities: Option<PathBuf>,
    pub units: Option<PathBuf>,
    pub phases: Option<PathBuf>,
    pub roads: Option<PathBuf>,
    pub candidates: Option<PathBuf>,
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
            read::formats::plan_containers()
                .into_iter()
                .map(|name| dir.join(name))
                .find(|p| p.exists())
        };
        let database = match &src.settings.database {
            Some(db) if read::postgis::is_uri(db) => Some(PathBuf::from(db)),
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
        let Some(names) = read::container_layers(path) else {
            return Sources::from_dir(path);
        };
        let names = names?;
        let is_file = !path.to_str().is_some_and(read::postgis::is_uri);
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
            let at = Some(read::layer_of(path, table));
            match layer {
                "compounds" => src.compounds = at,
                "facilities" => src.facilities = at,
                "units" => src.units = at,
                "roads" => src.roads = at,
                "phases" => src.phases = at,
                "candidates" => src.candidates = at,
                _ => {}
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
    fn path(&self, layer: &str, cli: &Option<PathBuf>) -> Option<PathBuf> {
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
/// [`read::formats::layer_extensions`] that exists.
pub fn layer_file(dir: &Path, layer: &str) -> Option<PathBuf> {
    read::formats::layer_extensions(layer)
        .iter()
        .map(|e| dir.join(format!("{layer}.{e}")))
        .find(|p| p.exists())
}

/// Whether a folder holds a plan: a plan.toml, a compounds layer in any format this build
/// reads, or a whole plan in one file (`plan.gpkg`). `--recursive` checks every such
/// folder.
pub fn holds_plan(dir: &Path) -> bool {
    dir.join("plan.toml").is_file()
        || layer_file(dir, "compounds").is_some()
        || read::formats::plan_containers()
            .iter()
            .any(|name| dir.join(name).exists())
}

/// The layers the plan's database (`container`: plan.toml's `database`, or the folder's
/// own `plan.gpkg`) holds: those `table` or `sql` names under `[layers.NAME]`, and the
/// tables named after the other layers (their case aside).
fn database_layers(
    container: &Path,
    src: &Sources,
) -> Result<Vec<(&'static str, PathBuf)>, PlanError> {
    let settings = &src.settings;
    let names = match read::container_layers(container) {
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
    let uri = container.to_str().filter(|s| read::postgis::is_uri(s));
    let mut found = Vec::new();
    for &layer in settings::LAYERS {
        let own = settings.layer(layer);
        let at = if let Some(sql) = &own.sql {
            let db = uri.map_or_else(|| container.to_string_lossy(), Into::into);
            PathBuf::from(read::postgis::layer_uri(&db, "sql", sql))
        } else if let Some(table) = &own.table {
            read::layer_of(container, table)
        } else if own.path.is_some() {
            continue;
        } else {
            match names.iter().find(|t| t.eq_ignore_ascii_case(layer)) {
                Some(table) => read::layer_of(container, table),
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

/// Reads, maps and places every layer of a plan.
pub fn load(src: &Sources) -> Result<Plan, PlanError> {
    load_with(src, None)
}

/// [`load`], telling `progress` when reading ends and placing begins.
pub fn load_with(
    src: &Sources,
    progress: Option<&crate::model::progress::Progress>,
) -> Result<Plan, PlanError> {
    let read = read_layers(src)?;
    if let Some(p) = progress {
        p.tell(crate::model::progress::Stage::Placing);
    }
    place(src, read)
}

/// One layer file as read, with the CRS it is in.
pub struct ReadLayer {
    pub layer: Layer,
    pub name: &'static str,
    pub path: PathBuf,
    pub raw: RawLayer,
    pub crs: CrsSpec,
}

/// The layers of a plan as read, before any mapping or moving: the **read** stage.
pub struct ReadPlan {
    pub layers: Vec<ReadLayer>,
    pub phases: Option<PathBuf>,
}

/// Reads every layer file of a plan, in parallel, and decides each one's CRS.
pub fn read_layers(src: &Sources) -> Result<ReadPlan, PlanError> {
    use rayon::prelude::*;
    let missing = |layer: &'static str| {
        // A layer file this build cannot read (`compounds.tab` without GDAL) says so.
        let unreadable = src.dir.as_deref().and_then(|dir| {
            read::formats::FORMATS
                .iter()
                .filter(|f| !f.available())
                .flat_map(|f| f.extensions)
                .map(|e| dir.join(format!("{layer}.{e}")))
                .find(|p| p.exists())
        });
        if let Some(path) = unreadable {
            return PlanError::Unsupported(shown(&path));
        }
        let database = match src.settings.database {
            Some(_) => format!(", a table '{layer}' in plan.toml's database"),
            None => String::new(),
        };
        PlanError::MissingLayer(
            layer,
            format!(
                "give --{layer} FILE{database}, or put a {layer} layer in the plan folder ({}) or a table '{layer}' in its {}",
                read::formats::layer_extensions(layer)
                    .iter()
                    .map(|e| format!("{layer}.{e}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                read::formats::plan_containers().join(" or "),
            ),
        )
    };
    let required = |layer: &'static str, cli: &Option<PathBuf>| match src.path(layer, cli) {
        Some(p) => Ok(Some(p)),
        None if src.submission => Ok(None),
        None => Err(missing(layer)),
    };
    let files: Vec<(Layer, &'static str, PathBuf)> = [
        (
            Layer::Compounds,
            "compounds",
            required("compounds", &src.compounds)?,
        ),
        (
            Layer::Facilities,
            "facilities",
            required("facilities", &src.facilities)?,
        ),
        (Layer::Units, "units", src.path("units", &src.units)),
        (Layer::Roads, "roads", src.path("roads", &src.roads)),
        (
            Layer::Candidates,
            "candidates",
            src.path("candidates", &src.candidates),
        ),
    ]
    .into_iter()
    .filter_map(|(layer, name, path)| Some((layer, name, path?)))
    .collect();
    // Layers are read in parallel; the first error in the layers' order is the one told.
    let layers = files
        .into_par_iter()
        .map(|(layer, name, path)| {
            let ls = src.settings.layer(name);
            let raw = read_guarded(&path, ls.encoding.as_deref())?;
            let format = match path.to_str().is_some_and(read::postgis::is_uri) {
                true => Some(read::formats::postgis()),
                false => read::split_layer(&path).map_or_else(
                    || read::formats::of_path(&path),
                    |(file, _)| read::formats::of_path(&file),
                ),
            };
            let missing = format.map_or("no CRS in the file", |f| f.crs_missing);
            let stated = ls.crs.as_deref().or(raw.crs.as_deref());
            let crs = layer_crs(stated, &raw.boxes(), missing)
                .map_err(|e| PlanError::Crs(shown(&path), e))?;
            Ok(ReadLayer {
                layer,
                name,
                path,
                raw,
                crs,
            })
        })
        .collect::<Vec<Result<ReadLayer, PlanError>>>()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ReadPlan {
        layers,
        phases: src.path("phases", &src.phases),
    })
}

/// Maps every layer's fields and moves its features into the working CRS: the **place**
/// stage. Layers are placed in parallel, and the features of each too.
pub fn place(src: &Sources, read: ReadPlan) -> Result<Plan, PlanError> {
    use rayon::prelude::*;
    let layers = read.layers;
    let working_crs = match (&src.working_crs, src.submission) {
        // A submission takes its city's working CRS, already checked.
        (Some(w), true) => w.clone(),
        _ => {
            let first = layers.first().ok_or_else(|| {
                PlanError::MissingLayer("compounds", "the submission holds no layer".into())
            })?;
            let (lon, lat) = centre_lonlat(&first.raw.boxes(), &first.crs)
                .map_err(|e| PlanError::Crs(shown(&first.path), e))?;
            let working_crs = src
                .working_crs
                .clone()
                .or_else(|| src.settings.working_crs.clone())
                .unwrap_or_else(|| working_crs_for(lon, lat));
            check_metric(&working_crs, lon, lat).map_err(PlanError::Option)?;
            working_crs
        }
    };

    let mut plan = Plan {
        working_crs: working_crs.clone(),
        ..Plan::default()
    };
    let placed = layers
        .into_par_iter()
        .map(|l| place_layer(src, l, &working_crs))
        .collect::<Vec<Result<Placed, PlanError>>>();
    for placed in placed {
        let (info, features, notes) = placed?;
        plan.notes.extend(notes);
        let layer = info.0;
        match features {
            Features::Compounds(v) => plan.compounds = v,
            Features::Facilities(v) => plan.facilities = v,
            Features::Units(v) => plan.units = v,
            Features::Roads(v, tolerance) => {
                plan.roads = v;
                plan.snap_tolerance = tolerance;
            }
            Features::Candidates(v) => plan.candidates = v,
        }
        plan.inputs.push((layer, info.1));
    }
    if let Some(path) = read.phases {
        let (phases, mut rejected, rows) = phases::read(&path, &src.settings.layer("phases"))?;
        // A phase of a compound that is not in the plan (or was rejected) checks nothing.
        let known: std::collections::HashSet<&str> =
            plan.compounds.iter().map(|c| c.id.as_str()).collect();
        let (kept, orphans): (Vec<_>, Vec<_>) = phases
            .into_iter()
            .partition(|p| known.contains(p.compound_id.as_str()));
        rejected.extend(orphans.into_iter().map(|p| model::Rejection {
            index: p.index,
            field: Some("compound_id".into()),
            reason: crate::text::t!(
                "小区编号 {} 不对应任何已读入的小区",
                "compound_id {} names no compound of the compounds layer (or one that was rejected)",
                p.compound_id
            ),
            id: Some(p.compound_id),
        }));
        rejected.sort_by_key(|r| r.index);
        plan.phases = kept;
        plan.inputs.push((
            Layer::Phases,
            LayerInfo {
                path: shown(&path),
                features: rows,
                rejected,
                crs: None,
                encoding: None,
            },
        ));
    }
    Ok(plan)
}

/// One layer's canonical features.
enum Features {
    Compounds(Vec<model::Compound>),
    Facilities(Vec<model::Facility>),
    Units(Vec<model::Unit>),
    /// The lines and the snap tolerance.
    Roads(Vec<geo::LineString<f64>>, f64),
    Candidates(Vec<(String, geo::Point<f64>)>),
}

/// A layer placed: what was read of it, its features, and the reader's notes on it.
type Placed = ((Layer, LayerInfo), Features, Vec<crate::text::Text>);

/// Maps and places one layer.
fn place_layer(src: &Sources, l: ReadLayer, working_crs: &str) -> Result<Placed, PlanError> {
    let ReadLayer {
        layer,
        name,
        path,
        mut raw,
        crs,
    } = l;
    let ls = src.settings.layer(name);
    let t = Transformer::new(&crs, working_crs).map_err(|e| PlanError::Crs(shown(&path), e))?;
    let mut info = LayerInfo {
        path: shown(&path),
        features: raw.features.len(),
        crs: Some(crs.describe()),
        encoding: raw.encoding.clone(),
        rejected: Vec::new(),
    };
    let notes = std::mem::take(&mut raw.notes);
    let features = match layer {
        Layer::Candidates => {
            let (v, rejected) = features::candidates(raw, &t);
            info.rejected = rejected;
            Features::Candidates(v)
        }
        Layer::Roads => {
            let tolerance = ls.snap_tolerance.unwrap_or(0.0);
            if !(tolerance.is_finite() && tolerance >= 0.0) {
                return Err(PlanError::Settings(
                    info.path,
                    format!("snap_tolerance = {tolerance}: a distance ≥ 0 in metres"),
                ));
            }
            let (lines, rejected) = roads::lines(raw, &t);
            info.rejected = rejected;
            if lines.is_empty() {
                // Without a single line every compound would fail with "no path".
                let why = info.rejected.first().map_or_else(
                    || "it holds no walkable line".to_string(),
                    |r| {
                        let reason = r.reason.get(crate::text::Lang::En);
                        format!("the first, #{}: {reason}", r.index)
                    },
                );
                return Err(PlanError::Option(format!(
                    "{}: no usable road line among its {} features ({why}); fix the layer or leave it out to measure straight lines",
                    info.path, info.features
                )));
            }
            Features::Roads(lines, tolerance)
        }
        _ => {
            let schema = match layer {
                Layer::Compounds => &schema::COMPOUNDS,
                Layer::Facilities => &schema::FACILITIES,
                _ => &schema::UNITS,
            };
            let map = FieldMap::new(schema, &raw, &ls)
                .map_err(|e| PlanError::Settings(info.path.clone(), e))?;
            let features = match layer {
                Layer::Compounds => {
                    let (v, r) = features::compounds(raw, &map, &t);
                    info.rejected = r;
                    Features::Compounds(v)
                }
                Layer::Facilities => {
                    let (v, r) = features::facilities(raw, &map, &t);
                    info.rejected = r;
                    Features::Facilities(v)
                }
                _ => {
                    let (v, r) = features::units(raw, &map, &t);
                    info.rejected = r;
                    Features::Units(v)
                }
            };
            if matches!(layer, Layer::Compounds | Layer::Facilities)
                && info.features > 0
                && info.accepted() == 0
            {
                let first = &info.rejected[0];
                return Err(PlanError::Option(format!(
                    "{}: none of its {} features could be used (the first, #{}: {})",
                    info.path,
                    info.features,
                    first.index,
                    first.reason.get(crate::text::Lang::En)
                )));
            }
            features
        }
    };
    Ok(((layer, info), features, notes))
}

/// A layer's source as messages and reports name it: its path, or its connection URI
/// with the password masked.
pub fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    if read::postgis::is_uri(&s) {
        read::postgis::masked(&s)
    } else {
        s
    }
}

/// Reads a layer; a reader that panics on a malformed file is reported like any other
/// unreadable file rather than crashing the run.
fn read_guarded(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    std::panic::catch_unwind(|| read::read(path, encoding)).unwrap_or_else(|_| {
        Err(PlanError::Parse(
            shown(path),
            "the file is malformed and could not be read".into(),
        ))
    })
}

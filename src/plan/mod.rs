//! Read: a plan folder (layers found by name) or explicit files and `plan.toml` settings;
//! the readers of every format ([`read`], behind one seam, [`read::RawLayer`]); one schema
//! per layer ([`schema`]) by which fields and values are mapped ([`fields`]); canonical
//! features and per-feature rejections ([`features`], [`phases`], [`roads`]).

pub mod context;
pub mod features;
pub mod fields;
pub mod model;
pub mod phases;
pub mod read;
pub mod roads;
pub mod schema;
pub mod settings;
pub mod value;

use std::path::{Path, PathBuf};

use crate::crs::detect::{centre_lonlat, check_metric, layer_crs};
use crate::crs::{working_crs_for, CrsSpec, Transformer};
use fields::FieldMap;
use model::{Layer, LayerInfo, Plan};
use read::RawLayer;
use settings::PlanSettings;

/// Inputs or options that cannot be used: the run ends with exit 2 and this message.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}: {1}")]
    Io(String, String),
    #[error("{0}: {1}")]
    Parse(String, String),
    #[error("{0}: unsupported file type (use .geojson, .json, .shp, or .osm.pbf for roads)")]
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
    pub dir: Option<PathBuf>,
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
}

impl Sources {
    /// A plan folder, with its `plan.toml` when there is one.
    pub fn from_dir(dir: &Path) -> Result<Sources, PlanError> {
        if !dir.is_dir() {
            return Err(PlanError::Io(
                dir.display().to_string(),
                "not a folder".into(),
            ));
        }
        let toml = dir.join("plan.toml");
        let settings = if toml.is_file() {
            PlanSettings::read(&toml)?
        } else {
            PlanSettings::default()
        };
        Ok(Sources {
            dir: Some(dir.to_path_buf()),
            settings,
            ..Sources::default()
        })
    }

    /// A layer's file: the command line, else plan.toml's `path`, else `<layer>.*` in the folder.
    fn path(&self, layer: &str, cli: &Option<PathBuf>, exts: &[&str]) -> Option<PathBuf> {
        if let Some(p) = cli {
            return Some(p.clone());
        }
        let dir = self.dir.as_deref();
        if let Some(p) = self.settings.layers.get(layer).and_then(|l| l.path.clone()) {
            return Some(match dir {
                Some(d) if p.is_relative() => d.join(p),
                _ => p,
            });
        }
        let dir = dir?;
        exts.iter()
            .map(|e| dir.join(format!("{layer}.{e}")))
            .find(|p| p.is_file())
    }
}

const GEO_EXTS: &[&str] = &["geojson", "json", "shp"];

/// Reads, maps and places every layer of a plan.
pub fn load(src: &Sources) -> Result<Plan, PlanError> {
    let required = |layer: &'static str, cli: &Option<PathBuf>| match src.path(layer, cli, GEO_EXTS)
    {
        Some(p) => Ok(Some(p)),
        None if src.submission => Ok(None),
        None => Err(PlanError::MissingLayer(
            layer,
            format!("give --{layer} FILE or put {layer}.geojson / {layer}.shp in the plan folder"),
        )),
    };
    let compounds_path = required("compounds", &src.compounds)?;
    let facilities_path = required("facilities", &src.facilities)?;
    let units_path = src.path("units", &src.units, GEO_EXTS);
    let phases_path = src.path("phases", &src.phases, &["csv"]);
    let roads_path = src.path("roads", &src.roads, &["geojson", "json", "shp", "osm.pbf"]);
    let candidates_path = src.path("candidates", &src.candidates, GEO_EXTS);

    let mut layers: Vec<(Layer, &'static str, PathBuf, RawLayer, CrsSpec)> = Vec::new();
    for (layer, name, path) in [
        (Layer::Compounds, "compounds", compounds_path),
        (Layer::Facilities, "facilities", facilities_path),
        (Layer::Units, "units", units_path),
        (Layer::Roads, "roads", roads_path),
        (Layer::Candidates, "candidates", candidates_path),
    ] {
        let Some(path) = path else { continue };
        let ls = src.settings.layer(name);
        let raw = read_guarded(&path, ls.encoding.as_deref())?;
        let kind = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let stated = ls.crs.as_deref().or(raw.crs.as_deref());
        let crs = layer_crs(stated, &raw.boxes(), &kind.to_ascii_lowercase())
            .map_err(|e| PlanError::Crs(path.display().to_string(), e))?;
        layers.push((layer, name, path, raw, crs));
    }

    let working_crs = match (&src.working_crs, src.submission) {
        // A submission takes its city's working CRS, already checked.
        (Some(w), true) => w.clone(),
        _ => {
            let (_, _, first_path, first_raw, first_crs) = layers.first().ok_or_else(|| {
                PlanError::MissingLayer("compounds", "the submission holds no layer".into())
            })?;
            let (lon, lat) = centre_lonlat(&first_raw.boxes(), first_crs)
                .map_err(|e| PlanError::Crs(first_path.display().to_string(), e))?;
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
    for (layer, name, path, raw, crs) in layers {
        let ls = src.settings.layer(name);
        let t = Transformer::new(&crs, &working_crs)
            .map_err(|e| PlanError::Crs(path.display().to_string(), e))?;
        let mut info = LayerInfo {
            path: path.display().to_string(),
            features: raw.features.len(),
            crs: Some(crs.describe()),
            encoding: raw.encoding.clone(),
            rejected: Vec::new(),
        };
        if layer == Layer::Candidates {
            (plan.candidates, info.rejected) = features::candidates(raw, &t);
            plan.inputs.push((layer, info));
            continue;
        }
        if layer == Layer::Roads {
            let tolerance = ls.snap_tolerance.unwrap_or(0.0);
            if !(tolerance.is_finite() && tolerance >= 0.0) {
                return Err(PlanError::Settings(
                    info.path,
                    format!("snap_tolerance = {tolerance}: a distance ≥ 0 in metres"),
                ));
            }
            plan.notes.extend(raw.notes.iter().cloned());
            (plan.roads, info.rejected) = roads::lines(raw, &t);
            if plan.roads.is_empty() {
                // Without a single line every compound would fail with "no path".
                let why = info.rejected.first().map_or_else(
                    || "it holds no walkable line".to_string(),
                    |r| format!("the first, #{}: {}", r.index, r.reason.en),
                );
                return Err(PlanError::Option(format!(
                    "{}: no usable road line among its {} features ({why}); fix the layer or leave it out to measure straight lines",
                    info.path, info.features
                )));
            }
            plan.snap_tolerance = tolerance;
            plan.inputs.push((layer, info));
            continue;
        }
        let schema = match layer {
            Layer::Compounds => &schema::COMPOUNDS,
            Layer::Facilities => &schema::FACILITIES,
            _ => &schema::UNITS,
        };
        let map = FieldMap::new(schema, &raw, &ls)
            .map_err(|e| PlanError::Settings(info.path.clone(), e))?;
        match layer {
            Layer::Compounds => {
                (plan.compounds, info.rejected) = features::compounds(raw, &map, &t)
            }
            Layer::Facilities => {
                (plan.facilities, info.rejected) = features::facilities(raw, &map, &t)
            }
            _ => (plan.units, info.rejected) = features::units(raw, &map, &t),
        }
        if matches!(layer, Layer::Compounds | Layer::Facilities)
            && info.features > 0
            && info.accepted() == 0
        {
            let first = &info.rejected[0];
            return Err(PlanError::Option(format!(
                "{}: none of its {} features could be used (the first, #{}: {})",
                info.path, info.features, first.index, first.reason.en
            )));
        }
        plan.inputs.push((layer, info));
    }
    if let Some(path) = phases_path {
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
            reason: crate::t!(
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
                path: path.display().to_string(),
                features: rows,
                rejected,
                crs: None,
                encoding: None,
            },
        ));
    }
    Ok(plan)
}

/// Reads a layer; a reader that panics on a malformed file is reported like any other
/// unreadable file rather than crashing the run.
fn read_guarded(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    std::panic::catch_unwind(|| read::read(path, encoding)).unwrap_or_else(|_| {
        Err(PlanError::Parse(
            path.display().to_string(),
            "the file is malformed and could not be read".into(),
        ))
    })
}

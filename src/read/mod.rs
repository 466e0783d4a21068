//! Read: a plan's layers ([`Sources`]: a folder, a file or database, the command line's
//! files, and `plan.toml`, [`settings`]) in every input format into one seam,
//! [`RawLayer`] — features with a geometry in the file's own CRS and their attribute
//! values ([`value`]), before any mapping. One file a format ([`formats`] lists them):
//! GeoJSON, ESRI Shapefile (with its `.dbf`), OpenStreetMap PBF, CSV tables, GeoPackage,
//! PostGIS, and with the cargo feature `gdal` whatever else GDAL reads.

pub mod csv;
pub mod dbf;
pub mod formats;
#[cfg(feature = "gdal")]
pub mod gdal;
pub mod geojson;
pub mod geopackage;
mod mapped;
pub mod osm;
pub mod postgis;
pub mod settings;
pub mod shapefile;
mod sources;
pub mod value;
pub mod wkb;

pub use sources::{find_settings, holds_plan, layer_file, LayerFiles, PlanSign, Sources};

use std::path::{Path, PathBuf};

use geo::Geometry;

use crate::crs::detect::layer_crs;
use crate::crs::CrsSpec;
use crate::model::Layer;
use value::Value;

/// One feature as read.
pub struct RawFeature {
    pub index: usize,
    /// The geometry, or why it could not be read.
    pub geometry: Result<Geometry<f64>, String>,
    pub values: Vec<Value>,
    /// Marked deleted in the `.dbf`: listed as rejected, never checked.
    pub deleted: bool,
    /// The record could not be read at all (a malformed CSV row): rejected with why.
    pub problem: Option<String>,
}

/// One layer as read.
pub struct RawLayer {
    pub fields: Vec<String>,
    pub features: Vec<RawFeature>,
    /// The CRS the file itself states (`.prj`, GeoJSON `crs` member).
    pub crs: Option<String>,
    /// The `.dbf` encoding and how it was decided.
    pub encoding: Option<String>,
    /// Remarks on the layer as a whole (ways cut at an extract's edge…).
    pub notes: Vec<crate::text::Text>,
}

impl RawFeature {
    /// A feature as read, neither deleted nor unreadable.
    pub fn new(index: usize, geometry: Result<Geometry<f64>, String>, values: Vec<Value>) -> Self {
        RawFeature {
            index,
            geometry,
            values,
            deleted: false,
            problem: None,
        }
    }

    /// The value of column `col` as text, when there is one (an optional id, say).
    pub fn text(&self, col: Option<usize>) -> Option<String> {
        match self.values.get(col?)? {
            Value::Null => None,
            Value::Text(s) => Some(s.clone()),
            v => Some(v.to_string()),
        }
    }
}

impl RawLayer {
    /// The bounding boxes of the features with a readable geometry, in the file's CRS.
    pub fn boxes(&self) -> Vec<geo::Rect<f64>> {
        use geo::BoundingRect;
        self.features
            .iter()
            .filter_map(|f| f.geometry.as_ref().ok().and_then(|g| g.bounding_rect()))
            .collect()
    }

    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }
}

/// `container:layer` as the container and the layer, when `path` is written that way and
/// no file of that whole name exists: `plan.gpkg:compounds`, `city.gdb:facilities`.
pub fn split_layer(path: &Path) -> Option<(PathBuf, String)> {
    if path.exists() {
        return None;
    }
    let s = path.to_str()?;
    let i = s.rfind(':')?;
    let (file, layer) = (&s[..i], &s[i + 1..]);
    let gpkg = file.to_ascii_lowercase().ends_with(".gpkg");
    (!layer.is_empty() && !file.is_empty() && (gpkg || Path::new(file).exists()))
        .then(|| (PathBuf::from(file), layer.to_string()))
}

/// The layer of a container to read: `wanted` (its case aside), else the one named after
/// the file, else the only one of `single` (the containers' feature layers).
pub fn choose_layer(
    source: &str,
    names: &[String],
    single: &[String],
    wanted: Option<&str>,
    path: &Path,
) -> Result<String, PlanError> {
    let listed = names.join(", ");
    let err = |why: String| PlanError::Parse(source.to_string(), why);
    if let Some(w) = wanted {
        return names
            .iter()
            .find(|n| *n == w)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
            .cloned()
            .ok_or_else(|| err(format!("no layer '{w}' (its layers: {listed})")));
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    match names.iter().find(|n| n.eq_ignore_ascii_case(stem)) {
        Some(n) => Ok(n.clone()),
        None if single.len() == 1 => Ok(single[0].clone()),
        None => Err(err(format!(
            "which layer? name one as {source}:LAYER (its layers: {listed})"
        ))),
    }
}

/// The layers of a container that may hold a whole plan (a GeoPackage, a PostgreSQL
/// database named without `table=`/`sql=`; with the `gdal` feature a File Geodatabase or
/// any dataset GDAL opens), or `None` for other paths.
pub fn container_layers(path: &Path) -> Option<Result<Vec<String>, PlanError>> {
    if let Some(uri) = path.to_str().filter(|s| postgis::is_uri(s)) {
        return (!postgis::names_a_layer(uri)).then(|| postgis::tables(uri));
    }
    if path.is_file() && has_ext(path, "gpkg") {
        return Some(geopackage::tables(path).map(|t| t.into_iter().map(|(n, _)| n).collect()));
    }
    #[cfg(feature = "gdal")]
    if (path.is_file() || has_ext(path, "gdb")) && gdal::opens(path) {
        return Some(gdal::layers(path));
    }
    // A File Geodatabase is a folder, but not a plan folder.
    #[cfg(not(feature = "gdal"))]
    if has_ext(path, "gdb") {
        return Some(Err(PlanError::Unsupported(path.display().to_string())));
    }
    None
}

/// The source of one layer of a container: `plan.gpkg:compounds`, or a database's URI
/// with `table=compounds`.
pub fn layer_of(container: &Path, layer: &str) -> PathBuf {
    match container.to_str().filter(|s| postgis::is_uri(s)) {
        Some(uri) => PathBuf::from(postgis::layer_uri(uri, "table", layer)),
        None => PathBuf::from(format!("{}:{layer}", container.display())),
    }
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads a layer file by its extension: `.geojson`/`.json`, `.shp`, `.osm.pbf`, `.gpkg`
/// (or one table of it: `file.gpkg:table`), a PostgreSQL URI; with the `gdal` feature,
/// anything else GDAL reads (`city.gdb:compounds`, `compounds.tab`…).
pub fn read(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    if let Some(uri) = path.to_str().filter(|s| postgis::is_uri(s)) {
        return postgis::read(uri);
    }
    if let Some((file, layer)) = split_layer(path) {
        return if has_ext(&file, "gpkg") {
            geopackage::read(&file, Some(&layer))
        } else {
            by_gdal(&file, Some(&layer), encoding)
        };
    }
    use formats::Reader;
    match formats::of_path(path).map(|f| f.reader) {
        Some(Reader::OsmPbf) => osm::read(path),
        Some(Reader::GeoJson) => geojson::read(path),
        Some(Reader::Shapefile) => shapefile::read(path, encoding),
        Some(Reader::GeoPackage) => geopackage::read(path, None),
        _ => by_gdal(path, None, encoding),
    }
}

/// A format planlint does not read itself: GDAL's, when built with it.
fn by_gdal(
    path: &Path,
    layer: Option<&str>,
    encoding: Option<&str>,
) -> Result<RawLayer, PlanError> {
    #[cfg(feature = "gdal")]
    return gdal::read(path, layer, encoding);
    #[cfg(not(feature = "gdal"))]
    {
        let _ = (layer, encoding);
        Err(PlanError::Unsupported(path.display().to_string()))
    }
}

/// Reads a table without geometry (`phases`): a table of a container (`plan.gpkg:phases`,
/// `city.gdb:phases`, a GeoPackage), a PostgreSQL table or query, else a CSV file whatever
/// its extension.
pub fn read_table(path: &Path) -> Result<RawLayer, PlanError> {
    let uri = path.to_str().is_some_and(postgis::is_uri);
    if uri || has_ext(path, "gpkg") || split_layer(path).is_some() {
        read(path, None)
    } else {
        csv::read(path)
    }
}

/// Inputs or options that cannot be used: the run ends with exit 2 and this message.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}: {1}")]
    Io(String, String),
    #[error("{0}: {1}")]
    Parse(String, String),
    #[error("{0}: unsupported file type (use {listed}; other formats GDAL reads need planlint built with --features gdal)", listed = formats::listed())]
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
            formats::FORMATS
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
                formats::layer_extensions(layer)
                    .iter()
                    .map(|e| format!("{layer}.{e}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                formats::plan_containers().join(" or "),
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
            required("compounds", &src.files.compounds)?,
        ),
        (
            Layer::Facilities,
            "facilities",
            required("facilities", &src.files.facilities)?,
        ),
        (Layer::Units, "units", src.path("units", &src.files.units)),
        (Layer::Roads, "roads", src.path("roads", &src.files.roads)),
        (
            Layer::Candidates,
            "candidates",
            src.path("candidates", &src.files.candidates),
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
            let format = match path.to_str().is_some_and(postgis::is_uri) {
                true => Some(formats::postgis()),
                false => split_layer(&path).map_or_else(
                    || formats::of_path(&path),
                    |(file, _)| formats::of_path(&file),
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
        phases: src.path("phases", &src.files.phases),
    })
}

/// A layer's source as messages and reports name it: its path, or its connection URI
/// with the password masked.
pub fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    if postgis::is_uri(&s) {
        postgis::masked(&s)
    } else {
        s
    }
}

/// Reads a layer; a reader that panics on a malformed file is reported like any other
/// unreadable file rather than crashing the run.
fn read_guarded(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    std::panic::catch_unwind(|| read(path, encoding)).unwrap_or_else(|_| {
        Err(PlanError::Parse(
            shown(path),
            "the file is malformed and could not be read".into(),
        ))
    })
}

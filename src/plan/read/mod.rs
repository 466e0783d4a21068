//! Read: every input format into one seam, [`RawLayer`] — features with a geometry in the
//! file's own CRS and their attribute values, before any mapping. One file a format:
//! GeoJSON, ESRI Shapefile (with its `.dbf`), OpenStreetMap PBF, CSV tables.

pub mod csv;
pub mod dbf;
pub mod geojson;
pub mod geopackage;
pub mod osm;
pub mod postgis;
pub mod shapefile;
pub mod wkb;

use std::path::Path;

use geo::Geometry;

use super::value::Value;
use super::PlanError;
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

/// Reads a layer file by its extension: `.geojson`/`.json`, `.shp`, `.osm.pbf`, `.gpkg`
/// (or one table of it: `file.gpkg:table`).
pub fn read(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    if let Some(uri) = path.to_str().filter(|s| postgis::is_uri(s)) {
        return postgis::read(uri);
    }
    if let Some((file, table)) = geopackage::split(path) {
        return geopackage::read(&file, Some(&table));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_pbf = path
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".osm.pbf");
    match ext.as_str() {
        "pbf" if is_pbf => osm::read(path),
        "geojson" | "json" => geojson::read(path),
        "shp" => shapefile::read(path, encoding),
        "gpkg" => geopackage::read(path, None),
        _ => Err(PlanError::Unsupported(path.display().to_string())),
    }
}

/// Reads a table without geometry (`phases`): a CSV file, a GeoPackage table, or a
/// PostgreSQL table or query.
pub fn read_table(path: &Path) -> Result<RawLayer, PlanError> {
    let gpkg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"));
    let uri = path.to_str().is_some_and(postgis::is_uri);
    if gpkg || uri || geopackage::split(path).is_some() {
        read(path, None)
    } else {
        csv::read(path)
    }
}

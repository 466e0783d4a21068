//! Raw layers: features with a geometry (in the file's CRS) and attribute values, read
//! from GeoJSON or an ESRI Shapefile before any mapping.

use std::path::Path;

use geo::Geometry;

use super::dbf::{encoding_from_label, read_dbf};
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
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }
}

pub fn read(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
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
        "pbf" if is_pbf => super::osm::read(path),
        "geojson" | "json" => read_geojson(path),
        "shp" => read_shapefile(path, encoding),
        _ => Err(PlanError::Unsupported(path.display().to_string())),
    }
}

fn read_geojson(path: &Path) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PlanError::file(path, e))?;
    let root: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| PlanError::Parse(name.clone(), format!("not JSON: {e}")))?;
    let serde_json::Value::Object(mut root) = root else {
        return Err(PlanError::Parse(name, "not a GeoJSON object".into()));
    };
    let crs = root.get("crs").and_then(named_crs);
    // Each feature is parsed on its own, so that one malformed feature is rejected alone.
    let features: Vec<serde_json::Value> = match root.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => match root.remove("features") {
            Some(serde_json::Value::Array(fs)) => fs,
            _ => {
                return Err(PlanError::Parse(
                    name,
                    "a FeatureCollection without a 'features' array".into(),
                ))
            }
        },
        Some("Feature") => vec![serde_json::Value::Object(root)],
        Some(_) => vec![
            serde_json::json!({"type": "Feature", "geometry": serde_json::Value::Object(root), "properties": null}),
        ],
        None => {
            return Err(PlanError::Parse(
                name,
                "not a GeoJSON object (no 'type')".into(),
            ))
        }
    };
    let mut fields: Vec<String> = Vec::new();
    for f in &features {
        for k in f
            .get("properties")
            .and_then(|p| p.as_object())
            .into_iter()
            .flat_map(|p| p.keys())
        {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
    }
    let raw = features
        .into_iter()
        .enumerate()
        .map(|(index, mut f)| {
            let geometry = match f.get_mut("geometry").map(serde_json::Value::take) {
                None | Some(serde_json::Value::Null) => {
                    Err("the feature has no geometry".to_string())
                }
                Some(g) => serde_json::from_value::<geojson::Geometry>(g)
                    .map_err(|e| format!("unreadable geometry: {e}"))
                    .and_then(|g| {
                        Geometry::<f64>::try_from(g)
                            .map_err(|e| format!("unreadable geometry: {e}"))
                    }),
            };
            let props = f.get("properties").and_then(|p| p.as_object());
            let values = fields
                .iter()
                .map(|k| props.and_then(|p| p.get(k)).map_or(Value::Null, json_value))
                .collect();
            RawFeature {
                index,
                geometry,
                values,
                deleted: false,
            }
        })
        .collect();
    Ok(RawLayer {
        fields,
        features: raw,
        crs,
        encoding: None,
        notes: Vec::new(),
    })
}

/// The legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}`).
fn named_crs(v: &serde_json::Value) -> Option<String> {
    let name = v.get("properties")?.get("name")?.as_str()?;
    if let Some(code) = name.strip_prefix("urn:ogc:def:crs:EPSG::") {
        return Some(format!("EPSG:{code}"));
    }
    if name.ends_with("CRS84") {
        return Some("EPSG:4326".into());
    }
    Some(name.to_string())
}

fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

fn read_shapefile(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let sidecar = |ext: &str| {
        let upper = path.with_extension(ext.to_ascii_uppercase());
        let lower = path.with_extension(ext);
        if lower.exists() {
            Some(lower)
        } else if upper.exists() {
            Some(upper)
        } else {
            None
        }
    };
    let dbf_path = sidecar("dbf")
        .ok_or_else(|| PlanError::Parse(name.clone(), "the .dbf beside it is missing".into()))?;
    let setting = match encoding {
        Some(label) => Some(encoding_from_label(label).ok_or_else(|| {
            PlanError::Parse(
                name.clone(),
                format!("unknown text encoding '{label}' (try GBK, GB18030 or UTF-8)"),
            )
        })?),
        None => None,
    };
    let cpg = sidecar("cpg").and_then(|p| std::fs::read_to_string(p).ok());
    let dbf_bytes = std::fs::read(&dbf_path).map_err(|e| PlanError::file(&dbf_path, e))?;
    let table = read_dbf(&dbf_bytes, setting, cpg.as_deref())
        .map_err(|e| PlanError::Parse(dbf_path.display().to_string(), e.to_string()))?;
    let crs = sidecar("prj")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string());

    let shp_bytes = std::fs::read(path).map_err(|e| PlanError::file(path, e))?;
    let shapes = read_shapes(&shp_bytes).map_err(|e| PlanError::Parse(name.clone(), e))?;
    if shapes.len() != table.records.len() {
        return Err(PlanError::Parse(
            name,
            format!(
                "the .shp has {} shapes but the .dbf has {} records",
                shapes.len(),
                table.records.len()
            ),
        ));
    }
    let features = shapes
        .into_iter()
        .zip(table.records)
        .zip(table.deleted)
        .enumerate()
        .map(|(index, ((geometry, values), deleted))| RawFeature {
            index,
            geometry,
            values,
            deleted,
        })
        .collect();
    Ok(RawLayer {
        fields: table.fields.iter().map(|f| f.name.clone()).collect(),
        features,
        crs,
        encoding: Some(format!(
            "{} ({})",
            table.encoding.name(),
            table.encoding_source
        )),
        notes: Vec::new(),
    })
}

/// Reads every shape of a `.shp`; a shape that cannot be read is an error for that
/// feature only, a file that cannot be read at all is an error for the layer.
fn read_shapes(bytes: &[u8]) -> Result<Vec<Result<Geometry<f64>, String>>, String> {
    let mut reader =
        shapefile::ShapeReader::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for shape in reader.iter_shapes() {
        let shape = shape.map_err(|e| format!("shape {} cannot be read: {e}", out.len()))?;
        out.push(to_geometry(shape));
    }
    Ok(out)
}

fn to_geometry(shape: shapefile::Shape) -> Result<Geometry<f64>, String> {
    use shapefile::Shape;
    let g: Result<Geometry<f64>, shapefile::Error> = match shape {
        Shape::NullShape => return Err("the feature has no geometry (null shape)".into()),
        Shape::Point(p) => Ok(Geometry::Point(geo::Point::new(p.x, p.y))),
        Shape::PointZ(p) => Ok(Geometry::Point(geo::Point::new(p.x, p.y))),
        Shape::PointM(p) => Ok(Geometry::Point(geo::Point::new(p.x, p.y))),
        other => Geometry::<f64>::try_from(other),
    };
    g.map_err(|e| format!("unreadable shape: {e}"))
}

//! ESRI Shapefile: the `.shp` geometry, the `.dbf` attributes (text encoding decided for
//! the whole file), the `.prj` CRS and the `.cpg` code page.

use std::path::Path;

use geo::Geometry;

use super::dbf::{encoding_from_label, read_dbf};
use super::{RawFeature, RawLayer};
use crate::plan::PlanError;

pub fn read(path: &Path, encoding: Option<&str>) -> Result<RawLayer, PlanError> {
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
            deleted,
            ..RawFeature::new(index, geometry, values)
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

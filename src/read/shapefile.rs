//! ESRI Shapefile: the `.shp` geometry, the `.dbf` attributes (text encoding decided for
//! the whole file), the `.prj` CRS and the `.cpg` code page.

use std::path::Path;

use geo::Geometry;

use super::dbf::{encoding_from_label, read_dbf};
use super::PlanError;
use super::{RawFeature, RawLayer};

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
    let dbf_bytes =
        super::mapped::FileBytes::open(&dbf_path).map_err(|e| PlanError::file(&dbf_path, e))?;
    let table = read_dbf(&dbf_bytes, setting, cpg.as_deref())
        .map_err(|e| PlanError::Parse(dbf_path.display().to_string(), e.to_string()))?;
    let crs = sidecar("prj")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string());

    let shp_bytes = super::mapped::FileBytes::open(path).map_err(|e| PlanError::file(path, e))?;
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
    records_hold_their_points(bytes)?;
    let mut reader =
        shapefile::ShapeReader::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for shape in reader.iter_shapes() {
        let shape = shape.map_err(|e| format!("shape {} cannot be read: {e}", out.len()))?;
        out.push(to_geometry(shape));
    }
    Ok(out)
}

/// Every record holds the points and parts it declares. The shapefile crate sizes its
/// vectors by the counts a record declares before reading them: a damaged count (found by
/// fuzzing: a 21 GB allocation from a 200-byte file) must be refused here, by the bytes
/// the record has.
fn records_hold_their_points(bytes: &[u8]) -> Result<(), String> {
    let int = |at: usize, big: bool| -> Option<i64> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(i64::from(if big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        }))
    };
    let mut at = 100;
    let mut n = 0;
    while at + 8 <= bytes.len() {
        let Some(words) = int(at + 4, true) else {
            break;
        };
        if words < 0 {
            return Err(format!(
                "shape {n}: its record has a negative length ({words})"
            ));
        }
        let start = at + 8;
        let len = (2 * words as usize).min(bytes.len() - start);
        // Shape type, then (for lines, polygons and multipoints) a 32-byte box and counts.
        let declared = match int(start, false) {
            Some(3 | 5 | 13 | 15 | 23 | 25 | 31) if len >= 44 => {
                let parts = int(start + 36, false).unwrap_or(0);
                let points = int(start + 40, false).unwrap_or(0);
                Some((parts, points, 44 + 4 * parts + 16 * points))
            }
            Some(8 | 18 | 28) if len >= 40 => {
                let points = int(start + 36, false).unwrap_or(0);
                Some((0, points, 40 + 16 * points))
            }
            _ => None,
        };
        if let Some((parts, points, need)) = declared {
            if parts < 0 || points < 0 || need > len as i64 {
                return Err(format!(
                    "shape {n} declares {points} points in {parts} parts, more than its record of {len} bytes holds"
                ));
            }
        }
        at = start + 2 * words as usize;
        n += 1;
    }
    Ok(())
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

#[cfg(test)]
mod record_tests {
    use super::*;

    /// A .shp of one polygon record whose content is `content` (header otherwise zero).
    fn shp(content: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 100];
        b[..4].copy_from_slice(&9994i32.to_be_bytes());
        b[28..32].copy_from_slice(&1000i32.to_le_bytes());
        b[32..36].copy_from_slice(&5i32.to_le_bytes());
        let total = (100 + 8 + content.len()) / 2;
        b[24..28].copy_from_slice(&(total as i32).to_be_bytes());
        b.extend(1i32.to_be_bytes());
        b.extend(((content.len() / 2) as i32).to_be_bytes());
        b.extend(content);
        b
    }

    #[test]
    fn a_record_declaring_more_points_than_it_holds_is_refused_before_reading() {
        // A polygon (type 5): box, 1 part, 1,000,000,000 points, in a 48-byte record
        // (what fuzzing found: the crate asked for 21 GB). 44 + 4 + 16e9 bytes needed.
        let mut c = 5i32.to_le_bytes().to_vec();
        c.extend([0u8; 32]);
        c.extend(1i32.to_le_bytes());
        c.extend(1_000_000_000i32.to_le_bytes());
        c.extend(0i32.to_le_bytes());
        let err = read_shapes(&shp(&c)).unwrap_err();
        assert_eq!(
            err,
            "shape 0 declares 1000000000 points in 1 parts, more than its record of 48 bytes holds"
        );
        // The same record declaring its one point, and holding it, reads (as a degenerate
        // polygon the crate refuses per feature, not as a layer error).
        let mut c = 5i32.to_le_bytes().to_vec();
        c.extend([0u8; 32]);
        c.extend(1i32.to_le_bytes());
        c.extend(1i32.to_le_bytes());
        c.extend(0i32.to_le_bytes());
        c.extend([0u8; 16]);
        assert!(records_hold_their_points(&shp(&c)).is_ok());
    }
}

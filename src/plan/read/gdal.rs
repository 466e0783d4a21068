//! Anything else GDAL reads — File Geodatabase (`.gdb` folders), MapInfo (`.tab`, `.mif`),
//! DXF, KML, GML, FlatGeobuf… — behind the cargo feature `gdal`, through the `gdal` crate
//! over the system's libgdal (Debian's `libgdal-dev`). The default build does without.
//!
//! A layer is one of the dataset's layers: `city.gdb:compounds` names it; `compounds.tab`
//! alone is its only layer, or the one named after the file. A dataset whose layers are
//! named after planlint's (a File Geodatabase with feature classes `compounds`,
//! `facilities`, …) is a whole plan, as a `plan.gpkg` is.
//!
//! Each geometry goes through GDAL's WKB into planlint's own WKB reader ([`super::wkb`]),
//! curves made straight first; field values keep their types; text arrives in UTF-8, GDAL
//! having recoded it by the file's declared encoding.

use std::path::Path;
use std::sync::Once;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{FieldValue, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::{RawFeature, RawLayer};
use crate::plan::value::Value;
use crate::plan::PlanError;

/// GDAL tells its errors to stderr unless told otherwise; they come back in its results.
fn quiet() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| gdal::config::set_error_handler(|_, _, _| {}));
}

fn open(path: &Path) -> Result<Dataset, PlanError> {
    quiet();
    let name = path.display().to_string();
    if !path.exists() {
        return Err(PlanError::Io(name, "no such file".into()));
    }
    Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    )
    .map_err(|e| PlanError::Parse(name, format!("GDAL cannot read it as vector data: {e}")))
}

/// The names of a dataset's layers, in its order.
pub fn layers(path: &Path) -> Result<Vec<String>, PlanError> {
    Ok(open(path)?.layers().map(|l| l.name()).collect())
}

/// Whether GDAL opens `path` as vector data (a `.gdb` folder, a file of any driver).
pub fn opens(path: &Path) -> bool {
    open(path).is_ok()
}

/// Reads one layer: `layer`, else the one named after the file, else the only one.
pub fn read(path: &Path, layer: Option<&str>) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let err = |why: String| PlanError::Parse(name.clone(), why);
    let ds = open(path)?;
    let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    let chosen = super::choose_layer(&name, &names, &names, layer, path)?;
    let mut lyr = ds
        .layer_by_name(&chosen)
        .map_err(|e| err(format!("layer '{chosen}': {e}")))?;
    read_layer(&mut lyr).map_err(|e| err(format!("layer '{chosen}': {e}")))
}

fn read_layer(lyr: &mut gdal::vector::Layer) -> Result<RawLayer, String> {
    let crs = lyr.spatial_ref().map(|s| crs_of(&s)).transpose()?;
    let (fields, booleans): (Vec<String>, Vec<bool>) = {
        let defn = lyr.defn();
        let c_defn = unsafe { defn.c_defn() };
        defn.fields()
            .enumerate()
            .map(|(i, f)| {
                // GDAL marks booleans as a subtype of integers; the crate does not say it.
                let sub = unsafe {
                    gdal_sys::OGR_Fld_GetSubType(gdal_sys::OGR_FD_GetFieldDefn(c_defn, i as i32))
                };
                let boolean = f.field_type() == OGRFieldType::OFTInteger
                    && sub == gdal_sys::OGRFieldSubType::OFSTBoolean;
                (f.name(), boolean)
            })
            .unzip()
    };
    let mut features = Vec::new();
    for feature in lyr.features() {
        let index = features.len();
        let geometry = match feature.geometry() {
            None => Err("the feature has no geometry".to_string()),
            Some(g) if g.is_empty() => Err("an empty geometry".to_string()),
            Some(g) => straight_wkb(g).and_then(|b| {
                super::wkb::read(&b)
                    .map(|(g, _)| g)
                    .map_err(|e| format!("unreadable geometry: {e}"))
            }),
        };
        let values = (0..fields.len())
            .map(|i| {
                // An unset field is missing, as a null one is (the crate reads it as 0).
                let set =
                    unsafe { gdal_sys::OGR_F_IsFieldSetAndNotNull(feature.c_feature(), i as i32) }
                        != 0;
                match feature.field(i) {
                    Ok(v) if set => value(v, booleans[i]),
                    // Unset, or of a type without a value planlint uses (binary).
                    _ => Value::Null,
                }
            })
            .collect();
        features.push(RawFeature::new(index, geometry, values));
    }
    Ok(RawLayer {
        fields,
        features,
        crs,
        encoding: None,
        notes: Vec::new(),
    })
}

/// The geometry as WKB, arcs and other curves (File Geodatabase, DXF) made straight.
fn straight_wkb(g: &gdal::vector::Geometry) -> Result<Vec<u8>, String> {
    let h = unsafe { g.c_geometry() };
    if unsafe { gdal_sys::OGR_G_HasCurveGeometry(h, 0) } == 0 {
        return g.wkb().map_err(|e| format!("unreadable geometry: {e}"));
    }
    let linear = unsafe { gdal_sys::OGR_G_GetLinearGeometry(h, 0.0, std::ptr::null_mut()) };
    if linear.is_null() {
        return Err("a curve that GDAL could not make straight".into());
    }
    let size = unsafe { gdal_sys::OGR_G_WkbSize(linear) }.max(0) as usize;
    let mut wkb = vec![0u8; size];
    let done = unsafe {
        let done = gdal_sys::OGR_G_ExportToWkb(
            linear,
            gdal_sys::OGRwkbByteOrder::wkbNDR,
            wkb.as_mut_ptr(),
        );
        gdal_sys::OGR_G_DestroyGeometry(linear);
        done
    };
    if done != gdal_sys::OGRErr::OGRERR_NONE {
        return Err("a curve that GDAL could not make straight".into());
    }
    Ok(wkb)
}

/// The CRS as planlint states CRSs: `EPSG:code` when it has one, else its WKT.
fn crs_of(srs: &SpatialRef) -> Result<String, String> {
    if let (Some(auth), Ok(code)) = (srs.auth_name(), srs.auth_code()) {
        if auth.eq_ignore_ascii_case("EPSG") {
            return Ok(format!("EPSG:{code}"));
        }
    }
    srs.to_wkt()
        .map_err(|e| format!("its CRS cannot be written as WKT: {e}"))
}

/// A field's value with its type: numbers, booleans, dates as `YYYY-MM-DD` text (a
/// date-time at midnight as its date), lists as comma-separated text.
fn value(v: Option<FieldValue>, boolean: bool) -> Value {
    let join = |items: Vec<String>| Value::Text(items.join(","));
    match v {
        None => Value::Null,
        Some(FieldValue::IntegerValue(n)) if boolean => Value::Bool(n != 0),
        Some(FieldValue::IntegerValue(n)) => Value::Number(n as f64),
        Some(FieldValue::Integer64Value(n)) => Value::Number(n as f64),
        Some(FieldValue::RealValue(x)) => Value::Number(x),
        Some(FieldValue::StringValue(s)) => Value::Text(s),
        Some(FieldValue::DateValue(d)) => Value::Text(d.format("%Y-%m-%d").to_string()),
        Some(FieldValue::DateTimeValue(t)) => {
            let midnight = t.time() == chrono::NaiveTime::MIN;
            let shown = if midnight {
                "%Y-%m-%d"
            } else {
                "%Y-%m-%d %H:%M:%S"
            };
            Value::Text(t.format(shown).to_string())
        }
        Some(FieldValue::IntegerListValue(l)) => join(l.iter().map(|n| n.to_string()).collect()),
        Some(FieldValue::Integer64ListValue(l)) => join(l.iter().map(|n| n.to_string()).collect()),
        Some(FieldValue::RealListValue(l)) => join(l.iter().map(|n| n.to_string()).collect()),
        Some(FieldValue::StringListValue(l)) => join(l),
    }
}

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
//! curves made straight first; field values keep their types. Text is what GDAL decoded by
//! the file's declared charset; a file that declares none (a MapInfo table marked
//! `Neutral`, say) has its encoding decided for the whole layer as a `.dbf`'s is: the
//! `encoding` setting, else UTF-8 if all of it is valid UTF-8, else GBK ([`decide`]).

use std::path::Path;
use std::sync::Once;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{FieldValue, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};

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
pub fn read(
    path: &Path,
    layer: Option<&str>,
    encoding: Option<&str>,
) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let err = |why: String| PlanError::Parse(name.clone(), why);
    let setting = match encoding {
        Some(label) => Some(super::dbf::encoding_from_label(label).ok_or_else(|| {
            err(format!(
                "unknown text encoding '{label}' (try GBK, GB18030 or UTF-8)"
            ))
        })?),
        None => None,
    };
    let ds = open(path)?;
    let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    let chosen = super::choose_layer(&name, &names, &names, layer, path)?;
    let mut lyr = ds
        .layer_by_name(&chosen)
        .map_err(|e| err(format!("layer '{chosen}': {e}")))?;
    read_layer(&mut lyr, setting).map_err(|e| err(format!("layer '{chosen}': {e}")))
}

/// A value as GDAL gives it: typed, or text as its bytes until the layer's encoding is
/// decided.
enum Raw {
    Typed(Value),
    Text(Vec<u8>),
}

/// A feature before its text is decoded: its geometry (or why not) and its values.
type Row = (Result<geo::Geometry<f64>, String>, Vec<Raw>);

fn read_layer(
    lyr: &mut gdal::vector::Layer,
    setting: Option<&'static encoding_rs::Encoding>,
) -> Result<RawLayer, String> {
    let crs = lyr.spatial_ref().map(|s| crs_of(&s)).transpose()?;
    // A driver that knows its file's charset hands over UTF-8 (MapInfo's `!charset`, DXF's
    // code page, GeoJSON, File Geodatabase); others give the file's bytes.
    let utf8 =
        unsafe { gdal_sys::OGR_L_TestCapability(lyr.c_layer(), c"StringsAsUTF8".as_ptr()) } != 0;
    let (names, booleans): (Vec<Vec<u8>>, Vec<bool>) = {
        let defn = lyr.defn();
        let c_defn = unsafe { defn.c_defn() };
        defn.fields()
            .enumerate()
            .map(|(i, f)| {
                let field = unsafe { gdal_sys::OGR_FD_GetFieldDefn(c_defn, i as i32) };
                // GDAL marks booleans as a subtype of integers; the crate does not say it.
                let sub = unsafe { gdal_sys::OGR_Fld_GetSubType(field) };
                let boolean = f.field_type() == OGRFieldType::OFTInteger
                    && sub == gdal_sys::OGRFieldSubType::OFSTBoolean;
                (
                    bytes(unsafe { gdal_sys::OGR_Fld_GetNameRef(field) }),
                    boolean,
                )
            })
            .unzip()
    };
    let mut rows: Vec<Row> = Vec::new();
    for feature in lyr.features() {
        let geometry = match feature.geometry() {
            None => Err("the feature has no geometry".to_string()),
            Some(g) if g.is_empty() => Err("an empty geometry".to_string()),
            Some(g) => straight_wkb(g).and_then(|b| {
                super::wkb::read(&b)
                    .map(|(g, _)| g)
                    .map_err(|e| format!("unreadable geometry: {e}"))
            }),
        };
        let c = unsafe { feature.c_feature() };
        let values: Vec<Raw> = (0..names.len())
            .map(|i| {
                let i32_ = i as i32;
                // An unset field is missing, as a null one is (the crate reads it as 0).
                if unsafe { gdal_sys::OGR_F_IsFieldSetAndNotNull(c, i32_) } == 0 {
                    return Raw::Typed(Value::Null);
                }
                let kind =
                    unsafe { gdal_sys::OGR_Fld_GetType(gdal_sys::OGR_F_GetFieldDefnRef(c, i32_)) };
                if kind == OGRFieldType::OFTString {
                    return Raw::Text(bytes(unsafe { gdal_sys::OGR_F_GetFieldAsString(c, i32_) }));
                }
                // Of a type without a value planlint uses (binary): missing.
                Raw::Typed(
                    feature
                        .field(i)
                        .map_or(Value::Null, |v| value(v, booleans[i])),
                )
            })
            .collect();
        rows.push((geometry, values));
    }
    let (encoding, why) = decide(utf8, setting, &names, &rows);
    let decode = |b: &[u8]| encoding.decode_without_bom_handling(b).0.into_owned();
    let features = rows
        .into_iter()
        .enumerate()
        .map(|(index, (geometry, values))| {
            let values = values
                .into_iter()
                .map(|v| match v {
                    Raw::Typed(v) => v,
                    Raw::Text(b) => Value::Text(decode(&b)),
                })
                .collect();
            RawFeature::new(index, geometry, values)
        })
        .collect();
    Ok(RawLayer {
        fields: names.iter().map(|n| decode(n)).collect(),
        features,
        crs,
        encoding: Some(format!("{} ({why})", encoding.name())),
        notes: Vec::new(),
    })
}

/// The bytes of a C string GDAL owns (none for a null pointer).
fn bytes(p: *const std::os::raw::c_char) -> Vec<u8> {
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: GDAL's strings are NUL-terminated and live until the next call on their
    // object; they are copied here at once.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes().to_vec()
}

/// The encoding of a layer's text, decided once for the layer as for a `.dbf`: what GDAL
/// decoded stays UTF-8; else the `encoding` setting; else UTF-8 when every field name and
/// text value is valid UTF-8, GBK (read as GB18030) when any one is not.
fn decide(
    gdal_utf8: bool,
    setting: Option<&'static encoding_rs::Encoding>,
    names: &[Vec<u8>],
    rows: &[Row],
) -> (&'static encoding_rs::Encoding, &'static str) {
    let texts = names
        .iter()
        .map(Vec::as_slice)
        .chain(rows.iter().flat_map(|(_, v)| {
            v.iter().filter_map(|r| match r {
                Raw::Text(b) => Some(b.as_slice()),
                Raw::Typed(_) => None,
            })
        }));
    let all_utf8 = texts.into_iter().all(|b| std::str::from_utf8(b).is_ok());
    match (gdal_utf8 && all_utf8, setting) {
        (true, _) => (
            encoding_rs::UTF_8,
            "decoded by GDAL from the file's charset",
        ),
        (false, Some(e)) => (e, "the encoding setting"),
        (false, None) if all_utf8 => (encoding_rs::UTF_8, "detection (all text is valid UTF-8)"),
        (false, None) => (
            encoding_rs::GB18030,
            "detection (some text is not valid UTF-8)",
        ),
    }
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

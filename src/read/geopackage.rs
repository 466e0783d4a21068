//! GeoPackage (OGC 12-128r18): a SQLite file of feature tables (QGIS's default format).
//! Read natively with the bundled SQLite: `gpkg_contents` lists the tables,
//! `gpkg_geometry_columns` names each one's geometry column and SRS, `gpkg_spatial_ref_sys`
//! says what the SRS is, and each geometry is a GeoPackage header and WKB ([`super::wkb`]).
//!
//! A layer is one table: `file.gpkg:table` names it; `compounds.gpkg` alone is its table
//! `compounds`, or its only feature table. A `plan.gpkg` whose tables are named after the
//! layers is a whole plan ([`crate::read::Sources::from_path`]).

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};

fn open(path: &Path) -> Result<Connection, PlanError> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(PlanError::Io(name, "no such file".into()));
    }
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| PlanError::Parse(name.clone(), format!("not a GeoPackage: {e}")))?;
    Ok(db)
}

/// The tables of a GeoPackage with their kind (`features`, `attributes`…), in its order.
pub fn tables(path: &Path) -> Result<Vec<(String, String)>, PlanError> {
    let db = open(path)?;
    contents(&db).map_err(|e| PlanError::Parse(path.display().to_string(), e))
}

fn contents(db: &Connection) -> Result<Vec<(String, String)>, String> {
    let mut st = db
        .prepare("SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid")
        .map_err(|e| format!("not a GeoPackage (no gpkg_contents table): {e}"))?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}

/// Reads one table: `table`, else the one named after the file, else the only feature
/// table. Attribute tables (no geometry) read as features without geometry.
pub fn read(path: &Path, table: Option<&str>) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let db = open(path)?;
    let chosen = chosen_table(&db, path, table)?;
    read_table(&db, &chosen).map_err(|e| PlanError::Parse(name, format!("table '{chosen}': {e}")))
}

/// The table [`read`] reads of the open GeoPackage at `path`.
pub fn chosen_table(
    db: &Connection,
    path: &Path,
    table: Option<&str>,
) -> Result<String, PlanError> {
    let name = path.display().to_string();
    let tables = contents(db).map_err(|why| PlanError::Parse(name.clone(), why))?;
    let names: Vec<String> = tables.iter().map(|(t, _)| t.clone()).collect();
    let features: Vec<String> = tables
        .iter()
        .filter(|(_, k)| k == "features")
        .map(|(t, _)| t.clone())
        .collect();
    super::choose_layer(&name, &names, &features, table, path)
}

/// The geometry column of a table and its SRS id, when it has one.
pub fn geometry_column(db: &Connection, table: &str) -> Result<Option<(String, i64)>, String> {
    let mut st = db
        .prepare("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1")
        .map_err(|e| e.to_string())?;
    let mut rows = st
        .query_map([table], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(|e| e.to_string())?;
    rows.next().transpose().map_err(|e| e.to_string())
}

/// The CRS of an SRS id, as planlint states CRSs: `EPSG:code`, else the SRS's WKT; none for
/// GeoPackage's "undefined" systems (0 and -1): the coordinates then decide, as for a
/// shapefile without `.prj`.
fn crs_of(db: &Connection, srs_id: i64) -> Result<Option<String>, String> {
    if srs_id == 0 || srs_id == -1 {
        return Ok(None);
    }
    let row = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .map_err(|_| format!("its SRS {srs_id} is not in gpkg_spatial_ref_sys"))?;
    Ok(match row {
        (Some(org), Some(code), _) if org.eq_ignore_ascii_case("epsg") => {
            Some(format!("EPSG:{code}"))
        }
        (_, _, Some(def)) if !def.trim().is_empty() && def.trim() != "undefined" => {
            Some(def.trim().to_string())
        }
        (org, code, _) => {
            return Err(format!(
                "its SRS {srs_id} ({} {}) has no EPSG code and no definition",
                org.unwrap_or_default(),
                code.map(|c| c.to_string()).unwrap_or_default()
            ))
        }
    })
}

/// Whether SQLite's declared type of a column is GeoPackage's BOOLEAN.
fn is_boolean(declared: Option<&str>) -> bool {
    declared.is_some_and(|t| t.eq_ignore_ascii_case("BOOLEAN"))
}

fn read_table(db: &Connection, table: &str) -> Result<RawLayer, String> {
    let geometry = geometry_column(db, table)?;
    let crs = match &geometry {
        Some((_, srs)) => crs_of(db, *srs)?,
        None => None,
    };
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let mut st = db
        .prepare(&format!("SELECT * FROM {quoted}"))
        .map_err(|e| e.to_string())?;
    let columns: Vec<(String, bool)> = st
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), is_boolean(c.decl_type())))
        .collect();
    let geom_col = geometry
        .as_ref()
        .and_then(|(g, _)| columns.iter().position(|(c, _)| c.eq_ignore_ascii_case(g)));
    // The integer primary key (GeoPackage's `fid`) is the row's number, not an attribute.
    let pk: Option<usize> = {
        let mut info = db
            .prepare(&format!("PRAGMA table_info({quoted})"))
            .map_err(|e| e.to_string())?;
        let key = info
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .find(|(_, pk)| *pk == 1)
            .map(|(n, _)| n);
        key.and_then(|k| columns.iter().position(|(c, _)| *c == k))
    };
    let fields: Vec<usize> = (0..columns.len())
        .filter(|&i| Some(i) != geom_col && Some(i) != pk)
        .collect();
    let mut rows = st.query([]).map_err(|e| e.to_string())?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let index = features.len();
        let geometry = match geom_col {
            None => Err("the table has no geometry column".to_string()),
            Some(g) => match row.get_ref(g).map_err(|e| e.to_string())? {
                ValueRef::Null => Err("the feature has no geometry".to_string()),
                ValueRef::Blob(b) => super::wkb::read_gpkg(b)
                    .map_err(|e| format!("unreadable geometry: {e}"))
                    .and_then(|g| g.ok_or_else(|| "an empty geometry".to_string())),
                _ => Err("unreadable geometry: not a GeoPackage geometry blob".to_string()),
            },
        };
        let values = fields
            .iter()
            .map(|&i| {
                let v = row.get_ref(i).map_err(|e| e.to_string())?;
                Ok(match v {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) if columns[i].1 => Value::Bool(n != 0),
                    ValueRef::Integer(n) => Value::Number(n as f64),
                    ValueRef::Real(x) => Value::Number(x),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => Value::Null,
                })
            })
            .collect::<Result<Vec<Value>, String>>()?;
        features.push(RawFeature::new(index, geometry, values));
    }
    Ok(RawLayer {
        fields: fields.iter().map(|&i| columns[i].0.clone()).collect(),
        features,
        crs,
        encoding: None,
        notes: Vec::new(),
    })
}

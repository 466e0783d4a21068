//! The fixed plan's facilities in a GeoPackage: the table the plan was read from, changed
//! in the copy of its file, in one transaction. A changed facility's row is updated in
//! place, a new one inserted with its point as a GeoPackage geometry in the table's SRS; a
//! field the table lacks (the `remedy` id, say) is added as a column. The R-tree index
//! GDAL and QGIS keep beside the table follows through their own triggers, for which the
//! spatial functions they call (`ST_IsEmpty`, `ST_MinX`…) are provided here.
//!
//! A column declared as a whole number (`INTEGER`, `MEDIUMINT`…) holds whole numbers: a
//! floor area grown there is rounded up to the next whole square metre, so that what a GIS
//! reads of it still meets the requirement.

use std::collections::HashMap;
use std::path::Path;

use geo::BoundingRect;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;
use serde_json::Value;

use super::write::{Edit, Field};
use crate::read::{geopackage, wkb};

/// Applies `edits` to the table of the GeoPackage at `path` that the plan was read from
/// (`table`, else as [`geopackage::read`] chooses it); facilities are found by their
/// `id_name` column.
pub fn patch(
    path: &Path,
    table: Option<&str>,
    id_name: &str,
    edits: &[Edit],
) -> Result<(), String> {
    let mut db = Connection::open(path).map_err(|e| e.to_string())?;
    spatial_functions(&db).map_err(|e| e.to_string())?;
    let table = geopackage::chosen_table(&db, path, table).map_err(|e| e.to_string())?;
    let geometry = geopackage::geometry_column(&db, &table)?;
    let tx = db.transaction().map_err(|e| e.to_string())?;
    let mut layer = Table::open(&tx, &table, id_name)?;
    for edit in edits {
        match edit {
            Edit::Change { facility, fields } => {
                let row = *layer
                    .rows
                    .get(facility.as_str())
                    .ok_or_else(|| format!("no facility {facility} to change"))?;
                for (name, change) in fields {
                    layer.column(name, change)?;
                    let now = match change {
                        Field::Grow { .. } => layer.number(name, row)?,
                        Field::Put(_) => None,
                    };
                    let mut value = change.applied(now);
                    if matches!(change, Field::Grow { .. }) && layer.whole(name) {
                        value = value.as_f64().map_or(value, |x| Value::from(x.ceil()));
                    }
                    let sql = format!(
                        "UPDATE {} SET {} = ?1 WHERE rowid = ?2",
                        quote(&table),
                        quote(name)
                    );
                    tx.execute(&sql, rusqlite::params![sql_value(&value), row])
                        .map_err(|e| e.to_string())?;
                }
            }
            Edit::Add { fields, at } => {
                let (column, srs_id) = geometry
                    .as_ref()
                    .ok_or("the table has no geometry column to put a new facility in")?;
                let point = geo::Geometry::Point(geo::Point::new(at.0, at.1));
                let mut names = vec![quote(column)];
                let mut values = vec![Sql::Blob(wkb::write_gpkg(&point, *srs_id as i32))];
                for (name, v) in fields {
                    layer.column(name, &Field::Put(v.clone()))?;
                    names.push(quote(name));
                    values.push(sql_value(v));
                }
                let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote(&table),
                    names.join(", "),
                    marks.join(", ")
                );
                tx.execute(&sql, rusqlite::params_from_iter(values))
                    .map_err(|e| e.to_string())?;
                // The layer's extent, as gpkg_contents states it, takes the new point in.
                tx.execute(
                    "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), max_x = max(coalesce(max_x, ?1), ?1), \
                     min_y = min(coalesce(min_y, ?2), ?2), max_y = max(coalesce(max_y, ?2), ?2) WHERE table_name = ?3",
                    rusqlite::params![at.0, at.1, table],
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    tx.commit().map_err(|e| e.to_string())
}

/// A table being changed: its columns (name and declared type) and its rows by facility id.
struct Table<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    name: String,
    columns: Vec<(String, String)>,
    rows: HashMap<String, i64>,
}

impl<'t> Table<'t> {
    fn open(tx: &'t rusqlite::Transaction<'t>, name: &str, id_name: &str) -> Result<Self, String> {
        let err = |e: rusqlite::Error| e.to_string();
        let mut info = tx
            .prepare(&format!("PRAGMA table_info({})", quote(name)))
            .map_err(err)?;
        let columns: Vec<(String, String)> = info
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let mut rows = HashMap::new();
        if let Some((id, _)) = columns.iter().find(|(c, _)| c == id_name) {
            let mut st = tx
                .prepare(&format!("SELECT rowid, {} FROM {}", quote(id), quote(name)))
                .map_err(err)?;
            let mut q = st.query([]).map_err(err)?;
            while let Some(r) = q.next().map_err(err)? {
                if let Some(text) = id_text(r.get_ref(1).map_err(err)?) {
                    rows.entry(text).or_insert(r.get::<_, i64>(0).map_err(err)?);
                }
            }
        }
        Ok(Table {
            tx,
            name: name.to_string(),
            columns,
            rows,
        })
    }

    /// Adds the column `name` when the table lacks it, typed after the value it gets.
    fn column(&mut self, name: &str, change: &Field) -> Result<(), String> {
        if self.columns.iter().any(|(c, _)| c == name) {
            return Ok(());
        }
        let kind = match change {
            Field::Grow { .. } => "REAL",
            Field::Put(Value::Bool(_)) => "BOOLEAN",
            Field::Put(Value::Number(n)) if n.is_i64() => "INTEGER",
            Field::Put(Value::Number(_)) => "REAL",
            Field::Put(_) => "TEXT",
        };
        let sql = format!(
            "ALTER TABLE {} ADD COLUMN {} {kind}",
            quote(&self.name),
            quote(name)
        );
        self.tx.execute(&sql, []).map_err(|e| e.to_string())?;
        self.columns.push((name.to_string(), kind.to_string()));
        Ok(())
    }

    /// The column is declared to hold whole numbers.
    fn whole(&self, name: &str) -> bool {
        self.columns
            .iter()
            .find(|(c, _)| c == name)
            .is_some_and(|(_, t)| t.to_ascii_uppercase().contains("INT"))
    }

    /// A row's value of a column as a number, when it is one.
    fn number(&self, column: &str, row: i64) -> Result<Option<f64>, String> {
        let sql = format!(
            "SELECT {} FROM {} WHERE rowid = ?1",
            quote(column),
            quote(&self.name)
        );
        self.tx
            .query_row(&sql, [row], |r| {
                Ok(match r.get_ref(0)? {
                    ValueRef::Integer(n) => Some(n as f64),
                    ValueRef::Real(x) => Some(x),
                    ValueRef::Text(t) => std::str::from_utf8(t)
                        .ok()
                        .and_then(|s| s.trim().parse().ok()),
                    _ => None,
                })
            })
            .map_err(|e| e.to_string())
    }
}

/// An identifier quoted for SQL.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A facility's id as planlint reads it from a column: the reader's value of the cell
/// ([`geopackage::read`]), as a text field reads it.
fn id_text(v: ValueRef) -> Option<String> {
    use crate::read::value::Value as Cell;
    let value = match v {
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(n) => Cell::Number(n as f64),
        ValueRef::Real(x) => Cell::Number(x),
        _ => Cell::Null,
    };
    value.text()
}

fn sql_value(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// The spatial functions a GeoPackage's R-tree triggers call, over GeoPackage geometry
/// blobs: `ST_IsEmpty` and the bounding box's `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY`.
fn spatial_functions(db: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let rect = |ctx: &rusqlite::functions::Context| -> Option<geo::Rect<f64>> {
        match ctx.get_raw(0) {
            ValueRef::Blob(b) => wkb::read_gpkg(b).ok().flatten()?.bounding_rect(),
            _ => None,
        }
    };
    db.create_scalar_function("ST_IsEmpty", 1, flags, move |ctx| Ok(rect(ctx).is_none()))?;
    db.create_scalar_function("ST_MinX", 1, flags, move |ctx| {
        Ok(rect(ctx).map(|r| r.min().x))
    })?;
    db.create_scalar_function("ST_MaxX", 1, flags, move |ctx| {
        Ok(rect(ctx).map(|r| r.max().x))
    })?;
    db.create_scalar_function("ST_MinY", 1, flags, move |ctx| {
        Ok(rect(ctx).map(|r| r.min().y))
    })?;
    db.create_scalar_function("ST_MaxY", 1, flags, move |ctx| {
        Ok(rect(ctx).map(|r| r.max().y))
    })?;
    Ok(())
}

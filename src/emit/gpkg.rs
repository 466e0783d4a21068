//! GeoPackage: the findings and the service areas as two layers QGIS (and every OGC tool)
//! opens, in WGS 84 (EPSG:4326) or the CRS `--output-crs` names (`working`: the plan's
//! working CRS, in metres). The findings' attributes are the flat finding row
//! ([`super::row`]), typed: measured and required values as REAL, or in a date's case in
//! their `_date` column as DATE; the deficit REAL; the rest TEXT (the details as JSON). A
//! finding about the whole plan has no geometry.
//!
//! SQLite writes files, not streams: the GeoPackage is built in a scratch file beside the
//! system's temporary files and copied to the writer, so that `-o report.gpkg` (written
//! whole, then renamed) and a pipe both work.

use std::path::PathBuf;

use geo::{BoundingRect, Geometry, Rect};
use rusqlite::{params, Connection};

use super::row::Row;
use super::{EmitError, Emitter};
use crate::crs::{CrsSpec, Transformer};
use crate::model::Measure;
use crate::read::wkb;
use crate::report::Report;
use crate::text::Lang;

pub struct GpkgEmitter {
    pub lang: Lang,
    /// The geometry's CRS: `None` for WGS 84, `working` for the plan's working CRS, or
    /// any CRS PROJ knows.
    pub crs: Option<String>,
}

/// The SRS id of a CRS without an EPSG code (GeoPackage leaves ids to the writer).
const OWN_SRS_ID: i64 = 100_000;

impl GpkgEmitter {
    /// The CRS the geometry is written in, as PROJ is given it, and its SRS row (none for
    /// WGS 84, which every GeoPackage lists).
    fn target(&self, r: &Report) -> Result<(String, Option<crate::crs::CrsRecord>), EmitError> {
        let to = match self.crs.as_deref() {
            None => return Ok(("EPSG:4326".into(), None)),
            Some(c) if c.eq_ignore_ascii_case("working") => r.working_crs.clone(),
            Some(c) => c.to_string(),
        };
        let record = crate::crs::crs_record(&to)
            .map_err(|e| EmitError::Crs(format!("--output-crs {to}: {e}")))?;
        let wgs84 = matches!(&record.id, Some((a, 4326)) if a.eq_ignore_ascii_case("EPSG"));
        Ok((to, (!wgs84).then_some(record)))
    }
}

/// EPSG:4326 as GeoPackage's own SRS table writes it (OGC WKT 1).
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// The tables every GeoPackage has (OGC 12-128r18, 1.2), with the SRSs it must list.
const SCHEMA: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL,
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
CREATE TABLE findings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
  subject_layer TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT,
  measured REAL, measured_date DATE, required REAL, required_date DATE, unit TEXT,
  need TEXT, deficit REAL, missing_field TEXT,
  message TEXT, clause TEXT, waived TEXT, baseline TEXT, details TEXT);
CREATE TABLE service_areas (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom LINESTRING,
  facility TEXT NOT NULL, facility_name TEXT, from_m REAL, to_m REAL);
CREATE TABLE rejected (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, path TEXT NOT NULL,
  feature INTEGER NOT NULL, feature_id TEXT, field TEXT, reason TEXT NOT NULL);
"#;

/// A scratch file, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sql(e: rusqlite::Error) -> EmitError {
    EmitError::Io(std::io::Error::other(format!("GeoPackage: {e}")))
}

impl Emitter for GpkgEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        let shapes = r.geometry.as_ref().ok_or(EmitError::NoGeometry)?;
        let (to, record) = self.target(r)?;
        let srs_id = match &record {
            None => 4326,
            Some(c) => match &c.id {
                Some((auth, code)) if auth.eq_ignore_ascii_case("EPSG") => *code,
                _ => OWN_SRS_ID,
            },
        };
        let to_target =
            Transformer::new(&CrsSpec::Proj(r.working_crs.clone()), &to).map_err(EmitError::Crs)?;
        let moved = |mut g: Geometry<f64>| {
            to_target.transform_geometry(&mut g);
            g
        };
        // Unique per process and per report: two reports written at once (threads of a
        // batch, tests) must not share one (deleting an open database makes SQLite refuse
        // to write it: "attempt to write a readonly database").
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let scratch =
            Scratch(std::env::temp_dir().join(format!("planlint-{}-{n}.gpkg", std::process::id())));
        {
            let mut db = Connection::open(&scratch.0).map_err(sql)?;
            // A scratch file, copied out whole once written: no journal and no syncs (each
            // of the schema's statements synced cost a small report most of its time).
            db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                .map_err(sql)?;
            db.execute_batch(SCHEMA).map_err(sql)?;
            let tx = db.transaction().map_err(sql)?;
            tx.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
                [WGS84_WKT],
            )
            .map_err(sql)?;
            if let Some(c) = &record {
                let (org, code) = match &c.id {
                    Some((auth, code)) => (auth.as_str(), *code),
                    None => ("NONE", srs_id),
                };
                tx.execute(
                    "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        c.name,
                        srs_id,
                        org,
                        code,
                        c.wkt,
                        format!("the CRS of planlint's report ({to})")
                    ],
                )
                .map_err(sql)?;
            }
            let changed = format!("{}T00:00:00.000Z", r.as_of);
            let mut extent = Extent::default();
            {
                let mut insert = tx
                    .prepare("INSERT INTO findings (geom, rule, severity, status, subject_layer, subject_id, subject_name, measured, measured_date, required, required_date, unit, need, deficit, missing_field, message, clause, waived, baseline, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)")
                    .map_err(sql)?;
                for f in &r.findings {
                    let geom = shapes.of_subject(&f.subject).map(|g| {
                        let g = moved(g);
                        extent.add(&g);
                        wkb::write_gpkg(&g, srs_id as i32)
                    });
                    let row = Row::of(f, self.lang);
                    let (m, md) = split(row.measured);
                    let (q, qd) = split(row.required);
                    insert
                        .execute(params![
                            geom,
                            row.rule,
                            row.severity,
                            row.status,
                            row.subject_layer,
                            row.subject_id,
                            row.subject_name,
                            m,
                            md,
                            q,
                            qd,
                            row.unit,
                            row.need,
                            row.deficit,
                            row.missing_field,
                            row.message,
                            row.clause,
                            row.waived,
                            row.baseline,
                            row.details_json(),
                        ])
                        .map_err(sql)?;
                }
            }
            extent.register(&tx, "findings", "GEOMETRY", &changed, srs_id)?;
            let mut extent = Extent::default();
            {
                let mut insert = tx
                    .prepare("INSERT INTO service_areas (geom, facility, facility_name, from_m, to_m) VALUES (?1, ?2, ?3, ?4, ?5)")
                    .map_err(sql)?;
                for p in r.service_areas.iter().flatten() {
                    let line =
                        geo::LineString::from(vec![(p.from[0], p.from[1]), (p.to[0], p.to[1])]);
                    let g = moved(Geometry::LineString(line));
                    extent.add(&g);
                    insert
                        .execute(params![
                            wkb::write_gpkg(&g, srs_id as i32),
                            p.facility,
                            p.facility_name,
                            p.d_from,
                            p.d_to
                        ])
                        .map_err(sql)?;
                }
            }
            extent.register(&tx, "service_areas", "LINESTRING", &changed, srs_id)?;
            // The input features that were not checked, and why (the JSON report's
            // `inputs.*.rejected`): a table without geometry.
            {
                let mut insert = tx
                    .prepare("INSERT INTO rejected (layer, path, feature, feature_id, field, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .map_err(sql)?;
                for (layer, info) in &r.inputs {
                    for x in &info.rejected {
                        insert
                            .execute(params![
                                layer.as_str(),
                                info.path,
                                x.index as i64,
                                x.id,
                                x.field,
                                x.reason.get(self.lang)
                            ])
                            .map_err(sql)?;
                    }
                }
            }
            tx.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) VALUES ('rejected', 'attributes', 'rejected', ?1)",
                [&changed],
            )
            .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
        let bytes = std::fs::read(&scratch.0)?;
        w.write_all(&bytes)?;
        Ok(())
    }
}

/// A measure as a number column and a date column.
fn split(m: &Measure) -> (Option<f64>, Option<String>) {
    match m {
        Measure::Number(x) => (Some(*x), None),
        Measure::Date(d) => (None, Some(d.to_string())),
        Measure::Null => (None, None),
    }
}

/// The bounding box of a layer's geometries, for `gpkg_contents`.
#[derive(Default)]
struct Extent(Option<Rect<f64>>);

impl Extent {
    fn add(&mut self, g: &Geometry<f64>) {
        let Some(b) = g.bounding_rect() else { return };
        self.0 = Some(match self.0 {
            None => b,
            Some(a) => crate::geometry::union(a, b),
        });
    }

    /// Lists the table in `gpkg_contents` and its geometry column.
    fn register(
        &self,
        db: &Connection,
        table: &str,
        kind: &str,
        changed: &str,
        srs_id: i64,
    ) -> Result<(), EmitError> {
        let b = self.0;
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                table,
                changed,
                b.map(|b| b.min().x),
                b.map(|b| b.min().y),
                b.map(|b| b.max().x),
                b.map(|b| b.max().y),
                srs_id
            ],
        )
        .map_err(sql)?;
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            params![table, kind, srs_id],
        )
        .map_err(sql)?;
        Ok(())
    }
}

//! GeoJSON: the findings as features in WGS 84 (RFC 7946), for QGIS, their properties the
//! flat finding row ([`super::row`]). Each finding carries its subject's geometry (a compound's or unit's polygon, a facility's point or parcel);
//! findings about the whole plan have none. The service areas are written the same way.

use geo::Geometry;
use serde_json::{json, Value};

use super::row::{Row, COLUMNS};
use super::{EmitError, Emitter};
use crate::crs::{CrsSpec, Transformer};
use crate::model::Measure;
use crate::report::Report;
use crate::text::Lang;

pub struct GeojsonEmitter {
    pub lang: Lang,
}

/// Moves working-CRS geometry into WGS 84 as a GeoJSON geometry value.
struct ToWgs84(Transformer);

impl ToWgs84 {
    fn new(r: &Report) -> Result<ToWgs84, EmitError> {
        Transformer::new(&CrsSpec::Proj(r.working_crs.clone()), "EPSG:4326")
            .map(ToWgs84)
            .map_err(EmitError::Crs)
    }

    fn value(&self, mut g: Geometry<f64>) -> Value {
        self.0.transform_geometry(&mut g);
        serde_json::to_value(geojson::Geometry::from(&g)).unwrap_or(Value::Null)
    }
}

/// A FeatureCollection, compact, with a final newline.
fn collection(w: &mut dyn std::io::Write, features: Vec<Value>) -> Result<(), EmitError> {
    let fc = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_writer(&mut *w, &fc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")?;
    Ok(())
}

impl Emitter for GeojsonEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        let back = ToWgs84::new(r)?;
        let shapes = r.geometry.as_ref().ok_or(EmitError::NoGeometry)?;
        let features: Vec<Value> = r
            .findings
            .iter()
            .map(|f| {
                let props = properties(&Row::of(f, self.lang));
                let geometry = shapes.of_subject(&f.subject).map(|g| back.value(g));
                json!({"type": "Feature", "geometry": geometry, "properties": props})
            })
            .collect();
        collection(w, features)
    }
}

/// A finding's properties: the flat finding row ([`super::row`]), a measure a number or
/// an ISO date, the details an object.
fn properties(row: &Row) -> Value {
    let measure = |m: &Measure| match m {
        Measure::Number(x) => json!(x),
        Measure::Date(d) => json!(d.to_string()),
        Measure::Null => Value::Null,
    };
    let cells: [Value; 17] = [
        json!(row.rule),
        json!(row.severity),
        json!(row.status),
        json!(row.subject_layer),
        json!(row.subject_id),
        json!(row.subject_name),
        measure(row.measured),
        measure(row.required),
        json!(row.unit),
        json!(row.need),
        json!(row.deficit),
        json!(row.missing_field),
        json!(row.message),
        json!(row.clause),
        json!(row.waived),
        json!(row.baseline),
        serde_json::to_value(row.details).unwrap_or(Value::Null),
    ];
    Value::Object(
        COLUMNS
            .iter()
            .zip(cells)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The service areas as GeoJSON lines in WGS 84: each stretch of road with the facility
/// that reaches it and the walking distances at its two ends.
pub fn service_areas(w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
    let back = ToWgs84::new(r)?;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let features: Vec<Value> = r
        .service_areas
        .iter()
        .flatten()
        .map(|p| {
            let line = geo::LineString::from(vec![(p.from[0], p.from[1]), (p.to[0], p.to[1])]);
            json!({
                "type": "Feature",
                "geometry": back.value(Geometry::LineString(line)),
                "properties": {"facility": p.facility, "facility_name": p.facility_name, "from_m": round(p.d_from), "to_m": round(p.d_to)},
            })
        })
        .collect();
    collection(w, features)
}

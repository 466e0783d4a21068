//! GeoJSON: the findings as features in WGS 84 (RFC 7946), for QGIS. Each finding carries
//! its subject's geometry (a compound's or unit's polygon, a facility's point or parcel);
//! findings about the whole plan have none. The service areas are written the same way.

use geo::Geometry;
use serde_json::{json, Value};

use super::{json, EmitError, Emitter};
use crate::crs::{CrsSpec, Transformer};
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
                let mut props = json::finding_value(f, self.lang);
                let geometry = shapes.of_subject(&f.subject).map(|g| back.value(g));
                if let Some(o) = props.as_object_mut() {
                    o.insert("subject_layer".into(), f.subject.layer.as_str().into());
                    o.insert("subject_id".into(), f.subject.id.clone().into());
                }
                json!({"type": "Feature", "geometry": geometry, "properties": props})
            })
            .collect();
        collection(w, features)
    }
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

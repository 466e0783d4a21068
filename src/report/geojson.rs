//! GeoJSON: the findings as features in WGS 84 (RFC 7946), for QGIS. Each finding carries
//! its subject's geometry (a compound's or unit's polygon, a facility's point or parcel);
//! findings about the whole plan have none.

use geo::Geometry;
use serde_json::{json, Value};

use super::json;
use super::Report;
use crate::crs::{CrsSpec, Transformer};
use crate::finding::Finding;
use crate::plan::model::{Footprint, Layer, Plan};
use crate::text::Lang;

pub fn write(r: &Report, plan: &Plan, lang: Lang) -> Result<String, String> {
    let back = Transformer::new(&CrsSpec::Proj(plan.working_crs.clone()), "EPSG:4326")?;
    let features: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let p = json::finding_value(f, lang);
            let geometry = subject_geometry(f, plan).map(|mut g| {
                back.transform_geometry(&mut g);
                serde_json::to_value(geojson::Geometry::from(&g)).unwrap_or(Value::Null)
            });
            let mut props = p;
            if let Some(o) = props.as_object_mut() {
                o.insert("subject_layer".into(), f.subject.layer.as_str().into());
                o.insert("subject_id".into(), f.subject.id.clone().into());
            }
            json!({"type": "Feature", "geometry": geometry, "properties": props})
        })
        .collect();
    let fc = json!({"type": "FeatureCollection", "features": features});
    let mut s = serde_json::to_string(&fc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

fn subject_geometry(f: &Finding, plan: &Plan) -> Option<Geometry<f64>> {
    let i = f.subject.index?;
    Some(match f.subject.layer {
        Layer::Compounds => Geometry::MultiPolygon(plan.compounds.get(i)?.geometry.clone()),
        Layer::Units => Geometry::MultiPolygon(plan.units.get(i)?.geometry.clone()),
        Layer::Facilities => match &plan.facilities.get(i)?.geometry {
            Footprint::Point(p) => Geometry::Point(*p),
            Footprint::Parcel(mp) => Geometry::MultiPolygon(mp.clone()),
        },
        _ => return None,
    })
}

/// The service areas as GeoJSON lines in WGS 84: each stretch of road with the facility
/// that reaches it and the walking distances at its two ends.
pub fn service_areas(pieces: &[crate::network::Piece], plan: &Plan) -> Result<String, String> {
    let back = Transformer::new(&CrsSpec::Proj(plan.working_crs.clone()), "EPSG:4326")?;
    let features: Vec<Value> = pieces
        .iter()
        .map(|p| {
            let mut g = Geometry::LineString(geo::LineString::from(vec![(p.from[0], p.from[1]), (p.to[0], p.to[1])]));
            back.transform_geometry(&mut g);
            let f = &plan.facilities[p.source];
            let round = |x: f64| (x * 100.0).round() / 100.0;
            json!({
                "type": "Feature",
                "geometry": serde_json::to_value(geojson::Geometry::from(&g)).unwrap_or(Value::Null),
                "properties": {"facility": f.id, "facility_name": f.name, "from_m": round(p.d_from), "to_m": round(p.d_to)},
            })
        })
        .collect();
    let mut s = serde_json::to_string(&json!({"type": "FeatureCollection", "features": features}))
        .map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

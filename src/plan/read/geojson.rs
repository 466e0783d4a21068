//! GeoJSON (RFC 7946, and the legacy `crs` member): each feature parsed on its own, so that
//! one malformed feature is rejected alone.

use std::path::Path;

use geo::Geometry;

use super::{RawFeature, RawLayer};
use crate::plan::value::Value;
use crate::plan::PlanError;

pub fn read(path: &Path) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PlanError::file(path, e))?;
    let root: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| PlanError::Parse(name.clone(), format!("not JSON: {e}")))?;
    let serde_json::Value::Object(mut root) = root else {
        return Err(PlanError::Parse(name, "not a GeoJSON object".into()));
    };
    let crs = root.get("crs").and_then(named_crs);
    // Each feature is parsed on its own, so that one malformed feature is rejected alone.
    let features: Vec<serde_json::Value> = match root.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => match root.remove("features") {
            Some(serde_json::Value::Array(fs)) => fs,
            _ => {
                return Err(PlanError::Parse(
                    name,
                    "a FeatureCollection without a 'features' array".into(),
                ))
            }
        },
        Some("Feature") => vec![serde_json::Value::Object(root)],
        Some(_) => vec![
            serde_json::json!({"type": "Feature", "geometry": serde_json::Value::Object(root), "properties": null}),
        ],
        None => {
            return Err(PlanError::Parse(
                name,
                "not a GeoJSON object (no 'type')".into(),
            ))
        }
    };
    let mut fields: Vec<String> = Vec::new();
    for f in &features {
        for k in f
            .get("properties")
            .and_then(|p| p.as_object())
            .into_iter()
            .flat_map(|p| p.keys())
        {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
    }
    let raw = features
        .into_iter()
        .enumerate()
        .map(|(index, mut f)| {
            let geometry = match f.get_mut("geometry").map(serde_json::Value::take) {
                None | Some(serde_json::Value::Null) => {
                    Err("the feature has no geometry".to_string())
                }
                Some(g) => serde_json::from_value::<geojson::Geometry>(g)
                    .map_err(|e| format!("unreadable geometry: {e}"))
                    .and_then(|g| {
                        Geometry::<f64>::try_from(g)
                            .map_err(|e| format!("unreadable geometry: {e}"))
                    }),
            };
            let props = f.get("properties").and_then(|p| p.as_object());
            let values = fields
                .iter()
                .map(|k| props.and_then(|p| p.get(k)).map_or(Value::Null, json_value))
                .collect();
            RawFeature::new(index, geometry, values)
        })
        .collect();
    Ok(RawLayer {
        fields,
        features: raw,
        crs,
        encoding: None,
        notes: Vec::new(),
    })
}

/// The legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}`).
fn named_crs(v: &serde_json::Value) -> Option<String> {
    let name = v.get("properties")?.get("name")?.as_str()?;
    if let Some(code) = name.strip_prefix("urn:ogc:def:crs:EPSG::") {
        return Some(format!("EPSG:{code}"));
    }
    if name.ends_with("CRS84") {
        return Some("EPSG:4326".into());
    }
    Some(name.to_string())
}

fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

//! The fixed plan, written: a copy of the plan folder (every file as it was, plan.toml
//! included) whose facilities layer has the remedies applied — new facilities appended
//! (`status = planned`, their `remedy`), enlarged ones changed in place, each field under
//! the layer's own name for it — and the remedies as `remedies.geojson` and `remedies.csv`.
//! `planlint check OUT` reads it as any plan.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::{Action, Fix, Remedy};
use crate::crs::{gcj02, CrsSpec, Transformer};
use crate::model::{Layer, LayerInfo, Plan};
use crate::read::Sources;
use crate::text::Lang;

/// Writes the plan of `sources` (what was read of its layers: `inputs`; placed in
/// `working_crs`) with `fix` applied into the folder `out`. The error names the file.
pub fn fixed_plan(
    sources: &Sources,
    inputs: &[(Layer, LayerInfo)],
    plan: &Plan,
    fix: &Fix,
    out: &Path,
) -> Result<(), String> {
    let dir = sources.dir.as_deref().ok_or_else(|| {
        "planlint fix writes a plan held in a folder; give the plan's folder".to_string()
    })?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(dir, out) {
        return Err(format!(
            "{}: the fixed plan is written beside the plan, not over it: give another folder",
            out.display()
        ));
    }
    copy_dir(dir, out)?;
    if let Some(toml) = &sources.settings_file {
        let inside = out.join("plan.toml");
        if !inside.exists() {
            copy(toml, &inside)?;
        }
    }
    let info = inputs
        .iter()
        .find(|(l, _)| *l == Layer::Facilities)
        .map(|(_, i)| i);
    let (path, text) = match info {
        Some(info) => {
            let rel = relative(dir, Path::new(&info.path)).ok_or_else(|| {
                format!(
                    "{}: planlint fix changes a facilities layer inside the plan's folder",
                    info.path
                )
            })?;
            let ext = rel
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            if !matches!(ext.as_deref(), Some("geojson" | "json")) {
                return Err(format!(
                    "{}: planlint fix writes its facilities into a GeoJSON layer; this one is not (convert it: ogr2ogr -f GeoJSON facilities.geojson {})",
                    info.path, info.path
                ));
            }
            let target = out.join(&rel);
            let text = std::fs::read_to_string(&target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
            (target, Some(text))
        }
        None => (out.join("facilities.geojson"), None),
    };
    let patched = patched_facilities(text.as_deref(), info, plan, fix)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(&path, patched).map_err(|e| format!("{}: {e}", path.display()))
}

/// Copies the folder `from` into `to` (made if missing), leaving out `to` itself when it
/// lies inside `from`.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let skip = to.canonicalize().ok();
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let path = entry.path();
        if path.canonicalize().ok() == skip {
            continue;
        }
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            copy(&path, &target)?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))
}

/// `path` relative to `dir`, when it lies inside it.
fn relative(dir: &Path, path: &Path) -> Option<PathBuf> {
    if let Ok(rel) = path.strip_prefix(dir) {
        return Some(rel.to_path_buf());
    }
    let (dir, path) = (dir.canonicalize().ok()?, path.canonicalize().ok()?);
    path.strip_prefix(dir).ok().map(Path::to_path_buf)
}

/// The layer's own name for a canonical field (its canonical name where it has none).
fn field<'a>(info: Option<&'a LayerInfo>, canonical: &'a str) -> &'a str {
    info.and_then(|i| i.fields.iter().find(|(c, _)| *c == canonical))
        .map_or(canonical, |(_, own)| own.as_str())
}

/// The facilities layer's GeoJSON (`text`; none: a new layer) with the remedies applied.
fn patched_facilities(
    text: Option<&str>,
    info: Option<&LayerInfo>,
    plan: &Plan,
    fix: &Fix,
) -> Result<String, String> {
    let mut doc: Value = match text {
        Some(t) => serde_json::from_str(t).map_err(|e| e.to_string())?,
        None => json!({"type": "FeatureCollection", "features": []}),
    };
    let crs = info.and_then(|i| i.crs.as_deref()).map(CrsSpec::parse);
    let to_layer = LayerPoints::new(&plan.working_crs, crs.unwrap_or(CrsSpec::LonLat))?;
    let features = doc
        .get_mut("features")
        .and_then(Value::as_array_mut)
        .ok_or("not a FeatureCollection")?;
    let id_name = field(info, "id");
    for r in &fix.remedies {
        match r.action {
            Action::Enlarge => {
                let feature = features
                    .iter_mut()
                    .find(|f| id_of(f, id_name).as_deref() == Some(r.facility_id.as_str()))
                    .ok_or_else(|| format!("no facility {} to enlarge", r.facility_id))?;
                let props = feature
                    .get_mut("properties")
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| format!("facility {} has no properties", r.facility_id))?;
                // What the plan read: a parcel without `land_area` has its planar area.
                let read = plan.facilities.iter().find(|f| f.id == r.facility_id);
                let mut grow = |canonical: &str, by: f64| {
                    if by > 0.0 {
                        let name = field(info, canonical);
                        let known = match canonical {
                            "land_area" => read.and_then(|f| f.land_area),
                            _ => None,
                        };
                        let before = props.get(name).and_then(number).or(known).unwrap_or(0.0);
                        props.insert(name.into(), json!(tenths(before + by)));
                    }
                };
                grow("floor_area", r.floor_area);
                grow("land_area", r.more.land_area);
                grow("beds", r.more.beds as f64);
                grow("nursing_beds", r.more.nursing_beds as f64);
                grow("long_term_beds", r.more.long_term_beds as f64);
                grow("family_beds", r.more.family_beds as f64);
                props.insert("remedy".into(), json!(r.id));
            }
            Action::Advance => {
                let Some((date_field, date)) = r.advance else {
                    continue;
                };
                let feature = features
                    .iter_mut()
                    .find(|f| id_of(f, id_name).as_deref() == Some(r.facility_id.as_str()))
                    .ok_or_else(|| format!("no facility {} to advance", r.facility_id))?;
                let props = feature
                    .get_mut("properties")
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| format!("facility {} has no properties", r.facility_id))?;
                props.insert(field(info, date_field).into(), json!(date.to_string()));
                props.insert("remedy".into(), json!(r.id));
            }
            Action::Add => features.push(new_feature(r, info, &to_layer)?),
        }
    }
    serde_json::to_string(&doc).map_err(|e| e.to_string())
}

/// A float rounded to a tenth (a sum of tenths, without float noise).
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A feature's id: its `id` property (the layer's name for it), else its GeoJSON id.
fn id_of(feature: &Value, id_name: &str) -> Option<String> {
    let v = feature
        .get("properties")
        .and_then(|p| p.get(id_name))
        .or_else(|| feature.get("id"))?;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A new facility as a feature of the layer: its fields under the layer's names.
fn new_feature(
    r: &Remedy,
    info: Option<&LayerInfo>,
    to_layer: &LayerPoints,
) -> Result<Value, String> {
    let at = r.at.ok_or("a new facility without a site")?;
    let (x, y) = to_layer.point(at)?;
    let mut props = Map::new();
    let mut put = |canonical: &str, v: Value| {
        props.insert(field(info, canonical).to_string(), v);
    };
    put("id", json!(r.facility_id));
    put("name", json!(r.name));
    put("kind", json!(r.kind.map(|k| k.name())));
    if r.floor_area > 0.0 {
        put("floor_area", json!(r.floor_area));
    }
    if r.more.land_area > 0.0 {
        put("land_area", json!(r.more.land_area));
    }
    // A station has no beds; a new institution states its beds, operator and level.
    if let Some(op) = r.traits.operator {
        put("beds", json!(r.more.beds));
        put("nursing_beds", json!(r.more.nursing_beds));
        put("operator", json!(op));
    }
    for (name, count) in [
        ("long_term_beds", r.more.long_term_beds),
        ("family_beds", r.more.family_beds),
    ] {
        if count > 0 {
            put(name, json!(count));
        }
    }
    if let Some(m) = r.traits.medical_care {
        put("medical_care", json!(m));
    }
    if let Some(c) = r.traits.clinic {
        put("clinic", json!(c));
    }
    if let Some(l) = r.traits.level {
        put("level", json!(l));
    }
    put("status", json!("planned"));
    // Started no later than completed: a new facility says both (a count of facilities
    // started by a date reads the start).
    if let Some(d) = r.traits.construction_start.or(r.completion_date) {
        put("construction_start", json!(d.to_string()));
    }
    if let Some(d) = r.completion_date {
        put("completion_date", json!(d.to_string()));
    }
    if let Some(c) = &r.compound_id {
        put("compound_id", json!(c));
    }
    props.insert("remedy".into(), json!(r.id));
    Ok(json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [x, y]},
    }))
}

/// Points from the working CRS into a layer's CRS (GCJ-02 and BD-09 through WGS 84).
struct LayerPoints {
    proj: Transformer,
    offset: Option<CrsSpec>,
}

impl LayerPoints {
    fn new(working: &str, layer: CrsSpec) -> Result<LayerPoints, String> {
        let working = CrsSpec::Proj(working.to_string());
        let (to, offset) = match &layer {
            CrsSpec::LonLat => ("EPSG:4326".to_string(), None),
            CrsSpec::Gcj02 | CrsSpec::Bd09 => ("EPSG:4326".to_string(), Some(layer.clone())),
            CrsSpec::Proj(s) => (s.clone(), None),
        };
        Ok(LayerPoints {
            proj: Transformer::new(&working, &to)?,
            offset,
        })
    }

    fn point(&self, p: geo::Point) -> Result<(f64, f64), String> {
        let mut c = [p.0];
        self.proj.transform(&mut c);
        let (x, y) = match self.offset {
            Some(CrsSpec::Gcj02) => gcj02::wgs84_to_gcj02(c[0].x, c[0].y),
            Some(CrsSpec::Bd09) => gcj02::wgs84_to_bd09(c[0].x, c[0].y),
            _ => (c[0].x, c[0].y),
        };
        if x.is_finite() && y.is_finite() {
            Ok((x, y))
        } else {
            Err(format!(
                "PROJ could not move the point {:?} into the layer's CRS",
                p.0
            ))
        }
    }
}

/// The remedies as GeoJSON (WGS 84): one feature per remedy at its site, or at the
/// facility it enlarges.
pub fn remedies_geojson(plan: &Plan, fix: &Fix, lang: Lang) -> Result<String, String> {
    let to = LayerPoints::new(&plan.working_crs, CrsSpec::LonLat)?;
    let mut features = Vec::new();
    for r in &fix.remedies {
        let at = r.at.or_else(|| {
            plan.facilities
                .iter()
                .find(|f| f.id == r.facility_id)
                .map(|f| f.reference)
        });
        let geometry = match at {
            Some(p) => {
                let (x, y) = to.point(p)?;
                json!({"type": "Point", "coordinates": [x, y]})
            }
            None => Value::Null,
        };
        features.push(json!({
            "type": "Feature",
            "properties": row(r, lang),
            "geometry": geometry,
        }));
    }
    serde_json::to_string_pretty(&json!({"type": "FeatureCollection", "features": features}))
        .map_err(|e| e.to_string())
}

/// The columns of a remedy, as remedies.geojson's properties and remedies.csv's row.
pub const COLUMNS: [&str; 20] = [
    "remedy",
    "action",
    "facility_id",
    "name",
    "kind",
    "compound_id",
    "floor_area",
    "land_area",
    "beds",
    "nursing_beds",
    "long_term_beds",
    "family_beds",
    "operator",
    "medical_care",
    "clinic",
    "completion_date",
    "field",
    "date",
    "fixes",
    "reason",
];

fn row(r: &Remedy, lang: Lang) -> Map<String, Value> {
    let values = [
        json!(r.id),
        json!(r.action.as_str()),
        json!(r.facility_id),
        json!(r.name),
        json!(r.kind.map(|k| k.name())),
        json!(r.compound_id),
        json!(r.floor_area),
        json!(r.more.land_area),
        json!(r.more.beds),
        json!(r.more.nursing_beds),
        json!(r.more.long_term_beds),
        json!(r.more.family_beds),
        json!(r.traits.operator),
        json!(r.traits.medical_care),
        json!(r.traits.clinic),
        json!(r.completion_date.map(|d| d.to_string())),
        json!(r.advance.map(|(f, _)| f)),
        json!(r.advance.map(|(_, d)| d.to_string())),
        json!(r.fixes.iter().map(|f| f.to_string()).collect::<Vec<_>>()),
        json!(r.reason.get(lang)),
    ];
    COLUMNS.iter().map(|c| c.to_string()).zip(values).collect()
}

/// The remedies as CSV: the columns of [`COLUMNS`], `fixes` joined by spaces.
pub fn remedies_csv(fix: &Fix, lang: Lang) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for r in &fix.remedies {
        let cells: Vec<String> = row(r, lang)
            .into_iter()
            .map(|(_, v)| match v {
                Value::Null => String::new(),
                Value::String(s) => s,
                Value::Array(a) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.to_string(),
            })
            .collect();
        w.write_record(&cells).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

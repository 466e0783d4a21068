//! The fixed plan, written: a copy of the plan folder (every file as it was, plan.toml
//! included) whose facilities layer, a GeoJSON file or a GeoPackage table
//! ([`super::gpkg`]), has the remedies applied — new facilities appended (`status =
//! planned`, their `remedy`), enlarged ones changed in place, each field under the layer's
//! own name for it — and the remedies as `remedies.geojson` and `remedies.csv`. `planlint
//! check OUT` reads it as any plan.

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
    let crs = info.and_then(|i| i.crs.as_deref()).map(CrsSpec::parse);
    let to_layer = LayerPoints::new(&plan.working_crs, crs.unwrap_or(CrsSpec::LonLat))?;
    let edits = edits(info, plan, fix, &to_layer)?;
    let id_name = field(info, "id");
    let Some(info) = info else {
        // No facilities layer: the new ones make one.
        let path = out.join("facilities.geojson");
        let patched = patched_geojson(None, id_name, &edits)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return std::fs::write(&path, patched).map_err(|e| format!("{}: {e}", path.display()));
    };
    let (file, table) = match crate::read::split_layer(Path::new(&info.path)) {
        Some((file, table)) => (file, Some(table)),
        None => (PathBuf::from(&info.path), None),
    };
    let rel = relative(dir, &file).ok_or_else(|| {
        format!(
            "{}: planlint fix changes a facilities layer inside the plan's folder",
            info.path
        )
    })?;
    let target = out.join(&rel);
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("geojson" | "json") => {
            let text = std::fs::read_to_string(&target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
            let patched = patched_geojson(Some(&text), id_name, &edits)
                .map_err(|e| format!("{}: {e}", target.display()))?;
            std::fs::write(&target, patched).map_err(|e| format!("{}: {e}", target.display()))
        }
        Some("gpkg") => super::gpkg::patch(&target, table.as_deref(), id_name, &edits)
            .map_err(|e| format!("{}: {e}", target.display())),
        _ => Err(format!(
            "{}: planlint fix writes its facilities into a GeoJSON or GeoPackage layer; this one is neither (convert it: ogr2ogr -f GeoJSON facilities.geojson {})",
            info.path, info.path
        )),
    }
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

/// What a remedy does to the facilities layer, each field under the layer's own name for
/// it: what both the GeoJSON and the GeoPackage writers apply, in the remedies' order.
pub(super) enum Edit {
    /// The facility whose id is `facility`: these fields set or grown, and its `remedy`.
    Change {
        facility: String,
        fields: Vec<(String, Field)>,
    },
    /// A new facility: its fields, and its point in the layer's CRS.
    Add {
        fields: Map<String, Value>,
        at: (f64, f64),
    },
}

/// A change to one field of a facility.
pub(super) enum Field {
    Put(Value),
    /// Its value (else `known`, what the plan read, else 0) and `by` more, to a tenth.
    Grow {
        by: f64,
        known: Option<f64>,
    },
}

impl Field {
    /// The field's new value, from what the layer holds now.
    pub(super) fn applied(&self, now: Option<f64>) -> Value {
        match self {
            Field::Put(v) => v.clone(),
            Field::Grow { by, known } => json!(tenths(now.or(*known).unwrap_or(0.0) + by)),
        }
    }
}

/// The remedies of `fix` as edits of the facilities layer (`info`; none: a new one).
fn edits(
    info: Option<&LayerInfo>,
    plan: &Plan,
    fix: &Fix,
    to_layer: &LayerPoints,
) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for r in &fix.remedies {
        let mut fields: Vec<(String, Field)> = Vec::new();
        match r.action {
            Action::Enlarge => {
                // What the plan read: a parcel without `land_area` has its planar area.
                let read = plan.facilities.iter().find(|f| f.id == r.facility_id);
                let mut grow = |canonical: &str, by: f64| {
                    if by > 0.0 {
                        let known = match canonical {
                            "land_area" => read.and_then(|f| f.land_area),
                            _ => None,
                        };
                        fields.push((field(info, canonical).into(), Field::Grow { by, known }));
                    }
                };
                grow("floor_area", r.floor_area);
                grow("land_area", r.more.land_area);
                grow("beds", r.more.beds as f64);
                grow("nursing_beds", r.more.nursing_beds as f64);
                grow("long_term_beds", r.more.long_term_beds as f64);
                grow("family_beds", r.more.family_beds as f64);
            }
            Action::Advance => {
                let Some((date_field, date)) = r.advance else {
                    continue;
                };
                fields.push((
                    field(info, date_field).into(),
                    Field::Put(json!(date.to_string())),
                ));
            }
            Action::Add => {
                edits.push(new_facility(r, info, to_layer)?);
                continue;
            }
        }
        fields.push(("remedy".into(), Field::Put(json!(r.id))));
        edits.push(Edit::Change {
            facility: r.facility_id.clone(),
            fields,
        });
    }
    Ok(edits)
}

/// The facilities layer's GeoJSON (`text`; none: a new layer) with the edits applied.
fn patched_geojson(text: Option<&str>, id_name: &str, edits: &[Edit]) -> Result<String, String> {
    let mut doc: Value = match text {
        Some(t) => serde_json::from_str(t).map_err(|e| e.to_string())?,
        None => json!({"type": "FeatureCollection", "features": []}),
    };
    let features = doc
        .get_mut("features")
        .and_then(Value::as_array_mut)
        .ok_or("not a FeatureCollection")?;
    for edit in edits {
        match edit {
            Edit::Change { facility, fields } => {
                let feature = features
                    .iter_mut()
                    .find(|f| id_of(f, id_name).as_deref() == Some(facility.as_str()))
                    .ok_or_else(|| format!("no facility {facility} to change"))?;
                let props = feature
                    .get_mut("properties")
                    .and_then(Value::as_object_mut)
                    .ok_or_else(|| format!("facility {facility} has no properties"))?;
                for (name, change) in fields {
                    let now = props.get(name).and_then(number);
                    props.insert(name.clone(), change.applied(now));
                }
            }
            Edit::Add { fields, at } => features.push(json!({
                "type": "Feature",
                "properties": fields,
                "geometry": {"type": "Point", "coordinates": [at.0, at.1]},
            })),
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

/// A new facility for the layer: its fields under the layer's names, and its point.
fn new_facility(
    r: &Remedy,
    info: Option<&LayerInfo>,
    to_layer: &LayerPoints,
) -> Result<Edit, String> {
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
    Ok(Edit::Add {
        fields: props,
        at: (x, y),
    })
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

//! What each fuzz target does with its input. The targets (`tests/fuzz/fuzz_targets/`)
//! call these on nightly under libFuzzer; `tests/fuzz_corpora.rs` replays the kept corpora
//! (`tests/fuzz/corpus/<target>/`) and the crashes found (`tests/fuzz/regressions/`) through
//! the same functions on stable, as part of `cargo test`.
//!
//! Each function must return for any input, in bounded time, without panicking. Where a
//! plan is read, it also asserts the accounting of issue 12: every feature of a layer is
//! either kept or rejected with its reason. Each says whether the input went all the way
//! (a report written, a table read), so that a replay can tell a harness that checks
//! nothing.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use planlint::emit::Format;
use planlint::model::Layer;
use planlint::place;
use planlint::profile::Profile;
use planlint::read::Sources;
use planlint::text::Lang;

/// A target: takes any input, says whether it went all the way.
pub type Target = fn(&[u8]) -> bool;

/// The targets, by name: what `cargo fuzz run NAME` runs and the corpus folder's name.
pub const TARGETS: &[(&str, Target)] = &[
    ("geojson", geojson),
    ("shapefile", shapefile),
    ("dbf", dbf),
    ("phases_csv", phases_csv),
    ("plan_toml", plan_toml),
    ("profile_toml", profile_toml),
    ("osm_pbf", osm_pbf),
    ("check", check),
    ("wkb", wkb),
];

/// The repository (found from this crate's or the fuzz crate's manifest).
pub fn repo() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("fixtures/basic/plan.toml").is_file())
        .unwrap_or(here)
        .to_path_buf()
}

/// A scratch plan folder of this thread's own, made once from `fixtures/basic` and the
/// roads of `fixtures/network`: each input replaces one of its files.
fn scratch() -> PathBuf {
    thread_local! {
        static DIR: PathBuf = {
            let dir = std::env::temp_dir().join(format!(
                "planlint-fuzz-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ))
            .to_path_buf();
            let dir = PathBuf::from(dir.to_string_lossy().replace(['(', ')'], ""));
            reset(&dir);
            dir
        };
    }
    DIR.with(|d| {
        reset(d);
        d.clone()
    })
}

/// The scratch folder back to its base files.
fn reset(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("a scratch folder");
    let repo = repo();
    for f in [
        "compounds.geojson",
        "facilities.geojson",
        "units.geojson",
        "phases.csv",
        "plan.toml",
    ] {
        std::fs::copy(repo.join("fixtures/basic").join(f), dir.join(f)).expect("fixture");
    }
    std::fs::copy(
        repo.join("fixtures/network/roads.geojson"),
        dir.join("roads.geojson"),
    )
    .expect("fixture");
}

/// Splits `data` into `n` parts, each a 4-byte little-endian length and its bytes (the
/// last part takes what is left). `tests/fuzz/seed.py` writes inputs this way.
pub fn sections(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut rest = data;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i + 1 == n {
            out.push(rest);
            break;
        }
        let Some((len, tail)) = rest.split_first_chunk::<4>() else {
            out.push(&[][..]);
            rest = &[];
            continue;
        };
        let len = (u32::from_le_bytes(*len) as usize).min(tail.len());
        out.push(&tail[..len]);
        rest = &tail[len..];
    }
    out
}

const LAYER_FILES: [(&str, Layer); 4] = [
    ("compounds.geojson", Layer::Compounds),
    ("facilities.geojson", Layer::Facilities),
    ("units.geojson", Layer::Units),
    ("roads.geojson", Layer::Roads),
];

/// GeoJSON: the first byte picks the layer the rest replaces; the whole plan is checked.
pub fn geojson(data: &[u8]) -> bool {
    let Some((&pick, text)) = data.split_first() else {
        return false;
    };
    let dir = scratch();
    let (file, _) = LAYER_FILES[usize::from(pick) % LAYER_FILES.len()];
    std::fs::write(dir.join(file), text).expect("write");
    check_folder(&dir)
}

/// A Shapefile's four files (`sections`: .shp, .dbf, .prj, .cpg) as the compounds layer,
/// its fields mapped as `fixtures/gbk-shapefile` maps its Chinese ones.
pub fn shapefile(data: &[u8]) -> bool {
    let parts = sections(data, 4);
    let dir = scratch();
    std::fs::remove_file(dir.join("compounds.geojson")).expect("remove");
    let toml = "profile = \"anyang-2017\"\nas_of = \"2024-06-30\"\n\
        [layers.compounds.fields]\nid = \"编码\"\nname = \"名称\"\nhouseholds = \"住户数\"\n\
        status = \"建设情况\"\narea_type = \"类别\"\n\
        [layers.compounds.values.status]\n\"新建项目\" = \"new\"\n\"老旧小区\" = \"existing\"\n";
    std::fs::write(dir.join("plan.toml"), toml).expect("write");
    for (ext, bytes) in ["shp", "dbf", "prj", "cpg"].iter().zip(&parts) {
        if !(bytes.is_empty() && (*ext == "prj" || *ext == "cpg")) {
            std::fs::write(dir.join(format!("compounds.{ext}")), bytes).expect("write");
        }
    }
    check_folder(&dir)
}

/// A `.dbf` alone, with and without an encoding setting.
pub fn dbf(data: &[u8]) -> bool {
    use planlint::read::dbf::{encoding_from_label, read_dbf};
    let _ = read_dbf(data, encoding_from_label("GBK"), Some("UTF-8"));
    read_dbf(data, None, None).is_ok()
}

/// `phases.csv`, in a plan with compounds to match.
pub fn phases_csv(data: &[u8]) -> bool {
    let dir = scratch();
    std::fs::write(dir.join("phases.csv"), data).expect("write");
    check_folder(&dir)
}

/// `plan.toml` (layer paths taken out: a path may name any file of the machine).
pub fn plan_toml(data: &[u8]) -> bool {
    let dir = scratch();
    std::fs::write(dir.join("plan.toml"), data).expect("write");
    check_folder(&dir)
}

/// A profile's TOML; when it is valid, the basic plan is checked against it.
pub fn profile_toml(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(profile) = Profile::parse("fuzz.toml", text) else {
        return false;
    };
    let prepared = planlint::rules::Prepared::new(&profile);
    if prepared.validate().is_err() {
        return false;
    }
    let dir = scratch();
    let src = Sources::from_dir(&dir).expect("the basic plan");
    let plan = place::load(&src).expect("the basic plan");
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 30).expect("date");
    let report = planlint::engine::run(&plan, &prepared, as_of, &options());
    emit_all(&report);
    true
}

/// An OpenStreetMap PBF extract as the roads layer.
pub fn osm_pbf(data: &[u8]) -> bool {
    let dir = scratch();
    std::fs::remove_file(dir.join("roads.geojson")).expect("remove");
    std::fs::write(dir.join("roads.osm.pbf"), data).expect("write");
    let toml = "profile = \"anyang-2017\"\nas_of = \"2024-06-30\"\n[layers.roads]\npath = \"roads.osm.pbf\"\n";
    std::fs::write(dir.join("plan.toml"), toml).expect("write");
    check_folder(&dir)
}

/// A WKB geometry (GeoPackage, PostGIS), bare and behind a GeoPackage header.
pub fn wkb(data: &[u8]) -> bool {
    use planlint::read::wkb;
    let _ = wkb::read_gpkg(data);
    wkb::read(data).is_ok()
}

/// A whole plan made from the input ([`PlanInput`]), written as files and checked.
pub fn check(data: &[u8]) -> bool {
    let mut u = Unstructured::new(data);
    let Ok(input) = PlanInput::arbitrary(&mut u) else {
        return false;
    };
    let dir = scratch();
    input.write(&dir);
    check_folder(&dir)
}

fn options() -> planlint::Options {
    let mut options = planlint::Options::default();
    options.suggest = 2;
    options.service_areas = true;
    options.geometry = true;
    options
}

/// Reads, checks and writes a plan folder as `planlint check` would, in every format; an
/// error is fine, a panic is not. Then the accounting: each layer's features are kept or
/// rejected, none lost.
pub fn check_folder(dir: &Path) -> bool {
    let mut src = match Sources::from_dir(dir) {
        Ok(s) => s,
        Err(e) => return stopped(e),
    };
    for layer in src.settings.layers.values_mut() {
        layer.path = layer
            .path
            .take()
            .filter(|p| p.is_relative() && p.components().count() == 1);
    }
    let waivers = match planlint::waivers::parse(&src.settings.waivers) {
        Ok(w) => w,
        Err(e) => return stopped(e),
    };
    let name = src
        .settings
        .profile
        .clone()
        .unwrap_or_else(|| "anyang-2017".into());
    let profile = match Profile::load(&name) {
        Ok(p) => p,
        Err(e) => return stopped(e),
    };
    let prepared = planlint::rules::Prepared::new(&profile);
    let as_of = src
        .settings
        .as_of_text()
        .and_then(|s| place::fields::parse_date(&s))
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2024, 6, 30).expect("date"));
    let plan = match place::load(&src) {
        Ok(p) => p,
        Err(e) => return stopped(e),
    };
    assert_accounted(&plan);
    let mut report = planlint::engine::run(&plan, &prepared, as_of, &options());
    planlint::waivers::apply(&mut report, &waivers);
    emit_all(&report);
    true
}

/// An input the plan refuses as a whole: fine, and said when `PLANLINT_FUZZ_DEBUG` is set.
fn stopped(e: impl std::fmt::Display) -> bool {
    if std::env::var_os("PLANLINT_FUZZ_DEBUG").is_some() {
        eprintln!("refused: {e}");
    }
    false
}

/// Every feature read is kept or rejected (roads may split a feature into several lines,
/// and their rejections are counted alone).
pub fn assert_accounted(plan: &planlint::model::Plan) {
    for (layer, info) in &plan.inputs {
        let kept = match layer {
            Layer::Compounds => plan.compounds.len(),
            Layer::Facilities => plan.facilities.len(),
            Layer::Units => plan.units.len(),
            _ => continue,
        };
        assert_eq!(
            info.features,
            kept + info.rejected.len(),
            "{layer:?}: {} read, {kept} kept, {} rejected",
            info.features,
            info.rejected.len()
        );
    }
}

fn emit_all(report: &planlint::report::Report) {
    for format in Format::ALL {
        for lang in [Lang::Zh, Lang::En] {
            let mut sink = Vec::new();
            format
                .emitter(lang)
                .emit(&mut sink, report)
                .unwrap_or_else(|e| panic!("{}: {e}", format.as_str()));
        }
    }
}

// ---------------------------------------------------------------------------------------
// A plan made from fuzz input: any field of the schema, with values a user might write.

/// A plan's layers and settings, as the fuzzer builds them.
#[derive(Debug, Arbitrary)]
pub struct PlanInput {
    profile: u8,
    as_of: (u8, u8, u8),
    crs: u8,
    compounds: Vec<FeatureInput>,
    facilities: Vec<FeatureInput>,
    units: Vec<FeatureInput>,
    roads: Vec<Vec<(i16, i16)>>,
    phases: Vec<[ValueInput; 5]>,
    snap_tolerance: Option<ValueInput>,
}

#[derive(Debug, Arbitrary)]
pub struct FeatureInput {
    shape: ShapeInput,
    /// Fields by their index in the layer's schema, and their values.
    fields: Vec<(u8, ValueInput)>,
}

#[derive(Debug, Arbitrary)]
pub enum ShapeInput {
    Point(i16, i16),
    Polygon(Vec<(i16, i16)>),
    Holed(Vec<(i16, i16)>, Vec<(i16, i16)>),
    Multi(Vec<Vec<(i16, i16)>>),
    Line(Vec<(i16, i16)>),
    Collection(Vec<(i16, i16)>),
    Null,
}

#[derive(Debug, Arbitrary)]
pub enum ValueInput {
    Null,
    Int(i32),
    Number(f64),
    Bool(bool),
    /// One of the words the schema knows (allowed values and their Chinese terms).
    Word(u16),
    Date(u16),
    Text(String),
}

const PROFILES: [&str; 5] = [
    "anyang-2017",
    "xuchang-2022",
    "changzhi-2018",
    "shangqiu-2018",
    "wuhan-2017",
];

/// The CRSs a plan may come in: name, origin, metres per coordinate step.
const CRSS: [(&str, (f64, f64), f64); 4] = [
    ("EPSG:4547", (500_000.0, 4_000_000.0), 10.0),
    ("EPSG:4326", (114.35, 36.1), 1e-4),
    ("EPSG:4490", (114.35, 36.1), 1e-4),
    ("EPSG:32650", (300_000.0, 4_000_000.0), 10.0),
];

impl PlanInput {
    pub fn write(&self, dir: &Path) {
        let (crs, origin, step) = CRSS[usize::from(self.crs) % CRSS.len()];
        let at = |&(x, y): &(i16, i16)| {
            serde_json::json!([
                origin.0 + f64::from(x) * step,
                origin.1 + f64::from(y) * step
            ])
        };
        let ring = |pts: &[(i16, i16)]| {
            let mut r: Vec<_> = pts.iter().map(at).collect();
            if let Some(first) = r.first().cloned() {
                r.push(first);
            }
            serde_json::Value::Array(r)
        };
        let geometry = |s: &ShapeInput| match s {
            ShapeInput::Point(x, y) => {
                serde_json::json!({"type": "Point", "coordinates": at(&(*x, *y))})
            }
            ShapeInput::Polygon(p) => {
                serde_json::json!({"type": "Polygon", "coordinates": [ring(p)]})
            }
            ShapeInput::Holed(p, h) => {
                serde_json::json!({"type": "Polygon", "coordinates": [ring(p), ring(h)]})
            }
            ShapeInput::Multi(ps) => serde_json::json!({
                "type": "MultiPolygon",
                "coordinates": ps.iter().map(|p| serde_json::json!([ring(p)])).collect::<Vec<_>>()
            }),
            ShapeInput::Line(p) => serde_json::json!({
                "type": "LineString",
                "coordinates": p.iter().map(at).collect::<Vec<_>>()
            }),
            ShapeInput::Collection(p) => serde_json::json!({
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Point", "coordinates": p.first().map(at)},
                    {"type": "Polygon", "coordinates": [ring(p)]}
                ]
            }),
            ShapeInput::Null => serde_json::Value::Null,
        };
        let layer =
            |schema: &planlint::place::schema::Schema, features: &[FeatureInput], prefix| {
                let features: Vec<_> = features
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let mut props = serde_json::Map::new();
                        props.insert("id".into(), format!("{prefix}{i}").into());
                        for (k, v) in &f.fields {
                            let field = &schema.fields[usize::from(*k) % schema.fields.len()];
                            props.insert(field.name.into(), v.json());
                        }
                        serde_json::json!({
                            "type": "Feature",
                            "geometry": geometry(&f.shape),
                            "properties": props
                        })
                    })
                    .collect();
                serde_json::json!({
                    "type": "FeatureCollection",
                    "features": features
                })
                .to_string()
            };
        use planlint::place::schema::{COMPOUNDS, FACILITIES, UNITS};
        let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("write");
        write("compounds.geojson", layer(&COMPOUNDS, &self.compounds, "C"));
        write(
            "facilities.geojson",
            layer(&FACILITIES, &self.facilities, "F"),
        );
        write("units.geojson", layer(&UNITS, &self.units, "U"));
        let roads: Vec<_> = self
            .roads
            .iter()
            .map(|line| {
                serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": line.iter().map(at).collect::<Vec<_>>()},
                    "properties": {}
                })
            })
            .collect();
        write(
            "roads.geojson",
            serde_json::json!({"type": "FeatureCollection", "features": roads}).to_string(),
        );
        let mut csv = String::from("compound_id,phase,floor_area,start_date,completion_date\n");
        for row in &self.phases {
            let cells: Vec<String> = row.iter().map(ValueInput::csv).collect();
            csv.push_str(&cells.join(","));
            csv.push('\n');
        }
        write("phases.csv", csv);
        let (y, m, d) = self.as_of;
        let mut toml = format!(
            "profile = \"{}\"\nas_of = \"{:04}-{:02}-{:02}\"\n",
            PROFILES[usize::from(self.profile) % PROFILES.len()],
            2010 + u32::from(y % 30),
            1 + m % 12,
            1 + d % 31
        );
        for name in ["compounds", "facilities", "units", "roads"] {
            toml.push_str(&format!("[layers.{name}]\ncrs = \"{crs}\"\n"));
            if name == "roads" {
                if let Some(v) = &self.snap_tolerance {
                    toml.push_str(&format!("snap_tolerance = {}\n", v.toml_number()));
                }
            }
        }
        write("plan.toml", toml);
    }
}

/// The words of the schemas: every allowed value of an enumerated field and its terms.
fn words() -> Vec<&'static str> {
    let mut out = Vec::new();
    for schema in planlint::place::schema::ALL {
        for f in schema.fields {
            if let planlint::place::schema::Kind::Enum(values) = f.kind {
                for a in values {
                    out.push(a.value);
                    out.extend(a.aliases);
                }
            }
        }
    }
    out.extend(["C0", "C1", "F0", "", " ", "是", "否", "true", "1.5e3", "-0"]);
    out
}

impl ValueInput {
    fn json(&self) -> serde_json::Value {
        match self {
            ValueInput::Null => serde_json::Value::Null,
            ValueInput::Int(i) => (*i).into(),
            ValueInput::Number(x) => serde_json::Number::from_f64(*x)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            ValueInput::Bool(b) => (*b).into(),
            ValueInput::Word(i) => {
                let w = words();
                w[usize::from(*i) % w.len()].into()
            }
            ValueInput::Date(days) => (NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")
                + chrono::Days::new(u64::from(*days) % 20_000))
            .to_string()
            .into(),
            ValueInput::Text(s) => s.clone().into(),
        }
    }

    fn csv(&self) -> String {
        match self.json() {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => {
                format!("\"{}\"", s.replace('"', "\"\""))
            }
            v => v.to_string(),
        }
    }

    fn toml_number(&self) -> String {
        match self {
            ValueInput::Int(i) => i.to_string(),
            ValueInput::Number(x) if x.is_finite() => format!("{x:?}"),
            ValueInput::Number(x) if x.is_nan() => "nan".into(),
            ValueInput::Number(x) if *x > 0.0 => "inf".into(),
            ValueInput::Number(_) => "-inf".into(),
            _ => "0".into(),
        }
    }
}

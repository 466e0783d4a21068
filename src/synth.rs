//! Generated cities, for benchmarks, the sample plan and tests at scale: a grid of
//! compounds around Anyang (in EPSG:4547), community stations in some of them,
//! institutions, districts and communities, construction phases. Deterministic for a seed.

use std::path::Path;

use chrono::NaiveDate;
use geo::{polygon, Coord, MultiPolygon, Point};
use serde_json::{json, Value};

use crate::crs::{CrsSpec, Transformer};
use crate::geometry::reference_point;
use crate::model::*;
use crate::place::schema::{self, Schema};

/// The working CRS of generated cities: CGCS2000 / 3-degree Gauss–Krüger CM 114°E.
pub const CRS: &str = "EPSG:4547";
/// The south-west corner of a generated city (near Anyang's centre).
const ORIGIN: (f64, f64) = (529_000.0, 3_994_000.0);
/// Compounds are 200 m squares on a 250 m grid.
const CELL: f64 = 250.0;
const SIDE: f64 = 200.0;

/// A small deterministic generator (64-bit LCG): the same seed gives the same city.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon {
    polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h), (x: x, y: y)]
        .into()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A community station's status and dates, from the year it is completed. In existing
/// compounds the stations of 2018 give neither (taken as existing) and those of 2019 are
/// `existing` without dates, as a bureau's inventory lists them; those of 2023 are still
/// `planned` for 2025 (one in three without a completion date yet); the others say only
/// their dates.
fn station_dates(
    year: i32,
    f: usize,
    compound: CompoundStatus,
) -> (Option<FacilityStatus>, Option<NaiveDate>, Option<NaiveDate>) {
    match year {
        2018 if compound == CompoundStatus::Existing => (None, None, None),
        2019 if compound == CompoundStatus::Existing => {
            (Some(FacilityStatus::Existing), None, None)
        }
        2023 => (
            Some(FacilityStatus::Planned),
            date(2024, 4, 1),
            if f.is_multiple_of(3) {
                None
            } else {
                date(2025, 9, 30)
            },
        ),
        _ => (None, date(year - 1, 4, 1), date(year, 9, 30)),
    }
}

/// The `k`-th institution's status, dates and level: one in six is the city's, one in six
/// a town's (a township home), the others the county's; one in four is planned, completed
/// in 2022, and one in four planned without a completion date yet.
fn institution_dates(
    k: usize,
) -> (
    Option<FacilityStatus>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    FacilityLevel,
) {
    let level = match k % 6 {
        0 => FacilityLevel::City,
        5 => FacilityLevel::Town,
        _ => FacilityLevel::County,
    };
    let (status, start, done) = match k % 4 {
        1 => (
            Some(FacilityStatus::Planned),
            date(2021, 3, 1),
            date(2022, 6, 30),
        ),
        3 => (Some(FacilityStatus::Planned), date(2023, 3, 1), None),
        _ => (None, date(2015, 3, 1), date(2017, 3, 1)),
    };
    (status, start, done, level)
}

/// A city of `n` compounds.
pub fn city(n: usize, seed: u64) -> Plan {
    let mut rng = Lcg(seed ^ 0x9E37_79B9_7F4A_7C15);
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    let rows = n.div_ceil(cols).max(1);
    let mut plan = Plan {
        working_crs: CRS.into(),
        ..Plan::default()
    };
    for i in 0..n {
        let (cx, cy) = (
            ORIGIN.0 + (i % cols) as f64 * CELL,
            ORIGIN.1 + (i / cols) as f64 * CELL,
        );
        let geometry = square(cx, cy, SIDE, SIDE);
        let households = 200 + rng.below(1800);
        let status = if rng.below(3) == 0 {
            CompoundStatus::New
        } else {
            CompoundStatus::Existing
        };
        let area_type = if i % 17 == 16 {
            AreaType::Rural
        } else {
            AreaType::Urban
        };
        plan.compounds.push(Compound {
            index: i,
            id: format!("C{i:06}"),
            name: format!("示例小区{}", i + 1),
            reference: reference_point(&geometry).unwrap_or(Point::new(cx, cy)),
            geometry,
            households: Some(households),
            population: None,
            status: Some(status),
            area_type,
            residential_floor_area: Some(households as f64 * 95.0),
            total_floor_area: None,
        });
        if status == CompoundStatus::New {
            let floor = households as f64 * 95.0;
            let first = 2019 + rng.below(4) as i32;
            for (k, share) in [(1, 0.4), (2, 0.6)] {
                let done = first + (k - 1) * 2;
                plan.phases.push(Phase {
                    index: plan.phases.len(),
                    compound_id: format!("C{i:06}"),
                    phase: k.to_string(),
                    floor_area: floor * share,
                    start_date: date(done - 2, 3, 1),
                    completion_date: date(done, 6, 30),
                });
            }
        }
        // Two compounds in five have a community station; its size and date vary so that
        // some pass and some fail.
        if rng.below(5) < 2 {
            let f = plan.facilities.len();
            let per100 = 10.0 + rng.unit() * 30.0;
            let p = Point::new(
                cx + 40.0 + rng.unit() * 120.0,
                cy + 40.0 + rng.unit() * 120.0,
            );
            let year = 2018 + rng.below(6) as i32;
            let (status, start, done) = station_dates(year, f, status);
            let kind = if rng.below(4) == 0 {
                FacilityKind::DayCare
            } else {
                FacilityKind::CommunityStation
            };
            plan.facilities.push(Facility {
                name: format!("社区养老服务站{}", f + 1),
                medical_care: Some(false),
                floor_area: Some((households as f64 * per100 / 100.0).round()),
                operator: Some(Operator::Government),
                construction_start: start,
                completion_date: done,
                status,
                ..Facility::at(f, format!("F{f:06}"), kind, p)
            });
        }
    }
    // One institution per 40 compounds, on its own parcel between compounds.
    for k in 0..n.div_ceil(40) {
        let f = plan.facilities.len();
        let (gx, gy) = ((k * 7) % cols, (k * 3) % rows);
        let parcel = square(
            ORIGIN.0 + gx as f64 * CELL + SIDE + 5.0,
            ORIGIN.1 + gy as f64 * CELL,
            40.0,
            200.0,
        );
        let beds = 80 + rng.below(320);
        let kind = [
            FacilityKind::Institution,
            FacilityKind::NursingHome,
            FacilityKind::WelfareCenter,
        ][k % 3];
        let operator = [
            Operator::Private,
            Operator::Government,
            Operator::PublicPrivate,
        ][rng.below(3) as usize];
        let (status, start, done, level) = institution_dates(k);
        let reference = reference_point(&parcel).unwrap_or(Point::new(0.0, 0.0));
        plan.facilities.push(Facility {
            name: format!("养老机构{}", k + 1),
            geometry: Footprint::Parcel(parcel),
            medical_care: Some(k % 2 == 0),
            floor_area: Some(beds as f64 * 40.0),
            beds: Some(beds),
            nursing_beds: Some((beds as f64 * (0.1 + rng.unit() * 0.4)).round() as u64),
            long_term_beds: Some(beds),
            operator: Some(operator),
            construction_start: start,
            completion_date: done,
            status,
            level: Some(level),
            ..Facility::at(f, format!("F{f:06}"), kind, reference)
        });
    }
    add_units(&mut plan, cols, rows);
    for layer in [
        Layer::Compounds,
        Layer::Facilities,
        Layer::Units,
        Layer::Phases,
    ] {
        let features = match layer {
            Layer::Compounds => plan.compounds.len(),
            Layer::Facilities => plan.facilities.len(),
            Layer::Units => plan.units.len(),
            _ => plan.phases.len(),
        };
        plan.inputs.push((
            layer,
            LayerInfo {
                path: format!("synthetic:{}", layer.as_str()),
                features,
                ..LayerInfo::default()
            },
        ));
    }
    plan
}

/// The city, two districts (west and east halves) and communities of 4 × 4 compounds.
/// Populations are the households of the compounds inside × 2.62, summed by grid cell.
fn add_units(plan: &mut Plan, cols: usize, rows: usize) {
    let (w, h) = (cols as f64 * CELL, rows as f64 * CELL);
    let half_cols = (cols / 2).max(1);
    let (bx, by) = (cols.div_ceil(4), rows.div_ceil(4));
    let (mut city, mut west, mut east) = (0u64, 0u64, 0u64);
    let mut blocks = vec![0u64; bx * by];
    for (i, c) in plan.compounds.iter().enumerate() {
        let (col, row) = (i % cols, i / cols);
        let hh = c.households.unwrap_or(0);
        city += hh;
        if col < half_cols {
            west += hh;
        } else {
            east += hh;
        }
        blocks[(row / 4) * bx + col / 4] += hh;
    }
    let mut add = |id: String,
                   name: String,
                   level,
                   geometry: MultiPolygon,
                   parent: Option<&str>,
                   households: u64| {
        let pop = (households as f64 * 2.62).round() as u64;
        plan.units.push(Unit {
            index: plan.units.len(),
            id,
            name,
            reference: reference_point(&geometry).unwrap_or(Point::new(0.0, 0.0)),
            geometry,
            level,
            population: Some(pop),
            elderly_population: Some(pop / 5),
            parent_id: parent.map(str::to_string),
        });
    };
    let (x0, y0) = (ORIGIN.0 - 25.0, ORIGIN.1 - 25.0);
    let half = half_cols as f64 * CELL;
    add(
        "410500".into(),
        "安阳市（示例）".into(),
        UnitLevel::City,
        square(x0, y0, w, h),
        None,
        city,
    );
    add(
        "410502".into(),
        "文峰区（示例）".into(),
        UnitLevel::District,
        square(x0, y0, half, h),
        Some("410500"),
        west,
    );
    add(
        "410503".into(),
        "北关区（示例）".into(),
        UnitLevel::District,
        square(x0 + half, y0, w - half, h),
        Some("410500"),
        east,
    );
    let block = 4.0 * CELL;
    for j in 0..by {
        for i in 0..bx {
            let (x, y) = (x0 + i as f64 * block, y0 + j as f64 * block);
            let district = if 4 * i < half_cols {
                "410502"
            } else {
                "410503"
            };
            let geometry = square(x, y, block.min(x0 + w - x), block.min(y0 + h - y));
            let name = format!("示例社区{}-{}", j + 1, i + 1);
            add(
                format!("SQ{j:03}{i:03}"),
                name,
                UnitLevel::Community,
                geometry,
                Some(district),
                blocks[j * bx + i],
            );
        }
    }
}

/// Adds the street grid of a generated city: streets in the 50 m gaps between compounds,
/// each a line with a vertex every third of a block (junctions at every crossing): about
/// six segments per compound.
pub fn add_streets(plan: &mut Plan) {
    let n = plan.compounds.len();
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    let rows = n.div_ceil(cols).max(1);
    let (x0, y0) = (
        ORIGIN.0 - (CELL - SIDE) / 2.0,
        ORIGIN.1 - (CELL - SIDE) / 2.0,
    );
    let step = CELL / 3.0;
    let line = |from: (f64, f64), dx: f64, dy: f64, steps: usize| -> geo::LineString<f64> {
        (0..=steps)
            .map(|k| Coord {
                x: from.0 + dx * k as f64,
                y: from.1 + dy * k as f64,
            })
            .collect()
    };
    for c in 0..=cols {
        plan.roads
            .push(line((x0 + c as f64 * CELL, y0), 0.0, step, 3 * rows));
    }
    for r in 0..=rows {
        plan.roads
            .push(line((x0, y0 + r as f64 * CELL), step, 0.0, 3 * cols));
    }
    let features = plan.roads.len();
    plan.inputs.push((
        Layer::Roads,
        LayerInfo {
            path: "synthetic:roads".into(),
            features,
            ..LayerInfo::default()
        },
    ));
}

/// A feature's properties in its layer's schema order; every name must be a canonical
/// field of the layer (what the readers map without any plan.toml).
fn properties(schema: &Schema, values: Value) -> Value {
    let Value::Object(mut values) = values else {
        return Value::Null;
    };
    let mut out = serde_json::Map::new();
    for f in schema.fields {
        if let Some(v) = values.remove(f.name) {
            out.insert(f.name.to_string(), v);
        }
    }
    debug_assert!(
        values.is_empty(),
        "not in the {} schema: {values:?}",
        schema.layer
    );
    Value::Object(out)
}

/// Writes a plan folder: compounds, facilities, units (and roads) as GeoJSON in WGS 84 lon/lat,
/// phases.csv, and a plan.toml naming `profile` and `as_of`.
pub fn write_plan(dir: &Path, plan: &Plan, profile: &str, as_of: &str) -> Result<(), String> {
    write_plan_in(dir, plan, profile, as_of, "EPSG:4326", 7)
}

/// [`write_plan`] with the layers in `crs` (an `EPSG:` code, named in each file), their
/// coordinates rounded to `decimals` places.
pub fn write_plan_in(
    dir: &Path,
    plan: &Plan,
    profile: &str,
    as_of: &str,
    crs: &str,
    decimals: i32,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let t = Transformer::new(&CrsSpec::Proj(plan.working_crs.clone()), crs)?;
    let scale = 10f64.powi(decimals);
    let lonlat = |g: geo::Geometry| -> Value {
        let mut g = g;
        t.transform_geometry(&mut g);
        geo::MapCoordsInPlace::map_coords_in_place(&mut g, |c: Coord| Coord {
            x: (c.x * scale).round() / scale,
            y: (c.y * scale).round() / scale,
        });
        serde_json::to_value(geojson::Geometry::from(&g)).unwrap_or(Value::Null)
    };
    let named = (crs != "EPSG:4326").then(|| {
        let code = crs.trim_start_matches("EPSG:");
        json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}})
    });
    let fc = |features: Vec<Value>| match &named {
        Some(c) => json!({"type": "FeatureCollection", "crs": c, "features": features}),
        None => json!({"type": "FeatureCollection", "features": features}),
    };
    let feature = |geometry: Value, schema: &Schema, values: Value| json!({"type": "Feature", "geometry": geometry, "properties": properties(schema, values)});
    let d = |x: Option<NaiveDate>| x.map(|d| d.to_string());
    let compounds = plan
        .compounds
        .iter()
        .map(|c| {
            feature(lonlat(c.geometry.clone().into()), &schema::COMPOUNDS, json!({
                "id": c.id, "name": c.name, "households": c.households, "population": c.population,
                "status": c.status, "area_type": c.area_type, "residential_floor_area": c.residential_floor_area}))
        })
        .collect();
    let facilities = plan
        .facilities
        .iter()
        .map(|f| {
            let g = match &f.geometry {
                Footprint::Point(p) => geo::Geometry::Point(*p),
                Footprint::Parcel(mp) => geo::Geometry::MultiPolygon(mp.clone()),
            };
            let mut values = json!({
                "id": f.id, "name": f.name, "kind": f.kind, "medical_care": f.medical_care,
                "floor_area": f.floor_area, "beds": f.beds, "nursing_beds": f.nursing_beds,
                "long_term_beds": f.long_term_beds, "operator": f.operator, "compound_id": f.compound_id,
                "construction_start": d(f.construction_start), "completion_date": d(f.completion_date)});
            // Status and level only where the plan says them, as a bureau's files do.
            if let Some(s) = f.status {
                values["status"] = json!(s);
            }
            if let Some(l) = f.level {
                values["level"] = json!(l);
            }
            feature(lonlat(g), &schema::FACILITIES, values)
        })
        .collect();
    let units = plan
        .units
        .iter()
        .map(|u| {
            feature(
                lonlat(u.geometry.clone().into()),
                &schema::UNITS,
                json!({
                "id": u.id, "name": u.name, "level": u.level, "population": u.population,
                "elderly_population": u.elderly_population, "parent_id": u.parent_id}),
            )
        })
        .collect();
    let write = |name: &str, v: Value| {
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        std::fs::write(dir.join(name), s).map_err(|e| format!("{name}: {e}"))
    };
    write("compounds.geojson", fc(compounds))?;
    write("facilities.geojson", fc(facilities))?;
    write("units.geojson", fc(units))?;
    if !plan.roads.is_empty() {
        let roads = plan
            .roads
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"type": "Feature", "geometry": lonlat(l.clone().into()), "properties": {"id": format!("R{i:05}")}}))
            .collect();
        write("roads.geojson", fc(roads))?;
    }
    let mut csv = schema::PHASES.names().join(",") + "\n";
    for p in &plan.phases {
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            p.compound_id,
            p.phase,
            p.floor_area,
            d(p.start_date).unwrap_or_default(),
            d(p.completion_date).unwrap_or_default()
        ));
    }
    std::fs::write(dir.join("phases.csv"), csv).map_err(|e| format!("phases.csv: {e}"))?;
    let toml = format!(
        "# A generated plan (planlint synth).\nprofile = \"{profile}\"\nas_of = \"{as_of}\"\n"
    );
    std::fs::write(dir.join("plan.toml"), toml).map_err(|e| format!("plan.toml: {e}"))
}

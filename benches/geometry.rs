//! Geometry on huge polygons: validating and placing the reference point of a ring of 10k
//! to 1M vertices (geo's own `Validation`, quadratic, beside it at 10k), and reading and
//! checking a plan whose one compound has 1M vertices, from the GeoJSON file to the report.
//!
//! `cargo bench --bench geometry`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use geo::{LineString, MultiPolygon, Polygon, Validation};

use planlint::geometry::{reference_point, validity};

/// A star-shaped ring of `n` vertices around (cx, cy), radius alternating r and 0.9 r.
fn star(n: usize, cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = if i % 2 == 0 { r } else { 0.9 * r };
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

fn polygons(c: &mut Criterion) {
    let mut group = c.benchmark_group("polygon");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        let mp = MultiPolygon(vec![Polygon::new(
            LineString::from(star(n, 0.0, 0.0, 100.0)),
            vec![],
        )]);
        group.bench_with_input(BenchmarkId::new("validity", n), &mp, |b, mp| {
            b.iter(|| black_box(validity::check(mp).is_ok()))
        });
        group.bench_with_input(BenchmarkId::new("reference-point", n), &mp, |b, mp| {
            b.iter(|| black_box(reference_point(mp)))
        });
        if n == 10_000 {
            group.bench_with_input(BenchmarkId::new("geo-validation", n), &mp, |b, mp| {
                b.iter(|| black_box(mp.is_valid()))
            });
        }
    }
    group.finish();
}

/// A plan folder whose one compound is a 1M-vertex ring in lon/lat, with a station inside.
fn huge_compound_plan(dir: &std::path::Path) {
    let (lon, lat) = (114.35, 36.1);
    let ring: Vec<[f64; 2]> = star(1_000_000, lon, lat, 0.005)
        .into_iter()
        .chain(std::iter::once((lon + 0.005, lat)))
        .map(|(x, y)| [x, y])
        .collect();
    let compounds = serde_json::json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"id": "BIG", "households": 5000, "status": "new"}}]});
    let facilities = serde_json::json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": "S", "kind": "community_station", "floor_area": 1500}}]});
    std::fs::write(dir.join("compounds.geojson"), compounds.to_string()).unwrap();
    std::fs::write(dir.join("facilities.geojson"), facilities.to_string()).unwrap();
}

fn huge_compound(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    huge_compound_plan(dir.path());
    let sources = planlint::read::Sources::from_dir(dir.path()).unwrap();
    let profile = planlint::profile::Profile::load("anyang-2017").unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let mut group = c.benchmark_group("huge-compound");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("read-and-check/1000000-vertices", |b| {
        b.iter(|| {
            let plan = planlint::place::load(&sources).unwrap();
            black_box(planlint::check(&plan, &profile, as_of))
        })
    });
    group.finish();
}

criterion_group!(benches, polygons, huge_compound);
criterion_main!(benches);

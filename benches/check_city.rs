//! Benchmarks on generated cities (planlint::synth): the whole check (joins, every rule of
//! a profile, sorting) from 1k to 1M compounds, and reading a 10k-compound plan folder
//! (GeoJSON in lon/lat, PROJ into the working CRS, mapping).
//!
//! `cargo bench --bench check_city`: 1k to 100k; `PLANLINT_BENCH_MAX=1000000` adds 1M.

mod common;

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};

use planlint::place::load;
use planlint::profile::Profile;
use planlint::read::Sources;

/// The check as `planlint check` runs it for the text and JSON formats: without copying the
/// subjects' geometry into the report (only map formats ask for it).
fn run(
    plan: &planlint::model::Plan,
    profile: &Profile,
    as_of: NaiveDate,
) -> planlint::report::Report {
    let mut options = planlint::Options::default();
    options.geometry = false;
    planlint::engine::run(
        plan,
        &planlint::rules::Prepared::new(profile),
        as_of,
        &options,
    )
}

fn check(c: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let mut group = c.benchmark_group("check");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for n in common::sizes() {
        let plan = planlint::synth::city(n, 1);
        for id in ["anyang-2017", "xuchang-2022"] {
            let profile = Profile::load(id).unwrap();
            group.bench_with_input(BenchmarkId::new(id, n), &plan, |b, plan| {
                b.iter(|| black_box(run(plan, &profile, as_of)))
            });
        }
    }
    group.finish();
    // The walking network: the same cities with their street grid (about 6 segments per
    // compound): building the graph, snapping and one multi-source search are included.
    let mut group = c.benchmark_group("check-with-roads");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    let profile = Profile::load("anyang-2017").unwrap();
    for n in common::sizes().into_iter().filter(|&n| n <= 100_000) {
        let mut plan = planlint::synth::city(n, 1);
        planlint::synth::add_streets(&mut plan);
        let segments: usize = plan.roads.iter().map(|l| l.0.len() - 1).sum();
        group.bench_with_input(
            BenchmarkId::new(format!("anyang-2017/{segments}-segments"), n),
            &plan,
            |b, plan| b.iter(|| black_box(run(plan, &profile, as_of))),
        );
    }
    group.finish();
}

fn read(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let plan = planlint::synth::city(10_000, 1);
    planlint::synth::write_plan(dir.path(), &plan, "anyang-2017", "2024-06-30").unwrap();
    let sources = Sources::from_dir(dir.path()).unwrap();
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.bench_function("geojson-lonlat/10000", |b| {
        b.iter(|| black_box(load(&sources).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, check, read);
criterion_main!(benches);

//! End to end on generated cities, as a user waits for it: `planlint check DIR --format
//! json -o FILE` from process start to report written, on plan folders written by
//! `planlint::synth` (GeoJSON in WGS 84 lon/lat, with the street grid: about six segments
//! per compound). Beside it, each stage alone (read, place, index, network, analysis,
//! the whole check, the JSON report) and the physical floor: parsing the same files into
//! coordinates alone, on one thread. Before measuring a size it prints the input size,
//! the end-to-end run's peak memory (from `--timings`) and its multiple of the input.
//!
//! The stages run on mimalloc, the binary's allocator. `cargo bench --bench end_to_end`:
//! 1k, 10k and 100k compounds;
//! `PLANLINT_BENCH_MAX=1000000` adds 1M (written once, about 700 MB of GeoJSON).

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode};
use serde::de::IgnoredAny;
use serde::Deserialize;

use planlint::analysis::{Analysis, Inputs};
use planlint::index::Joins;
use planlint::network::Walkable;
use planlint::place;
use planlint::profile::Profile;
use planlint::read::Sources;
use planlint::rules::Prepared;

const AS_OF: &str = "2024-06-30";

/// The allocator of the `planlint` binary (and of `planlint serve`, which keeps a city and
/// checks submissions against it), so that the stages measured here run as they do there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A generated city with its streets, written once per size under target/.
fn city(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-city-{n}"));
    if !dir.join("roads.geojson").is_file() {
        let mut plan = planlint::synth::city(n, 1);
        planlint::synth::add_streets(&mut plan);
        planlint::synth::write_plan(&dir, &plan, "anyang-2017", AS_OF).unwrap();
    }
    dir
}

fn input_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn check_command(dir: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planlint"));
    c.arg("check")
        .arg(dir)
        .args(["--format", "json", "-o"])
        .arg(out)
        .env("CI", "1");
    c
}

/// The sample's development submission checked inside the city `dir`.
fn context_command(dir: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planlint"));
    c.arg("check")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/submission"))
        .arg("--context")
        .arg(dir)
        .args(["--format", "json", "-o"])
        .arg(out)
        .env("CI", "1");
    c
}

/// One run with `--timings`, its table printed, and its peak memory against the input.
fn tell(n: usize, dir: &Path, out: &Path) {
    let run = check_command(dir, out).arg("--timings").output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    let peak = err
        .lines()
        .find(|l| l.contains("peak memory"))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    let input = input_bytes(dir) as f64 / (1 << 20) as f64;
    eprintln!(
        "{n} compounds: input {input:.1} MiB, peak memory {peak:.1} MiB ({:.1}× the input)\n{err}",
        peak / input
    );
}

/// Every GeoJSON file of a plan parsed into coordinates alone: what reading costs at the
/// least (one thread; the numbers of every `coordinates` array into one vector, the
/// properties skipped, nothing checked).
fn parse_only(dir: &Path) -> usize {
    use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

    /// Nested arrays of numbers, pushed flat into a vector.
    struct Numbers<'v>(&'v mut Vec<f64>);
    impl<'de> DeserializeSeed<'de> for Numbers<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Numbers<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("coordinates")
        }
        fn visit_f64<E>(self, x: f64) -> Result<(), E> {
            self.0.push(x);
            Ok(())
        }
        fn visit_i64<E>(self, x: i64) -> Result<(), E> {
            self.0.push(x as f64);
            Ok(())
        }
        fn visit_u64<E>(self, x: u64) -> Result<(), E> {
            self.0.push(x as f64);
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Numbers(&mut *self.0))?.is_some() {}
            Ok(())
        }
    }
    /// A FeatureCollection's coordinates; everything else skipped.
    struct Coordinates(Vec<f64>);
    impl<'de> Deserialize<'de> for Coordinates {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            #[derive(Deserialize)]
            struct Collection {
                features: Vec<Feature>,
            }
            #[derive(Deserialize)]
            struct Feature {
                geometry: Geometry,
                #[serde(rename = "properties")]
                _properties: IgnoredAny,
            }
            struct Geometry(Vec<f64>);
            impl<'de> Deserialize<'de> for Geometry {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct V;
                    impl<'de> Visitor<'de> for V {
                        type Value = Geometry;
                        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                            f.write_str("a geometry")
                        }
                        fn visit_map<A: serde::de::MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<Geometry, A::Error> {
                            let mut v = Vec::new();
                            while let Some(k) = map.next_key::<std::borrow::Cow<str>>()? {
                                if k == "coordinates" {
                                    map.next_value_seed(Numbers(&mut v))?;
                                } else {
                                    map.next_value::<IgnoredAny>()?;
                                }
                            }
                            Ok(Geometry(v))
                        }
                    }
                    d.deserialize_map(V)
                }
            }
            let c = Collection::deserialize(d)?;
            Ok(Coordinates(
                c.features.into_iter().flat_map(|f| f.geometry.0).collect(),
            ))
        }
    }
    let mut numbers = 0;
    for layer in ["compounds", "facilities", "units", "roads"] {
        let text = std::fs::read_to_string(dir.join(format!("{layer}.geojson"))).unwrap();
        let c: Coordinates = serde_json::from_str(&text).unwrap();
        numbers += c.0.len();
    }
    numbers
}

fn end_to_end(c: &mut Criterion) {
    let as_of = NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap();
    let profile = Profile::load("anyang-2017").unwrap();
    let prepared = Prepared::new(&profile);
    let circle = prepared.circle();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.json");
    // The stages alone render messages in one language, as the command line does.
    planlint::text::render_only(Some(planlint::text::Lang::En));
    for n in common::sizes() {
        let dir = city(n);
        tell(n, &dir, &out);
        let sources = Sources::from_dir(&dir).unwrap();
        let plan = place::load(&sources).unwrap();
        let joins = Joins::build(&plan);
        let walkable = Walkable::new(&plan);
        let inputs = Inputs {
            plan: &plan,
            joins: &joins,
            network: Some(&walkable),
            household_size: profile.settings.household_size,
            as_of,
            focus: None,
        };
        let mut options = planlint::Options::default();
        options.geometry = false;
        let report = planlint::engine::run(&plan, &prepared, as_of, &options);

        let mut g = c.benchmark_group(format!("city-{n}"));
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        let id = |stage: &str| BenchmarkId::new(stage, n);
        g.bench_function(id("end-to-end"), |b| {
            b.iter(|| assert!(check_command(&dir, &out).status().unwrap().code() == Some(1)))
        });
        // A development submission (data/submission) checked inside this city, as a
        // bureau checks one project: `planlint check data/submission --context CITY`.
        g.bench_function(id("end-to-end-context"), |b| {
            b.iter(|| {
                let code = context_command(&dir, &out).status().unwrap().code();
                assert!(matches!(code, Some(0 | 1)), "{code:?}")
            })
        });
        // The same submission against this city kept in memory (read, placed and checked
        // once, as `planlint serve` keeps it): what each further submission costs.
        let kept = planlint::Request::plan(&dir).city().unwrap();
        let submission =
            planlint::Request::plan(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/submission"));
        g.bench_function(id("submission-in-kept-city"), |b| {
            b.iter(|| black_box(kept.check(&submission).unwrap()))
        });
        g.bench_function(id("parse-only"), |b| b.iter(|| black_box(parse_only(&dir))));
        g.bench_function(id("read"), |b| {
            b.iter(|| black_box(planlint::read::read_layers(&sources).unwrap()))
        });
        g.bench_function(id("place"), |b| {
            b.iter_batched(
                || planlint::read::read_layers(&sources).unwrap(),
                |read| black_box(place::place(&sources, read).unwrap()),
                BatchSize::PerIteration,
            )
        });
        g.bench_function(id("index"), |b| b.iter(|| black_box(Joins::build(&plan))));
        g.bench_function(id("network"), |b| {
            b.iter(|| black_box(Walkable::new(&plan)))
        });
        g.bench_function(id("analysis"), |b| {
            b.iter(|| black_box(Analysis::new(&inputs, circle)))
        });
        g.bench_function(id("check"), |b| {
            b.iter(|| black_box(planlint::engine::run(&plan, &prepared, as_of, &options)))
        });
        g.bench_function(id("report-json"), |b| {
            b.iter(|| {
                let mut e = planlint::emit::Format::Json.emitter(planlint::text::Lang::En);
                e.emit(&mut std::io::sink(), &report).unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);

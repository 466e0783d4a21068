//! Properties checked by proptest over generated cities (`planlint::synth`,
//! a grid of 200 m compounds on a 250 m pitch with a street in every gap):
//! - adding a facility never lengthens a compound's walking distance;
//! - a compound's walking distance is never shorter than the straight line;
//! - moving a community facility into a compound never lowers its floor area per 100
//!   households;
//! - the report does not depend on the order of features or the number of threads;
//! - the same plan written in another CRS gives the same findings: distances within 1 mm,
//!   areas and ratios within a relative 1e-6 (and the report's rounding to six decimals);
//! - every feature read is kept or rejected (also asserted by every fuzz target).
//!
//! Removing a road may shorten a walk in planlint's model, which the issue supposed it
//! never would: see `removing_a_road_shortens_no_walk_it_does_not_reroute` below.

use std::path::Path;

use chrono::NaiveDate;
use geo::{Distance, Euclidean, Point};
use planlint::analysis::{circle::Circle, Inputs};
use planlint::emit::Format;
use planlint::index::Joins;
use planlint::model::Measure;
use planlint::model::{Facility, FacilityKind, Footprint, Plan};
use planlint::network::Walkable;
use planlint::profile::Profile;
use planlint::rules::Prepared;
use planlint::text::Lang;
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()
}

fn anyang() -> Profile {
    Profile::load("anyang-2017").unwrap()
}

/// A generated city of `n` compounds with its streets.
fn city(n: usize, seed: u64) -> Plan {
    let mut plan = planlint::synth::city(n, seed);
    planlint::synth::add_streets(&mut plan);
    plan
}

/// Each circle compound's distance to its nearest qualifying facility (`INFINITY`: none
/// reachable) and that facility, by compound index.
fn distances(plan: &Plan) -> Vec<(usize, f64, Option<usize>)> {
    walked(plan).1
}

/// [`distances`], with the network they were walked on.
fn walked(plan: &Plan) -> (Walkable, Vec<(usize, f64, Option<usize>)>) {
    let profile = anyang();
    let prepared = Prepared::new(&profile);
    let params = prepared.circle().unwrap();
    let joins = Joins::build(plan);
    let network = Walkable::new(plan);
    let inputs = Inputs {
        plan,
        joins: &joins,
        network: Some(&network),
        household_size: profile.settings.household_size,
        as_of: as_of(),
        focus: None,
    };
    let reach = Circle::new(&inputs, params)
        .reach
        .into_iter()
        .map(|(c, n)| (c, n.map_or(f64::INFINITY, |(_, d)| d), n.map(|(f, _)| f)))
        .collect();
    (network, reach)
}

/// Where a point meets the network, by position (edge ids change with the roads).
fn ways_in(entries: &[planlint::network::Snap]) -> Vec<[i64; 3]> {
    let mm = |x: f64| (x * 1e3).round() as i64;
    entries
        .iter()
        .map(|s| [mm(s.point[0]), mm(s.point[1]), mm(s.leg)])
        .collect()
}

/// A community station at `at`, with floor area.
fn station(plan: &Plan, at: Point) -> Facility {
    let template = plan
        .facilities
        .iter()
        .find(|f| f.kind == FacilityKind::CommunityStation)
        .cloned()
        .unwrap_or_else(|| plan.facilities[0].clone());
    Facility {
        index: plan.facilities.len(),
        id: "NEW".into(),
        name: "new station".into(),
        geometry: Footprint::Point(at),
        reference: at,
        kind: FacilityKind::CommunityStation,
        floor_area: Some(300.0),
        compound_id: None,
        ..template
    }
}

/// A point anywhere over the city's extent (and a block beyond it).
fn somewhere(plan: &Plan, fx: f64, fy: f64) -> Point {
    use geo::BoundingRect;
    let mut b = plan.compounds[0].geometry.bounding_rect().unwrap();
    for c in &plan.compounds {
        let r = c.geometry.bounding_rect().unwrap();
        b = geo::Rect::new(
            (b.min().x.min(r.min().x), b.min().y.min(r.min().y)),
            (b.max().x.max(r.max().x), b.max().y.max(r.max().y)),
        );
    }
    Point::new(
        b.min().x - 250.0 + fx * (b.width() + 500.0),
        b.min().y - 250.0 + fy * (b.height() + 500.0),
    )
}

/// The JSON report of a plan folder, checked as the command line checks it.
fn json_report(dir: &Path) -> String {
    let src = planlint::read::Sources::from_dir(dir).unwrap();
    let plan = planlint::place::load(&src).unwrap();
    let profile = anyang();
    let report = planlint::check(&plan, &profile, as_of());
    let mut out = Vec::new();
    Format::Json
        .emitter(Lang::En)
        .emit(&mut out, &report)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// 24 cases a property in `cargo test`, drawn from a fixed seed: the cases CI runs are the
/// same on every machine and every run, so a failure there fails again here (nothing
/// needs persisting). `PROPTEST_CASES=N` for a longer hunt, `PROPTEST_RNG_SEED=S` for
/// other cases.
fn config() -> ProptestConfig {
    // The default reads the PROPTEST_* variables.
    let given = ProptestConfig::default();
    let seed = match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => given.rng_seed,
        None => proptest::test_runner::RngSeed::Fixed(0x7069_616e_6c69_6e74),
    };
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(24),
        rng_seed: seed,
        failure_persistence: None,
        ..given
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn adding_a_facility_lengthens_no_walk(
        n in 4usize..50, seed in 0u64..1000, fx in 0.0f64..1.0, fy in 0.0f64..1.0,
    ) {
        let mut plan = city(n, seed);
        let before = distances(&plan);
        let at = somewhere(&plan, fx, fy);
        let new = station(&plan, at);
        plan.facilities.push(new);
        let after = distances(&plan);
        prop_assert_eq!(before.len(), after.len());
        for ((c, d0, _), (_, d1, _)) in before.iter().zip(&after) {
            prop_assert!(*d1 <= *d0 + 1e-6, "compound {}: {} m before, {} m after", c, d0, d1);
        }
    }

    /// A compound and a facility meet the network at its nearest point of the nearest
    /// road (of each road as near): remove that road and they meet it elsewhere, which may
    /// be nearer to walk from (a compound between two streets, a facility across the
    /// street). So the property holds for the roads that are not how either meets the
    /// network, and those are what it is checked on.
    #[test]
    fn removing_a_road_shortens_no_walk(n in 4usize..50, seed in 0u64..1000, k in 0usize..1000) {
        let plan = city(n, seed);
        let (w0, before) = walked(&plan);
        let mut cut = plan.clone();
        cut.roads.remove(k % plan.roads.len());
        let (w1, after) = walked(&cut);
        let mut compared = 0;
        for ((c, d0, _), (_, d1, f1)) in before.iter().zip(&after) {
            let same = |a: &[planlint::network::Snap], b: &[planlint::network::Snap]| ways_in(a) == ways_in(b);
            if !same(w0.compounds.get(*c), w1.compounds.get(*c))
                || f1.is_some_and(|f| !same(w0.facilities.get(f), w1.facilities.get(f)))
            {
                continue;
            }
            compared += 1;
            prop_assert!(*d1 + 1e-6 >= *d0, "compound {}: {} m before, {} m after", c, d0, d1);
        }
        prop_assume!(compared > 0);
    }

    #[test]
    fn no_walk_is_shorter_than_the_straight_line(n in 4usize..50, seed in 0u64..1000) {
        let plan = city(n, seed);
        for (c, d, f) in distances(&plan) {
            let Some(f) = f else { continue };
            let straight = Euclidean.distance(plan.compounds[c].reference, plan.facilities[f].reference);
            prop_assert!(d + 1e-6 >= straight, "compound {}: walked {} m, straight {} m", c, d, straight);
        }
    }

    #[test]
    fn a_community_facility_moved_into_a_compound_never_lowers_its_floor_area(
        n in 4usize..40, seed in 0u64..1000, pick in 0usize..1000, target in 0usize..1000,
    ) {
        let mut plan = city(n, seed);
        let community: Vec<usize> = (0..plan.facilities.len())
            .filter(|&f| plan.facilities[f].kind == FacilityKind::CommunityStation)
            .collect();
        prop_assume!(!community.is_empty());
        let f = community[pick % community.len()];
        let c = target % plan.compounds.len();
        let measured = |plan: &Plan| {
            let report = planlint::check(plan, &anyang(), as_of());
            report
                .findings
                .iter()
                .find(|x| x.rule == "floor-area-per-households" && x.subject.id == plan.compounds[c].id)
                .map(|x| x.measured.clone())
        };
        let before = measured(&plan);
        let at = plan.compounds[c].reference;
        plan.facilities[f].geometry = Footprint::Point(at);
        plan.facilities[f].reference = at;
        plan.facilities[f].compound_id = None;
        let after = measured(&plan);
        if let (Some(Measure::Number(b)), Some(Measure::Number(a))) = (&before, &after) {
            prop_assert!(a + 1e-9 >= *b, "compound {}: {} before, {} after", c, b, a);
        }
        // A compound with no figure before has one after (or still none, without households).
        if let Some(Measure::Number(_)) = before {
            prop_assert!(matches!(after, Some(Measure::Number(_))), "{:?} after", after);
        }
    }

    #[test]
    fn the_report_ignores_feature_order_and_thread_count(n in 4usize..40, seed in 0u64..1000, shuffle in any::<u64>()) {
        let plan = city(n, seed);
        let dir = tempfile::tempdir().unwrap();
        planlint::synth::write_plan(dir.path(), &plan, "anyang-2017", "2024-06-30").unwrap();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let reference = one.install(|| json_report(dir.path()));
        // The same files with their features in another order, checked on four threads.
        for layer in ["compounds", "facilities", "units", "roads"] {
            let path = dir.path().join(format!("{layer}.geojson"));
            let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let features = fc["features"].as_array_mut().unwrap();
            let mut state = shuffle | 1;
            for i in (1..features.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                features.swap(i, (state >> 33) as usize % (i + 1));
            }
            std::fs::write(&path, fc.to_string()).unwrap();
        }
        let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        let shuffled = four.install(|| json_report(dir.path()));
        prop_assert!(reference == shuffled, "the reports differ");
    }

    #[test]
    fn the_same_plan_in_another_crs_gives_the_same_findings(n in 4usize..30, seed in 0u64..1000, which in 0usize..3) {
        let plan = city(n, seed);
        let (crs, decimals) = [("EPSG:4490", 10), ("EPSG:4326", 10), ("EPSG:32650", 5)][which];
        let findings = |crs: &str, decimals: i32| {
            let dir = tempfile::tempdir().unwrap();
            planlint::synth::write_plan_in(dir.path(), &plan, "anyang-2017", "2024-06-30", crs, decimals).unwrap();
            // Both are checked in the same working CRS: the city's own.
            let toml = dir.path().join("plan.toml");
            let text = std::fs::read_to_string(&toml).unwrap() + "working_crs = \"EPSG:4547\"\n";
            std::fs::write(&toml, text).unwrap();
            let src = planlint::read::Sources::from_dir(dir.path()).unwrap();
            let plan = planlint::place::load(&src).unwrap();
            planlint::check(&plan, &anyang(), as_of()).findings
        };
        let native = findings("EPSG:4547", 6);
        let other = findings(crs, decimals);
        prop_assert_eq!(native.len(), other.len());
        for (a, b) in native.iter().zip(&other) {
            prop_assert_eq!((a.rule, &a.subject.id, a.status), (b.rule, &b.subject.id, b.status));
            if let (Measure::Number(x), Measure::Number(y)) = (&a.measured, &b.measured) {
                // A distance (m) within 1 mm, absolute. Everything else comes from areas,
                // counts and fields: within a relative 1e-6 (the files' decimals move a
                // corner by at most 0.01 mm, which changes a 100 m square's area by about
                // 2e-7 of itself), plus the 1e-6 by which the report rounds every value
                // (six decimals: 0.298942 against 0.298943).
                let close = if a.unit == "m" {
                    (x - y).abs() <= 1e-3
                } else {
                    (x - y).abs() <= 1e-6 * x.abs().max(1.0) + 1e-6
                };
                prop_assert!(close, "{} {}: {} and {} ({})", a.rule, a.subject.id, x, y, crs);
            }
        }
    }

    #[test]
    fn every_feature_read_is_kept_or_rejected(n in 1usize..40, seed in 0u64..1000, cut in 0usize..1000) {
        // A generated plan with one compound's households made unreadable and one
        // facility's geometry removed: both rejected, named, and the rest kept.
        let plan = city(n, seed);
        let dir = tempfile::tempdir().unwrap();
        planlint::synth::write_plan(dir.path(), &plan, "anyang-2017", "2024-06-30").unwrap();
        let edit = |layer: &str, f: &dyn Fn(&mut serde_json::Value)| {
            let path = dir.path().join(format!("{layer}.geojson"));
            let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let features = fc["features"].as_array_mut().unwrap();
            let k = cut % features.len();
            f(&mut features[k]);
            std::fs::write(&path, fc.to_string()).unwrap();
        };
        edit("compounds", &|f| f["properties"]["households"] = "many".into());
        edit("facilities", &|f| f["geometry"] = serde_json::Value::Null);
        let src = planlint::read::Sources::from_dir(dir.path()).unwrap();
        let Ok(read) = planlint::place::load(&src) else {
            // One compound and its only facility both unusable: the plan is refused whole.
            prop_assume!(false);
            unreachable!()
        };
        for (layer, info) in &read.inputs {
            let kept = match layer {
                planlint::model::Layer::Compounds => read.compounds.len(),
                planlint::model::Layer::Facilities => read.facilities.len(),
                planlint::model::Layer::Units => read.units.len(),
                _ => continue,
            };
            prop_assert_eq!(info.features, kept + info.rejected.len(), "{:?}", layer);
        }
        let rejected = |l| read.inputs.iter().find(|(x, _)| *x == l).map_or(0, |(_, i)| i.rejected.len());
        prop_assert_eq!(rejected(planlint::model::Layer::Compounds), 1);
        prop_assert_eq!(rejected(planlint::model::Layer::Facilities), 1);
    }
}

/// Two facilities equally near a compound: the one with the smaller id is its nearest,
/// whichever comes first in the file, walked or straight.
#[test]
fn equally_near_facilities_are_settled_by_id() {
    for roads in [true, false] {
        let mut firsts = Vec::new();
        for flip in [false, true] {
            let mut plan = planlint::synth::city(9, 3);
            if roads {
                planlint::synth::add_streets(&mut plan);
            }
            plan.facilities.clear();
            let c = plan.compounds[4].reference;
            // S-b 60 m west and S-a 60 m east of the middle compound's centre.
            let mut pair = vec![
                (Point::new(c.x() - 60.0, c.y()), "S-b"),
                (Point::new(c.x() + 60.0, c.y()), "S-a"),
            ];
            if flip {
                pair.reverse();
            }
            let template = planlint::synth::city(9, 3).facilities;
            let template = template
                .iter()
                .find(|f| f.kind == FacilityKind::CommunityStation)
                .unwrap()
                .clone();
            for (i, (at, id)) in pair.into_iter().enumerate() {
                plan.facilities.push(Facility {
                    index: i,
                    id: id.into(),
                    geometry: Footprint::Point(at),
                    reference: at,
                    compound_id: None,
                    ..template.clone()
                });
            }
            let report = planlint::check(&plan, &anyang(), as_of());
            let f = report
                .findings
                .iter()
                .find(|f| f.rule == "service-circle" && f.subject.id == plan.compounds[4].id)
                .unwrap();
            let Some(planlint::model::RuleDetails::ServiceCircle(d)) = f.details.rule() else {
                panic!("service-circle details: {:?}", f.details);
            };
            firsts.push(d.nearest_facility.clone().unwrap_or_default());
        }
        assert_eq!(firsts, ["S-a", "S-a"], "roads: {roads}");
    }
}

//! The library runs the same pipeline as the command line: a caller who builds a
//! `planlint::Request` gets, byte for byte, the report `planlint check` writes, with the
//! plan's waivers, a baseline and a city as context.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use planlint::emit::Format;
use planlint::text::Lang;
use planlint::{Request, Stage};

/// The submission `fixtures/context/sub-far` (its compound A1, 4 km from any facility on
/// foot, and a facility) in a folder of its own, with a plan.toml of waivers: #1 waives
/// A1's failing service circle, #2 names no compound of the plan (unused), #3 expired on
/// 2024-01-01, before the city's date 2024-06-30.
fn submission_with_waivers() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["compounds.geojson", "facilities.geojson"] {
        std::fs::copy(
            common::root().join("fixtures/context/sub-far").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("plan.toml"),
        r#"
[[waivers]]
rule = "service-circle"
subject = "A1"
reason = "站点已批复"

[[waivers]]
rule = "floor-area-per-households"
subject = "ZZ*"
reason = "无"

[[waivers]]
rule = "service-circle"
subject = "A*"
reason = "临时"
expires = "2024-01-01"
"#,
    )
    .unwrap();
    dir
}

/// The JSON emitter's output for a report made by the library.
fn json(report: &planlint::report::Report) -> String {
    let mut out = Vec::new();
    Format::Json
        .emitter(Lang::En)
        .emit(&mut out, report)
        .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_library_caller_gets_the_binarys_report_with_waivers_a_baseline_and_a_context() {
    let plan = submission_with_waivers();
    let plan_dir = plan.path().to_str().unwrap();
    let city = "fixtures/context/city";
    // The baseline: the binary's report of the same submission before it had waivers.
    let baseline = plan.path().join("before.json");
    let (_, before, err) = common::run(&[
        "check",
        "fixtures/context/sub-far",
        "--context",
        city,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert!(!before.is_empty(), "{err}");
    std::fs::write(&baseline, &before).unwrap();
    let base = baseline.to_str().unwrap();

    let (code, binary, err) = common::run(&[
        "check",
        plan_dir,
        "--context",
        city,
        "--baseline",
        base,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let report = Request::plan(plan.path())
        .context(city)
        .baseline(&baseline)
        .run()
        .unwrap();
    let library = json(&report);
    assert_eq!(library, binary, "stderr of the binary: {err}");
    assert_eq!(
        report.exit_code(planlint::report::FailOn::Severity(
            planlint::model::Severity::Error
        )),
        code
    );

    // What the report holds is what the plan asked for: the waivers at work, the baseline
    // compared, the submission in its city.
    let v: serde_json::Value = serde_json::from_str(&library).unwrap();
    common::schema_holds(&v);
    let a1 = common::finding(&v, "service-circle", "A1");
    assert_eq!(a1["waived"]["waiver"], 1);
    assert_eq!(a1["severity"], "info");
    common::finding(&v, "unused-waiver", "waivers[2]");
    common::finding(&v, "expired-waiver", "waivers[3]");
    assert!(v["context"].is_object(), "the city is the context");
    assert_eq!(v["baseline"]["path"], base);
    // The two waivers' own findings are new; A1, waived, is no longer an error.
    assert_eq!(v["baseline"]["new"], 2);
    assert_eq!(a1["baseline"]["state"], "changed");
}

#[test]
fn the_library_tells_its_progress_stage_by_stage() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    Request::plan("fixtures/network")
        .progress(move |stage| log.lock().unwrap().push(stage))
        .run()
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            Stage::Reading,
            Stage::Placing,
            Stage::Indexing,
            Stage::Network,
            Stage::Circle,
            Stage::Rules,
            Stage::Summarising
        ]
    );
}

#[test]
fn a_request_that_cannot_run_is_an_error_naming_the_file() {
    let err = Request::plan("fixtures/no-such-plan").run().unwrap_err();
    assert!(matches!(err, planlint::Error::Plan(_)), "{err:?}");
    assert!(err.to_string().contains("fixtures/no-such-plan"), "{err}");
    let err = Request::plan("fixtures/basic")
        .profile("no-such-city")
        .run()
        .unwrap_err();
    assert!(matches!(err, planlint::Error::Profile(_)), "{err:?}");
    let outside = Request::plan("fixtures/context/sub-outside")
        .context("fixtures/context/city")
        .run()
        .unwrap_err();
    assert!(
        matches!(outside, planlint::Error::Context(_)),
        "{outside:?}"
    );
    assert_ne!(outside.message(Lang::Zh), outside.message(Lang::En));
    assert!(Path::new("fixtures/context/sub-outside").is_dir());
}

/// What the check of a submission in its city asks of the engine: before the submission
/// only the areas (`areas_only`: no network, no circle, no compound or facility rule), after
/// it only the submission's compounds (`focus`). Each gives exactly the findings of the
/// full check that it keeps, on a generated city of 300 compounds with its streets.
#[test]
fn an_areas_only_or_focused_check_keeps_the_full_checks_findings() {
    use planlint::model::{Finding, Layer};
    let mut plan = planlint::synth::city(300, 3);
    planlint::synth::add_streets(&mut plan);
    let profile = planlint::profile::Profile::load("xuchang-2022").unwrap();
    let prepared = planlint::rules::Prepared::new(&profile);
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let run = |options: planlint::Options| {
        let options = planlint::Options {
            geometry: false,
            ..options
        };
        planlint::engine::run(&plan, &prepared, as_of, &options).findings
    };
    let key = |f: &Finding| {
        format!(
            "{} {:?} {} {:?} {:?} {:?}",
            f.rule, f.subject.layer, f.subject.id, f.status, f.measured, f.details
        )
    };
    let full = run(planlint::Options::default());
    let areas = run(planlint::Options {
        areas_only: true,
        ..Default::default()
    });
    let expected: Vec<String> = full
        .iter()
        .filter(|f| matches!(f.subject.layer, Layer::Units | Layer::Plan))
        .map(key)
        .collect();
    assert!(expected.len() > 10);
    assert_eq!(areas.iter().map(key).collect::<Vec<_>>(), expected);
    // Every seventh compound wanted.
    let wanted: Vec<bool> = (0..plan.compounds.len()).map(|i| i % 7 == 0).collect();
    let focused = run(planlint::Options {
        focus: Some(Arc::new(planlint::rules::Focus {
            compounds: wanted.clone(),
        })),
        ..Default::default()
    });
    let expected: Vec<String> = full
        .iter()
        .filter(|f| {
            f.subject.layer != Layer::Compounds || f.subject.index.is_some_and(|i| wanted[i])
        })
        .map(key)
        .collect();
    // One finding per wanted compound and rule about compounds.
    let rules: std::collections::BTreeSet<&str> = full
        .iter()
        .filter(|f| f.subject.layer == Layer::Compounds)
        .map(|f| f.rule)
        .collect();
    let n = expected.iter().filter(|k| k.contains("Compounds")).count();
    assert_eq!(n, 43 * rules.len(), "{rules:?}");
    assert_eq!(focused.iter().map(key).collect::<Vec<_>>(), expected);
}

/// A focused check walks only the roads around its compounds: three in a corner of a
/// generated city of 2,500 compounds (50 × 50 at 250 m), the window their bounding box
/// widened by 3 × 800 m (anyang-2017's distance), about 12 × 12 compounds of the 50 × 50.
/// What it measures is what the whole network measures: distances, nearest facilities and
/// 2SFCA scores alike. With the distance cut to 100 m, a wanted compound whose nearest
/// facility is farther than 1.5 × 100 m has the circle measured on the whole network.
#[test]
fn a_focused_check_walks_the_roads_around_its_compounds_only() {
    use planlint::model::{Finding, Layer};
    let mut plan = planlint::synth::city(2500, 5);
    planlint::synth::add_streets(&mut plan);
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let key = |f: &Finding| {
        format!(
            "{} {} {:?} {:?} {:?} {}",
            f.rule, f.subject.id, f.status, f.measured, f.details, f.message.en
        )
    };
    let only = |these: &[usize]| -> Vec<bool> {
        (0..plan.compounds.len())
            .map(|i| these.contains(&i))
            .collect()
    };
    let check = |overrides: &[&str], wanted: &[bool]| {
        let mut profile = planlint::profile::Profile::load("anyang-2017").unwrap();
        for o in overrides {
            profile.apply_override(o).unwrap();
        }
        let prepared = planlint::rules::Prepared::new(&profile);
        let run = |focus: Option<Arc<planlint::rules::Focus>>| {
            let options = planlint::Options {
                geometry: false,
                focus,
                ..Default::default()
            };
            planlint::engine::run(&plan, &prepared, as_of, &options)
        };
        let full = run(None);
        let focused = run(Some(Arc::new(planlint::rules::Focus {
            compounds: wanted.to_vec(),
        })));
        let expected: Vec<String> = full
            .findings
            .iter()
            .filter(|f| f.subject.layer == Layer::Compounds)
            .filter(|f| f.subject.index.is_some_and(|i| wanted[i]))
            .map(key)
            .collect();
        let got: Vec<String> = focused
            .findings
            .iter()
            .filter(|f| f.subject.layer == Layer::Compounds)
            .map(key)
            .collect();
        assert_eq!(got, expected);
        (full, focused)
    };
    let (full, focused) = check(&[], &only(&[0, 1, 51]));
    let circle: Vec<&Finding> = focused
        .findings
        .iter()
        .filter(|f| f.rule == "service-circle" && f.subject.layer == Layer::Compounds)
        .collect();
    assert_eq!(circle.len(), 3);
    assert!(circle
        .iter()
        .all(|f| f.status == planlint::model::Status::Pass));
    let (whole, part) = (full.network.unwrap(), focused.network.unwrap());
    assert!(whole.window.is_none());
    // Compounds 0, 1 and 51 have their reference points at 100 and 350 m east, 100 and
    // 350 m north of the grid's origin: the window reaches 2,400 m (and a little) beyond.
    let w = part.window.expect("a window");
    assert!(w[2] - w[0] > 2.0 * 2400.0 + 250.0 && w[2] - w[0] < 2.0 * 2400.0 + 300.0);
    assert!(
        part.stats.edges * 10 < whole.stats.edges,
        "{part:?} / {whole:?}"
    );
    // The circle summary counts the wanted compounds.
    assert_eq!(focused.service_circle.unwrap().plan.compounds, 3);

    let (_, focused) = check(&["service-circle.max_distance=100"], &only(&[0, 1, 51]));
    assert!(focused.network.unwrap().window.is_none());
    assert!(focused
        .findings
        .iter()
        .any(|f| f.rule == "service-circle" && f.status == planlint::model::Status::Fail));

    // Compound 16 is rural (synth: every 17th): nothing of the circle to walk, so no
    // network at all, and its findings (service-circle: not applicable) are the full
    // check's still.
    let (_, focused) = check(&[], &only(&[16]));
    assert!(focused.network.is_none());
    assert!(focused.findings.iter().any(|f| f.rule == "service-circle"
        && f.status == planlint::model::Status::NotApplicable
        && f.subject.index == Some(16)));
}

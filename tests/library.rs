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

/// A city read, placed and checked once, kept in memory: submissions checked against it
/// give the reports `--context` gives, byte for byte, without the city being read again.
/// data/sample with data/submission; fixtures/context/city with each of its submissions
/// (one across two districts, one far from any facility, one bringing land, one replacing
/// a city compound), and one asking for another date, which has the city checked again.
#[test]
fn a_city_kept_in_memory_checks_submissions_as_context_does() {
    for (city_dir, submissions) in [
        ("data/sample", &["data/submission"][..]),
        (
            "fixtures/context/city",
            &[
                "fixtures/context/sub-across",
                "fixtures/context/sub-far",
                "fixtures/context/sub-land",
                "fixtures/context/sub-replace",
            ][..],
        ),
    ] {
        let city = Request::plan(city_dir).city().unwrap();
        for sub in submissions {
            for as_of in [None, Some("2023-01-01")] {
                let mut request = Request::plan(*sub);
                request.as_of = as_of.map(String::from);
                let kept = city.check(&request).unwrap();
                let whole = request.clone().context(city_dir).run().unwrap();
                assert_eq!(
                    json(&kept),
                    json(&whole),
                    "{sub} in {city_dir}, as of {as_of:?}"
                );
                assert!(!kept.findings.is_empty());
            }
        }
        // A submission outside the city is refused as --context refuses it.
        let outside = city.check(&Request::plan("fixtures/context/sub-outside"));
        if city_dir == "fixtures/context/city" {
            assert!(matches!(outside, Err(planlint::Error::Context(_))));
        }
    }
}

/// A kept city checks a submission on the part of the city it reads: its walking window's
/// compounds and roads, what its map shows, every unit and facility. On a generated city of
/// 2,500 compounds with its streets (so that the part is a part), the reports are those of
/// `--context`, byte for byte, in JSON, HTML (its map with the walkable stretches) and
/// text: for data/submission; for the same with a station naming `C002499` (a city
/// compound 11 km away, outside the part: the station belongs to it, not to SUB-1, which
/// contains it); and with a circle of 100 m, where the walks leave the window and the
/// whole city measures them.
#[test]
fn a_kept_city_checks_a_submission_on_its_part_as_the_whole_would() {
    use planlint::emit::Format::{Html, Json, Text};
    let dir = tempfile::tempdir().unwrap();
    let city_dir = dir.path().join("city");
    let mut plan = planlint::synth::city(2500, 7);
    planlint::synth::add_streets(&mut plan);
    planlint::synth::write_plan(&city_dir, &plan, "anyang-2017", "2024-06-30").unwrap();
    // The submission, with a second station inside SUB-1 that names C002499.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    for f in ["compounds.geojson", "phases.csv"] {
        std::fs::copy(Path::new("data/submission").join(f), elsewhere.join(f)).unwrap();
    }
    let mut facilities: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("data/submission/facilities.geojson").unwrap(),
    )
    .unwrap();
    let mut far = facilities["features"][0].clone();
    far["properties"]["设施编号"] = "SUB-S2".into();
    far["properties"]["所属小区"] = "C002499".into();
    facilities["features"].as_array_mut().unwrap().push(far);
    std::fs::write(elsewhere.join("facilities.geojson"), facilities.to_string()).unwrap();
    let emit = |r: &planlint::report::Report, f: Format| {
        let mut out = Vec::new();
        f.emitter(Lang::Zh).emit(&mut out, r).unwrap();
        out
    };
    for set in [None, Some("service-circle.max_distance=100")] {
        let with = |r: Request| match set {
            Some(s) => r.set(s),
            None => r,
        };
        let city = with(Request::plan(&city_dir)).city().unwrap();
        for sub in [Path::new("data/submission"), elsewhere.as_path()] {
            let mut request = with(Request::plan(sub));
            // The walkable stretches too, which the HTML map draws.
            request.options.service_areas = true;
            let kept = city.check(&request).unwrap();
            let whole = request.clone().context(&city_dir).run().unwrap();
            for f in [Json, Html, Text] {
                assert!(
                    emit(&kept, f) == emit(&whole, f),
                    "{} with {set:?}: the {f:?} reports differ",
                    sub.display()
                );
            }
        }
    }
}

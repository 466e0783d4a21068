//! A development submission checked inside its city (`planlint check SUBMISSION --context
//! CITY`): the city is checked as it is, then with the submission in it; the report speaks
//! of the submission only. Every site-level finding is about one of its compounds or
//! facilities; every area-level finding of a unit the submission touches (contains one of
//! its compounds or facilities) says the value before and after the submission
//! (`details.before`, `details.after`) and whether the submission makes it pass, makes it
//! fail, makes an existing shortfall worse, or leaves it as it was (`details.effect`). A
//! shortfall the city already had and the submission does not deepen is reported with
//! severity `info`: it does not fail the submission.
//!
//! The check after the submission wants the submission's compounds only
//! ([`crate::rules::Focus`]): their circle is walked on the roads around them
//! ([`crate::analysis::circle::Window`]), so the city's network is never built whole unless
//! a walk is longer than the window vouches for.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{BoundingRect, Intersects};

use crate::engine::{self, Options};
use crate::model::details::ContextDetails;
use crate::model::{Finding, Measure, Status};
use crate::model::{Layer, Plan};
use crate::place::context::Submission;
use crate::report::{Report, Summary};
use crate::rules::Prepared;
use crate::text::t;
use crate::text::{num, Text};

/// What a submission does to one area-level finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    MakesPass,
    MakesFail,
    /// It failed before and fails further from the requirement after.
    MakesWorse,
    Unchanged,
}

impl Effect {
    fn of(before: (Status, &Measure), after: (Status, &Measure), required: &Measure) -> Effect {
        let gap = |m: &Measure| match (m, required) {
            (Measure::Number(m), Measure::Number(r)) => Some((m - r).abs()),
            _ => None,
        };
        match (before.0, after.0) {
            (b, Status::Pass) if b != Status::Pass => Effect::MakesPass,
            (b, Status::Fail) if b != Status::Fail => Effect::MakesFail,
            (Status::Fail, Status::Fail) => match (gap(before.1), gap(after.1)) {
                (Some(b), Some(a)) if a > b + 1e-9 * b.max(1.0) => Effect::MakesWorse,
                _ => Effect::Unchanged,
            },
            _ => Effect::Unchanged,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Effect::MakesPass => "makes_pass",
            Effect::MakesFail => "makes_fail",
            Effect::MakesWorse => "makes_worse",
            Effect::Unchanged => "unchanged",
        }
    }
}

/// Checks `merged` (the city with the submission in it, [`crate::place::context::merge`])
/// against `city` alone, and reports what concerns the submission.
pub fn check_in_context(
    city: &Plan,
    merged: &Plan,
    submission: &Submission,
    prepared: &Prepared,
    as_of: chrono::NaiveDate,
    options: &Options,
) -> Report {
    // Before the submission, only the areas' findings are compared: the city's own
    // compounds and facilities, its walks and its circle are not the submission's. After
    // it, the findings of the submission's own compounds and the areas'. The two checks
    // run side by side; the one after tells the stages.
    let quiet = Options {
        geometry: false,
        areas_only: true,
        ..Options::default()
    };
    let focused = Options {
        focus: Some(std::sync::Arc::new(crate::rules::Focus {
            compounds: merged
                .compounds
                .iter()
                .map(|c| submission.compounds.contains(&c.id))
                .collect(),
        })),
        ..options.clone()
    };
    let (before, mut report) = rayon::join(
        || engine::run(city, prepared, as_of, &quiet),
        || engine::run(merged, prepared, as_of, &focused),
    );
    if let Some(shapes) = report.geometry.as_mut() {
        std::sync::Arc::make_mut(shapes).focus = extent(merged, submission);
    }
    let touched = touched_units(merged, submission);
    let before: HashMap<(&str, &str), &Finding> = before
        .findings
        .iter()
        .map(|f| ((f.rule, f.subject.id.as_str()), f))
        .collect();
    let findings = std::mem::take(&mut report.findings);
    report.findings = findings
        .into_iter()
        .filter_map(|f| match f.subject.layer {
            Layer::Compounds if submission.compounds.contains(&f.subject.id) => Some(f),
            Layer::Facilities if submission.facilities.contains(&f.subject.id) => Some(f),
            Layer::Units if f.subject.index.is_some_and(|u| touched.contains(&u)) => {
                Some(compared(f, &before))
            }
            Layer::Plan => Some(compared(f, &before)),
            // A rule that could not run at all still says so.
            _ if f.status == Status::Skipped => Some(f),
            _ => None,
        })
        .collect();
    report.summary = Summary::of(&report.findings);
    report.context = Some(crate::report::Context {
        city_inputs: std::mem::take(&mut report.inputs),
        replaced: submission.replaced.clone(),
    });
    report.inputs = submission
        .inputs
        .iter()
        .cloned()
        .collect::<BTreeMap<_, _>>();
    report
}

/// The units that contain one of the submission's compounds or facilities.
fn touched_units(plan: &Plan, submission: &Submission) -> HashSet<usize> {
    let points: Vec<geo::Point> = plan
        .compounds
        .iter()
        .filter(|c| submission.compounds.contains(&c.id))
        .map(|c| c.reference)
        .chain(
            plan.facilities
                .iter()
                .filter(|f| submission.facilities.contains(&f.id))
                .map(|f| f.reference),
        )
        .collect();
    (0..plan.units.len())
        .filter(|&u| points.iter().any(|p| plan.units[u].geometry.intersects(p)))
        .collect()
}

/// An area-level finding with what it was before the submission and what the submission
/// does to it.
fn compared(mut f: Finding, before: &HashMap<(&str, &str), &Finding>) -> Finding {
    let (was, status) = match before.get(&(f.rule, f.subject.id.as_str())) {
        Some(b) => (b.measured.clone(), b.status),
        None => (Measure::Null, Status::NotApplicable),
    };
    let effect = Effect::of((status, &was), (f.status, &f.measured), &f.required);
    let show = |m: &Measure| match m {
        Measure::Number(x) => num(*x, 4),
        Measure::Date(d) => d.clone(),
        Measure::Null => "—".into(),
    };
    let said = match effect {
        Effect::MakesPass => t!("提交使其达标", "the submission makes it pass"),
        Effect::MakesFail => t!("提交使其不达标", "the submission makes it fail"),
        Effect::MakesWorse => t!("提交使差距扩大", "the submission makes it worse"),
        Effect::Unchanged => t!("提交未改变其结论", "the submission leaves it as it was"),
    };
    // A shortfall the city already had, which the submission does not deepen, is not the
    // submission's: it is reported for information.
    if f.status == Status::Fail && effect == Effect::Unchanged {
        f.severity = crate::profile::Severity::Info;
    }
    f.message = f
        .message
        .join(&Text::new(
            format!("提交前为 {}（{}）", show(&was), status.as_str()),
            format!("before the submission {} ({})", show(&was), status.as_str()),
        ))
        .join(&said);
    f.details.set_context(ContextDetails {
        before: was,
        before_status: status.as_str(),
        after: f.measured.clone(),
        effect: effect.as_str(),
    });
    f
}

/// The bounding box of the submission's compounds and facilities, for the map.
fn extent(plan: &Plan, submission: &Submission) -> Option<geo::Rect<f64>> {
    let compounds = plan
        .compounds
        .iter()
        .filter(|c| submission.compounds.contains(&c.id))
        .filter_map(|c| c.geometry.bounding_rect());
    let facilities = plan
        .facilities
        .iter()
        .filter(|f| submission.facilities.contains(&f.id))
        .filter_map(|f| match &f.geometry {
            crate::model::Footprint::Point(p) => Some(geo::Rect::new(p.0, p.0)),
            crate::model::Footprint::Parcel(mp) => mp.bounding_rect(),
        });
    compounds.chain(facilities).reduce(crate::geometry::union)
}

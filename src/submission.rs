//! A development submission checked inside its city (`planlint check SUBMISSION --context
//! CITY`): the two plans made one ([`merge`]), the city checked as it is and with the
//! submission in it ([`check_in_city`]), and what the submission does ([`Effect`]). The
//! report speaks of the submission only. Every site-level finding is about one of its
//! compounds or facilities; every area-level finding of a unit the submission touches
//! (contains one of its compounds or facilities) says the value before and after the
//! submission (`details.before`, `details.after`) and whether the submission makes it pass,
//! makes it fail, makes an existing shortfall worse, or leaves it as it was
//! (`details.effect`). A shortfall the city already had and the submission does not deepen
//! is reported with severity `info`: it does not fail the submission.
//!
//! The submission's compounds, facilities and phases join the city's; a submission feature
//! with the id of a city feature replaces it (an amended project); units and roads are the
//! city's (and any roads the submission brings).
//!
//! The check after the submission wants the submission's compounds only
//! ([`crate::rules::Focus`]): their circle is walked on the roads around them
//! ([`crate::analysis::circle::Window`]), so the city's network is never built whole unless
//! a walk is longer than the window vouches for.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{BoundingRect, Intersects};

use crate::analysis::circle::Walk;
use crate::engine::{self, Options};
use crate::model::details::ContextDetails;
use crate::model::{Finding, Measure, Status};
use crate::model::{Layer, LayerInfo, Plan};
use crate::report::{Report, Summary};
use crate::rules::Prepared;
use crate::text::Text;

/// What the submission is, within the merged plan.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// Ids of the submission's compounds and facilities.
    pub compounds: HashSet<String>,
    pub facilities: HashSet<String>,
    /// City features the submission replaces, as (layer, id), sorted.
    pub replaced: Vec<(Layer, String)>,
    /// What was read of the submission's own files.
    pub inputs: Vec<(Layer, LayerInfo)>,
}

impl Submission {
    /// The submission's ids, and the city features they replace.
    fn of(city: &Plan, submission: &Plan) -> Submission {
        let compounds: HashSet<String> =
            submission.compounds.iter().map(|c| c.id.clone()).collect();
        let facilities: HashSet<String> =
            submission.facilities.iter().map(|f| f.id.clone()).collect();
        let mut replaced: Vec<(Layer, String)> = city
            .compounds
            .iter()
            .filter(|c| compounds.contains(&c.id))
            .map(|c| (Layer::Compounds, c.id.clone()))
            .chain(
                city.facilities
                    .iter()
                    .filter(|f| facilities.contains(&f.id))
                    .map(|f| (Layer::Facilities, f.id.clone())),
            )
            .collect();
        replaced.sort();
        Submission {
            compounds,
            facilities,
            replaced,
            inputs: submission.inputs.clone(),
        }
    }
}

/// The city and the submission as one plan; `Err` says why the submission cannot be
/// checked in this city (exit 2).
pub fn merge(city: Plan, submission: Plan) -> Result<(Plan, Submission), Text> {
    outside_every_unit(&city, &submission)?;
    let sub = Submission::of(&city, &submission);
    let mut plan = city;
    plan.compounds.retain(|c| !sub.compounds.contains(&c.id));
    plan.facilities.retain(|f| !sub.facilities.contains(&f.id));
    // A replaced compound's city phases go with it; the submission brings its own.
    plan.phases
        .retain(|p| !sub.compounds.contains(&p.compound_id));
    join(&mut plan, submission, &sub);
    Ok((plan, sub))
}

/// The submission's features after the city's (what remains of them), and a layer only
/// the submission brings (its phases, say) a layer of the whole.
fn join(plan: &mut Plan, submission: Plan, sub: &Submission) {
    plan.compounds.extend(submission.compounds);
    plan.facilities.extend(submission.facilities);
    plan.phases.extend(submission.phases);
    plan.roads.extend(submission.roads);
    plan.notes.extend(submission.notes);
    for (layer, info) in &sub.inputs {
        if !plan.has_layer(*layer) {
            plan.inputs.push((*layer, info.clone()));
        }
    }
}

/// What a city keeps to cut out the part of it a submission is checked on ([`part`]): its
/// compounds' and roads' boxes, and its compounds' ids.
pub struct CityIndex {
    /// The units' joins, which a part of the city shares ([`crate::engine::Options`]).
    pub(crate) units: std::sync::Arc<crate::index::UnitJoins>,
    compounds: crate::index::BoxIndex,
    roads: crate::index::BoxIndex,
    compound_ids: std::sync::Arc<HashSet<String>>,
    /// The city's extent, as its map frames it ([`crate::report::extent`]).
    extent: Option<geo::Rect<f64>>,
}

impl CityIndex {
    pub fn of(city: &Plan) -> CityIndex {
        use rayon::prelude::*;
        let ((compounds, roads), units) = rayon::join(
            || {
                rayon::join(
                    || {
                        let boxes: Vec<_> = city
                            .compounds
                            .par_iter()
                            .map(|c| c.geometry.bounding_rect())
                            .collect();
                        crate::index::BoxIndex::new(boxes.into_iter())
                    },
                    || {
                        let boxes: Vec<_> =
                            city.roads.par_iter().map(|r| r.bounding_rect()).collect();
                        crate::index::BoxIndex::new(boxes.into_iter())
                    },
                )
            },
            || crate::index::UnitJoins::of(city).with_facilities(city),
        );
        CityIndex {
            units: std::sync::Arc::new(units),
            compounds,
            roads,
            compound_ids: std::sync::Arc::new(
                city.compounds.iter().map(|c| c.id.clone()).collect(),
            ),
            extent: whole_extent(city, |_| true, |_| true),
        }
    }
}

/// The submission merged into the part of its city that its check reads, rather than
/// into the whole ([`merge`]): every unit and facility (the areas' rules count them all),
/// and of the city's compounds and roads only those its compounds' circle is walked
/// among (the walk's window, [`crate::analysis::circle::Walk`]) and those its map shows.
/// The check of the part gives the check of the whole's findings about the submission, as
/// long as every walk stays within the window: `Ok(None)` when there is no window to cut
/// to (a circle distance that is not a number). A facility naming a compound of the city
/// left out belongs to it, not to a compound of the part ([`crate::model::Partial`]).
pub fn part(
    city: &Plan,
    index: &CityIndex,
    submission: Plan,
    prepared: &Prepared,
    as_of: chrono::NaiveDate,
) -> Result<Option<(Plan, Submission, Walk)>, Text> {
    outside_every_unit(city, &submission)?;
    let circle = prepared.circle();
    let walk = circle.map_or(Walk::Nothing, |p| {
        let urban = submission
            .compounds
            .iter()
            .filter(|c| p.area_types.contains(&c.area_type))
            .map(|c| c.reference);
        Walk::around(urban, p, as_of, city.snap_tolerance)
    });
    if matches!(walk, Walk::Whole) {
        return Ok(None);
    }
    let sub = Submission::of(city, &submission);
    let kept = |c: &crate::model::Compound| !sub.compounds.contains(&c.id);
    // The whole's extent (the city's, kept, where the submission replaces nothing), and
    // what the map shows of it: the submission's extent with its surroundings.
    let city_part = if sub.replaced.is_empty() {
        index.extent
    } else {
        whole_extent(city, kept, |f| !sub.facilities.contains(&f.id))
    };
    let whole = [city_part, whole_extent(&submission, |_| true, |_| true)]
        .into_iter()
        .flatten()
        .reduce(crate::geometry::union);
    // The circle is measured, and drawn, when the whole has compounds and facilities.
    let has = |l: Layer| city.has_layer(l) || sub.inputs.iter().any(|(x, _)| *x == l);
    let measured = circle.filter(|_| has(Layer::Compounds) && has(Layer::Facilities));
    let view = extent_of(&submission.compounds, &submission.facilities)
        .map(|focus| crate::report::focus_view(focus, measured.map(|p| p.distance(as_of)), whole));
    let window = walk.window();
    let mut chosen: Vec<usize> = view.map_or_else(Vec::new, |v| index.compounds.meeting(v));
    if let Some(w) = window {
        let rect = w.rect;
        chosen.extend(
            index
                .compounds
                .meeting(rect)
                .into_iter()
                .filter(|&k| rect.intersects(&city.compounds[k].reference)),
        );
    }
    chosen.sort_unstable();
    chosen.dedup();
    chosen.retain(|&k| kept(&city.compounds[k]));
    let chosen_ids: HashSet<&str> = chosen
        .iter()
        .map(|&k| city.compounds[k].id.as_str())
        .collect();
    let roads = window.map_or_else(Vec::new, |w| index.roads.meeting(w.rect));
    let mut plan = Plan {
        compounds: chosen.iter().map(|&k| city.compounds[k].clone()).collect(),
        facilities: city
            .facilities
            .iter()
            .filter(|f| !sub.facilities.contains(&f.id))
            .cloned()
            .collect(),
        units: city.units.clone(),
        phases: city
            .phases
            .iter()
            .filter(|p| chosen_ids.contains(p.compound_id.as_str()))
            .cloned()
            .collect(),
        candidates: city.candidates.clone(),
        roads: roads.iter().map(|&r| city.roads[r].clone()).collect(),
        snap_tolerance: city.snap_tolerance,
        inputs: city.inputs.clone(),
        working_crs: city.working_crs.clone(),
        notes: city.notes.clone(),
        // The part holds every compound of the submission: the city's ids are those of
        // the whole's other compounds.
        partial: Some(crate::model::Partial {
            compound_ids: index.compound_ids.clone(),
            compounds: city.compounds.len() + submission.compounds.len()
                - sub
                    .replaced
                    .iter()
                    .filter(|(l, _)| *l == Layer::Compounds)
                    .count(),
            extent: whole,
            city_facilities: if sub.replaced.iter().any(|(l, _)| *l == Layer::Facilities) {
                0
            } else {
                city.facilities.len()
            },
        }),
    };
    join(&mut plan, submission, &sub);
    Ok(Some((plan, sub, walk)))
}

/// A submission feature outside every unit of the city cannot be checked in it: it is
/// elsewhere, or its coordinates are not in the CRS its files say.
fn outside_every_unit(city: &Plan, submission: &Plan) -> Result<(), Text> {
    if city.units.is_empty() {
        return Ok(());
    }
    let points = submission
        .compounds
        .iter()
        .map(|c| (Layer::Compounds, &c.id, c.reference))
        .chain(
            submission
                .facilities
                .iter()
                .map(|f| (Layer::Facilities, &f.id, f.reference)),
        );
    for (layer, id, p) in points {
        if !city.units.iter().any(|u| u.geometry.intersects(&p)) {
            let what = match layer {
                Layer::Compounds => Text::new("小区", "compound"),
                _ => Text::new("设施", "facility"),
            };
            let (x, y) = (p.x().round(), p.y().round());
            return Err(Text::new(
                format!("提交的{} {id} 位于城市的所有规划单元之外（工作坐标 {x}, {y}）：它是否属于这座城市，其文件声明的坐标系是否正确？", what.zh),
                format!("the submission's {} {id} lies outside every unit of the city, at ({x}, {y}) in the working CRS: is it in this city, and are its files in the CRS they declare?", what.en),
            ));
        }
    }
    Ok(())
}

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
    /// What the submission did to a finding, from its status and gap before (none: the
    /// finding did not exist) and after.
    fn of(before: Option<&Finding>, after: &Finding) -> Effect {
        let was = before.map_or(Status::NotApplicable, |b| b.status);
        let deficit = |f: &Finding| f.gap().and_then(|g| g.deficit);
        match (was, after.status) {
            (b, Status::Pass) if b != Status::Pass => Effect::MakesPass,
            (b, Status::Fail) if b != Status::Fail => Effect::MakesFail,
            (Status::Fail, Status::Fail) => match (before.and_then(deficit), deficit(after)) {
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

/// The city's area-level findings before any submission: what a submission's are
/// compared with. The city's own compounds and facilities, its walks and its circle are not
/// a submission's: only the areas are checked.
pub struct Before {
    findings: Vec<Finding>,
}

impl Before {
    /// The areas-only check of the city.
    pub fn of(city: &Plan, prepared: &Prepared, as_of: chrono::NaiveDate) -> Before {
        let quiet = Options {
            geometry: false,
            areas_only: true,
            ..Options::default()
        };
        Before {
            findings: engine::run(city, prepared, as_of, &quiet).findings,
        }
    }
}

/// Checks `merged` (the city with the submission in it, [`merge`]) against `city` alone,
/// and reports what concerns the submission. The check of the city before and the one after
/// run side by side; the one after tells the stages.
pub fn check_in_city(
    city: &Plan,
    merged: &Plan,
    submission: &Submission,
    prepared: &Prepared,
    as_of: chrono::NaiveDate,
    options: &Options,
) -> Report {
    let touched = touched_units(merged, submission);
    let (before, after) = rayon::join(
        || Before::of(city, prepared, as_of),
        || after(merged, submission, &touched, prepared, as_of, options),
    );
    compared_with(after, &before, merged, submission, &touched)
}

/// Checks `merged` against what the city was before (kept from an earlier
/// [`Before::of`]), and reports what concerns the submission: the same report as
/// [`check_in_city`], without checking the city again.
pub fn check_against(
    before: &Before,
    merged: &Plan,
    submission: &Submission,
    prepared: &Prepared,
    as_of: chrono::NaiveDate,
    options: &Options,
) -> Report {
    let touched = touched_units(merged, submission);
    let report = after(merged, submission, &touched, prepared, as_of, options);
    compared_with(report, before, merged, submission, &touched)
}

/// The check with the submission in the city: the findings of the submission's own
/// compounds (their circle walked on the roads around them) and the areas' it touches.
fn after(
    merged: &Plan,
    submission: &Submission,
    touched: &[bool],
    prepared: &Prepared,
    as_of: chrono::NaiveDate,
    options: &Options,
) -> Report {
    let focused = Options {
        focus: Some(std::sync::Arc::new(crate::rules::Focus {
            compounds: merged
                .compounds
                .iter()
                .map(|c| submission.compounds.contains(&c.id))
                .collect(),
            // Only the units the submission touches are reported ([`compared_with`]).
            units: Some(touched.to_vec()),
        })),
        ..options.clone()
    };
    engine::run(merged, prepared, as_of, &focused)
}

/// The report after the submission, of the submission only: its compounds' and
/// facilities' findings, and those of the areas it touches, each compared with `before`.
fn compared_with(
    mut report: Report,
    before: &Before,
    merged: &Plan,
    submission: &Submission,
    touched: &[bool],
) -> Report {
    if let Some(shapes) = report.geometry.as_mut() {
        std::sync::Arc::make_mut(shapes).focus = extent(merged, submission);
    }
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
            Layer::Units
                if f.subject
                    .index
                    .is_some_and(|u| touched.get(u) == Some(&true)) =>
            {
                Some(compared(f, &before))
            }
            Layer::Plan => Some(compared(f, &before)),
            // A rule that could not run at all still says so.
            _ if f.status == Status::Skipped => Some(f),
            _ => None,
        })
        .collect();
    report.summary = Summary::of(&report.findings);
    report.city = Some(crate::report::City {
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

/// Per unit, whether it contains one of the submission's compounds or facilities.
fn touched_units(plan: &Plan, submission: &Submission) -> Vec<bool> {
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
    plan.units
        .iter()
        .map(|u| points.iter().any(|p| u.geometry.intersects(p)))
        .collect()
}

/// An area-level finding with what it was before the submission and what the submission
/// does to it.
fn compared(mut f: Finding, before: &HashMap<(&str, &str), &Finding>) -> Finding {
    let earlier = before.get(&(f.rule, f.subject.id.as_str())).copied();
    let (was, status) = match earlier {
        Some(b) => (b.measured.clone(), b.status),
        None => (Measure::Null, Status::NotApplicable),
    };
    let effect = Effect::of(earlier, &f);
    // A shortfall the city already had, which the submission does not deepen, is not the
    // submission's: it is reported for information. The message says what it was and
    // what the submission does ([`crate::model::Message::render`], from these details).
    if f.status == Status::Fail && effect == Effect::Unchanged {
        f.severity = crate::profile::Severity::Info;
    }
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
    extent_of(
        plan.compounds
            .iter()
            .filter(|c| submission.compounds.contains(&c.id)),
        plan.facilities
            .iter()
            .filter(|f| submission.facilities.contains(&f.id)),
    )
}

/// The extent of a plan's units, and of the compounds and facilities kept, as a map frames
/// a plan ([`crate::report::extent`]).
fn whole_extent(
    plan: &Plan,
    compound: impl Fn(&crate::model::Compound) -> bool,
    facility: impl Fn(&crate::model::Facility) -> bool,
) -> Option<geo::Rect<f64>> {
    crate::report::extent(
        plan.units.iter().map(|u| &u.geometry).chain(
            plan.compounds
                .iter()
                .filter(|c| compound(c))
                .map(|c| &c.geometry),
        ),
        plan.facilities
            .iter()
            .filter(|f| facility(f))
            .map(|f| f.reference),
    )
}

/// The extent of compounds and facilities, as a map frames them.
fn extent_of<'a>(
    compounds: impl IntoIterator<Item = &'a crate::model::Compound>,
    facilities: impl IntoIterator<Item = &'a crate::model::Facility>,
) -> Option<geo::Rect<f64>> {
    let compounds = compounds
        .into_iter()
        .filter_map(|c| c.geometry.bounding_rect());
    let facilities = facilities.into_iter().filter_map(|f| match &f.geometry {
        crate::model::Footprint::Point(p) => Some(geo::Rect::new(p.0, p.0)),
        crate::model::Footprint::Parcel(mp) => mp.bounding_rect(),
    });
    compounds.chain(facilities).reduce(crate::geometry::union)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    /// What the check of a submission in its city asks of the engine: before the submission
    /// only the areas (`areas_only`: no network, no circle, no compound or facility rule), after
    /// it only the submission's compounds (`focus`). Each gives exactly the findings of the
    /// full check that it keeps, on a generated city of 300 compounds with its streets.
    #[test]
    fn an_areas_only_or_focused_check_keeps_the_full_checks_findings() {
        use crate::model::{Finding, Layer};
        let mut plan = crate::synth::city(300, 3);
        crate::synth::add_streets(&mut plan);
        let profile = crate::profile::Profile::load("xuchang-2022").unwrap();
        let prepared = crate::rules::Prepared::new(&profile);
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        let run = |options: crate::Options| {
            let options = crate::Options {
                geometry: false,
                ..options
            };
            crate::engine::run(&plan, &prepared, as_of, &options).findings
        };
        let key = |f: &Finding| {
            format!(
                "{} {:?} {} {:?} {:?} {:?}",
                f.rule, f.subject.layer, f.subject.id, f.status, f.measured, f.details
            )
        };
        let full = run(crate::Options::default());
        let areas = run(crate::Options {
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
        let focused = run(crate::Options {
            focus: Some(Arc::new(crate::rules::Focus {
                compounds: wanted.clone(),
                ..Default::default()
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
        use crate::model::{Finding, Layer};
        let mut plan = crate::synth::city(2500, 5);
        crate::synth::add_streets(&mut plan);
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        let key = |f: &Finding| {
            format!(
                "{} {} {:?} {:?} {:?} {}",
                f.rule,
                f.subject.id,
                f.status,
                f.measured,
                f.details,
                f.message(crate::text::Lang::En)
            )
        };
        let only = |these: &[usize]| -> Vec<bool> {
            (0..plan.compounds.len())
                .map(|i| these.contains(&i))
                .collect()
        };
        let check = |overrides: &[&str], wanted: &[bool]| {
            let mut profile = crate::profile::Profile::load("anyang-2017").unwrap();
            for o in overrides {
                profile.apply_override(o).unwrap();
            }
            let prepared = crate::rules::Prepared::new(&profile);
            let run = |focus: Option<Arc<crate::rules::Focus>>| {
                let options = crate::Options {
                    geometry: false,
                    focus,
                    ..Default::default()
                };
                crate::engine::run(&plan, &prepared, as_of, &options)
            };
            let full = run(None);
            let focused = run(Some(Arc::new(crate::rules::Focus {
                compounds: wanted.to_vec(),
                ..Default::default()
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
            .all(|f| f.status == crate::model::Status::Pass));
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
            .any(|f| f.rule == "service-circle" && f.status == crate::model::Status::Fail));

        // Compound 16 is rural (synth: every 17th): nothing of the circle to walk, so no
        // network at all, and its findings (service-circle: not applicable) are the full
        // check's still.
        let (_, focused) = check(&[], &only(&[16]));
        assert!(focused.network.is_none());
        assert!(focused.findings.iter().any(|f| f.rule == "service-circle"
            && f.status == crate::model::Status::NotApplicable
            && f.subject.index == Some(16)));
    }
}

//! Report: the findings of a check with everything a reader needs to trust them (what was
//! read, what was rejected, the profile and date) and everything an output format needs
//! (the subjects' geometry, the service areas). The formats themselves are in
//! [`crate::emit`].

mod comparison;
pub mod remedies;

pub use comparison::{Comparison, Entry};

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::analysis::CircleSummary;
use crate::model::Subject;
use crate::model::{FacilityKind, Footprint, Layer, LayerInfo, Plan, UnitLevel};
use crate::model::{Finding, Measure, Status};
use crate::network::NetworkReport;
use crate::profile::{Profile, Severity};
use crate::text::Text;

/// How far a failing value is from its requirement, relative to it: the worst finding is
/// the one furthest off (an unknown value counts as furthest).
pub fn shortfall(measured: &Measure, required: &Measure) -> f64 {
    match (measured, required) {
        (Measure::Number(m), Measure::Number(r)) if *r != 0.0 => (m - r).abs() / r.abs(),
        (Measure::Number(m), Measure::Number(_)) => m.abs(),
        (Measure::Null, _) => f64::INFINITY,
        _ => 0.0,
    }
}

/// The counts of report.md's `summary`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub pending: usize,
    pub not_applicable: usize,
    pub insufficient_data: usize,
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Failing findings a waiver covers (their severity is now info).
    pub waived: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Pending => s.pending += 1,
                Status::NotApplicable => s.not_applicable += 1,
                Status::InsufficientData => s.insufficient_data += 1,
                Status::Skipped => s.skipped += 1,
            }
            if f.status == Status::Fail {
                s.waived += usize::from(f.waived.is_some());
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => {}
                }
            }
        }
        s
    }
}

/// The result of one check.
#[derive(Debug, Clone)]
pub struct Report {
    pub profile_id: String,
    pub profile_title: Text,
    pub document: String,
    /// The date the policy was issued, and the last day it is in force where it says.
    pub issued: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// The check's date is after `valid_until`: the report says so, and its errors are
    /// warnings.
    pub expired: bool,
    pub as_of: NaiveDate,
    pub working_crs: String,
    pub inputs: BTreeMap<Layer, LayerInfo>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub service_circle: Option<CircleSummary>,
    /// The walking network's size, when the plan has roads.
    pub network: Option<NetworkReport>,
    /// Sites suggested for new stations (`--suggest K`).
    pub suggestions: Vec<crate::analysis::Suggestion>,
    /// The stretches of road within walking distance of a qualifying facility, when asked
    /// for ([`crate::engine::Options::service_areas`]) and the plan has roads.
    pub service_areas: Option<Vec<crate::analysis::ServiceArea>>,
    pub notes: Vec<Text>,
    /// The subjects' geometry, in the working CRS, for the map formats (when asked for:
    /// [`crate::engine::Options::geometry`]).
    pub geometry: Option<Arc<Geometries>>,
    /// A submission checked inside its city: what was read of the city, and the city
    /// features the submission replaces (`inputs` are then the submission's own).
    pub city: Option<City>,
    /// The comparison with a baseline report (`--baseline`).
    pub baseline: Option<BaselineSummary>,
    /// What `planlint fix` changed, in the report of the fixed plan.
    pub remedy: Option<remedies::Remedies>,
}

/// What a comparison with a baseline found, in all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BaselineSummary {
    pub path: String,
    pub tolerance: f64,
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// What fails a run (`--fail-on`): a failing finding at a severity or above, or only a
/// failure a baseline did not have or had less of (`new`: at severity error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    New,
}

impl FailOn {
    pub const NAMES: [&'static str; 4] = ["error", "warning", "info", "new"];
}

impl std::str::FromStr for FailOn {
    type Err = String;

    fn from_str(s: &str) -> Result<FailOn, String> {
        match s {
            "new" => Ok(FailOn::New),
            s => s.parse().map(FailOn::Severity),
        }
    }
}

/// The city a submission was checked in.
#[derive(Debug, Clone, Default)]
pub struct City {
    pub city_inputs: BTreeMap<Layer, LayerInfo>,
    /// (layer, id) of the city features the submission replaces.
    pub replaced: Vec<(Layer, String)>,
}

/// The geometry of every feature a finding can be about, in the working CRS, with what a
/// map labels it by.
#[derive(Debug, Clone, Default)]
pub struct Geometries {
    pub compounds: Vec<geo::MultiPolygon<f64>>,
    pub units: Vec<geo::MultiPolygon<f64>>,
    pub facilities: Vec<Footprint>,
    /// Each facility's reference point, the one the rules measured from (a parcel's point
    /// on surface): where a map draws it.
    pub facility_points: Vec<geo::Point<f64>>,
    /// (id, name) of each compound.
    pub compound_names: Vec<(String, String)>,
    /// (id, name, level) of each unit.
    pub unit_names: Vec<(String, String, UnitLevel)>,
    /// (id, name, kind) of each facility.
    pub facility_names: Vec<(String, String, FacilityKind)>,
    /// The service circle's distance in metres and its qualifying facilities, drawn as
    /// circles where the plan has no roads.
    pub circle: Option<(f64, Vec<usize>)>,
    /// What the map frames: a submission's extent in its city, else everything.
    pub focus: Option<geo::Rect<f64>>,
    /// The extent of the whole plan, when these are the shapes of a part of it
    /// ([`crate::model::Partial`]): what the map is framed within.
    pub whole: Option<geo::Rect<f64>>,
    /// How many compounds the whole plan has (these, unless they are a part's).
    pub whole_compounds: usize,
}

impl Geometries {
    pub fn of(plan: &Plan) -> Geometries {
        Geometries {
            compounds: plan.compounds.iter().map(|c| c.geometry.clone()).collect(),
            units: plan.units.iter().map(|u| u.geometry.clone()).collect(),
            facilities: plan.facilities.iter().map(|f| f.geometry.clone()).collect(),
            facility_points: plan.facilities.iter().map(|f| f.reference).collect(),
            compound_names: plan
                .compounds
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect(),
            unit_names: plan
                .units
                .iter()
                .map(|u| (u.id.clone(), u.name.clone(), u.level))
                .collect(),
            facility_names: plan
                .facilities
                .iter()
                .map(|f| (f.id.clone(), f.name.clone(), f.kind))
                .collect(),
            circle: None,
            focus: None,
            whole: plan.partial.as_ref().and_then(|p| p.extent),
            whole_compounds: plan
                .partial
                .as_ref()
                .map_or(plan.compounds.len(), |p| p.compounds),
        }
    }

    /// What the map shows, in metres: everything, or a submission's extent
    /// ([`Geometries::focus`]) with its surroundings ([`focus_view`]).
    pub fn view(&self) -> Option<geo::Rect<f64>> {
        let all = self.whole.or_else(|| {
            extent(
                self.units.iter().chain(&self.compounds),
                self.facility_points.iter().copied(),
            )
        });
        match self.focus {
            Some(focus) => Some(focus_view(focus, self.circle.as_ref().map(|c| c.0), all)),
            None => all.map(padded),
        }
    }

    /// A subject's geometry; none for the whole plan and for what has no shape.
    pub fn of_subject(&self, s: &Subject) -> Option<geo::Geometry<f64>> {
        let i = s.index?;
        Some(match s.layer {
            Layer::Compounds => geo::Geometry::MultiPolygon(self.compounds.get(i)?.clone()),
            Layer::Units => geo::Geometry::MultiPolygon(self.units.get(i)?.clone()),
            Layer::Facilities => match self.facilities.get(i)? {
                Footprint::Point(p) => geo::Geometry::Point(*p),
                Footprint::Parcel(mp) => geo::Geometry::MultiPolygon(mp.clone()),
            },
            _ => return None,
        })
    }
}

/// The extent of outlines (their exterior rings) and points; none when there is nothing
/// finite.
pub fn extent<'a>(
    outlines: impl Iterator<Item = &'a geo::MultiPolygon<f64>>,
    points: impl Iterator<Item = geo::Point<f64>>,
) -> Option<geo::Rect<f64>> {
    let mut b: Option<(f64, f64, f64, f64)> = None;
    let mut add = |c: geo::Coord<f64>| {
        if c.x.is_finite() && c.y.is_finite() {
            b = Some(match b {
                None => (c.x, c.y, c.x, c.y),
                Some((a, bb, cc, d)) => (a.min(c.x), bb.min(c.y), cc.max(c.x), d.max(c.y)),
            });
        }
    };
    for mp in outlines {
        for p in &mp.0 {
            p.exterior().0.iter().copied().for_each(&mut add);
        }
    }
    points.for_each(|p| add(p.0));
    b.map(|(minx, miny, maxx, maxy)| {
        geo::Rect::new(
            geo::coord! { x: minx, y: miny },
            geo::coord! { x: maxx, y: maxy },
        )
    })
}

/// A whole plan's extent with a margin of 2% (10 m at the least), as a map shows it.
fn padded(r: geo::Rect<f64>) -> geo::Rect<f64> {
    let pad = (r.width().max(r.height()) * 0.02).max(10.0);
    crate::geometry::widened(r, pad)
}

/// What a map of a submission shows: its extent with a walk of one and a half service
/// circles around it (`walk` is the circle's distance; 1,200 m without one), at least a
/// quarter of its size, in a landscape frame (between 10:6 and square), moved inside the
/// whole plan's padded extent `all` as far as it fits, and cut to it where it is larger: a
/// submission at the edge of its city is framed with the city, not the empty land beyond.
pub fn focus_view(
    focus: geo::Rect<f64>,
    walk: Option<f64>,
    all: Option<geo::Rect<f64>>,
) -> geo::Rect<f64> {
    let all = all.map(padded);
    let side = focus.width().max(focus.height());
    let pad = walk.map_or(1_200.0, |d| 1.5 * d).max(0.25 * side);
    let (mut w, mut h) = (focus.width() + 2.0 * pad, focus.height() + 2.0 * pad);
    w = w.max(h);
    h = h.max(0.6 * w);
    let c = focus.center();
    let (x0, x1) = within(
        (c.x - w / 2.0, c.x + w / 2.0),
        all.map(|e| (e.min().x, e.max().x)),
    );
    let (y0, y1) = within(
        (c.y - h / 2.0, c.y + h / 2.0),
        all.map(|e| (e.min().y, e.max().y)),
    );
    geo::Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 })
}

/// A range moved inside `outer` as far as it fits, and cut to it where it is longer.
fn within((a, b): (f64, f64), outer: Option<(f64, f64)>) -> (f64, f64) {
    match outer {
        Some((lo, hi)) if b - a >= hi - lo => (lo, hi),
        Some((lo, _)) if a < lo => (lo, lo + (b - a)),
        Some((_, hi)) if b > hi => (hi - (b - a), hi),
        _ => (a, b),
    }
}

impl Report {
    pub fn new(
        plan: &Plan,
        profile: &Profile,
        as_of: NaiveDate,
        findings: Vec<Finding>,
        service_circle: Option<CircleSummary>,
        notes: Vec<Text>,
    ) -> Report {
        Report {
            profile_id: profile.id.clone(),
            profile_title: Text::new(profile.title.clone(), profile.title_en.clone()),
            document: profile.document.clone(),
            issued: profile.issued_date(),
            valid_until: profile.valid_until_date(),
            expired: profile.expired_on(as_of),
            as_of,
            working_crs: plan.working_crs.clone(),
            inputs: plan.inputs.iter().cloned().collect(),
            summary: Summary::of(&findings),
            findings,
            service_circle,
            network: None,
            suggestions: Vec::new(),
            service_areas: None,
            notes,
            geometry: None,
            city: None,
            baseline: None,
            remedy: None,
        }
    }

    /// The failing findings, worst first: by severity, then by how far short (relative to
    /// the requirement); a failure without a measure (no path, nothing to measure) ranks
    /// as the worst of its severity.
    pub fn worst(&self) -> Vec<&Finding> {
        let shortfall = |f: &Finding| shortfall(&f.measured, &f.required);
        let mut failing: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        failing.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(shortfall(b).total_cmp(&shortfall(a)))
        });
        failing
    }

    /// Exit status per report.md: 1 when a finding fails at or above the severity (or,
    /// for `new`, fails at error and is new or worse than in the baseline), else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        i32::from(self.findings.iter().any(|f| match fail_on {
            FailOn::Severity(level) => f.fails_at(level),
            FailOn::New => {
                f.fails_at(Severity::Error) && f.baseline.as_ref().is_none_or(|b| b.worse)
            }
        }))
    }
}

//! What the area rules' remedies share: the units a failing finding speaks of, what
//! their facilities hold by a date (with what this fix already adds), where added beds or
//! land go, and new institutions in a unit.
//!
//! Where beds or land go (remediation.md): a new facility this fix already puts in the
//! unit (dated in time), else the unit's facility of the kinds measured that stands by the
//! due date and holds the most of what is added (not a government-run one where a share
//! of government beds is bounded), else a new institution. A target already past on the
//! check's date counts nothing a plan can change by then: what it needs goes into a new
//! facility dated the check's date, so that the re-check says from when it is met.

use std::borrow::Cow;

use chrono::NaiveDate;
use geo::{BoundingRect, Contains, Point};

use super::{Action, Fix, Fixes, Left, More, Options, Remedy, Traits};
use crate::engine::Checked;
use crate::model::{
    Facility, FacilityKind, FacilityLevel, Finding, Layer, LevelSel, Operator, UnitLevel,
};
use crate::profile::{Resolved, Severity};
use crate::rules::common::{kind_in, Area};
use crate::rules::dated::{Stage, Standing};
use crate::rules::Inputs;
use crate::text::{Lang, Text};

/// Where a remedy of the area rules stands: a new facility in a unit, or a facility of
/// the plan it enlarges.
#[derive(Debug, Clone, Copy)]
enum Place {
    Unit(usize),
    /// A new facility in no unit (a plan without units).
    Plan,
    Facility(usize),
}

/// What the facilities of an area hold, counted over those of the kinds measured that
/// stand by a date.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stock {
    pub beds: u64,
    pub nursing: u64,
    /// The beds of government-run facilities.
    pub government: u64,
    pub land: f64,
    pub family: u64,
}

impl Stock {
    fn add(&mut self, more: More, government: bool) {
        self.beds += more.beds;
        // Nursing beds count where there are beds (the share never exceeds 100%).
        self.nursing += more.nursing_beds;
        if government {
            self.government += more.beds;
        }
        self.land += more.land_area;
        self.family += more.family_beds;
    }
}

/// When what a remedy adds must stand: by the due date of a target not yet due (or the
/// check's date for an undated one), or from the check's date for one already past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// What counts stands by this date (none: every facility, an undated target).
    pub cutoff: Option<NaiveDate>,
    /// A new facility's completion date.
    pub date: NaiveDate,
    /// The due date passed before the check's date: nothing the plan changes meets it.
    pub past: Option<NaiveDate>,
}

impl When {
    /// The date of a target on the check's date `as_of`.
    pub fn of(target: &Resolved, as_of: NaiveDate) -> When {
        match target.due() {
            None => When {
                cutoff: None,
                date: as_of,
                past: None,
            },
            Some(due) if due < as_of => When {
                cutoff: Some(as_of),
                date: as_of,
                past: Some(due),
            },
            Some(due) => When {
                cutoff: Some(due),
                date: due,
                past: None,
            },
        }
    }

    /// The earlier of two: what must stand for both.
    pub fn min(self, other: When) -> When {
        When {
            cutoff: match (self.cutoff, other.cutoff) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            date: self.date.min(other.date),
            past: self.past.or(other.past),
        }
    }
}

/// The area rules' working state: the check, and where this fix's remedies for them stand.
pub struct Units<'c, 'p> {
    pub checked: &'c Checked<'p>,
    pub options: &'c Options,
    placed: Vec<(usize, Place)>,
    /// How many of `placed` the compounds' remedies made (their stations come first);
    /// the area rules' own new facilities follow.
    stations: usize,
    /// The compounds by their bounding boxes, made when a new facility first needs a site.
    compound_index: std::cell::OnceCell<crate::index::PolygonIndex>,
}

impl<'c, 'p> Units<'c, 'p> {
    /// The area rules' state after the compounds' remedies: their new stations stand in
    /// the lowest unit that contains them.
    pub fn new(checked: &'c Checked<'p>, options: &'c Options, fix: &Fix) -> Self {
        let plan = checked.plan;
        let placed: Vec<(usize, Place)> = fix
            .remedies
            .iter()
            .enumerate()
            .filter(|(_, r)| r.action == Action::Add)
            .map(|(i, r)| {
                let unit = r.at.and_then(|p| {
                    plan.units
                        .iter()
                        .filter(|u| u.geometry.contains(&p))
                        .max_by_key(|u| u.level.rank())
                        .map(|u| u.index)
                });
                (i, unit.map_or(Place::Plan, Place::Unit))
            })
            .collect();
        Units {
            checked,
            options,
            stations: placed.len(),
            placed,
            compound_index: std::cell::OnceCell::new(),
        }
    }

    /// The area of unit `u`.
    pub fn unit_area(&self, u: usize) -> Area<'c> {
        let unit = &self.checked.plan.units[u];
        Area {
            subject: self.checked.rule_inputs().unit_subject(u),
            level: level_sel(unit.level),
            unit: Some(u),
            facilities: Cow::Borrowed(&self.checked.joins.unit_facilities[u]),
        }
    }

    /// How many of this fix's new facilities in the area meet `requirement` as they are,
    /// standing by `when`.
    pub fn new_accepting_count(
        &self,
        fix: &Fix,
        area: &Area,
        requirement: &crate::rules::requirement::Requirement,
        when: When,
    ) -> u64 {
        self.placed
            .iter()
            .filter(|(r, place)| {
                self.holds(*place, area) && !matches!(place, Place::Facility(_)) && {
                    let remedy = &fix.remedies[*r];
                    remedy.kind.is_some_and(|kind| {
                        let f = Traits::facility(
                            kind,
                            &remedy.traits,
                            &remedy.more,
                            remedy.floor_area,
                            remedy.completion_date,
                        );
                        requirement.accepts(&f, when.date)
                            == crate::rules::requirement::Accepts::Yes
                    })
                }
            })
            .count() as u64
    }

    /// Makes one of this fix's new facilities in the area meet `requirement` where what it
    /// lacks is only medical care or beds (and it is of a kind, operator and level the
    /// requirement takes, standing in time): they are added, and no new facility is
    /// needed. Its position, or none.
    pub fn upgrade(
        &self,
        fix: &mut Fix,
        area: &Area,
        requirement: &crate::rules::requirement::Requirement,
        when: When,
    ) -> Option<usize> {
        use crate::rules::requirement::Accepts;
        // Only what the area rules built: a compound's station stays as its rules sized it.
        let own: Vec<usize> = self.placed[self.stations..]
            .iter()
            .map(|(r, _)| *r)
            .collect();
        let r = self
            .new_in(fix, area, Some(when.date))
            .into_iter()
            .filter(|r| own.contains(r))
            .find(|&r| {
                let remedy = &fix.remedies[r];
                let Some(kind) = remedy.kind else {
                    return false;
                };
                let as_is = Traits::facility(
                    kind,
                    &remedy.traits,
                    &remedy.more,
                    remedy.floor_area,
                    remedy.completion_date,
                );
                let (traits, more) = upgraded(requirement, kind, remedy.traits, remedy.more);
                let after = Traits::facility(
                    kind,
                    &traits,
                    &more,
                    remedy.floor_area,
                    remedy.completion_date,
                );
                requirement.accepts(&as_is, when.date) != Accepts::Yes
                    && requirement.accepts(&after, when.date) == Accepts::Yes
            })?;
        let remedy = &mut fix.remedies[r];
        let kind = remedy.kind?;
        (remedy.traits, remedy.more) = upgraded(requirement, kind, remedy.traits, remedy.more);
        Some(r)
    }

    /// Whether one of this fix's new facilities in the area meets `requirement`.
    pub fn new_accepting(
        &self,
        fix: &Fix,
        area: &Area,
        requirement: &crate::rules::requirement::Requirement,
        when: When,
    ) -> bool {
        self.new_accepting_count(fix, area, requirement, when) > 0
    }

    /// This fix's new facilities in the area standing by `cutoff` (every one for none), as
    /// the plan will hold them.
    pub fn new_facilities(
        &self,
        fix: &Fix,
        area: &Area,
        cutoff: Option<NaiveDate>,
    ) -> Vec<Facility> {
        self.new_in(fix, area, cutoff)
            .into_iter()
            .filter_map(|r| {
                let r = &fix.remedies[r];
                let kind = r.kind?;
                Some(Traits::facility(
                    kind,
                    &r.traits,
                    &r.more,
                    r.floor_area,
                    r.completion_date,
                ))
            })
            .collect()
    }

    /// Whether a new facility placed so lies in the area.
    fn holds(&self, place: Place, area: &Area) -> bool {
        match place {
            Place::Unit(u) => self.inside(u, area),
            Place::Plan => area.unit.is_none(),
            Place::Facility(i) => area.facilities.contains(&i),
        }
    }

    pub fn inputs(&self) -> Inputs<'_> {
        self.checked.rule_inputs()
    }

    /// An area rule's parameters and its minimum in force (none: the profile has no such
    /// section, or it sets a maximum), with when what meets it must stand.
    pub fn minimum(
        &self,
        rule: &str,
    ) -> Option<(crate::rules::area_metric::AreaParams, Resolved, When)> {
        let cfg = self.checked.profile.rules.get(rule)?;
        let p: crate::rules::area_metric::AreaParams = cfg.parse().ok()?;
        let target = crate::rules::common::resolve(&self.inputs(), cfg, p.min.as_ref()?);
        let when = When::of(&target, self.checked.as_of);
        Some((p, target, when))
    }

    /// A unit finding's level rank (0 for the whole plan): larger is lower.
    pub fn rank(&self, f: &Finding) -> u8 {
        f.subject
            .index
            .filter(|_| f.subject.layer == Layer::Units)
            .map_or(0, |u| self.checked.plan.units[u].level.rank())
    }

    /// The findings of `rule` that fail at warning or above (a county figure reported
    /// for information is not fixed), units of the lowest level first so that a city's
    /// need counts what its districts' remedies add.
    pub fn failing(&self, rule: &str) -> Vec<&'c Finding> {
        let mut out: Vec<&Finding> = self
            .checked
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.fails_at(Severity::Warning))
            .collect();
        out.sort_by_key(|f| std::cmp::Reverse(self.rank(f)));
        out
    }

    /// The finding of `rule` about the same subject as `f`, if the check made one.
    pub fn finding_of(&self, rule: &str, f: &Finding) -> Option<&'c Finding> {
        self.checked.findings.iter().find(|g| {
            g.rule == rule && g.subject.id == f.subject.id && g.subject.layer == f.subject.layer
        })
    }

    /// The area a unit finding speaks of (the whole plan for the plan's subject).
    pub fn area_of(&self, f: &Finding) -> Area<'c> {
        let joins = &self.checked.joins;
        let plan = self.checked.plan;
        match f.subject.index.filter(|_| f.subject.layer == Layer::Units) {
            Some(u) => Area {
                subject: f.subject.clone(),
                level: level_sel(plan.units[u].level),
                unit: Some(u),
                facilities: Cow::Borrowed(&joins.unit_facilities[u]),
            },
            None => Area {
                subject: f.subject.clone(),
                level: LevelSel::City,
                unit: None,
                facilities: Cow::Owned((0..plan.facilities.len()).collect()),
            },
        }
    }

    /// Whether unit `u` lies in the area.
    fn inside(&self, u: usize, area: &Area) -> bool {
        match area.unit {
            None => true,
            Some(a) => a == u || self.checked.joins.unit_descendants[a].contains(&u),
        }
    }

    /// What the area's facilities of `kinds` hold by `cutoff`, with what this fix adds.
    pub fn stock(
        &self,
        fix: &Fix,
        area: &Area,
        kinds: Option<&[FacilityKind]>,
        cutoff: Option<NaiveDate>,
    ) -> Stock {
        let plan = self.checked.plan;
        let mut s = Stock::default();
        for &i in area.facilities.iter() {
            let f = &plan.facilities[i];
            if kind_in(f, kinds) && stands(f, cutoff) {
                let more = More {
                    beds: f.beds.unwrap_or(0),
                    nursing_beds: if f.beds.unwrap_or(0) > 0 {
                        f.nursing_beds.unwrap_or(0)
                    } else {
                        0
                    },
                    land_area: f.land_area.unwrap_or(0.0),
                    family_beds: f.family_beds.unwrap_or(0),
                    ..More::default()
                };
                s.add(more, f.operator == Some(Operator::Government));
            }
        }
        for &(r, place) in &self.placed {
            let remedy = &fix.remedies[r];
            let counts = match place {
                Place::Facility(i) => {
                    let f = &plan.facilities[i];
                    area.facilities.contains(&i) && kind_in(f, kinds) && stands(f, cutoff)
                }
                Place::Unit(_) | Place::Plan => {
                    self.holds(place, area)
                        && remedy
                            .kind
                            .is_some_and(|k| kinds.is_none_or(|ks| ks.contains(&k)))
                        && cutoff.is_none_or(|c| remedy.completion_date.is_some_and(|d| d <= c))
                }
            };
            if counts {
                let government = match place {
                    Place::Facility(i) => plan.facilities[i].operator == Some(Operator::Government),
                    Place::Unit(_) | Place::Plan => {
                        remedy.traits.operator == Some(Operator::Government)
                    }
                };
                s.add(remedy.more, government);
            }
        }
        s
    }

    /// The new facilities this fix puts in the area, dated by `cutoff` (their remedy
    /// positions, first made first).
    pub fn new_in(&self, fix: &Fix, area: &Area, cutoff: Option<NaiveDate>) -> Vec<usize> {
        self.placed
            .iter()
            .filter(|(r, place)| {
                !matches!(place, Place::Facility(_))
                    && self.holds(*place, area)
                    && cutoff
                        .is_none_or(|c| fix.remedies[*r].completion_date.is_some_and(|d| d <= c))
            })
            .map(|(r, _)| *r)
            .collect()
    }

    /// The remedy that takes what the area needs of `size` (beds, land) at `when`: a new
    /// facility of this fix in the area of `kinds` and of the `new` kinds, else the area's
    /// facility of `kinds` that stands by the cutoff and has the most of `size` (never a
    /// government-run one when `avoid_government`), else a new facility of the `new` kinds
    /// (beds and land go to institutions, family beds to community facilities). None: the
    /// area has no unit to put one in.
    #[allow(clippy::too_many_arguments)]
    pub fn host(
        &mut self,
        fix: &mut Fix,
        area: &Area,
        kinds: Option<&[FacilityKind]>,
        when: When,
        size: fn(&Facility) -> f64,
        avoid_government: bool,
        new: &[FacilityKind],
    ) -> Option<usize> {
        let fits = |k: Option<FacilityKind>| {
            k.is_some_and(|k| new.contains(&k) && kinds.is_none_or(|ks| ks.contains(&k)))
        };
        if let Some(r) = self
            .new_in(fix, area, Some(when.date))
            .into_iter()
            .find(|&r| fits(fix.remedies[r].kind))
        {
            return Some(r);
        }
        if when.past.is_none() {
            let plan = self.checked.plan;
            let own = area
                .facilities
                .iter()
                .copied()
                .filter(|&i| self.options.may_change(i))
                .filter(|&i| {
                    let f = &plan.facilities[i];
                    kind_in(f, kinds)
                        && stands(f, when.cutoff)
                        && size(f) > 0.0
                        && !(avoid_government && f.operator == Some(Operator::Government))
                })
                .max_by(|&a, &b| {
                    let (fa, fb) = (&plan.facilities[a], &plan.facilities[b]);
                    size(fa).total_cmp(&size(fb)).then(fb.id.cmp(&fa.id))
                });
            if let Some(i) = own {
                return Some(self.enlarge(fix, i));
            }
        }
        let allowed: Vec<FacilityKind> = new
            .iter()
            .copied()
            .filter(|k| kinds.is_none_or(|ks| ks.contains(k)))
            .collect();
        let kind = pick_kind(Some(if allowed.is_empty() { new } else { &allowed }), false);
        self.new_facility(fix, area, kind, when.date, Traits::default())
    }

    /// The remedy that enlarges facility `i` (made, or the one this fix already has).
    pub fn enlarge(&mut self, fix: &mut Fix, i: usize) -> usize {
        if let Some(&(r, _)) = self
            .placed
            .iter()
            .find(|(_, p)| matches!(p, Place::Facility(j) if *j == i))
        {
            return r;
        }
        let f = &self.checked.plan.facilities[i];
        fix.remedies.push(Remedy {
            id: String::new(),
            action: Action::Enlarge,
            facility_id: f.id.clone(),
            name: f.name.clone(),
            kind: None,
            at: None,
            compound_id: None,
            floor_area: 0.0,
            completion_date: None,
            advance: None,
            more: More::default(),
            traits: Traits::default(),
            fixes: Vec::new(),
            reason: Text::default(),
        });
        let r = fix.remedies.len() - 1;
        self.placed.push((r, Place::Facility(i)));
        r
    }

    /// A new facility of `kind` in the area's unit, dated `date`: run by a private
    /// operator unless `traits` says otherwise, of the unit's level, without medical care
    /// unless asked; at the unit's reference point, or the nearest point inside the unit
    /// that no compound covers (a compound's rules do not read it).
    pub fn new_facility(
        &mut self,
        fix: &mut Fix,
        area: &Area,
        kind: FacilityKind,
        date: NaiveDate,
        traits: Traits,
    ) -> Option<usize> {
        let plan = self.checked.plan;
        if !self.options.may_build_in_unit() {
            return None;
        }
        // Each new facility at a site of its own: the sites this fix already took.
        let taken: Vec<Point> = fix.remedies.iter().filter_map(|r| r.at).collect();
        let index = self.compound_index.get_or_init(|| {
            crate::index::PolygonIndex::new(plan.compounds.iter().map(|c| &c.geometry))
        });
        let in_compound = |p: &Point| {
            !index
                .containing(*p, |k| &plan.compounds[k].geometry)
                .is_empty()
        };
        let free = Free {
            taken: &taken,
            in_compound: &in_compound,
        };
        let (name, at, level, place) = match area.unit {
            Some(u) => {
                let unit = &plan.units[u];
                let name = if unit.name.is_empty() {
                    &unit.id
                } else {
                    &unit.name
                };
                (
                    name.clone(),
                    site_in(plan, u, &free)?,
                    unit.level,
                    Place::Unit(u),
                )
            }
            // A plan without units: a free site among its compounds.
            None => (
                self.checked.profile.city.clone(),
                site_in_plan(plan, &free)?,
                UnitLevel::City,
                Place::Plan,
            ),
        };
        fix.remedies.push(Remedy {
            id: String::new(),
            action: Action::Add,
            facility_id: String::new(),
            name: format!("{name}{}", kind_name(kind)),
            kind: Some(kind),
            at: Some(at),
            compound_id: None,
            floor_area: 0.0,
            completion_date: Some(date),
            advance: None,
            more: More::default(),
            traits: Traits {
                operator: traits.operator.or(Some(Operator::Private)),
                medical_care: traits.medical_care.or(Some(false)),
                level: traits.level.or(Some(facility_level(level))),
                construction_start: traits.construction_start,
                clinic: traits.clinic,
            },
            fixes: Vec::new(),
            reason: Text::default(),
        });
        let r = fix.remedies.len() - 1;
        self.placed.push((r, place));
        Some(r)
    }

    /// Says what a remedy fixes and why, adding to what it said for other findings.
    pub fn fixes(fix: &mut Fix, r: usize, f: &Finding, why: Text) {
        let remedy = &mut fix.remedies[r];
        let fixes = Fixes {
            rule: f.rule,
            subject: f.subject.id.clone(),
        };
        if !remedy.fixes.contains(&fixes) {
            remedy.fixes.push(fixes);
        }
        remedy.reason = std::mem::take(&mut remedy.reason).join(&why);
    }

    /// A failing finding whose due date passed before the check's date: left failing,
    /// with the date from which the remedies meet it.
    pub fn past_due(&self, fix: &mut Fix, f: &Finding, due: NaiveDate, remedied: bool) {
        let as_of = self.checked.as_of;
        let why = if remedied {
            Text::new(
                format!("目标 {due} 到期，早于检查日期 {as_of}，任何规划调整都无法按期达到；整改措施自 {as_of} 起满足"),
                format!("due {due}, before the check's date {as_of}: no change to the plan can meet it in time; the remedies meet it from {as_of}"),
            )
        } else {
            Text::new(
                format!("目标 {due} 到期，早于检查日期 {as_of}，任何规划调整都无法按期达到"),
                format!("due {due}, before the check's date {as_of}: no change to the plan can meet it in time"),
            )
        };
        fix.left.push(Left {
            rule: f.rule,
            subject: f.subject.id.clone(),
            why,
            fixable: false,
        });
    }

    /// A failing finding this fix cannot remedy (it may not build in the unit, or the
    /// unit has no figure to size by): left, with why.
    pub fn cannot(fix: &mut Fix, f: &Finding, why: Text) {
        fix.left.push(Left {
            rule: f.rule,
            subject: f.subject.id.clone(),
            why,
            fixable: true,
        });
    }
}

/// A new facility's traits and sizes with what `requirement` asks of care and beds.
fn upgraded(
    requirement: &crate::rules::requirement::Requirement,
    kind: FacilityKind,
    mut traits: Traits,
    mut more: More,
) -> (Traits, More) {
    if requirement.medical_care == Some(true) {
        traits.medical_care = Some(true);
    }
    if let Some(b) = requirement.min_beds {
        more.beds = more.beds.max(b);
    }
    if requirement.nursing_type && kind != FacilityKind::NursingHome {
        more.nursing_beds = more.nursing_beds.max(1);
        more.beds = more.beds.max(more.nursing_beds);
    }
    if (more.beds > 0 || requirement.operators.is_some()) && traits.operator.is_none() {
        traits.operator = Some(Operator::Private);
    }
    (traits, more)
}

/// Whether a facility stands by `cutoff` (completed, or in service); every one does for
/// an undated target.
pub fn stands(f: &Facility, cutoff: Option<NaiveDate>) -> bool {
    cutoff.is_none_or(|c| Stage::Completed.standing(f, c) == Standing::By)
}

/// The kind of a new facility among `kinds` (none: any): a nursing home where it must be
/// nursing-type, else an institution, a nursing home, a welfare centre, else the first.
pub fn pick_kind(kinds: Option<&[FacilityKind]>, nursing: bool) -> FacilityKind {
    let mut order = vec![
        FacilityKind::Institution,
        FacilityKind::NursingHome,
        FacilityKind::WelfareCenter,
    ];
    if nursing {
        order.insert(0, FacilityKind::NursingHome);
    }
    match kinds {
        None => order[0],
        Some(ks) => order
            .into_iter()
            .find(|k| ks.contains(k))
            .or_else(|| ks.first().copied())
            .unwrap_or(FacilityKind::Institution),
    }
}

/// A new facility's name after its unit's: "…养老机构".
fn kind_name(kind: FacilityKind) -> &'static str {
    match kind {
        FacilityKind::NursingHome => "护理院",
        FacilityKind::WelfareCenter => "社会福利中心",
        FacilityKind::StreetCenter => "街道综合养老服务中心",
        FacilityKind::CommunityStation | FacilityKind::DayCare => "社区养老服务站",
        FacilityKind::RuralHome => "农村幸福院",
        FacilityKind::Institution => "养老机构",
    }
}

/// The level of a facility a unit runs: 市级 for the city, 县级 for a county or district,
/// 乡镇级 below.
pub fn facility_level(level: UnitLevel) -> FacilityLevel {
    match level.rank() {
        0 => FacilityLevel::City,
        1 => FacilityLevel::County,
        _ => FacilityLevel::Town,
    }
}

/// A site for a new facility in unit `u`: its reference point when no compound covers it
/// and no other new facility stands there, else the nearest free point of a grid over the
/// unit ([`free_site`]).
fn site_in(plan: &crate::model::Plan, u: usize, free: &Free) -> Option<Point> {
    let unit = &plan.units[u];
    let inside = |p: &Point| unit.geometry.contains(p);
    let rect = unit.geometry.bounding_rect()?;
    Some(free_site(unit.reference, rect, inside, free).unwrap_or(unit.reference))
}

/// A site for a new facility in a plan without units: the free point of a grid over its
/// compounds (and a margin around them) nearest their middle.
fn site_in_plan(plan: &crate::model::Plan, free: &Free) -> Option<Point> {
    let rect = plan
        .compounds
        .iter()
        .filter_map(|c| c.geometry.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! {x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y)},
                geo::coord! {x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y)},
            )
        })?;
    // With room around the compounds: one compound alone covers its own extent.
    let margin = rect.width().max(rect.height()) / 4.0 + 50.0;
    let rect = geo::Rect::new(
        geo::coord! {x: rect.min().x - margin, y: rect.min().y - margin},
        geo::coord! {x: rect.max().x + margin, y: rect.max().y + margin},
    );
    let middle = Point::from(rect.center());
    free_site(middle, rect, |_| true, free)
}

/// What a new facility's site must not be: within a metre of another new facility, or in
/// a compound (whose rules would then read it).
struct Free<'a> {
    taken: &'a [Point],
    in_compound: &'a dyn Fn(&Point) -> bool,
}

/// `reference` when it is `inside`, in no compound and not `taken`, else the point of a
/// 32 × 32 grid over `rect` nearest it that is so (none when no point is).
fn free_site(
    reference: Point,
    rect: geo::Rect,
    inside: impl Fn(&Point) -> bool,
    site: &Free,
) -> Option<Point> {
    let free = |p: &Point| {
        inside(p)
            && !site
                .taken
                .iter()
                .any(|t| (t.x() - p.x()).hypot(t.y() - p.y()) < 1.0)
            && !(site.in_compound)(p)
    };
    if free(&reference) {
        return Some(reference);
    }
    let n = 32;
    let (w, h) = (rect.width() / n as f64, rect.height() / n as f64);
    let mut best: Option<(f64, Point)> = None;
    for i in 0..n {
        for j in 0..n {
            let p = Point::new(
                rect.min().x + (i as f64 + 0.5) * w,
                rect.min().y + (j as f64 + 0.5) * h,
            );
            let d = (p.x() - reference.x()).hypot(p.y() - reference.y());
            if best.is_none_or(|(bd, _)| d < bd) && free(&p) {
                best = Some((d, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// A unit's name as a message names it.
pub fn unit_named(f: &Finding, lang: Lang) -> String {
    super::named(&f.subject.name, &f.subject.id, lang)
}

/// The level selector that names a unit's own level.
fn level_sel(level: UnitLevel) -> LevelSel {
    match level {
        UnitLevel::City => LevelSel::City,
        UnitLevel::County => LevelSel::CountyOnly,
        UnitLevel::District => LevelSel::District,
        UnitLevel::Street => LevelSel::Street,
        UnitLevel::Town => LevelSel::Town,
        UnitLevel::Community => LevelSel::Community,
        UnitLevel::Village => LevelSel::Village,
    }
}

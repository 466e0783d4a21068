//! Remedies: the fewest changes to a plan's facilities that make it comply
//! (`planlint fix`, remediation.md). They are read off a check's typed findings and built
//! on what the check built (its joins, walking network and circle): a compound short of
//! floor area gets its facility enlarged, or a new one where it has none; the compounds
//! outside the service circle get new stations at the fewest candidate sites that reach
//! them all, chosen by one integer program ([`cover`]) with the floor area's new
//! facilities already counted; a facility late for its compound's timing deadline is
//! brought forward (or a new one dated in time); a unit short of beds, land or a share
//! gets them added to its facilities or in a new institution, and a unit lacking
//! facilities gets the fewest new ones that meet all it lacks ([`units`] is what these
//! area remedies share). A target already past on the check's date gets remedies dated
//! the check's date and stays failing. What no facility change fixes is said, with why
//! ([`Left`]).
//!
//! Each rule's remedy is said in one place: [`REMEDIED`] lists the rules that have one,
//! and each has its file here (rules remedied together, as the bed rules, share one).

pub mod beds;
pub mod cover;
pub mod floor_area;
mod gpkg;
pub mod ranges;
pub mod requirements;
mod row_weighting;
pub mod shares;
pub mod sites;
pub mod sums;
pub mod timing;
pub mod units;
pub mod write;

use chrono::NaiveDate;
use geo::Point;
use serde::Serialize;

use crate::engine::Checked;
use crate::model::{FacilityKind, FacilityLevel, Finding, Operator, Status};
use crate::rules::Prepared;
use crate::text::{t, Lang, Text};

/// The rules whose failures a remedy fixes.
pub const REMEDIED: [&str; 21] = [
    floor_area::RULE,
    sites::RULE,
    timing::RULE,
    timing::DELIVERY,
    requirements::COUNTY,
    requirements::COUNT,
    requirements::STREET_CENTER,
    requirements::SERVICE_PLACE,
    requirements::INSTITUTIONS,
    requirements::COVERAGE,
    beds::PER_THOUSAND,
    beds::TOTAL,
    beds::NURSING,
    beds::GOVERNMENT,
    sums::LAND,
    shares::PRIVATE,
    shares::PUBLIC_PRIVATE,
    shares::CLINIC,
    ranges::BEDS,
    ranges::FLOOR_AREA,
    sums::FAMILY_BEDS,
];

/// The rules about plan.toml's waivers: no change to the facilities answers them.
const WAIVERS: [&str; 2] = ["expired-waiver", "unused-waiver"];

/// What a remedy does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new facility at a site.
    Add,
    /// An existing facility gains floor area, land, beds or nursing beds.
    Enlarge,
    /// An existing facility is finished (or started) earlier.
    Advance,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Enlarge => "enlarge",
            Action::Advance => "advance",
        }
    }
}

/// A finding a remedy fixes: its rule and subject id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fixes {
    pub rule: &'static str,
    pub subject: String,
}

impl std::fmt::Display for Fixes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.rule, self.subject)
    }
}

/// One change to the plan's facilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Remedy {
    /// `R1`, `R2`… in the order of the list.
    pub id: String,
    pub action: Action,
    /// The facility enlarged, or the new one's id (`R1-NEW`).
    pub facility_id: String,
    /// The new facility's name.
    pub name: String,
    /// The new facility's kind.
    pub kind: Option<FacilityKind>,
    /// The new facility's point, in the working CRS.
    pub at: Option<Point>,
    /// The compound a new facility belongs to.
    pub compound_id: Option<String>,
    /// The floor area added (`enlarge`), or the new facility's (`add`), m².
    pub floor_area: f64,
    /// A new facility's completion date.
    pub completion_date: Option<NaiveDate>,
    /// What `advance` brings forward: the date field (`completion_date`,
    /// `construction_start`) and its new date.
    pub advance: Option<(&'static str, NaiveDate)>,
    /// The beds, nursing beds and land added (`enlarge`), or the new facility's (`add`).
    pub more: More,
    /// What the area rules read of a new facility: operator, medical care, level.
    pub traits: Traits,
    pub fixes: Vec<Fixes>,
    /// Why it is sized and placed as it is.
    pub reason: Text,
}

/// What a remedy adds besides floor area: beds, nursing beds (of the beds, or beds an
/// `enlarge` turns into nursing-type ones), land in m², long-term beds, family beds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct More {
    pub beds: u64,
    pub nursing_beds: u64,
    pub land_area: f64,
    /// 长期照护床位 of a street centre.
    pub long_term_beds: u64,
    /// 家庭养老床位 the facility serves.
    pub family_beds: u64,
}

/// A new facility's attributes the area rules read (none for a station: it has no beds).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Traits {
    pub operator: Option<Operator>,
    pub medical_care: Option<bool>,
    pub level: Option<FacilityLevel>,
    /// 内设医务室或护理站.
    pub clinic: Option<bool>,
    /// Where a requirement counts construction started ("启动建设").
    pub construction_start: Option<NaiveDate>,
}

impl Traits {
    /// A new facility as the plan will hold it (what a rule's test of a facility reads).
    pub fn facility(
        kind: FacilityKind,
        traits: &Traits,
        more: &More,
        floor_area: f64,
        date: Option<NaiveDate>,
    ) -> crate::model::Facility {
        let mut f = crate::model::Facility::at(0, "", kind, Point::new(0.0, 0.0));
        f.floor_area = (floor_area > 0.0).then_some(floor_area);
        f.land_area = (more.land_area > 0.0).then_some(more.land_area);
        if traits.operator.is_some() {
            f.beds = Some(more.beds);
            f.nursing_beds = Some(more.nursing_beds);
        }
        f.long_term_beds = (more.long_term_beds > 0).then_some(more.long_term_beds);
        f.family_beds = (more.family_beds > 0).then_some(more.family_beds);
        f.medical_care = traits.medical_care;
        f.clinic = traits.clinic;
        f.operator = traits.operator;
        f.level = traits.level;
        f.status = Some(crate::model::FacilityStatus::Planned);
        f.completion_date = date;
        f.construction_start = traits.construction_start.or(date);
        f
    }

    /// A station's: it gives no medical care (a requirement for a medical-care facility
    /// does not wait on it); it has no beds, so no operator is said.
    pub fn station() -> Traits {
        Traits {
            medical_care: Some(false),
            ..Traits::default()
        }
    }
}

/// A failure no remedy fixes, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Left {
    pub rule: &'static str,
    pub subject: String,
    pub why: Text,
    /// A plan change could fix it, though this fix does not; false: no change to the
    /// plan's facilities can (no site within reach, a date already past).
    pub fixable: bool,
}

/// What `fix` decided: the remedies, the site choice's proof, and what is left.
#[derive(Debug, Clone, Default)]
pub struct Fix {
    pub remedies: Vec<Remedy>,
    /// The service circle's sites, as the solver chose them (none: no compound outside).
    pub sites: Option<cover::Solved>,
    pub left: Vec<Left>,
}

/// How `fix` sizes what no rule sizes, and how long the solver may take.
#[derive(Debug, Clone)]
pub struct Options {
    /// The floor area of a station built only to bring compounds inside the circle, m²
    /// (plan.toml's `[fix] station_floor_area`).
    pub station_floor_area: f64,
    /// The solver's time limit, in seconds.
    pub time_limit: f64,
    /// What may change (a submission in its city: its own compounds and facilities);
    /// none: the whole plan.
    pub within: Option<Within>,
}

/// What a fix may change: the compounds that may host a new facility, the facilities that
/// may be enlarged (by position in the plan).
#[derive(Debug, Clone)]
pub struct Within {
    pub compounds: Vec<bool>,
    pub facilities: Vec<bool>,
}

impl Options {
    /// Whether compound `k` may host a new facility.
    fn may_build_in(&self, k: usize) -> bool {
        self.within
            .as_ref()
            .is_none_or(|w| w.compounds.get(k) == Some(&true))
    }

    /// Whether a new facility may stand anywhere in a unit (not in a submission checked in
    /// its city: its new facilities stand on its own compounds).
    fn may_build_in_unit(&self) -> bool {
        self.within.is_none()
    }

    /// Whether facility `f` may be enlarged.
    fn may_change(&self, f: usize) -> bool {
        self.within
            .as_ref()
            .is_none_or(|w| w.facilities.get(f) == Some(&true))
    }
}

/// A station's floor area when no rule sizes it: 350 m², the least a single community
/// facility may have in the provincial rules that set one (Anhui 2022, policies.md); the
/// five cities' texts set none.
pub const STATION_FLOOR_AREA: f64 = 350.0;

impl Default for Options {
    fn default() -> Options {
        Options {
            station_floor_area: STATION_FLOOR_AREA,
            time_limit: 60.0,
            within: None,
        }
    }
}

/// The remedies for a checked plan.
pub fn remedies(checked: &Checked, prepared: &Prepared, options: &Options) -> Fix {
    let failing = |rule: &'static str| {
        checked
            .findings
            .iter()
            .filter(move |f| f.rule == rule && f.status == Status::Fail)
    };
    let station = sites::station_kind(checked, prepared);
    let mut fix = Fix::default();
    let added = floor_area::remedies(
        checked,
        failing(floor_area::RULE),
        station,
        options,
        &mut fix,
    );
    sites::remedies(
        checked,
        station,
        failing(sites::RULE),
        &added,
        options,
        &mut fix,
    );
    timing::remedies(checked, station, options, &mut fix);
    let mut units = units::Units::new(checked, options, &fix);
    requirements::remedies(&mut units, &mut fix);
    beds::remedies(&mut units, &mut fix);
    sums::remedies(&mut units, &mut fix);
    shares::remedies(&mut units, &mut fix);
    ranges::remedies(&mut units, &mut fix);
    for f in checked.findings.iter().filter(|f| f.status == Status::Fail) {
        if WAIVERS.contains(&f.rule) {
            fix.left.push(Left {
                rule: f.rule,
                subject: f.subject.id.clone(),
                why: t!(
                    "豁免记录属于 plan.toml：请续期或删除；整改只改变设施",
                    "a waiver is plan.toml's to renew or remove; a fix changes facilities only"
                ),
                fixable: false,
            });
        } else if !REMEDIED.contains(&f.rule) {
            fix.left.push(Left {
                rule: f.rule,
                subject: f.subject.id.clone(),
                why: t!(
                    "planlint fix 尚不能为此规则给出整改措施",
                    "planlint fix has no remedy for this rule yet"
                ),
                fixable: true,
            });
        }
    }
    for (n, r) in fix.remedies.iter_mut().enumerate() {
        r.id = format!("R{}", n + 1);
        if r.action == Action::Add {
            r.facility_id = format!("{}-NEW", r.id);
        }
    }
    fix
}

/// A new facility's completion date: the check's date (it is planned; no rule this fix
/// remedies asks for it earlier).
fn new_date(checked: &Checked) -> NaiveDate {
    checked.as_of
}

/// The subject id of a failing finding, as `fixes` lists it.
fn fixes(f: &Finding) -> Fixes {
    Fixes {
        rule: f.rule,
        subject: f.subject.id.clone(),
    }
}

/// Rounds a floor area up to the next tenth of a square metre, so that it meets what it is
/// sized for (float noise aside).
fn round_up(area: f64) -> f64 {
    ((area - 1e-9) * 10.0).ceil() / 10.0
}

/// A feature as a message names it: its name and id, or its id alone where it has no name.
pub(super) fn named(name: &str, id: &str, lang: Lang) -> String {
    match (name.is_empty(), lang) {
        (true, _) => id.to_string(),
        (false, Lang::Zh) => format!("{name}（{id}）"),
        (false, Lang::En) => format!("{name} ({id})"),
    }
}

impl Remedy {
    /// A new station of `kind` at `at` (named after its site, `name`; in compound
    /// `compound`), of `floor_area` m², completed on `date`.
    #[allow(clippy::too_many_arguments)]
    pub fn station(
        name: &str,
        kind: FacilityKind,
        at: Point,
        compound: Option<String>,
        floor_area: f64,
        date: NaiveDate,
        fixes: Vec<Fixes>,
        reason: Text,
    ) -> Remedy {
        Remedy {
            id: String::new(),
            action: Action::Add,
            facility_id: String::new(),
            name: format!("{name}养老服务站"),
            kind: Some(kind),
            at: Some(at),
            compound_id: compound,
            floor_area,
            completion_date: Some(date),
            advance: None,
            more: More::default(),
            traits: Traits::station(),
            fixes,
            reason,
        }
    }

    /// The facility it changes, as a message names it.
    fn facility(&self, lang: Lang) -> String {
        match (self.name.is_empty(), lang) {
            (true, Lang::Zh) => format!(" {} ", self.facility_id),
            (true, Lang::En) => self.facility_id.clone(),
            (false, Lang::Zh) => format!("「{}」（{}）", self.name, self.facility_id),
            (false, Lang::En) => format!("'{}' ({})", self.name, self.facility_id),
        }
    }

    /// What it asks, in the bureau's words.
    pub fn said(&self, lang: Lang) -> String {
        let sizes = self.sizes(lang);
        match (self.action, lang) {
            (Action::Enlarge, Lang::Zh) => format!("既有设施{}{sizes}", self.facility(lang)),
            (Action::Enlarge, Lang::En) if sizes.starts_with("by ") => {
                format!("enlarge {} {sizes}", self.facility(lang))
            }
            (Action::Enlarge, Lang::En) => format!("enlarge {}: {sizes}", self.facility(lang)),
            (Action::Add, _) if sizes.is_empty() => match lang {
                Lang::Zh => format!("新建「{}」", self.name),
                Lang::En => format!("build '{}'", self.name),
            },
            (Action::Add, Lang::Zh) => format!("新建「{}」，{sizes}", self.name),
            (Action::Add, Lang::En) => format!("build '{}', {sizes}", self.name),
            (Action::Advance, _) => {
                let (field, date) = self
                    .advance
                    .map_or(("", String::new()), |(f, d)| (f, d.to_string()));
                let which = self.facility(lang);
                match (lang, field == "construction_start") {
                    (Lang::Zh, true) => format!("设施{which}不晚于 {date} 开工"),
                    (Lang::Zh, false) => format!("设施{which}不晚于 {date} 建成"),
                    (Lang::En, true) => format!("start {which} by {date}"),
                    (Lang::En, false) => format!("complete {which} by {date}"),
                }
            }
        }
    }

    /// What an `enlarge` adds, or an `add` has: floor area, land, beds (nursing-type among
    /// them, or beds turned nursing-type), medical care, operator.
    fn sizes(&self, lang: Lang) -> String {
        let grows = self.action == Action::Enlarge;
        let zh = lang == Lang::Zh;
        let mut parts: Vec<String> = Vec::new();
        let m = &self.more;
        let nothing_else = m.beds == 0
            && m.nursing_beds == 0
            && m.land_area == 0.0
            && m.long_term_beds == 0
            && m.family_beds == 0;
        if self.floor_area > 0.0 || (nothing_else && grows) {
            let a = crate::text::num(self.floor_area, 1);
            parts.push(match (zh, grows) {
                (true, true) => format!("增加建筑面积 {a} 平方米"),
                (true, false) => format!("建筑面积 {a} 平方米"),
                (false, true) => format!("by {a} m²"),
                (false, false) => format!("{a} m²"),
            });
        }
        if m.land_area > 0.0 {
            let a = crate::text::num(m.land_area, 1);
            parts.push(match (zh, grows) {
                (true, true) => format!("增加用地 {a} 平方米"),
                (true, false) => format!("用地 {a} 平方米"),
                (false, true) => format!("+{a} m² of land"),
                (false, false) => format!("{a} m² of land"),
            });
        }
        let (b, n) = (m.beds, m.nursing_beds);
        let (bs, ns) = (crate::text::num(b as f64, 0), crate::text::num(n as f64, 0));
        if b > 0 {
            parts.push(match (zh, grows) {
                (true, true) => format!("增加床位 {bs} 张"),
                (true, false) if n > 0 => format!("床位 {bs} 张（其中护理型 {ns} 张）"),
                (true, false) => format!("床位 {bs} 张"),
                (false, true) => format!("+{bs} beds"),
                (false, false) if n > 0 => format!("{bs} beds ({ns} nursing-type)"),
                (false, false) => format!("{bs} beds"),
            });
        }
        for (count, zh_what, en_what) in [
            (m.long_term_beds, "长期照护床位", "long-term beds"),
            (m.family_beds, "家庭养老床位", "family beds"),
        ] {
            if count > 0 {
                let c = crate::text::num(count as f64, 0);
                parts.push(match (zh, grows) {
                    (true, true) => format!("{zh_what}增加 {c} 张"),
                    (true, false) => format!("{zh_what} {c} 张"),
                    (false, true) => format!("+{c} {en_what}"),
                    (false, false) => format!("{c} {en_what}"),
                });
            }
        }
        // An enlarge's nursing beds: new beds of the type, or beds turned to it.
        if grows && n > 0 {
            parts.push(if zh {
                format!("护理型床位增加 {ns} 张")
            } else {
                format!("+{ns} nursing-type beds")
            });
        }
        if self.action == Action::Add && self.traits.medical_care == Some(true) {
            parts.push(if zh {
                "医养结合".into()
            } else {
                "with medical care".into()
            });
        }
        parts.join(if zh { "，" } else { ", " })
    }
}

/// What the report of the fixed plan says of the fix ([`crate::report::remedies`]): the
/// remedies in words, the site choice's proof, and each failure (at warning or above) of `report`
/// with why it is left.
pub fn summary(fix: &Fix, report: &crate::report::Report) -> crate::report::remedies::Remedies {
    use crate::report::remedies::{Left as LeftLine, Line, Remedies, Sites};
    let lines = fix
        .remedies
        .iter()
        .map(|r| Line {
            id: r.id.clone(),
            action: r.action.as_str(),
            facility_id: r.facility_id.clone(),
            said: Text::new(r.said(Lang::Zh), r.said(Lang::En)),
            reason: r.reason.clone(),
            site: r.at,
        })
        .collect();
    let left = report
        .findings
        .iter()
        .filter(|f| f.fails_at(crate::model::Severity::Warning))
        .map(|f| {
            let known = fix
                .left
                .iter()
                .find(|l| l.rule == f.rule && l.subject == f.subject.id);
            LeftLine {
                rule: f.rule.to_string(),
                subject: f.subject.id.clone(),
                why: known.map_or_else(
                    || {
                        t!(
                            "整改后仍不符合（请报告此问题）",
                            "still failing after the remedies (please report this)"
                        )
                    },
                    |l| l.why.clone(),
                ),
                fixable: known.is_none_or(|l| l.fixable),
            }
        })
        .collect();
    Remedies {
        lines,
        floor_area_added: fix.remedies.iter().map(|r| r.floor_area).sum(),
        beds_added: fix.remedies.iter().map(|r| r.more.beds).sum(),
        land_added: fix.remedies.iter().map(|r| r.more.land_area).sum(),
        sites: fix.sites.as_ref().map(|s| Sites {
            objective: s.objective,
            bound: s.bound,
            optimal: s.optimal,
            greedy: s.greedy,
            seconds: s.seconds,
        }),
        left,
    }
}

//! Dated targets count what stands by their due date (rules.md): whether a facility had
//! reached the stage a text names ("建成": completed, "启动建设"/"开工": started) by a date,
//! from its `status` and its dates. One place for every dated rule.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::{details, Facility, FacilityStatus, Status};
use crate::profile::Resolved;
use crate::text::{num, t, Text};

/// The section `planlint rules ID` shows for every rule that counts facilities for a
/// dated target (`Check::DATED`).
pub const DOC: &str = r#"## Dated targets
A target with a year is due at the end of it and counts what stands by then: a facility
completed by the due date (`completion_date`), one in service (`status` `existing`,
whatever its dates), and one with neither status nor dates (taken as existing; the
report's notes say how many were). A facility completed later does not count; when the
later ones make the unit meet the target, the finding says from when
(`details.met_from`). A facility whose status and dates do not tell (`planned`, or with
only a start date, and no completion date) is unknown: when the answer depends on the
unknowns (it would pass with them and fail without, or the other way round), the finding
is `insufficient_data` with their number in `details.unknown`. A share counts its
numerator and its denominator over the same facilities. Before the due date the target
applies early, as a warning, and the plan's own dates tell whether it will be met in
time. A target without a year counts every facility of the plan.
"#;

/// How far a facility must have got by the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Construction started: `construction_start`, else `completion_date` (a completed
    /// facility was started), on or before the date.
    Started,
    /// Completed: `completion_date` on or before the date.
    Completed,
}

/// Whether a facility stands (at a stage) by a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It does: in service (`existing`), taken as such, or its date is on or before.
    By,
    /// Only from this later date.
    From(NaiveDate),
    /// Its status and dates do not tell: a `planned` facility without the date the stage
    /// needs, or one completed after the date whose start is not given.
    Unknown,
}

/// A facility with neither `status` nor dates is taken as existing (rules.md); the
/// report's notes say how many were.
pub fn taken_as_existing(f: &Facility) -> bool {
    f.status.is_none() && f.construction_start.is_none() && f.completion_date.is_none()
}

impl Stage {
    /// Whether `f` had reached the stage by `cutoff`.
    pub fn standing(self, f: &Facility, cutoff: NaiveDate) -> Standing {
        if f.status == Some(FacilityStatus::Existing) || taken_as_existing(f) {
            return Standing::By;
        }
        let on = |d: NaiveDate| {
            if d <= cutoff {
                Standing::By
            } else {
                Standing::From(d)
            }
        };
        match (self, f.construction_start, f.completion_date) {
            (Stage::Started, Some(start), _) => on(start),
            (Stage::Started, None, Some(done)) if done <= cutoff => Standing::By,
            // Completed after the date: it may have started before it.
            (Stage::Started, None, _) => Standing::Unknown,
            (Stage::Completed, _, Some(done)) => on(done),
            (Stage::Completed, _, None) => Standing::Unknown,
        }
    }

    /// "（{date} 前建成）" / " (completed by {date})": what a count at the stage counts.
    pub fn by(self, date: NaiveDate) -> Text {
        match self {
            Stage::Started => t!("（{} 前开工）", " (started by {})", date),
            Stage::Completed => t!("（{} 前建成）", " (completed by {})", date),
        }
    }

    /// The field the stage reads.
    pub fn field(self) -> &'static str {
        match self {
            Stage::Started => "construction_start",
            Stage::Completed => "completion_date",
        }
    }
}

/// The stage and date a target counts facilities at: a dated target (one with a year)
/// counts what is completed by its due date; an undated one counts every facility (none).
pub fn count_at(target: &Resolved) -> Option<(Stage, NaiveDate)> {
    target.due().map(|due| (Stage::Completed, due))
}

/// What a count at `at` counts, for messages (nothing for an undated target).
pub fn by_text(at: Option<(Stage, NaiveDate)>) -> Text {
    at.map(|(stage, due)| stage.by(due)).unwrap_or_default()
}

/// Items (facilities, or the units they cover) split by when they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<T> {
    /// By the due date: these count.
    pub by: Vec<T>,
    /// Their status and dates do not tell.
    pub unknown: Vec<T>,
    /// Only from a later date, sorted by it.
    pub later: Vec<(NaiveDate, T)>,
    /// The due date and the field that tells (none: an undated target, all of `by`).
    pub at: Option<(Stage, NaiveDate)>,
}

impl<T> Split<T> {
    pub fn new(at: Option<(Stage, NaiveDate)>) -> Self {
        Split {
            by: Vec::new(),
            unknown: Vec::new(),
            later: Vec::new(),
            at,
        }
    }

    pub fn push(&mut self, standing: Standing, item: T) {
        match standing {
            Standing::By => self.by.push(item),
            Standing::Unknown => self.unknown.push(item),
            Standing::From(d) => self.later.push((d, item)),
        }
    }

    /// Ends the split: the later items in date order.
    pub fn sorted(mut self) -> Self {
        self.later.sort_by_key(|(d, _)| *d);
        self
    }
}

/// The facilities of a target, split by their standing at `at` (none: all stand).
pub fn split<'a>(
    facilities: impl IntoIterator<Item = &'a Facility>,
    at: Option<(Stage, NaiveDate)>,
) -> Split<&'a Facility> {
    let mut s = Split::new(at);
    for f in facilities {
        let standing = at.map_or(Standing::By, |(stage, due)| stage.standing(f, due));
        s.push(standing, f);
    }
    s.sorted()
}

/// The best standing of a set of facilities (a unit is covered when one of them stands):
/// `By` over `Unknown` over the earliest `From`; none for an empty set.
pub fn first_standing(standings: impl IntoIterator<Item = Standing>) -> Option<Standing> {
    let rank = |s: &Standing| match s {
        Standing::By => (0, None),
        Standing::Unknown => (1, None),
        Standing::From(d) => (2, Some(*d)),
    };
    standings.into_iter().min_by_key(rank)
}

/// What a dated target's count decides, for one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision<M> {
    /// The measurement over what stands by the due date.
    pub measured: M,
    /// The items of unknown standing decide the answer: with them it would pass and
    /// without fail, or the other way round (`insufficient_data`, never a verdict).
    pub undecided: bool,
    /// How many items' standing is unknown.
    pub unknown: usize,
    /// The date from which items standing only later make the target met.
    pub met_from: Option<NaiveDate>,
    pub at: Option<(Stage, NaiveDate)>,
}

/// Decides a dated target over a split: `measure` measures a set of items, `passes` says
/// whether a measurement meets the target (none: it has no verdict, a value is missing).
/// The items of unknown standing decide when the answer with them differs from the one
/// without; a target missed by the due date is met from the first date on which the items
/// standing by then meet it.
pub fn decide<T: Copy, M>(
    split: &Split<T>,
    measure: impl Fn(&[T]) -> M,
    passes: impl Fn(&M) -> Option<bool>,
) -> Decision<M> {
    let mut set = split.by.clone();
    let measured = measure(&set);
    let ok = passes(&measured);
    let mut undecided = false;
    if ok.is_some() && !split.unknown.is_empty() {
        set.extend(split.unknown.iter().copied());
        undecided = passes(&measure(&set)) != ok;
        set.truncate(split.by.len());
    }
    let mut met_from = None;
    if ok == Some(false) && !undecided {
        let mut later = split.later.iter().peekable();
        while let Some(&(date, item)) = later.next() {
            set.push(item);
            // Every item of the same date first.
            while let Some(&(_, item)) = later.next_if(|(d, _)| *d == date) {
                set.push(item);
            }
            if passes(&measure(&set)) == Some(true) {
                met_from = Some(date);
                break;
            }
        }
    }
    Decision {
        measured,
        undecided,
        unknown: split.unknown.len(),
        met_from,
        at: split.at,
    }
}

impl<M> Decision<M> {
    /// The status of a finding that passes (`ok`) or fails on what stands by the due date.
    pub fn status(&self, ok: bool) -> Status {
        match (self.undecided, ok) {
            (true, _) => Status::InsufficientData,
            (false, true) => Status::Pass,
            (false, false) => Status::Fail,
        }
    }

    /// What the message adds: the unknowns that decide the answer (`items` names them:
    /// "处规划设施" / "planned facilities"), or from when later ones meet the target.
    pub fn note(&self, items: Text) -> Text {
        match (self.undecided, self.at, self.met_from) {
            (true, Some((stage, due)), _) => {
                let (n, field) = (num(self.unknown as f64, 0), stage.field());
                Text::new(
                    format!(
                        "另有 {n} {}未给出 {due} 前的 {field}，结果取决于它们，无法判断",
                        items.zh
                    ),
                    format!(
                        "{n} {} do not tell their {field} by {due}: they decide the answer",
                        items.en
                    ),
                )
            }
            (false, _, met_from) => met_from_text(met_from),
            (true, None, _) => Text::default(),
        }
    }

    /// The finding's details: the due date, the unknowns, and from when it is met.
    pub fn details(&self) -> details::Dated {
        details::Dated {
            by: self.at.map(|(_, due)| due.to_string()),
            unknown: self.unknown as u64,
            met_from: self.met_from.map(|d| d.to_string()),
        }
    }
}

/// When facilities that stand only after the due date meet the target later, from when.
pub fn met_from_text(met_from: Option<NaiveDate>) -> Text {
    match met_from {
        Some(d) => t!(
            "按规划日期，自 {} 起达到要求（晚于期限）",
            "by the plan's dates, met from {} (after the due date)",
            d
        ),
        None => Text::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FacilityKind;
    use geo::Point;

    fn facility(
        status: Option<FacilityStatus>,
        start: Option<&str>,
        done: Option<&str>,
    ) -> Facility {
        Facility {
            construction_start: start.map(|d| d.parse().unwrap()),
            completion_date: done.map(|d| d.parse().unwrap()),
            status,
            ..Facility::at(0, "F", FacilityKind::NursingHome, Point::new(0.0, 0.0))
        }
    }

    #[test]
    fn a_facility_stands_by_its_date_and_the_due_date_of_2020_is_its_last_day() {
        let due: NaiveDate = "2020-12-31".parse().unwrap();
        let done = |d| facility(None, None, Some(d));
        // Completed on the due date counts; the day after does not, and says from when.
        assert_eq!(
            Stage::Completed.standing(&done("2020-12-31"), due),
            Standing::By
        );
        assert_eq!(
            Stage::Completed.standing(&done("2021-01-01"), due),
            Standing::From("2021-01-01".parse().unwrap())
        );
        // Started: the start date, else a completion by the date.
        let started = facility(None, Some("2020-06-01"), Some("2022-01-01"));
        assert_eq!(Stage::Started.standing(&started, due), Standing::By);
        assert_eq!(
            Stage::Started.standing(&done("2021-03-01"), due),
            Standing::Unknown
        );
    }

    #[test]
    fn status_decides_where_dates_are_missing() {
        let due: NaiveDate = "2020-12-31".parse().unwrap();
        // No status, no dates: taken as existing.
        let bare = facility(None, None, None);
        assert!(taken_as_existing(&bare));
        assert_eq!(Stage::Completed.standing(&bare, due), Standing::By);
        // Existing always stands, whatever its dates say.
        let existing = facility(Some(FacilityStatus::Existing), None, Some("2023-01-01"));
        assert_eq!(Stage::Completed.standing(&existing, due), Standing::By);
        // Planned without the date the stage needs: unknown.
        let planned = facility(Some(FacilityStatus::Planned), Some("2020-01-01"), None);
        assert!(!taken_as_existing(&planned));
        assert_eq!(Stage::Completed.standing(&planned, due), Standing::Unknown);
        assert_eq!(Stage::Started.standing(&planned, due), Standing::By);
    }

    #[test]
    fn unknowns_decide_only_when_the_answer_changes_with_them() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let due = d("2020-12-31");
        let at = Some((Stage::Completed, due));
        // Items are bed counts; the target is a sum of at least 35.
        let sum = |xs: &[u64]| xs.iter().sum::<u64>();
        let meets = |n: &u64| Some(*n >= 35);
        let mut s = Split::new(at);
        s.push(Standing::By, 30);
        s.push(Standing::Unknown, 6);
        s.push(Standing::From(d("2021-03-01")), 3);
        s.push(Standing::From(d("2021-01-01")), 2);
        let s = s.sorted();
        // 30 without the unknown, 36 with it: undecided, and no date is looked for.
        let x = decide(&s, sum, meets);
        assert_eq!((x.measured, x.undecided, x.met_from), (30, true, None));
        assert_eq!(x.status(false), Status::InsufficientData);
        // An unknown of 4 makes 34: it does not decide. 30 + 2 (2021-01-01) = 32, + 3
        // (2021-03-01) = 35: met from 2021-03-01.
        let mut s2 = s.clone();
        s2.unknown = vec![4];
        let x = decide(&s2, sum, meets);
        assert_eq!((x.measured, x.undecided), (30, false));
        assert_eq!(x.met_from, Some(d("2021-03-01")));
        assert_eq!(x.status(false), Status::Fail);
        assert_eq!(x.details().met_from.as_deref(), Some("2021-03-01"));
        // An undated target: everything counts and nothing is dated.
        let all = split(std::iter::empty(), None);
        let x = decide(&all, |fs: &[&Facility]| fs.len(), |_| Some(true));
        assert_eq!(x.details().by, None);
    }
}

//! Dated targets count what stands by their due date (rules.md): whether a facility had
//! reached the stage a text names ("建成": completed, "启动建设"/"开工": started) by a date,
//! from its `status` and its dates. One place for every dated rule.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::{Facility, FacilityStatus};

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

    /// The field the stage reads.
    pub fn field(self) -> &'static str {
        match self {
            Stage::Started => "construction_start",
            Stage::Completed => "completion_date",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FacilityKind, Footprint};
    use geo::Point;

    fn facility(
        status: Option<FacilityStatus>,
        start: Option<&str>,
        done: Option<&str>,
    ) -> Facility {
        let p = Point::new(0.0, 0.0);
        Facility {
            index: 0,
            id: "F".into(),
            name: String::new(),
            geometry: Footprint::Point(p),
            reference: p,
            kind: FacilityKind::NursingHome,
            medical_care: None,
            floor_area: None,
            land_area: None,
            beds: None,
            nursing_beds: None,
            long_term_beds: None,
            family_beds: None,
            clinic: None,
            operator: None,
            compound_id: None,
            construction_start: start.map(|d| d.parse().unwrap()),
            completion_date: done.map(|d| d.parse().unwrap()),
            status,
            level: None,
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
}

//! `delivery-with-housing`: the compound's community facility is completed no later than
//! its housing is delivered (四同步).

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;

use super::common::{kind_in, kinds_given, Inputs, Verdict};
use super::dated::taken_as_existing;
use crate::model::{Body, Finding, Measure, Status};
use crate::model::{Facility, FacilityKind, FacilityStatus, Need};
use crate::profile::RuleConfig;
use crate::text::t;

const DOC: &str = r#"# delivery-with-housing — 与住宅同步交付

## 检查内容
每个有分期的新建小区：配套社区养老服务设施最早竣工日期不得晚于住宅最后一期竣工（交付）日期。
住宅尚未交付而设施已建成的为符合；设施未建、住宅已交付的为不符合。

## What it checks
For each `new` compound with phases (phases.csv): the housing is delivered when its last
phase is completed, D = the latest `completion_date` of its phases. The facility
milestone M is the earliest `completion_date` among the facilities of the profile's
`kinds` belonging to the compound (the community-level ones). It must be no later than D:
`pass` when M ≤ D, `fail` when M > D, measured M, required D.
- A phase without a completion date is unfinished: D comes after the check's date. A
  facility completed by the check's date is then in time (`pass`); a later date cannot be
  judged (`insufficient_data`).
- No facility completed yet: `pending` while D is still to come, `fail` once the housing
  is delivered without one.
- A facility in service (`status` `existing`, or with neither status nor dates) but no
  completion date stands now: in time while D is to come, unknown once D has passed.
- `existing` compounds are not applicable; compounds without phases have insufficient
  data.

## Why
"四同步" — planned, built, accepted and delivered with the housing. The residents move in
when the housing is delivered; a facility that opens years later leaves them without one
in the years they settle in, and the developer, paid, has no reason left to build it.

## Example
Phases completed 2021-06-30 and 2023-06-30: D = 2023-06-30. A station completed
2022-03-01 passes; one completed 2023-07-01 fails, a day after the housing.
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The facility kinds that are the compound's facility (none: every kind).
    #[serde(default)]
    kinds: Option<Vec<FacilityKind>>,
}

impl Params {
    fn check(&self) -> Result<(), String> {
        kinds_given(self.kinds.as_deref())
    }
}

declare_rule_with_params!(
    DeliveryWithHousing,
    id: "delivery-with-housing",
    title: ("与住宅同步交付", "Delivered with the housing"),
    subject: Compounds,
    needs: [Compounds, Phases],
    doc: DOC,
);

fn check(rule: &'static str, p: &Params, cfg: &RuleConfig, ctx: &Inputs) -> Vec<Finding> {
    let v = Verdict::new(rule, "date", Need::OnOrBefore, ctx, cfg);
    ctx.compounds().map(|i| one(&v, p, ctx, i)).collect()
}

/// When the housing is delivered: on its last phase's completion, or some day after the
/// check's date while a phase is unfinished.
enum Delivery {
    On(NaiveDate),
    After(NaiveDate),
}

fn one(v: &Verdict, p: &Params, ctx: &Inputs, i: usize) -> Finding {
    let subject = ctx.compound_subject(i);
    let existing = Body::Fixed(
        "已建成小区不适用同步交付要求",
        "an existing compound has no delivery to keep pace with",
    );
    let phases = match ctx.new_compound_phases(v, i, existing) {
        Ok(phases) => phases,
        Err(finding) => return *finding,
    };
    let delivery = if phases.iter().any(|ph| ph.completion_date.is_none()) {
        Delivery::After(ctx.as_of)
    } else {
        // Every phase has a date: the last one.
        let last = phases.iter().filter_map(|ph| ph.completion_date).max();
        last.map_or(Delivery::After(ctx.as_of), Delivery::On)
    };
    let facilities: Vec<&Facility> = ctx
        .facilities_of(&ctx.joins.compound_facilities[i])
        .filter(|f| kind_in(f, p.kinds.as_deref()))
        .collect();
    let completed = facilities.iter().filter_map(|f| f.completion_date).min();
    // A facility in service without a completion date stands now, on the check's date.
    let standing = facilities.iter().any(|f| {
        f.completion_date.is_none()
            && (f.status == Some(FacilityStatus::Existing) || taken_as_existing(f))
    });
    let (status, required, msg) = match (completed, &delivery) {
        (Some(m), Delivery::On(d)) => (
            if m <= *d { Status::Pass } else { Status::Fail },
            Some(*d),
            if m <= *d {
                t!(
                    "设施于 {} 建成，不晚于住宅交付（末期竣工 {}）",
                    "the facility was completed on {}, no later than the housing's delivery (last phase {})",
                    m,
                    d
                )
            } else {
                t!(
                    "设施于 {} 建成，晚于住宅交付（末期竣工 {}）",
                    "the facility was completed on {}, after the housing's delivery (last phase {})",
                    m,
                    d
                )
            },
        ),
        (Some(m), Delivery::After(now)) if m <= *now => (
            Status::Pass,
            None,
            t!(
                "设施于 {} 建成，住宅尚未全部竣工",
                "the facility was completed on {}, before the housing is all completed",
                m
            ),
        ),
        (Some(m), Delivery::After(_)) => (
            Status::InsufficientData,
            None,
            t!(
                "设施计划于 {} 建成，而未完工分期没有竣工日期，无法判断是否与住宅同步交付",
                "the facility is planned for {}, and unfinished phases give no completion date: cannot tell whether it comes with the housing",
                m
            ),
        ),
        (None, Delivery::After(_)) if standing => (
            Status::Pass,
            None,
            t!(
                "设施已在使用，住宅尚未全部竣工",
                "the facility is in service, before the housing is all completed"
            ),
        ),
        (None, Delivery::On(d)) if *d > ctx.as_of && standing => (
            Status::Pass,
            Some(*d),
            t!(
                "设施已在使用，早于住宅交付（末期竣工 {}）",
                "the facility is in service, before the housing's delivery (last phase {})",
                d
            ),
        ),
        (None, Delivery::On(d)) if *d <= ctx.as_of && standing => (
            Status::InsufficientData,
            Some(*d),
            t!(
                "设施在使用但缺少建成日期（completion_date），无法判断是否早于住宅交付（{}）",
                "the facility is in service but gives no completion_date: cannot tell whether it came before the housing's delivery ({})",
                d
            ),
        ),
        (None, Delivery::On(d)) if *d <= ctx.as_of => (
            Status::Fail,
            Some(*d),
            t!(
                "住宅已于 {} 交付，至 {} 尚无设施建成",
                "the housing was delivered on {} and no facility was completed by {}",
                d,
                ctx.as_of
            ),
        ),
        (None, Delivery::On(d)) => (
            Status::Pending,
            Some(*d),
            t!(
                "尚无设施建成；住宅将于 {} 交付",
                "no facility completed yet; the housing is delivered on {}",
                d
            ),
        ),
        (None, Delivery::After(_)) => (
            Status::Pending,
            None,
            t!(
                "尚无设施建成；住宅尚未全部竣工",
                "no facility completed yet; the housing is not all completed"
            ),
        ),
    };
    v.finding(
        subject,
        status,
        Measure::date(completed),
        Measure::date(required),
        msg,
    )
}

//! The remedy of `construction-timing` and `delivery-with-housing`: the compound's facility
//! reaches its milestone (completed, or started, as the city says; completed with the
//! housing's delivery) by the latest date that still passes — the deadline, or the day
//! before it where the rule asks for "before". A new facility the other remedies build in
//! the compound is dated so; else the facility the rule reads is brought forward
//! (`advance`); a compound with none gets a new station so dated. Where both rules ask, the
//! earlier date holds. A deadline that falls before the check's date cannot be met by any
//! change to the plan: it is left, saying so.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{fixes, named, Action, Fix, Left, More, Options, Remedy, Traits};
use crate::engine::Checked;
use crate::model::{Facility, FacilityKind, Finding, Measure, Need};
use crate::text::{t, Lang, Text};

pub const RULE: &str = "construction-timing";
pub const DELIVERY: &str = "delivery-with-housing";

/// What the remedy reads of the rule's section (`delivery-with-housing` has no milestone:
/// completion).
#[derive(Deserialize)]
struct Params {
    #[serde(default)]
    milestone: String,
    #[serde(default)]
    kinds: Option<Vec<FacilityKind>>,
}

/// The latest date a facility may reach its milestone and pass: none when the finding
/// says no date.
fn latest(f: &Finding) -> Option<NaiveDate> {
    let Measure::Date(deadline) = f.required else {
        return None;
    };
    match f.need {
        Need::Before => deadline.pred_opt(),
        Need::OnOrBefore => Some(deadline),
        _ => None,
    }
}

/// The remedies for the two rules' failures: new facilities of the compound dated in
/// time, its facility advanced, or a new station.
pub fn remedies(checked: &Checked, station: FacilityKind, options: &Options, fix: &mut Fix) {
    // The remedies this dated, which a second rule may only bring earlier.
    let mut dated: Vec<usize> = Vec::new();
    for rule in [RULE, DELIVERY] {
        let failing = checked
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.status == crate::model::Status::Fail);
        one_rule(checked, rule, failing, station, options, fix, &mut dated);
    }
}

fn one_rule<'a>(
    checked: &Checked,
    rule: &'static str,
    failing: impl Iterator<Item = &'a Finding>,
    station: FacilityKind,
    options: &Options,
    fix: &mut Fix,
    dated: &mut Vec<usize>,
) {
    let plan = checked.plan;
    let Some(params) = checked
        .profile
        .rules
        .get(rule)
        .and_then(|cfg| cfg.parse::<Params>().ok())
    else {
        return;
    };
    let start = params.milestone == "construction_start";
    let date_of = |f: &Facility| {
        if start {
            f.construction_start
        } else {
            f.completion_date
        }
    };
    for f in failing {
        let Some(k) = f.subject.index else { continue };
        let compound = &plan.compounds[k];
        let Some(by) = latest(f) else {
            fix.left.push(Left {
                rule,
                subject: f.subject.id.clone(),
                why: t!(
                    "期限未知，无法给出日期",
                    "the deadline is not known: no date can be given"
                ),
                fixable: true,
            });
            continue;
        };
        if by < checked.as_of {
            fix.left.push(Left {
                rule,
                subject: f.subject.id.clone(),
                why: t!(
                    "设施最晚应于 {} 达到要求，早于检查日期 {}：任何规划调整都无法满足",
                    "the facility was due by {}, before the check's date {}: no change to the plan can meet it",
                    by,
                    checked.as_of
                ),
                fixable: false,
            });
            continue;
        }
        // A new facility of the compound is dated in time: the latest date that passes
        // (nothing is asked earlier than a rule needs).
        if let Some(i) = fix
            .remedies
            .iter()
            .position(|r| r.action == Action::Add && r.compound_id.as_deref() == Some(&compound.id))
        {
            date(&mut fix.remedies[i], i, by, dated);
            fix.remedies[i].fixes.push(fixes(f));
            continue;
        }
        // Else the compound's facility the rule reads, the earliest, comes forward.
        let own = checked.joins.compound_facilities[k]
            .iter()
            .filter(|&&i| options.may_change(i))
            .map(|&i| &plan.facilities[i])
            .filter(|fa| params.kinds.as_ref().is_none_or(|ks| ks.contains(&fa.kind)))
            .min_by(|a, b| date_of(a).cmp(&date_of(b)).then(a.id.cmp(&b.id)));
        let Some(fa) = own else {
            if options.may_build_in(k) {
                fix.remedies
                    .push(new_station(checked, k, station, options, by, f));
                dated.push(fix.remedies.len() - 1);
            } else {
                fix.left.push(Left {
                    rule,
                    subject: f.subject.id.clone(),
                    why: t!(
                        "小区没有可调整的设施",
                        "the compound has no facility this fix may change"
                    ),
                    fixable: true,
                });
            }
            continue;
        };
        let field = if start {
            "construction_start"
        } else {
            "completion_date"
        };
        // The facility is already brought forward for the other rule: the earlier date.
        if let Some(i) = fix.remedies.iter().position(|r| {
            r.action == Action::Advance
                && r.facility_id == fa.id
                && r.advance.is_some_and(|(fd, _)| fd == field)
        }) {
            date(&mut fix.remedies[i], i, by, dated);
            fix.remedies[i].fixes.push(fixes(f));
            continue;
        }
        dated.push(fix.remedies.len());
        fix.remedies.push(Remedy {
            id: String::new(),
            action: Action::Advance,
            facility_id: fa.id.clone(),
            name: fa.name.clone(),
            kind: None,
            at: None,
            compound_id: None,
            floor_area: 0.0,
            completion_date: None,
            advance: Some((field, by)),
            more: More::default(),
            traits: Traits::default(),
            fixes: vec![fixes(f)],
            reason: Text::new(
                format!(
                    "{}的设施须不晚于 {by} {}",
                    named(&compound.name, &compound.id, Lang::Zh),
                    if start { "开工" } else { "建成" }
                ),
                format!(
                    "the facility of {} must be {} by {by}",
                    named(&compound.name, &compound.id, Lang::En),
                    if start { "started" } else { "completed" }
                ),
            ),
        });
    }
}

/// A new station in compound `k` for a timing rule where it has no facility: of the size no
/// rule gives ([`Options::station_floor_area`]), completed by `by`.
fn new_station(
    checked: &Checked,
    k: usize,
    station: FacilityKind,
    options: &Options,
    by: NaiveDate,
    f: &Finding,
) -> Remedy {
    let compound = &checked.plan.compounds[k];
    Remedy::station(
        &compound.name,
        station,
        compound.reference,
        Some(compound.id.clone()),
        options.station_floor_area,
        by,
        vec![fixes(f)],
        Text::new(
            format!(
                "{}没有设施，新建服务站须不晚于 {by} 建成（站点建筑面积按 [fix] station_floor_area）",
                named(&compound.name, &compound.id, Lang::Zh)
            ),
            format!(
                "{} has no facility: a new station completed by {by} (its floor area: [fix] station_floor_area)",
                named(&compound.name, &compound.id, Lang::En)
            ),
        ),
    )
}

/// Sets remedy `i`'s date (`r`, a new facility's completion or what `advance` brings
/// forward) to `by`, or the earlier of it and what another rule set.
fn date(r: &mut Remedy, i: usize, by: NaiveDate, dated: &mut Vec<usize>) {
    let again = dated.contains(&i);
    let set = match (r.action, &mut r.advance) {
        (Action::Add, _) => r.completion_date.get_or_insert(by),
        (_, Some((_, d))) => d,
        _ => return,
    };
    *set = if again { (*set).min(by) } else { by };
    dated.push(i);
}

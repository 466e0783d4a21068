//! `construction-timing`'s remedy: the compound's facility reaches its milestone (completed,
//! or started, as the city says) by the latest date that still passes — the deadline, or
//! the day before it where the rule asks for "before". A new facility the other remedies
//! build in the compound is dated so; else the facility the rule reads is brought forward
//! (`advance`). A deadline that falls on or before the check's date cannot be met by any
//! change to the plan: it is left, saying so.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{fixes, named, Action, Fix, Left, Options, Remedy};
use crate::engine::Checked;
use crate::model::{Facility, FacilityKind, Finding, Measure, Need};
use crate::text::{t, Lang, Text};

pub const RULE: &str = "construction-timing";

/// What the remedy reads of the rule's section.
#[derive(Deserialize)]
struct Params {
    milestone: String,
    #[serde(default)]
    kinds: Option<Vec<FacilityKind>>,
}

/// The latest date a facility may reach its milestone and pass: none when the finding
/// says no date.
fn latest(f: &Finding) -> Option<NaiveDate> {
    let Measure::Date(d) = &f.required else {
        return None;
    };
    let deadline = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
    match f.need {
        Need::Before => deadline.pred_opt(),
        Need::OnOrBefore => Some(deadline),
        _ => None,
    }
}

/// The remedies for the failing findings `failing`: new facilities of the compound dated
/// in time, or its facility advanced.
pub fn remedies<'a>(
    checked: &Checked,
    failing: impl Iterator<Item = &'a Finding>,
    options: &Options,
    fix: &mut Fix,
) {
    let plan = checked.plan;
    let Some(params) = checked
        .profile
        .rules
        .get(RULE)
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
                rule: RULE,
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
                rule: RULE,
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
        // A new facility of the compound is dated in time.
        if let Some(r) = fix
            .remedies
            .iter_mut()
            .find(|r| r.action == Action::Add && r.compound_id.as_deref() == Some(&compound.id))
        {
            // The latest date that passes (nothing is asked earlier than a rule needs).
            r.completion_date = Some(by);
            r.fixes.push(fixes(f));
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
            fix.left.push(Left {
                rule: RULE,
                subject: f.subject.id.clone(),
                why: t!(
                    "小区没有可调整的设施",
                    "the compound has no facility this fix may change"
                ),
                fixable: true,
            });
            continue;
        };
        let field = if start {
            "construction_start"
        } else {
            "completion_date"
        };
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

//! The remedy of the rules that ask a share of a unit's facilities to be of some sort:
//! `private-institution-share` (institutions run by the operators the profile counts),
//! `public-private-share` (publicly built, privately run among the public institutions)
//! and `clinic-share` (large centres with their own clinic). The facilities of the plan
//! are never changed, so the share is met with new ones of the sort it counts: k such
//! that (n + k) / (d + k) reaches the minimum, k = ⌈(s·d − n) / (1 − s)⌉ — run by the
//! first operator the share counts, publicly built and privately run, or a centre of the
//! size measured with a clinic. A share of 100% cannot be met so: it is left, saying why.

use super::units::{stands, unit_named, Units};
use super::{Fix, More, Traits};
use crate::model::{Facility, FacilityKind, Operator};
use crate::rules::area_metric::AreaParams;
use crate::rules::common::kind_in;
use crate::text::{pct, t, Lang, Text};

pub const PRIVATE: &str = "private-institution-share";
pub const PUBLIC_PRIVATE: &str = "public-private-share";
pub const CLINIC: &str = "clinic-share";

/// One share rule: which facilities it counts, which of them are of the sort, and the new
/// facility of the sort.
struct Share {
    rule: &'static str,
    /// The kinds measured when the profile names none.
    kinds: &'static [FacilityKind],
    /// Whether a facility counts (none: not at all), and whether it is of the sort.
    counts: fn(&Facility, &AreaParams) -> Option<bool>,
    /// The new facility of the sort.
    new: fn(&AreaParams) -> (FacilityKind, Traits, More),
    /// What it is, in words.
    what: (&'static str, &'static str),
}

/// The operators a private share counts (the profile's, else private).
fn private_operators(p: &AreaParams) -> &[Operator] {
    p.operators.as_deref().unwrap_or(&[Operator::Private])
}

const SHARES: [Share; 3] = [
    Share {
        rule: PRIVATE,
        kinds: FacilityKind::INSTITUTIONS,
        counts: |f, p| f.operator.map(|o| private_operators(p).contains(&o)),
        new: |p| {
            let traits = Traits {
                operator: private_operators(p).first().copied(),
                ..Traits::station()
            };
            (FacilityKind::Institution, traits, More::default())
        },
        what: ("民办养老机构", "privately run institutions"),
    },
    Share {
        rule: PUBLIC_PRIVATE,
        kinds: FacilityKind::INSTITUTIONS,
        counts: |f, _| match f.operator {
            Some(Operator::PublicPrivate) => Some(true),
            Some(Operator::Government) => Some(false),
            _ => None,
        },
        new: |_| {
            let traits = Traits {
                operator: Some(Operator::PublicPrivate),
                ..Traits::station()
            };
            (FacilityKind::Institution, traits, More::default())
        },
        what: (
            "公建民营养老机构",
            "publicly built, privately run institutions",
        ),
    },
    Share {
        rule: CLINIC,
        kinds: &[FacilityKind::WelfareCenter],
        counts: |f, p| {
            let big = p.min_beds.is_none_or(|m| f.beds.is_some_and(|b| b >= m));
            big.then_some(f.clinic == Some(true))
        },
        new: |p| {
            let kind = p
                .kinds
                .as_ref()
                .and_then(|k| k.first().copied())
                .unwrap_or(FacilityKind::WelfareCenter);
            let traits = Traits {
                operator: Some(Operator::Private),
                clinic: Some(true),
                ..Traits::station()
            };
            let more = More {
                beds: p.min_beds.unwrap_or(0),
                ..More::default()
            };
            (kind, traits, more)
        },
        what: ("设医务室或护理站的设施", "facilities with their own clinic"),
    },
];

/// The remedies for the rules' failures.
pub fn remedies(units: &mut Units, fix: &mut Fix) {
    for share in &SHARES {
        one_rule(units, fix, share);
    }
}

fn one_rule(units: &mut Units, fix: &mut Fix, share: &Share) {
    let Some((p, target, when)) = units.minimum(share.rule) else {
        return;
    };
    let kinds = p.kinds.clone().unwrap_or_else(|| share.kinds.to_vec());
    let s = target.value;
    for f in units.failing(share.rule) {
        let area = units.area_of(f);
        let plan = units.checked.plan;
        let (mut n, mut d) = (0u64, 0u64);
        let standing = area
            .facilities
            .iter()
            .map(|&i| plan.facilities[i].clone())
            .filter(|fa| stands(fa, when.cutoff))
            .chain(units.new_facilities(fix, &area, when.cutoff));
        for fa in standing.filter(|fa| kind_in(fa, Some(&kinds))) {
            if let Some(of_sort) = (share.counts)(&fa, &p) {
                d += 1;
                n += u64::from(of_sort);
            }
        }
        if s >= 1.0 {
            Units::cannot(
                fix,
                f,
                t!(
                    "比例要求为 100%，只有改变现有设施才能满足，整改不改变现有设施的性质",
                    "a share of 100% is met only by changing the facilities that are not of the sort, which a fix does not do"
                ),
            );
            continue;
        }
        let k = ((s * d as f64 - n as f64) / (1.0 - s) - 1e-9)
            .ceil()
            .max(0.0) as u64;
        let (kind, traits, more) = (share.new)(&p);
        let (zh, en) = (unit_named(f, Lang::Zh), unit_named(f, Lang::En));
        let why = Text::new(
            format!(
                "{zh}{}占比须达 {}：现有 {n}/{d}，新增 {k} 处",
                share.what.0,
                pct(s)
            ),
            format!(
                "{en} needs {} of {}: {n} of {d}; {k} new",
                pct(s),
                share.what.1
            ),
        );
        for _ in 0..k {
            let Some(r) = units.new_facility(fix, &area, kind, when.date, traits) else {
                Units::cannot(
                    fix,
                    f,
                    t!(
                        "此次整改不能在该单元新建设施",
                        "this fix may not build in the unit"
                    ),
                );
                break;
            };
            fix.remedies[r].more = more;
            Units::fixes(fix, r, f, why.clone());
        }
        if let Some(due) = when.past {
            units.past_due(fix, f, due, k > 0);
        }
    }
}

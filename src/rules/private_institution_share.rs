//! `private-institution-share`: privately run institutions as a share of all institutions.

use super::area_metric::{area_metric_rule, show_pct, Measured, Scope};
use crate::model::{FacilityKind, Operator};
use crate::text::t;

const DOC: &str = r#"# private-institution-share — 民办养老机构占比

## 检查内容
全市：由政策所计运营方（长治：民办及公建民营；商丘：民办）运营的养老机构占全部养老机构的比例，
不得低于政策下限。

## What it checks
For the city: the number of institutions (`institution`, `nursing_home`,
`welfare_center`) run by the operators the profile counts (Changzhi: `private` and
`public_private`; Shangqiu: `private`) / the number of all institutions. An institution
without an `operator` makes the share unknown. It must be at least the minimum. `kinds`
in the profile changes which facilities are institutions (default: the three above).

## Why
The cities rely on social capital for most institutional care; the share of privately
run institutions measures how far the market has opened.

## Example
160 institutions, 100 private and 12 publicly-built-privately-run: Changzhi counts 112 /
160 = 70% — a pass; Shangqiu counts 100 / 160 = 62.5% — a pass against 50%.
"#;

/// Counts the facilities measured, and those whose operator is in `numerator`; with a
/// `denominator`, only facilities run by one of those operators count at all.
pub(super) fn count_operators(
    scope: &Scope,
    numerator: &[Operator],
    denominator: Option<&[Operator]>,
) -> Result<(usize, usize), ()> {
    let (mut num, mut den) = (0, 0);
    for f in &scope.facilities {
        let op = f.operator.ok_or(())?;
        if denominator.is_none_or(|d| d.contains(&op)) {
            den += 1;
            num += usize::from(numerator.contains(&op));
        }
    }
    Ok((num, den))
}

area_metric_rule!(
    PrivateInstitutionShare,
    id: "private-institution-share",
    title: ("民办养老机构占比", "Privately run institution share"),
    needs: [Facilities],
    doc: DOC,
    unit: "ratio",
    what: ("民办（含公建民营）养老机构占比", "privately run share of institutions"),
    show: show_pct,
    kinds: Some(FacilityKind::INSTITUTIONS),
    operators: true,
    measure: |_ctx, scope: &Scope, p: &super::area_metric::AreaParams| {
        let ops = p.operators.as_deref().unwrap_or(&[Operator::Private]);
        match count_operators(scope, ops, None) {
            Err(()) => Measured::Missing("operator", "facilities"),
            Ok((_, 0)) => Measured::Undefined(t!("没有养老机构", "there are no institutions")),
            Ok((n, d)) => Measured::Value(n as f64 / d as f64, t!("{} / {} 家机构", "{} of {} institutions", n, d)),
        }
    },
);

//! `public-private-share`: publicly built, privately run institutions among public ones.

use super::area_metric::{area_metric_rule, show_pct, Measured, Scope};
use super::private_institution_share::count_operators;
use crate::model::{FacilityKind, Operator};
use crate::text::t;

const DOC: &str = r#"# public-private-share — 公建民营机构占公办机构比例

## 检查内容
全市：公建民营机构占政府投资建设机构（政府运营及公建民营）的比例，不得低于政策下限。

## What it checks
For the city: institutions with `operator = public_private` / institutions with
`operator` `government` or `public_private` (institutions: `institution`, `nursing_home`,
`welfare_center`, or the profile's `kinds`). It must be at least the minimum.

## Why
Changzhi's reform of public homes hands their running to social operators (公建民营);
this share tracks how far that reform has gone.

## Example
20 public institutions, 5 of them run by private operators: 25% — short of 30% by one
institution (6 of 20 would be 30%).
"#;

area_metric_rule!(
    PublicPrivateShare,
    id: "public-private-share",
    title: ("公建民营机构占比", "Publicly built, privately run share"),
    needs: [Facilities],
    doc: DOC,
    unit: "ratio",
    what: ("公建民营机构占公办机构比例", "publicly-built-privately-run share of public institutions"),
    show: show_pct,
    kinds: Some(FacilityKind::INSTITUTIONS),
    operators: false,
    measure: |_ctx, scope: &Scope, _p| {
        let public = [Operator::Government, Operator::PublicPrivate];
        match count_operators(scope, &[Operator::PublicPrivate], Some(&public)) {
            Err(()) => Measured::Missing("operator", "facilities"),
            Ok((_, 0)) => Measured::Undefined(t!("没有公办养老机构", "there are no public institutions")),
            Ok((n, d)) => Measured::Value(n as f64 / d as f64, t!("{} / {} 家公办机构", "{} of {} public institutions", n, d)),
        }
    },
);

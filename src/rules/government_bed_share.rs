//! `government-bed-share`: beds run by the government as a share of all beds.

use super::area_metric::{area_metric_rule, bed_share, show_pct, Scope};
use crate::model::Operator;
use crate::text::Text;

const DOC: &str = r#"# government-bed-share — 政府运营床位占比

## 检查内容
全市：政府运营（`operator = government`）设施的床位数占全部床位数的比例，
不得超过政策上限。

## What it checks
For the city: Σ `beds` of facilities with `operator = government` / Σ `beds`. A facility
with beds but no `operator` makes the share unknown. It must not exceed the maximum.
`kinds` in the profile limits the facilities counted (default: all).

## Why
The cities want the market to supply most beds and public homes to be the safety net;
a cap on government-run beds pushes reform (公建民营) of public homes.

## Example
5,000 beds of which 2,800 government-run: 56% — over Anyang's 50% by 6 points (300 beds).
"#;

area_metric_rule!(
    GovernmentBedShare,
    id: "government-bed-share",
    title: ("政府运营床位占比", "Government-run bed share"),
    needs: [Facilities],
    doc: DOC,
    unit: "ratio",
    what: ("政府运营床位占比", "government-run share of beds"),
    show: show_pct,
    kinds: None,
    operators: false,
    measure: |_ctx, scope: &Scope, _p| bed_share(
        scope,
        |f, b| f.operator.map(|o| if o == Operator::Government { b } else { 0 }).ok_or(()),
        "operator",
        Text::new("政府运营床位", "government-run beds"),
    ),
);

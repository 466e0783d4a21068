//! `government-bed-share`: beds run by the government as a share of all beds.

use super::area_metric::{area_metric_rule, beds, show_pct, sum_where, Measured};
use crate::plan::model::Operator;
use crate::t;

const DOC: &str = r#"# government-bed-share — 政府运营床位占比

## What it checks
For the city: Σ `beds` of facilities with `operator = government` / Σ `beds`. A facility
with beds but no `operator` makes the share unknown. It must not exceed the maximum.

## Why
The cities want the market to supply most beds and public homes to be the safety net;
a cap on government-run beds pushes reform (公建民营) of public homes.

## Example
5,000 beds of which 2,800 government-run: 56% — over Anyang's 50% by 6 points (300 beds).

## Clauses
- Anyang: ≤ 50% by 2020 — 安政办〔2017〕80号 行动计划 三(三)2
- Shangqiu: ≤ 50% by 2020 — 三(三)2
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
    measure: |ctx: &super::Context, area: &super::common::Area, _p: &super::area_metric::AreaParams| {
        let all = beds(ctx.facilities_of(&area.facilities));
        if all == 0 {
            return Measured::Undefined(t!("没有床位", "there are no beds"));
        }
        let Some(gov) = sum_where(ctx, area, None, |f| match (f.beds.unwrap_or(0), f.operator) {
            (0, _) => Some(0),
            (b, Some(Operator::Government)) => Some(b),
            (_, Some(_)) => Some(0),
            (_, None) => None,
        }) else {
            return Measured::Missing("operator", "facilities");
        };
        Measured::Value(gov as f64 / all as f64, t!("政府运营床位 {} / 床位 {}", "{} government-run beds of {}", gov, all))
    },
);

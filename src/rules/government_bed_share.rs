//! `government-bed-share`: beds run by the government as a share of all beds.

use super::area_metric::{
    area_metric_rule, beds, overflow, show_pct, total_stated, Measured, Scope,
};
use crate::plan::model::Operator;
use crate::t;

const DOC: &str = r#"# government-bed-share — 政府运营床位占比

## What it checks
For the city: Σ `beds` of facilities with `operator = government` / Σ `beds`. A facility
with beds but no `operator` makes the share unknown. It must not exceed the maximum.
`kinds` in the profile limits the facilities counted (default: all).

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
    kinds: None,
    operators: false,
    measure: |_ctx, scope: &Scope, _p| {
        let Some(all) = beds(&scope.facilities) else {
            return overflow();
        };
        if all == 0 {
            return Measured::Undefined(t!("没有床位", "there are no beds"));
        }
        let gov = total_stated(&scope.facilities, |f| match (f.beds.unwrap_or(0), f.operator) {
            (0, _) => Ok(0),
            (b, Some(Operator::Government)) => Ok(b),
            (_, Some(_)) => Ok(0),
            (_, None) => Err(()),
        });
        match gov {
            Err(()) => Measured::Missing("operator", "facilities"),
            Ok(None) => overflow(),
            Ok(Some(gov)) => Measured::Value(
                gov as f64 / all as f64,
                t!("政府运营床位 {} / 床位 {}", "{} government-run beds of {}", gov, all),
            ),
        }
    },
);

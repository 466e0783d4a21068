//! `total-beds`: the city's elder-care beds in all.

use super::area_metric::{area_metric_rule, beds, overflow, Measured, Scope};
use crate::text::Text;

const DOC: &str = r#"# total-beds — 养老床位总数

## 检查内容
全市：所有设施（或政策所列类型）的床位数之和，不得低于政策下限。

## What it checks
For the city: Σ `beds` of all facilities in it (or of the profile's `kinds`). It must be at
least the profile's minimum.

## Why
Changzhi sets its supply target twice, as a rate (40 per 1,000 elderly) and as an absolute
number of beds; a plan can meet one and miss the other when the elderly population
estimate is off.

## Example
A city with 14,200 beds misses Changzhi's 15,000 by 800.
"#;

area_metric_rule!(
    TotalBeds,
    id: "total-beds",
    title: ("养老床位总数", "Total elder-care beds"),
    needs: [Facilities],
    doc: DOC,
    unit: "beds",
    what: ("养老床位总数（张）", "beds in all"),
    show: |x| crate::text::num(x, 0),
    kinds: None,
    operators: false,
    measure: |_ctx, scope: &Scope, _p| match beds(&scope.facilities) {
        Some(n) => Measured::Value(n as f64, Text::default()),
        None => overflow(),
    },
);

//! `beds-per-thousand-elderly`: elder-care beds per 1,000 residents aged 60 and over.

use super::area_metric::{area_metric_rule, per_thousand_elderly, Scope};
use crate::text::Text;

const DOC: &str = r#"# beds-per-thousand-elderly — 每千名老年人养老床位数

## 检查内容
全市（各县区作参考）：单元内设施床位数（`beds`）之和 × 1000 ÷ 单元60岁及以上老年人口（`elderly_population`），
不得低于政策下限。单元内没有任何设施填写床位数时，结果为“数据不足”，而不是0。

## What it checks
For the city (and each county, for information): Σ `beds` of the facilities in the unit ×
1,000 / the unit's `elderly_population` (residents aged 60+). A facility without a `beds`
value is taken to have no beds (a day-care station, say); when no facility of the unit
gives `beds` at all, the figure is unknown (insufficient data), not 0. It must be at least
the minimum.
`kinds` in the profile limits the facilities counted (default: all).

## Why
Beds per 1,000 elderly is the national yardstick of institutional care supply; the city
plans set it as a dated target.

## Example
A city of 300,000 elderly with 9,600 beds: 9,600 × 1000 / 300,000 = 32 — short of Anyang's
35 (2020) by 3 beds per thousand, i.e. 900 beds.
"#;

area_metric_rule!(
    BedsPerThousandElderly,
    id: "beds-per-thousand-elderly",
    title: ("每千名老年人养老床位数", "Beds per 1,000 elderly"),
    needs: [Units, Facilities],
    doc: DOC,
    unit: "beds/1000",
    what: ("每千名老年人养老床位（张）", "beds per 1,000 elderly"),
    show: |x| crate::text::num(x, 2),
    kinds: None,
    operators: false,
    measure: |ctx, scope: &Scope, _p| per_thousand_elderly(ctx, scope, ("beds", |f| f.beds), Text::new("床位", "beds")),
);

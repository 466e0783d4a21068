//! `nursing-bed-share`: nursing-type beds as a share of all beds.

use super::area_metric::{area_metric_rule, bed_share, show_pct, Scope};
use crate::text::Text;

const DOC: &str = r#"# nursing-bed-share — 护理型床位占比

## 检查内容
全市：护理型床位数（`nursing_beds`）占床位总数的比例（武汉：仅计养老机构），
不得低于检查日期适用的政策下限。

## What it checks
For the city: Σ `nursing_beds` / Σ `beds` over its facilities (Wuhan: over institutions
only, "机构总床位数"). A facility without `beds` has none; a facility with beds but no
`nursing_beds` value makes the share unknown (insufficient data). `kinds` in the profile
limits the facilities counted (default: all; Wuhan: institutions). The share must be at
least the minimum in force on the check's date.

## Why
Most of the unmet need is care for disabled and semi-disabled elders; beds that only
house the able-bodied do not meet it. The share of nursing-type beds is the policy lever.

## Example
4,000 beds of which 1,000 are nursing-type: 25% — meets Anyang's 10% of 2017, fails its
30% from 2020 (short by 5 points, 200 beds).
"#;

area_metric_rule!(
    NursingBedShare,
    id: "nursing-bed-share",
    title: ("护理型床位占比", "Nursing-bed share"),
    needs: [Facilities],
    doc: DOC,
    unit: "ratio",
    what: ("护理型床位占比", "nursing-type share of beds"),
    show: show_pct,
    kinds: None,
    operators: false,
    // Nursing beds count only where the facility has beds: the share never exceeds 100%.
    measure: |_ctx, scope: &Scope, _p| bed_share(
        scope,
        |f, _| f.nursing_beds.ok_or(()),
        "nursing_beds",
        Text::new("护理型床位", "nursing beds"),
    ),
);

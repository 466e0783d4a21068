//! `street-center-floor-area`: a street centre's floor area stays within the cap.

use super::facility_range::{range_rule, RangeField};
use crate::text::Text;

const DOC: &str = r#"# street-center-floor-area — 街道综合养老服务中心建筑面积

## 检查内容
每个街道综合养老服务中心：建筑面积（`floor_area`）不得超过政策上限。

## What it checks
For each facility of kind `street_center`: its `floor_area` must not exceed the cap.

## Why
Xuchang wants street centres sized for a street, not small institutions in disguise; the
text says "原则上" (in principle), so the profile makes it a warning.

## Example
A street centre of 6,200 m²: over the 5,000 m² cap by 1,200 m² (warning).
"#;

range_rule!(
    StreetCenterFloorArea,
    id: "street-center-floor-area",
    title: ("街道综合养老服务中心建筑面积", "Street centre floor area"),
    doc: DOC,
    field: RangeField {
        name: "floor_area",
        unit: "m2",
        what: Text::new("建筑面积", "floor area"),
        unit_text: Text::new("平方米", "m²"),
        get: |f| f.floor_area,
    },
);

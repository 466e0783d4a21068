//! `street-center-beds`: a street centre's long-term beds stay within the range.

use super::facility_range::{range_rule, RangeField};
use crate::text::Text;

const DOC: &str = r#"# street-center-beds — 街道综合养老服务中心长期托养床位

## 检查内容
每个街道综合养老服务中心：长期托养床位数（`long_term_beds`）须在政策规定的范围内。

## What it checks
For each facility of kind `street_center`: its `long_term_beds` must lie within the
range (at least `min`, at most `max`). `required` is the bound that was crossed (the
maximum when it passes).

## Why
A street centre offers some long-term beds for the street's most dependent elders, but
is not meant to become an institution; Xuchang sets 50–100 "in principle" (warning).

## Example
A street centre with 30 long-term beds: 20 short of the 50 minimum (warning).
"#;

range_rule!(
    StreetCenterBeds,
    id: "street-center-beds",
    title: ("街道综合养老服务中心长期托养床位", "Street centre long-term beds"),
    doc: DOC,
    field: RangeField {
        name: "long_term_beds",
        unit: "beds",
        what: Text::new("长期托养床位", "long-term beds"),
        unit_text: Text::new("张", "beds"),
        get: |f| f.long_term_beds.map(|b| b as f64),
    },
);

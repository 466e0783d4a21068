//! `institution-count`: the number of elder-care institutions in the city.

use super::area_metric::{area_metric_rule, Measured, Scope};
use crate::model::FacilityKind;
use crate::text::Text;

const DOC: &str = r#"# institution-count — 养老机构数量

## 检查内容
全市：养老机构（养老院、护理院、福利中心等）的数量，不得少于政策下限。

## What it checks
For the city: the number of institutions (`institution`, `nursing_home`,
`welfare_center`, or the profile's `kinds`) in it. It must be at least the minimum.

## Why
Changzhi sets its institutional supply as a count ("超过150家") beside the share of
privately run ones; a share of 70% of too few institutions does not meet the plan.

## Example
148 institutions: short of Changzhi's "more than 150" (at least 151) by 3.
"#;

area_metric_rule!(
    InstitutionCount,
    id: "institution-count",
    title: ("养老机构数量", "Number of institutions"),
    needs: [Facilities],
    doc: DOC,
    unit: "institutions",
    what: ("养老机构数量（家）", "institutions"),
    show: |x| crate::text::num(x, 0),
    kinds: Some(FacilityKind::INSTITUTIONS),
    operators: false,
    measure: |_ctx, scope: &Scope, _p| Measured::Value(scope.facilities.len() as f64, Text::default()),
);

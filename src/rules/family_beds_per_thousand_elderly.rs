//! `family-beds-per-thousand-elderly`: family elder-care beds per 1,000 residents aged 60+.

use super::area_metric::{area_metric_rule, per_thousand_elderly, Scope};
use crate::text::Text;

const DOC: &str = r#"# family-beds-per-thousand-elderly — 每千名老年人家庭养老床位数

## 检查内容
全市及各县区：家庭养老床位数（`family_beds`）之和 × 1000 ÷ 60岁及以上老年人口，
不得低于政策下限。

## What it checks
For the city and each county: Σ `family_beds` of the facilities in the unit × 1,000 /
the unit's `elderly_population`. It must be at least the minimum.

`family_beds` (家庭养老床位) is a facility field: the beds set up in older people's homes
and served by that facility (a street centre, a community station, a village 幸福院 that
"延伸家庭养老服务"). A facility without the value serves none; when no facility of the unit
gives it at all (a layer without the column), the figure is unknown: insufficient data.

## Why
Most older people will be cared for at home; a family bed brings a professional
provider's care, alarms and adaptations into the home. Xuchang counts them against its
elderly population like institutional beds.

## Example
A county of 80,000 elderly whose stations serve 500 family beds: 500 × 1000 / 80,000 =
6.25‰ — short of Xuchang's 7.2‰ (2025) by 0.95, i.e. 76 beds.
"#;

area_metric_rule!(
    FamilyBedsPerThousandElderly,
    id: "family-beds-per-thousand-elderly",
    title: ("每千名老年人家庭养老床位数", "Family beds per 1,000 elderly"),
    needs: [Units, Facilities],
    doc: DOC,
    unit: "beds/1000",
    what: ("每千名老年人家庭养老床位（张）", "family beds per 1,000 elderly"),
    show: |x| crate::text::num(x, 2),
    kinds: None,
    operators: false,
    measure: |ctx, scope: &Scope, _p| per_thousand_elderly(ctx, scope, ("family_beds", |f| f.family_beds), Text::new("家庭养老床位", "family beds")),
);

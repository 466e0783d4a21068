//! `land-per-capita`: elder-care facility land per resident of a county or city.

use super::area_metric::{area_metric_rule, area_population, overflow, Measured, Scope};
use crate::text::t;

const DOC: &str = r#"# land-per-capita — 养老服务设施人均用地

## 检查内容
各县区及全市：单元内养老服务设施用地面积（`land_area`，或地块面积）之和 ÷ 常住人口，
单位为平方米/人，不得低于政策下限（如安阳0.1、许昌0.2）。

## What it checks
For each county/district and the city: the land of the elder-care facilities in the unit
(Σ `land_area`, or a parcel's planar area when `land_area` is absent; a facility embedded
in a building has none) divided by the unit's `population`, in m² per resident.
It must be at least the profile's minimum. `kinds` in the profile limits the facilities
counted (default: all).

## Why
Elder-care facilities need land reserved in the master and regulatory plans before the
city fills up; a per-capita land quota is how the city texts make that reservation
checkable. Without it, facilities end up in leftover ground floors.

## Example
A district of 200,000 residents with three facility parcels of 6,000, 8,000 and 4,000 m²:
18,000 / 200,000 = 0.09 m² per resident — short of Anyang's 0.1 by 2,000 m².
"#;

area_metric_rule!(
    LandPerCapita,
    id: "land-per-capita",
    title: ("养老服务设施人均用地", "Elder-care land per resident"),
    needs: [Units, Facilities],
    doc: DOC,
    unit: "m2/person",
    what: ("人均养老服务设施用地（平方米/人）", "elder-care land per resident (m²)"),
    show: |x| crate::text::num(x, 4),
    kinds: None,
    operators: false,
    measure: |ctx, scope: &Scope, _p| {
        let Some(pop) = area_population(ctx, scope.area, |u| u.population) else {
            return Measured::Missing("population", "units");
        };
        if pop == 0 {
            return Measured::Undefined(t!("单元常住人口为 0", "the unit's population is 0"));
        }
        let land: f64 = scope.facilities.iter().filter_map(|f| f.land_area).sum();
        if !land.is_finite() {
            return overflow();
        }
        Measured::Value(
            land / pop as f64,
            t!(
                "设施用地 {} 平方米，常住人口 {} 人",
                "facility land {} m², population {}",
                crate::text::num(land, 1),
                crate::text::num(pop as f64, 0)
            ),
        )
    },
);

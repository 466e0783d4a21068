//! `clinic-share`: the share of large welfare and service centres with their own clinic
//! or nursing station.

use super::area_metric::{area_metric_rule, show_pct, Measured, Scope};
use crate::model::FacilityKind;
use crate::text::t;

const DOC: &str = r#"# clinic-share — 设医务室或护理站的福利中心比例

## 检查内容
全市：床位数不少于`min_beds`的福利中心（商丘：社会福利中心、养老服务中心、
农村敬老院，100张床位以上）中，内设医务室或护理站（`clinic`）的比例，
不得低于政策下限。

## What it checks
For the city: among its facilities of the profile's `kinds` with at least `min_beds` beds
(Shangqiu: `welfare_center` — 社会福利中心、养老服务中心（农村敬老院）— with 100 beds or
more), the share whose `clinic` field is true (内设医务室或护理站: the facility has its own
clinic or nursing station). A facility of that size without a `clinic` value makes the
share unknown (insufficient data); a city without any such facility has no share
(insufficient data, saying so). It must be at least the minimum.

`clinic` is a facility field (true/false; Chinese sources `医务室`, `护理站`,
`医务室或护理站`, `内设医疗机构`, with values 是/否, 有/无).

## Why
A large residential centre whose residents must be driven to a hospital for every
dressing change is not integrated care; Shangqiu asks half of them to have a clinic or a
nursing station in the building.

## Example
Six welfare centres of ≥ 100 beds, two with a clinic: 33.3% — short of 50% (one more).
"#;

area_metric_rule!(
    ClinicShare,
    id: "clinic-share",
    title: ("设医务室或护理站的福利中心比例", "Share of large centres with a clinic"),
    needs: [Facilities],
    doc: DOC,
    unit: "ratio",
    what: ("设医务室或护理站的比例", "share with a clinic or nursing station"),
    show: show_pct,
    kinds: Some(&[FacilityKind::WelfareCenter]),
    operators: false,
    measure: |_ctx, scope: &Scope, _p| {
        let n = scope.facilities.len();
        if n == 0 {
            return Measured::Undefined(t!(
                "没有符合条件（种类、床位数）的设施",
                "there are no facilities of the kinds and size measured"
            ));
        }
        let mut with = 0usize;
        for f in &scope.facilities {
            match f.clinic {
                Some(c) => with += usize::from(c),
                None => return Measured::Missing("clinic", "facilities"),
            }
        }
        Measured::Value(
            with as f64 / n as f64,
            t!("{} / {} 处设有医务室或护理站", "{} of {} have a clinic or nursing station", with, n),
        )
    },
);

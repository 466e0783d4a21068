//! `street-center`: every street has a comprehensive elder-care service centre.

use super::presence::presence_rule;

const DOC: &str = r#"# street-center — 街道综合养老服务中心

## 检查内容
每个街道（`street`级单元）内至少有一处街道综合养老服务中心。

## What it checks
For each unit of level `street`: the number of facilities of kind `street_center` whose
reference point it contains. It must be at least one.

## Why
Xuchang builds its service network around one comprehensive centre per street, which
runs the community stations around it; a street without one has no hub.

## Example
Street 东大街 contains two `community_station`s and no `street_center`: fail, 0 of 1.
"#;

presence_rule!(
    StreetCenter,
    id: "street-center",
    title: ("街道综合养老服务中心", "Street comprehensive centre"),
    doc: DOC,
);

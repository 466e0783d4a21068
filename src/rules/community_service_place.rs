//! `community-service-place`: every community has an elder-care service place.

use super::presence::presence_rule;

const DOC: &str = r#"# community-service-place — 社区养老服务场所

## 检查内容
每个社区（`community`级单元）内至少有一处养老服务设施（任何类型）。

## What it checks
For each unit of level `community`: the number of elder-care facilities (of any kind)
whose reference point it contains. It must be at least one.

## Why
Home- and community-based care is delivered from a place in the community itself;
Xuchang requires one in every community.

## Example
Community 幸福社区 contains no facility: fail, 0 of 1.
"#;

presence_rule!(
    CommunityServicePlace,
    id: "community-service-place",
    title: ("社区养老服务场所", "Community service place"),
    doc: DOC,
);

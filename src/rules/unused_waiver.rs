//! `unused-waiver`: a `[[waivers]]` entry of plan.toml, checked by [`crate::waivers`].

const DOC: &str = r#"# unused-waiver — 未使用的豁免

## 检查内容
plan.toml 中 `[[waivers]]` 豁免没有对应任何不符合的检查结果（所豁免的检查已符合，
或没有匹配的对象）：作为警告报告，提示删除。

## What it checks
A `[[waivers]]` entry of plan.toml that covers no failing finding: its rule passes for the subjects it names, or no subject matches. A warning, as ruff reports an unused `noqa`.

## Why
A waiver that waives nothing hides nothing today but would silently hide a failure tomorrow; it should go.
"#;

super::declare_waiver_check!(UnusedWaiver, id: "unused-waiver", title: ("未使用的豁免", "Unused waiver"), doc: DOC);

//! `unused-waiver`: a `[[waivers]]` entry of plan.toml, checked by [`crate::waivers`].

const DOC: &str = r#"# unused-waiver — 未使用的豁免

## What it checks
A `[[waivers]]` entry of plan.toml that covers no failing finding: its rule passes for the subjects it names, or no subject matches. A warning, as ruff reports an unused `noqa`.

## Why
A waiver that waives nothing hides nothing today but would silently hide a failure tomorrow; it should go.
"#;

super::declare_waiver_check!(UnusedWaiver, id: "unused-waiver", title: ("未使用的豁免", "Unused waiver"), doc: DOC);

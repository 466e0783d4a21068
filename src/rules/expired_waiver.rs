//! `expired-waiver`: a `[[waivers]]` entry of plan.toml, checked by [`crate::waivers`].

const DOC: &str = r#"# expired-waiver — 豁免已过期

## 检查内容
plan.toml 中 `[[waivers]]` 豁免已过 `expires` 日期：
不再豁免任何检查结果，并作为错误报告，直到续期或删除。

## What it checks
A `[[waivers]]` entry of plan.toml whose `expires` date is before the check's date. It waives nothing any more: the findings it covered fail again, and the waiver itself is an error (subject `waivers[N]`, N its number in the file) until it is renewed with a new date or removed.

## Why
An exception granted for a time must be looked at again when the time is up, not forgotten in a file.
"#;

super::declare_waiver_check!(ExpiredWaiver, id: "expired-waiver", title: ("豁免已过期", "Expired waiver"), doc: DOC);

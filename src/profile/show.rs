//! A profile's rule sections as people read them: each parameter as TOML, with the full
//! citation of every clause and the due date of every year spelled out. `planlint profiles
//! ID` prints them, and each rule's documentation cites its clauses from them
//! ([`crate::rules::describe`]): the numbers and clauses are written once, in the profiles.

use super::{Profile, RuleConfig};

/// The lines of one rule's section: its severity and clause, then each parameter. `dated`:
/// the rule counts facilities as a dated target does, so a section with a year says that
/// a dated target counts what is completed by its due date.
pub fn section(p: &Profile, rule: &str, cfg: &RuleConfig, dated: bool) -> Vec<String> {
    let mut out = vec![format!(
        "[{rule}] severity {}  clause {}",
        cfg.severity.as_str(),
        p.cite(&cfg.clause)
    )];
    let has_year = cfg
        .params
        .values()
        .any(|v| v.to_string().contains("year ="));
    if has_year && dated {
        out.push("  stage = completed (implied by year): a dated target counts the facilities completed by its due date".into());
    }
    for (k, v) in &cfg.params {
        match v.as_array() {
            Some(items) if items.iter().all(toml::Value::is_table) => {
                out.push(format!("  {k}:"));
                for item in items {
                    out.push(format!("    - {}{}", entry(item, p), implied_stage(item)));
                }
            }
            _ if v.is_table() => out.push(format!("  {k} = {{ {} }}", entry(v, p))),
            _ => out.push(format!("  {k} = {}", entry(v, p))),
        }
    }
    out
}

/// A dated requirement without a `stage` counts what is completed by its due date
/// (rules.md, dated targets): said where the profile leaves it implicit.
fn implied_stage(item: &toml::Value) -> &'static str {
    let has = |k: &str| item.get(k).is_some();
    if has("label") && has("year") && !has("stage") {
        ", stage = completed (implied by year)"
    } else {
        ""
    }
}

/// One profile value as TOML, with the full citation of a `clause` and the due date of a
/// `year` spelled out, at any depth.
pub fn entry(v: &toml::Value, p: &Profile) -> String {
    match v {
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| match (k.as_str(), v) {
                ("clause", toml::Value::String(c)) => format!("clause = {}", p.cite(c)),
                ("year", toml::Value::Integer(y)) => format!("year = {y} (due {y}-12-31)"),
                (_, v @ toml::Value::Table(_)) => format!("{k} = {{ {} }}", entry(v, p)),
                _ => format!("{k} = {}", entry(v, p)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        toml::Value::Array(items) => {
            let shown: Vec<String> = items
                .iter()
                .map(|i| match i {
                    toml::Value::Table(_) => format!("{{ {} }}", entry(i, p)),
                    _ => entry(i, p),
                })
                .collect();
            format!("[{}]", shown.join(", "))
        }
        _ => v.to_string(),
    }
}

//! SARIF 2.1.0, for code-scanning views (GitHub, GitLab, Azure DevOps): one `rule` per
//! planlint rule in the report, with its title, documentation and clause; one `result`
//! per failing finding, at the subject's layer file (the artifact) and the subject as a
//! logical location (`compounds/C-001`). Severity maps to `level`: error → `error`,
//! warning → `warning`, info → `note`. Strings are JSON strings, escaped by the
//! serializer.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{artifact, EmitError, Emitter};
use crate::model::{Finding, Status};
use crate::profile::Severity;
use crate::report::Report;
use crate::text::Lang;

pub struct SarifEmitter {
    pub lang: Lang,
}

impl Emitter for SarifEmitter {
    fn emit(&mut self, w: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        serde_json::to_writer_pretty(&mut *w, &log(r, self.lang)).map_err(std::io::Error::from)?;
        writeln!(w)?;
        Ok(())
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log of a report.
pub fn log(r: &Report, lang: Lang) -> Value {
    // Every rule with a finding, in id order, with the clause of its first finding and
    // the highest severity of its findings.
    let mut rules: BTreeMap<&str, (&Finding, Severity)> = BTreeMap::new();
    for f in &r.findings {
        let e = rules.entry(f.rule).or_insert((f, f.severity));
        e.1 = e.1.max(f.severity);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|(id, (first, severity))| {
            let rule = crate::rules::describe(id);
            let title = rule
                .as_ref()
                .map_or_else(|| (*id).to_string(), |(t, _)| t.get(lang).to_string());
            let doc = rule.as_ref().map_or("", |(_, d)| *d);
            json!({
                "id": id,
                "name": camel(id),
                "shortDescription": {"text": title},
                "fullDescription": {"text": first_paragraph(doc)},
                "help": {
                    "text": format!("{doc}\n\n{}: {}", clause_word(lang), first.clause),
                    "markdown": format!("{doc}\n\n**{}**: {}", clause_word(lang), first.clause),
                },
                "defaultConfiguration": {"level": level(*severity)},
                "properties": {"clause": first.clause, "tags": ["elder-care", "planning"]},
            })
        })
        .collect();
    let mut artifacts: Vec<&str> = r.inputs.values().map(|i| i.path.as_str()).collect();
    artifacts.sort_unstable();
    artifacts.dedup();
    let results: Vec<Value> = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| result(r, f, index[f.rule], &artifacts, lang))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "planlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "artifacts": artifacts.iter().map(|p| json!({"location": {"uri": uri(p)}})).collect::<Vec<_>>(),
            "results": results,
            "properties": {
                "profile": r.profile_id,
                "document": r.document,
                "asOf": r.as_of.to_string(),
                "workingCrs": r.working_crs,
            },
        }],
    })
}

fn result(r: &Report, f: &Finding, rule_index: usize, artifacts: &[&str], lang: Lang) -> Value {
    let mut location = Map::new();
    if let Some(path) = artifact(r, f.subject.layer) {
        let mut physical = json!({"artifactLocation": {"uri": uri(path)}});
        if let Ok(i) = artifacts.binary_search(&path) {
            physical["artifactLocation"]["index"] = json!(i);
        }
        location.insert("physicalLocation".into(), physical);
    }
    location.insert(
        "logicalLocations".into(),
        json!([{
            "name": f.subject.name,
            "fullyQualifiedName": format!("{}/{}", f.subject.layer.as_str(), f.subject.id),
            "kind": "object",
        }]),
    );
    let mut properties = json!({
        "layer": f.subject.layer.as_str(),
        "subject": f.subject.id,
        "measured": f.measured,
        "required": f.required,
        "unit": f.unit,
        "clause": f.clause,
    });
    if !f.details.is_empty() {
        properties["details"] = serde_json::to_value(&f.details).unwrap_or_default();
    }
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        // A waived finding keeps the level it had, as a suppressed result.
        "level": level(f.waived.as_ref().map_or(f.severity, |w| w.severity)),
        "message": {"text": format!("{} ({})", f.message(lang), f.clause)},
        "locations": [location],
        "partialFingerprints": {"planlint/v1": format!("{}:{}:{}", f.rule, f.subject.layer.as_str(), f.subject.id)},
        "properties": properties,
    });
    if let Some(w) = &f.waived {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": w.reason,
            "properties": {"waiver": w.waiver, "by": w.by, "expires": w.expires},
        }]);
    }
    if let Some(b) = &f.baseline {
        use crate::model::BaselineState::*;
        result["baselineState"] = json!(match b.state {
            New => "new",
            Unchanged => "unchanged",
            Changed | Fixed => "updated",
        });
    }
    result
}

/// A relative path as a URI reference: forward slashes, and the characters a URI cannot
/// hold percent-encoded (Chinese folder names included).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `floor-area-per-households` → `FloorAreaPerHouseholds` (SARIF's rule `name`).
fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}

/// The first paragraph of a rule's documentation that is not a heading, on one line.
fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .map(|p| {
            let lines: Vec<&str> = p.lines().filter(|l| !l.starts_with('#')).collect();
            lines.join(" ").trim().to_string()
        })
        .find(|p| !p.is_empty())
        .unwrap_or_default()
}

fn clause_word(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "条款",
        Lang::En => "Clause",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(camel("floor-area-per-households"), "FloorAreaPerHouseholds");
        assert_eq!(
            uri("data/样例 1/compounds.shp"),
            "data/%E6%A0%B7%E4%BE%8B%201/compounds.shp"
        );
        assert_eq!(uri(r"a\b.geojson"), "a/b.geojson");
    }
}

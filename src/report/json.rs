//! The JSON report: the contract of report.md (fields may be added, none renamed).

use serde_json::{json, Map, Value};

use super::Report;
use crate::finding::Finding;
use crate::text::Lang;

pub fn to_value(r: &Report, lang: Lang) -> Value {
    let inputs: Map<String, Value> = r
        .inputs
        .iter()
        .map(|(layer, info)| {
            let rejected: Vec<Value> = info
                .rejected
                .iter()
                .map(|x| json!({"index": x.index, "id": x.id, "field": x.field, "reason": x.reason.get(lang)}))
                .collect();
            let mut v = json!({
                "path": info.path,
                "features": info.features,
                "accepted": info.accepted(),
                "rejected": rejected,
            });
            if let Some(crs) = &info.crs {
                v["crs"] = crs.clone().into();
            }
            if let Some(enc) = &info.encoding {
                v["encoding"] = enc.clone().into();
            }
            (layer.as_str().to_string(), v)
        })
        .collect();
    let mut out = json!({
        "tool": {"name": "planlint", "version": env!("CARGO_PKG_VERSION")},
        "profile": {"id": r.profile_id, "title": r.profile_title.get(lang), "document": r.document},
        "as_of": r.as_of.to_string(),
        "working_crs": r.working_crs,
        "inputs": inputs,
        "summary": r.summary,
        "findings": r.findings.iter().map(|f| finding(f, lang)).collect::<Vec<_>>(),
    });
    if let Some(c) = &r.service_circle {
        out["service_circle"] = serde_json::to_value(c).unwrap_or(Value::Null);
    }
    if !r.notes.is_empty() {
        out["notes"] = r
            .notes
            .iter()
            .map(|n| n.get(lang))
            .collect::<Vec<_>>()
            .into();
    }
    out
}

fn finding(f: &Finding, lang: Lang) -> Value {
    let mut v = json!({
        "rule": f.rule,
        "severity": f.severity,
        "status": f.status,
        "subject": f.subject,
        "measured": f.measured,
        "required": f.required,
        "unit": f.unit,
        "message": f.message.get(lang),
        "clause": f.clause,
    });
    if !f.details.is_empty() {
        v["details"] = Value::Object(f.details.clone());
    }
    v
}

/// The report as pretty JSON with a final newline: byte-identical for identical inputs.
pub fn write(r: &Report, lang: Lang) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(r, lang)).unwrap_or_default();
    s.push('\n');
    s
}

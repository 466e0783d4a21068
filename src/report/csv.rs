//! CSV: one row per finding, for spreadsheets.

use super::Report;
use crate::finding::Measure;
use crate::text::Lang;

fn cell(m: &Measure) -> String {
    match m {
        Measure::Number(x) => x.to_string(),
        Measure::Date(d) => d.clone(),
        Measure::Null => String::new(),
    }
}

pub fn write(r: &Report, lang: Lang) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rule", "severity", "status", "layer", "id", "name", "measured", "required", "unit",
        "message", "clause",
    ])?;
    for f in &r.findings {
        w.write_record([
            f.rule,
            f.severity.as_str(),
            f.status.as_str(),
            f.subject.layer.as_str(),
            &f.subject.id,
            &f.subject.name,
            &cell(&f.measured),
            &cell(&f.required),
            f.unit,
            f.message.get(lang),
            &f.clause,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

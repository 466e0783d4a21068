//! CSV: one row per finding, for spreadsheets.

use super::{EmitError, Emitter};
use crate::model::Measure;
use crate::report::Report;
use crate::text::Lang;

fn cell(m: &Measure) -> String {
    match m {
        Measure::Number(x) => x.to_string(),
        Measure::Date(d) => d.clone(),
        Measure::Null => String::new(),
    }
}

pub struct CsvEmitter {
    pub lang: Lang,
}

impl Emitter for CsvEmitter {
    fn emit(&mut self, writer: &mut dyn std::io::Write, r: &Report) -> Result<(), EmitError> {
        write(writer, r, self.lang)
    }
}

fn write(writer: &mut dyn std::io::Write, r: &Report, lang: Lang) -> Result<(), EmitError> {
    let mut w = csv::Writer::from_writer(writer);
    w.write_record([
        "rule", "severity", "status", "layer", "id", "name", "measured", "required", "unit",
        "message", "clause", "waived", "baseline",
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
            f.waived.as_ref().map_or("", |w| w.reason.as_str()),
            f.baseline.as_ref().map_or("", |b| {
                if b.worse && b.state != crate::model::BaselineState::New {
                    "worse"
                } else {
                    b.state.as_str()
                }
            }),
        ])?;
    }
    w.flush()?;
    Ok(())
}

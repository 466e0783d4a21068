//! CSV: one row per finding, for spreadsheets: the flat finding row ([`super::row`]), each
//! cell as text (a date as `YYYY-MM-DD`, the details as JSON).

use super::row::{self, Row, COLUMNS};
use super::{EmitError, Emitter};
use crate::report::Report;
use crate::text::Lang;

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
    w.write_record(COLUMNS)?;
    for f in &r.findings {
        let row = Row::of(f, lang);
        w.write_record([
            row.rule,
            row.severity,
            row.status,
            row.subject_layer,
            row.subject_id,
            row.subject_name,
            &row::text(row.measured),
            &row::text(row.required),
            row.unit,
            row.need.unwrap_or(""),
            &row.deficit.map_or_else(String::new, |d| d.to_string()),
            row.missing_field.unwrap_or(""),
            &row.message,
            row.clause,
            row.waived.unwrap_or(""),
            row.baseline.unwrap_or(""),
            &row.details_json(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

//! CSV tables (`phases.csv`): one feature a row, every cell as text, no geometry. Excel
//! writes a byte-order mark, and Chinese Excel often GBK: both are read.

use std::path::Path;

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};

pub fn read(path: &Path) -> Result<RawLayer, PlanError> {
    let bytes = super::mapped::FileBytes::open(path).map_err(|e| PlanError::file(path, e))?;
    parse(&bytes).map_err(|e| PlanError::Parse(path.display().to_string(), e))
}

/// A table from its bytes: UTF-8 (a BOM is dropped), else GB18030.
pub fn parse(bytes: &[u8]) -> Result<RawLayer, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let fields: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let features = rdr
        .records()
        .enumerate()
        .map(|(index, rec)| {
            let (values, problem) = match rec {
                Ok(rec) => (
                    rec.iter()
                        .map(|cell| match cell {
                            "" => Value::Null,
                            s => Value::Text(s.to_string()),
                        })
                        .collect(),
                    None,
                ),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            RawFeature {
                index,
                geometry: Err("a table row has no geometry".into()),
                values,
                deleted: false,
                problem,
            }
        })
        .collect();
    Ok(RawLayer {
        fields,
        features,
        crs: None,
        encoding: None,
        notes: Vec::new(),
    })
}

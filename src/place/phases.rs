//! `phases.csv`: `compound_id, phase, floor_area, start_date, completion_date`, one row per
//! construction phase; `completion_date` empty while unfinished. Read as a table
//! ([`crate::read::csv`]) and mapped by the phases schema, as every layer is.

use std::path::Path;

use super::fields::{FieldError, FieldMap};
use super::schema::PHASES;
use crate::model::{Phase, Rejection};
use crate::read::settings::LayerSettings;
use crate::read::PlanError;
use crate::read::RawLayer;
use crate::text::t;

/// The phases of a table, the rows rejected, and the number of rows.
pub fn read(
    path: &Path,
    settings: &LayerSettings,
) -> Result<(Vec<Phase>, Vec<Rejection>, usize), PlanError> {
    let raw = crate::read::read_table(path)?;
    phases(raw, settings, &super::shown(path))
}

fn phases(
    raw: RawLayer,
    settings: &LayerSettings,
    name: &str,
) -> Result<(Vec<Phase>, Vec<Rejection>, usize), PlanError> {
    let map =
        FieldMap::new(&PHASES, &raw, settings).map_err(|e| PlanError::Settings(name.into(), e))?;
    if let Some(f) = PHASES
        .fields
        .iter()
        .find(|f| f.required && !map.has(f.name))
    {
        return Err(PlanError::Parse(
            name.into(),
            format!(
                "needs a {} column (columns: {}; it has: {})",
                f.name,
                PHASES.names().join(", "),
                raw.fields.join(", ")
            ),
        ));
    }
    let rows = raw.features.len();
    let (mut phases, mut rejected) = (Vec::new(), Vec::new());
    for row in raw.features {
        let v = &row.values;
        let compound_id = map.text(v, "compound_id");
        let reject = |field: Option<&str>, reason| Rejection {
            index: row.index,
            id: compound_id.clone(),
            field: field.map(str::to_string),
            reason,
        };
        if let Some(problem) = &row.problem {
            rejected.push(reject(
                None,
                t!("无法读取的行：{}", "unreadable row: {}", problem),
            ));
            continue;
        }
        let read = || -> Result<Phase, FieldError> {
            let missing = |field: &str| FieldError {
                field: field.into(),
                reason: "missing: every row needs it".into(),
            };
            Ok(Phase {
                index: row.index,
                compound_id: compound_id.clone().ok_or_else(|| missing("compound_id"))?,
                phase: map.text(v, "phase").unwrap_or_default(),
                floor_area: map
                    .number(v, "floor_area")?
                    .ok_or_else(|| missing("floor_area"))?,
                start_date: map.date(v, "start_date")?,
                completion_date: map.date(v, "completion_date")?,
            })
        };
        match read() {
            Ok(p) => phases.push(p),
            Err(e) => rejected.push(reject(
                Some(&e.field),
                t!("字段 {} 无效：{}", "field {}: {}", e.field, e.reason),
            )),
        }
    }
    Ok((phases, rejected, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_a_bom_and_gbk_are_read() {
        // A UTF-8 table with a BOM and the usual headers: 小区编号, 分期, 建筑面积, 竣工日期.
        let utf8 =
            "\u{feff}小区编号,分期,建筑面积,竣工日期\nA,1,40000,2021-06-30\nA,2,\"60,000\",\n";
        let raw = crate::read::csv::parse(utf8.as_bytes()).unwrap();
        let (ph, rejected, rows) = phases(raw, &LayerSettings::default(), "t").unwrap();
        assert_eq!((ph.len(), rejected.len(), rows), (2, 0, 2));
        assert_eq!(ph[1].floor_area, 60_000.0);
        assert_eq!(ph[0].completion_date, "2021-06-30".parse().ok());
        assert_eq!(ph[1].completion_date, None, "unfinished");
        // The same in GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8.trim_start_matches('\u{feff}'));
        let raw = crate::read::csv::parse(&gbk).unwrap();
        let (ph, _, _) = phases(raw, &LayerSettings::default(), "t").unwrap();
        assert_eq!(ph.len(), 2);
    }

    #[test]
    fn bad_rows_are_rejected_naming_the_field() {
        let csv = "compound_id,phase,floor_area,completion_date\n,1,100,\nB,1,lots,\nC,1,100,2021-02-30\n";
        let raw = crate::read::csv::parse(csv.as_bytes()).unwrap();
        let (ph, rejected, _) = phases(raw, &LayerSettings::default(), "t").unwrap();
        assert!(ph.is_empty());
        let fields: Vec<Option<&str>> = rejected.iter().map(|r| r.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                Some("compound_id"),
                Some("floor_area"),
                Some("completion_date")
            ]
        );
        // A table without a floor_area column cannot be used at all.
        let raw = crate::read::csv::parse(b"compound_id,phase\nA,1\n").unwrap();
        let e = phases(raw, &LayerSettings::default(), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("floor_area"), "{e}");
    }
}

//! `phases.csv`: `compound_id, phase, floor_area, start_date, completion_date`, one row per
//! construction phase; `completion_date` empty while unfinished.

use std::path::Path;

use super::fields::parse_date;
use super::model::{Phase, Rejection};
use super::settings::LayerSettings;
use super::PlanError;
use crate::t;

/// The usual Chinese headers of the phases table, per canonical column.
const ALIASES: [&[&str]; 5] = [
    &["小区编号", "小区代码"],
    &["分期", "期数", "期次"],
    &["建筑面积", "住宅建筑面积"],
    &["开工日期", "开工时间"],
    &["竣工日期", "建成日期", "竣工时间"],
];

pub fn read(
    path: &Path,
    settings: &LayerSettings,
) -> Result<(Vec<Phase>, Vec<Rejection>, usize), PlanError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| PlanError::file(path, e))?;
    // Excel writes a BOM, and Chinese Excel often writes GBK.
    let text = match std::str::from_utf8(&bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| PlanError::Parse(name.clone(), e.to_string()))?
        .clone();
    let need = [
        "compound_id",
        "phase",
        "floor_area",
        "start_date",
        "completion_date",
    ];
    if let Some(bad) = settings.fields.keys().find(|k| !need.contains(&k.as_str())) {
        return Err(PlanError::Settings(
            name,
            format!(
                "[layers.phases.fields] maps unknown column '{bad}' (columns: {})",
                need.join(", ")
            ),
        ));
    }
    let find = |h: &str| headers.iter().position(|x| x == h);
    let mut cols: Vec<Option<usize>> = Vec::new();
    for (i, n) in need.iter().enumerate() {
        cols.push(match settings.fields.get(*n) {
            Some(src) => Some(find(src).ok_or_else(|| {
                PlanError::Settings(
                    name.clone(),
                    format!("[layers.phases.fields] {n} = \"{src}\": no such column"),
                )
            })?),
            None => headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(n))
                .or_else(|| ALIASES[i].iter().find_map(|a| find(a))),
        });
    }
    if cols[0].is_none() || cols[2].is_none() {
        return Err(PlanError::Parse(
            name,
            format!(
                "needs the columns {} (it has: {})",
                need.join(", "),
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let (mut phases, mut rejected, mut rows) = (Vec::new(), Vec::new(), 0);
    for (index, rec) in rdr.records().enumerate() {
        rows += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                rejected.push(Rejection {
                    index,
                    id: None,
                    field: None,
                    reason: t!("无法读取：{}", "unreadable row: {}", e),
                });
                continue;
            }
        };
        let get = |i: usize| cols[i].and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let compound_id = get(0);
        let reject = |field: &str, reason: crate::text::Text| Rejection {
            index,
            id: Some(compound_id.clone()).filter(|s| !s.is_empty()),
            field: Some(field.to_string()),
            reason,
        };
        if compound_id.is_empty() {
            rejected.push(reject(
                "compound_id",
                t!("缺少小区编号", "missing compound_id"),
            ));
            continue;
        }
        let area = get(2).replace(',', "");
        let floor_area = match area.parse::<f64>() {
            Ok(a) if a.is_finite() && a >= 0.0 => a,
            _ => {
                rejected.push(reject(
                    "floor_area",
                    t!("「{}」不是非负数", "'{}' is not a number ≥ 0", area),
                ));
                continue;
            }
        };
        let date = |i: usize, field: &str| -> Result<Option<chrono::NaiveDate>, Rejection> {
            let s = get(i);
            if s.is_empty() {
                return Ok(None);
            }
            parse_date(&s).map(Some).ok_or_else(|| {
                reject(
                    field,
                    t!("「{}」不是日期", "'{}' is not a date (YYYY-MM-DD)", s),
                )
            })
        };
        let (start_date, completion_date) =
            match (date(3, "start_date"), date(4, "completion_date")) {
                (Ok(s), Ok(c)) => (s, c),
                (Err(r), _) | (_, Err(r)) => {
                    rejected.push(r);
                    continue;
                }
            };
        phases.push(Phase {
            index,
            compound_id,
            phase: get(1),
            floor_area,
            start_date,
            completion_date,
        });
    }
    Ok((phases, rejected, rows))
}

//! Field and value mapping: which source field holds each canonical field, how source
//! values (`新建`) become canonical ones (`new`), and typed reading with an error that
//! names the field.
//!
//! A canonical field is found, in order: the layer's `[fields]` mapping in plan.toml; the
//! canonical name itself (any case); the usual Chinese names the layer's schema lists
//! (`户数`, `建筑面积`, …). Enumerated values likewise: plan.toml's `[values.FIELD]`, the
//! canonical value itself, then the usual Chinese terms of the schema.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use super::schema::{Kind, Schema};
use crate::read::settings::LayerSettings;
use crate::read::value::Value;
use crate::read::RawLayer;

/// How one layer's canonical fields are found in its source.
pub struct FieldMap<'a> {
    schema: &'static Schema,
    columns: BTreeMap<&'static str, usize>,
    values: &'a BTreeMap<String, BTreeMap<String, String>>,
}

/// A field's value could not be read; the feature is rejected, naming the field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl<'a> FieldMap<'a> {
    /// Resolves every canonical field of the layer; a mapping in plan.toml that names a
    /// field the file does not have is an error for the whole layer.
    pub fn new(
        schema: &'static Schema,
        raw: &RawLayer,
        settings: &'a LayerSettings,
    ) -> Result<FieldMap<'a>, String> {
        let layer = schema.layer;
        if let Some(bad) = settings.fields.keys().find(|k| schema.field(k).is_none()) {
            return Err(format!(
                "[layers.{layer}.fields] maps unknown canonical field '{bad}' (fields: {})",
                schema.names().join(", ")
            ));
        }
        let mut columns = BTreeMap::new();
        for field in schema.fields {
            let c = field.name;
            let col = match settings.fields.get(c) {
                Some(src) => Some(raw.field(src).ok_or_else(|| {
                    format!("[layers.{layer}.fields] {c} = \"{src}\": the file has no field '{src}' (it has: {})", raw.fields.join(", "))
                })?),
                None => raw
                    .fields
                    .iter()
                    .position(|f| f.eq_ignore_ascii_case(c))
                    .or_else(|| field.aliases.iter().find_map(|a| raw.field(a))),
            };
            if let Some(col) = col {
                columns.insert(c, col);
            }
        }
        Ok(FieldMap {
            schema,
            columns,
            values: &settings.values,
        })
    }

    /// Each canonical field the source has, with the source's name for it, in the
    /// schema's order (the report's `inputs.*.fields`).
    pub fn found(&self, raw: &RawLayer) -> Vec<(&'static str, String)> {
        self.schema
            .fields
            .iter()
            .filter_map(|f| Some((f.name, raw.fields.get(*self.columns.get(f.name)?)?.clone())))
            .collect()
    }

    /// Whether the source has a column for the canonical field.
    pub fn has(&self, field: &str) -> bool {
        self.columns.contains_key(field)
    }

    fn get<'v>(&self, values: &'v [Value], field: &str) -> &'v Value {
        self.columns
            .get(field)
            .and_then(|&c| values.get(c))
            .unwrap_or(&Value::Null)
    }

    fn err(&self, field: &str, v: &Value, what: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            reason: format!("{v} is not {what}"),
        }
    }

    pub fn text(&self, values: &[Value], field: &str) -> Option<String> {
        self.get(values, field).text()
    }

    pub fn number(&self, values: &[Value], field: &str) -> Result<Option<f64>, FieldError> {
        let v = self.get(values, field);
        let x = match v {
            Value::Null => return Ok(None),
            Value::Number(n) => *n,
            Value::Text(s) if s.trim().is_empty() || s.trim().chars().all(|c| c == '*') => {
                return Ok(None)
            }
            Value::Text(s) => s
                .trim()
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| self.err(field, v, "a number"))?,
            Value::Bool(_) => return Err(self.err(field, v, "a number")),
        };
        if !x.is_finite() || x < 0.0 {
            return Err(self.err(field, v, "a number ≥ 0"));
        }
        Ok(Some(x))
    }

    pub fn count(&self, values: &[Value], field: &str) -> Result<Option<u64>, FieldError> {
        match self.number(values, field)? {
            None => Ok(None),
            Some(x) if x.fract() == 0.0 && x < 9.0e15 => Ok(Some(x as u64)),
            Some(_) => Err(self.err(field, self.get(values, field), "a whole number")),
        }
    }

    pub fn boolean(&self, values: &[Value], field: &str) -> Result<Option<bool>, FieldError> {
        let v = self.get(values, field);
        match v {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            Value::Number(n) if *n == 0.0 || *n == 1.0 => Ok(Some(*n == 1.0)),
            Value::Text(s) => match s.trim().to_lowercase().as_str() {
                "" => Ok(None),
                "true" | "yes" | "y" | "t" | "1" | "是" | "有" => Ok(Some(true)),
                "false" | "no" | "n" | "f" | "0" | "否" | "无" => Ok(Some(false)),
                _ => Err(self.err(field, v, "true or false")),
            },
            _ => Err(self.err(field, v, "true or false")),
        }
    }

    pub fn date(&self, values: &[Value], field: &str) -> Result<Option<NaiveDate>, FieldError> {
        let v = self.get(values, field);
        let number;
        let s = match v {
            Value::Null => return Ok(None),
            Value::Text(s) if s.trim().is_empty() => return Ok(None),
            Value::Text(s) => s.as_str(),
            Value::Number(n) if n.fract() == 0.0 => {
                number = format!("{}", *n as i64);
                number.as_str()
            }
            _ => return Err(self.err(field, v, "a date (YYYY-MM-DD)")),
        };
        parse_date(s)
            .map(Some)
            .ok_or_else(|| self.err(field, v, "a date (YYYY-MM-DD)"))
    }

    /// An enumerated field, mapped to its canonical value and parsed as `T`.
    pub fn enumerated<T: DeserializeOwned>(
        &self,
        values: &[Value],
        field: &str,
    ) -> Result<Option<T>, FieldError> {
        let Some(src) = self.text(values, field) else {
            return Ok(None);
        };
        let kind = self.schema.field(field).map_or(Kind::Text, |f| f.kind);
        let alias = match kind {
            Kind::Enum(allowed) => allowed
                .iter()
                .find(|a| a.aliases.contains(&src.as_str()))
                .map(|a| a.value),
            _ => None,
        };
        let mapped = self
            .values
            .get(field)
            .and_then(|m| m.get(&src))
            .map(String::as_str)
            .or(alias)
            .unwrap_or(&src);
        serde_json::from_value(serde_json::Value::String(mapped.to_string()))
            .map(Some)
            .map_err(|_| FieldError {
                field: field.to_string(),
                reason: format!(
                "\"{src}\" is not one of {}; map it in plan.toml under [layers.{}.values.{field}]",
                kind.allowed(),
                self.schema.layer
            ),
            })
    }
}

/// `2024-06-30`, `2024/6/30`, `2024.06.30` or `20240630`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    // YYYY-MM-DD, as most files write dates, read by hand (chrono's parser is general).
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| ds.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
            return NaiveDate::from_ymd_opt(
                n(&digits[..4]) as i32,
                n(&digits[4..6]),
                n(&digits[6..]),
            );
        }
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let norm = s.replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&norm, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::schema::COMPOUNDS;

    fn layer(fields: &[&str]) -> RawLayer {
        RawLayer {
            fields: fields.iter().map(|s| s.to_string()).collect(),
            features: Vec::new(),
            crs: None,
            encoding: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn chinese_names_are_found_and_settings_win() {
        let raw = layer(&["小区编号", "户数", "HH2", "建设状态"]);
        let s = LayerSettings::default();
        let m = FieldMap::new(&COMPOUNDS, &raw, &s).unwrap();
        let vals = vec![
            Value::Text("C1".into()),
            Value::Number(120.0),
            Value::Number(5.0),
            Value::Text("新建".into()),
        ];
        assert_eq!(m.count(&vals, "households").unwrap(), Some(120));
        assert_eq!(
            m.enumerated::<crate::model::CompoundStatus>(&vals, "status")
                .unwrap(),
            Some(crate::model::CompoundStatus::New)
        );
        let mut s = LayerSettings::default();
        s.fields.insert("households".into(), "HH2".into());
        let m = FieldMap::new(&COMPOUNDS, &raw, &s).unwrap();
        assert_eq!(m.count(&vals, "households").unwrap(), Some(5));
        s.fields.insert("households".into(), "nope".into());
        assert!(FieldMap::new(&COMPOUNDS, &raw, &s).is_err());
    }

    #[test]
    fn text_in_a_numeric_field_names_the_field() {
        let raw = layer(&["households"]);
        let s = LayerSettings::default();
        let m = FieldMap::new(&COMPOUNDS, &raw, &s).unwrap();
        let e = m
            .count(&[Value::Text("about 100".into())], "households")
            .unwrap_err();
        assert_eq!(e.field, "households");
        assert_eq!(
            m.count(&[Value::Text("1,200".into())], "households")
                .unwrap(),
            Some(1200)
        );
        assert_eq!(
            m.count(&[Value::Text("***".into())], "households").unwrap(),
            None
        );
        assert!(m.count(&[Value::Number(-3.0)], "households").is_err());
        assert!(m.count(&[Value::Number(2.5)], "households").is_err());
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 30);
        for s in [
            "2024-06-30",
            "2024/6/30",
            "2024.06.30",
            "20240630",
            "2024-06-30T00:00:00",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2024-02-30"), None);
    }

    #[test]
    fn dates_read_by_hand_as_chrono_reads_them() {
        // Every day and a few impossible ones of a leap year and a common one, and years
        // at the ends of four digits.
        for y in ["0000", "1900", "2000", "2023", "2024", "9999"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y}-{m:02}-{d:02}");
                    let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
                    assert_eq!(parse_date(&s), chrono, "{s}");
                }
            }
        }
    }
}

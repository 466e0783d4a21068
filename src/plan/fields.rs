//! Field and value mapping: which source field holds each canonical field, how source
//! values (`新建`) become canonical ones (`new`), and typed reading with an error that
//! names the field.
//!
//! A canonical field is found, in order: the layer's `[fields]` mapping in plan.toml; the
//! canonical name itself (any case); a built-in list of the usual Chinese names (`户数`,
//! `建筑面积`, …). Enumerated values likewise: plan.toml's `[values.FIELD]`, the canonical
//! value itself, then the usual Chinese terms.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use super::settings::LayerSettings;
use super::source::RawLayer;
use super::value::Value;

/// Built-in source names for canonical fields, per layer.
fn aliases(layer: &str, field: &str) -> &'static [&'static str] {
    match (layer, field) {
        ("compounds", "id") => &["小区编号", "编号", "小区代码"],
        ("compounds", "name") => &["小区名称", "名称"],
        ("compounds", "households") => &["户数", "总户数", "规划户数"],
        ("compounds", "population") => &["人口", "居住人口", "人数"],
        ("compounds", "status") => &["建设状态", "状态"],
        ("compounds", "area_type") => &["城乡类型", "区域类型"],
        ("compounds", "residential_floor_area") => &["住宅建筑面积", "住宅总建筑面积"],
        ("compounds", "total_floor_area") => &["总建筑面积", "规划总建筑面积", "建设总量"],
        ("facilities", "id") => &["设施编号", "编号"],
        ("facilities", "name") => &["设施名称", "名称"],
        ("facilities", "kind") => &["设施类型", "类型"],
        ("facilities", "medical_care") => &["医养结合"],
        ("facilities", "floor_area") => &["建筑面积"],
        ("facilities", "land_area") => &["用地面积"],
        ("facilities", "beds") => &["床位", "床位数"],
        ("facilities", "nursing_beds") => &["护理型床位", "护理床位"],
        ("facilities", "long_term_beds") => &["长期托养床位"],
        ("facilities", "family_beds") => &["家庭养老床位", "家庭床位"],
        ("facilities", "clinic") => &["医务室", "护理站", "医务室或护理站", "内设医疗机构"],
        ("facilities", "operator") => &["运营方式", "运营主体"],
        ("facilities", "compound_id") => &["所属小区", "小区编号"],
        ("facilities", "construction_start") => &["开工日期", "开工时间"],
        ("facilities", "completion_date") => &["建成日期", "竣工日期", "建成时间"],
        ("units", "id") => &["编号", "单元编号", "行政区划代码", "区划代码"],
        ("units", "name") => &["名称", "单元名称"],
        ("units", "level") => &["级别", "层级"],
        ("units", "population") => &["常住人口", "人口"],
        ("units", "elderly_population") => &["老年人口", "60岁及以上人口"],
        ("units", "parent_id") => &["上级编号", "上级代码"],
        _ => &[],
    }
}

/// Built-in source values for canonical values of enumerated fields.
fn value_alias(field: &str, v: &str) -> Option<&'static str> {
    Some(match (field, v) {
        ("status", "新建" | "在建" | "规划" | "拟建") => "new",
        ("status", "已建成" | "已建" | "建成" | "现状") => "existing",
        ("area_type", "城市" | "城区" | "城镇") => "urban",
        ("area_type", "镇" | "乡镇") => "town",
        ("area_type", "农村" | "乡村") => "rural",
        ("kind", "社区养老服务站" | "社区居家养老服务站" | "社区养老服务中心") => {
            "community_station"
        }
        ("kind", "日间照料中心" | "社区日间照料中心") => "day_care",
        ("kind", "街道综合养老服务中心" | "综合养老服务中心") => "street_center",
        ("kind", "养老机构" | "养老院") => "institution",
        ("kind", "护理院") => "nursing_home",
        ("kind", "社会福利中心" | "敬老院" | "特困供养服务设施") => {
            "welfare_center"
        }
        ("kind", "农村幸福院" | "幸福院") => "rural_home",
        ("operator", "公办公营" | "公办" | "政府") => "government",
        ("operator", "民办" | "社会办") => "private",
        ("operator", "公建民营") => "public_private",
        ("level", "市") => "city",
        ("level", "县" | "县级市") => "county",
        ("level", "区") => "district",
        ("level", "街道") => "street",
        ("level", "乡镇" | "镇" | "乡") => "town",
        ("level", "社区") => "community",
        ("level", "行政村" | "村") => "village",
        _ => return None,
    })
}

/// How one layer's canonical fields are found in its source.
pub struct FieldMap<'a> {
    layer: &'static str,
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
        layer: &'static str,
        canonical: &[&'static str],
        raw: &RawLayer,
        settings: &'a LayerSettings,
    ) -> Result<FieldMap<'a>, String> {
        if let Some(bad) = settings
            .fields
            .keys()
            .find(|k| !canonical.contains(&k.as_str()))
        {
            return Err(format!(
                "[layers.{layer}.fields] maps unknown canonical field '{bad}' (fields: {})",
                canonical.join(", ")
            ));
        }
        let mut columns = BTreeMap::new();
        for &c in canonical {
            let col = match settings.fields.get(c) {
                Some(src) => Some(raw.field(src).ok_or_else(|| {
                    format!("[layers.{layer}.fields] {c} = \"{src}\": the file has no field '{src}' (it has: {})", raw.fields.join(", "))
                })?),
                None => raw
                    .fields
                    .iter()
                    .position(|f| f.eq_ignore_ascii_case(c))
                    .or_else(|| aliases(layer, c).iter().find_map(|a| raw.field(a))),
            };
            if let Some(col) = col {
                columns.insert(c, col);
            }
        }
        Ok(FieldMap {
            layer,
            columns,
            values: &settings.values,
        })
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
        match self.get(values, field) {
            Value::Null => None,
            Value::Text(s) if s.trim().is_empty() => None,
            Value::Text(s) => Some(s.trim().to_string()),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Some(format!("{}", *n as i64))
            }
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
        }
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
        let s = match v {
            Value::Null => return Ok(None),
            Value::Text(s) if s.trim().is_empty() => return Ok(None),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            _ => return Err(self.err(field, v, "a date (YYYY-MM-DD)")),
        };
        parse_date(&s)
            .map(Some)
            .ok_or_else(|| self.err(field, v, "a date (YYYY-MM-DD)"))
    }

    /// An enumerated field, mapped to its canonical value and parsed as `T`.
    pub fn enumerated<T: DeserializeOwned>(
        &self,
        values: &[Value],
        field: &str,
        allowed: &str,
    ) -> Result<Option<T>, FieldError> {
        let Some(src) = self.text(values, field) else {
            return Ok(None);
        };
        let mapped = self
            .values
            .get(field)
            .and_then(|m| m.get(&src))
            .map(String::as_str)
            .or_else(|| value_alias(field, &src))
            .unwrap_or(&src);
        serde_json::from_value(serde_json::Value::String(mapped.to_string())).map(Some).map_err(|_| FieldError {
            field: field.to_string(),
            reason: format!(
                "\"{src}\" is not one of {allowed}; map it in plan.toml under [layers.{}.values.{field}]",
                self.layer
            ),
        })
    }
}

/// `2024-06-30`, `2024/6/30`, `2024.06.30` or `20240630`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let norm = s.replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&norm, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let m = FieldMap::new("compounds", &["id", "households", "status"], &raw, &s).unwrap();
        let vals = vec![
            Value::Text("C1".into()),
            Value::Number(120.0),
            Value::Number(5.0),
            Value::Text("新建".into()),
        ];
        assert_eq!(m.count(&vals, "households").unwrap(), Some(120));
        assert_eq!(
            m.enumerated::<crate::plan::model::CompoundStatus>(&vals, "status", "new/existing")
                .unwrap(),
            Some(crate::plan::model::CompoundStatus::New)
        );
        let mut s = LayerSettings::default();
        s.fields.insert("households".into(), "HH2".into());
        let m = FieldMap::new("compounds", &["id", "households"], &raw, &s).unwrap();
        assert_eq!(m.count(&vals, "households").unwrap(), Some(5));
        s.fields.insert("households".into(), "nope".into());
        assert!(FieldMap::new("compounds", &["id", "households"], &raw, &s).is_err());
    }

    #[test]
    fn text_in_a_numeric_field_names_the_field() {
        let raw = layer(&["households"]);
        let s = LayerSettings::default();
        let m = FieldMap::new("compounds", &["households"], &raw, &s).unwrap();
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
}

//! One schema per layer (data-model.md): every canonical field with its type, whether a
//! feature needs it, the usual Chinese source names, what it means, and for enumerated
//! fields the allowed values with their usual Chinese spellings. The readers map fields
//! and values by it (`phases.csv` included), the generator writes it, and
//! `planlint fields` prints it.

/// A field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number ≥ 0.
    Count,
    /// A number ≥ 0 (m, m²).
    Number,
    Bool,
    /// `YYYY-MM-DD` (or the usual other spellings).
    Date,
    /// One of the values listed.
    Enum(&'static [Allowed]),
}

/// An allowed value of an enumerated field, and the usual Chinese terms for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub value: &'static str,
    pub aliases: &'static [&'static str],
}

/// A canonical field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// A feature without it is rejected (no rule could use it).
    pub required: bool,
    /// The usual Chinese names of the source field, found without any mapping.
    pub aliases: &'static [&'static str],
    pub meaning: &'static str,
}

/// A layer's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    pub layer: &'static str,
    pub fields: &'static [Field],
}

impl Schema {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

impl Kind {
    /// The allowed values of an enumerated field, for messages: "new, existing".
    pub fn allowed(self) -> String {
        match self {
            Kind::Enum(values) => values
                .iter()
                .map(|a| a.value)
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Count => "whole number ≥ 0",
            Kind::Number => "number ≥ 0",
            Kind::Bool => "true/false",
            Kind::Date => "date",
            Kind::Enum(_) => "one of",
        }
    }
}

const fn field(
    name: &'static str,
    kind: Kind,
    aliases: &'static [&'static str],
    meaning: &'static str,
) -> Field {
    Field {
        name,
        kind,
        required: false,
        aliases,
        meaning,
    }
}

const fn required(
    name: &'static str,
    kind: Kind,
    aliases: &'static [&'static str],
    meaning: &'static str,
) -> Field {
    Field {
        name,
        kind,
        required: true,
        aliases,
        meaning,
    }
}

const fn v(value: &'static str, aliases: &'static [&'static str]) -> Allowed {
    Allowed { value, aliases }
}

pub const STATUS: &[Allowed] = &[
    v("new", &["新建", "在建", "规划", "拟建"]),
    v("existing", &["已建成", "已建", "建成", "现状"]),
];

/// A facility's `status`; the compounds' `new`/`existing` is another field of another layer.
pub const FACILITY_STATUS: &[Allowed] = &[
    v(
        "existing",
        &["既有", "现状", "已建成", "已建", "建成", "在用", "运营"],
    ),
    v(
        "planned",
        &["规划", "在建", "拟建", "新建", "规划新建", "待建"],
    ),
];

pub const FACILITY_LEVEL: &[Allowed] = &[
    v("city", &["市级", "市"]),
    v(
        "county",
        &["县级", "区级", "县（市、区）级", "县区级", "县", "区"],
    ),
    v(
        "town",
        &["乡镇级", "街道级", "乡镇（街道）级", "乡镇", "街道", "镇级"],
    ),
];

pub const AREA_TYPE: &[Allowed] = &[
    v("urban", &["城市", "城区", "城镇"]),
    v("town", &["镇", "乡镇"]),
    v("rural", &["农村", "乡村"]),
];

pub const FACILITY_KIND: &[Allowed] = &[
    v(
        "community_station",
        &["社区养老服务站", "社区居家养老服务站", "社区养老服务中心"],
    ),
    v("day_care", &["日间照料中心", "社区日间照料中心"]),
    v(
        "street_center",
        &["街道综合养老服务中心", "综合养老服务中心"],
    ),
    v("institution", &["养老机构", "养老院"]),
    v("nursing_home", &["护理院"]),
    v(
        "welfare_center",
        &["社会福利中心", "敬老院", "特困供养服务设施"],
    ),
    v("rural_home", &["农村幸福院", "幸福院"]),
];

pub const OPERATOR: &[Allowed] = &[
    v("government", &["公办公营", "公办", "政府"]),
    v("private", &["民办", "社会办"]),
    v("public_private", &["公建民营"]),
];

pub const LEVEL: &[Allowed] = &[
    v("city", &["市"]),
    v("county", &["县", "县级市"]),
    v("district", &["区"]),
    v("street", &["街道"]),
    v("town", &["乡镇", "镇", "乡"]),
    v("community", &["社区"]),
    v("village", &["行政村", "村"]),
];

pub const COMPOUNDS: Schema = Schema {
    layer: "compounds",
    fields: &[
        required("id", Kind::Text, &["小区编号", "编号", "小区代码"], "identifier, unique"),
        field("name", Kind::Text, &["小区名称", "名称"], "小区名称"),
        field("households", Kind::Count, &["户数", "总户数", "规划户数"], "户数"),
        field(
            "population",
            Kind::Count,
            &["人口", "居住人口", "人数"],
            "residents; when absent, households × the profile's household size",
        ),
        field(
            "status",
            Kind::Enum(STATUS),
            &["建设状态", "状态"],
            "新建 or 已建成: the 30 or 20 m² per 100 households standard",
        ),
        field(
            "area_type",
            Kind::Enum(AREA_TYPE),
            &["城乡类型", "区域类型"],
            "default urban",
        ),
        field(
            "residential_floor_area",
            Kind::Number,
            &["住宅建筑面积", "住宅总建筑面积"],
            "planned residential floor area (住宅总建筑面积), m²; when absent, the sum of its phases",
        ),
        field(
            "total_floor_area",
            Kind::Number,
            &["总建筑面积", "规划总建筑面积", "建设总量"],
            "all planned construction on the plot (规划地块建设总量), m²",
        ),
    ],
};

pub const FACILITIES: Schema = Schema {
    layer: "facilities",
    fields: &[
        required("id", Kind::Text, &["设施编号", "编号"], "identifier, unique"),
        field("name", Kind::Text, &["设施名称", "名称"], ""),
        required(
            "kind",
            Kind::Enum(FACILITY_KIND),
            &["设施类型", "类型"],
            "社区养老服务站 / 日间照料中心 / 街道综合养老服务中心 / 养老机构 / 护理院 / 社会福利中心·敬老院 / 农村幸福院",
        ),
        field("medical_care", Kind::Bool, &["医养结合"], "医养结合"),
        field("floor_area", Kind::Number, &["建筑面积"], "建筑面积, m²"),
        field(
            "land_area",
            Kind::Number,
            &["用地面积"],
            "用地面积 of an independent parcel, m²; when absent, a parcel polygon's area",
        ),
        field("beds", Kind::Count, &["床位", "床位数"], "床位"),
        field("nursing_beds", Kind::Count, &["护理型床位", "护理床位"], "护理型床位"),
        field("long_term_beds", Kind::Count, &["长期托养床位"], "长期托养床位"),
        field(
            "family_beds",
            Kind::Count,
            &["家庭养老床位", "家庭床位"],
            "家庭养老床位: beds in older people's homes served by the facility",
        ),
        field(
            "clinic",
            Kind::Bool,
            &["医务室", "护理站", "医务室或护理站", "内设医疗机构"],
            "内设医务室或护理站",
        ),
        field(
            "operator",
            Kind::Enum(OPERATOR),
            &["运营方式", "运营主体"],
            "公办公营 / 民办 / 公建民营",
        ),
        field(
            "compound_id",
            Kind::Text,
            &["所属小区", "小区编号"],
            "the compound it is built for (配建); else the compound containing it",
        ),
        field("construction_start", Kind::Date, &["开工日期", "开工时间"], "开工"),
        field(
            "completion_date",
            Kind::Date,
            &["建成日期", "竣工日期", "建成时间"],
            "建成",
        ),
        field(
            "status",
            Kind::Enum(FACILITY_STATUS),
            &["建设状态", "设施状态", "状态"],
            "既有 / 规划·在建; without it and without dates, taken as existing",
        ),
        field(
            "level",
            Kind::Enum(FACILITY_LEVEL),
            &["设施级别", "级别", "层级", "管理层级"],
            "市级 / 县级·区级 / 乡镇级·街道级: who runs it",
        ),
    ],
};

pub const UNITS: Schema = Schema {
    layer: "units",
    fields: &[
        required(
            "id",
            Kind::Text,
            &["编号", "单元编号", "行政区划代码", "区划代码"],
            "identifier, unique",
        ),
        field("name", Kind::Text, &["名称", "单元名称"], ""),
        required(
            "level",
            Kind::Enum(LEVEL),
            &["级别", "层级"],
            "市 / 县 / 区 / 街道 / 乡镇 / 社区 / 行政村",
        ),
        field("population", Kind::Count, &["常住人口", "人口"], "常住人口"),
        field(
            "elderly_population",
            Kind::Count,
            &["老年人口", "60岁及以上人口"],
            "60 岁及以上",
        ),
        field(
            "parent_id",
            Kind::Text,
            &["上级编号", "上级代码"],
            "enclosing unit; when absent, found spatially",
        ),
    ],
};

pub const PHASES: Schema = Schema {
    layer: "phases",
    fields: &[
        required(
            "compound_id",
            Kind::Text,
            &["小区编号", "小区代码"],
            "the compound",
        ),
        field("phase", Kind::Text, &["分期", "期数", "期次"], "分期"),
        required(
            "floor_area",
            Kind::Number,
            &["建筑面积", "住宅建筑面积"],
            "floor area of the phase, m²",
        ),
        field("start_date", Kind::Date, &["开工日期", "开工时间"], "开工"),
        field(
            "completion_date",
            Kind::Date,
            &["竣工日期", "建成日期", "竣工时间"],
            "竣工; empty while unfinished",
        ),
    ],
};

/// Candidate sites for new facilities (`--suggest`, `--candidates`): a point or a parcel.
/// A site without an id is named by its number (`#3`).
pub const CANDIDATES: Schema = Schema {
    layer: "candidates",
    fields: &[
        field(
            "id",
            Kind::Text,
            &["编号", "地块编号", "选址编号"],
            "identifier; else the feature's number",
        ),
        field("name", Kind::Text, &["名称", "地块名称", "选址名称"], ""),
    ],
};

/// Every layer whose fields are mapped.
pub const ALL: [&Schema; 5] = [&COMPOUNDS, &FACILITIES, &UNITS, &PHASES, &CANDIDATES];

/// The schema of a layer by name.
pub fn of(layer: &str) -> Option<&'static Schema> {
    ALL.into_iter().find(|s| s.layer == layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enumerated_value_parses_as_the_model_type() {
        use crate::model::{AreaType, CompoundStatus, FacilityKind, Operator, UnitLevel};
        fn all<T: serde::de::DeserializeOwned>(values: &[Allowed]) {
            for a in values {
                serde_json::from_value::<T>(serde_json::Value::String(a.value.into()))
                    .unwrap_or_else(|_| panic!("{} does not parse", a.value));
            }
        }
        all::<CompoundStatus>(STATUS);
        all::<AreaType>(AREA_TYPE);
        all::<FacilityKind>(FACILITY_KIND);
        all::<Operator>(OPERATOR);
        all::<UnitLevel>(LEVEL);
    }
}

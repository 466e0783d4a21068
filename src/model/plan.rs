//! The canonical plan, as the rules see it: every layer read, mapped to canonical fields,
//! moved into the working CRS, with its rejected features listed.

use chrono::NaiveDate;
use geo::{MultiPolygon, Point};
use serde::{Deserialize, Serialize};

use crate::text::Text;

/// The layers of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Compounds,
    Facilities,
    Units,
    Roads,
    Phases,
    /// Candidate sites for new stations (`--suggest`).
    Candidates,
    /// The plan as a whole (the subject of a city-level rule when no city unit exists).
    Plan,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Compounds => "compounds",
            Layer::Facilities => "facilities",
            Layer::Units => "units",
            Layer::Roads => "roads",
            Layer::Phases => "phases",
            Layer::Candidates => "candidates",
            Layer::Plan => "plan",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundStatus {
    New,
    Existing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaType {
    #[default]
    Urban,
    Town,
    Rural,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    CommunityStation,
    DayCare,
    StreetCenter,
    Institution,
    NursingHome,
    WelfareCenter,
    RuralHome,
}

impl FacilityKind {
    /// The canonical name (`street_center`).
    pub fn name(self) -> &'static str {
        match self {
            FacilityKind::CommunityStation => "community_station",
            FacilityKind::DayCare => "day_care",
            FacilityKind::StreetCenter => "street_center",
            FacilityKind::Institution => "institution",
            FacilityKind::NursingHome => "nursing_home",
            FacilityKind::WelfareCenter => "welfare_center",
            FacilityKind::RuralHome => "rural_home",
        }
    }

    /// Institutions (养老机构) in the sense of the bed and operator rules.
    pub const INSTITUTIONS: &'static [FacilityKind] = &[
        FacilityKind::Institution,
        FacilityKind::NursingHome,
        FacilityKind::WelfareCenter,
    ];

    /// The home- and community-care kinds (居家社区养老服务设施).
    pub const COMMUNITY: &'static [FacilityKind] = &[
        FacilityKind::CommunityStation,
        FacilityKind::DayCare,
        FacilityKind::StreetCenter,
    ];
}

/// Whether a facility is in service (既有) or still to come (规划 / 在建): what a dated
/// target counts by its due date (rules.md, dated targets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityStatus {
    Existing,
    Planned,
}

/// Who runs a facility: a requirement that names a level counts only that level
/// (rules.md, facility levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityLevel {
    /// 市级
    City,
    /// 县级, also 区级
    County,
    /// 乡镇级, also 街道级
    Town,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Government,
    Private,
    PublicPrivate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    City,
    County,
    District,
    Street,
    Town,
    Community,
    Village,
}

impl UnitLevel {
    /// Rank in the administrative hierarchy: city 0, county/district 1, street/town 2,
    /// community/village 3.
    pub fn rank(self) -> u8 {
        match self {
            UnitLevel::City => 0,
            UnitLevel::County | UnitLevel::District => 1,
            UnitLevel::Street | UnitLevel::Town => 2,
            UnitLevel::Community | UnitLevel::Village => 3,
        }
    }
}

/// A level as a profile names it: `county` also matches districts (县(市、区)); `district`
/// matches urban districts only (市辖区), `county_only` counties only (a text that says 县).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelSel {
    City,
    County,
    CountyOnly,
    District,
    Street,
    Town,
    Community,
    Village,
}

impl LevelSel {
    pub fn matches(self, level: UnitLevel) -> bool {
        matches!(
            (self, level),
            (LevelSel::City, UnitLevel::City)
                | (LevelSel::County, UnitLevel::County | UnitLevel::District)
                | (LevelSel::CountyOnly, UnitLevel::County)
                | (LevelSel::District, UnitLevel::District)
                | (LevelSel::Street, UnitLevel::Street)
                | (LevelSel::Town, UnitLevel::Town)
                | (LevelSel::Community, UnitLevel::Community)
                | (LevelSel::Village, UnitLevel::Village)
        )
    }

    pub fn name(self) -> Text {
        match self {
            LevelSel::City => Text::new("市", "city"),
            LevelSel::County => Text::new("县（市、区）", "county/district"),
            LevelSel::CountyOnly => Text::new("县", "county"),
            LevelSel::District => Text::new("市辖区", "urban district"),
            LevelSel::Street => Text::new("街道", "street"),
            LevelSel::Town => Text::new("乡镇", "town"),
            LevelSel::Community => Text::new("城市社区", "urban community"),
            LevelSel::Village => Text::new("行政村（农村社区）", "village"),
        }
    }
}

/// A facility's geometry: a point, or the parcel it stands on.
#[derive(Debug, Clone, PartialEq)]
pub enum Footprint {
    Point(Point),
    Parcel(MultiPolygon),
}

#[derive(Debug, Clone)]
pub struct Compound {
    /// Position in its source file (0-based), as rejections and findings cite it.
    pub index: usize,
    pub id: String,
    pub name: String,
    pub geometry: MultiPolygon,
    pub reference: Point,
    pub households: Option<u64>,
    pub population: Option<u64>,
    pub status: Option<CompoundStatus>,
    pub area_type: AreaType,
    pub residential_floor_area: Option<f64>,
    /// All planned construction on the plot, housing and everything else (规划地块建设总量).
    pub total_floor_area: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Facility {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub geometry: Footprint,
    pub reference: Point,
    pub kind: FacilityKind,
    pub medical_care: Option<bool>,
    pub floor_area: Option<f64>,
    /// 用地面积: the field, else the parcel's planar area; none for an embedded facility.
    pub land_area: Option<f64>,
    pub beds: Option<u64>,
    pub nursing_beds: Option<u64>,
    pub long_term_beds: Option<u64>,
    /// 家庭养老床位: beds set up in older people's homes and served by this facility.
    pub family_beds: Option<u64>,
    /// 内设医务室或护理站: the facility has its own clinic or nursing station.
    pub clinic: Option<bool>,
    pub operator: Option<Operator>,
    pub compound_id: Option<String>,
    pub construction_start: Option<NaiveDate>,
    pub completion_date: Option<NaiveDate>,
    /// 既有 / 规划·在建; none: taken as existing when it has no dates either.
    pub status: Option<FacilityStatus>,
    /// 市级 / 县级 / 乡镇级.
    pub level: Option<FacilityLevel>,
}

impl Facility {
    /// A facility of `kind` at a point, nothing else known: every optional field empty
    /// (what the generator and tests fill in with struct update syntax).
    pub fn at(index: usize, id: impl Into<String>, kind: FacilityKind, p: Point) -> Facility {
        Facility {
            index,
            id: id.into(),
            name: String::new(),
            geometry: Footprint::Point(p),
            reference: p,
            kind,
            medical_care: None,
            floor_area: None,
            land_area: None,
            beds: None,
            nursing_beds: None,
            long_term_beds: None,
            family_beds: None,
            clinic: None,
            operator: None,
            compound_id: None,
            construction_start: None,
            completion_date: None,
            status: None,
            level: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub geometry: MultiPolygon,
    pub reference: Point,
    pub level: UnitLevel,
    pub population: Option<u64>,
    pub elderly_population: Option<u64>,
    pub parent_id: Option<String>,
}

/// One construction phase (分期) of a compound.
#[derive(Debug, Clone)]
pub struct Phase {
    pub index: usize,
    pub compound_id: String,
    pub phase: String,
    pub floor_area: f64,
    pub start_date: Option<NaiveDate>,
    pub completion_date: Option<NaiveDate>,
}

/// A feature that was not checked, and why (report.md: `inputs.*.rejected`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub index: usize,
    pub id: Option<String>,
    pub field: Option<String>,
    pub reason: Text,
}

/// What was read of one layer.
#[derive(Debug, Clone, Default)]
pub struct LayerInfo {
    pub path: String,
    pub features: usize,
    pub rejected: Vec<Rejection>,
    /// The CRS the layer's coordinates were read in, as the user or the file said it.
    pub crs: Option<String>,
    /// The text encoding of a `.dbf`, and how it was decided.
    pub encoding: Option<String>,
    /// The canonical fields the layer has, each with the layer's own name for it; a
    /// canonical field absent here is absent from every feature.
    pub fields: Vec<(&'static str, String)>,
}

impl LayerInfo {
    pub fn accepted(&self) -> usize {
        self.features - self.rejected.len()
    }
}

/// A candidate site for a new facility (`--suggest`).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The `id` field, else `#<the feature's number>`.
    pub id: String,
    pub name: String,
    /// The point, or a parcel's reference point.
    pub reference: Point,
}

/// A plan, read and placed in the working CRS.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub compounds: Vec<Compound>,
    pub facilities: Vec<Facility>,
    pub units: Vec<Unit>,
    pub phases: Vec<Phase>,
    /// Candidate sites for new stations. Empty: every compound's reference point is a
    /// candidate.
    pub candidates: Vec<Candidate>,
    /// The walking network's lines, in the working CRS.
    pub roads: Vec<geo::LineString<f64>>,
    /// Vertices of road lines closer than this (metres) are one junction.
    pub snap_tolerance: f64,
    /// Which layers were given, what was read and what was rejected, by layer.
    pub inputs: Vec<(Layer, LayerInfo)>,
    /// The working CRS (an `EPSG:` code or PROJ definition).
    pub working_crs: String,
    /// Remarks about the data that are not a rejection (a `compound_id` naming no compound…).
    pub notes: Vec<Text>,
    /// Set when the plan is part of a larger one (a submission and its surroundings in
    /// its city): what of the whole the part must still know.
    pub partial: Option<Partial>,
}

/// What a part of a plan knows of the whole it was cut from: the compounds the whole has
/// that the part leaves out (a facility's `compound_id` naming one of them belongs to it,
/// not to a compound of the part that happens to contain it), how many compounds the whole
/// has, and its extent (what a map of the part is framed within).
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// Ids of compounds of the whole (shared with the city it was cut from); those the
    /// part does not hold are elsewhere.
    pub compound_ids: std::sync::Arc<std::collections::HashSet<String>>,
    /// The whole's number of compounds.
    pub compounds: usize,
    /// The whole's extent: every unit's and compound's outline and every facility's point.
    pub extent: Option<geo::Rect<f64>>,
    /// How many of the part's first facilities are the city's, all of them in the city's
    /// order (0 when the part leaves one out): their joins to the units are the city's.
    pub city_facilities: usize,
}

impl Plan {
    pub fn has_layer(&self, layer: Layer) -> bool {
        self.inputs.iter().any(|(l, _)| *l == layer)
    }
}

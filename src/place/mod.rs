//! Place: each layer read ([`crate::read`]) mapped onto its schema ([`schema`], by
//! [`fields`]), its features made canonical with per-feature rejections ([`features`],
//! [`phases`], [`roads`]) and moved into the plan's working CRS ([`crate::crs`]); a
//! submission merged into its city ([`context`]).

pub mod features;
pub mod fields;
pub mod phases;
pub mod roads;
pub mod schema;

use crate::crs::detect::{centre_lonlat, check_metric};
use crate::crs::{working_crs_for, Transformer};
use crate::model::{self, Layer, LayerInfo, Plan};
use crate::read::{read_layers, shown, PlanError, ReadLayer, ReadPlan, Sources};
use fields::FieldMap;

/// Reads, maps and places every layer of a plan.
pub fn load(src: &Sources) -> Result<Plan, PlanError> {
    load_with(src, None)
}

/// [`load`], telling `progress` when reading ends and placing begins.
pub fn load_with(
    src: &Sources,
    progress: Option<&crate::model::progress::Progress>,
) -> Result<Plan, PlanError> {
    let read = read_layers(src)?;
    if let Some(p) = progress {
        p.tell(crate::model::progress::Stage::Placing);
    }
    place(src, read)
}

/// Maps every layer's fields and moves its features into the working CRS: the **place**
/// stage. Layers are placed in parallel, and the features of each too.
pub fn place(src: &Sources, read: ReadPlan) -> Result<Plan, PlanError> {
    use rayon::prelude::*;
    let layers = read.layers;
    let working_crs = match (&src.working_crs, src.submission) {
        // A submission takes its city's working CRS, already checked.
        (Some(w), true) => w.clone(),
        _ => {
            let first = layers.first().ok_or_else(|| {
                PlanError::MissingLayer("compounds", "the submission holds no layer".into())
            })?;
            let (lon, lat) = centre_lonlat(&first.raw.boxes(), &first.crs)
                .map_err(|e| PlanError::Crs(shown(&first.path), e))?;
            let working_crs = src
                .working_crs
                .clone()
                .or_else(|| src.settings.working_crs.clone())
                .unwrap_or_else(|| working_crs_for(lon, lat));
            check_metric(&working_crs, lon, lat).map_err(PlanError::Option)?;
            working_crs
        }
    };

    let mut plan = Plan {
        working_crs: working_crs.clone(),
        ..Plan::default()
    };
    let placed = layers
        .into_par_iter()
        .map(|l| place_layer(src, l, &working_crs))
        .collect::<Vec<Result<Placed, PlanError>>>();
    for placed in placed {
        let (info, features, notes) = placed?;
        plan.notes.extend(notes);
        let layer = info.0;
        match features {
            Features::Compounds(v) => plan.compounds = v,
            Features::Facilities(v) => plan.facilities = v,
            Features::Units(v) => plan.units = v,
            Features::Roads(v, tolerance) => {
                plan.roads = v;
                plan.snap_tolerance = tolerance;
            }
            Features::Candidates(v) => plan.candidates = v,
        }
        plan.inputs.push((layer, info.1));
    }
    if let Some(path) = read.phases {
        let (phases, mut rejected, rows) = phases::read(&path, &src.settings.layer("phases"))?;
        // A phase of a compound that is not in the plan (or was rejected) checks nothing.
        let known: std::collections::HashSet<&str> =
            plan.compounds.iter().map(|c| c.id.as_str()).collect();
        let (kept, orphans): (Vec<_>, Vec<_>) = phases
            .into_iter()
            .partition(|p| known.contains(p.compound_id.as_str()));
        rejected.extend(orphans.into_iter().map(|p| model::Rejection {
            index: p.index,
            field: Some("compound_id".into()),
            reason: crate::text::t!(
                "小区编号 {} 不对应任何已读入的小区",
                "compound_id {} names no compound of the compounds layer (or one that was rejected)",
                p.compound_id
            ),
            id: Some(p.compound_id),
        }));
        rejected.sort_by_key(|r| r.index);
        plan.phases = kept;
        plan.inputs.push((
            Layer::Phases,
            LayerInfo {
                path: shown(&path),
                features: rows,
                rejected,
                ..LayerInfo::default()
            },
        ));
    }
    Ok(plan)
}

/// One layer's canonical features.
enum Features {
    Compounds(Vec<model::Compound>),
    Facilities(Vec<model::Facility>),
    Units(Vec<model::Unit>),
    /// The lines and the snap tolerance.
    Roads(Vec<geo::LineString<f64>>, f64),
    Candidates(Vec<model::Candidate>),
}

/// A layer placed: what was read of it, its features, and the reader's notes on it.
type Placed = ((Layer, LayerInfo), Features, Vec<crate::text::Text>);

/// Maps and places one layer.
fn place_layer(src: &Sources, l: ReadLayer, working_crs: &str) -> Result<Placed, PlanError> {
    let ReadLayer {
        layer,
        name,
        path,
        mut raw,
        crs,
    } = l;
    let ls = src.settings.layer(name);
    let t = Transformer::new(&crs, working_crs).map_err(|e| PlanError::Crs(shown(&path), e))?;
    let mut info = LayerInfo {
        path: shown(&path),
        features: raw.features.len(),
        crs: Some(crs.describe()),
        encoding: raw.encoding.clone(),
        rejected: Vec::new(),
        fields: Vec::new(),
    };
    let notes = std::mem::take(&mut raw.notes);
    let features = match layer {
        Layer::Candidates => {
            let map = FieldMap::new(&schema::CANDIDATES, &raw, &ls)
                .map_err(|e| PlanError::Settings(info.path.clone(), e))?;
            info.fields = map.found(&raw);
            let (v, rejected) = features::candidates(raw, &map, &t);
            info.rejected = rejected;
            Features::Candidates(v)
        }
        Layer::Roads => {
            let tolerance = ls.snap_tolerance.unwrap_or(0.0);
            if !(tolerance.is_finite() && tolerance >= 0.0) {
                return Err(PlanError::Settings(
                    info.path,
                    format!("snap_tolerance = {tolerance}: a distance ≥ 0 in metres"),
                ));
            }
            let (lines, rejected) = roads::lines(raw, &t);
            info.rejected = rejected;
            if lines.is_empty() {
                // Without a single line every compound would fail with "no path".
                let why = info.rejected.first().map_or_else(
                    || "it holds no walkable line".to_string(),
                    |r| {
                        let reason = r.reason.get(crate::text::Lang::En);
                        format!("the first, #{}: {reason}", r.index)
                    },
                );
                return Err(PlanError::Option(format!(
                    "{}: no usable road line among its {} features ({why}); fix the layer or leave it out to measure straight lines",
                    info.path, info.features
                )));
            }
            Features::Roads(lines, tolerance)
        }
        _ => {
            let schema = match layer {
                Layer::Compounds => &schema::COMPOUNDS,
                Layer::Facilities => &schema::FACILITIES,
                _ => &schema::UNITS,
            };
            let map = FieldMap::new(schema, &raw, &ls)
                .map_err(|e| PlanError::Settings(info.path.clone(), e))?;
            info.fields = map.found(&raw);
            let features = match layer {
                Layer::Compounds => {
                    let (v, r) = features::compounds(raw, &map, &t);
                    info.rejected = r;
                    Features::Compounds(v)
                }
                Layer::Facilities => {
                    let (v, r) = features::facilities(raw, &map, &t);
                    info.rejected = r;
                    Features::Facilities(v)
                }
                _ => {
                    let (v, r) = features::units(raw, &map, &t);
                    info.rejected = r;
                    Features::Units(v)
                }
            };
            if matches!(layer, Layer::Compounds | Layer::Facilities)
                && info.features > 0
                && info.accepted() == 0
            {
                let first = &info.rejected[0];
                return Err(PlanError::Option(format!(
                    "{}: none of its {} features could be used (the first, #{}: {})",
                    info.path,
                    info.features,
                    first.index,
                    first.reason.get(crate::text::Lang::En)
                )));
            }
            features
        }
    };
    Ok(((layer, info), features, notes))
}

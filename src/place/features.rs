//! From raw features to canonical ones: geometry checked and moved into the working CRS,
//! fields mapped and typed. A feature with a problem is rejected with the reason, the
//! field and its id; nothing is dropped silently.

use std::collections::HashSet;

use geo::{Area, Geometry, MultiPolygon, Point};

use super::fields::{FieldError, FieldMap};
use crate::crs::Transformer;
use crate::geometry::reference_point;
use crate::model::{Candidate, Compound, Facility, Footprint, Rejection, Unit};
use crate::read::{RawFeature, RawLayer};
use crate::text::t;

/// Why one feature is rejected.
enum Problem {
    Geometry(String),
    Field(FieldError),
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Self {
        Problem::Field(e)
    }
}

/// Builds the canonical features of one layer, rejecting what cannot be used. Ids are
/// decided in the file's order (the first of a repeated id is kept); the features are then
/// placed and built in parallel, and come out in the file's order.
fn build<T: Send>(
    raw: RawLayer,
    map: &FieldMap,
    transform: &Transformer,
    make: impl Fn(&FieldMap, &RawFeature, String, Geometry<f64>) -> Result<T, Problem> + Sync,
) -> (Vec<T>, Vec<Rejection>) {
    use rayon::prelude::*;
    let ids: Vec<Option<String>> = raw
        .features
        .par_iter()
        .map(|f| map.text(&f.values, "id"))
        .collect();
    let mut seen = HashSet::with_capacity(ids.len());
    let repeated: Vec<bool> = ids
        .iter()
        .map(|id| id.as_deref().is_some_and(|id| !seen.insert(id)))
        .collect();
    drop(seen);
    let outcomes: Vec<Result<T, Rejection>> = raw
        .features
        .into_par_iter()
        .zip(ids)
        .zip(repeated)
        .map(|((f, id), repeated)| one(f, id, repeated, map, transform, &make))
        .collect();
    let mut out = Vec::with_capacity(outcomes.len());
    let mut rejected = Vec::new();
    for o in outcomes {
        match o {
            Ok(v) => out.push(v),
            Err(r) => rejected.push(r),
        }
    }
    (out, rejected)
}

/// One feature of [`build`]: the canonical feature, or its rejection.
fn one<T>(
    mut f: RawFeature,
    id: Option<String>,
    repeated: bool,
    map: &FieldMap,
    transform: &Transformer,
    make: &impl Fn(&FieldMap, &RawFeature, String, Geometry<f64>) -> Result<T, Problem>,
) -> Result<T, Rejection> {
    let reject = |field: Option<&str>, reason: crate::text::Text| Rejection {
        index: f.index,
        id: id.clone(),
        field: field.map(str::to_string),
        reason,
    };
    if let Some(problem) = &f.problem {
        return Err(reject(
            None,
            t!("无法读取的记录：{}", "unreadable record: {}", problem),
        ));
    }
    if f.deleted {
        return Err(reject(
            None,
            t!(
                "记录在 .dbf 中已标记删除",
                "the record is marked deleted in the .dbf"
            ),
        ));
    }
    let Some(id_text) = id.clone() else {
        return Err(reject(Some("id"), t!("缺少编号", "missing id")));
    };
    if repeated {
        return Err(reject(
            Some("id"),
            t!("编号 {} 重复", "duplicate id {}", id_text),
        ));
    }
    // The geometry moves on; `make` reads the feature's values.
    let geometry = match std::mem::replace(&mut f.geometry, Err(String::new())) {
        Ok(g) => place(g, transform),
        Err(e) => Err(e),
    };
    let result = geometry.map_err(Problem::Geometry).and_then(|g| {
        // Geometry code that panics on a pathological shape rejects that feature only.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| make(map, &f, id_text, g)))
            .unwrap_or_else(|_| {
                Err(Problem::Geometry(
                    "the geometry could not be processed".into(),
                ))
            })
    });
    result.map_err(|problem| match problem {
        Problem::Geometry(e) => reject(None, t!("几何无效：{}", "invalid geometry: {}", e)),
        Problem::Field(e) => reject(
            Some(&e.field),
            t!("字段 {} 无效：{}", "field {}: {}", e.field, e.reason),
        ),
    })
}

/// The largest coordinate magnitude, in metres, a placed feature may have.
const MAX_METRES: f64 = 1e8;

/// Moves a geometry into the working CRS and checks its coordinates survived.
pub(super) fn place(
    mut g: Geometry<f64>,
    transform: &Transformer,
) -> Result<Geometry<f64>, String> {
    transform.transform_geometry(&mut g);
    if geo::CoordsIter::coords_iter(&g).any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return Err("coordinates that cannot be moved into the working CRS (outside its area, or not numbers)".into());
    }
    // No metric CRS on Earth reaches 10⁸ m (the equator is 4 × 10⁷ m long).
    if let Some(c) =
        geo::CoordsIter::coords_iter(&g).find(|c| c.x.abs() > MAX_METRES || c.y.abs() > MAX_METRES)
    {
        return Err(format!(
            "coordinates ({:e}, {:e}) are far outside the working CRS: is the layer's CRS right?",
            c.x, c.y
        ));
    }
    Ok(g)
}

/// A valid, non-empty polygon or multipolygon.
fn polygons(g: Geometry<f64>) -> Result<MultiPolygon<f64>, String> {
    let mp = match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(mp) => mp,
        other => {
            return Err(format!(
                "expected a Polygon or MultiPolygon, found {}",
                kind_name(&other)
            ))
        }
    };
    if mp.0.is_empty() || mp.0.iter().any(|p| p.exterior().0.len() < 4) {
        return Err("empty polygon".into());
    }
    if let Err(e) = crate::geometry::validity::check(&mp) {
        return Err(format!(
            "{e} (self-intersecting or otherwise invalid polygon)"
        ));
    }
    if mp.unsigned_area() <= 0.0 {
        return Err("polygon of zero area".into());
    }
    Ok(mp)
}

fn kind_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// A field every rule of the layer depends on: without it the feature is rejected.
fn required<T>(v: Option<T>, field: &str) -> Result<T, Problem> {
    v.ok_or_else(|| {
        Problem::Field(FieldError {
            field: field.into(),
            reason: "missing: every feature needs it".into(),
        })
    })
}

fn polygon_reference(mp: &MultiPolygon<f64>) -> Result<Point<f64>, Problem> {
    reference_point(mp).ok_or_else(|| Problem::Geometry("no interior point".into()))
}

pub fn compounds(
    raw: RawLayer,
    map: &FieldMap,
    t: &Transformer,
) -> (Vec<Compound>, Vec<Rejection>) {
    build(raw, map, t, |m, f, id, g| {
        let geometry = polygons(g).map_err(Problem::Geometry)?;
        let v = &f.values;
        Ok(Compound {
            index: f.index,
            reference: polygon_reference(&geometry)?,
            name: m.text(v, "name").unwrap_or_default(),
            households: m.count(v, "households")?,
            population: m.count(v, "population")?,
            status: m.enumerated(v, "status")?,
            area_type: m.enumerated(v, "area_type")?.unwrap_or_default(),
            residential_floor_area: m.number(v, "residential_floor_area")?,
            total_floor_area: m.number(v, "total_floor_area")?,
            geometry,
            id,
        })
    })
}

pub fn facilities(
    raw: RawLayer,
    map: &FieldMap,
    t: &Transformer,
) -> (Vec<Facility>, Vec<Rejection>) {
    build(raw, map, t, |m, f, id, g| {
        let (geometry, reference) = match g {
            Geometry::Point(p) => (Footprint::Point(p), p),
            Geometry::MultiPoint(mp) if mp.0.len() == 1 => (Footprint::Point(mp.0[0]), mp.0[0]),
            other => {
                let mp = polygons(other).map_err(|e| {
                    Problem::Geometry(format!("{e}; a facility is a Point or a parcel polygon"))
                })?;
                let r = polygon_reference(&mp)?;
                (Footprint::Parcel(mp), r)
            }
        };
        let v = &f.values;
        let parcel_area = match &geometry {
            Footprint::Parcel(mp) => Some(mp.unsigned_area()),
            Footprint::Point(_) => None,
        };
        Ok(Facility {
            index: f.index,
            reference,
            name: m.text(v, "name").unwrap_or_default(),
            kind: required(m.enumerated(v, "kind")?, "kind")?,
            medical_care: m.boolean(v, "medical_care")?,
            floor_area: m.number(v, "floor_area")?,
            land_area: m.number(v, "land_area")?.or(parcel_area),
            beds: m.count(v, "beds")?,
            nursing_beds: m.count(v, "nursing_beds")?,
            long_term_beds: m.count(v, "long_term_beds")?,
            family_beds: m.count(v, "family_beds")?,
            clinic: m.boolean(v, "clinic")?,
            operator: m.enumerated(v, "operator")?,
            compound_id: m.text(v, "compound_id"),
            construction_start: m.date(v, "construction_start")?,
            completion_date: m.date(v, "completion_date")?,
            status: m.enumerated(v, "status")?,
            level: m.enumerated(v, "level")?,
            geometry,
            id,
        })
    })
}

pub fn units(raw: RawLayer, map: &FieldMap, t: &Transformer) -> (Vec<Unit>, Vec<Rejection>) {
    build(raw, map, t, |m, f, id, g| {
        let geometry = polygons(g).map_err(Problem::Geometry)?;
        let v = &f.values;
        Ok(Unit {
            index: f.index,
            reference: polygon_reference(&geometry)?,
            name: m.text(v, "name").unwrap_or_default(),
            level: required(m.enumerated(v, "level")?, "level")?,
            population: m.count(v, "population")?,
            elderly_population: m.count(v, "elderly_population")?,
            parent_id: m.text(v, "parent_id"),
            geometry,
            id,
        })
    })
}

/// Candidate sites: a point, or a polygon's reference point; the id is the `id` field, else
/// `#<index>`. Anything else is rejected.
pub fn candidates(
    raw: RawLayer,
    map: &FieldMap,
    t: &Transformer,
) -> (Vec<Candidate>, Vec<Rejection>) {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for f in raw.features {
        let id = map.text(&f.values, "id");
        let point = f
            .geometry
            .clone()
            .and_then(|g| place(g, t))
            .and_then(|g| match g {
                Geometry::Point(p) => Ok(p),
                other => polygons(other).and_then(|mp| {
                    reference_point(&mp).ok_or_else(|| "no interior point".to_string())
                }),
            });
        match point {
            Ok(reference) if !f.deleted => out.push(Candidate {
                id: id.unwrap_or_else(|| format!("#{}", f.index)),
                name: map.text(&f.values, "name").unwrap_or_default(),
                reference,
            }),
            Ok(_) => rejected.push(Rejection {
                index: f.index,
                id,
                field: None,
                reason: t!(
                    "记录在 .dbf 中已标记删除",
                    "the record is marked deleted in the .dbf"
                ),
            }),
            Err(e) => rejected.push(Rejection {
                index: f.index,
                id,
                field: None,
                reason: t!("几何无效：{}", "invalid geometry: {}", e),
            }),
        }
    }
    (out, rejected)
}

//! OpenStreetMap `.osm.pbf` extracts as a roads layer (data-model.md).
//!
//! A way is walkable when it has a `highway` tag whose value is none of the excluded ones
//! (motorways, trunks, construction, proposed …), is not tagged `foot=no`, and is not
//! `access=private`/`access=no` unless `foot` is `yes`, `designated` or `permissive`.
//! Ways connect at shared nodes and at distinct nodes with identical coordinates (the
//! network merges equal coordinates). A closed way (`area=yes` squares included) is walked
//! along its outline. An extract clipped at its edge has ways whose nodes are partly
//! missing: such a way keeps each run of two or more consecutive nodes that are present,
//! and the layer's notes count the ways so cut.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, Geometry, LineString, MultiLineString};
use osmpbf::{Element, ElementReader};

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};
use crate::text::t;

const NOT_WALKABLE: &[&str] = &[
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "construction",
    "proposed",
    "planned",
    "abandoned",
    "razed",
    "raceway",
    "bus_guideway",
];

/// Whether a way with these tags may be walked.
pub fn walkable<'t>(tags: impl Iterator<Item = (&'t str, &'t str)>) -> Option<String> {
    let (mut highway, mut foot, mut access) = (None, None, None);
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "foot" => foot = Some(v),
            "access" => access = Some(v),
            _ => {}
        }
    }
    let highway = highway.filter(|h| !NOT_WALKABLE.contains(h))?;
    if foot == Some("no") {
        return None;
    }
    let foot_allowed = matches!(foot, Some("yes" | "designated" | "permissive"));
    if matches!(access, Some("private" | "no")) && !foot_allowed {
        return None;
    }
    Some(highway.to_string())
}

struct Way {
    id: i64,
    highway: String,
    refs: Vec<i64>,
}

pub fn read(path: &Path) -> Result<RawLayer, PlanError> {
    let name = path.display().to_string();
    let reader = ElementReader::from_path(path)
        .map_err(|e| PlanError::Parse(name.clone(), e.to_string()))?;
    let mut nodes: HashMap<i64, (i32, i32)> = HashMap::new();
    let mut ways: Vec<Way> = Vec::new();
    reader
        .for_each(|element| match element {
            Element::Node(n) => {
                nodes.insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
            }
            Element::DenseNode(n) => {
                nodes.insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
            }
            Element::Way(w) => {
                if let Some(highway) = walkable(w.tags()) {
                    ways.push(Way {
                        id: w.id(),
                        highway,
                        refs: w.refs().collect(),
                    });
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(|e| PlanError::Parse(name.clone(), e.to_string()))?;
    let mut cut = 0;
    let features = ways
        .into_iter()
        .enumerate()
        .map(|(index, way)| {
            let (runs, was_cut) = present_runs(&way.refs, &nodes);
            cut += usize::from(was_cut);
            let geometry = match runs.len() {
                0 => Err("the way has fewer than two of its nodes inside the extract".to_string()),
                1 => Ok(Geometry::LineString(
                    runs.into_iter()
                        .next()
                        .unwrap_or_else(|| LineString::new(vec![])),
                )),
                _ => Ok(Geometry::MultiLineString(MultiLineString(runs))),
            };
            let values = vec![
                Value::Text(format!("w{}", way.id)),
                Value::Text(way.highway),
            ];
            RawFeature::new(index, geometry, values)
        })
        .collect();
    let mut notes = Vec::new();
    if cut > 0 {
        notes.push(t!(
            "{}：{} 条道路在提取范围边界被截断，只保留范围内的部分",
            "{}: {} ways are cut at the extract's edge; their parts inside it are kept",
            name,
            cut
        ));
    }
    Ok(RawLayer {
        fields: vec!["id".into(), "highway".into()],
        features,
        crs: Some("EPSG:4326".into()),
        encoding: None,
        notes,
    })
}

/// The runs of two or more consecutive nodes present in the extract, in lon/lat, and
/// whether any node was missing.
fn present_runs(refs: &[i64], nodes: &HashMap<i64, (i32, i32)>) -> (Vec<LineString<f64>>, bool) {
    let mut runs = Vec::new();
    let mut run: Vec<Coord<f64>> = Vec::new();
    let mut missing = false;
    for r in refs {
        match nodes.get(r) {
            Some(&(lon, lat)) => run.push(Coord {
                x: f64::from(lon) / 1e7,
                y: f64::from(lat) / 1e7,
            }),
            None => {
                missing = true;
                if run.len() >= 2 {
                    runs.push(LineString(std::mem::take(&mut run)));
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        runs.push(LineString(run));
    }
    (runs, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(tags: &[(&'static str, &'static str)]) -> Option<String> {
        walkable(tags.iter().copied())
    }

    #[test]
    fn walkability_follows_the_data_model() {
        assert_eq!(w(&[("highway", "footway")]).as_deref(), Some("footway"));
        assert_eq!(w(&[("highway", "motorway")]), None);
        assert_eq!(w(&[("highway", "trunk_link")]), None);
        assert_eq!(w(&[("building", "yes")]), None);
        assert_eq!(w(&[("highway", "path"), ("foot", "no")]), None);
        assert_eq!(w(&[("highway", "service"), ("access", "private")]), None);
        assert_eq!(
            w(&[
                ("highway", "service"),
                ("access", "no"),
                ("foot", "designated")
            ])
            .as_deref(),
            Some("service")
        );
        assert_eq!(
            w(&[
                ("highway", "service"),
                ("access", "private"),
                ("foot", "permissive")
            ])
            .as_deref(),
            Some("service")
        );
    }

    #[test]
    fn clipped_ways_keep_runs_of_two_or_more_present_nodes() {
        let nodes: HashMap<i64, (i32, i32)> = [
            (1, (0, 0)),
            (2, (10, 0)),
            (4, (30, 0)),
            (5, (40, 0)),
            (6, (50, 0)),
        ]
        .into();
        // 1 2 [3 missing] 4 5 6 [7 missing] → runs [1 2] and [4 5 6].
        let (runs, cut) = present_runs(&[1, 2, 3, 4, 5, 6, 7], &nodes);
        assert!(cut);
        assert_eq!(
            runs.iter().map(|r| r.0.len()).collect::<Vec<_>>(),
            vec![2, 3]
        );
        // A lone present node between missing ones is no run.
        let (runs, _) = present_runs(&[3, 1, 7], &nodes);
        assert!(runs.is_empty());
    }
}

//! The roads layer: line geometry (LineString / MultiLineString) moved into the working
//! CRS. Ids are optional; a feature that is not a line is rejected with the reason.

use geo::{Geometry, LineString};

use super::features::place;
use crate::crs::Transformer;
use crate::model::Rejection;
use crate::read::RawLayer;
use crate::text::t;

pub fn lines(raw: RawLayer, transform: &Transformer) -> (Vec<LineString<f64>>, Vec<Rejection>) {
    let id_col = raw.field("id");
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for f in raw.features {
        let id = f.text(id_col);
        let lines = if f.deleted {
            Err(t!(
                "记录在 .dbf 中已标记删除",
                "the record is marked deleted in the .dbf"
            ))
        } else {
            match f.geometry.clone().and_then(|g| place(g, transform)) {
                Ok(Geometry::LineString(ls)) => Ok(vec![ls]),
                Ok(Geometry::MultiLineString(mls)) => Ok(mls.0),
                Ok(Geometry::Line(l)) => Ok(vec![LineString::from(vec![l.start, l.end])]),
                Ok(_) => Err(t!(
                    "道路应为线（LineString / MultiLineString）",
                    "a road must be a LineString or MultiLineString"
                )),
                Err(e) => Err(t!("几何无效：{}", "invalid geometry: {}", e)),
            }
        };
        // A line of one point, or of one point repeated, walks nowhere.
        let lines = lines.and_then(|ls| {
            let usable: Vec<LineString<f64>> = ls
                .into_iter()
                .filter(|l| l.0.windows(2).any(|w| w[0] != w[1]))
                .collect();
            if usable.is_empty() {
                Err(t!(
                    "道路线至少需要两个不同的点",
                    "a road line needs two distinct points"
                ))
            } else {
                Ok(usable)
            }
        });
        match lines {
            Ok(lines) => out.extend(lines),
            Err(reason) => rejected.push(Rejection {
                index: f.index,
                id,
                field: None,
                reason,
            }),
        }
    }
    (out, rejected)
}

//! The map: units outlined, compounds filled by their worst result (hover for the
//! finding), facilities as symbols, and the walking service areas (or the circles when
//! there are no roads), as inline SVG in the working CRS.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use geo::{BoundingRect, Centroid, Coord, Rect};

use super::frame::{lines, Frame, WIDTH};
use super::{badness, esc};
use crate::model::Finding;
use crate::model::{FacilityKind, Layer, Severity, Status, UnitLevel};
use crate::report::{Geometries, Report};
use crate::text::Lang;

fn colour(badness: u8) -> &'static str {
    match badness {
        6 => "#d73027",
        5 => "#fc8d59",
        4 => "#fee08b",
        3 => "#bdbdbd",
        2 => "#d9d9d9",
        1 => "#1a9850",
        _ => "#f0f0f0",
    }
}

/// Up to this many compounds, a compound's hover title carries its worst finding's
/// message; above, its name, id and rule only (the tables have the messages), so that
/// the map of a large city stays a few megabytes.
const DETAILED_TITLES: usize = 2_000;

pub(super) fn map(o: &mut String, r: &Report, shapes: &Geometries, lang: Lang) {
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let Some(frame) = Frame::new(shapes) else {
        let _ = writeln!(
            o,
            "<p class=\"more\">{}</p>",
            tr("没有可绘制的几何", "nothing to draw")
        );
        return;
    };
    // The worst finding of each compound, and the findings of each unit and facility.
    let mut worst: BTreeMap<usize, &Finding> = BTreeMap::new();
    for f in &r.findings {
        if let (Layer::Compounds, Some(i)) = (f.subject.layer, f.subject.index) {
            let e = worst.entry(i).or_insert(f);
            if badness(f) > badness(e) {
                *e = f;
            }
        }
    }
    let _ = writeln!(
        o,
        "<figure><svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH:.0} {:.0}\" role=\"img\" aria-label=\"{}\">",
        frame.height,
        tr("规划地图", "plan map")
    );
    // Service areas under everything: walked stretches of road, else circles.
    if let Some(areas) = &r.service_areas {
        let d = lines(
            areas
                .iter()
                .filter(|a| {
                    frame.sees(Some(Rect::new(
                        Coord {
                            x: a.from[0],
                            y: a.from[1],
                        },
                        Coord {
                            x: a.to[0],
                            y: a.to[1],
                        },
                    )))
                })
                .map(|a| {
                    (
                        frame.px(Coord {
                            x: a.from[0],
                            y: a.from[1],
                        }),
                        frame.px(Coord {
                            x: a.to[0],
                            y: a.to[1],
                        }),
                    )
                }),
        );
        let _ = writeln!(
            o,
            "<path d=\"{d}\" stroke=\"#4393c3\" stroke-opacity=\"0.55\" stroke-width=\"{:.1}\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
            // A stroke some 60 m wide, between 1 and 4 pixels.
            (60.0 * frame.scale).clamp(1.0, 4.0)
        );
    } else if let Some((distance, qualifying)) = &shapes.circle {
        o.push_str(
            "<g fill=\"#4393c3\" fill-opacity=\"0.08\" stroke=\"#4393c3\" stroke-opacity=\"0.4\">",
        );
        for &f in qualifying {
            let (x, y) = frame.px(shapes.facility_points[f].0);
            let _ = write!(
                o,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/>",
                distance * frame.scale
            );
        }
        o.push_str("</g>\n");
    }
    // Units, outlined; the lower the level, the finer the line.
    for (i, mp) in shapes.units.iter().enumerate() {
        if !frame.sees(mp.bounding_rect()) {
            continue;
        }
        let Some(d) = frame.path(mp) else { continue };
        let (id, name, level) = &shapes.unit_names[i];
        let width = match level.rank() {
            0 => 2.5,
            1 => 1.6,
            2 => 1.0,
            _ => 0.6,
        };
        let _ = writeln!(
            o,
            "<path d=\"{d}\" fill=\"none\" stroke=\"#555\" stroke-width=\"{width}\" stroke-dasharray=\"{}\"><title>{} ({}, {})</title></path>",
            if level.rank() >= 3 { "4 3" } else { "none" },
            esc(name),
            esc(id),
            level_name(*level, zh)
        );
    }
    // Compounds, filled by their worst result.
    o.push_str("<g fill-opacity=\"0.85\" stroke=\"#333\" stroke-width=\"0.4\">\n");
    for (i, mp) in shapes.compounds.iter().enumerate() {
        if !frame.sees(mp.bounding_rect()) {
            continue;
        }
        let (id, name) = &shapes.compound_names[i];
        let f = worst.get(&i);
        let fill = colour(f.map_or(0, |f| badness(f)));
        let title = match f {
            Some(f) if shapes.whole_compounds > DETAILED_TITLES => {
                format!("{} ({}) — {}", esc(name), esc(id), f.rule)
            }
            Some(f) => format!(
                "{} ({}) — {}: {}",
                esc(name),
                esc(id),
                f.rule,
                esc(&f.message(lang))
            ),
            None => format!("{} ({})", esc(name), esc(id)),
        };
        match frame.path(mp) {
            Some(d) => {
                let _ = writeln!(
                    o,
                    "<path d=\"{d}\" fill=\"{fill}\"><title>{title}</title></path>"
                );
            }
            // Smaller than a pixel: a dot, so it is not lost.
            None => {
                let c = mp.centroid().map_or(
                    Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    },
                    |c| c.0,
                );
                let (x, y) = frame.px(c);
                let _ = writeln!(
                    o,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"1.5\" height=\"1.5\" fill=\"{fill}\" stroke=\"none\"><title>{title}</title></rect>",
                    x - 0.75,
                    y - 0.75
                );
            }
        }
    }
    o.push_str("</g>\n");
    // Facilities: community places as dots, institutions as squares, village homes as
    // triangles; the more there are, the smaller (4 px alone, 1.5 px in a crowd).
    let on_map: Vec<(usize, (f64, f64))> = shapes
        .facility_points
        .iter()
        .enumerate()
        .map(|(i, p)| (i, frame.px(p.0)))
        .filter(|(_, (x, y))| (0.0..=WIDTH).contains(x) && (0.0..=frame.height).contains(y))
        .collect();
    let k = (0.12 * (WIDTH * frame.height / on_map.len().max(1) as f64).sqrt()).clamp(1.5, 4.0);
    let _ = write!(o, "<g stroke=\"#fff\" stroke-width=\"{:.2}\">", k / 4.0);
    for &(i, (x, y)) in &on_map {
        let (id, name, kind) = &shapes.facility_names[i];
        let title = format!(
            "<title>{} ({}, {})</title>",
            esc(name),
            esc(id),
            kind.name()
        );
        let _ = match kind {
            FacilityKind::CommunityStation | FacilityKind::DayCare | FacilityKind::StreetCenter => writeln!(
                o,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{k:.1}\" fill=\"#2166ac\">{title}</circle>"
            ),
            FacilityKind::RuralHome => writeln!(
                o,
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"#35978f\">{title}</polygon>",
                x,
                y - 1.25 * k,
                x - 1.1 * k,
                y + k,
                x + 1.1 * k,
                y + k
            ),
            _ => writeln!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#762a83\">{title}</rect>",
                x - 1.1 * k,
                y - 1.1 * k,
                2.2 * k,
                2.2 * k
            ),
        };
    }
    o.push_str("</g>\n");
    // The new facilities of a fix, ringed: where to build.
    let new: Vec<(&str, String)> = r
        .remedy
        .iter()
        .flat_map(|m| &m.lines)
        .filter(|l| l.action == "add")
        .map(|l| {
            (
                l.facility_id.as_str(),
                format!("{} {}", l.id, l.said.get(lang)),
            )
        })
        .collect();
    if !new.is_empty() {
        o.push_str("<g fill=\"none\" stroke=\"#e66101\" stroke-width=\"2\">");
        for (id, said) in &new {
            let Some(i) = shapes.facility_names.iter().position(|(f, _, _)| f == id) else {
                continue;
            };
            let (x, y) = frame.px(shapes.facility_points[i].0);
            let _ = writeln!(
                o,
                "<circle class=\"new-site\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"><title>{}</title></circle>",
                (2.5 * k).max(6.0),
                esc(said)
            );
        }
        o.push_str("</g>\n");
    }
    o.push_str("</svg>\n");
    // The legend's words are the report's own for statuses and severities.
    let failing = |s: Severity| {
        let fail = Status::Fail.label();
        let (fail, s) = (fail.get(lang), s.label());
        match lang {
            Lang::Zh => format!("{fail}（{}）", s.get(lang)),
            Lang::En => format!("{fail} ({})", s.get(lang)),
        }
    };
    let _ = writeln!(
        o,
        "<figcaption class=\"legend\">\
         <span><i style=\"background:#d73027\"></i>{}</span><span><i style=\"background:#fc8d59\"></i>{}</span>\
         <span><i style=\"background:#fee08b\"></i>{}</span><span><i style=\"background:#bdbdbd\"></i>{}</span>\
         <span><i style=\"background:#1a9850\"></i>{}</span>\
         <span><i style=\"background:#2166ac;border-radius:6px\"></i>{}</span><span><i style=\"background:#762a83\"></i>{}</span>\
         <span><i style=\"background:#4393c3;opacity:.5\"></i>{}</span>{}</figcaption></figure>",
        failing(Severity::Error),
        failing(Severity::Warning),
        Status::Pending.label().get(lang),
        Status::InsufficientData.label().get(lang),
        Status::Pass.label().get(lang),
        tr("社区养老服务设施", "community facility"),
        tr("养老机构", "institution"),
        if r.service_areas.is_some() {
            tr("步行服务范围", "walking service area")
        } else {
            tr("服务半径（直线）", "service radius (straight line)")
        },
        if new.is_empty() {
            String::new()
        } else {
            format!(
                "<span><i style=\"border:2px solid #e66101;border-radius:6px;background:none\"></i>{}</span>",
                tr("整改新建设施", "new facility (remedy)")
            )
        }
    );
}

fn level_name(level: UnitLevel, zh: bool) -> &'static str {
    let (a, b) = match level {
        UnitLevel::City => ("市", "city"),
        UnitLevel::County => ("县", "county"),
        UnitLevel::District => ("区", "district"),
        UnitLevel::Street => ("街道", "street"),
        UnitLevel::Town => ("乡镇", "town"),
        UnitLevel::Community => ("社区", "community"),
        UnitLevel::Village => ("行政村", "village"),
    };
    if zh {
        a
    } else {
        b
    }
}

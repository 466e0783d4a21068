//! Which CRS a layer is in when nobody says, where a plan lies, and whether a working CRS
//! measures in metres.

use geo::{Coord, Rect};

use super::{CrsSpec, Transformer};

/// The layer's CRS: plan.toml, else the file's own (`.prj`, GeoJSON `crs`), else lon/lat
/// for GeoJSON (RFC 7946) and for a shapefile whose coordinates all look like lon/lat.
/// `missing` says what the file lacks when none of these gives it (`no .prj`).
pub fn layer_crs(
    stated: Option<&str>,
    boxes: &[Rect<f64>],
    missing: &str,
) -> Result<CrsSpec, String> {
    if let Some(s) = stated {
        return Ok(CrsSpec::parse(s));
    }
    // GeoJSON is lon/lat by RFC 7946, and a shapefile without .prj often is; but a file in
    // metres that says nothing must not be read as degrees. Most features in range decide
    // (a few stray ones are then rejected one by one).
    let in_range = boxes
        .iter()
        .filter(|r| {
            r.min().x >= -180.0 && r.max().x <= 180.0 && r.min().y >= -90.0 && r.max().y <= 90.0
        })
        .count();
    if boxes.is_empty() || 2 * in_range >= boxes.len() {
        return Ok(CrsSpec::LonLat);
    }
    Err(format!(
        "{missing} and the coordinates are not lon/lat: set crs = \"EPSG:…\" under [layers.<layer>] in plan.toml"
    ))
}

/// The working CRS must measure in metres: 0.01° of latitude at the plan's centre
/// (about 1,110 m anywhere on Earth) must come out between 900 and 1,300 units.
pub fn check_metric(working: &str, lon: f64, lat: f64) -> Result<(), String> {
    let t = Transformer::new(&CrsSpec::LonLat, working)?;
    let mut c = [
        Coord {
            x: lon,
            y: lat - 0.005,
        },
        Coord {
            x: lon,
            y: lat + 0.005,
        },
    ];
    t.transform(&mut c);
    let d = (c[1].x - c[0].x).hypot(c[1].y - c[0].y);
    if (900.0..=1300.0).contains(&d) {
        Ok(())
    } else {
        Err(format!(
            "working CRS {working} does not measure in metres near the plan (0.01° of latitude is {d} of its units): choose a projected CRS such as the CGCS2000 Gauss–Krüger zone"
        ))
    }
}

/// The centre of a layer, in lon/lat, to choose the working CRS: the coordinate-wise
/// median of its features' box centres, so that a few features with wild coordinates
/// (which are then rejected one by one) cannot move the plan to another zone.
pub fn centre_lonlat(boxes: &[Rect<f64>], crs: &CrsSpec) -> Result<(f64, f64), String> {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = boxes
        .iter()
        .map(|r| r.center())
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .map(|c| (c.x, c.y))
        .unzip();
    if xs.is_empty() {
        return Err("the layer has no readable geometry to place the plan".into());
    }
    let median = |v: &mut Vec<f64>| {
        let mid = v.len() / 2;
        *v.select_nth_unstable_by(mid, f64::total_cmp).1
    };
    let mut c = [Coord {
        x: median(&mut xs),
        y: median(&mut ys),
    }];
    Transformer::new(crs, "EPSG:4326")?.transform(&mut c);
    if !(c[0].x.is_finite() && c[0].y.is_finite()) {
        return Err("cannot find the plan's centre in lon/lat: are the coordinates in the CRS the layer says?".into());
    }
    Ok((c[0].x, c[0].y))
}

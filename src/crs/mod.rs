//! Place: every layer's coordinates move into one metric working CRS before anything is
//! measured. PROJ does the geodesy; GCJ-02 and BD-09, which PROJ does not know, are first
//! undone to WGS 84 by [`gcj02`].

pub mod detect;
pub mod gcj02;
mod pipelines;
mod proj_data;

use geo::{Coord, Geometry, Polygon};

pub use pipelines::CrsRecord;
pub use proj_data::dir as proj_data_dir;

/// The name, id and WKT of a CRS PROJ knows (`EPSG:4547`, a PROJ string, WKT).
pub fn crs_record(def: &str) -> Result<CrsRecord, String> {
    pipelines::describe(def, proj_data_dir()?)
}

/// A layer's coordinate reference system, as a user or a file states it.
#[derive(Debug, Clone, PartialEq)]
pub enum CrsSpec {
    /// WGS 84 lon/lat (GeoJSON's RFC 7946); CGCS2000 lon/lat is the same within a metre.
    LonLat,
    /// GCJ-02 lon/lat (AMap, Tencent).
    Gcj02,
    /// BD-09 lon/lat (Baidu).
    Bd09,
    /// Anything PROJ reads: `EPSG:4547`, a PROJ string, WKT (a `.prj`).
    Proj(String),
}

impl CrsSpec {
    pub fn parse(s: &str) -> CrsSpec {
        let t = s.trim();
        let up = t.to_ascii_uppercase().replace(['_', ' '], "-");
        match up.as_str() {
            "GCJ-02" | "GCJ02" | "GCJ" => CrsSpec::Gcj02,
            "BD-09" | "BD09" | "BD09LL" | "BAIDU" => CrsSpec::Bd09,
            "WGS84" | "WGS-84" | "EPSG:4326" | "OGC:CRS84" | "LONLAT" | "CRS84" => CrsSpec::LonLat,
            _ => CrsSpec::Proj(t.to_string()),
        }
    }

    /// A short description for reports (WKT is cut to its name).
    pub fn describe(&self) -> String {
        match self {
            CrsSpec::LonLat => "EPSG:4326".into(),
            CrsSpec::Gcj02 => "GCJ-02".into(),
            CrsSpec::Bd09 => "BD-09".into(),
            CrsSpec::Proj(s) if s.len() > 80 => wkt_name(s)
                .unwrap_or_else(|| format!("{}…", s.chars().take(80).collect::<String>())),
            CrsSpec::Proj(s) => s.clone(),
        }
    }

    /// The definition PROJ is handed for the lon/lat side (after undoing an offset system).
    fn proj_source(&self) -> &str {
        match self {
            CrsSpec::LonLat | CrsSpec::Gcj02 | CrsSpec::Bd09 => "EPSG:4326",
            CrsSpec::Proj(s) => s,
        }
    }
}

fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_string())
}

/// The default working CRS for a plan centred at (lon, lat): the CGCS2000 3-degree
/// Gauss–Krüger zone (EPSG:4534–4554, central meridians 75°E–135°E) inside China's
/// extent, UTM (WGS 84) elsewhere.
pub fn working_crs_for(lon: f64, lat: f64) -> String {
    if (73.5..=136.5).contains(&lon) && (3.0..=54.0).contains(&lat) {
        let cm = (lon / 3.0).round() as i32 * 3;
        return format!("EPSG:{}", 4534 + (cm - 75) / 3);
    }
    let zone = (((lon + 180.0) / 6.0).floor() as i32).clamp(0, 59) + 1;
    format!("EPSG:{}{zone:02}", if lat >= 0.0 { 326 } else { 327 })
}

/// Moves coordinates from one CRS into another. It holds no PROJ object itself, so it is
/// shared freely between threads: each thread makes its own PROJ context and
/// transformation for a pair of CRSs once, on first use, and keeps it for the process
/// ([`with_operation`]); PROJ's database is opened only for pairs beyond the common zones,
/// once per pair, never per feature.
pub struct Transformer {
    offset: Option<CrsSpec>,
    /// PROJ's source and target definitions, when they differ.
    proj: Option<(String, String)>,
}

/// One transformation: from a written pipeline, or from PROJ's database. A coordinate
/// PROJ cannot transform becomes infinite, and spoils only itself.
type Operation = pipelines::Pipeline;

/// A pair of CRSs, as PROJ is given them: (source, target).
type Pair = (String, String);

thread_local! {
    /// This thread's transformations, by (source, target) definition.
    static OPERATIONS: std::cell::RefCell<Vec<(Pair, std::rc::Rc<Operation>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The PROJ pipeline of each pair of CRSs already looked up in PROJ's database by some
/// thread (`None`: the pair has no single pipeline, each thread looks it up itself).
static LOOKED_UP: std::sync::Mutex<Vec<(Pair, Option<String>)>> = std::sync::Mutex::new(Vec::new());

/// A new transformation from `src` to `to`: from its written pipeline when it is one of
/// the common Gauss–Krüger and UTM zones ([`pipelines`]: no database at all), else from
/// PROJ's database, looked up once per pair and process.
fn make_operation(src: &str, to: &str) -> Result<Operation, String> {
    if let Some(p) = pipelines::known(src, to).and_then(|d| pipelines::Pipeline::new(&d)) {
        return Ok(p);
    }
    let key = (src.to_string(), to.to_string());
    // Held while looking up, so that the database is queried once per pair.
    let mut looked_up = LOOKED_UP.lock().unwrap_or_else(|e| e.into_inner());
    let dir = proj_data_dir()?;
    let known = looked_up
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, p)| p.clone());
    if let Some(def) = known {
        return pipelines::Pipeline::from_definition(&def, dir);
    }
    let op = pipelines::Pipeline::looked_up(src, to, dir)?;
    // One pipeline ("proj=pipeline …", "proj=noop …") is shared; a choice among several
    // operations by area ("unavailable until proj_trans is called") is not.
    looked_up.push((key, op.definition()));
    Ok(op)
}

/// Runs `f` with this thread's transformation from `src` to `to`, made on first use.
fn with_operation<T>(src: &str, to: &str, f: impl FnOnce(&Operation) -> T) -> Result<T, String> {
    let cached = OPERATIONS.with(|c| {
        c.borrow()
            .iter()
            .find(|((s, t), _)| s == src && t == to)
            .map(|(_, p)| p.clone())
    });
    let op = match cached {
        Some(p) => p,
        None => {
            let p = std::rc::Rc::new(make_operation(src, to)?);
            OPERATIONS.with(|c| {
                c.borrow_mut()
                    .push(((src.to_string(), to.to_string()), p.clone()))
            });
            p
        }
    };
    Ok(f(&op))
}

impl Transformer {
    pub fn new(from: &CrsSpec, to: &str) -> Result<Transformer, String> {
        let offset = matches!(from, CrsSpec::Gcj02 | CrsSpec::Bd09).then(|| from.clone());
        let src = from.proj_source();
        if src.trim().eq_ignore_ascii_case(to.trim()) {
            return Ok(Transformer { offset, proj: None });
        }
        // Made here once, so that a CRS PROJ does not know is told now, naming the layer.
        with_operation(src, to, |_| ()).map_err(|e| {
            format!(
                "PROJ cannot transform from {} to {to}: {e}",
                from.describe()
            )
        })?;
        Ok(Transformer {
            offset,
            proj: Some((src.to_string(), to.to_string())),
        })
    }

    /// Transforms in place. A coordinate PROJ cannot transform becomes non-finite; the
    /// caller rejects the feature that holds it.
    pub fn transform(&self, coords: &mut [Coord<f64>]) {
        if let Some(spec) = &self.offset {
            for c in coords.iter_mut() {
                let (x, y) = match spec {
                    CrsSpec::Gcj02 => gcj02::gcj02_to_wgs84(c.x, c.y),
                    _ => gcj02::bd09_to_wgs84(c.x, c.y),
                };
                *c = Coord { x, y };
            }
        }
        let Some((src, to)) = &self.proj else {
            return;
        };
        let done = with_operation(src, to, |op| op.transform(coords));
        if done.is_err() {
            // This thread could not make the transformation that another one made: nothing
            // is moved, and every coordinate is marked unusable rather than left unmoved.
            coords.iter_mut().for_each(|c| {
                *c = Coord {
                    x: f64::NAN,
                    y: f64::NAN,
                }
            });
        }
    }

    /// Transforms a geometry in place, one coordinate array per ring or line.
    pub fn transform_geometry(&self, g: &mut Geometry<f64>) {
        if self.is_identity() {
            return;
        }
        match g {
            Geometry::Point(p) => self.transform(std::slice::from_mut(&mut p.0)),
            Geometry::Line(l) => {
                let mut c = [l.start, l.end];
                self.transform(&mut c);
                (l.start, l.end) = (c[0], c[1]);
            }
            Geometry::LineString(ls) => self.transform(&mut ls.0),
            Geometry::Polygon(p) => self.transform_polygon(p),
            Geometry::MultiPoint(mp) => {
                mp.0.iter_mut()
                    .for_each(|p| self.transform(std::slice::from_mut(&mut p.0)))
            }
            Geometry::MultiLineString(mls) => {
                mls.0.iter_mut().for_each(|ls| self.transform(&mut ls.0))
            }
            Geometry::MultiPolygon(mp) => mp.0.iter_mut().for_each(|p| self.transform_polygon(p)),
            Geometry::GeometryCollection(gc) => {
                gc.0.iter_mut().for_each(|g| self.transform_geometry(g))
            }
            Geometry::Rect(_) | Geometry::Triangle(_) => {
                let mut as_polygon = match g {
                    Geometry::Rect(r) => r.to_polygon(),
                    Geometry::Triangle(t) => t.to_polygon(),
                    _ => return,
                };
                self.transform_polygon(&mut as_polygon);
                *g = Geometry::Polygon(as_polygon);
            }
        }
    }

    fn transform_polygon(&self, p: &mut Polygon<f64>) {
        p.exterior_mut(|ring| self.transform(&mut ring.0));
        p.interiors_mut(|rings| {
            rings
                .iter_mut()
                .for_each(|ring| self.transform(&mut ring.0))
        });
    }

    pub fn is_identity(&self) -> bool {
        self.offset.is_none() && self.proj.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_crs_is_the_gauss_kruger_zone_of_the_centre() {
        assert_eq!(working_crs_for(114.35, 36.10), "EPSG:4547"); // Anyang, CM 114°E
        assert_eq!(working_crs_for(115.65, 34.41), "EPSG:4548"); // Shangqiu, CM 117°E
        assert_eq!(working_crs_for(2.35, 48.85), "EPSG:32631"); // Paris, UTM 31N
    }

    #[test]
    fn specs_parse_offset_systems_and_codes() {
        assert_eq!(CrsSpec::parse("gcj-02"), CrsSpec::Gcj02);
        assert_eq!(CrsSpec::parse("BD09"), CrsSpec::Bd09);
        assert_eq!(CrsSpec::parse("EPSG:4326"), CrsSpec::LonLat);
        assert_eq!(
            CrsSpec::parse("EPSG:4547"),
            CrsSpec::Proj("EPSG:4547".into())
        );
    }

    /// PROJ 9.5.1's values for the Anyang seat (shared/data/crs/cgcs2000-gk-pairs.csv).
    #[test]
    fn cgcs2000_to_gauss_kruger_matches_proj_published_values() {
        let t = Transformer::new(&CrsSpec::Proj("EPSG:4490".into()), "EPSG:4547").unwrap();
        let mut c = [Coord {
            x: 114.35005187988281,
            y: 36.09685134887695,
        }];
        t.transform(&mut c);
        assert!((c[0].x - 531523.3918).abs() < 0.001, "{:?}", c[0]);
        assert!((c[0].y - 3996346.0201).abs() < 0.001, "{:?}", c[0]);
        let t = Transformer::new(&CrsSpec::Proj("EPSG:4490".into()), "EPSG:4526").unwrap();
        let mut c = [Coord {
            x: 114.35005187988281,
            y: 36.09685134887695,
        }];
        t.transform(&mut c);
        assert!(
            (c[0].x - 38531523.3918).abs() < 0.001 && (c[0].y - 3996346.0201).abs() < 0.001,
            "{:?}",
            c[0]
        );
    }

    /// A GCJ-02 point is undone to WGS 84 before projecting: the same place as its WGS 84 twin.
    #[test]
    fn gcj02_points_land_where_their_wgs84_twins_do() {
        // coordtransform's published pair: WGS 84 (116.404, 39.915) ↔ GCJ-02 (116.41024449916938, 39.91640428150164).
        let to = "EPSG:4548";
        let mut a = [Coord {
            x: 116.41024449916938,
            y: 39.91640428150164,
        }];
        Transformer::new(&CrsSpec::Gcj02, to)
            .unwrap()
            .transform(&mut a);
        let mut b = [Coord {
            x: 116.404,
            y: 39.915,
        }];
        Transformer::new(&CrsSpec::LonLat, to)
            .unwrap()
            .transform(&mut b);
        let d = ((a[0].x - b[0].x).powi(2) + (a[0].y - b[0].y).powi(2)).sqrt();
        assert!(d < 0.05, "{d} m apart");
    }
}

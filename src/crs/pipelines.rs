//! The PROJ pipelines of the transformations nearly every plan needs — WGS 84 or CGCS2000
//! lon/lat to and from the CGCS2000 Gauss–Krüger zones and the WGS 84 UTM zones — written
//! out, so that a run does not open PROJ's database for them (a fresh process spends
//! 40–60 ms there, more than the rules of a 10k-compound city). They are PROJ's own: a
//! test compares every one with what PROJ 9.6 builds from its database.

use std::ffi::{CStr, CString};
use std::path::Path;

use geo::Coord;
use proj_sys::{
    proj_as_wkt, proj_context_create, proj_context_destroy, proj_context_errno,
    proj_context_errno_string, proj_context_set_search_paths, proj_create, proj_create_argv,
    proj_create_crs_to_crs, proj_destroy, proj_get_id_auth_name, proj_get_id_code, proj_get_name,
    proj_is_crs, proj_log_level, proj_normalize_for_visualization, proj_pj_info,
    proj_trans_generic, PJconsts, PJ_CONTEXT, PJ_DIRECTION_PJ_FWD, PJ_LOG_LEVEL_PJ_LOG_NONE,
    PJ_WKT_TYPE_PJ_WKT1_GDAL, PJ_WKT_TYPE_PJ_WKT2_2019,
};

/// One PROJ transformation in a context of its own: made from a written pipeline (no
/// database at all), or looked up in PROJ's database. Each is destroyed with its context,
/// also when PROJ refuses to make it (the `proj` crate leaks the context then: fuzzing
/// found 800 bytes a failed lookup, and an open database).
pub struct Pipeline {
    ctx: *mut PJ_CONTEXT,
    pj: *mut PJconsts,
}

/// A fresh context that logs nothing (planlint says what went wrong in its own words),
/// reading PROJ's data from `dir` when given.
fn context(dir: Option<&Path>) -> Result<*mut PJ_CONTEXT, String> {
    // SAFETY: a new context, configured before any use.
    unsafe {
        let ctx = proj_context_create();
        if ctx.is_null() {
            return Err("PROJ could not make a context".into());
        }
        proj_log_level(ctx, PJ_LOG_LEVEL_PJ_LOG_NONE);
        if let Some(dir) = dir {
            let path = CString::new(dir.to_string_lossy().as_bytes())
                .map_err(|_| format!("PROJ data folder {}: a NUL in its name", dir.display()))?;
            let paths = [path.as_ptr()];
            proj_context_set_search_paths(ctx, 1, paths.as_ptr());
        }
        Ok(ctx)
    }
}

/// What PROJ says went wrong in `ctx`, which is then destroyed.
///
/// # Safety
/// `ctx` is a live context no one else holds.
unsafe fn failed(ctx: *mut PJ_CONTEXT) -> String {
    let text = proj_context_errno_string(ctx, proj_context_errno(ctx));
    let why = if text.is_null() {
        "PROJ refused it".to_string()
    } else {
        CStr::from_ptr(text).to_string_lossy().into_owned()
    };
    proj_context_destroy(ctx);
    why
}

/// A CRS as a GeoPackage's `gpkg_spatial_ref_sys` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct CrsRecord {
    pub name: String,
    /// Its authority and code (`EPSG`, 4547), when it has them.
    pub id: Option<(String, i64)>,
    /// OGC WKT 1 as GDAL writes it; WKT 2 for a CRS WKT 1 cannot say.
    pub wkt: String,
}

/// What PROJ (its database in `dir`) knows of the CRS `def`: its name, id and WKT.
pub fn describe(def: &str, dir: &Path) -> Result<CrsRecord, String> {
    // A PROJ string is a CRS when it says so; a user's "+proj=tmerc …" means one.
    let crs_string = def.trim_start().starts_with("+proj=") && !def.contains("type=crs");
    let def = &if crs_string {
        format!("{def} +type=crs")
    } else {
        def.to_string()
    };
    let def_c = CString::new(def.as_str()).map_err(|_| format!("'{def}' holds a NUL character"))?;
    let ctx = context(Some(dir))?;
    let text = |p: *const std::os::raw::c_char| {
        // SAFETY: PROJ's strings live as long as their object, and are copied at once.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    // SAFETY: `ctx` is ours; every object made is destroyed before the context.
    unsafe {
        let pj = proj_create(ctx, def_c.as_ptr());
        if pj.is_null() {
            let why = failed(ctx);
            return Err(if why.starts_with("Unknown error") {
                "PROJ does not know this CRS".to_string()
            } else {
                why
            });
        }
        let record = if proj_is_crs(pj) == 0 {
            Err(format!("'{def}' is not a coordinate reference system"))
        } else {
            let wkt = text(proj_as_wkt(
                ctx,
                pj,
                PJ_WKT_TYPE_PJ_WKT1_GDAL,
                std::ptr::null(),
            ))
            .or_else(|| {
                text(proj_as_wkt(
                    ctx,
                    pj,
                    PJ_WKT_TYPE_PJ_WKT2_2019,
                    std::ptr::null(),
                ))
            });
            let auth = text(proj_get_id_auth_name(pj, 0));
            let code = text(proj_get_id_code(pj, 0)).and_then(|c| c.parse().ok());
            match wkt {
                Some(wkt) => Ok(CrsRecord {
                    name: text(proj_get_name(pj)).unwrap_or_else(|| def.to_string()),
                    id: auth.zip(code),
                    wkt,
                }),
                None => Err(format!("PROJ cannot write '{def}' as WKT")),
            }
        };
        proj_destroy(pj);
        proj_context_destroy(ctx);
        record
    }
}

impl Pipeline {
    /// The transformation of `def` ("proj=pipeline step …"), or `None` if PROJ refuses it.
    pub fn new(def: &str) -> Option<Pipeline> {
        let args: Vec<std::ffi::CString> = def
            .split_whitespace()
            .map(|a| std::ffi::CString::new(a).ok())
            .collect::<Option<_>>()?;
        let mut argv: Vec<*mut std::os::raw::c_char> =
            args.iter().map(|a| a.as_ptr().cast_mut()).collect();
        let ctx = context(None).ok()?;
        // SAFETY: a fresh context; argv points into `args`, alive for the call, which
        // copies what it keeps.
        unsafe {
            let pj = proj_create_argv(ctx, argv.len() as i32, argv.as_mut_ptr());
            if pj.is_null() {
                proj_context_destroy(ctx);
                return None;
            }
            Some(Pipeline { ctx, pj })
        }
    }

    /// The transformation from CRS `src` to CRS `to` that PROJ's database (in `dir`)
    /// finds, axes in the order of maps (lon, lat; easting, northing).
    pub fn looked_up(src: &str, to: &str, dir: &Path) -> Result<Pipeline, String> {
        let nul = |s: &str| format!("'{s}' holds a NUL character");
        let (src_c, to_c) = (
            CString::new(src).map_err(|_| nul(src))?,
            CString::new(to).map_err(|_| nul(to))?,
        );
        let ctx = context(Some(dir))?;
        // SAFETY: `ctx` is ours; the strings live through the calls; every object made is
        // destroyed here or owned by the result.
        unsafe {
            let pj =
                proj_create_crs_to_crs(ctx, src_c.as_ptr(), to_c.as_ptr(), std::ptr::null_mut());
            if pj.is_null() {
                return Err(failed(ctx));
            }
            let normalised = proj_normalize_for_visualization(ctx, pj);
            proj_destroy(pj);
            if normalised.is_null() {
                return Err(failed(ctx));
            }
            Ok(Pipeline {
                ctx,
                pj: normalised,
            })
        }
    }

    /// The transformation of a PROJ string another lookup gave ([`Pipeline::definition`]).
    pub fn from_definition(def: &str, dir: &Path) -> Result<Pipeline, String> {
        let def_c = CString::new(def).map_err(|_| "a NUL in a PROJ string".to_string())?;
        let ctx = context(Some(dir))?;
        // SAFETY: as in `looked_up`.
        unsafe {
            let pj = proj_create(ctx, def_c.as_ptr());
            if pj.is_null() {
                return Err(failed(ctx));
            }
            Ok(Pipeline { ctx, pj })
        }
    }

    /// The PROJ string of the transformation, when it is one ("proj=pipeline …"); none
    /// for a choice among several operations by area, made point by point.
    pub fn definition(&self) -> Option<String> {
        // SAFETY: `pj` is live; the definition is copied before anything else runs.
        let def = unsafe {
            let info = proj_pj_info(self.pj);
            if info.definition.is_null() {
                return None;
            }
            CStr::from_ptr(info.definition)
                .to_string_lossy()
                .into_owned()
        };
        def.starts_with("proj=").then_some(def)
    }

    /// Transforms in place, the whole array in one call (`proj_trans_generic`); a
    /// coordinate PROJ cannot transform becomes infinite.
    pub fn transform(&self, coords: &mut [Coord<f64>]) {
        if coords.is_empty() {
            return;
        }
        let stride = std::mem::size_of::<Coord<f64>>();
        let base = coords.as_mut_ptr();
        // SAFETY: x and y of every coordinate lie `stride` bytes apart within `coords`,
        // borrowed mutably for the call; PROJ writes only those n doubles of each.
        unsafe {
            let x = std::ptr::addr_of_mut!((*base).x);
            let y = std::ptr::addr_of_mut!((*base).y);
            proj_trans_generic(
                self.pj,
                PJ_DIRECTION_PJ_FWD,
                x,
                stride,
                coords.len(),
                y,
                stride,
                coords.len(),
                std::ptr::null_mut(),
                0,
                0,
                std::ptr::null_mut(),
                0,
                0,
            );
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // SAFETY: made by `new`, destroyed once.
        unsafe {
            proj_destroy(self.pj);
            proj_context_destroy(self.ctx);
        }
    }
}

/// The pipeline from `src` to `to`, when both are among the known CRSs.
pub fn known(src: &str, to: &str) -> Option<String> {
    match (code(src)?, code(to)?) {
        (a, b) if lonlat(a) => Some(format!(
            "proj=pipeline step proj=unitconvert xy_in=deg xy_out=rad step {}",
            projection(b)?
        )),
        (a, b) if lonlat(b) => Some(format!(
            "proj=pipeline step inv {} step proj=unitconvert xy_in=rad xy_out=deg",
            projection(a)?
        )),
        _ => None,
    }
}

/// The EPSG code of `EPSG:n`.
fn code(s: &str) -> Option<u32> {
    let (auth, n) = s.trim().split_once(':')?;
    auth.eq_ignore_ascii_case("EPSG")
        .then(|| n.parse().ok())
        .flatten()
}

/// WGS 84 and CGCS2000 lon/lat: the same to a metre, and PROJ moves between them with no
/// datum shift.
fn lonlat(code: u32) -> bool {
    matches!(code, 4326 | 4490)
}

/// The projection of a projected CRS, as PROJ writes it in a pipeline.
fn projection(code: u32) -> Option<String> {
    let tmerc = |lon_0: u32, x_0: u32| {
        format!("proj=tmerc lat_0=0 lon_0={lon_0} k=1 x_0={x_0} y_0=0 ellps=GRS80")
    };
    Some(match code {
        // CGCS2000 / 6-degree Gauss-Kruger zones 13–23, with the zone in x.
        4491..=4501 => {
            let zone = code - 4478;
            tmerc(zone * 6 - 3, zone * 1_000_000 + 500_000)
        }
        // CGCS2000 / 6-degree Gauss-Kruger CM 75E–135E.
        4502..=4512 => tmerc(75 + 6 * (code - 4502), 500_000),
        // CGCS2000 / 3-degree Gauss-Kruger zones 25–45, with the zone in x.
        4513..=4533 => {
            let zone = code - 4488;
            tmerc(zone * 3, zone * 1_000_000 + 500_000)
        }
        // CGCS2000 / 3-degree Gauss-Kruger CM 75E–135E.
        4534..=4554 => tmerc(75 + 3 * (code - 4534), 500_000),
        // WGS 84 / UTM zones north and south.
        32601..=32660 => format!("proj=utm zone={} ellps=WGS84", code - 32600),
        32701..=32760 => format!("proj=utm zone={} south ellps=WGS84", code - 32700),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every written pipeline is the one PROJ builds from its database, both ways, from
    /// WGS 84 and from CGCS2000.
    #[test]
    fn every_known_pipeline_is_projs_own() {
        let dir = crate::crs::proj_data_dir().unwrap();
        let codes = (4491..=4554).chain(32601..=32660).chain(32701..=32760);
        let mut checked = 0;
        for code in codes {
            let projected = format!("EPSG:{code}");
            for lonlat in ["EPSG:4326", "EPSG:4490"] {
                for (a, b) in [(lonlat, projected.as_str()), (projected.as_str(), lonlat)] {
                    let from_db = Pipeline::looked_up(a, b, dir)
                        .unwrap()
                        .definition()
                        .unwrap();
                    assert_eq!(known(a, b).as_deref(), Some(from_db.as_str()), "{a} → {b}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, (64 + 120) * 4);
    }

    /// A written pipeline moves a point as PROJ's own transformation does (PROJ 9.5.1's
    /// published values for the Anyang seat, as in crs::tests), and both ways.
    #[test]
    fn a_written_pipeline_transforms_as_proj_does() {
        let p = Pipeline::new(&known("EPSG:4490", "EPSG:4547").unwrap()).unwrap();
        let mut c = [
            Coord {
                x: 114.35005187988281,
                y: 36.09685134887695,
            },
            Coord { x: 0.0, y: 95.0 },
        ];
        p.transform(&mut c);
        assert!((c[0].x - 531523.3918).abs() < 0.001, "{:?}", c[0]);
        assert!((c[0].y - 3996346.0201).abs() < 0.001, "{:?}", c[0]);
        assert!(
            !c[1].x.is_finite(),
            "latitude 95° cannot be moved: {:?}",
            c[1]
        );
        let back = Pipeline::new(&known("EPSG:4547", "EPSG:4490").unwrap()).unwrap();
        let mut d = [c[0]];
        back.transform(&mut d);
        assert!(
            (d[0].x - 114.35005187988281).abs() < 1e-9 && (d[0].y - 36.09685134887695).abs() < 1e-9
        );
    }

    #[test]
    fn other_pairs_are_left_to_proj() {
        assert_eq!(known("EPSG:4326", "EPSG:3857"), None);
        assert_eq!(known("EPSG:4547", "EPSG:4548"), None);
        assert_eq!(known("EPSG:4214", "EPSG:4547"), None);
        assert_eq!(known("+proj=longlat", "EPSG:4547"), None);
    }
}

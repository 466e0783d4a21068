//! Readers and CRS: a GBK shapefile with a Gauss–Krüger `.prj` and Chinese fields mapped
//! in plan.toml, GCJ-02 points, GeoJSON in lon/lat, and broken files.

mod common;

use common::{finding, report, run};

/// fixtures/gbk-shapefile: X1 is a 200 m square centred on WGS 84 (116.404, 39.915) =
/// EPSG:4548 (449042.0474, 4420261.2200) (pyproj); X2 is the same square 1,000 m east.
/// F1 is the GCJ-02 twin of that WGS 84 point (coordtransform's published pair).
#[test]
fn gbk_shapefile_with_gauss_kruger_prj_and_gcj02_points() {
    let (_, r) = report("fixtures/gbk-shapefile", &[]);
    // The plan's centre (116.41°E) lies in the 117°E zone.
    assert_eq!(r["working_crs"], "EPSG:4548");
    let c = &r["inputs"]["compounds"];
    assert_eq!(
        (c["features"].as_u64(), c["accepted"].as_u64()),
        (Some(2), Some(2))
    );
    let enc = c["encoding"].as_str().unwrap();
    assert!(enc.contains("gb18030") || enc.contains("GB18030"), "{enc}");
    assert_eq!(r["inputs"]["facilities"]["crs"], "GCJ-02");
    // Names decoded from GBK; 新建项目 mapped to new: 300 m² × 100 / 1,000 = 30 ≥ 30.
    let x1 = finding(&r, "floor-area-per-households", "X1");
    assert_eq!(x1["subject"]["name"], "幸福小区");
    assert_eq!(
        (x1["status"].as_str(), x1["measured"].as_f64()),
        (Some("pass"), Some(30.0))
    );
    // The layer's own names for the canonical fields (plan.toml's mapping).
    assert_eq!(
        c["fields"],
        serde_json::json!({"id": "编码", "name": "名称", "households": "住户数",
            "status": "建设情况", "area_type": "类别"})
    );
    // X2 (省直小区, existing) has a blank numeric 住户数: a missing value, not zero; the
    // finding's details name the field and the layer.
    let x2 = finding(&r, "floor-area-per-households", "X2");
    assert_eq!(
        (x2["subject"]["name"].as_str(), x2["status"].as_str()),
        (Some("省直小区"), Some("insufficient_data"))
    );
    assert_eq!(
        x2["details"],
        serde_json::json!({"missing_field": "households", "missing_from": "compounds"})
    );
    // F1 lands on X1's centre (within 0.5 m: the published pair's precision, 1e-6°, is ~0.1 m).
    let d1 = finding(&r, "service-circle", "X1")["measured"]
        .as_f64()
        .unwrap();
    assert!(d1 < 0.5, "{d1}");
    let d2 = finding(&r, "service-circle", "X2")["measured"]
        .as_f64()
        .unwrap();
    assert!((d2 - 1000.0).abs() < 0.5, "{d2}");
}

#[test]
fn geojson_lonlat_plan_is_placed_in_its_gauss_kruger_zone() {
    let (_, r) = report("data/sample", &[]);
    assert_eq!(r["working_crs"], "EPSG:4547");
    assert_eq!(r["inputs"]["compounds"]["crs"], "EPSG:4326");
}

#[test]
fn truncated_shapefile_is_exit_2_naming_it() {
    let dir = common::copy_fixture("gbk-shapefile", &[]);
    let shp = dir.path().join("小区.shp");
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() - 60]).unwrap();
    let (code, _, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("小区.shp") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn garbage_files_are_exit_2_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("fixtures/basic/facilities.geojson"),
        dir.path().join("facilities.geojson"),
    )
    .unwrap();
    let mut seed: u64 = 12345;
    for round in 0..20 {
        let bytes: Vec<u8> = (0..(round * 37 + 5))
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 56) as u8
            })
            .collect();
        for name in ["compounds.geojson", "compounds.shp"] {
            let _ = std::fs::remove_file(dir.path().join("compounds.geojson"));
            let _ = std::fs::remove_file(dir.path().join("compounds.shp"));
            std::fs::write(dir.path().join(name), &bytes).unwrap();
            if name.ends_with(".shp") {
                std::fs::write(dir.path().join("compounds.dbf"), &bytes).unwrap();
            }
            let (code, _, err) = run(&[
                "check",
                dir.path().to_str().unwrap(),
                "--profile",
                "anyang-2017",
            ]);
            assert_eq!(code, 2, "{name} round {round}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

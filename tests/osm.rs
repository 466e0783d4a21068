//! Roads from an OpenStreetMap extract (fixtures/osm/roads.osm.pbf; see make_fixture.py for
//! its ways). Walkable: 10, 11, 15 (private but foot=yes), 16 (cut at the extract's edge:
//! keeps 8–9), 17 (joins way 10 through node 20, a duplicate of node 3), 18 (a closed
//! pedestrian square, walked along its outline). Excluded: 12 motorway, 13 foot=no,
//! 14 access=private.

mod common;

use common::{finding, report};

#[test]
fn an_osm_extract_is_a_walking_network() {
    let (_, r) = report("fixtures/osm", &[]);
    let roads = &r["inputs"]["roads"];
    assert_eq!(
        (roads["features"].as_u64(), roads["accepted"].as_u64()),
        (Some(6), Some(6))
    );
    // Junctions 1, 2, 3 (= 20), 4, 7, 8, 9, 21, 31, 32, 33; segments 1–2, 2–3, 2–4, 4–7,
    // 8–9, 3–21 and the square's four sides: 500 + 500 + 400 + 500 + 400 + 500 + 400 = 3,200 m.
    let n = &r["network"];
    assert_eq!(
        (
            n["nodes"].as_u64(),
            n["edges"].as_u64(),
            n["components"].as_u64()
        ),
        (Some(11), Some(10), Some(2))
    );
    assert!(
        (n["length_m"].as_f64().unwrap() - 3200.0).abs() < 0.5,
        "{}",
        n["length_m"]
    );
    // The cut-off run 8–9 (400 m) is the smaller component: 2,800 / 3,200 = 0.875.
    assert!((n["largest_component_share"].as_f64().unwrap() - 0.875).abs() < 1e-3);
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().contains("1 ways are cut")),
        "{}",
        r["notes"]
    );
}

#[test]
fn walking_respects_access_tags() {
    let (_, r) = report("fixtures/osm", &[]);
    // K at (700, 430) snaps to way 15 at (700, 400), leg 30. Way 14 (private) is not
    // walkable, so from (700, 400): west 200 to node 4, south 400 to node 2, east 500 to
    // node 3, 500 along way 17 to node 21, 100 up the square to node 33, 50 along its top
    // to F's snap (1550, 100), F's leg 50: 30 + 200 + 400 + 500 + 500 + 100 + 50 + 50 =
    // 1,830 m. Through way 14 it would be 30 + 300 + 400 + 500 + 150 + 50 = 1,430.
    let k = finding(&r, "service-circle", "K");
    assert_eq!(k["status"], "fail");
    assert!(
        (k["measured"].as_f64().unwrap() - 1830.0).abs() < 0.5,
        "{}",
        k["measured"]
    );
    assert_eq!(k["details"]["nearest_facility"], "F");
}

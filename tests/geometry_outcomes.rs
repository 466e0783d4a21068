//! Invalid and extreme geometry, one case at a time (issue 12): each has one defined
//! outcome — kept as it is, repaired with a note naming the feature, or rejected with the
//! reason — and the README's table says which. Each case is fixtures/basic's compounds
//! plus one compound `X` (EPSG:4547 metres, 10 km from the others).

use planlint::place;
use planlint::read::Sources;

const X: f64 = 510_000.0;
const Y: f64 = 4_010_000.0;

/// A square ring of side `s` at (x, y), closed.
fn square(x: f64, y: f64, s: f64) -> serde_json::Value {
    serde_json::json!([[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]])
}

enum Outcome {
    /// Kept, unchanged.
    Kept,
    /// Kept, repaired, with a note naming it that says this.
    Repaired(&'static str),
    /// Rejected, the reason saying this.
    Rejected(&'static str),
}

/// Reads fixtures/basic with `geometry` as the text of compound X's geometry.
fn outcome_of(geometry: &str) -> (bool, Option<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in [
        "compounds.geojson",
        "facilities.geojson",
        "units.geojson",
        "plan.toml",
    ] {
        std::fs::copy(root.join("fixtures/basic").join(f), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("compounds.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let feature = format!(
        r#"{{"type": "Feature", "geometry": {geometry}, "properties": {{"id": "X", "households": 100, "status": "existing"}}}}"#
    );
    // Appended as the last feature of the collection.
    let end = text.rfind(']').unwrap();
    let text = format!("{}, {feature}{}", &text[..end].trim_end(), &text[end..]);
    std::fs::write(&path, text).unwrap();
    let plan = place::load(&Sources::from_dir(dir.path()).unwrap()).unwrap();
    let kept = plan.compounds.iter().any(|c| c.id == "X");
    let info = &plan
        .inputs
        .iter()
        .find(|(l, _)| l.as_str() == "compounds")
        .unwrap()
        .1;
    let reason = info
        .rejected
        .iter()
        .find(|r| r.id.as_deref() == Some("X"))
        .map(|r| r.reason.en.clone());
    let notes = plan.notes.iter().map(|n| n.en.clone()).collect();
    (kept, reason, notes)
}

#[test]
fn each_invalid_or_extreme_geometry_has_its_outcome() {
    let sq = square(X, Y, 100.0);
    let open: Vec<serde_json::Value> = sq.as_array().unwrap()[..4].to_vec();
    let reversed: Vec<serde_json::Value> = sq.as_array().unwrap().iter().rev().cloned().collect();
    let polygon =
        |rings: serde_json::Value| format!(r#"{{"type": "Polygon", "coordinates": {rings}}}"#);
    let cases: Vec<(&str, String, Outcome)> = vec![
        (
            "self-intersection (a bow tie)",
            polygon(serde_json::json!([[
                [X, Y],
                [X + 100.0, Y + 100.0],
                [X + 100.0, Y],
                [X, Y + 100.0],
                [X, Y]
            ]])),
            Outcome::Rejected("self-intersection"),
        ),
        (
            "a spike (out and back along one line)",
            polygon(serde_json::json!([[
                [X, Y],
                [X + 100.0, Y],
                [X + 100.0, Y + 50.0],
                [X + 300.0, Y + 50.0],
                [X + 100.0, Y + 50.0],
                [X + 100.0, Y + 100.0],
                [X, Y + 100.0],
                [X, Y]
            ]])),
            Outcome::Rejected("self-intersection"),
        ),
        (
            "duplicate consecutive vertices",
            polygon(serde_json::json!([[
                [X, Y],
                [X, Y],
                [X + 100.0, Y],
                [X + 100.0, Y],
                [X + 100.0, Y + 100.0],
                [X, Y + 100.0],
                [X, Y]
            ]])),
            Outcome::Kept,
        ),
        (
            "an unclosed ring",
            polygon(serde_json::json!([open])),
            Outcome::Repaired("closed as read"),
        ),
        (
            "a clockwise shell (either orientation is read)",
            polygon(serde_json::json!([reversed])),
            Outcome::Kept,
        ),
        (
            "a hole outside its shell",
            polygon(serde_json::json!([sq, square(X + 500.0, Y + 500.0, 10.0)])),
            Outcome::Rejected("interior ring at index 0 is not contained"),
        ),
        (
            "a hole crossing its shell",
            polygon(serde_json::json!([sq, square(X + 50.0, Y + 50.0, 100.0)])),
            Outcome::Rejected("interior ring at index 0 is not contained"),
        ),
        (
            "zero area (a flat ring)",
            polygon(serde_json::json!([[
                [X, Y],
                [X + 100.0, Y],
                [X + 200.0, Y],
                [X, Y]
            ]])),
            Outcome::Rejected("zero area"),
        ),
        (
            "a ring of two points",
            polygon(serde_json::json!([[[X, Y], [X + 100.0, Y], [X, Y]]])),
            Outcome::Rejected("empty polygon"),
        ),
        (
            "overlapping parts of a multipolygon",
            format!(
                r#"{{"type": "MultiPolygon", "coordinates": [[{sq}], [{}]]}}"#,
                square(X + 50.0, Y + 50.0, 100.0)
            ),
            Outcome::Rejected("overlap"),
        ),
        (
            "coordinates far out of range",
            polygon(serde_json::json!([square(1e12, 1e12, 100.0)])),
            Outcome::Rejected("far outside the working CRS"),
        ),
        (
            "a coordinate not finite (1e999)",
            format!(
                r#"{{"type": "Polygon", "coordinates": [[[{X}, {Y}], [1e999, {Y}], [{X}, {}], [{X}, {Y}]]]}}"#,
                Y + 100.0
            ),
            Outcome::Rejected("number out of range"),
        ),
        (
            "an empty polygon",
            polygon(serde_json::json!([])),
            Outcome::Rejected("empty polygon"),
        ),
        (
            "an empty ring",
            polygon(serde_json::json!([[]])),
            Outcome::Rejected("empty polygon"),
        ),
        (
            "no geometry (null)",
            "null".into(),
            Outcome::Rejected("no geometry"),
        ),
        (
            "a geometry collection (a polygon and a point)",
            format!(
                r#"{{"type": "GeometryCollection", "geometries": [{}, {{"type": "Point", "coordinates": [{X}, {Y}]}}]}}"#,
                polygon(serde_json::json!([sq]))
            ),
            Outcome::Rejected("expected a Polygon or MultiPolygon, found GeometryCollection"),
        ),
        (
            "a line where a polygon belongs",
            format!(
                r#"{{"type": "LineString", "coordinates": [[{X}, {Y}], [{}, {Y}]]}}"#,
                X + 100.0
            ),
            Outcome::Rejected("expected a Polygon or MultiPolygon, found LineString"),
        ),
        (
            "coordinates nested 200 deep",
            format!(
                r#"{{"type": "Polygon", "coordinates": {}{}}}"#,
                "[".repeat(200),
                "]".repeat(200)
            ),
            Outcome::Rejected("recursion limit exceeded"),
        ),
        (
            "third coordinates (heights are read and left)",
            polygon(serde_json::json!([[
                [X, Y, 5.0],
                [X + 100.0, Y, 5.0],
                [X + 100.0, Y + 100.0, 5.0],
                [X, Y + 100.0, 5.0],
                [X, Y, 5.0]
            ]])),
            Outcome::Kept,
        ),
    ];
    for (name, geometry, expected) in cases {
        let (kept, reason, notes) = outcome_of(&geometry);
        match expected {
            Outcome::Kept => {
                assert!(kept && reason.is_none(), "{name}: kept {kept}, {reason:?}");
                assert!(
                    notes.iter().all(|n| !n.contains("(X)")),
                    "{name}: {notes:?}"
                );
            }
            Outcome::Repaired(what) => {
                assert!(kept, "{name}: {reason:?}");
                assert!(
                    notes
                        .iter()
                        .any(|n| n.contains("#4 (X)") && n.contains(what)),
                    "{name}: {notes:?}"
                );
            }
            Outcome::Rejected(why) => {
                assert!(!kept, "{name}: kept");
                let reason = reason.unwrap_or_default();
                assert!(reason.contains(why), "{name}: {reason}");
            }
        }
    }
}

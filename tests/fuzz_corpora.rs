//! The fuzz corpora and the crashes fuzzing found, replayed on stable (issue 12): every
//! kept input of `tests/fuzz/corpus/<target>/` and `tests/fuzz/regressions/<target>/`
//! goes through the target's own function (`tests/fuzz/harness.rs`), which must return
//! without panicking and keep its accounting.

#[path = "fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// Runs every input of `folder/<target>/` through the target; a panic names the file.
/// Gives the number of inputs and how many went all the way.
fn replay(folder: &str, target: &str, run: harness::Target) -> (usize, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(folder)
        .join(target);
    // Every target has a corpus; a regressions folder only where fuzzing found a crash
    // (REGRESSIONS lists them, and a test holds the list to the folder).
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            folder == "regressions" && !REGRESSIONS.contains(&target),
            "{}: missing",
            dir.display()
        );
        return (0, 0);
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let mut whole = 0;
    for path in &files {
        // A file a running fuzzer has just reduced away is skipped.
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        match std::panic::catch_unwind(|| run(&data)) {
            Ok(went) => whole += usize::from(went),
            Err(e) => {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{}: {why}", path.display());
            }
        }
    }
    (files.len(), whole)
}

macro_rules! corpus_tests {
    ($($target:ident),*) => {$(
        #[test]
        fn $target() {
            let (kept, whole) = replay("corpus", stringify!($target), harness::$target);
            // A corpus that never reaches a report would test nothing but the parser's
            // first error.
            assert!(whole > 0, "none of the {kept} inputs of the {} corpus went all the way", stringify!($target));
            replay("regressions", stringify!($target), harness::$target);
        }
    )*};
}

/// The targets fuzzing found crashes in: each has `tests/fuzz/regressions/<target>/`.
const REGRESSIONS: [&str; 3] = ["check", "geojson", "shapefile"];

#[test]
fn the_regressions_are_where_they_are_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, REGRESSIONS);
    for target in REGRESSIONS {
        let (replayed, _) = replay("regressions", target, |_| true);
        assert!(replayed > 0, "regressions/{target} is empty");
    }
}

corpus_tests!(
    geojson,
    shapefile,
    dbf,
    phases_csv,
    plan_toml,
    profile_toml,
    osm_pbf,
    check,
    wkb
);

#[test]
fn every_target_is_replayed() {
    // The targets the fuzz crate builds are the ones this file replays.
    let names: Vec<&str> = harness::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "geojson",
            "shapefile",
            "dbf",
            "phases_csv",
            "plan_toml",
            "profile_toml",
            "osm_pbf",
            "check",
            "wkb"
        ]
    );
    let toml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/Cargo.toml"),
    )
    .unwrap();
    for n in names {
        assert!(
            toml.contains(&format!("name = \"{n}\"")),
            "{n} is not a fuzz target"
        );
    }
}

#[test]
fn sections_split_as_the_seed_script_writes() {
    // Two parts of 3 and 2 bytes, then the rest.
    let data = [3, 0, 0, 0, b'a', b'b', b'c', 2, 0, 0, 0, b'd', b'e', b'f'];
    assert_eq!(harness::sections(&data, 3), vec![&b"abc"[..], b"de", b"f"]);
    // A length beyond the end takes what there is; missing parts are empty.
    assert_eq!(
        harness::sections(&[9, 0, 0, 0, 1], 3),
        vec![&[1u8][..], &[], &[]]
    );
}

//! The crate read by its imports: every module of `src/` uses only modules below it, so
//! there is no import cycle and the data flows one way (read → place → index → analyse →
//! check → report → emit, with the model at the bottom and the pipeline at the top).
//! A `crate::` path in code (comments and tests aside) is an import.

use std::collections::BTreeSet;
use std::path::Path;

/// The top-level modules from the bottom up; a module may use those of a lower rank only.
const LAYERS: &[&[&str]] = &[
    &["text", "geometry"],
    &["model"],
    &["profile"],
    &["crs"],
    &["read"],
    &["place"],
    &["index", "network"],
    &["analysis"],
    &["rules"],
    &["report"],
    &["waivers", "baseline", "engine"],
    &["submission", "remedy"],
    &["emit", "synth"],
    &["pipeline"],
    &["python", "serve"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a text names by `crate::X` or `$crate::X`.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        out.insert(name);
        rest = after;
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for path in all {
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if ["lib", "main", "cli"].contains(&module.as_str()) {
            continue;
        }
        let own = rank(&module)
            .unwrap_or_else(|| panic!("src/{module}: not in this test's LAYERS; give it a place"));
        seen.insert(module.clone());
        for used in uses(&code(&std::fs::read_to_string(&path).unwrap())) {
            if used == module {
                continue;
            }
            match rank(&used) {
                Some(r) if r < own => {}
                _ => wrong.push(format!("{} uses crate::{used}", rel.display())),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
    let listed: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|l| l.iter().map(|m| m.to_string()))
        .collect();
    assert_eq!(seen, listed, "LAYERS names modules src/ does not have");
}

#[test]
fn the_check_finds_an_upward_import() {
    let text =
        "use crate::model::Plan;\n// crate::pipeline in a comment\nfn f() { crate::report::x() }";
    let found = uses(&code(text));
    assert_eq!(found, ["model", "report"].map(String::from).into());
}

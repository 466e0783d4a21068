//! Finds the `proj.db` that the bundled PROJ build (proj-sys, feature `bundled_proj`)
//! produced, so that the binary can embed it: an installed `planlint` then needs no PROJ
//! data directory. proj-sys is a direct dependency with `links = "proj"`, so its build
//! script has run before this one.
//!
//! And lists the built-in profiles: every `data/profiles/*.toml`, compiled in by
//! `profile::BUILTIN` (a profile added there is built in, with no list to keep in step).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PLANLINT_PROJ_DB");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let found = std::env::var_os("PLANLINT_PROJ_DB")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            // OUT_DIR is <target>/<profile>/build/planlint-<hash>/out.
            let build = out.parent()?.parent()?;
            newest_proj_db(build)
        });
    let dest = out.join("proj.db");
    match found {
        Some(src) => {
            println!("cargo:rerun-if-changed={}", src.display());
            std::fs::copy(&src, &dest).expect("copy proj.db into OUT_DIR");
        }
        None => {
            println!("cargo:warning=proj.db not found: planlint will need PROJ_DATA at run time");
            std::fs::write(&dest, b"").expect("write placeholder proj.db");
        }
    }
    println!("cargo:rustc-env=PLANLINT_PROJ_DB={}", dest.display());
    builtin_profiles(&out);
}

/// `$OUT_DIR/profiles.rs`: `BUILTIN`, each profile's id (its file's name) and text, in the
/// order of the ids.
fn builtin_profiles(out: &Path) {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("data/profiles");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("data/profiles/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// The built-in profiles: every `data/profiles/*.toml` (listed by build.rs), as (id,\n\
         /// text), in the order of their ids, which `planlint profiles` lists them in.\n\
         pub const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let id = f.file_stem().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({id:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out.join("profiles.rs"), code).expect("write profiles.rs");
}

fn newest_proj_db(build: &Path) -> Option<PathBuf> {
    std::fs::read_dir(build)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("proj-sys-"))
        .map(|e| e.path().join("out/share/proj/proj.db"))
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

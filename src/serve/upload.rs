//! A submission as uploaded: a GeoPackage, or a zip of a plan folder (its files at the top
//! of the zip, or in one folder holding them), told apart by their first bytes whatever
//! media type the client said; a zip's plan is at its top or in the deepest folder holding
//! all its files. A zip is unpacked only after every entry is checked: no
//! name that leaves the folder (`..`, absolute, a drive), no link, at most
//! [`MAX_ENTRIES`] entries, and no more than [`MAX_UNPACKED`] bytes or [`MAX_RATIO`] times
//! its own size unpacked — counted as the bytes come out, not as the zip says.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::problem::Problem;

/// Entries a zip may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Bytes a zip may unpack to.
pub const MAX_UNPACKED: u64 = 4 << 30;
/// Times its own size a zip may unpack to.
pub const MAX_RATIO: u64 = 100;

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Geopackage,
}

impl Kind {
    /// From the file's first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Some(Kind::Zip)
        } else if bytes.starts_with(b"SQLite format 3\0") {
            Some(Kind::Geopackage)
        } else {
            None
        }
    }

    /// The name the upload is kept under in its job's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Zip => "submission.zip",
            Kind::Geopackage => "submission.gpkg",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Zip => "application/zip",
            Kind::Geopackage => "application/geopackage+sqlite3",
        }
    }
}

/// Checks an upload's kind, and a zip's entries, before anything is written.
pub fn check(bytes: &[u8]) -> Result<Kind, Problem> {
    let kind = Kind::sniff(bytes).ok_or_else(|| {
        Problem::unsupported(
            "the submission is neither a zip of a plan folder nor a GeoPackage \
             (它既不是规划文件夹的 zip，也不是 GeoPackage)",
        )
    })?;
    if kind == Kind::Zip {
        entries(bytes)?;
    }
    Ok(kind)
}

/// Unpacks (a zip) or places (a GeoPackage) the upload under `dir`, and gives the path of
/// the plan to check: the folder holding the plan's files, or the GeoPackage.
pub fn unpack(bytes: &[u8], kind: Kind, dir: &Path) -> Result<PathBuf, Problem> {
    std::fs::create_dir_all(dir).map_err(|e| Problem::internal(&format!("{e}")))?;
    match kind {
        Kind::Geopackage => {
            let path = dir.join(kind.file_name());
            std::fs::write(&path, bytes).map_err(|e| Problem::internal(&format!("{e}")))?;
            Ok(path)
        }
        Kind::Zip => {
            let files = entries(bytes)?;
            let mut archive = archive(bytes)?;
            let budget = MAX_UNPACKED.min(MAX_RATIO.saturating_mul(bytes.len() as u64));
            let mut unpacked = 0u64;
            for (index, name) in &files {
                let mut entry = archive
                    .by_index(*index)
                    .map_err(|e| Problem::bad_upload(&format!("{}: {e}", name.display())))?;
                let path = dir.join(name);
                // A name that cannot be made a file here (one entry a file, another inside
                // it as a folder) is the zip's fault.
                let unpackable = |e: std::io::Error| {
                    Problem::bad_upload(&format!(
                        "the zip's entry '{}' cannot be unpacked: {e}",
                        name.display()
                    ))
                };
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(unpackable)?;
                }
                let mut out = std::fs::File::create(&path).map_err(unpackable)?;
                let left = budget - unpacked;
                let mut limited = (&mut entry).take(left + 1);
                let written = copy(&mut limited, &mut out)
                    .map_err(|e| Problem::bad_upload(&format!("{}: {e}", name.display())))?;
                unpacked += written;
                if unpacked > budget {
                    return Err(too_large());
                }
            }
            Ok(plan_root(dir, &files))
        }
    }
}

fn copy(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<u64> {
    std::io::copy(from, to)
}

fn archive(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, Problem> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Problem::bad_upload(&format!("not a readable zip: {e}")))
}

fn too_large() -> Problem {
    Problem::too_large(&format!(
        "the zip unpacks to more than {} GiB or {MAX_RATIO} times its size \
         (解压后超过 {} GiB 或其大小的 {MAX_RATIO} 倍)",
        MAX_UNPACKED >> 30,
        MAX_UNPACKED >> 30
    ))
}

/// The zip's files (index, safe relative path), every entry checked; folders and the
/// `__MACOSX` metadata a Mac's zip adds are left out.
fn entries(bytes: &[u8]) -> Result<Vec<(usize, PathBuf)>, Problem> {
    let mut archive = archive(bytes)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Problem::bad_upload(&format!(
            "the zip has {} entries; at most {MAX_ENTRIES} are read (最多 {MAX_ENTRIES} 个条目)",
            archive.len()
        )));
    }
    let budget = MAX_UNPACKED.min(MAX_RATIO.saturating_mul(bytes.len() as u64));
    let mut declared = 0u64;
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| Problem::bad_upload(&format!("entry {index}: {e}")))?;
        let raw = entry.name().to_string();
        let Some(name) = entry.enclosed_name().filter(|_| safe_name(&raw)) else {
            return Err(Problem::bad_upload(&format!(
                "the zip's entry '{raw}' names a place outside the plan's folder \
                 (条目路径指向文件夹之外)"
            )));
        };
        if entry.is_symlink() {
            return Err(Problem::bad_upload(&format!(
                "the zip's entry '{raw}' is a link; a plan is files (条目是链接)"
            )));
        }
        declared = declared.saturating_add(entry.size());
        if declared > budget {
            return Err(too_large());
        }
        if entry.is_dir()
            || name
                .components()
                .next()
                .is_some_and(|c| c.as_os_str() == "__MACOSX")
        {
            continue;
        }
        files.push((index, name));
    }
    if files.is_empty() {
        return Err(Problem::bad_upload(
            "the zip holds no file (zip 中没有文件)",
        ));
    }
    Ok(files)
}

/// No parent steps, no root, no drive, no backslash path (a Windows zip's separator).
fn safe_name(raw: &str) -> bool {
    !raw.starts_with('/')
        && !raw.starts_with('\\')
        && !raw.contains(':')
        && !raw.split(['/', '\\']).any(|part| part == "..")
}

/// The plan's folder: the zip's top, or the deepest folder every file is in (a zip of
/// the folder itself, or of a path to it).
fn plan_root(dir: &Path, files: &[(usize, PathBuf)]) -> PathBuf {
    let folders: Vec<Vec<_>> = files
        .iter()
        .map(|(_, p)| {
            p.parent()
                .map(|d| d.components().collect())
                .unwrap_or_default()
        })
        .collect();
    let Some(first) = folders.first() else {
        return dir.to_path_buf();
    };
    let common = (0..first.len())
        .take_while(|&i| folders.iter().all(|f| f.get(i) == first.get(i)))
        .count();
    first[..common]
        .iter()
        .fold(dir.to_path_buf(), |d, c| d.join(c.as_os_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_not_safe() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "\\x",
            "a\\..\\x",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
        for good in ["compounds.geojson", "plan/compounds.geojson", "a..b/c"] {
            assert!(safe_name(good), "{good}");
        }
    }

    #[test]
    fn the_plan_is_the_one_folder_every_file_is_in() {
        let dir = Path::new("/x");
        let files = |names: &[&str]| -> Vec<(usize, PathBuf)> {
            names.iter().map(|n| (0, PathBuf::from(n))).collect()
        };
        assert_eq!(
            plan_root(dir, &files(&["sub/a.geojson", "sub/b.csv"])),
            Path::new("/x/sub")
        );
        assert_eq!(plan_root(dir, &files(&["a.geojson", "sub/b.csv"])), dir);
        assert_eq!(plan_root(dir, &files(&["a/x.geojson", "b/y.csv"])), dir);
        assert_eq!(
            plan_root(dir, &files(&["data/sub/a.geojson", "data/sub/b.csv"])),
            Path::new("/x/data/sub")
        );
    }
}

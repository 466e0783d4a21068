//! A layer file's bytes, mapped into memory rather than copied into it: the pages are the
//! page cache's own, so a 1.5 GB GeoJSON costs no fresh memory (a copy would be zeroed by
//! the kernel page by page before being filled, which on a virtual machine is most of the
//! time a large plan takes to read). Files that cannot be mapped (pipes, empty files,
//! special files) are read into memory as before.
//!
//! A mapped file that another program truncates while it is read ends the process with
//! SIGBUS; plans are not rewritten under a running check, and ripgrep and GDAL map their
//! inputs on the same terms.

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

/// The bytes of a file, mapped or read.
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

/// Below this size a file is simply read: mapping costs system calls of its own.
const MAP_FROM: u64 = 1 << 20;

impl FileBytes {
    pub fn open(path: &Path) -> std::io::Result<FileBytes> {
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() >= MAP_FROM {
            // Safety: the map is read only and lives no longer than this value; see the
            // module's note on files changed while they are read.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(FileBytes::Mapped(map));
            }
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.read_to_end(&mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }

    /// The bytes as UTF-8 text, with the error `std::fs::read_to_string` gives when they
    /// are not.
    pub fn text(&self) -> std::io::Result<&str> {
        std::str::from_utf8(self).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small files are read, large ones mapped, and both give the file's bytes; text that
    /// is not UTF-8 is refused as `read_to_string` refuses it.
    #[test]
    fn small_files_are_read_and_large_ones_mapped() {
        let dir = std::env::temp_dir().join(format!("planlint-mapped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small.geojson");
        std::fs::write(&small, "{\"type\": \"FeatureCollection\"}").unwrap();
        let large = dir.join("large.geojson");
        let body = "x".repeat(MAP_FROM as usize + 7);
        std::fs::write(&large, &body).unwrap();
        let bad = dir.join("bad.geojson");
        std::fs::write(&bad, [b'{', 0xff, b'}']).unwrap();

        let s = FileBytes::open(&small).unwrap();
        assert!(matches!(s, FileBytes::Read(_)));
        assert_eq!(s.text().unwrap(), "{\"type\": \"FeatureCollection\"}");
        let l = FileBytes::open(&large).unwrap();
        assert!(matches!(l, FileBytes::Mapped(_)));
        assert_eq!(l.len(), body.len());
        assert_eq!(l.text().unwrap(), body);
        let e = FileBytes::open(&bad).unwrap().text().unwrap_err();
        let std_error = std::fs::read_to_string(&bad).unwrap_err();
        assert_eq!(e.to_string(), std_error.to_string());
        assert!(FileBytes::open(&dir.join("none.geojson")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

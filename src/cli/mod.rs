//! The `planlint` command's subcommands that check plans: `check` (one plan or a batch)
//! and `diff` (two reports), with what they share: writing files, printing, the language.

pub mod args;
pub mod batch;
pub mod check;
pub mod diff;
pub mod fix;
pub mod job;
pub mod merge;
pub mod progress;
pub mod serve;
pub mod timings;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use planlint::emit;
use planlint::text::Lang;

/// A clap parser for a library type: its names as the possible values, parsed by `FromStr`.
pub fn names<T: std::str::FromStr + Clone + Send + Sync + 'static>(
    names: &'static [&'static str],
) -> impl TypedValueParser<Value = T>
where
    T::Err: std::fmt::Debug,
{
    PossibleValuesParser::new(names).map(|s| s.parse::<T>().expect("a possible value parses"))
}

/// The language of `LC_ALL`, `LC_MESSAGES` or `LANG` (on Windows without them, of the
/// user's Windows): [`Lang::from_env`], which the Python module follows too.
pub fn default_lang() -> Lang {
    Lang::from_env()
}

/// Writes a file through `write`, naming the file in any error. The output streams into a
/// hidden file beside it that takes the file's name only once the whole output is written:
/// a failure leaves no partial file, and the report is never held whole in memory.
pub fn write_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), emit::EmitError>,
) -> Result<(), String> {
    let named = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    // Anything but a regular file (`-o /dev/null`, a FIFO, a symbolic link) is written in
    // place: renaming over it would replace the device or the link with a file.
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file()) {
        let file = std::fs::File::create(path).map_err(|e| named(&e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out).map_err(|e| named(&e))?;
        return out
            .into_inner()
            .map(|_| ())
            .map_err(|e| named(&e.into_error()));
    }
    let name = path
        .file_name()
        .ok_or_else(|| named(&"not a file name"))?
        .to_string_lossy();
    // A folder that is not there yet is made, as `--output-dir` makes its own.
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| named(&e))?;
    }
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&partial).map_err(|e| named(&e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out).map_err(|e| named(&e))?;
        out.into_inner().map_err(|e| named(&e.into_error()))?;
        replace(&partial, path).map_err(|e| named(&e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Puts the finished file `partial` at `path` in one step. Over an existing file, on
/// Linux, the two are exchanged and the old one removed after: ext4 starts writing out
/// the whole new file, in the renaming call, when a rename replaces a file (its
/// `auto_da_alloc`), which for a report of 190 MB held the command up for a tenth of a
/// second; the kernel writes it back in its own time instead.
fn replace(partial: &std::path::Path, path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if path.exists() {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &std::path::Path| std::ffi::CString::new(p.as_os_str().as_bytes());
        if let (Ok(from), Ok(to)) = (c(partial), c(path)) {
            // The system call, not glibc's wrapper (glibc 2.28 and later; the wheel's
            // command is linked against 2.17). Safety: two NUL-terminated paths, relative
            // to the working directory; a kernel without it says ENOSYS.
            let exchanged = unsafe {
                libc::syscall(
                    libc::SYS_renameat2,
                    libc::AT_FDCWD as libc::c_long,
                    from.as_ptr(),
                    libc::AT_FDCWD as libc::c_long,
                    to.as_ptr(),
                    libc::RENAME_EXCHANGE as libc::c_long,
                )
            } == 0;
            if exchanged {
                // The old report, now under the partial name (the new one is in place
                // whatever becomes of it).
                let _ = std::fs::remove_file(partial);
                return Ok(());
            }
        }
    }
    // No file there, a file system without exchange, or not Linux: a plain rename.
    std::fs::rename(partial, path)
}

/// Writes text to standard output; a reader that stops early (`| head`) is not an error.
pub fn print_out(text: &str) -> Result<u8, String> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("standard output: {e}"))
        }
        _ => Ok(0),
    }
}

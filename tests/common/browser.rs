//! Headless Chromium and poppler-utils, for testing the HTML report as a person sees it.
//! A machine without them fails these tests (`bash .ci/setup` installs them); the tests
//! never skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser: `PLANLINT_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
/// `google-chrome` on the PATH.
pub fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("PLANLINT_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "no headless Chromium found: install it with `bash .ci/setup` (Debian package chromium)"
    );
}

/// Runs headless Chromium on a local file with `args` (a `--print-to-pdf=…`,
/// `--screenshot=…` or `--dump-dom`) and returns its standard output. Two minutes at most.
pub fn chromium_run(file: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", file.canonicalize().unwrap().display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            return reader.join().unwrap();
        }
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            panic!("chromium took more than two minutes on {}", file.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Prints an HTML file to PDF (A4 from the page's own CSS, no browser header or footer).
pub fn print_pdf(html: &Path, pdf: &Path) {
    chromium_run(
        html,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    assert!(pdf.is_file(), "chromium wrote no PDF");
}

/// The text of a PDF (one page, or all), in reading order.
pub fn pdf_text(pdf: &Path, page: Option<u32>) -> String {
    let mut cmd = Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs: install it with `bash .ci/setup`");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// What `pdfinfo` says of a PDF, key by key.
pub fn pdf_info(pdf: &Path, key: &str) -> String {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{key}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// A screenshot of an HTML file, decoded: (width, height, RGBA bytes).
pub fn screenshot(html: &Path, width: u32, height: u32) -> (u32, u32, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let png_path = dir.path().join("shot.png");
    chromium_run(
        html,
        &[
            format!("--screenshot={}", png_path.display()),
            format!("--window-size={width},{height}"),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (info.width, info.height, rgba)
}

/// How many pixels are within `tolerance` (per channel) of `rgb`.
pub fn pixels_near(rgba: &[u8], rgb: [u8; 3], tolerance: u8) -> usize {
    rgba.chunks(4)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= tolerance))
        .count()
}

//! The HTML report (issue 9): self-contained, escaped, printable on A4, and tested in a
//! real browser — headless Chromium prints it to PDF, `pdftotext` reads it back, and a
//! screenshot is looked at pixel by pixel. Without Chromium these tests fail; they do not
//! skip (`bash .ci/setup` installs it).

mod common;

use std::path::{Path, PathBuf};

use common::browser::{chromium_run, pdf_info, pdf_text, pixels_near, print_pdf, screenshot};
use common::{copy_fixture, edit_layer, run};
use serde_json::json;

/// Writes the HTML report of `args` (after `check`) into `dir`, returning its path and
/// the exit code.
fn html(dir: &Path, args: &[&str]) -> (PathBuf, i32) {
    let out = dir.join("report.html");
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let o = out.display().to_string();
    all.extend_from_slice(&["--format", "html", "-o", &o]);
    let (code, _, err) = run(&all);
    assert!(out.is_file(), "no HTML written (exit {code}): {err}");
    (out, code)
}

/// Writes a generated city of `n` compounds (with its street grid as roads, or not)
/// into `dir/city`.
fn synth(dir: &Path, n: usize, roads: bool) -> PathBuf {
    let city = dir.join("city");
    let n = n.to_string();
    let mut args = vec!["synth", "--compounds", &n, "--out", city.to_str().unwrap()];
    if roads {
        args.push("--roads");
    }
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    city
}

/// Text without any white space: PDF text breaks lines inside table cells and drops or
/// adds spaces around page numbers, so comparisons are made on this.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether any tag of `markup` carries an event-handler attribute `name=`. Text can
/// hold `" onmouseover="` (a `<` in text is always `&lt;`), a tag cannot.
fn tag_with(markup: &str, name: &str) -> bool {
    markup.split('<').skip(1).any(|t| {
        let tag = t.split('>').next().unwrap_or("");
        tag.to_ascii_lowercase().contains(name)
    })
}

/// The basic fixture with hostile text in every place a name or id reaches the page:
/// compound A (fails floor area) named `<script>…`, C (fails the circle) named with an
/// attribute breaker, D's id an image with `onerror`, the facility '乙站' (named in C's
/// message) a title breaker, and the city unit in bold markup.
fn hostile_plan() -> tempfile::TempDir {
    let dir = copy_fixture("basic", &[]);
    edit_layer(dir.path(), "compounds.geojson", |fs| {
        for f in fs.iter_mut() {
            let p = &mut f["properties"];
            match p["id"].as_str() {
                Some("A") => p["name"] = json!("<script>alert(1)</script>"),
                Some("C") => p["name"] = json!("\" onmouseover=\"alert(2)"),
                Some("D") => p["id"] = json!("<img src=x onerror=alert(3)>"),
                _ => {}
            }
        }
    });
    edit_layer(dir.path(), "facilities.geojson", |fs| {
        for f in fs.iter_mut() {
            if f["properties"]["name"] == "乙站" {
                f["properties"]["name"] = json!("</title><script>alert(4)</script>");
            }
        }
    });
    edit_layer(dir.path(), "units.geojson", |fs| {
        fs[0]["properties"]["name"] = json!("<b>市</b>&amp;");
    });
    dir
}

#[test]
fn plan_text_is_escaped_and_nothing_loads_from_elsewhere() {
    let plan = hostile_plan();
    let out = tempfile::tempdir().unwrap();
    let (path, code) = html(out.path(), &[plan.path().to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 1, "A, C and D fail");
    let page = std::fs::read_to_string(&path).unwrap();

    // No script element, no event handler in any tag, no image element.
    assert!(
        !page.to_ascii_lowercase().contains("<script"),
        "a <script> tag in the page"
    );
    for handler in ["onmouseover", "onerror", "onload", "onclick"] {
        assert!(!tag_with(&page, handler), "a tag carries {handler}");
    }
    assert!(!page.contains("<img"), "an <img> tag in the page");
    assert!(!page.contains("<b>市"), "the unit's markup was not escaped");
    // The names are there, as escaped text: in the needs list, the tables and the map's
    // hover titles (A appears in all three).
    let a = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(
        page.matches(a).count() >= 3,
        "A's name escaped, in list, table and map"
    );
    assert!(page.contains("&quot; onmouseover=&quot;alert(2)"));
    assert!(page.contains("&lt;img src=x onerror=alert(3)&gt;"));
    assert!(page.contains("&lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
    assert!(
        page.contains("&lt;b&gt;市&lt;/b&gt;&amp;amp;"),
        "& is escaped too"
    );

    // Self-contained: a CSP that allows no script and loads nothing from elsewhere, and
    // no reference to another file or server (the SVG namespace is a name, not a load).
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    assert!(!page.contains("script-src"));
    for load in ["src=\"", "href=", "url(", "@import", "https://"] {
        assert!(!page.contains(load), "the page loads something: {load}");
    }
    assert_eq!(page.matches("http://").count(), 1, "only the SVG namespace");

    // The browser agrees: the parsed DOM has no script element and no handler, and the
    // printed page shows the names as the plan spells them.
    let dom = chromium_run(&path, &["--dump-dom".into()]);
    assert!(
        dom.contains("<svg"),
        "Chromium parsed the page: {}",
        &dom[..dom.len().min(300)]
    );
    assert!(!dom.to_ascii_lowercase().contains("<script"));
    for handler in ["onmouseover", "onerror"] {
        assert!(!tag_with(&dom, handler), "a DOM element carries {handler}");
    }
    let pdf = out.path().join("report.pdf");
    print_pdf(&path, &pdf);
    let text = squash(&pdf_text(&pdf, None));
    for shown in [
        "<script>alert(1)</script>",
        "\" onmouseover=\"alert(2)",
        "<img src=x onerror=alert(3)>",
        "</title><script>alert(4)</script>",
    ] {
        assert!(
            text.contains(&squash(shown)),
            "{shown:?} is not shown as text"
        );
    }
}

/// The submission of tests/context.rs in its city: A1 (河东小区) is 2,400 m along the
/// roads from the nearest station, 800 m allowed, so 1,600 m too far (worked out there).
fn submission_report(dir: &Path, lang: &str) -> PathBuf {
    let (path, code) = html(
        dir,
        &[
            "fixtures/context/sub-far",
            "--context",
            "fixtures/context/city",
            "--lang",
            lang,
        ],
    );
    assert_eq!(code, 1);
    path
}

#[test]
fn prints_on_a4_with_the_verdict_and_map_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = submission_report(dir.path(), "en");
    let pdf = dir.path().join("report.pdf");
    print_pdf(&path, &pdf);
    // A4 is 595 × 842 pt; Chromium rounds to 594.96 x 841.92.
    let size = pdf_info(&pdf, "Page size");
    assert!(size.contains("(A4)"), "page size {size}");
    let pages: u32 = pdf_info(&pdf, "Pages").parse().unwrap();
    assert!(pages >= 2, "{pages} pages");

    let first = squash(&pdf_text(&pdf, Some(1)));
    for on_first in [
        "Elder-care facility plan check",
        "Verdict: does not comply",
        "As of 2024-06-30",
        "Map",
        "walking service area",
        &format!("1 / {pages}"),
    ] {
        assert!(
            first.contains(&squash(on_first)),
            "page 1 lacks {on_first:?}:\n{first}"
        );
    }
    assert!(
        !first.contains("Whateachfailing"),
        "the map's page holds nothing else"
    );

    let all = squash(&pdf_text(&pdf, None));
    for expected in [
        "河东小区",
        "A1",
        "1,600 m too far",
        "nearest facility '河西站'",
        "安政办〔2017〕80号 行动计划 三(二)2",
        "service-circle — 15-minute service circle",
        &format!("{pages} / {pages}"),
    ] {
        assert!(
            all.contains(&squash(expected)),
            "the PDF lacks {expected:?}"
        );
    }
}

#[test]
fn speaks_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = submission_report(dir.path(), "zh");
    let pdf = dir.path().join("report.pdf");
    print_pdf(&path, &pdf);
    let all = squash(&pdf_text(&pdf, None));
    for expected in [
        "养老服务设施规划检查报告",
        "结论：不符合要求",
        "河东小区",
        "超出 1,600 米",
        "不符合",
    ] {
        assert!(
            all.contains(&squash(expected)),
            "the PDF lacks {expected:?}:\n{all}"
        );
    }
    assert!(
        !all.contains("Verdict"),
        "English left in the Chinese report"
    );
}

#[test]
fn a_target_met_late_shows_from_when_under_its_verdict() {
    // fixtures/dated: the city's community coverage is 75% by 2020-12-31 and 100% from
    // 2021-01-01, when Q3's day care is completed (tests/check_dated.rs has the arithmetic).
    // The date stands in the result cell of its row, in both languages.
    let dir = tempfile::tempdir().unwrap();
    for (lang, result) in [("en", "fail"), ("zh", "不符合")] {
        let (path, _) = html(dir.path(), &["fixtures/dated", "--lang", lang]);
        let page = std::fs::read_to_string(&path).unwrap();
        let row = page
            .split("<tr>")
            .find(|r| r.contains("<small>C/community</small>"))
            .expect("the coverage row");
        let late = if lang == "en" {
            "met from 2021-01-01"
        } else {
            "2021-01-01 起达标"
        };
        let cell = format!("{result}<br><small class=\"met-from\">{late}</small></td>");
        assert!(row.contains(&cell), "{lang}: {row}");
        // A finding met in time has no such line.
        let x1 = page
            .split("<tr>")
            .find(|r| r.contains("<small>X1</small>") && r.contains("60"))
            .expect("X1's beds row");
        assert!(!x1.contains("met-from"), "{x1}");
    }
}

#[test]
fn the_map_is_drawn() {
    // The basic plan has no roads: circles, around the two stations 甲站 and 乙站 (the
    // two institutions do not serve the circle). A (floor area), C and D (circle) fail, red;
    // B passes, green; each is a 100 m square, about 20 px on the 1,000 px map of a
    // ~5 km frame, so hundreds of pixels each.
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = html(dir.path(), &["fixtures/basic", "--lang", "en"]);
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.contains("service radius (straight line)"));
    assert_eq!(
        page.matches("<circle").count(),
        2 + 2,
        "2 station dots and 2 circles"
    );

    let (w, h, rgba) = screenshot(&path, 1200, 1400);
    assert_eq!((w, h), (1200, 1400));
    let white = pixels_near(&rgba, [255, 255, 255], 3);
    let total = (w * h) as usize;
    assert!(
        white < total * 97 / 100,
        "the screenshot is blank ({white} of {total} white)"
    );
    // Fill colours at 0.85 opacity over the map's #fcfcfc background.
    let red = pixels_near(&rgba, [221, 79, 71], 14);
    let green = pixels_near(&rgba, [60, 167, 106], 14);
    assert!(red > 3 * 200, "{red} red pixels: three failing compounds");
    assert!(green > 200, "{green} green pixels: B passes");
    assert!(red > 2 * green, "three red compounds against one green");
}

#[test]
fn long_tables_break_between_rows() {
    // 150 generated compounds: the needs list and the tables run over many pages. A row
    // cut by a page would leave its tail at the top of the next page; every table that
    // goes on over a page must start it with the repeated header and then a whole row,
    // whose first line names its subject.
    let dir = tempfile::tempdir().unwrap();
    let city = synth(dir.path(), 150, false);
    let (path, _) = html(dir.path(), &[city.to_str().unwrap(), "--lang", "en"]);
    let pdf = dir.path().join("report.pdf");
    print_pdf(&path, &pdf);
    let pages: u32 = pdf_info(&pdf, "Pages").parse().unwrap();
    assert!(pages > 5, "{pages} pages");
    let mut continued = 0;
    for p in 2..=pages {
        let out = std::process::Command::new("pdftotext")
            .args(["-layout", "-f", &p.to_string(), "-l", &p.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.first().is_some_and(|l| l.starts_with("subject ")) {
            continued += 1;
            let row = lines.get(1).copied().unwrap_or("");
            assert!(
                row.starts_with("示例"),
                "page {p} goes on with the tail of a cut row: {row:?}"
            );
        }
    }
    assert!(
        continued >= 2,
        "only {continued} tables went on over a page"
    );
}

#[test]
fn the_map_of_a_city_of_ten_thousand_compounds_stays_small() {
    // 10,000 compounds, 3,900 facilities and the whole street grid as a walking network:
    // outlines simplified to the pixel, the network merged into one path, titles short.
    let dir = tempfile::tempdir().unwrap();
    let city = synth(dir.path(), 10000, true);
    let (path, _) = html(dir.path(), &[city.to_str().unwrap(), "--lang", "en"]);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 4_000_000, "{size} bytes");
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(
        page.matches("<path d=").count() >= 10_000,
        "every compound is drawn"
    );
}

#[test]
fn a_submission_is_framed_with_its_surroundings() {
    // A generated city of 400 compounds (200 m squares on a 250 m grid: 20 × 20 cells,
    // 5 km a side) and an amended project: its corner compound C000000, 2,000 households
    // more. The map frames the project and 1.5 service circles (Anyang: 1.5 × 800 m =
    // 1,200 m) around it — a box of about 200 + 2 × 1,200 = 2,600 m, moved inside the
    // city — so about 11 × 11 of the 400 compounds are drawn, and the project among them.
    let dir = tempfile::tempdir().unwrap();
    let city = synth(dir.path(), 400, false);
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let mut fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(city.join("compounds.geojson")).unwrap())
            .unwrap();
    let features = fc["features"].as_array_mut().unwrap();
    features.retain(|f| f["properties"]["id"] == "C000000");
    assert_eq!(features.len(), 1);
    features[0]["properties"]["name"] = json!("新项目");
    features[0]["properties"]["households"] = json!(2000);
    std::fs::write(sub.join("compounds.geojson"), fc.to_string()).unwrap();

    let (path, _) = html(
        dir.path(),
        &[
            sub.to_str().unwrap(),
            "--context",
            city.to_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    let page = std::fs::read_to_string(&path).unwrap();
    let drawn = page.matches("<path d=").count();
    assert!(
        (100..200).contains(&drawn),
        "{drawn} shapes drawn of 400 compounds and the units"
    );
    let project = page
        .split("<path d=\"")
        .find(|p| p.contains("新项目 (C000000)"))
        .expect("the project is on the map");
    // Its outline lies inside the 1,000 px wide map.
    let d = &project[..project.find('"').unwrap()];
    for n in d
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|n| !n.is_empty())
    {
        let v: f64 = n.parse().unwrap();
        assert!((0.0..=1000.0).contains(&v), "{v} is off the map: {d}");
    }
    assert!(
        page.contains("replacing compounds/C000000"),
        "the replacement is said"
    );
}

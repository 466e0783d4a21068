//! Output formats: one emitter per format, each writing a [`Report`] to any `Write`, as
//! ruff's `message/` emitters do. Whatever a format needs is in the report (the subjects'
//! geometry in the working CRS, the service areas); adding a format is adding a file here
//! and a line in [`Format`].

pub mod csv;
pub mod geojson;
pub mod github;
pub mod gpkg;
pub mod html;
pub mod json;
pub mod junit;
pub mod markup;
pub mod row;
pub mod sarif;
pub mod text;

use std::io::Write;
use std::str::FromStr;

use crate::model::Layer;
use crate::report::Report;
use crate::text::{Lang, Text};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] ::csv::Error),
    /// The geometry could not be moved into the output's CRS.
    #[error("{0}")]
    Crs(String),
    /// The report was made without the subjects' geometry a map format draws.
    #[error("the report carries no geometry: check with Options {{ geometry: true, .. }}")]
    NoGeometry,
}

impl EmitError {
    /// The reader went away (`| head`): not an error of the check.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            EmitError::Io(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
            EmitError::Csv(e) => {
                matches!(e.kind(), ::csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            }
            EmitError::Crs(_) | EmitError::NoGeometry => false,
        }
    }
}

/// Writes a report in one format.
pub trait Emitter {
    fn emit(&mut self, writer: &mut dyn Write, report: &Report) -> Result<(), EmitError>;
}

/// The formats planlint writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A summary for people on a terminal.
    Text,
    /// The report contract of spec/report.md.
    Json,
    /// The findings as features in WGS 84, for QGIS.
    Geojson,
    /// One row per finding, for spreadsheets.
    Csv,
    /// One self-contained page to read, print and file: the verdict, a map, the tables.
    Html,
    /// SARIF 2.1.0, for code-scanning views.
    Sarif,
    /// JUnit XML: a test suite per rule, a test case per subject.
    Junit,
    /// GitHub Actions workflow commands: an annotation per failing finding.
    Github,
    /// GeoPackage: the findings and the service areas as layers in WGS 84 (or
    /// `--output-crs`), for QGIS.
    Gpkg,
}

/// A format, in the one table that says everything about it (as `read/formats.rs` is for
/// what planlint reads): its name for `--format`, the file it makes, what the report must
/// carry for it, and its emitter. Adding a format is adding its file here and a row.
pub struct FormatInfo {
    pub format: Format,
    /// As `--format` names it.
    pub name: &'static str,
    /// Of a report file in this format (a batch's reports, Python's `write`).
    pub extension: &'static str,
    /// It draws the subjects' geometry: the report must carry it.
    pub geometry: bool,
    /// It draws the walkable stretches within reach of a facility.
    pub service_areas: bool,
    /// A file, not text: not written to a terminal.
    pub binary: bool,
    /// Written in a CRS of the user's choice (`--output-crs`); the others draw in WGS 84.
    pub output_crs: bool,
    /// Its emitter, speaking a language, in an output CRS where it takes one.
    make: fn(Lang, Option<String>) -> Box<dyn Emitter>,
}

/// Every format, in the order `--help` lists them.
pub static FORMATS: [FormatInfo; 9] = [
    row(Format::Text, "text", "txt", |lang, _| {
        Box::new(text::TextEmitter { lang })
    }),
    row(Format::Json, "json", "json", |lang, _| {
        Box::new(json::JsonEmitter { lang })
    }),
    FormatInfo {
        geometry: true,
        ..row(Format::Geojson, "geojson", "geojson", |lang, _| {
            Box::new(geojson::GeojsonEmitter { lang })
        })
    },
    row(Format::Csv, "csv", "csv", |lang, _| {
        Box::new(csv::CsvEmitter { lang })
    }),
    FormatInfo {
        geometry: true,
        service_areas: true,
        ..row(Format::Html, "html", "html", |lang, _| {
            Box::new(html::HtmlEmitter { lang })
        })
    },
    row(Format::Sarif, "sarif", "sarif", |lang, _| {
        Box::new(sarif::SarifEmitter { lang })
    }),
    row(Format::Junit, "junit", "xml", |lang, _| {
        Box::new(junit::JunitEmitter { lang })
    }),
    row(Format::Github, "github", "txt", |lang, _| {
        Box::new(github::GithubEmitter { lang })
    }),
    FormatInfo {
        geometry: true,
        service_areas: true,
        binary: true,
        output_crs: true,
        ..row(Format::Gpkg, "gpkg", "gpkg", |lang, crs| {
            Box::new(gpkg::GpkgEmitter { lang, crs })
        })
    },
];

/// A row of [`FORMATS`] that needs nothing beyond the findings.
const fn row(
    format: Format,
    name: &'static str,
    extension: &'static str,
    make: fn(Lang, Option<String>) -> Box<dyn Emitter>,
) -> FormatInfo {
    FormatInfo {
        format,
        name,
        extension,
        geometry: false,
        service_areas: false,
        binary: false,
        output_crs: false,
        make,
    }
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Text,
        Format::Json,
        Format::Geojson,
        Format::Csv,
        Format::Html,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gpkg,
    ];
    /// The formats' names, in the order of [`Format::ALL`].
    pub const NAMES: [&'static str; 9] = [
        "text", "json", "geojson", "csv", "html", "sarif", "junit", "github", "gpkg",
    ];

    /// Its row of [`FORMATS`].
    pub fn info(self) -> &'static FormatInfo {
        FORMATS
            .iter()
            .find(|i| i.format == self)
            .expect("every format has its row")
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The format draws the subjects' geometry (the report must carry it).
    pub fn needs_geometry(self) -> bool {
        self.info().geometry
    }

    /// The emitter of this format, speaking `lang`.
    pub fn emitter(self, lang: Lang) -> Box<dyn Emitter> {
        (self.info().make)(lang, None)
    }

    /// The emitter of this format, speaking `lang`, writing in `crs` where the format
    /// takes one ([`FormatInfo::output_crs`]).
    pub fn emitter_in(self, lang: Lang, crs: Option<String>) -> Box<dyn Emitter> {
        (self.info().make)(lang, crs)
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown format '{s}'"))
    }
}

/// What a finding's waiver and baseline add to its line, in `lang`: "new", "worse than
/// the baseline", "waived (#2: reason, by …, until …)".
pub fn marks(f: &crate::model::Finding, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    if let Some(b) = &f.baseline {
        use crate::model::BaselineState::*;
        let tag = match (b.state, b.worse) {
            (New, _) => Some(if zh { "新增" } else { "new" }),
            (Changed, true) => Some(if zh {
                "较基线变差"
            } else {
                "worse than the baseline"
            }),
            (Fixed, _) => Some(if zh { "已修复" } else { "fixed" }),
            _ => None,
        };
        out.extend(tag.map(String::from));
    }
    if let Some(w) = &f.waived {
        let mut s = if zh {
            format!("已豁免（第 {} 条：{}", w.waiver, w.reason)
        } else {
            format!("waived (#{}: {}", w.waiver, w.reason)
        };
        if let Some(by) = &w.by {
            s += &if zh {
                format!("，{by}")
            } else {
                format!(", by {by}")
            };
        }
        if let Some(until) = &w.expires {
            s += &if zh {
                format!("，至 {until}")
            } else {
                format!(", until {until}")
            };
        }
        s.push(if zh { '）' } else { ')' });
        out.push(s);
    }
    out
}

/// The file a subject was read from, for the formats that point at files: its layer's
/// file; for a plan-level subject, the units file, else the compounds file.
pub fn artifact(r: &Report, layer: Layer) -> Option<&str> {
    let of = |l: Layer| r.inputs.get(&l).map(|i| i.path.as_str());
    match layer {
        Layer::Plan => of(Layer::Units).or_else(|| of(Layer::Compounds)),
        l => of(l).or_else(|| of(Layer::Compounds)),
    }
}

/// The header line of a submission checked inside its city: the city's folder and the
/// features the submission replaces.
pub fn context_note(r: &Report) -> Option<Text> {
    let c = r.city.as_ref()?;
    let city = c
        .city_inputs
        .values()
        .next()
        .and_then(|i| std::path::Path::new(&i.path).parent())
        .map_or_else(String::new, |p| p.display().to_string());
    let replaced: Vec<String> = c
        .replaced
        .iter()
        .map(|(l, id)| format!("{}/{id}", l.as_str()))
        .collect();
    let (zh, en) = if replaced.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!("；替换 {}", replaced.join(", ")),
            format!("; replacing {}", replaced.join(", ")),
        )
    };
    Some(Text::new(
        format!("在城市规划 {city} 中检查的提交项目{zh}"),
        format!("a submission checked inside the city plan {city}{en}"),
    ))
}

/// The warning of a policy that had expired by the date of the check.
pub fn expiry_note(r: &Report) -> Option<Text> {
    let until = r.valid_until.filter(|_| r.expired)?;
    Some(Text::new(
        format!("本政策有效期至 {until}，检查日期时已失效；结果仅作参考，不符合项按警告提示"),
        format!("this policy expired after {until}; it is applied for reference only, and its failures are warnings"),
    ))
}

/// The heading of the site suggestions (`--suggest K`), for the text and HTML reports.
pub fn suggestions_heading() -> Text {
    Text::new(
        "建议新增站点（--suggest）：每处新增纳入 15 分钟养老服务圈的小区及其户数",
        "Suggested sites (--suggest): the compounds each brings inside the service circle, and their households",
    )
}

/// One suggested site: "U2 name: +550 households (U2, U3)".
pub fn suggestion_line(s: &crate::analysis::Suggestion, lang: Lang) -> String {
    let name = if s.name.is_empty() {
        String::new()
    } else {
        format!(" {}", s.name)
    };
    let households = crate::text::num(s.households_added as f64, 0);
    match lang {
        Lang::Zh => format!(
            "{}{name}：+{households} 户（{}）",
            s.site,
            s.compounds.join("、")
        ),
        Lang::En => format!(
            "{}{name}: +{households} households ({})",
            s.site,
            s.compounds.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table holds every format once, in the order of `Format::ALL` and `NAMES` (what
    /// `--format` offers).
    #[test]
    fn the_table_lists_every_format_in_order() {
        let formats: Vec<Format> = FORMATS.iter().map(|i| i.format).collect();
        assert_eq!(formats, Format::ALL);
        let names: Vec<&str> = FORMATS.iter().map(|i| i.name).collect();
        assert_eq!(names, Format::NAMES);
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
    }
}

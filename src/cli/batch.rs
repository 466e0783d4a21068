//! Batches: several plan folders, or every plan under `--recursive ROOT`, checked in
//! parallel. One plan's broken files never stop the others: its row says why. With
//! `--output-dir DIR`, one report per plan (in `--format`) and `summary.csv` /
//! `summary.json`; the terminal shows the summary table (or, for `--format json` without
//! a folder, prints summary.json).
//!
//! Exit: 2 when no plan could be checked at all; 1 when a plan fails (at `--fail-on`) or
//! could not be checked; else 0.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use planlint::emit::text::plain;
use planlint::emit::Format;
use planlint::model::{Severity, Status};
use planlint::read::PlanSign;
use planlint::report::Report;
use planlint::text::{pad, width, Lang};
use rayon::prelude::*;
use serde::Serialize;

use super::args::CheckArgs;
use super::{job, progress, write_file};

/// The worst findings a row names.
pub(super) const WORST: usize = 3;

/// One plan's line of the summary.
#[derive(Debug, Serialize)]
pub(super) struct Row {
    pub(super) plan: String,
    /// `checked`, or `error` (the plan could not be checked: `error` says why).
    pub(super) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) as_of: Option<String>,
    /// The plan's exit status, as `planlint check` of it alone would give.
    pub(super) exit: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) summary: Option<planlint::report::Summary>,
    /// Features rejected on reading, over all layers.
    pub(super) rejected: usize,
    pub(super) worst: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) report: Option<String>,
}

impl Row {
    /// A row not (yet) checked: status `error`, exit 2, no counts.
    pub(super) fn unchecked(plan: String, report: Option<String>) -> Row {
        Row {
            plan,
            status: "error",
            error: None,
            profile: None,
            as_of: None,
            exit: 2,
            summary: None,
            rejected: 0,
            worst: Vec::new(),
            report,
        }
    }
}

pub fn run(args: &CheckArgs, lang: Lang) -> Result<u8, String> {
    let alone = |what: &str| format!("{what} goes with one plan, not a batch");
    if args.context.is_some() {
        return Err(alone("--context"));
    }
    if args.baseline.is_some() {
        return Err(alone("--baseline"));
    }
    if args.output.is_some() {
        return Err("a batch writes its reports with --output-dir DIR, not --output".into());
    }
    if args.service_areas.is_some() {
        return Err(alone("--service-areas"));
    }
    if [
        &args.compounds,
        &args.facilities,
        &args.units,
        &args.phases,
        &args.roads,
        &args.candidates,
    ]
    .iter()
    .any(|f| f.is_some())
    {
        return Err(alone("a layer file (--compounds, --facilities, …)"));
    }
    if args.output_dir.is_none() && !matches!(args.format, Format::Text | Format::Json) {
        return Err(format!(
            "--format {} writes a report per plan: give --output-dir DIR",
            args.format.as_str()
        ));
    }
    let mut plans: Vec<PathBuf> = args.plans.clone();
    if let Some(root) = &args.recursive {
        if !root.is_dir() {
            return Err(format!("{}: not a folder", root.display()));
        }
        let before = plans.len();
        discover(root, args.output_dir.as_deref(), &mut plans);
        if plans.len() == before {
            return Err(format!(
                "{}: no plan under it (a folder with a plan.toml, a compounds layer or a plan.gpkg)",
                root.display()
            ));
        }
    }
    if plans.is_empty() {
        return Err("give plan folders, or --recursive ROOT".into());
    }
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let names = file_names(&plans, args.recursive.as_deref());
    let bar = progress::plans(plans.len(), lang);
    let mut rows: Vec<Row> = plans
        .par_iter()
        .zip(names.par_iter())
        .map(|(plan, name)| {
            bar.set_message(planlint::read::shown(plan));
            let row = check_one(plan, name, args, lang);
            bar.inc(1);
            row
        })
        .collect();
    bar.finish_and_clear();
    rows.sort_by(|a, b| a.plan.cmp(&b.plan));

    finish(
        &rows,
        args.output_dir.as_deref(),
        args.format == Format::Json,
        lang,
    )
}

/// Writes the summary (summary.json and summary.csv in `dir`; the table, or summary.json
/// when `json` and no folder, on standard output) and gives the batch's exit status: 2
/// when no plan was checked, 1 when one fails or could not be checked, else 0.
pub(super) fn finish(
    rows: &[Row],
    dir: Option<&Path>,
    json: bool,
    lang: Lang,
) -> Result<u8, String> {
    if let Some(dir) = dir {
        write_file(&dir.join("summary.json"), |w| {
            serde_json::to_writer_pretty(&mut *w, &summary_json(rows))
                .map_err(std::io::Error::from)?;
            Ok(writeln!(w)?)
        })?;
        write_file(&dir.join("summary.csv"), |w| Ok(summary_csv(w, rows)?))?;
    }
    let out = if dir.is_none() && json {
        let mut s = serde_json::to_string_pretty(&summary_json(rows)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        table(rows, lang)
    };
    super::print_out(&out)?;
    let checked = rows.iter().filter(|r| r.status == "checked").count();
    Ok(if checked == 0 {
        2
    } else if rows.iter().any(|r| r.exit != 0) {
        1
    } else {
        0
    })
}

/// Checks one plan of the batch, and writes its report when asked to. A panic is caught:
/// it is that plan's error, not the batch's.
fn check_one(plan: &Path, name: &str, args: &CheckArgs, lang: Lang) -> Row {
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        job::run(Some(plan), args, lang, None)
    }))
    .unwrap_or_else(|_| {
        Err("internal error while checking this plan (a bug: please report it)".into())
    });
    let mut row = Row::unchecked(planlint::read::shown(plan), None);
    let report = match checked {
        Ok(r) => r,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    if let Some(dir) = &args.output_dir {
        let file = format!("{name}.{}", args.format.info().extension);
        let mut emitter = args.emitter(lang);
        if let Err(e) = write_file(&dir.join(&file), |w| emitter.emit(w, &report)) {
            row.error = Some(e);
            return row;
        }
        row.report = Some(file);
    }
    row.status = "checked";
    row.exit = report.exit_code(args.fail_on) as u8;
    row.profile = Some(report.profile_id.clone());
    row.as_of = Some(report.as_of.to_string());
    row.rejected = report.inputs.values().map(|i| i.rejected.len()).sum();
    row.worst = worst(&report, lang);
    row.summary = Some(report.summary);
    row
}

fn worst(r: &Report, lang: Lang) -> Vec<String> {
    r.worst()
        .into_iter()
        .filter(|f| f.severity >= planlint::profile::Severity::Warning)
        .take(WORST)
        .map(|f| format!("{} {}: {}", f.rule, f.subject.id, f.message(lang)))
        .collect()
}

/// Every folder under `root` (itself included) that holds a plan
/// ([`planlint::read::holds_plan`]): a compounds layer, a whole plan in one file, or a
/// plan.toml that is not only the settings of plans below it. Hidden folders, symbolic
/// links and the output folder are not entered.
fn discover(root: &Path, skip: Option<&Path>, out: &mut Vec<PathBuf>) {
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        if skip.is_some() && dir.canonicalize().ok() == skip {
            continue;
        }
        if let Some(holds) = planlint::read::holds_plan(&dir) {
            found.push((dir.clone(), holds));
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            if !hidden && e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
        }
    }
    // A folder with a plan.toml and no layers of its own, above plans, gives those plans
    // their settings: it is not a plan itself.
    let settings_only: Vec<PathBuf> = found
        .iter()
        .filter(|(dir, holds)| {
            *holds == PlanSign::Settings
                && found
                    .iter()
                    .any(|(other, _)| other != dir && other.starts_with(dir))
        })
        .map(|(dir, _)| dir.clone())
        .collect();
    let mut plans: Vec<PathBuf> = found
        .into_iter()
        .map(|(dir, _)| dir)
        .filter(|dir| !settings_only.contains(dir))
        .collect();
    plans.sort();
    out.extend(plans);
}

/// A file name per plan, from its path (relative to the root of `--recursive`): its
/// folders joined by `__`, made unique.
fn file_names(plans: &[PathBuf], root: Option<&Path>) -> Vec<String> {
    let mut used = HashSet::new();
    plans
        .iter()
        .map(|p| {
            // A database's URI: its text without the password, made a file name.
            let uri = p.to_str().filter(|s| planlint::read::postgis::is_uri(s));
            if let Some(uri) = uri {
                let masked = planlint::read::postgis::masked(uri);
                let after_scheme = masked.split_once("://").map_or(masked.as_str(), |(_, r)| r);
                let base: String = after_scheme
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() || "-_.".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                return unique(&mut used, base);
            }
            let rel = root.and_then(|r| p.strip_prefix(r).ok()).unwrap_or(p);
            let parts: Vec<String> = rel
                .components()
                .filter_map(|c| match c {
                    std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            let base = if parts.is_empty() {
                p.canonicalize()
                    .ok()
                    .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "plan".into())
            } else {
                parts.join("__")
            };
            unique(&mut used, base)
        })
        .collect()
}

/// `base`, or `base-2`, `base-3`… when an earlier plan took it.
fn unique(used: &mut HashSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

pub(super) fn summary_json(rows: &[Row]) -> serde_json::Value {
    let checked = rows.iter().filter(|r| r.status == "checked").count();
    serde_json::json!({
        "tool": {"name": "planlint", "version": env!("CARGO_PKG_VERSION")},
        "plans": rows,
        "totals": {
            "plans": rows.len(),
            "checked": checked,
            "errors": rows.len() - checked,
            "failing": rows.iter().filter(|r| r.exit == 1).count(),
        },
    })
}

const COUNTS: [&str; 9] = [
    "pass",
    "fail",
    "pending",
    "not_applicable",
    "insufficient_data",
    "skipped",
    "errors",
    "warnings",
    "waived",
];

fn counts(s: &planlint::report::Summary) -> [usize; 9] {
    [
        s.pass,
        s.fail,
        s.pending,
        s.not_applicable,
        s.insufficient_data,
        s.skipped,
        s.errors,
        s.warnings,
        s.waived,
    ]
}

pub(super) fn summary_csv(w: &mut dyn std::io::Write, rows: &[Row]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["plan", "status", "exit", "profile", "as_of"];
    header.extend(COUNTS);
    header.extend(["rejected", "worst", "error", "report"]);
    out.write_record(&header)?;
    for r in rows {
        let mut rec = vec![
            r.plan.clone(),
            r.status.to_string(),
            r.exit.to_string(),
            r.profile.clone().unwrap_or_default(),
            r.as_of.clone().unwrap_or_default(),
        ];
        match &r.summary {
            Some(s) => rec.extend(counts(s).iter().map(ToString::to_string)),
            None => rec.extend(COUNTS.iter().map(|_| String::new())),
        }
        rec.push(r.rejected.to_string());
        rec.push(r.worst.join(" | "));
        rec.push(r.error.clone().unwrap_or_default());
        rec.push(r.report.clone().unwrap_or_default());
        out.write_record(&rec)?;
    }
    out.flush()?;
    Ok(())
}

/// A path in a column `width` characters wide: control characters escaped, the start cut
/// off ("…") when it is longer.
fn cell(s: &str, columns: usize) -> String {
    let s = plain(s);
    if width(&s) <= columns {
        return pad(&s, columns, true);
    }
    // The end of a path tells plans apart: the start gives way.
    let mut kept = Vec::new();
    let mut used = 1;
    for c in s.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > columns {
            break;
        }
        used += w;
        kept.push(c);
    }
    let tail: String = kept.into_iter().rev().collect();
    pad(&format!("…{tail}"), columns, true)
}

/// At most `n` characters of `s`, "…" where it is cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let cut: String = s.chars().take(n - 1).collect();
    format!("{cut}…")
}

/// The summary as a table for the terminal.
pub(super) fn table(rows: &[Row], lang: Lang) -> String {
    use std::fmt::Write as _;
    let zh = lang == Lang::Zh;
    let tr = |a: &'static str, b: &'static str| if zh { a } else { b };
    let width_plan = rows
        .iter()
        .map(|r| width(&r.plan))
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    // The columns' names are the report's own words for severities and statuses.
    let heads: Vec<String> = [
        Severity::Error.label(),
        Severity::Warning.label(),
        Status::Pass.label(),
        Status::Pending.label(),
        Status::InsufficientData.label(),
        planlint::text::Text::new("已豁免", "waived"),
    ]
    .iter()
    .map(|t| t.get(lang).to_string())
    .collect();
    let columns: Vec<usize> = heads.iter().map(|h| width(h).max(5)).collect();
    let cells = |values: &[String]| -> String {
        values
            .iter()
            .zip(&columns)
            .map(|(v, &w)| format!(" {}", pad(v, w, false)))
            .collect()
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {}  {}",
        pad(tr("规划", "plan"), width_plan, true),
        cells(&heads),
        tr("最主要的问题", "worst")
    );
    for r in rows {
        let plan = cell(&r.plan, width_plan);
        match (&r.summary, &r.error) {
            (Some(s), _) => {
                let counts = [
                    s.errors,
                    s.warnings,
                    s.pass,
                    s.pending,
                    s.insufficient_data,
                    s.waived,
                ]
                .map(|n| n.to_string());
                let _ = writeln!(
                    o,
                    "{plan} {}  {}",
                    cells(&counts),
                    short(&plain(r.worst.first().map_or("", String::as_str)), 90)
                );
            }
            (None, e) => {
                let _ = writeln!(
                    o,
                    "{plan}  {}: {}",
                    tr("无法检查", "not checked"),
                    plain(e.as_deref().unwrap_or(""))
                );
            }
        }
    }
    let checked = rows.iter().filter(|r| r.status == "checked").count();
    let failing = rows.iter().filter(|r| r.exit == 1).count();
    let _ = writeln!(
        o,
        "\n{}",
        if zh {
            format!(
                "{} 个规划：{} 个已检查（{} 个不符合），{} 个无法检查",
                rows.len(),
                checked,
                failing,
                rows.len() - checked
            )
        } else {
            format!(
                "{} plans: {} checked ({} failing), {} could not be checked",
                rows.len(),
                checked,
                failing,
                rows.len() - checked
            )
        }
    );
    o
}

//! `planlint merge`: the summary of a batch, made from JSON reports already written —
//! by a national run of one process per city on a cluster (a Kubernetes indexed Job, a
//! Slurm array), each writing its own report. The rows, `summary.csv`, `summary.json`,
//! the table and the exit status are those of `planlint check --output-dir`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Parser;
use planlint::model::{Measure, Status};
use planlint::profile::Severity;
use planlint::report::{shortfall, FailOn, Summary};
use planlint::text::Lang;
use rayon::prelude::*;
use serde::Deserialize;

use super::batch::{self, Row, WORST};
use super::names;

#[derive(Parser)]
pub struct MergeArgs {
    /// JSON reports (`planlint check --format json`), or folders: every `*.json` in them
    /// but `summary.json`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Write summary.csv and summary.json here.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// `text`: the table; `json`: summary.json on standard output.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// A plan fails when a finding fails at this severity or above.
    #[arg(long, default_value = "error", value_parser = ["error", "warning", "info"])]
    pub fail_on: String,
    /// Language of the table (default: from LANG).
    #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
    pub lang: Option<Lang>,
}

/// What the summary reads of a report.
#[derive(Deserialize)]
struct ReportHead {
    profile: ProfileHead,
    as_of: String,
    inputs: BTreeMap<String, InputHead>,
    summary: Summary,
    findings: Vec<FindingHead>,
}

#[derive(Deserialize)]
struct ProfileHead {
    id: String,
}

#[derive(Deserialize)]
struct InputHead {
    path: String,
    rejected: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct FindingHead {
    rule: String,
    severity: Severity,
    status: String,
    subject: SubjectHead,
    measured: serde_json::Value,
    required: serde_json::Value,
    message: String,
}

#[derive(Deserialize)]
struct SubjectHead {
    id: String,
}

pub fn run(args: MergeArgs) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(super::default_lang);
    let FailOn::Severity(level) = args.fail_on.parse::<FailOn>()? else {
        return Err("--fail-on: error, warning or info".into());
    };
    let mut files = Vec::new();
    for p in &args.reports {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.extension().is_some_and(|e| e == "json")
                        && f.file_name().is_some_and(|n| n != "summary.json")
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        return Err("no JSON report among the paths given".into());
    }
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut rows: Vec<Row> = files.par_iter().map(|f| row(f, level)).collect();
    rows.sort_by(|a, b| a.plan.cmp(&b.plan));
    batch::finish(
        &rows,
        args.output_dir.as_deref(),
        args.format == "json",
        lang,
    )
}

/// One report's row: its plan is the folder of its compounds layer (else the report's
/// path); a report that cannot be read is an error row saying why.
fn row(file: &Path, level: Severity) -> Row {
    let mut row = Row::unchecked(file.display().to_string(), Some(file.display().to_string()));
    let read = std::fs::File::open(file)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            serde_json::from_reader::<_, ReportHead>(std::io::BufReader::new(f))
                .map_err(|e| format!("not a planlint JSON report: {e}"))
        });
    let r = match read {
        Ok(r) => r,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    if let Some(dir) = r
        .inputs
        .get("compounds")
        .and_then(|i| Path::new(&i.path).parent())
        .filter(|d| !d.as_os_str().is_empty())
    {
        row.plan = dir.display().to_string();
    }
    let measure = Measure::from_json;
    let mut failing: Vec<&FindingHead> = r
        .findings
        .iter()
        .filter(|f| Status::parse(&f.status) == Some(Status::Fail))
        .collect();
    row.exit = u8::from(failing.iter().any(|f| f.severity >= level));
    failing.retain(|f| f.severity >= Severity::Warning);
    failing.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(
            shortfall(&measure(&b.measured), &measure(&b.required))
                .total_cmp(&shortfall(&measure(&a.measured), &measure(&a.required))),
        )
    });
    row.worst = failing
        .iter()
        .take(WORST)
        .map(|f| format!("{} {}: {}", f.rule, f.subject.id, f.message))
        .collect();
    row.status = "checked";
    row.profile = Some(r.profile.id);
    row.as_of = Some(r.as_of);
    row.rejected = r.inputs.values().map(|i| i.rejected.len()).sum();
    row.summary = Some(r.summary);
    row
}

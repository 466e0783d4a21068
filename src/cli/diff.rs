//! `planlint diff OLD.json NEW.json`: the comparison `--baseline` makes, of two reports
//! already written, without a plan. Exit 1 when NEW has a failure (at error) that OLD did
//! not have or had less of, else 0; 2 when a report cannot be read.

use std::path::PathBuf;

use clap::Parser;
use planlint::baseline;
use planlint::report::Entry;
use planlint::text::Lang;

use super::names;

#[derive(Parser)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// Values differ beyond TOL × max(1, |a|, |b|).
    #[arg(long, value_name = "TOL", default_value_t = baseline::TOLERANCE)]
    pub tolerance: f64,
    /// `text` for people, `json` for programs.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Language of messages (default: from LANG).
    #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
    pub lang: Option<Lang>,
}

pub fn run(args: DiffArgs) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(super::default_lang);
    let old = baseline::read(&args.old).map_err(|e| e.to_string())?;
    let new = baseline::read(&args.new).map_err(|e| e.to_string())?;
    let c = baseline::compare(&old, &new, args.tolerance);
    let pairs: Vec<(&Entry, &planlint::model::BaselineMark)> = new.iter().zip(&c.marks).collect();
    let worse = pairs
        .iter()
        .any(|(e, m)| m.worse && e.severity == planlint::profile::Severity::Error);
    let out = if args.format == "json" {
        let changes: Vec<serde_json::Value> = pairs
            .iter()
            .filter(|(_, m)| m.state != planlint::model::BaselineState::Unchanged)
            .map(|(e, m)| serde_json::json!({"finding": e, "baseline": m}))
            .collect();
        let v = serde_json::json!({
            "old": args.old.display().to_string(),
            "new": args.new.display().to_string(),
            "tolerance": args.tolerance,
            "comparison": c,
            "changes": changes,
        });
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    } else {
        let head = format!("{} → {}\n", args.old.display(), args.new.display());
        head + &planlint::emit::text::baseline_section(&pairs, &c, lang)
    };
    super::print_out(&out)?;
    Ok(u8::from(worse))
}

//! `planlint fix PLAN -o OUT`: the fewest remedies that make a plan comply, the plan with
//! them applied written to OUT (a plan folder), `remedies.geojson`, `remedies.csv` and
//! `report.json` (the check of OUT, with a `remedy` summary), and what no remedy fixes.
//! Exit 0 when every failure left is one no plan change can fix, 1 when a failure is left
//! that could be fixed, 2 when the plan cannot be read or written.

use std::path::PathBuf;

use clap::Parser;
use planlint::emit::Format;
use planlint::report::remedies::Remedies;
use planlint::text::Lang;
use planlint::Request;

use super::args::RuleSelection;
use super::{names, print_out, write_file};

#[derive(Parser)]
pub struct FixArgs {
    /// The plan folder.
    pub plan: PathBuf,
    /// The folder to write the fixed plan into (made if missing).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Fix the plan as a development submission inside this city's plan: only its own
    /// facilities change, and new ones stand on its own compounds (the rectification list).
    #[arg(long, value_name = "CITY")]
    pub context: Option<PathBuf>,
    /// Candidate sites for new stations (points or polygons; default: the compounds'
    /// reference points).
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    /// A built-in profile id, or the path of a profile file (default: plan.toml's).
    #[arg(long)]
    pub profile: Option<String>,
    /// The date the check speaks for, YYYY-MM-DD (default: plan.toml's, else today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Override one profile value: RULE.KEY=VALUE.
    #[arg(long = "set", value_name = "RULE.KEY=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub rules: RuleSelection,
    /// The solver's time limit for the choice of sites, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub time_limit: f64,
    /// Also write the check of the fixed plan in this format, as OUT/report.EXT
    /// (report.json is always written).
    #[arg(long, value_parser = names::<Format>(&Format::NAMES))]
    pub format: Option<Format>,
    /// Language of messages (default: from LANG).
    #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
    pub lang: Option<Lang>,
}

pub fn run(args: FixArgs) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(super::default_lang);
    planlint::text::render_only(Some(lang));
    if !(args.time_limit.is_finite() && args.time_limit >= 0.0) {
        return Err(format!("--time-limit {}: seconds, ≥ 0", args.time_limit));
    }
    let mut request = Request::plan(&args.plan);
    request.layers.candidates = args.candidates.clone();
    request.context = args.context.clone();
    request.profile = args.profile.clone();
    request.as_of = args.as_of.clone();
    request.overrides = args.set.clone();
    request.select = args.rules.select.clone();
    request.ignore = args.rules.ignore.clone();
    request.options.geometry = args.format.is_some_and(|f| f.needs_geometry());
    let fixed = request
        .fix(&args.output, args.time_limit)
        .map_err(|e| e.message(lang))?;
    let out = &args.output;
    fixed.write_outputs(out, lang)?;
    let report = &fixed.report;
    if let Some(format) = args.format.filter(|f| *f != Format::Json) {
        let path = out.join(format!("report.{}", format.info().extension));
        let mut emitter = format.emitter_in(lang, None);
        write_file(&path, |w| emitter.emit(w, report))?;
    }
    let remedy = report
        .remedy
        .as_ref()
        .ok_or("the fixed plan's report lacks its remedies")?;
    print_out(&said(remedy, lang, out))?;
    Ok(fixed.exit_code())
}

/// What the fix says on standard output: the remedies in the bureau's words, the site
/// choice's proof, and what is left.
fn said(remedy: &Remedies, lang: Lang, out: &std::path::Path) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::from(if zh {
        "整改建议\n"
    } else {
        "What to change\n"
    });
    if remedy.lines.is_empty() {
        s += if zh { "  无\n" } else { "  nothing\n" };
    }
    for line in remedy.said(lang) {
        s += &format!("  {line}\n");
    }
    if let Some(line) = remedy.sites_said(lang) {
        s += &format!("{line}\n");
    }
    if !remedy.left.is_empty() {
        s += if zh {
            "仍不符合\n"
        } else {
            "Still failing\n"
        };
        for l in &remedy.left {
            s += &format!("  {} {}: {}\n", l.rule, l.subject, l.why.get(lang));
        }
    }
    s += &if zh {
        format!(
            "已写出 {}（report.json、remedies.geojson、remedies.csv）\n",
            out.display()
        )
    } else {
        format!(
            "written: {} (report.json, remedies.geojson, remedies.csv)\n",
            out.display()
        )
    };
    s
}

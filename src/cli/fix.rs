//! `planlint fix PLAN -o OUT`: the fewest remedies that make a plan comply, the plan with
//! them applied written to OUT (a plan folder), `remedies.geojson`, `remedies.csv` and
//! `report.json` (the check of OUT, with a `remedy` summary), and what no remedy fixes.
//! Exit 0 when every failure left is one no plan change can fix, 1 when a failure is left
//! that could be fixed, 2 when the plan cannot be read or written.

use std::path::PathBuf;

use clap::Parser;
use planlint::emit::Format;
use planlint::model::Severity;
use planlint::remedy::{self, Action, Fix};
use planlint::text::{num, Lang};
use planlint::Request;
use serde_json::{json, Value};

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
    /// Fix only these rules (rule ids, comma separated, repeatable).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Leave these rules alone (rule ids, comma separated, repeatable).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
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
    request.select = args.select.clone();
    request.ignore = args.ignore.clone();
    request.options.geometry = args.format.is_some_and(|f| f.needs_geometry());
    let fixed = request
        .fix(&args.output, args.time_limit)
        .map_err(|e| e.message(lang))?;
    let out = &args.output;
    let fix = &fixed.remedies;
    let geojson = remedy::write::remedies_geojson(&fixed.plan, fix, lang)?;
    write_file(&out.join("remedies.geojson"), |w| {
        Ok(w.write_all(geojson.as_bytes())?)
    })?;
    let csv = remedy::write::remedies_csv(fix, lang)?;
    write_file(&out.join("remedies.csv"), |w| Ok(w.write_all(&csv)?))?;
    let left = left_failing(fix, &fixed.report);
    let mut json_report = Vec::new();
    Format::Json
        .emitter_in(lang, None)
        .emit(&mut json_report, &fixed.report)
        .map_err(|e| e.to_string())?;
    let mut doc: Value = serde_json::from_slice(&json_report).map_err(|e| e.to_string())?;
    if let Some(o) = doc.as_object_mut() {
        o.insert("remedy".into(), summary(fix, &left, lang));
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    write_file(&out.join("report.json"), |w| {
        Ok(w.write_all(text.as_bytes())?)
    })?;
    if let Some(format) = args.format.filter(|f| *f != Format::Json) {
        let path = out.join(format!("report.{}", format.info().extension));
        let mut emitter = format.emitter_in(lang, None);
        write_file(&path, |w| emitter.emit(w, &fixed.report))?;
    }
    print_out(&said(fix, &left, lang, out))?;
    Ok(if left.iter().any(|l| l.fixable) { 1 } else { 0 })
}

/// A failure of the fixed plan's check, and why it is left.
struct Failing {
    rule: String,
    subject: String,
    why: String,
    /// A plan change could fix it (this fix did not).
    fixable: bool,
}

/// The failures (at error) of the fixed plan's check, each with why it is left.
fn left_failing(fix: &Fix, report: &planlint::report::Report) -> Vec<Failing> {
    report
        .findings
        .iter()
        .filter(|f| f.fails_at(Severity::Error))
        .map(|f| {
            let known = fix
                .left
                .iter()
                .find(|l| l.rule == f.rule && l.subject == f.subject.id);
            Failing {
                rule: f.rule.to_string(),
                subject: f.subject.id.clone(),
                why: known.map_or_else(
                    || "left failing after the remedies (please report this)".to_string(),
                    |l| l.why.get(Lang::En).to_string(),
                ),
                fixable: known.is_none_or(|l| l.fixable),
            }
        })
        .collect()
}

/// The `remedy` summary of report.json.
fn summary(fix: &Fix, left: &[Failing], lang: Lang) -> Value {
    let count = |a: Action| fix.remedies.iter().filter(|r| r.action == a).count();
    let area: f64 = fix.remedies.iter().map(|r| r.floor_area).sum();
    let reason = |l: &remedy::Left| l.why.get(lang).to_string();
    json!({
        "remedies": fix.remedies.len(),
        "add": count(Action::Add),
        "enlarge": count(Action::Enlarge),
        "advance": count(Action::Advance),
        "floor_area_added": (area * 10.0).round() / 10.0,
        "beds_added": 0,
        "land_added": 0,
        "sites": fix.sites,
        "left": left.iter().map(|l| {
            let why = fix.left.iter()
                .find(|x| x.rule == l.rule && x.subject == l.subject)
                .map_or_else(|| l.why.clone(), reason);
            json!({"rule": l.rule, "subject": l.subject, "why": why, "fixable": l.fixable})
        }).collect::<Vec<_>>(),
    })
}

/// What the fix says on standard output: the remedies in the bureau's words, the site
/// choice's proof, and what is left.
fn said(fix: &Fix, left: &[Failing], lang: Lang, out: &std::path::Path) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    s += if zh {
        "整改建议\n"
    } else {
        "What to change\n"
    };
    if fix.remedies.is_empty() {
        s += if zh { "  无\n" } else { "  nothing\n" };
    }
    for r in &fix.remedies {
        s += &format!("  {} {}：{}\n", r.id, r.said(lang), r.reason.get(lang))
            .replace('：', if zh { "：" } else { ": " });
    }
    if let Some(sites) = &fix.sites {
        s += &if zh {
            format!(
                "新建站点 {} 处（求解器下界 {}，{}；贪心算法需 {} 处）\n",
                num(sites.objective, 0),
                num(sites.bound, 0),
                if sites.optimal {
                    "已证明最优"
                } else {
                    "未证明最优"
                },
                sites.greedy
            )
        } else {
            format!(
                "{} new sites (the solver's bound {}, {}; greedy needs {})\n",
                num(sites.objective, 0),
                num(sites.bound, 0),
                if sites.optimal {
                    "proven optimal"
                } else {
                    "not proven optimal"
                },
                sites.greedy
            )
        };
    }
    if !left.is_empty() {
        s += if zh {
            "仍不符合\n"
        } else {
            "Still failing\n"
        };
        for l in left {
            let why = fix
                .left
                .iter()
                .find(|x| x.rule == l.rule && x.subject == l.subject)
                .map_or_else(|| l.why.clone(), |x| x.why.get(lang).to_string());
            s += &format!("  {} {}: {why}\n", l.rule, l.subject);
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

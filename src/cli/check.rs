//! `planlint check`: one plan, or a batch of them (several folders, or `--recursive
//! ROOT`), with the plan's waivers and an optional baseline.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Parser;
use planlint::emit::{self, Format};
use planlint::report::FailOn;
use planlint::text::Lang;

use super::{batch, job, names, progress, timings, write_file};

#[derive(Parser)]
pub struct CheckArgs {
    /// Plan folders (compounds.*, facilities.*, units.*, phases.csv, plan.toml); several
    /// make a batch.
    pub plans: Vec<PathBuf>,
    /// Check every folder under ROOT that holds a plan (a compounds layer or a plan.toml),
    /// as a batch.
    #[arg(long, value_name = "ROOT")]
    pub recursive: Option<PathBuf>,
    /// Write one report per plan here (in --format), with summary.csv and summary.json.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Check the plan as a development submission inside this city's plan folder: its
    /// compounds walk the city's roads to the city's facilities and its own, unit totals
    /// include it, and the report speaks of the submission only.
    #[arg(long, value_name = "CITY")]
    pub context: Option<PathBuf>,
    #[arg(long)]
    pub compounds: Option<PathBuf>,
    #[arg(long)]
    pub facilities: Option<PathBuf>,
    #[arg(long)]
    pub units: Option<PathBuf>,
    #[arg(long)]
    pub phases: Option<PathBuf>,
    /// The walking network (lines); without one, service-circle measures straight lines.
    #[arg(long)]
    pub roads: Option<PathBuf>,
    /// Candidate sites for --suggest (points or polygons; default: the compounds).
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    /// A built-in profile id, or the path of a profile file (default: plan.toml's).
    #[arg(long)]
    pub profile: Option<String>,
    /// The date the check speaks for, YYYY-MM-DD (default: plan.toml's, else today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// The metric CRS everything is measured in (default: the Gauss–Krüger zone of the plan's centre).
    #[arg(long)]
    pub working_crs: Option<String>,
    /// Override one profile value: RULE.KEY=VALUE (e.g. service-circle.max_distance=1000).
    #[arg(long = "set", value_name = "RULE.KEY=VALUE")]
    pub set: Vec<String>,
    #[arg(long, default_value = "text", value_parser = names::<Format>(&Format::NAMES))]
    pub format: Format,
    /// The CRS of a GeoPackage report's layers: `working` (the plan's working CRS, in
    /// metres), or any CRS PROJ knows (default EPSG:4326; GeoJSON and the HTML map are
    /// WGS 84 by their standards).
    #[arg(long, value_name = "CRS")]
    pub output_crs: Option<String>,
    /// Also write the service areas (road stretches within walking distance of a
    /// qualifying facility) here, as GeoJSON in WGS 84. Needs a roads layer.
    #[arg(long, value_name = "FILE")]
    pub service_areas: Option<PathBuf>,
    /// Suggest K sites for new stations that bring the most uncovered households inside
    /// the service circle (greedy maximal covering over the compounds' reference points).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub suggest: usize,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Language of messages (default: from LANG).
    #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
    pub lang: Option<Lang>,
    /// Compare with an earlier JSON report: every finding is marked new, unchanged,
    /// changed or fixed (matched on rule and subject id).
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Values differ beyond TOL × max(1, |a|, |b|).
    #[arg(long, value_name = "TOL", default_value_t = planlint::baseline::TOLERANCE)]
    pub baseline_tolerance: f64,
    /// Exit 1 when a finding fails at this severity or above; `new`: only on a failure
    /// (at error) that the baseline did not have, or had less of.
    #[arg(long, default_value = "error", value_parser = names::<FailOn>(&FailOn::NAMES))]
    pub fail_on: FailOn,
    /// Print how long each stage took (reading, placing, indexing, network, analysis,
    /// rules, summarising, writing) and the peak memory, on standard error.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(args: CheckArgs, started: std::time::Instant) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(super::default_lang);
    // One language is spoken per run: the other's messages need not be rendered.
    planlint::text::render_only(Some(lang));
    if args.fail_on == FailOn::New && args.baseline.is_none() {
        return Err("--fail-on new compares with a baseline: give --baseline OLD.json".into());
    }
    // A GeoPackage is a database file: not for a terminal.
    if args.format == emit::Format::Gpkg && args.output.is_none() && std::io::stdout().is_terminal()
    {
        return Err("--format gpkg writes a file: give --output report.gpkg".into());
    }
    if args.output_crs.is_some() && args.format != emit::Format::Gpkg {
        return Err(
            "--output-crs sets the CRS of --format gpkg; GeoJSON and the HTML map are WGS 84"
                .into(),
        );
    }
    if !(args.baseline_tolerance >= 0.0 && args.baseline_tolerance.is_finite()) {
        return Err(format!(
            "--baseline-tolerance {}: a number ≥ 0",
            args.baseline_tolerance
        ));
    }
    if args.recursive.is_some() || args.plans.len() > 1 || args.output_dir.is_some() {
        if args.timings {
            return Err(
                "--timings times one plan; a batch's summary gives each plan's counts".into(),
            );
        }
        return batch::run(&args, lang);
    }
    let stages = progress::Stages::start(lang);
    let timings = args.timings.then(|| timings::Timings::new(started));
    let callback = match &timings {
        Some(t) => t.callback(Some(stages.callback(lang))),
        None => stages.callback(lang),
    };
    let report = job::run(
        args.plans.first().map(PathBuf::as_path),
        &args,
        lang,
        Some(callback),
    )?;
    if args.output.is_none() {
        // The report goes to the terminal, perhaps: the spinner leaves it first.
        drop(stages);
    }
    if let Some(path) = &args.service_areas {
        if report.service_areas.is_none() {
            return Err(
                "--service-areas needs a roads layer and a profile with the service-circle rule"
                    .into(),
            );
        }
        write_file(path, |w| emit::geojson::service_areas(w, &report))?;
    }
    let mut emitter = args.emitter(lang);
    match &args.output {
        Some(path) => write_file(path, |w| emitter.emit(w, &report))?,
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let done = emitter
                .emit(&mut out, &report)
                .and_then(|()| std::io::Write::flush(&mut out).map_err(emit::EmitError::from));
            // A reader that stops early (`| head`) is not an error of the check.
            match done {
                Err(e) if !e.is_broken_pipe() => return Err(format!("standard output: {e}")),
                _ => {}
            }
        }
    }
    if let Some(t) = &timings {
        t.print(lang);
    }
    Ok(report.exit_code(args.fail_on) as u8)
}

impl CheckArgs {
    /// The emitter of `--format`, speaking `lang`, with `--output-crs` for a GeoPackage.
    pub fn emitter(&self, lang: Lang) -> Box<dyn emit::Emitter> {
        match self.format {
            emit::Format::Gpkg => Box::new(emit::gpkg::GpkgEmitter {
                lang,
                crs: self.output_crs.clone(),
            }),
            f => f.emitter(lang),
        }
    }
}

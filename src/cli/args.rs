//! `planlint check`'s options, shared by the one-plan check ([`super::check`]), a batch
//! ([`super::batch`]) and the job they run ([`super::job`]).

use std::path::PathBuf;

use clap::Parser;
use planlint::emit::{self, Format};
use planlint::report::FailOn;
use planlint::text::Lang;

use super::names;

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
    #[command(flatten)]
    pub rules: RuleSelection,
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

/// The rules a run takes, as ruff's flags choose them (`check` and `fix`).
#[derive(clap::Args, Clone)]
pub struct RuleSelection {
    /// Only these rules (rule ids, comma separated, repeatable).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (rule ids, comma separated, repeatable).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

impl CheckArgs {
    /// The emitter of `--format`, speaking `lang`, in `--output-crs` where it takes one.
    pub fn emitter(&self, lang: Lang) -> Box<dyn emit::Emitter> {
        self.format.emitter_in(lang, self.output_crs.clone())
    }
}

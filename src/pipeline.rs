//! The whole check of a plan, as `planlint check` runs it: a [`Request`] says what to
//! check and how, [`Request::run`] gives the [`Report`].
//!
//! read → place → (merge into the city, for a submission) → index → analyse → check →
//! the plan's waivers → the baseline. The command line only turns its flags into a
//! `Request` and the `Report` into output; a library caller gets the same report.
//!
//! ```no_run
//! let report = planlint::Request::plan("data/submission")
//!     .context("data/sample")
//!     .profile("anyang-2017")
//!     .as_of("2024-06-30")
//!     .run()?;
//! println!("{} findings", report.findings.len());
//! # Ok::<(), planlint::Error>(())
//! ```

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::baseline::{self, BaselineError};
use crate::engine::{self, Options};
use crate::model::progress::{Progress, Stage};
use crate::place;
use crate::profile::{Profile, ProfileError};
use crate::read::{LayerFiles, PlanError, Sources};
use crate::report::Report;
use crate::rules::Prepared;
use crate::submission;
use crate::text::{Lang, Text};

/// What to check and how. Every setting left unset comes from the plan's `plan.toml`,
/// else the city's (for a submission), else its default.
#[derive(Debug, Clone)]
pub struct Request {
    /// A plan folder, a container holding a whole plan (`plan.gpkg`, a PostgreSQL URI, with
    /// the `gdal` feature a `.gdb`), or `None` when [`Request::layers`] names every file.
    pub plan: Option<PathBuf>,
    /// Layer files that win over the plan's own.
    pub layers: LayerFiles,
    /// The city's plan, when the plan is a development submission checked inside it.
    pub context: Option<PathBuf>,
    /// A built-in profile id or the path of a profile file.
    pub profile: Option<String>,
    /// Profile values overridden, `RULE.KEY=VALUE`, in order.
    pub overrides: Vec<String>,
    /// The date the check speaks for (default: plan.toml's, else today).
    pub as_of: Option<String>,
    /// The metric CRS everything is measured in (default: plan.toml's, else the
    /// Gauss–Krüger zone of the plan's centre).
    pub working_crs: Option<String>,
    /// An earlier JSON report to compare with: every finding is marked new, unchanged,
    /// changed or fixed.
    pub baseline: Option<PathBuf>,
    /// Values differ beyond `tolerance × max(1, |a|, |b|)`.
    pub baseline_tolerance: f64,
    /// What the check does beyond the rules, and who is told of its progress.
    pub options: Options,
}

impl Default for Request {
    fn default() -> Request {
        Request {
            plan: None,
            layers: LayerFiles::default(),
            context: None,
            profile: None,
            overrides: Vec::new(),
            as_of: None,
            working_crs: None,
            baseline: None,
            baseline_tolerance: baseline::TOLERANCE,
            options: Options::default(),
        }
    }
}

impl Request {
    /// The check of a plan folder, a `plan.gpkg` or a database URI.
    pub fn plan(path: impl Into<PathBuf>) -> Request {
        Request {
            plan: Some(path.into()),
            ..Request::default()
        }
    }

    /// Checks the plan as a development submission inside this city's plan.
    pub fn context(mut self, city: impl Into<PathBuf>) -> Request {
        self.context = Some(city.into());
        self
    }

    /// A built-in profile id (`anyang-2017`) or a profile file.
    pub fn profile(mut self, profile: impl Into<String>) -> Request {
        self.profile = Some(profile.into());
        self
    }

    /// Overrides one profile value: `RULE.KEY=VALUE`.
    pub fn set(mut self, value: impl Into<String>) -> Request {
        self.overrides.push(value.into());
        self
    }

    /// The date the check speaks for, `YYYY-MM-DD`.
    pub fn as_of(mut self, date: impl Into<String>) -> Request {
        self.as_of = Some(date.into());
        self
    }

    pub fn working_crs(mut self, crs: impl Into<String>) -> Request {
        self.working_crs = Some(crs.into());
        self
    }

    /// Compares with an earlier JSON report.
    pub fn baseline(mut self, report: impl Into<PathBuf>) -> Request {
        self.baseline = Some(report.into());
        self
    }

    /// Told of each stage as it starts.
    pub fn progress(mut self, progress: impl Fn(Stage) + Send + Sync + 'static) -> Request {
        self.options.progress = Some(Progress(std::sync::Arc::new(progress)));
        self
    }

    /// Runs the whole check. The error says which file, feature or setting could not be
    /// used (the command line's exit 2).
    pub fn run(&self) -> Result<Report, Error> {
        let mut sources = match &self.plan {
            Some(path) => Sources::from_path(path)?,
            None if self.layers.compounds.is_some() => Sources::default(),
            None => {
                return Err(Error::Request(
                    "give a plan folder, or --compounds and --facilities files".into(),
                ))
            }
        };
        self.add_layers(&mut sources);
        let waivers = crate::waivers::parse(&sources.settings.waivers).map_err(|e| {
            let file = sources
                .settings_file
                .as_deref()
                .map_or_else(|| "plan.toml".into(), |f| f.display().to_string());
            Error::Request(format!("{file}: {e}"))
        })?;
        let city = match &self.context {
            Some(dir) => Some(Sources::from_path(dir)?),
            None => None,
        };
        let city_settings = city.as_ref().map(|c| &c.settings);
        let profile_name = self
            .profile
            .clone()
            .or_else(|| sources.settings.profile.clone())
            .or_else(|| city_settings.and_then(|s| s.profile.clone()))
            .ok_or_else(|| {
                Error::Request(
                    "no profile: give --profile (e.g. anyang-2017) or set profile in plan.toml"
                        .into(),
                )
            })?;
        let mut profile = Profile::load(&profile_name)?;
        for s in &self.overrides {
            profile.apply_override(s)?;
        }
        // Each rule section is parsed into its rule's parameters once; that is the validation.
        let prepared = Prepared::new(&profile);
        prepared.validate()?;
        let as_of = self.date(&sources, city.as_ref())?;
        let options = &self.options;
        options.tell(Stage::Reading);
        let mut report = match city {
            None => {
                let plan = place::load_with(&sources, options.progress.as_ref())?;
                engine::run(&plan, &prepared, as_of, options)
            }
            Some(mut city) => {
                // The submission is placed in the city's working CRS and checked inside it.
                city.working_crs = self.working_crs.clone();
                let city = place::load_with(&city, options.progress.as_ref())?;
                sources.submission = true;
                sources.working_crs = Some(city.working_crs.clone());
                let submission = place::load_with(&sources, options.progress.as_ref())?;
                let (merged, sub) =
                    submission::merge(city.clone(), submission).map_err(Error::Context)?;
                submission::check_in_city(&city, &merged, &sub, &prepared, as_of, options)
            }
        };
        crate::waivers::apply(&mut report, &waivers);
        if let Some(path) = &self.baseline {
            let before = baseline::read(path)?;
            let name = path.display().to_string();
            baseline::apply(&mut report, &before, self.baseline_tolerance, &name);
        }
        Ok(report)
    }

    /// The plan's own layers, with the files given one by one winning over them (a
    /// plan.gpkg's tables, say), and the working CRS asked for.
    fn add_layers(&self, sources: &mut Sources) {
        sources.files = self.layers.clone().or(std::mem::take(&mut sources.files));
        sources.working_crs = self.working_crs.clone();
    }

    /// The date: the request's, else plan.toml's, else the city's, else today.
    fn date(&self, sources: &Sources, city: Option<&Sources>) -> Result<NaiveDate, Error> {
        let text = self
            .as_of
            .clone()
            .or_else(|| sources.settings.as_of_text())
            .or_else(|| city.and_then(|c| c.settings.as_of_text()));
        match text {
            Some(s) => place::fields::parse_date(&s)
                .ok_or_else(|| Error::Request(format!("--as-of {s}: not a date (YYYY-MM-DD)"))),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }
}

/// Why a plan could not be checked: a file, feature or setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A layer, plan.toml or a file in it.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The profile, or an override of it.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The baseline report.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The submission cannot be checked inside this city.
    #[error("{}", .0.en)]
    Context(Text),
    /// The request itself (a setting missing or not valid).
    #[error("{0}")]
    Request(String),
}

impl Error {
    /// The message, in `lang` where it has both.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::Context(t) => t.get(lang).to_string(),
            e => e.to_string(),
        }
    }
}

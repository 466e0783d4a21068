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
use crate::remedy;
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
    /// Only these rules are checked (rule ids; empty: all the profile's).
    pub select: Vec<String>,
    /// These rules are not checked (rule ids).
    pub ignore: Vec<String>,
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
            select: Vec::new(),
            ignore: Vec::new(),
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
        let mut plan = self.sources()?;
        let waivers = waivers_of(&plan)?;
        let city = match &self.context {
            Some(dir) => Some(Sources::from_path(dir)?),
            None => None,
        };
        let (profile, _) = self.profile_of(&plan, city.as_ref())?;
        // Each rule section is parsed into its rule's parameters once; that is the validation.
        let prepared = Prepared::new(&profile);
        prepared.validate()?;
        let as_of = self.date(&plan, city.as_ref())?;
        let options = &self.options;
        options.tell(Stage::Reading);
        let report = match city {
            None => {
                let plan = place::load_with(&plan, options.progress.as_ref())?;
                let report = engine::run(&plan, &prepared, as_of, options);
                engine::free_aside(plan);
                report
            }
            Some(mut city) => {
                // The submission is placed in the city's working CRS and checked inside it.
                city.working_crs = self.working_crs.clone();
                let city = place::load_with(&city, options.progress.as_ref())?;
                let (merged, sub) = self.merged_into(&city, &mut plan)?;
                submission::check_in_city(&city, &merged, &sub, &prepared, as_of, options)
            }
        };
        self.finish(report, &waivers)
    }

    /// Reads, places and checks the city this request names (its `plan`; its profile and
    /// date as a check of it would take them), once: a [`City`] that submissions are then
    /// checked against ([`City::check`]) without reading, placing or checking the city
    /// again, as `planlint serve` keeps its cities.
    pub fn city(&self) -> Result<City, Error> {
        let sources = self.sources()?;
        let (profile, key) = self.profile_of(&sources, None)?;
        Prepared::new(&profile).validate()?;
        let as_of = self.date(&sources, None)?;
        self.options.tell(Stage::Reading);
        let plan = place::load_with(&sources, self.options.progress.as_ref())?;
        let (before, index) = rayon::join(
            || submission::Before::of(&plan, &Prepared::new(&profile), as_of),
            || submission::CityIndex::of(&plan),
        );
        Ok(City {
            sources,
            plan,
            profile,
            key,
            as_of,
            before,
            index,
        })
    }

    /// Where the plan's layers are: its folder, file or database, and the files named one
    /// by one.
    fn sources(&self) -> Result<Sources, Error> {
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
        Ok(sources)
    }

    /// The profile: the request's, else plan.toml's, else the city's; with the request's
    /// overrides. And what names it (id or file, and the overrides), to tell two apart.
    fn profile_of(
        &self,
        sources: &Sources,
        city: Option<&Sources>,
    ) -> Result<(Profile, ProfileKey), Error> {
        let name = self
            .profile
            .clone()
            .or_else(|| sources.settings.profile.clone())
            .or_else(|| city.and_then(|c| c.settings.profile.clone()))
            .ok_or_else(|| {
                Error::Request(
                    "no profile: give --profile (e.g. anyang-2017) or set profile in plan.toml"
                        .into(),
                )
            })?;
        let mut profile = Profile::load(&name)?;
        for s in &self.overrides {
            profile.apply_override(s)?;
        }
        self.selected(&mut profile)?;
        let mut key = self.overrides.clone();
        key.extend(self.select.iter().map(|r| format!("select {r}")));
        key.extend(self.ignore.iter().map(|r| format!("ignore {r}")));
        Ok((profile, (name, key)))
    }

    /// The profile's rules that `select` and `ignore` leave (ruff's flags: rule ids). An id
    /// no rule has is an error.
    fn selected(&self, profile: &mut Profile) -> Result<(), Error> {
        for (flag, ids) in [("--select", &self.select), ("--ignore", &self.ignore)] {
            if let Some(id) = ids.iter().find(|id| crate::rules::find(id).is_none()) {
                return Err(Error::Request(format!(
                    "{flag} {id}: no rule has this id (`planlint rules` lists them)"
                )));
            }
        }
        profile.rules.retain(|id, _| {
            (self.select.is_empty() || self.select.contains(id)) && !self.ignore.contains(id)
        });
        Ok(())
    }

    /// The submission this request names, placed in the city's working CRS and merged
    /// into it.
    fn merged_into(
        &self,
        city: &crate::model::Plan,
        sources: &mut Sources,
    ) -> Result<(crate::model::Plan, submission::Submission), Error> {
        sources.submission = true;
        sources.working_crs = Some(city.working_crs.clone());
        let plan = place::load_with(sources, self.options.progress.as_ref())?;
        submission::merge(city.clone(), plan).map_err(Error::Context)
    }

    /// The plan's waivers applied, and the comparison with the baseline.
    fn finish(
        &self,
        mut report: Report,
        waivers: &[crate::waivers::Waiver],
    ) -> Result<Report, Error> {
        crate::waivers::apply(&mut report, waivers);
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

impl Request {
    /// Fixes the plan this request names (`planlint fix`): checks it, finds the fewest
    /// remedies ([`remedy::remedies`]), writes the plan with them applied into the folder
    /// `out` ([`remedy::write::fixed_plan`]), and checks what was written, as
    /// `planlint check OUT` would. `time_limit`: the solver's, in seconds.
    pub fn fix(&self, out: &std::path::Path, time_limit: f64) -> Result<Fixed, Error> {
        let mut sources = self.sources()?;
        let city = match &self.context {
            Some(dir) => Some(Sources::from_path(dir)?),
            None => None,
        };
        let (profile, _) = self.profile_of(&sources, city.as_ref())?;
        let prepared = Prepared::new(&profile);
        prepared.validate()?;
        let as_of = self.date(&sources, city.as_ref())?;
        let mut options = remedy::Options {
            time_limit,
            ..remedy::Options::default()
        };
        if let Some(area) = sources.settings.fix.station_floor_area {
            if !(area.is_finite() && area > 0.0) {
                return Err(Error::Request(format!(
                    "plan.toml [fix] station_floor_area = {area}: a floor area in m², above 0"
                )));
            }
            options.station_floor_area = area;
        }
        self.options.tell(Stage::Reading);
        let (plan, inputs, check_options) = match city {
            None => {
                let plan = place::load_with(&sources, self.options.progress.as_ref())?;
                let inputs = plan.inputs.clone();
                (plan, inputs, self.options.clone())
            }
            // A submission in its city: checked as `check --context` checks it, and
            // changed on its own land only (its compounds, its facilities).
            Some(mut city) => {
                city.working_crs = self.working_crs.clone();
                let city = place::load_with(&city, self.options.progress.as_ref())?;
                let (merged, sub) = self.merged_into(&city, &mut sources)?;
                let own = |ids: &std::collections::HashSet<String>, id: &String| ids.contains(id);
                options.within = Some(remedy::Within {
                    compounds: merged
                        .compounds
                        .iter()
                        .map(|c| own(&sub.compounds, &c.id))
                        .collect(),
                    facilities: merged
                        .facilities
                        .iter()
                        .map(|f| own(&sub.facilities, &f.id))
                        .collect(),
                });
                let focused = Options {
                    focus: Some(std::sync::Arc::new(crate::rules::Focus {
                        compounds: options
                            .within
                            .as_ref()
                            .map_or_else(Vec::new, |w| w.compounds.clone()),
                        // Every unit: the remedies of the areas read them all.
                        units: None,
                    })),
                    ..self.options.clone()
                };
                (merged, sub.inputs, focused)
            }
        };
        let checked = engine::check(&plan, &prepared, as_of, &check_options);
        let fix = remedy::remedies(&checked, &prepared, &options);
        remedy::write::fixed_plan(&sources, &inputs, &plan, &fix, out).map_err(Error::Request)?;
        let again = Request {
            plan: Some(out.to_path_buf()),
            baseline: None,
            ..self.clone()
        };
        let mut report = again.run()?;
        report.remedy = Some(remedy::summary(&fix, &report));
        Ok(Fixed {
            remedies: fix,
            report,
            plan,
        })
    }
}

/// A plan fixed ([`Request::fix`]).
pub struct Fixed {
    /// The remedies, the site choice's proof, and what no remedy fixes.
    pub remedies: remedy::Fix,
    /// The check of the fixed plan, as written.
    pub report: Report,
    /// The plan as it was, placed.
    pub plan: crate::model::Plan,
}

impl Fixed {
    /// Writes beside the fixed plan in `out` what `planlint fix` writes there:
    /// remedies.geojson, remedies.csv and report.json (the fixed plan's check, with its
    /// `remedy` summary), in `lang`. The error names the file.
    pub fn write_outputs(&self, out: &std::path::Path, lang: Lang) -> Result<(), String> {
        let write = |name: &str, bytes: &[u8]| {
            let path = out.join(name);
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
        };
        let geojson = remedy::write::remedies_geojson(&self.plan, &self.remedies, lang)?;
        write("remedies.geojson", geojson.as_bytes())?;
        write(
            "remedies.csv",
            &remedy::write::remedies_csv(&self.remedies, lang)?,
        )?;
        let mut json = Vec::new();
        crate::emit::Format::Json
            .emitter_in(lang, None)
            .emit(&mut json, &self.report)
            .map_err(|e| e.to_string())?;
        write("report.json", &json)
    }

    /// `planlint fix`'s exit status: 1 when a failure is left that a change to the plan
    /// could fix, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(
            self.report
                .remedy
                .as_ref()
                .is_some_and(|r| r.fixable_left()),
        )
    }
}

/// What names a profile: its id or file, and the overrides applied to it.
type ProfileKey = (String, Vec<String>);

/// plan.toml's `[[waivers]]`; the error names the file.
fn waivers_of(sources: &Sources) -> Result<Vec<crate::waivers::Waiver>, Error> {
    crate::waivers::parse(&sources.settings.waivers).map_err(|e| {
        let file = sources
            .settings_file
            .as_deref()
            .map_or_else(|| "plan.toml".into(), |f| f.display().to_string());
        Error::Request(format!("{file}: {e}"))
    })
}

/// A city read, placed and checked once ([`Request::city`]), kept for the submissions
/// checked against it: each is read, placed in the city's CRS, merged into it and
/// checked with its compounds' circle walked around them, and its areas compared with
/// what the city was before, which was checked when the city was loaded.
pub struct City {
    sources: Sources,
    plan: crate::model::Plan,
    profile: Profile,
    key: ProfileKey,
    as_of: NaiveDate,
    before: submission::Before,
    index: submission::CityIndex,
}

impl City {
    /// The city's plan, placed.
    pub fn plan(&self) -> &crate::model::Plan {
        &self.plan
    }

    /// The date the city was checked for.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The profile the city was checked with.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Checks the submission `submission` names (its `plan`, with its layers, profile,
    /// date, overrides, baseline and options; its `context` is this city) inside the city:
    /// the report `planlint check SUBMISSION --context CITY` gives. It is checked on the
    /// part of the city it reads ([`submission::part`]), and on the whole when a walk
    /// leaves that part's window or sites are to be suggested; a submission asking for
    /// another profile or date than the city was checked with has the city checked again
    /// with them.
    pub fn check(&self, submission: &Request) -> Result<Report, Error> {
        let mut sources = submission.sources()?;
        let waivers = waivers_of(&sources)?;
        let (profile, key) = submission.profile_of(&sources, Some(&self.sources))?;
        let prepared = Prepared::new(&profile);
        prepared.validate()?;
        let as_of = submission.date(&sources, Some(&self.sources))?;
        let options = &submission.options;
        options.tell(Stage::Reading);
        let kept = key == self.key && as_of == self.as_of;
        if kept && options.suggest == 0 {
            sources.submission = true;
            sources.working_crs = Some(self.plan.working_crs.clone());
            let plan = place::load_with(&sources, options.progress.as_ref())?;
            let part = submission::part(&self.plan, &self.index, plan, &prepared, as_of)
                .map_err(Error::Context)?;
            if let Some((part, sub, walk)) = part {
                let options = Options {
                    units: Some(self.index.units.clone()),
                    ..options.clone()
                };
                let report = submission::check_against(
                    &self.before,
                    &part,
                    &sub,
                    &prepared,
                    as_of,
                    &options,
                );
                // A walk longer than the window vouches for was measured on the part's
                // roads alone: the whole city measures it.
                let left_the_window = walk.window().is_some()
                    && report.network.as_ref().is_some_and(|n| n.window.is_none());
                if !left_the_window {
                    return submission.finish(report, &waivers);
                }
            }
        }
        let (merged, sub) = submission.merged_into(&self.plan, &mut sources)?;
        let report = if kept {
            submission::check_against(&self.before, &merged, &sub, &prepared, as_of, options)
        } else {
            submission::check_in_city(&self.plan, &merged, &sub, &prepared, as_of, options)
        };
        submission.finish(report, &waivers)
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

//! One plan's check, as `planlint check` runs it for a plan folder (or layer files), alone
//! or in a batch: the profile and date (command line, else plan.toml, else the city's),
//! the layers read and placed, the rules, then the plan's waivers and the baseline.

use std::path::Path;

use planlint::emit::Format;
use planlint::plan::{self, Sources};
use planlint::profile::Profile;
use planlint::report::Report;
use planlint::text::Lang;
use planlint::{Progress, Stage};

use super::check::CheckArgs;

/// Checks one plan: `plan` (a folder), or the layer files of the command line. The error
/// says which file, feature or option could not be used.
pub fn run(
    plan: Option<&Path>,
    args: &CheckArgs,
    lang: Lang,
    progress: Option<Progress>,
) -> Result<Report, String> {
    let mut sources = match plan {
        Some(dir) => Sources::from_path(dir).map_err(|e| e.to_string())?,
        None if args.compounds.is_some() => Sources::default(),
        None => return Err("give a plan folder, or --compounds and --facilities files".into()),
    };
    // A layer on the command line wins over the plan's own (a plan.gpkg's tables).
    let given = |cli: &Option<std::path::PathBuf>, own: &mut Option<std::path::PathBuf>| {
        cli.clone().or_else(|| own.take())
    };
    sources.compounds = given(&args.compounds, &mut sources.compounds);
    sources.facilities = given(&args.facilities, &mut sources.facilities);
    sources.units = given(&args.units, &mut sources.units);
    sources.phases = given(&args.phases, &mut sources.phases);
    sources.roads = given(&args.roads, &mut sources.roads);
    sources.candidates = given(&args.candidates, &mut sources.candidates);
    sources.working_crs = args.working_crs.clone();
    let waivers = planlint::waivers::parse(&sources.settings.waivers).map_err(|e| {
        let file = plan.map_or_else(
            || "plan.toml".into(),
            |d| d.join("plan.toml").display().to_string(),
        );
        format!("{file}: {e}")
    })?;

    let city = match &args.context {
        Some(dir) => Some(Sources::from_path(dir).map_err(|e| e.to_string())?),
        None => None,
    };
    let city_settings = city.as_ref().map(|c| &c.settings);
    let profile_name = args
        .profile
        .clone()
        .or_else(|| sources.settings.profile.clone())
        .or_else(|| city_settings.and_then(|s| s.profile.clone()))
        .ok_or("no profile: give --profile (e.g. anyang-2017) or set profile in plan.toml")?;
    let mut profile = Profile::load(&profile_name).map_err(|e| e.to_string())?;
    for s in &args.set {
        profile.apply_override(s).map_err(|e| e.to_string())?;
    }
    // Each rule section is parsed into its rule's parameters once; that is the validation.
    let prepared = planlint::rules::Prepared::new(&profile);
    prepared.validate().map_err(|e| e.to_string())?;
    let as_of = match args
        .as_of
        .clone()
        .or_else(|| sources.settings.as_of_text())
        .or_else(|| city_settings.and_then(|s| s.as_of_text()))
    {
        Some(s) => plan::fields::parse_date(&s)
            .ok_or_else(|| format!("--as-of {s}: not a date (YYYY-MM-DD)"))?,
        None => chrono::Local::now().date_naive(),
    };
    let options = planlint::Options {
        suggest: args.suggest,
        // The HTML map draws them; the GeoPackage report has a layer of them.
        service_areas: args.service_areas.is_some()
            || matches!(args.format, Format::Html | Format::Gpkg),
        geometry: args.format.needs_geometry(),
        progress,
    };
    Progress::tell(&options, Stage::Reading);
    let mut report = match city {
        None => {
            let plan =
                plan::load_with(&sources, options.progress.as_ref()).map_err(|e| e.to_string())?;
            planlint::check_prepared(&plan, &prepared, as_of, &options)
        }
        Some(city) => {
            // The submission is placed in the city's working CRS and checked inside it.
            let mut city = city;
            city.working_crs = args.working_crs.clone();
            let city =
                plan::load_with(&city, options.progress.as_ref()).map_err(|e| e.to_string())?;
            sources.submission = true;
            sources.working_crs = Some(city.working_crs.clone());
            let submission =
                plan::load_with(&sources, options.progress.as_ref()).map_err(|e| e.to_string())?;
            let (merged, sub) = plan::context::merge(city.clone(), submission)
                .map_err(|e| e.get(lang).to_string())?;
            planlint::context::check_in_context(&city, &merged, &sub, &prepared, as_of, &options)
        }
    };
    planlint::waivers::apply(&mut report, &waivers);
    if let Some(path) = &args.baseline {
        let before = planlint::baseline::read(path).map_err(|e| e.to_string())?;
        let name = path.display().to_string();
        planlint::baseline::apply(&mut report, &before, args.baseline_tolerance, &name);
    }
    Progress::tell(&options, Stage::Writing);
    Ok(report)
}

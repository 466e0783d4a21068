//! One plan's check, as `planlint check` runs it for a plan (a folder, a file or a
//! database) or the layer files of the command line, alone or in a batch: the flags made a
//! [`planlint::Request`], run by the library.

use std::path::Path;

use planlint::report::Report;
use planlint::text::Lang;
use planlint::{LayerFiles, Progress, Request};

use super::args::CheckArgs;

/// The library's request for `plan` (or the command line's layer files) under `args`.
pub fn request(plan: Option<&Path>, args: &CheckArgs, progress: Option<Progress>) -> Request {
    let mut request = Request {
        plan: plan.map(Path::to_path_buf),
        layers: LayerFiles {
            compounds: args.compounds.clone(),
            facilities: args.facilities.clone(),
            units: args.units.clone(),
            phases: args.phases.clone(),
            roads: args.roads.clone(),
            candidates: args.candidates.clone(),
        },
        context: args.context.clone(),
        profile: args.profile.clone(),
        overrides: args.set.clone(),
        as_of: args.as_of.clone(),
        working_crs: args.working_crs.clone(),
        baseline: args.baseline.clone(),
        baseline_tolerance: args.baseline_tolerance,
        select: args.rules.select.clone(),
        ignore: args.rules.ignore.clone(),
        ..Request::default()
    };
    let options = &mut request.options;
    options.suggest = args.suggest;
    // The HTML map draws them; the GeoPackage report has a layer of them.
    options.service_areas = args.service_areas.is_some() || args.format.info().service_areas;
    options.geometry = args.format.needs_geometry();
    options.progress = progress;
    request
}

/// Checks one plan. The error says which file, feature or option could not be used.
pub fn run(
    plan: Option<&Path>,
    args: &CheckArgs,
    lang: Lang,
    progress: Option<Progress>,
) -> Result<Report, String> {
    let request = request(plan, args, progress);
    let report = request.run().map_err(|e| e.message(lang))?;
    request.options.tell(planlint::Stage::Writing);
    Ok(report)
}

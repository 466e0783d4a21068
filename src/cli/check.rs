//! `planlint check`: one plan, or a batch of them (several folders, or `--recursive
//! ROOT`), with the plan's waivers and an optional baseline.

use std::io::IsTerminal;
use std::path::PathBuf;

use planlint::emit;
use planlint::report::FailOn;

use super::args::CheckArgs;
use super::{batch, job, progress, timings, write_file};

pub fn run(args: CheckArgs, started: std::time::Instant) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(super::default_lang);
    // One language is spoken per run: the other's messages need not be rendered.
    planlint::text::render_only(Some(lang));
    if args.fail_on == FailOn::New && args.baseline.is_none() {
        return Err("--fail-on new compares with a baseline: give --baseline OLD.json".into());
    }
    let format = args.format.info();
    // A GeoPackage is a database file: not for a terminal.
    if format.binary && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(format!(
            "--format {0} writes a file: give --output report.{1}",
            format.name, format.extension
        ));
    }
    if args.output_crs.is_some() && !format.output_crs {
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
    let code = report.exit_code(args.fail_on) as u8;
    // The process ends here: its memory goes back whole, not finding by finding (a
    // hundred thousand compounds' report took tens of milliseconds to free).
    std::mem::forget(report);
    Ok(code)
}

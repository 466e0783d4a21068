//! The `planlint` command: parses options, calls the library, sets the exit code
//! (report.md: 0 no failing finding at the failing severity, 1 at least one, 2 unusable
//! inputs or options).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use planlint::emit::{self, Format};
use planlint::plan::{self, Sources};
use planlint::profile::{Profile, Severity, BUILTIN};
use planlint::rules::{self, RULES};
use planlint::text::Lang;

#[derive(Parser)]
#[command(
    name = "planlint",
    version,
    about = "Checks city development plans against elder-care facility planning rules (养老服务设施规划检查)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a plan (a folder, or layer files) against a city's profile.
    Check(Box<CheckArgs>),
    /// List the built-in profiles, or show one's thresholds and clauses.
    Profiles {
        id: Option<String>,
        #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
        lang: Option<Lang>,
    },
    /// List every rule, or show one rule's documentation.
    Rules { id: Option<String> },
    /// The canonical fields of every layer (or one): type, whether a feature needs it, the
    /// usual Chinese field names and values found without any mapping.
    Fields { layer: Option<String> },
    /// Write a generated city (for trying planlint out and for benchmarks).
    Synth {
        #[arg(long, default_value_t = 100)]
        compounds: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "anyang-2017")]
        profile: String,
        #[arg(long, default_value = "2024-06-30")]
        as_of: String,
        /// Also write the street grid as roads.geojson.
        #[arg(long)]
        roads: bool,
    },
}

/// A clap parser for a library type: its names as the possible values, parsed by `FromStr`.
fn names<T: std::str::FromStr + Clone + Send + Sync + 'static>(
    names: &'static [&'static str],
) -> impl TypedValueParser<Value = T>
where
    T::Err: std::fmt::Debug,
{
    PossibleValuesParser::new(names).map(|s| s.parse::<T>().expect("a possible value parses"))
}

#[derive(Parser)]
struct CheckArgs {
    /// The plan folder (compounds.*, facilities.*, units.*, phases.csv, plan.toml).
    plan: Option<PathBuf>,
    /// Check the plan as a development submission inside this city's plan folder: its
    /// compounds walk the city's roads to the city's facilities and its own, unit totals
    /// include it, and the report speaks of the submission only.
    #[arg(long, value_name = "CITY")]
    context: Option<PathBuf>,
    #[arg(long)]
    compounds: Option<PathBuf>,
    #[arg(long)]
    facilities: Option<PathBuf>,
    #[arg(long)]
    units: Option<PathBuf>,
    #[arg(long)]
    phases: Option<PathBuf>,
    /// The walking network (lines); without one, service-circle measures straight lines.
    #[arg(long)]
    roads: Option<PathBuf>,
    /// Candidate sites for --suggest (points or polygons; default: the compounds).
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// A built-in profile id, or the path of a profile file (default: plan.toml's).
    #[arg(long)]
    profile: Option<String>,
    /// The date the check speaks for, YYYY-MM-DD (default: plan.toml's, else today).
    #[arg(long)]
    as_of: Option<String>,
    /// The metric CRS everything is measured in (default: the Gauss–Krüger zone of the plan's centre).
    #[arg(long)]
    working_crs: Option<String>,
    /// Override one profile value: RULE.KEY=VALUE (e.g. service-circle.max_distance=1000).
    #[arg(long = "set", value_name = "RULE.KEY=VALUE")]
    set: Vec<String>,
    #[arg(long, default_value = "text", value_parser = names::<Format>(&Format::NAMES))]
    format: Format,
    /// Also write the service areas (road stretches within walking distance of a
    /// qualifying facility) here, as GeoJSON in WGS 84. Needs a roads layer.
    #[arg(long, value_name = "FILE")]
    service_areas: Option<PathBuf>,
    /// Suggest K sites for new stations that bring the most uncovered households inside
    /// the service circle (greedy maximal covering over the compounds' reference points).
    #[arg(long, value_name = "K", default_value_t = 0)]
    suggest: usize,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Language of messages (default: from LANG).
    #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
    lang: Option<Lang>,
    /// Exit 1 when a finding fails at this severity or above.
    #[arg(long, default_value = "error", value_parser = names::<Severity>(&Severity::NAMES))]
    fail_on: Severity,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Profiles { id, lang } => {
            profiles(id.as_deref(), lang.unwrap_or_else(default_lang))
        }
        Command::Rules { id } => rules_cmd(id.as_deref()),
        Command::Fields { layer } => fields_cmd(layer.as_deref()),
        Command::Synth {
            compounds,
            seed,
            out,
            profile,
            as_of,
            roads,
        } => {
            let mut plan = planlint::synth::city(compounds, seed);
            if roads {
                planlint::synth::add_streets(&mut plan);
            }
            planlint::synth::write_plan(&out, &plan, &profile, &as_of).map(|()| 0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("planlint: {msg}");
            ExitCode::from(2)
        }
    }
}

fn default_lang() -> Lang {
    let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    match lang {
        Some(l) if l.starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let lang = args.lang.unwrap_or_else(default_lang);
    let mut sources = match &args.plan {
        Some(dir) => Sources::from_dir(dir).map_err(|e| e.to_string())?,
        None if args.compounds.is_some() => Sources::default(),
        None => return Err("give a plan folder, or --compounds and --facilities files".into()),
    };
    sources.compounds = args.compounds.clone();
    sources.facilities = args.facilities.clone();
    sources.units = args.units.clone();
    sources.phases = args.phases.clone();
    sources.roads = args.roads.clone();
    sources.candidates = args.candidates.clone();
    sources.working_crs = args.working_crs.clone();

    let city = match &args.context {
        Some(dir) => Some(Sources::from_dir(dir).map_err(|e| e.to_string())?),
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
        // The HTML map draws the walking service areas.
        service_areas: args.service_areas.is_some() || args.format == Format::Html,
        geometry: args.format.needs_geometry(),
    };
    let report = match city {
        None => {
            let plan = plan::load(&sources).map_err(|e| e.to_string())?;
            planlint::check_prepared(&plan, &prepared, as_of, &options)
        }
        Some(city) => {
            // The submission is placed in the city's working CRS and checked inside it.
            let mut city = city;
            city.working_crs = args.working_crs.clone();
            let city = plan::load(&city).map_err(|e| e.to_string())?;
            sources.submission = true;
            sources.working_crs = Some(city.working_crs.clone());
            let submission = plan::load(&sources).map_err(|e| e.to_string())?;
            let (merged, sub) = plan::context::merge(city.clone(), submission)
                .map_err(|e| e.get(lang).to_string())?;
            planlint::context::check_in_context(&city, &merged, &sub, &prepared, as_of, &options)
        }
    };
    if let Some(path) = &args.service_areas {
        if report.service_areas.is_none() {
            return Err(
                "--service-areas needs a roads layer and a profile with the service-circle rule"
                    .into(),
            );
        }
        write_file(path, |w| emit::geojson::service_areas(w, &report))?;
    }
    let mut emitter = args.format.emitter(lang);
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
    Ok(report.exit_code(args.fail_on) as u8)
}

/// Writes a file through `write`, naming the file in any error.
/// The file is written only once the whole output is ready: a failure leaves no partial file.
fn write_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), emit::EmitError>,
) -> Result<(), String> {
    let mut out = Vec::new();
    write(&mut out).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))
}

/// Appends a line to a text being built (`writeln!` into a `String` cannot fail).
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}

/// Writes text to standard output; a reader that stops early (`| head`) is not an error.
fn print_out(text: &str) -> Result<u8, String> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("standard output: {e}"))
        }
        _ => Ok(0),
    }
}

fn profiles(id: Option<&str>, lang: Lang) -> Result<u8, String> {
    let mut o = String::new();
    let Some(id) = id else {
        for (id, text) in BUILTIN {
            let p = Profile::parse(id, text).map_err(|e| e.to_string())?;
            let title = if lang == Lang::Zh {
                &p.title
            } else {
                &p.title_en
            };
            outln!(o, "{id:<15} {:<22} {title}", p.document);
        }
        return print_out(&o);
    };
    let p = Profile::load(id).map_err(|e| e.to_string())?;
    outln!(o, "{} — {} / {}", p.id, p.title, p.title_en);
    let until = p
        .valid_until_date()
        .map(|d| format!("  valid until {d}"))
        .unwrap_or_default();
    outln!(o, "document {}  issued {}{until}", p.document, p.issued);
    outln!(
        o,
        "household size {} ({})",
        p.settings.household_size,
        p.settings.household_size_source
    );
    outln!(
        o,
        "a target of year Y falls due on Y-12-31 and is in force from the day after"
    );
    for (rule, cfg) in &p.rules {
        outln!(
            o,
            "\n[{rule}] severity {}  clause {}",
            cfg.severity.as_str(),
            p.cite(&cfg.clause)
        );
        for (k, v) in &cfg.params {
            match v.as_array() {
                Some(items) if items.iter().all(toml::Value::is_table) => {
                    outln!(o, "  {k}:");
                    for item in items {
                        outln!(o, "    - {}", show_entry(item, &p));
                    }
                }
                _ if v.is_table() => outln!(o, "  {k} = {{ {} }}", show_entry(v, &p)),
                _ => outln!(o, "  {k} = {}", show_entry(v, &p)),
            }
        }
    }
    print_out(&o)
}

/// One profile value as TOML, with the full citation of a `clause` and the due date of a
/// `year` spelled out, at any depth.
fn show_entry(v: &toml::Value, p: &Profile) -> String {
    match v {
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| match (k.as_str(), v) {
                ("clause", toml::Value::String(c)) => format!("clause = {}", p.cite(c)),
                ("year", toml::Value::Integer(y)) => format!("year = {y} (due {y}-12-31)"),
                (_, v @ toml::Value::Table(_)) => format!("{k} = {{ {} }}", show_entry(v, p)),
                _ => format!("{k} = {}", show_entry(v, p)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        toml::Value::Array(items) => {
            let shown: Vec<String> = items
                .iter()
                .map(|i| match i {
                    toml::Value::Table(_) => format!("{{ {} }}", show_entry(i, p)),
                    _ => show_entry(i, p),
                })
                .collect();
            format!("[{}]", shown.join(", "))
        }
        _ => v.to_string(),
    }
}

fn fields_cmd(layer: Option<&str>) -> Result<u8, String> {
    use planlint::plan::schema::{self, Kind};
    let layers: Vec<&schema::Schema> = match layer {
        None => schema::ALL.to_vec(),
        Some(name) => vec![schema::of(name).ok_or_else(|| {
            format!("unknown layer '{name}' (compounds, facilities, units, phases)")
        })?],
    };
    let mut o = String::new();
    for s in layers {
        outln!(o, "[{}]", s.layer);
        for f in s.fields {
            let need = if f.required { "required" } else { "" };
            outln!(
                o,
                "  {:<24} {:<18} {:<9} {}",
                f.name,
                f.kind.name(),
                need,
                f.aliases.join(" ")
            );
            if !f.meaning.is_empty() {
                outln!(o, "  {:<24} {}", "", f.meaning);
            }
            if let Kind::Enum(values) = f.kind {
                for a in values {
                    outln!(o, "  {:<24}   {:<18} {}", "", a.value, a.aliases.join(" "));
                }
            }
        }
        o.push('\n');
    }
    print_out(&o)
}

fn rules_cmd(id: Option<&str>) -> Result<u8, String> {
    let mut o = String::new();
    match id {
        None => {
            for r in RULES {
                let t = r.title();
                outln!(
                    o,
                    "{:<28} {:<11} {} / {}",
                    r.id(),
                    r.subject().as_str(),
                    t.zh,
                    t.en
                );
            }
        }
        Some(id) => {
            let r = rules::find(id)
                .ok_or_else(|| format!("unknown rule '{id}'; `planlint rules` lists them"))?;
            o.push_str(r.doc());
        }
    }
    print_out(&o)
}

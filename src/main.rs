//! The `planlint` command: parses options, calls the library, sets the exit code
//! (report.md: 0 no failing finding at the failing severity, 1 at least one, 2 unusable
//! inputs or options).

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::{default_lang, names, print_out};
use planlint::profile::{Profile, BUILTIN};
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
    /// Check a plan (a folder, or layer files) against a city's profile; several plans, or
    /// --recursive ROOT, make a batch.
    Check(Box<cli::args::CheckArgs>),
    /// Find the fewest changes to a plan's facilities that make it comply, write the plan
    /// with them applied (with remedies.geojson, remedies.csv and report.json, its check)
    /// into OUT, and say what no change fixes.
    Fix(Box<cli::fix::FixArgs>),
    /// Run the checking service: OGC API – Processes (check, fix) with a page for people,
    /// the cities kept in memory, every check on record under --data.
    Serve(Box<cli::serve::ServeArgs>),
    /// Compare two JSON reports as --baseline does: new, changed, fixed findings.
    Diff(cli::diff::DiffArgs),
    /// Merge JSON reports written elsewhere (one process per city on a cluster) into the
    /// summary a batch gives: summary.csv, summary.json, the table and its exit status.
    Merge(cli::merge::MergeArgs),
    /// List the built-in profiles, or show one's thresholds and clauses.
    Profiles {
        id: Option<String>,
        #[arg(long, value_parser = names::<Lang>(&Lang::NAMES))]
        lang: Option<Lang>,
    },
    /// List every rule, or show one rule's documentation.
    Rules {
        id: Option<String>,
        /// Every rule as JSON: id, titles, subject, what it checks (Chinese, English), docs.
        #[arg(long, conflicts_with = "id")]
        json: bool,
    },
    /// The formats planlint reads: extensions, what a file holds, where its CRS comes from.
    Formats,
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

/// Transparent huge pages off for this process, on Linux, unless `MIMALLOC_ALLOW_THP` says
/// otherwise. The allocator asks for them on its arenas; a page of 2 MiB is zeroed whole on
/// its first touch, and on virtual machines (where the host backs the guest's memory
/// lazily) that first touch cost a 100k-compound check 2 to 6 s of kernel time, varying
/// from run to run, against 0.4 s steadily with 4 KiB pages; user time is the same.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // Safety: PR_SET_THP_DISABLE takes plain integers and changes only this process's
        // (and its children's) page policy; failing (an old kernel) changes nothing.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

/// mimalloc for the command (the Python module declares it for itself, and for a binary
/// built with that module's feature).
#[cfg(not(feature = "python"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    small_pages_only();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => cli::check::run(*args, started),
        Command::Fix(args) => cli::fix::run(*args),
        Command::Serve(args) => cli::serve::run(*args),
        Command::Diff(args) => cli::diff::run(args),
        Command::Merge(args) => cli::merge::run(args),
        Command::Profiles { id, lang } => {
            profiles(id.as_deref(), lang.unwrap_or_else(default_lang))
        }
        Command::Rules { id, json } => rules_cmd(id.as_deref(), json),
        Command::Fields { layer } => fields_cmd(layer.as_deref()),
        Command::Formats => print_out(&planlint::read::formats::table()),
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
    let code = match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("planlint: {msg}");
            2
        }
    };
    end_while_a_solver_finishes(code);
    ExitCode::from(code)
}

/// Ends the process at once when HiGHS, told to stop at the site choice's deadline, is
/// still finishing a stage on its own thread: everything is written by now, and a normal
/// exit would run the static destructors of the C++ library that thread is inside.
fn end_while_a_solver_finishes(code: u8) {
    if !planlint::analysis::covering::solver_running() {
        return;
    }
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(target_os = "linux")]
    // SAFETY: _exit ends the process; nothing of Rust's is left to run but destructors.
    unsafe {
        libc::_exit(code.into())
    }
    #[cfg(not(target_os = "linux"))]
    let _ = code;
}

/// Appends a line to a text being built (`writeln!` into a `String` cannot fail).
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
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
        let dated = rules::find(rule).is_some_and(|r| r.dated());
        outln!(o, "");
        for line in planlint::profile::show::section(&p, rule, cfg, dated) {
            outln!(o, "{line}");
        }
    }
    print_out(&o)
}

fn fields_cmd(layer: Option<&str>) -> Result<u8, String> {
    use planlint::place::schema::{self, Kind};
    let layers: Vec<&schema::Schema> = match layer {
        None => schema::ALL.to_vec(),
        Some(name) => vec![schema::of(name).ok_or_else(|| {
            format!("unknown layer '{name}' (compounds, facilities, units, phases, candidates)")
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

fn rules_cmd(id: Option<&str>, json: bool) -> Result<u8, String> {
    let mut o = String::new();
    if json {
        outln!(o, "{:#}", rules::catalogue());
        return print_out(&o);
    }
    match id {
        None => {
            let width = RULES.iter().map(|r| r.id().len()).max().unwrap_or(0);
            for r in RULES {
                let t = r.title();
                outln!(
                    o,
                    "{:<width$} {:<11} {} / {}",
                    r.id(),
                    r.subject().as_str(),
                    t.zh,
                    t.en
                );
            }
        }
        Some(id) => {
            let (_, doc) = rules::describe(id)
                .ok_or_else(|| format!("unknown rule '{id}'; `planlint rules` lists them"))?;
            o.push_str(doc);
        }
    }
    print_out(&o)
}

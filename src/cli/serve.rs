//! `planlint serve`: the checking service ([`planlint::serve`]), its flags.

use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
pub struct ServeArgs {
    /// A city to keep, checked once at start: ID=PATH (a plan folder or plan.gpkg);
    /// repeat for several.
    #[arg(long = "city", value_name = "ID=PATH")]
    pub cities: Vec<String>,
    /// Where jobs are kept: jobs.sqlite and a folder per job (made if missing).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// SHA-256 hashes of the tokens that may execute and delete, one per line.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Checks run at once (default: the cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Executions that may wait for a worker; beyond them, 503 with Retry-After.
    #[arg(long, default_value_t = 32)]
    pub queue: usize,
    /// The largest request, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_upload: usize,
    /// The longest a check may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub time_limit: u64,
    /// The site choice's time limit in a fix, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub fix_time_limit: f64,
}

pub fn run(args: ServeArgs) -> Result<u8, String> {
    let cities = args
        .cities
        .iter()
        .map(|c| {
            let (id, path) = c
                .split_once('=')
                .ok_or_else(|| format!("--city {c}: ID=PATH"))?;
            Ok((id.to_string(), PathBuf::from(path)))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if !(args.fix_time_limit.is_finite() && args.fix_time_limit >= 0.0) {
        return Err(format!(
            "--fix-time-limit {}: seconds, ≥ 0",
            args.fix_time_limit
        ));
    }
    planlint::serve::run(planlint::serve::Config {
        cities,
        data: args.data,
        listen: args.listen,
        token_file: args.token_file,
        workers: args
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        queue: args.queue,
        max_upload: args.max_upload.saturating_mul(1 << 20),
        time_limit: std::time::Duration::from_secs(args.time_limit),
        fix_time_limit: args.fix_time_limit,
    })?;
    Ok(0)
}

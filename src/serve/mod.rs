//! `planlint serve`: the bureau's checking service. Cities are read, placed, indexed and
//! checked once at start ([`crate::pipeline::City`]) and kept; a submission is checked against its
//! city without reading or walking the city again. The service speaks OGC API – Processes
//! – Part 1: Core ([`ogc`]): `check` and `fix` ([`execute`]), synchronous or as jobs; a
//! page for people ([`page`]); and every execution on record in SQLite and files
//! ([`store`]), kept across restarts. Uploads are checked before anything is unpacked
//! ([`upload`]); every refusal is an OGC exception ([`problem`]).

mod auth;
mod execute;
mod ogc;
mod page;
mod problem;
mod store;
mod upload;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State as Shared};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use crate::text::Lang;
use execute::{Execution, Output, Process};
use problem::Problem;

/// How the server is started (`planlint serve`'s flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// The cities kept: (id, plan path).
    pub cities: Vec<(String, PathBuf)>,
    /// Where the jobs are kept.
    pub data: PathBuf,
    pub listen: SocketAddr,
    /// SHA-256 hashes of the tokens that may execute and delete ([`auth`]).
    pub token_file: Option<PathBuf>,
    /// Checks run at once.
    pub workers: usize,
    /// Executions that may wait for a worker; more are answered 503.
    pub queue: usize,
    /// The largest request body, in bytes.
    pub max_upload: usize,
    /// The longest a check may take.
    pub time_limit: Duration,
    /// The site choice's time limit in a fix, in seconds.
    pub fix_time_limit: f64,
}

/// What limits the server.
#[derive(Debug, Clone)]
pub struct Limits {
    pub queue: usize,
    pub max_upload: usize,
    pub time_limit: Duration,
    pub fix_time_limit: f64,
}

/// A city kept: its checked state, and where it was read from.
pub struct KeptCity {
    pub city: crate::pipeline::City,
    pub path: PathBuf,
}

/// The server's state, shared by every request.
pub struct State {
    cities: RwLock<Arc<BTreeMap<String, Arc<KeptCity>>>>,
    city_paths: Vec<(String, PathBuf)>,
    store: store::Store,
    tokens: Option<auth::Tokens>,
    limits: Limits,
    workers: Arc<tokio::sync::Semaphore>,
    /// Executions waiting for a worker.
    queued: AtomicUsize,
}

impl State {
    /// A city by id; the map is swapped whole on reload, so a check holds the city it
    /// started with.
    fn city(&self, id: &str) -> Option<Arc<KeptCity>> {
        self.cities
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    fn city_ids(&self) -> Vec<String> {
        self.cities
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect()
    }

    /// A place in the queue, or 503.
    fn admit(&self) -> Result<(), Problem> {
        let waiting = self.queued.fetch_add(1, Ordering::SeqCst);
        if waiting >= self.limits.queue + self.workers.available_permits() {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(Problem::busy(5));
        }
        Ok(())
    }
}

/// Loads the cities, each read, placed and checked once (in parallel).
fn load_cities(paths: &[(String, PathBuf)]) -> Result<BTreeMap<String, Arc<KeptCity>>, String> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|(id, path)| {
            let started = std::time::Instant::now();
            let city = crate::pipeline::Request::plan(path)
                .city()
                .map_err(|e| format!("city {id} ({}): {}", path.display(), e.message(Lang::En)))?;
            tracing::info!(
                city = %id,
                compounds = city.plan().compounds.len(),
                seconds = started.elapsed().as_secs_f64(),
                "city loaded"
            );
            Ok((
                id.clone(),
                Arc::new(KeptCity {
                    city,
                    path: path.clone(),
                }),
            ))
        })
        .collect()
}

/// Runs the server until SIGINT or SIGTERM; SIGHUP reloads the cities (requests under
/// way keep the city they started with).
pub fn run(config: Config) -> Result<(), String> {
    init_logging();
    if config.workers == 0 {
        return Err("--workers: at least 1".into());
    }
    for (id, _) in &config.cities {
        if id.is_empty() || !id.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)) {
            return Err(format!(
                "--city {id}=PATH: an id of letters, digits, '-', '_' or '.'"
            ));
        }
    }
    let tokens = match &config.token_file {
        Some(f) => Some(auth::Tokens::read(f)?),
        None => None,
    };
    let store = store::Store::open(&config.data)?;
    let cities = load_cities(&config.cities)?;
    let state = Arc::new(State {
        cities: RwLock::new(Arc::new(cities)),
        city_paths: config.cities.clone(),
        store,
        tokens,
        limits: Limits {
            queue: config.queue,
            max_upload: config.max_upload,
            time_limit: config.time_limit,
            fix_time_limit: config.fix_time_limit,
        },
        workers: Arc::new(tokio::sync::Semaphore::new(config.workers)),
        queued: AtomicUsize::new(0),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("--listen {}: {e}", config.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        // The line a supervisor (or a test) waits for.
        println!("planlint serve: listening on http://{address}");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        tokio::spawn(reload_on_hangup(state.clone()));
        axum::serve(listener, router(state))
            .with_graceful_shutdown(stopped())
            .await
            .map_err(|e| e.to_string())
    })
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PLANLINT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

async fn stopped() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("stopping: requests under way finish first");
}

/// SIGHUP: the cities read again; the new map replaces the old only when every city
/// loaded.
async fn reload_on_hangup(state: Arc<State>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the cities");
            let paths = state.city_paths.clone();
            match tokio::task::spawn_blocking(move || load_cities(&paths)).await {
                Ok(Ok(cities)) => {
                    *state.cities.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(cities);
                    tracing::info!("cities reloaded");
                }
                Ok(Err(e)) => tracing::error!("reload failed, the cities as they were stay: {e}"),
                Err(e) => tracing::error!("reload failed: {e}"),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = state;
}

fn router(state: Arc<State>) -> Router {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::trace::{DefaultOnResponse, TraceLayer};
    let max_upload = state.limits.max_upload;
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", id = %id, method = %request.method(), uri = %request.uri())
    })
    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    Router::new()
        .route("/", get(landing).post(page_submit))
        .route("/conformance", get(conformance))
        .route("/api", get(api))
        .route("/processes", get(processes))
        .route("/processes/{id}", get(process))
        .route("/processes/{id}/execution", post(execute_process))
        .route("/jobs", get(jobs))
        .route("/jobs/{id}", get(job).delete(dismiss))
        .route("/jobs/{id}/results", get(job_results))
        .route("/jobs/{id}/results/{output}", get(job_output))
        .route("/jobs/{id}/submission", get(job_submission))
        .fallback(|| async { Problem::not_found("no such resource") })
        .layer(DefaultBodyLimit::max(max_upload))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_upload))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The URL the client reached the server by: its `Host`, or what a reverse proxy says
/// (`X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Forwarded-Prefix`).
fn base(headers: &HeaderMap) -> String {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let proto = match get("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    let host = get("x-forwarded-host")
        .or_else(|| get("host"))
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{proto}://{host}{}", prefix(headers))
}

/// The path a reverse proxy serves this server under (`X-Forwarded-Prefix`, `/planlint`),
/// or nothing; a prefix that is not a plain path is ignored.
fn prefix(headers: &HeaderMap) -> String {
    let prefix = headers
        .get("x-forwarded-prefix")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_end_matches('/');
    let plain = prefix.split('/').skip(1).all(|part| {
        !part.is_empty()
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    });
    if prefix.starts_with('/') && plain {
        prefix.to_string()
    } else {
        String::new()
    }
}

/// A page, its links under the proxy's prefix.
fn page_response(headers: &HeaderMap, html: String) -> Response {
    Html(page::under(&prefix(headers), html)).into_response()
}

/// The language the client reads: `Accept-Language`'s first of zh or en, else Chinese.
fn lang_of(headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("zh") {
            return Lang::Zh;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::Zh
}

#[derive(serde::Deserialize, Default)]
struct FormatQuery {
    f: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// HTML for a browser (`Accept: text/html` before JSON), or `?f=html|json`.
fn wants_html(headers: &HeaderMap, query: &FormatQuery) -> bool {
    match query.f.as_deref() {
        Some("html") => return true,
        Some(_) => return false,
        None => {}
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = accept.find("text/html");
    let json = accept.find("json");
    match (html, json) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

fn json_response(value: Value) -> Response {
    axum::Json(value).into_response()
}

async fn landing(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(query): Query<FormatQuery>,
) -> Result<Response, Problem> {
    if wants_html(&headers, &query) {
        let (jobs, total) = state.store.list(20, 0).map_err(|e| Problem::internal(&e))?;
        return Ok(page_response(
            &headers,
            page::landing(&state, &jobs, total, lang_of(&headers)),
        ));
    }
    Ok(json_response(ogc::landing(&base(&headers))))
}

async fn conformance() -> Response {
    json_response(ogc::conformance())
}

async fn api(headers: HeaderMap) -> Response {
    (
        [(header::CONTENT_TYPE, ogc::OPENAPI)],
        ogc::openapi(&base(&headers)).to_string(),
    )
        .into_response()
}

async fn processes(headers: HeaderMap) -> Response {
    json_response(ogc::processes(&base(&headers)))
}

async fn process(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let process = Process::of(&id).ok_or_else(|| Problem::no_such_process(&id))?;
    Ok(json_response(ogc::description(
        process,
        &base(&headers),
        &state.city_ids(),
    )))
}

/// `POST /processes/{id}/execution`: synchronous (the results), or with `Prefer:
/// respond-async` a job (201, its status, `Location`).
async fn execute_process(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let process = Process::of(&id).ok_or_else(|| Problem::no_such_process(&id))?;
    auth::require(&state, &headers)?;
    let lang = lang_of(&headers);
    let execution = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || Execution::from_json(process, &body, lang, &state))
            .await
            .map_err(|e| Problem::internal(&e.to_string()))??
    };
    let asynchronous = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|p| p.trim() == "respond-async"));
    let outputs = execution.outputs.clone();
    let raw = execution.raw;
    let (job_id, done) = start(&state, execution)?;
    let base = base(&headers);
    let location = format!("{base}/jobs/{job_id}");
    if asynchronous {
        let job = state
            .store
            .get(&job_id)
            .map_err(|e| Problem::internal(&e))?
            .ok_or_else(|| Problem::no_such_job(&job_id))?;
        return Ok((
            StatusCode::CREATED,
            [
                (header::LOCATION, location),
                (
                    header::HeaderName::from_static("preference-applied"),
                    "respond-async".into(),
                ),
            ],
            axum::Json(execute::status_info(&job, &base)),
        )
            .into_response());
    }
    done.await
        .map_err(|e| Problem::internal(&e.to_string()))??;
    let mut response = execute::results(&state, &job_id, &outputs, raw)?;
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Records the execution as a job and starts it, detached from the request (a client
/// that goes away does not stop it): the job's id, and its end to wait for.
fn start(
    state: &Arc<State>,
    execution: Execution,
) -> Result<
    (
        String,
        tokio::task::JoinHandle<Result<execute::Done, Problem>>,
    ),
    Problem,
> {
    state.admit()?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let created = state.store.create(
        &id,
        execution.process.id(),
        &execution.parameters(),
        execution.kind.file_name(),
        &execution.upload,
    );
    if let Err(e) = created {
        state.queued.fetch_sub(1, Ordering::SeqCst);
        return Err(Problem::internal(&e));
    }
    tracing::info!(job = %id, process = execution.process.id(), city = ?execution.city, bytes = execution.upload.len(), "job accepted");
    // The job's lines carry the request's id, though the job outlives the request.
    use tracing::Instrument as _;
    let handle = tokio::spawn(
        execute::spawn(state.clone(), id.clone(), execution).instrument(tracing::Span::current()),
    );
    Ok((id, handle))
}

/// The page's form: the upload checked as an execution, then the job's page.
async fn page_submit(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, Problem> {
    let lang = lang_of(&headers);
    let mut upload = None;
    let mut upload_name = None;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| Problem::invalid(&format!("the form: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "submission" {
            upload_name = field.file_name().map(String::from);
            upload = Some(
                field
                    .bytes()
                    .await
                    .map_err(|e| Problem::invalid(&format!("the upload: {e}")))?
                    .to_vec(),
            );
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| Problem::invalid(&format!("field {name}: {e}")))?;
            fields.insert(name, value);
        }
    }
    let token = fields.get("token").cloned().unwrap_or_default();
    auth::require_token(&state, token.trim())?;
    let upload = upload
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Problem::invalid("choose a file to check (请选择要检查的文件)"))?;
    let process = match fields.get("process").map(String::as_str) {
        Some("fix") => Process::Fix,
        _ => Process::Check,
    };
    let nonempty = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let settings = execute::Settings {
        city: nonempty("city"),
        profile: nonempty("profile"),
        as_of: nonempty("as_of"),
        lang,
        select: nonempty("select")
            .map(|s| execute::split_rules(&s))
            .unwrap_or_default(),
    };
    let execution = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            Execution::new(
                process,
                upload,
                upload_name,
                settings,
                Vec::new(),
                false,
                &state,
            )
        })
        .await
        .map_err(|e| Problem::internal(&e.to_string()))??
    };
    let (id, done) = start(&state, execution)?;
    // The job's page says how it ended, failed or not.
    let _ = done.await;
    Ok(Redirect::to(&format!("{}/jobs/{id}?f=html", prefix(&headers))).into_response())
}

async fn jobs(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(query): Query<FormatQuery>,
) -> Result<Response, Problem> {
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let offset = query.offset.unwrap_or(0);
    let (jobs, total) = state
        .store
        .list(limit, offset)
        .map_err(|e| Problem::internal(&e))?;
    if wants_html(&headers, &query) {
        return Ok(page_response(
            &headers,
            page::jobs(&jobs, total, offset, limit, lang_of(&headers)),
        ));
    }
    let base = base(&headers);
    let mut links = vec![
        serde_json::json!({"href": format!("{base}/jobs?limit={limit}&offset={offset}"),
        "rel": "self", "type": "application/json"}),
    ];
    if offset + jobs.len() < total {
        links.push(serde_json::json!({"href": format!("{base}/jobs?limit={limit}&offset={}", offset + limit),
            "rel": "next", "type": "application/json"}));
    }
    Ok(json_response(serde_json::json!({
        "jobs": jobs.iter().map(|j| execute::status_info(j, &base)).collect::<Vec<_>>(),
        "numberMatched": total,
        "links": links,
    })))
}

fn job_of(state: &State, id: &str) -> Result<store::Job, Problem> {
    if !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Problem::no_such_job(id));
    }
    state
        .store
        .get(id)
        .map_err(|e| Problem::internal(&e))?
        .ok_or_else(|| Problem::no_such_job(id))
}

async fn job(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(query): Query<FormatQuery>,
) -> Result<Response, Problem> {
    let job = job_of(&state, &id)?;
    if wants_html(&headers, &query) {
        let report = std::fs::read(state.store.folder(&id).join("report.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        return Ok(page_response(
            &headers,
            page::job(&job, report.as_ref(), lang_of(&headers)),
        ));
    }
    Ok(json_response(execute::status_info(&job, &base(&headers))))
}

async fn dismiss(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    auth::require(&state, &headers)?;
    let mut job = job_of(&state, &id)?;
    if matches!(job.status, store::Status::Accepted | store::Status::Running) {
        return Err(Problem {
            status: 409,
            ..Problem::invalid(&format!(
                "job '{id}' is {}: it is deleted once it ends",
                job.status.as_str()
            ))
        });
    }
    state.store.delete(&id).map_err(|e| Problem::internal(&e))?;
    tracing::info!(job = %id, "job deleted");
    job.status = store::Status::Dismissed;
    job.message = Some("deleted".into());
    Ok(json_response(execute::status_info(&job, &base(&headers))))
}

async fn job_results(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    job_of(&state, &id)?;
    execute::results(&state, &id, &[], false)
}

/// One output as itself: `/jobs/ID/results/report?f=html` (the page's links).
async fn job_output(
    Shared(state): Shared<Arc<State>>,
    Path((id, output)): Path<(String, String)>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, Problem> {
    job_of(&state, &id)?;
    let output =
        Output::of(&output).ok_or_else(|| Problem::not_found(&format!("no output '{output}'")))?;
    let media = query.f.as_deref().map(|f| match f {
        "html" => "text/html",
        "gpkg" => "application/geopackage+sqlite3",
        "geojson" => "application/geo+json",
        _ => "application/json",
    });
    let mut response = execute::results(&state, &id, &[(output, media.map(String::from))], true)?;
    if let Some(file) = output.file(media) {
        if !file.ends_with(".html") {
            if let Ok(v) = format!("attachment; filename=\"{id}-{file}\"").parse() {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, v);
            }
        }
    }
    Ok(response)
}

/// The upload as it was received.
async fn job_submission(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    job_of(&state, &id)?;
    let folder = state.store.folder(&id);
    for kind in [upload::Kind::Zip, upload::Kind::Geopackage] {
        if let Ok(bytes) = std::fs::read(folder.join(kind.file_name())) {
            return Ok((
                [
                    (header::CONTENT_TYPE, kind.media_type().to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{id}-{}\"", kind.file_name()),
                    ),
                ],
                bytes,
            )
                .into_response());
        }
    }
    Err(Problem::not_found("the job's upload is gone"))
}

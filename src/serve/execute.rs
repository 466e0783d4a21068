//! An execution of `check` or `fix`: the request's inputs read and checked
//! ([`Execution::from_json`], or from the page's form), the job recorded with its upload,
//! then run on a worker ([`run`]) under the server's time limit, its outputs written and
//! only then the job marked successful.

use std::sync::Arc;

use base64::Engine as _;
use serde_json::{json, Value};

use super::problem::Problem;
use super::store::{write_atomically, Status};
use super::upload::{self, Kind};
use super::State;
use crate::emit::Format;
use crate::text::Lang;

/// The processes this server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Check,
    Fix,
}

impl Process {
    pub const ALL: [Process; 2] = [Process::Check, Process::Fix];

    pub fn id(self) -> &'static str {
        match self {
            Process::Check => "check",
            Process::Fix => "fix",
        }
    }

    pub fn of(id: &str) -> Option<Process> {
        Process::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The outputs it gives, by id.
    pub fn outputs(self) -> &'static [Output] {
        match self {
            Process::Check => &[Output::Report, Output::Findings],
            Process::Fix => &[Output::Report, Output::Findings, Output::Remedies],
        }
    }
}

/// An output of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The report: JSON (report.md's contract) or the HTML page.
    Report,
    /// The findings as features: GeoJSON, or a GeoPackage.
    Findings,
    /// The remedies of a fix, as points (GeoJSON).
    Remedies,
}

impl Output {
    pub fn id(self) -> &'static str {
        match self {
            Output::Report => "report",
            Output::Findings => "findings",
            Output::Remedies => "remedies",
        }
    }

    pub fn of(id: &str) -> Option<Output> {
        [Output::Report, Output::Findings, Output::Remedies]
            .into_iter()
            .find(|o| o.id() == id)
    }

    /// Its encodings: (media type, the file a job keeps it in), the default first.
    pub fn encodings(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Output::Report => &[
                ("application/json", "report.json"),
                ("text/html", "report.html"),
            ],
            Output::Findings => &[
                ("application/geo+json", "findings.geojson"),
                ("application/geopackage+sqlite3", "findings.gpkg"),
            ],
            Output::Remedies => &[("application/geo+json", "remedies.geojson")],
        }
    }

    /// The file of one of its media types (`None`: the default).
    pub fn file(self, media_type: Option<&str>) -> Option<&'static str> {
        let encodings = self.encodings();
        match media_type {
            None => Some(encodings[0].1),
            Some(m) => encodings
                .iter()
                .find(|(t, _)| same_media_type(t, m))
                .map(|(_, f)| *f),
        }
    }
}

fn same_media_type(ours: &str, asked: &str) -> bool {
    let base = asked.split(';').next().unwrap_or("").trim();
    base.eq_ignore_ascii_case(ours)
        || (ours == "application/geo+json" && base.eq_ignore_ascii_case("application/json"))
}

/// What an execution asks for.
#[derive(Debug, Clone)]
pub struct Execution {
    pub process: Process,
    pub upload: Vec<u8>,
    pub kind: Kind,
    /// The upload's own name, when the client gave one (the page's form does).
    pub upload_name: Option<String>,
    pub city: Option<String>,
    pub profile: Option<String>,
    pub as_of: Option<String>,
    pub lang: Lang,
    pub select: Vec<String>,
    /// The outputs asked for, with their media types (empty: every output, by default
    /// encoding).
    pub outputs: Vec<(Output, Option<String>)>,
    /// `response: raw`: one output, as itself rather than in a results document.
    pub raw: bool,
}

/// The inputs a process takes, in the order its description lists them.
pub const INPUTS: [&str; 6] = ["submission", "city", "profile", "as_of", "lang", "select"];

impl Execution {
    /// An execute request's JSON body (OGC API – Processes, `execute.yaml`).
    pub fn from_json(
        process: Process,
        body: &[u8],
        lang: Lang,
        state: &State,
    ) -> Result<Execution, Problem> {
        let body: Value = serde_json::from_slice(body)
            .map_err(|e| Problem::invalid(&format!("the request body is not JSON: {e}")))?;
        let Value::Object(body) = body else {
            return Err(Problem::invalid("the request body is a JSON object"));
        };
        for key in body.keys() {
            if !["inputs", "outputs", "response", "subscriber"].contains(&key.as_str()) {
                return Err(Problem::invalid(&format!(
                    "unknown member '{key}': an execute request has inputs, outputs and response"
                )));
            }
        }
        let empty = serde_json::Map::new();
        let inputs = match body.get("inputs") {
            None => &empty,
            Some(Value::Object(o)) => o,
            Some(_) => return Err(Problem::invalid("'inputs' is an object")),
        };
        for key in inputs.keys() {
            if !INPUTS.contains(&key.as_str()) {
                return Err(Problem::invalid(&format!(
                    "unknown input '{key}': {} takes {}",
                    process.id(),
                    INPUTS.join(", ")
                )));
            }
        }
        let text = |name: &str| -> Result<Option<String>, Problem> {
            match inputs.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Object(o)) => match o.get("value") {
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    _ => Err(Problem::invalid(&format!("input '{name}' is a string"))),
                },
                Some(_) => Err(Problem::invalid(&format!("input '{name}' is a string"))),
            }
        };
        let select = match inputs.get("select") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(Problem::invalid("input 'select' lists rule ids")),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => text("select")?.map(|s| split_rules(&s)).unwrap_or_default(),
        };
        let upload = submission(inputs.get("submission"))?;
        let outputs = outputs_asked(process, body.get("outputs"))?;
        let raw = match body.get("response") {
            None => false,
            Some(Value::String(s)) if s == "document" => false,
            Some(Value::String(s)) if s == "raw" => true,
            Some(_) => return Err(Problem::invalid("'response' is raw or document")),
        };
        let lang = match text("lang")? {
            Some(l) => l
                .parse()
                .map_err(|_| Problem::invalid(&format!("lang '{l}': zh or en")))?,
            None => lang,
        };
        Execution::new(
            process,
            upload,
            None,
            Settings {
                city: text("city")?,
                profile: text("profile")?,
                as_of: text("as_of")?,
                lang,
                select,
            },
            outputs,
            raw,
            state,
        )
    }

    /// The execution, its upload and city checked.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        process: Process,
        upload: Vec<u8>,
        upload_name: Option<String>,
        settings: Settings,
        outputs: Vec<(Output, Option<String>)>,
        raw: bool,
        state: &State,
    ) -> Result<Execution, Problem> {
        if let Some(city) = &settings.city {
            if state.city(city).is_none() {
                return Err(Problem::invalid(&format!(
                    "there is no city '{city}' on this server: {}",
                    state.city_ids().join(", ")
                )));
            }
        }
        if raw && outputs.len() != 1 {
            return Err(Problem::invalid(
                "response 'raw' gives one output: name it in 'outputs'",
            ));
        }
        if let Some(date) = &settings.as_of {
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| Problem::invalid(&format!("as_of '{date}': a date, YYYY-MM-DD")))?;
        }
        let kind = upload::check(&upload)?;
        Ok(Execution {
            process,
            upload,
            kind,
            upload_name,
            city: settings.city,
            profile: settings.profile,
            as_of: settings.as_of,
            lang: settings.lang,
            select: settings.select,
            outputs,
            raw,
        })
    }

    /// The parameters a job records (not the upload itself, which is its own file).
    pub fn parameters(&self) -> Value {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(&self.upload);
        json!({
            "city": self.city,
            "profile": self.profile,
            "as_of": self.as_of,
            "lang": self.lang.as_str(),
            "select": self.select,
            "submission": {
                "name": self.upload_name,
                "file": self.kind.file_name(),
                "mediaType": self.kind.media_type(),
                "size": self.upload.len(),
                "sha256": digest.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            },
        })
    }
}

/// The settings of an execution beside its upload.
pub struct Settings {
    pub city: Option<String>,
    pub profile: Option<String>,
    pub as_of: Option<String>,
    pub lang: Lang,
    pub select: Vec<String>,
}

/// Rule ids, comma or space separated.
pub fn split_rules(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The `submission` input's bytes: by value, base64.
fn submission(input: Option<&Value>) -> Result<Vec<u8>, Problem> {
    let Some(input) = input else {
        return Err(Problem::invalid(
            "input 'submission' is missing: a GeoPackage or a zip of a plan folder, \
             {\"value\": BASE64, \"mediaType\": \"application/zip\"}",
        ));
    };
    let Value::Object(o) = input else {
        return Err(Problem::invalid(
            "input 'submission' is {\"value\": BASE64, \"mediaType\": …}",
        ));
    };
    if o.contains_key("href") {
        return Err(Problem::invalid(
            "input 'submission' is taken by value only (base64), not by reference",
        ));
    }
    match o.get("encoding").and_then(Value::as_str) {
        None | Some("base64") => {}
        Some(other) => {
            return Err(Problem::invalid(&format!(
                "input 'submission': encoding '{other}'; base64 is read"
            )))
        }
    }
    let Some(Value::String(value)) = o.get("value") else {
        return Err(Problem::invalid(
            "input 'submission' has no 'value' (the file, base64)",
        ));
    };
    let cleaned: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| Problem::invalid(&format!("input 'submission' is not base64: {e}")))
}

/// The `outputs` member: output ids, each perhaps with `format.mediaType`.
fn outputs_asked(
    process: Process,
    outputs: Option<&Value>,
) -> Result<Vec<(Output, Option<String>)>, Problem> {
    let Some(outputs) = outputs else {
        return Ok(Vec::new());
    };
    let Value::Object(o) = outputs else {
        return Err(Problem::invalid("'outputs' is an object of output ids"));
    };
    o.iter()
        .map(|(id, spec)| {
            let output = Output::of(id)
                .filter(|o| process.outputs().contains(o))
                .ok_or_else(|| {
                    Problem::invalid(&format!(
                        "unknown output '{id}': {} gives {}",
                        process.id(),
                        process
                            .outputs()
                            .iter()
                            .map(|o| o.id())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let media = spec
                .pointer("/format/mediaType")
                .and_then(Value::as_str)
                .map(String::from);
            if output.file(media.as_deref()).is_none() {
                return Err(Problem::invalid(&format!(
                    "output '{id}' is given as {}",
                    output
                        .encodings()
                        .iter()
                        .map(|(t, _)| *t)
                        .collect::<Vec<_>>()
                        .join(" or ")
                )));
            }
            Ok((output, media))
        })
        .collect()
}

/// What a finished job concluded.
pub struct Done {
    /// Seconds spent checking (unpacking, reading, checking) and writing the outputs.
    pub check_seconds: f64,
    pub write_seconds: f64,
    pub exit_code: u8,
    pub summary: Value,
    pub outputs: Vec<String>,
    pub message: String,
}

/// Runs a recorded job to its end, on the calling (blocking) thread: unpacks the upload,
/// checks (or fixes) it, writes the outputs, and records the outcome. The error is what
/// the job failed with.
pub fn run(state: &State, id: &str, execution: &Execution) -> Result<Done, Problem> {
    let store = &state.store;
    let folder = store.folder(id);
    let result = run_in(state, &folder, execution);
    let _ = std::fs::remove_dir_all(folder.join("plan"));
    let _ = std::fs::remove_dir_all(folder.join("fixed"));
    match &result {
        Ok(done) => store
            .finish_successful(
                id,
                done.exit_code,
                &done.summary,
                &done.outputs,
                &done.message,
            )
            .map_err(|e| Problem::internal(&e))?,
        Err(problem) => store
            .finish_failed(id, &problem.detail)
            .map_err(|e| Problem::internal(&e))?,
    }
    result
}

fn run_in(state: &State, folder: &std::path::Path, execution: &Execution) -> Result<Done, Problem> {
    let lang = execution.lang;
    let started = std::time::Instant::now();
    let plan = upload::unpack(&execution.upload, execution.kind, &folder.join("plan"))?;
    let city = match &execution.city {
        Some(id) => Some(
            state
                .city(id)
                .ok_or_else(|| Problem::invalid(&format!("there is no city '{id}'")))?,
        ),
        None => None,
    };
    let mut request = crate::pipeline::Request::plan(&plan);
    request.profile = execution.profile.clone();
    request.as_of = execution.as_of.clone();
    request.select = execution.select.clone();
    request.options.geometry = true;
    request.options.service_areas = true;
    let unusable = |e: crate::pipeline::Error| Problem::unusable_plan(&e.message(lang));
    let (mut report, remedies) = match execution.process {
        Process::Check => {
            let report = match &city {
                Some(city) => city.city.check(&request),
                None => request.run(),
            }
            .map_err(unusable)?;
            (report, None)
        }
        Process::Fix => {
            request.context = city.as_ref().map(|c| c.path.clone());
            let out = folder.join("fixed");
            let fixed = request
                .fix(&out, state.limits.fix_time_limit)
                .map_err(unusable)?;
            let geojson =
                crate::remedy::write::remedies_geojson(&fixed.plan, &fixed.remedies, lang)
                    .map_err(|e| Problem::internal(&e))?;
            (fixed.report, Some(geojson))
        }
    };
    name_the_upload(&mut report, folder, &plan, execution);
    let checked = std::time::Instant::now();
    let exit_code = match execution.process {
        Process::Check => report.exit_code(crate::report::FailOn::Severity(
            crate::model::Severity::Error,
        )) as u8,
        Process::Fix => u8::from(report.remedy.as_ref().is_some_and(|r| r.fixable_left())),
    };
    // A GeoPackage is a database: written to its file by SQLite, then renamed.
    let gpkg = folder.join("findings.gpkg");
    let partial = folder.join("findings.gpkg.partial");
    let _ = std::fs::remove_file(&partial);
    let file = std::fs::File::create(&partial).map_err(|e| Problem::internal(&e.to_string()))?;
    let mut buffered = std::io::BufWriter::new(file);
    Format::Gpkg
        .emitter(lang)
        .emit(&mut buffered, &report)
        .map_err(|e| Problem::internal(&format!("findings.gpkg: {e}")))?;
    drop(buffered);
    std::fs::rename(&partial, &gpkg).map_err(|e| Problem::internal(&e.to_string()))?;
    let mut outputs = vec!["findings.gpkg".to_string()];
    let mut write = |name: &str, bytes: &[u8]| -> Result<(), Problem> {
        write_atomically(&folder.join(name), bytes).map_err(|e| Problem::internal(&e))?;
        outputs.push(name.to_string());
        Ok(())
    };
    for (format, name) in [
        (Format::Json, "report.json"),
        (Format::Html, "report.html"),
        (Format::Geojson, "findings.geojson"),
    ] {
        let mut bytes = Vec::new();
        format
            .emitter(lang)
            .emit(&mut bytes, &report)
            .map_err(|e| Problem::internal(&format!("{name}: {e}")))?;
        write(name, &bytes)?;
    }
    if let Some(geojson) = remedies {
        write("remedies.geojson", geojson.as_bytes())?;
    }
    let s = &report.summary;
    let message = format!(
        "{}: {} errors, {} warnings, {} pass",
        if exit_code == 0 {
            "complies"
        } else {
            "does not comply"
        },
        s.errors,
        s.warnings,
        s.pass
    );
    Ok(Done {
        check_seconds: (checked - started).as_secs_f64(),
        write_seconds: checked.elapsed().as_secs_f64(),
        exit_code,
        summary: serde_json::to_value(&report.summary).unwrap_or(Value::Null),
        outputs,
        message,
    })
}

/// The report's input paths as the client knows them: inside its upload (or the fixed
/// plan, `fixed/…`), not in the server's folders.
fn name_the_upload(
    report: &mut crate::report::Report,
    folder: &std::path::Path,
    plan: &std::path::Path,
    execution: &Execution,
) {
    let upload = execution
        .upload_name
        .clone()
        .unwrap_or_else(|| execution.kind.file_name().to_string());
    // A GeoPackage's layers are `FILE:table` inside it.
    let (root, named) = match execution.kind {
        Kind::Geopackage => (plan.to_path_buf(), upload.clone()),
        Kind::Zip => (plan.to_path_buf(), format!("{upload}/")),
    };
    let roots = [
        (root.to_string_lossy().into_owned(), named),
        (
            folder.join("fixed").to_string_lossy().into_owned() + "/",
            "fixed/".to_string(),
        ),
    ];
    for info in report.inputs.values_mut() {
        for (root, named) in &roots {
            if let Some(rest) = info.path.strip_prefix(root.as_str()) {
                info.path = format!("{named}{}", rest.trim_start_matches(['/', '\\']));
                break;
            }
        }
    }
}

/// The results of a successful job: the outputs asked for (all, by default), each as a
/// qualified value, or the one output itself (`raw`).
pub fn results(
    state: &State,
    id: &str,
    asked: &[(Output, Option<String>)],
    raw: bool,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    let job = state
        .store
        .get(id)
        .map_err(|e| Problem::internal(&e))?
        .ok_or_else(|| Problem::no_such_job(id))?;
    match job.status {
        Status::Successful => {}
        Status::Failed => {
            return Err(Problem::unusable_plan(&format!(
                "job '{id}' failed: {}",
                job.message.unwrap_or_default()
            )))
        }
        s => return Err(Problem::result_not_ready(id, s.as_str())),
    }
    let process = Process::of(&job.process).unwrap_or(Process::Check);
    let all: Vec<(Output, Option<String>)>;
    let asked = if asked.is_empty() {
        all = process.outputs().iter().map(|o| (*o, None)).collect();
        &all
    } else {
        asked
    };
    let folder = state.store.folder(id);
    let read = |output: Output, media: Option<&str>| -> Result<(&'static str, Vec<u8>), Problem> {
        let file = output.file(media).ok_or_else(|| {
            Problem::invalid(&format!("output '{}' has no such format", output.id()))
        })?;
        let media = output
            .encodings()
            .iter()
            .find(|(_, f)| *f == file)
            .map_or("application/octet-stream", |(t, _)| *t);
        let bytes = std::fs::read(folder.join(file))
            .map_err(|e| Problem::internal(&format!("{file}: {e}")))?;
        Ok((media, bytes))
    };
    if raw {
        let (output, media) = &asked[0];
        let (media, bytes) = read(*output, media.as_deref())?;
        return Ok(([(axum::http::header::CONTENT_TYPE, media)], bytes).into_response());
    }
    let mut document = serde_json::Map::new();
    for (output, media) in asked {
        let (media, bytes) = read(*output, media.as_deref())?;
        let value = if media.ends_with("json") {
            serde_json::from_slice(&bytes).map_err(|e| Problem::internal(&e.to_string()))?
        } else if media.starts_with("text/") {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            Value::String(base64::engine::general_purpose::STANDARD.encode(&bytes))
        };
        let mut qualified = json!({"value": value, "mediaType": media});
        if !(media.ends_with("json") || media.starts_with("text/")) {
            qualified["encoding"] = json!("base64");
        }
        document.insert(output.id().to_string(), qualified);
    }
    Ok(axum::Json(Value::Object(document)).into_response())
}

/// A job's state as OGC API – Processes gives it (`statusInfo.yaml`).
pub fn status_info(job: &super::store::Job, base: &str) -> Value {
    let mut links = vec![json!({
        "href": format!("{base}/jobs/{}", job.id),
        "rel": "self",
        "type": "application/json",
        "title": "this job",
    })];
    links.push(json!({
        "href": format!("{base}/jobs/{}?f=html", job.id),
        "rel": "alternate",
        "type": "text/html",
        "title": "this job as a page",
    }));
    if job.status == Status::Successful {
        links.push(json!({
            "href": format!("{base}/jobs/{}/results", job.id),
            "rel": "http://www.opengis.net/def/rel/ogc/1.0/results",
            "type": "application/json",
            "title": "results",
        }));
    }
    let progress = match job.status {
        Status::Accepted => 0,
        Status::Running => 50,
        _ => 100,
    };
    json!({
        "type": "process",
        "processID": job.process,
        "jobID": job.id,
        "status": job.status.as_str(),
        "message": job.message,
        "created": job.created,
        "started": job.started,
        "finished": job.finished,
        "updated": job.updated,
        "progress": progress,
        "parameters": job.parameters,
        "exitCode": job.exit_code,
        "summary": job.summary,
        "links": links,
    })
}

/// Runs an execution recorded as job `id` on a blocking thread, once a worker is free,
/// under the time limit. The permit is held until the check really ends, even when the
/// time limit answered first.
pub async fn spawn(state: Arc<State>, id: String, execution: Execution) -> Result<Done, Problem> {
    let permit = state
        .workers
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Problem::internal("the server is stopping"))?;
    state
        .queued
        .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    state.store.start(&id).map_err(|e| Problem::internal(&e))?;
    let limit = state.limits.time_limit;
    let worker = {
        let state = state.clone();
        let id = id.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let _permit = permit;
            run(&state, &id, &execution)
        })
    };
    let ended = tokio::time::timeout(limit, worker).await;
    match &ended {
        Ok(Ok(Ok(done))) => tracing::info!(
            job = %id,
            exit_code = done.exit_code,
            check_ms = (done.check_seconds * 1000.0).round(),
            write_ms = (done.write_seconds * 1000.0).round(),
            "job successful"
        ),
        Ok(Ok(Err(problem))) => tracing::info!(job = %id, detail = %problem.detail, "job failed"),
        _ => {}
    }
    match ended {
        Ok(Ok(done)) => done,
        Ok(Err(panic)) => {
            let problem = Problem::internal(&format!("the check stopped: {panic}"));
            let _ = state.store.finish_failed(&id, &problem.detail);
            Err(problem)
        }
        Err(_) => {
            let problem = Problem::timed_out(limit.as_secs());
            let _ = state.store.finish_failed(&id, &problem.detail);
            Err(problem)
        }
    }
}

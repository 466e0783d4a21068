//! The documents of OGC API – Processes – Part 1: Core (OGC 18-062r2) this server gives:
//! the landing page, its conformance classes, the processes' list and descriptions, and
//! the OpenAPI 3 document of the server itself.

use serde_json::{json, Value};

use super::execute::{Output, Process, INPUTS};

/// The conformance classes implemented, and only those: no HTML encoding of every
/// resource (the page covers `/` and `/jobs`), no callbacks.
pub const CONFORMANCE: [&str; 6] = [
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
];

/// The media type of the OpenAPI document.
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

pub fn landing(base: &str) -> Value {
    json!({
        "title": "planlint",
        "description": "Checks development plans against the elder-care facility planning \
                        rules of Chinese cities (养老服务设施规划检查)",
        "links": [
            link(format!("{base}/"), "self", "application/json", "this document"),
            link(format!("{base}/?f=html"), "alternate", "text/html", "the page for people"),
            link(format!("{base}/api"), "service-desc", OPENAPI, "the API definition"),
            link(format!("{base}/conformance"),
                "http://www.opengis.net/def/rel/ogc/1.0/conformance", "application/json",
                "conformance classes"),
            link(format!("{base}/processes"),
                "http://www.opengis.net/def/rel/ogc/1.0/processes", "application/json",
                "the processes"),
            link(format!("{base}/jobs"),
                "http://www.opengis.net/def/rel/ogc/1.0/job-list", "application/json",
                "the jobs"),
        ],
    })
}

pub fn conformance() -> Value {
    json!({ "conformsTo": CONFORMANCE })
}

fn title(process: Process) -> (&'static str, &'static str) {
    match process {
        Process::Check => (
            "Check a submission (检查报建方案)",
            "Checks a development submission (a zip of a plan folder, or a GeoPackage) \
             against a city's elder-care planning rules, alone or inside a city this server \
             keeps: the report planlint check gives.",
        ),
        Process::Fix => (
            "Fix a submission (整改建议)",
            "Finds the fewest changes to the submission's facilities that make it comply, \
             and checks the plan with them applied: the report planlint fix gives, and its \
             remedies.",
        ),
    }
}

fn summary(process: Process, base: &str) -> Value {
    let (title, description) = title(process);
    let id = process.id();
    json!({
        "id": id,
        "title": title,
        "description": description,
        "version": env!("CARGO_PKG_VERSION"),
        "jobControlOptions": ["sync-execute", "async-execute", "dismiss"],
        "outputTransmission": ["value"],
        "links": [
            link(format!("{base}/processes/{id}"), "self", "application/json", "the process"),
            link(format!("{base}/processes/{id}/execution"),
                "http://www.opengis.net/def/rel/ogc/1.0/execute", "application/json",
                "execute the process"),
        ],
    })
}

pub fn processes(base: &str) -> Value {
    json!({
        "processes": Process::ALL.iter().map(|p| summary(*p, base)).collect::<Vec<_>>(),
        "links": [link(format!("{base}/processes"), "self", "application/json", "the processes")],
    })
}

/// A process's description: its summary with its inputs and outputs.
pub fn description(process: Process, base: &str, cities: &[String]) -> Value {
    let mut d = summary(process, base);
    let string = |title: &str, description: &str, schema: Value| {
        json!({"title": title, "description": description, "schema": schema,
               "minOccurs": 0, "maxOccurs": 1})
    };
    let mut inputs = serde_json::Map::new();
    for name in INPUTS {
        let input = match name {
            "submission" => json!({
                "title": "The submission (报建方案)",
                "description": "A zip of a plan folder (its files at the top, or in one \
                                folder) or a GeoPackage, by value, base64.",
                "minOccurs": 1,
                "maxOccurs": 1,
                "schema": {"oneOf": [
                    {"type": "string", "contentEncoding": "base64",
                     "contentMediaType": "application/zip"},
                    {"type": "string", "contentEncoding": "base64",
                     "contentMediaType": "application/geopackage+sqlite3"},
                ]},
            }),
            "city" => string(
                "City (所在城市)",
                "A city this server keeps: the submission is checked inside it. Absent: \
                 the submission is checked alone.",
                json!({"type": "string", "enum": cities}),
            ),
            "profile" => string(
                "Profile",
                "A built-in profile id (default: the plan's, else the city's).",
                json!({"type": "string"}),
            ),
            "as_of" => string(
                "As of",
                "The date the check speaks for (default: the plan's, else the city's, else today).",
                json!({"type": "string", "format": "date"}),
            ),
            "lang" => string(
                "Language",
                "Of the report's messages (default: the request's Accept-Language).",
                json!({"type": "string", "enum": ["zh", "en"]}),
            ),
            _ => string(
                "Rules",
                "Only these rules are checked (rule ids).",
                json!({"type": "array", "items": {"type": "string"}}),
            ),
        };
        inputs.insert(name.to_string(), input);
    }
    d["inputs"] = Value::Object(inputs);
    let mut outputs = serde_json::Map::new();
    for output in process.outputs() {
        let (title, description) = match output {
            Output::Report => (
                "Report",
                "The report (report.md's JSON contract), or the HTML page.",
            ),
            Output::Findings => (
                "Findings",
                "The findings as features in WGS 84: GeoJSON, or a GeoPackage.",
            ),
            Output::Remedies => ("Remedies", "The remedies as points (GeoJSON)."),
        };
        let schemas: Vec<Value> = output
            .encodings()
            .iter()
            .map(|(media, _)| {
                if media.ends_with("json") {
                    json!({"type": "object", "contentMediaType": media})
                } else if media.starts_with("text/") {
                    json!({"type": "string", "contentMediaType": media})
                } else {
                    json!({"type": "string", "contentEncoding": "base64",
                           "contentMediaType": media})
                }
            })
            .collect();
        outputs.insert(
            output.id().to_string(),
            json!({"title": title, "description": description,
                   "schema": {"oneOf": schemas}}),
        );
    }
    d["outputs"] = Value::Object(outputs);
    d
}

/// The OpenAPI 3.0 document of this server.
pub fn openapi(base: &str) -> Value {
    let problem = json!({"description": "an exception",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/exception"}}}});
    let ok = |description: &str| {
        json!({"description": description,
        "content": {"application/json": {"schema": {"type": "object"}}}})
    };
    let job_id =
        json!({"name": "jobId", "in": "path", "required": true, "schema": {"type": "string"}});
    let process_id = json!({"name": "processId", "in": "path", "required": true,
        "schema": {"type": "string", "enum": Process::ALL.iter().map(|p| p.id()).collect::<Vec<_>>()}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "planlint",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OGC API – Processes – Part 1: Core, for checking development \
                            plans against elder-care facility planning rules.",
            "license": {"name": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": base}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"exception": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"},
                "status": {"type": "integer"}, "detail": {"type": "string"},
                "instance": {"type": "string"}}}},
        },
        "paths": {
            "/": {"get": {"summary": "landing page", "operationId": "getLandingPage",
                "responses": {"200": ok("links to the API")}}},
            "/conformance": {"get": {"summary": "conformance classes",
                "operationId": "getConformance", "responses": {"200": ok("the classes")}}},
            "/api": {"get": {"summary": "this document", "operationId": "getApi",
                "responses": {"200": {"description": "the OpenAPI document",
                    "content": {OPENAPI: {"schema": {"type": "object"}}}}}}},
            "/processes": {"get": {"summary": "the processes", "operationId": "getProcesses",
                "responses": {"200": ok("the process list")}}},
            "/processes/{processId}": {"get": {"summary": "a process's description",
                "operationId": "getProcessDescription", "parameters": [process_id],
                "responses": {"200": ok("the description"), "404": problem}}},
            "/processes/{processId}/execution": {"post": {"summary": "execute a process",
                "operationId": "execute", "parameters": [process_id,
                    {"name": "Prefer", "in": "header", "required": false,
                     "schema": {"type": "string", "enum": ["respond-async", "respond-sync"]}}],
                "security": [{"bearer": []}, {}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "inputs": {"type": "object"}, "outputs": {"type": "object"},
                        "response": {"type": "string", "enum": ["document", "raw"]}}}}}},
                "responses": {"200": ok("the results (synchronous)"),
                    "201": ok("the job's status (asynchronous)"),
                    "400": problem, "401": problem, "404": problem, "413": problem,
                    "415": problem, "422": problem, "503": problem}}},
            "/jobs": {"get": {"summary": "the jobs, newest first", "operationId": "getJobs",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": ok("the job list")}}},
            "/jobs/{jobId}": {
                "get": {"summary": "a job's status", "operationId": "getStatus",
                    "parameters": [job_id], "responses": {"200": ok("its status"), "404": problem}},
                "delete": {"summary": "delete a job and its files", "operationId": "dismiss",
                    "parameters": [job_id], "security": [{"bearer": []}, {}],
                    "responses": {"200": ok("its last status"), "401": problem, "404": problem}}},
            "/jobs/{jobId}/results": {"get": {"summary": "a job's results",
                "operationId": "getResult", "parameters": [job_id],
                "responses": {"200": ok("the results document"), "404": problem}}},
        },
    })
}

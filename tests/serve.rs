//! `planlint serve`: real server processes on 127.0.0.1 (port 0: a free one, which the
//! server prints), driven over HTTP as the bureau's systems drive it.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

use common::server::{zip_folder, zip_of, Server};

/// A client that reads every status rather than failing on 4xx and 5xx.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// (status, headers, body) of a request.
struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The id of the job `Location` names.
    fn job(&self) -> String {
        let location = self.header("location").expect("a Location header");
        location.rsplit('/').next().unwrap().to_string()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// An OGC exception document with this status.
    fn is_exception(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let v = self.json();
        assert!(v["type"].is_string() && v["title"].is_string(), "{v}");
        assert_eq!(v["status"], status);
        assert!(!v["detail"].as_str().unwrap().is_empty());
        v
    }
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(url: &str, accept: &str) -> Answer {
    answer(agent().get(url).header("Accept", accept).call().unwrap())
}

fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = agent().post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.send(body).unwrap())
}

/// An execute request for `check` of `upload`, with more inputs.
fn execute_body(upload: &[u8], media: &str, inputs: Value) -> Vec<u8> {
    let mut body = json!({"inputs": {
        "submission": {
            "value": base64::engine::general_purpose::STANDARD.encode(upload),
            "mediaType": media,
        }
    }});
    for (k, v) in inputs.as_object().unwrap() {
        body["inputs"][k] = v.clone();
    }
    serde_json::to_vec(&body).unwrap()
}

fn submission_zip() -> Vec<u8> {
    zip_folder(&common::root().join("data/submission"))
}

/// Polls a job until it ends.
fn wait_for(server: &Server, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let status = get(&server.url(&format!("/jobs/{id}")), "application/json").json();
        match status["status"].as_str().unwrap() {
            "accepted" | "running" => {}
            _ => return status,
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The string `key` of each object of an array.
fn strings<'a>(array: &'a Value, key: &str) -> Vec<&'a str> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o[key].as_str().unwrap())
        .collect()
}

/// The findings, summary and notes of the CLI's JSON report.
fn same_report(served: &Value, cli: &Value) {
    for key in [
        "findings", "summary", "notes", "as_of", "profile", "context",
    ] {
        assert_eq!(served[key], cli[key], "{key} differs");
    }
}

#[test]
fn a_submission_in_a_kept_city_gets_the_report_check_context_gives() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let (code, cli) = common::report("data/submission", &["--context", "data/sample"]);
    assert_eq!(code, 1);
    let body = execute_body(
        &submission_zip(),
        "application/zip",
        json!({"city": "sample", "lang": "en"}),
    );
    let url = server.url("/processes/check/execution");

    // Synchronous: the results document, its report the CLI's.
    let sync = post(&url, &[], &body);
    assert_eq!(sync.status, 200, "{}", sync.text());
    let results = sync.json();
    assert_eq!(results["report"]["mediaType"], "application/json");
    let report = &results["report"]["value"];
    same_report(report, &cli);
    common::schema_holds(report);
    // The inputs name the upload, not the server's folders.
    assert_eq!(
        report["inputs"]["compounds"]["path"],
        "submission.zip/compounds.geojson"
    );
    // Hand-worked (data/submission): SUB-1 has a 320 m² station for 1,200 households, 26.67
    // m² per 100 where 30 are wanted (new), short by 3.33 per 100 (40 m²); SUB-2 has 800
    // households and no station, 0 per 100, short by 30 (240 m²). Those are the two errors.
    let failing: Vec<(String, f64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" && f["severity"] == "error")
        .map(|f| {
            (
                f["subject"]["id"].as_str().unwrap().to_string(),
                f["gap"]["deficit"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(failing.len(), 2, "{failing:?}");
    for (id, deficit) in [("SUB-1", 30.0 - 320.0 / 12.0), ("SUB-2", 30.0)] {
        let found = failing.iter().find(|(i, _)| i == id).unwrap();
        assert!((found.1 - deficit).abs() < 0.01, "{id}: {}", found.1);
    }
    let findings = &results["findings"];
    assert_eq!(findings["mediaType"], "application/geo+json");
    assert_eq!(findings["value"]["type"], "FeatureCollection");
    let sync_job = sync.job();

    // Asynchronous: 201, a job, the same report through /jobs/ID/results.
    let job = post(&url, &[("Prefer", "respond-async")], &body);
    assert_eq!(job.status, 201, "{}", job.text());
    let status = job.json();
    let id = status["jobID"].as_str().unwrap().to_string();
    assert!(job
        .header("location")
        .unwrap()
        .ends_with(&format!("/jobs/{id}")));
    let ended = wait_for(&server, &id);
    assert_eq!(ended["status"], "successful", "{ended}");
    assert_eq!(ended["exitCode"], 1);
    let results = get(
        &server.url(&format!("/jobs/{id}/results")),
        "application/json",
    );
    assert_eq!(results.status, 200);
    same_report(&results.json()["report"]["value"], &cli);

    // raw: one output as itself, here the HTML report.
    let mut raw: Value = serde_json::from_slice(&body).unwrap();
    raw["outputs"] = json!({"report": {"format": {"mediaType": "text/html"}}});
    raw["response"] = json!("raw");
    let html = post(&url, &[], &serde_json::to_vec(&raw).unwrap());
    assert_eq!(html.status, 200);
    assert_eq!(html.header("content-type"), Some("text/html"));
    assert!(html.text().contains("SUB-2"));

    // Every execution is on record, newest first.
    let jobs = get(&server.url("/jobs"), "application/json").json();
    assert_eq!(jobs["numberMatched"], 3);
    let listed = strings(&jobs["jobs"], "jobID");
    assert_eq!(listed[1], id);
    assert_eq!(listed[2], sync_job);
    // The upload as received is kept.
    let kept = agent()
        .get(&server.url(&format!("/jobs/{id}/submission")))
        .call()
        .map(answer)
        .unwrap();
    assert_eq!(kept.body, submission_zip());
}

#[test]
fn the_ogc_documents_declare_what_the_server_does() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let landing = get(&server.url("/"), "application/json").json();
    let rels = strings(&landing["links"], "rel");
    for rel in [
        "service-desc",
        "http://www.opengis.net/def/rel/ogc/1.0/conformance",
        "http://www.opengis.net/def/rel/ogc/1.0/processes",
        "http://www.opengis.net/def/rel/ogc/1.0/job-list",
    ] {
        assert!(rels.contains(&rel), "{rel}");
    }
    let conformance = get(&server.url("/conformance"), "application/json").json();
    let classes = conformance["conformsTo"].as_array().unwrap();
    assert!(classes.contains(&json!(
        "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core"
    )));
    // Not implemented, so not declared.
    assert!(!classes
        .iter()
        .any(|c| c.as_str().unwrap().ends_with("/callback")));
    let processes = get(&server.url("/processes"), "application/json").json();
    let ids = strings(&processes["processes"], "id");
    assert_eq!(ids, ["check", "fix"]);
    let check = get(&server.url("/processes/check"), "application/json").json();
    assert_eq!(check["inputs"]["city"]["schema"]["enum"], json!(["sample"]));
    assert_eq!(check["inputs"]["submission"]["minOccurs"], 1);
    assert!(check["outputs"]["report"].is_object() && check["outputs"]["findings"].is_object());
    let fix = get(&server.url("/processes/fix"), "application/json").json();
    assert!(fix["outputs"]["remedies"].is_object());
    let api = get(&server.url("/api"), "application/json");
    assert_eq!(api.status, 200);
    let api = api.json();
    assert_eq!(api["openapi"], "3.0.3");
    assert!(api["paths"]["/processes/{processId}/execution"]["post"].is_object());
    get(&server.url("/processes/nothing"), "application/json").is_exception(404);
    get(&server.url("/jobs/0123abcd"), "application/json").is_exception(404);
    // A reverse proxy's forwarded host and prefix make the links.
    let proxied = answer(
        agent()
            .get(&server.url("/processes"))
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "plan.example.gov.cn")
            .header("X-Forwarded-Prefix", "/planlint")
            .call()
            .unwrap(),
    )
    .json();
    assert_eq!(
        proxied["processes"][0]["links"][0]["href"],
        "https://plan.example.gov.cn/planlint/processes/check"
    );
    // The page's links and form too; a prefix that is not a plain path is ignored.
    let page = |prefix: &str| {
        answer(
            agent()
                .get(&server.url("/"))
                .header("Accept", "text/html")
                .header("X-Forwarded-Prefix", prefix)
                .call()
                .unwrap(),
        )
        .text()
    };
    let html = page("/planlint");
    assert!(html.contains("action=\"/planlint/\""), "{html}");
    assert!(html.contains("href=\"/planlint/jobs?f=html\""));
    assert!(!html.contains("href=\"/jobs"));
    let html = page("/x\"><script>");
    assert!(html.contains("action=\"/\"") && !html.contains("<script>"));
}

/// A zip entry that the writer would refuse or rewrite: written byte by byte, as a hostile
/// client would.
fn raw_zip(name: &str, body: &[u8], symlink: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        if symlink {
            zip.add_symlink(name, "/etc/passwd", options).unwrap();
        } else {
            // The writer keeps names as given.
            zip.start_file(name, options).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[test]
fn hostile_uploads_get_a_clear_4xx_and_harm_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(
        data.path(),
        &["--city", "sample=data/sample", "--max-upload", "2"],
    );
    let url = server.url("/processes/check/execution");
    let check = |upload: &[u8], status: u16, mention: &str| {
        let a = post(
            &url,
            &[],
            &execute_body(upload, "application/zip", json!({})),
        );
        let v = a.is_exception(status);
        assert!(
            v["detail"].as_str().unwrap().contains(mention),
            "{mention}: {v}"
        );
        // The server still answers.
        assert_eq!(get(&server.url("/"), "application/json").status, 200);
    };
    check(&raw_zip("../escaped.geojson", b"{}", false), 400, "outside");
    check(
        &raw_zip("a/../../escaped.geojson", b"{}", false),
        400,
        "outside",
    );
    check(
        &raw_zip("/tmp/absolute.geojson", b"{}", false),
        400,
        "outside",
    );
    check(&raw_zip("link.geojson", b"", true), 400, "link");
    // A file, then a file inside it as though it were a folder.
    check(
        &zip_of(&[
            ("compounds.geojson".into(), b"{}".to_vec()),
            ("compounds.geojson/x.csv".into(), b"a".to_vec()),
        ]),
        400,
        "cannot be unpacked",
    );
    // Nothing was written outside the jobs' folders.
    assert!(!data.path().join("escaped.geojson").exists());
    assert!(!data
        .path()
        .parent()
        .unwrap()
        .join("escaped.geojson")
        .exists());
    // 10,001 empty entries.
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("f{i}"), vec![])).collect();
    check(&zip_of(&many), 400, "10000");
    // 60 MB of zeros deflate to about 60 kB: 1,000 times the zip's size.
    check(
        &zip_of(&[("compounds.geojson".into(), vec![0u8; 60 << 20])]),
        413,
        "100 times",
    );
    check(b"just some text, not a plan", 415, "neither");
    // A body over --max-upload (2 MiB) is refused from its Content-Length, before it is
    // read.
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /processes/check/execution HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        3 << 20
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(stream);
    assert_eq!(get(&server.url("/"), "application/json").status, 200);
    // Unknown inputs, a reference to elsewhere, a city not kept, a bad date.
    let zip = submission_zip();
    for (inputs, mention) in [
        (json!({"colour": "red"}), "unknown input 'colour'"),
        (json!({"city": "atlantis"}), "no city 'atlantis'"),
        (json!({"as_of": "yesterday"}), "as_of"),
    ] {
        let a = post(&url, &[], &execute_body(&zip, "application/zip", inputs));
        let v = a.is_exception(400);
        assert!(v["detail"].as_str().unwrap().contains(mention), "{v}");
    }
    let by_reference = json!({"inputs": {"submission": {"href": "http://169.254.169.254/x"}}});
    post(&url, &[], by_reference.to_string().as_bytes()).is_exception(400);
    post(&url, &[], b"{not json").is_exception(400);
    // A GeoPackage whose tables have odd names (none of them a layer): the plan has no
    // compounds, which the exception says.
    let gpkg = odd_geopackage(data.path());
    let a = post(
        &url,
        &[],
        &execute_body(
            &gpkg,
            "application/geopackage+sqlite3",
            json!({"lang": "en", "profile": "anyang-2017"}),
        ),
    );
    let v = a.is_exception(422);
    assert!(v["detail"].as_str().unwrap().contains("compounds"), "{v}");
    // Uploads refused before they are unpacked are not jobs; the zip that could not be
    // unpacked and the plan that could not be read are, failed, with their reasons.
    let jobs = get(&server.url("/jobs"), "application/json").json();
    assert_eq!(jobs["numberMatched"], 2, "{jobs}");
    for (job, reason) in [(0, "compounds"), (1, "cannot be unpacked")] {
        assert_eq!(jobs["jobs"][job]["status"], "failed");
        assert!(jobs["jobs"][job]["message"]
            .as_str()
            .unwrap()
            .contains(reason));
    }
    // A job ends unpacked: only the upload and outputs are kept.
    let id = jobs["jobs"][0]["jobID"].as_str().unwrap();
    assert!(!data.path().join("jobs").join(id).join("plan").exists());
}

/// A GeoPackage whose only table is named with quotes, a semicolon and SQL.
fn odd_geopackage(dir: &Path) -> Vec<u8> {
    let path = dir.join("odd.gpkg");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        r#"PRAGMA application_id = 1196444487;
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
            organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
            definition TEXT NOT NULL, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
            identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME,
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
        CREATE TABLE "compounds""; DROP TABLE gpkg_contents; --" (fid INTEGER PRIMARY KEY, x TEXT);
        INSERT INTO gpkg_contents (table_name, data_type) VALUES
            ('compounds"; DROP TABLE gpkg_contents; --', 'attributes'),
            ('../../etc/passwd', 'features');"#,
    )
    .unwrap();
    drop(db);
    std::fs::read(&path).unwrap()
}

#[test]
fn with_tokens_executing_and_deleting_want_one() {
    use sha2::Digest as _;
    let data = tempfile::tempdir().unwrap();
    let tokens = data.path().join("tokens");
    let hash: String = sha2::Sha256::digest(b"s3cret-token")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::write(
        &tokens,
        format!("# the bureau's approval system\n{hash} approvals\n"),
    )
    .unwrap();
    let server = Server::start(
        &data.path().join("data"),
        &[
            "--city",
            "sample=data/sample",
            "--token-file",
            tokens.to_str().unwrap(),
        ],
    );
    let url = server.url("/processes/check/execution");
    let body = execute_body(
        &submission_zip(),
        "application/zip",
        json!({"city": "sample"}),
    );
    let refused = post(&url, &[], &body);
    refused.is_exception(401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    post(&url, &[("Authorization", "Bearer wrong")], &body).is_exception(401);
    // The token itself, not its hash.
    post(&url, &[("Authorization", &format!("Bearer {hash}"))], &body).is_exception(401);
    let done = post(&url, &[("Authorization", "Bearer s3cret-token")], &body);
    assert_eq!(done.status, 200, "{}", done.text());
    // Reading needs none.
    assert_eq!(
        get(&server.url("/processes"), "application/json").status,
        200
    );
    let job = done.header("location").unwrap().to_string();
    assert_eq!(get(&job, "application/json").status, 200);
    let delete = |token: Option<&str>| {
        let mut r = agent().delete(&job);
        if let Some(t) = token {
            r = r.header("Authorization", &format!("Bearer {t}"));
        }
        answer(r.call().unwrap())
    };
    delete(None).is_exception(401);
    let deleted = delete(Some("s3cret-token"));
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    assert_eq!(deleted.json()["status"], "dismissed");
    get(&job, "application/json").is_exception(404);
    assert!(!server
        .data
        .join("jobs")
        .join(job.rsplit('/').next().unwrap())
        .exists());
}

/// A generated city of `compounds` compounds with streets, zipped: a check of it alone
/// takes long enough to be caught running.
fn big_plan(compounds: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("city");
    let (code, _, err) = common::run(&[
        "synth",
        "--compounds",
        &compounds.to_string(),
        "--roads",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    zip_folder(&out)
}

#[test]
fn a_server_killed_during_a_job_keeps_its_history_and_says_interrupted() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let done = post(
        &server.url("/processes/check/execution"),
        &[],
        &execute_body(
            &submission_zip(),
            "application/zip",
            json!({"city": "sample"}),
        ),
    );
    assert_eq!(done.status, 200);
    let finished = done.job();
    let job = post(
        &server.url("/processes/check/execution"),
        &[("Prefer", "respond-async")],
        &execute_body(&big_plan(40_000), "application/zip", json!({})),
    );
    assert_eq!(job.status, 201, "{}", job.text());
    let id = job.json()["jobID"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(300));
    let running = get(&server.url(&format!("/jobs/{id}")), "application/json").json();
    assert!(
        ["accepted", "running"].contains(&running["status"].as_str().unwrap()),
        "{running}"
    );
    // kill -9.
    server.kill();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let after = get(&server.url(&format!("/jobs/{id}")), "application/json").json();
    assert_eq!(after["status"], "failed");
    assert!(
        after["message"].as_str().unwrap().contains("interrupted"),
        "{after}"
    );
    get(
        &server.url(&format!("/jobs/{id}/results")),
        "application/json",
    )
    .is_exception(422);
    // The job finished before is whole.
    let results = get(
        &server.url(&format!("/jobs/{finished}/results")),
        "application/json",
    );
    assert_eq!(results.status, 200);
    assert_eq!(results.json()["report"]["value"]["summary"]["errors"], 2);
    assert_eq!(
        get(&server.url("/jobs"), "application/json").json()["numberMatched"],
        2
    );
    // Nothing half-written is left in the interrupted job's folder.
    let folder = data.path().join("jobs").join(&id);
    let left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["submission.zip"], "{left:?}");
}

#[test]
fn a_full_queue_answers_503_with_retry_after() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--workers", "1", "--queue", "0"]);
    let url = server.url("/processes/check/execution");
    let big = execute_body(&big_plan(40_000), "application/zip", json!({}));
    let first = post(&url, &[("Prefer", "respond-async")], &big);
    assert_eq!(first.status, 201);
    let busy = post(&url, &[("Prefer", "respond-async")], &big);
    busy.is_exception(503);
    assert_eq!(busy.header("retry-after"), Some("5"));
    let id = first.json()["jobID"].as_str().unwrap().to_string();
    assert_eq!(wait_for(&server, &id)["status"], "successful");
}

#[test]
fn eight_clients_with_25_submissions_each_lose_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let url = server.url("/processes/check/execution");
    let body = execute_body(
        &submission_zip(),
        "application/zip",
        json!({"city": "sample"}),
    );
    let ids: Vec<String> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    (0..25)
                        .map(|_| {
                            let a = post(&url, &[], &body);
                            assert_eq!(a.status, 200, "{}", a.text());
                            assert_eq!(a.json()["report"]["value"]["summary"]["errors"], 2);
                            a.job()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect()
    });
    assert_eq!(ids.len(), 200);
    let jobs = get(&server.url("/jobs?limit=1000"), "application/json").json();
    assert_eq!(jobs["numberMatched"], 200);
    let listed: std::collections::HashSet<&str> = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|j| assert_eq!(j["status"], "successful"))
        .map(|j| j["jobID"].as_str().unwrap())
        .collect();
    for id in &ids {
        assert!(listed.contains(id.as_str()), "{id}");
    }
}

#[test]
fn the_page_checks_an_upload_and_lists_it() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let page = answer(
        agent()
            .get(&server.url("/"))
            .header("Accept", "text/html")
            .header("Accept-Language", "zh-CN,zh;q=0.9")
            .call()
            .unwrap(),
    );
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<form") && html.contains("name=\"submission\""));
    assert!(html.contains("尚无记录"));
    // No script, nothing from elsewhere.
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    // The form's upload, as a browser sends it.
    let boundary = "----planlint-test-boundary";
    let mut form = Vec::new();
    for (name, value) in [("city", "sample"), ("process", "check")] {
        write!(
            form,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        form,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"submission\"; \
         filename=\"新城花园.zip\"\r\nContent-Type: application/zip\r\n\r\n"
    )
    .unwrap();
    form.extend(submission_zip());
    write!(form, "\r\n--{boundary}--\r\n").unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let sent = answer(
        agent
            .post(&server.url("/"))
            .header(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .header("Accept-Language", "zh-CN")
            .send(&form[..])
            .unwrap(),
    );
    assert_eq!(sent.status, 303, "{}", sent.text());
    let job_page = sent.header("location").unwrap().to_string();
    let page = answer(
        agent
            .get(&server.url(&job_page))
            .header("Accept-Language", "zh-CN")
            .call()
            .unwrap(),
    );
    let html = page.text();
    assert!(html.contains("不符合"), "{html}");
    assert!(html.contains("SUB-1") && html.contains("SUB-2"));
    assert!(html.contains("新城花园.zip"));
    let history = answer(
        agent
            .get(&server.url("/jobs?f=html"))
            .header("Accept-Language", "en")
            .call()
            .unwrap(),
    )
    .text();
    assert!(history.contains("Does not comply") && history.contains("新城花园.zip"));
}

#[test]
fn fix_gives_the_remedies_of_planlint_fix_context() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--city", "sample=data/sample"]);
    let a = post(
        &server.url("/processes/fix/execution"),
        &[],
        &execute_body(
            &submission_zip(),
            "application/zip",
            json!({"city": "sample", "lang": "en"}),
        ),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let results = a.json();
    // Hand-worked (data/submission, 30 m² per 100 households): SUB-1's 320 m² station
    // grows by 360 − 320 = 40 m²; SUB-2 (800 households, none) gets a new 240 m² one.
    let remedies = results["remedies"]["value"]["features"].as_array().unwrap();
    let mut said: Vec<(String, f64)> = remedies
        .iter()
        .map(|r| {
            (
                r["properties"]["action"].as_str().unwrap().to_string(),
                r["properties"]["floor_area"].as_f64().unwrap(),
            )
        })
        .collect();
    said.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        said,
        [("add".to_string(), 240.0), ("enlarge".to_string(), 40.0)]
    );
    let report = &results["report"]["value"];
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["remedy"]["floor_area_added"], 280.0);
    // The re-check's inputs are the fixed plan's, named so.
    assert_eq!(
        report["inputs"]["compounds"]["path"],
        "fixed/compounds.geojson"
    );
}

#[test]
fn sighup_reloads_the_cities_without_dropping_a_request() {
    let data = tempfile::tempdir().unwrap();
    // A copy of the sample city, whose date is then moved on.
    let city = data.path().join("city");
    std::fs::create_dir(&city).unwrap();
    for f in std::fs::read_dir(common::root().join("data/sample")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, city.join(f.file_name().unwrap())).unwrap();
    }
    let city_arg = format!("sample={}", city.display());
    let server = Server::start(&data.path().join("data"), &["--city", &city_arg]);
    let url = server.url("/processes/check/execution");
    let body = execute_body(
        &submission_zip(),
        "application/zip",
        json!({"city": "sample"}),
    );
    let as_of = || post(&url, &[], &body).json()["report"]["value"]["as_of"].clone();
    assert_eq!(as_of(), "2024-06-30");
    let settings = city.join("plan.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("2024-06-30", "2025-06-30")).unwrap();
    let pid = server.child.id().to_string();
    std::thread::scope(|s| {
        let checks = s.spawn(|| {
            (0..40)
                .map(|_| post(&url, &[], &body).status)
                .collect::<Vec<_>>()
        });
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(40));
            let sent = Command::new("kill").args(["-HUP", &pid]).status().unwrap();
            assert!(sent.success());
        }
        let statuses = checks.join().unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    });
    // The city as it is now on disk: the submission takes its date.
    let started = Instant::now();
    while as_of() != "2025-06-30" {
        assert!(started.elapsed() < Duration::from_secs(60), "not reloaded");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_check_over_the_time_limit_fails_its_job() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--time-limit", "0"]);
    let a = post(
        &server.url("/processes/check/execution"),
        &[],
        &execute_body(&big_plan(20_000), "application/zip", json!({})),
    );
    let v = a.is_exception(504);
    assert!(v["detail"].as_str().unwrap().contains("limit"), "{v}");
    let jobs = get(&server.url("/jobs"), "application/json").json();
    assert_eq!(jobs["jobs"][0]["status"], "failed");
    assert!(jobs["jobs"][0]["message"]
        .as_str()
        .unwrap()
        .contains("limit"));
    // The check that went on in the background does not turn the job successful.
    std::thread::sleep(Duration::from_secs(3));
    let id = jobs["jobs"][0]["jobID"].as_str().unwrap();
    let after = get(&server.url(&format!("/jobs/{id}")), "application/json").json();
    assert_eq!(after["status"], "failed");
}

//! PostGIS input (issue 13), against a real PostgreSQL 15 + PostGIS 3 server that this test
//! starts in a temporary directory, listening on a Unix socket only (`initdb`, `pg_ctl`;
//! Debian's postgresql-15-postgis-3, installed by .ci/setup), loads with fixtures/basic by
//! GDAL's ogr2ogr, and stops and removes when done, also when an assertion fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::run;

/// PostgreSQL's programs.
fn bin(name: &str) -> PathBuf {
    let out = Command::new("pg_config").arg("--bindir").output();
    let dir = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
    dir.join(name)
}

/// Runs a command as the `postgres` user when this is root (initdb refuses root).
fn as_postgres(program: &Path, args: &[&str]) -> std::process::Output {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut c = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    c.args(args).output().expect("run a PostgreSQL program")
}

/// A server of its own: stopped and removed when dropped.
struct Server {
    dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let _ = Command::new("chown")
            .args(["postgres", dir.path().to_str().unwrap()])
            .status();
        let data = dir.path().join("data");
        let out = as_postgres(
            &bin("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let server = Server { dir };
        let opts = format!("-k {} -c listen_addresses=''", server.socket());
        let log = server.dir.path().join("log");
        let out = as_postgres(
            &bin("pg_ctl"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        server.sql("postgres", "CREATE DATABASE plan");
        server.sql("plan", "CREATE EXTENSION postgis");
        server
    }

    fn socket(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn sql(&self, db: &str, sql: &str) {
        let out = Command::new(bin("psql"))
            .args([
                "-h",
                &self.socket(),
                "-U",
                "postgres",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Loads a file of fixtures/basic as a table, with GDAL.
    fn load(&self, file: &str, table: &str) {
        let pg = format!("PG:host={} user=postgres dbname=plan", self.socket());
        let src = common::root().join("fixtures/basic").join(file);
        let out = Command::new("ogr2ogr")
            .args([
                "-f",
                "PostgreSQL",
                &pg,
                src.to_str().unwrap(),
                "-nln",
                table,
                "-lco",
                "GEOMETRY_NAME=geom",
            ])
            .output()
            .expect("ogr2ogr (apt-get install gdal-bin)");
        assert!(
            out.status.success(),
            "ogr2ogr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Makes `role` log in with `password`, over the socket too: the server then asks it
    /// for a password (SCRAM), as a bureau's server does; `postgres` stays trusted.
    fn require_password(&self, role: &str, password: &str) {
        self.sql(
            "plan",
            &format!(
                "CREATE ROLE {role} LOGIN PASSWORD '{password}'; \
                 GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"
            ),
        );
        let data = self.dir.path().join("data");
        let hba = data.join("pg_hba.conf");
        let rest = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(&hba, format!("local all {role} scram-sha-256\n{rest}")).unwrap();
        let out = as_postgres(&bin("pg_ctl"), &["-D", data.to_str().unwrap(), "reload"]);
        assert!(out.status.success());
        // The reload is a signal; the server takes it within moments.
        std::thread::sleep(std::time::Duration::from_millis(500));
    }

    /// A layer's URI.
    fn uri(&self, what: &str) -> String {
        format!("postgresql://postgres@/plan?host={}&{what}", self.socket())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        as_postgres(
            &bin("pg_ctl"),
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
    }
}

#[test]
fn a_plan_in_postgis_checks_as_its_files_and_bad_sources_are_exit_2() {
    let server = Server::start();
    server.load("compounds.geojson", "compounds");
    server.load("facilities.geojson", "facilities");
    server.load("units.geojson", "units");
    let (_, basic) = common::report("fixtures/basic", &[]);
    let compounds = server.uri("table=compounds");
    let facilities = server.uri("sql=SELECT * FROM facilities");
    let units = server.uri("table=public.units");
    let (code, r) = common::report(
        "fixtures/basic",
        &[
            "--compounds",
            &compounds,
            "--facilities",
            &facilities,
            "--units",
            &units,
        ],
    );
    assert_eq!(code, 1);
    assert!(common::contract_holds(&r));
    assert_eq!(common::figures(&r), common::figures(&basic));
    // The SRID of the geometry column is the layer's CRS.
    assert_eq!(r["inputs"]["compounds"]["crs"], "EPSG:4547");
    // Each layer came from the server, not from the folder's own files.
    assert_eq!(r["inputs"]["compounds"]["path"], compounds.as_str());
    assert_eq!(r["inputs"]["facilities"]["path"], facilities.as_str());
    assert_eq!(r["inputs"]["units"]["path"], units.as_str());

    // A geography column (lon/lat on WGS 84, SRID 4326): the same findings to 1 cm.
    server.sql(
        "plan",
        "CREATE TABLE facilities_geog AS SELECT * FROM facilities; \
         ALTER TABLE facilities_geog ALTER COLUMN geom TYPE geography \
         USING ST_Transform(geom, 4326)::geography",
    );
    let geog = server.uri("table=facilities_geog");
    let (code, r) = common::report(
        "fixtures/basic",
        &[
            "--compounds",
            &compounds,
            "--facilities",
            &geog,
            "--units",
            &units,
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(r["inputs"]["facilities"]["crs"], "EPSG:4326");
    common::figures_agree(&r, &basic, 0.01);

    // A compounds layer the check refuses: exit 2, the message saying each of `said`.
    let refused = |uri: &str, said: &[&str]| {
        let (code, _, err) = run(&["check", "fixtures/basic", "--compounds", uri]);
        assert_eq!(code, 2);
        assert!(said.iter().all(|s| err.contains(s)), "{err}");
    };
    // Metres under SRID 0 (no CRS said): exit 2, saying so and where to say it.
    refused(
        &server
            .uri("sql=SELECT id, households, status, ST_SetSRID(geom, 0) AS geom FROM compounds"),
        &["SRID 0", "crs = \"EPSG:"],
    );
    // A table that does not exist, a query that fails: exit 2 naming the source.
    refused(
        &server.uri("table=houses"),
        &["table=houses", "\"houses\" does not exist"],
    );
    refused(
        &server.uri("sql=SELECT nonsense FROM compounds"),
        &["the query fails", "nonsense"],
    );
    // A server that is not there, with a password in the URI: never printed.
    let nowhere = "postgresql://postgres:hunter2@/plan?host=/nonexistent/socket&table=compounds";
    let (code, _, err) = run(&["check", "fixtures/basic", "--compounds", nowhere]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot connect") && err.contains("postgres:***@"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

/// Runs planlint with only the PostgreSQL environment given here: no `PGPASSWORD` of the
/// caller's, and `PGPASSFILE` a file that does not exist unless one is given.
fn run_pg(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_planlint"));
    c.args(args)
        .current_dir(common::root())
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent/pgpass");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_database_named_once_and_a_server_that_asks_for_a_password() {
    let server = Server::start();
    for layer in ["compounds", "facilities", "units"] {
        server.load(&format!("{layer}.geojson"), layer);
    }
    server.load("phases.csv", "phases");
    server.require_password("planner", "s3cret");
    let (_, basic) = common::report("fixtures/basic", &[]);

    // plan.toml names the database once: compounds, units and phases are its tables of
    // those names, facilities a query.
    let plan = tempfile::tempdir().unwrap();
    let database = format!("postgresql://planner@/plan?host={}", server.socket());
    std::fs::write(
        plan.path().join("plan.toml"),
        format!(
            "profile = \"anyang-2017\"\nas_of = \"2024-06-30\"\ndatabase = \"{database}\"\n\n\
             [layers.facilities]\nsql = \"SELECT * FROM facilities WHERE kind <> 'none'\"\n"
        ),
    )
    .unwrap();
    let dir = plan.path().to_str().unwrap();
    let json = ["--format", "json", "--lang", "en"];
    let args: Vec<&str> = ["check", dir].iter().chain(&json).copied().collect();

    // No password anywhere: exit 2, the server's reason.
    let (code, _, err) = run_pg(&args, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot connect") && err.contains("password"),
        "{err}"
    );

    // A check that ran (exit 1: fixtures/basic fails some rules), as the files' findings.
    let checked = |args: &[&str], env: &[(&str, &str)]| {
        let (code, out, err) = run_pg(args, env);
        assert_eq!(code, 1, "{err}");
        assert!(!out.contains("s3cret"));
        let r: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(common::figures(&r), common::figures(&basic));
        r
    };

    // PGPASSWORD.
    let r = checked(&args, &[("PGPASSWORD", "s3cret")]);
    assert_eq!(r["inputs"]["phases"]["features"], 2);
    let facilities = r["inputs"]["facilities"]["path"].as_str().unwrap();
    assert!(
        facilities.starts_with(&database) && facilities.contains("&sql=SELECT"),
        "{facilities}"
    );

    // ~/.pgpass (here PGPASSFILE): host, port, database, user, password.
    let pgpass = plan.path().join("pgpass");
    std::fs::write(&pgpass, "# planlint test\n*:*:plan:planner:s3cret\n").unwrap();
    checked(&args, &[("PGPASSFILE", pgpass.to_str().unwrap())]);

    // The database alone is a plan, as a plan.gpkg is: tables named after the layers.
    let settings = ["--profile", "anyang-2017", "--as-of", "2024-06-30"];
    let args: Vec<&str> = ["check", database.as_str()]
        .iter()
        .chain(&settings)
        .chain(&json)
        .copied()
        .collect();
    checked(&args, &[("PGPASSWORD", "s3cret")]);

    // A batch of databases, one with its password in the URI: each report's file is
    // named after its URI without the password, and the summary shows it masked.
    let out = tempfile::tempdir().unwrap();
    let with_password = database.replace("planner@", "planner:s3cret@");
    let (code, stdout, err) = run_pg(
        &[
            "check",
            &database,
            &with_password,
            "--profile",
            "anyang-2017",
            "--as-of",
            "2024-06-30",
            "--output-dir",
            out.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        &[("PGPASSWORD", "s3cret")],
    );
    assert_eq!(code, 1, "{err}");
    let mut files: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(
        files.len() >= 2
            && files
                .iter()
                .all(|f| !f.contains("s3cret") && !f.contains('/')),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("planner_") && f.ends_with(".json")),
        "{files:?}"
    );
    assert!(
        !stdout.contains("s3cret") && !err.contains("s3cret"),
        "{stdout}{err}"
    );
    assert!(stdout.contains("planner:***@"), "{stdout}");

    // A wrong password in the URI: exit 2, and the password is never printed.
    let wrong = format!(
        "postgresql://planner:hunter2@/plan?host={}&table=compounds",
        server.socket()
    );
    let (code, out, err) = run_pg(&["check", "fixtures/basic", "--compounds", &wrong], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("password authentication failed") && err.contains("planner:***@"),
        "{err}"
    );
    assert!(!err.contains("hunter2") && !out.contains("hunter2"));
}

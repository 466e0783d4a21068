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
    assert_eq!(r["inputs"]["compounds"]["path"], compounds.as_str());

    // A table that does not exist, a query that fails: exit 2 naming the source.
    let missing = server.uri("table=houses");
    let (code, _, err) = run(&["check", "fixtures/basic", "--compounds", &missing]);
    assert_eq!(code, 2);
    assert!(
        err.contains("table=houses") && err.contains("\"houses\" does not exist"),
        "{err}"
    );
    let bad = server.uri("sql=SELECT nonsense FROM compounds");
    let (code, _, err) = run(&["check", "fixtures/basic", "--compounds", &bad]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the query fails") && err.contains("nonsense"),
        "{err}"
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

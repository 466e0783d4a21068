//! PostGIS: a layer read from a table or a query of a PostgreSQL database, named by a
//! connection URI with planlint's own parameter `table` or `sql`:
//!
//! ```text
//! postgresql://planner@db.example/city?table=compounds
//! postgresql://planner@db.example/city?sql=SELECT * FROM zoning.compounds WHERE district = 'A'
//! postgresql://planner@/city?host=/run/postgresql&table=public.facilities
//! ```
//!
//! The geometry column (the query's first of type `geometry` or `geography`) is read as
//! EWKB, its SRID the layer's CRS (`EPSG:SRID`; SRID 0 leaves it to the coordinates, as for
//! a shapefile without `.prj`). The password comes from the URI, else `PGPASSWORD`, else
//! `~/.pgpass`, and is never printed: every message names the source with it masked.
//!
//! A URI without `table` or `sql` names a database whose tables named after planlint's
//! layers are a plan ([`tables`]), as a `plan.gpkg` is; plan.toml's `database` names one
//! for all the layers of a plan folder ([`layer_uri`]).

use postgres::config::Host;
use postgres::{Config, NoTls};

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};

/// Whether a layer argument is a PostgreSQL connection URI.
pub fn is_uri(s: &str) -> bool {
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// Whether a URI names a table or a query (`table=`, `sql=`), rather than a whole database.
pub fn names_a_layer(uri: &str) -> bool {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .any(|p| p.starts_with("table=") || p.starts_with("sql="))
}

/// The URI of one table (`key` `table`) or query (`sql`) of the database `database`.
pub fn layer_uri(database: &str, key: &str, value: &str) -> String {
    let joint = if database.contains('?') { '&' } else { '?' };
    format!("{database}{joint}{key}={}", encode(value))
}

/// The URI with its password masked, for messages.
pub fn masked(uri: &str) -> String {
    let Some(rest) = uri.split_once("://").map(|(_, r)| r) else {
        return uri.to_string();
    };
    let scheme = &uri[..uri.len() - rest.len()];
    match rest.split_once('@') {
        Some((user, after)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or("");
            format!("{scheme}{name}:***@{after}")
        }
        _ => uri.to_string(),
    }
}

/// What to read: the URI without planlint's parameters, and the query.
fn parse(uri: &str) -> Result<(String, String), String> {
    let (base, what) = split_params(uri);
    Ok((base, what.ok_or("the URI names no table=… or sql=…")?))
}

/// The URI without planlint's parameters, and the query they name if they do.
fn split_params(uri: &str) -> (String, Option<String>) {
    let (base, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut kept = Vec::new();
    let mut what = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v);
        match k {
            "table" => {
                let quoted: Vec<String> = v
                    .split('.')
                    .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
                    .collect();
                what = Some(format!("SELECT * FROM {}", quoted.join(".")));
            }
            "sql" => what = Some(v),
            _ => kept.push(pair.to_string()),
        }
    }
    let base = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (base, what)
}

/// Percent-encoding of a URI parameter: all but the unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Percent-decoding (and `+` as a space) of a URI parameter.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password of `~/.pgpass` for this connection, when the file has one
/// (`host:port:database:user:password`, `*` matching anything).
fn pgpass(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or("").to_string();
    let user = config.get_user().unwrap_or("").to_string();
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let f: Vec<&str> = l.splitn(5, ':').collect();
        let ok = |i: usize, v: &str| f.get(i).is_some_and(|x| *x == "*" || *x == v);
        (f.len() == 5
            && (ok(0, &host) || (host.starts_with('/') && ok(0, "localhost")))
            && ok(1, &port)
            && ok(2, &db)
            && ok(3, &user))
        .then(|| f[4].to_string())
    })
}

/// A client of the database a URI names (planlint's own parameters left out), with the
/// password from the URI, `PGPASSWORD` or `~/.pgpass`.
fn connect(base: &str) -> Result<postgres::Client, String> {
    let mut config: Config = base
        .parse()
        .map_err(|e| format!("not a connection URI: {e}"))?;
    // tokio-postgres takes a path for a host name where Unix sockets do not exist.
    #[cfg(not(unix))]
    if let Some(socket) = config.get_hosts().iter().find_map(|h| match h {
        Host::Tcp(name) if name.starts_with('/') => Some(name),
        _ => None,
    }) {
        return Err(format!(
            "host={socket} is a Unix socket folder, which Windows does not have: give the server's host name (and port)"
        ));
    }
    if config.get_password().is_none() {
        if let Some(p) = std::env::var("PGPASSWORD").ok().or_else(|| pgpass(&config)) {
            config.password(p);
        }
    }
    config
        .connect(NoTls)
        .map_err(|e| format!("cannot connect: {}", reason(&e)))
}

/// The tables and views of a database that its search path shows (`public`, usually),
/// by their unqualified names, the search path's order first.
pub fn tables(uri: &str) -> Result<Vec<String>, PlanError> {
    let name = masked(uri);
    let err = |why: String| PlanError::Parse(name.clone(), why);
    let (base, _) = split_params(uri);
    let mut client = connect(&base).map_err(&err)?;
    let rows = client
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'v', 'm', 'p', 'f') \
             ORDER BY array_position(current_schemas(false), n.nspname), c.relname",
            &[],
        )
        .map_err(|e| err(format!("cannot list its tables: {}", reason(&e))))?;
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}

/// Reads a layer from PostGIS.
pub fn read(uri: &str) -> Result<RawLayer, PlanError> {
    let name = masked(uri);
    let err = |why: String| PlanError::Parse(name.clone(), why);
    let (base, query) = parse(uri).map_err(|e| err(e.to_string()))?;
    let mut client = connect(&base).map_err(&err)?;
    let inner = format!("({query}) AS planlint_q");
    let probe = client
        .prepare(&format!("SELECT * FROM {inner}"))
        .map_err(|e| err(format!("the query fails: {}", reason(&e))))?;
    let columns: Vec<(String, String)> = probe
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.type_().name().to_string()))
        .collect();
    // A `geography` column is lon/lat on WGS 84: as geometry it says SRID 4326.
    let geometry = columns
        .iter()
        .position(|(_, t)| t == "geometry" || t == "geography");
    let quote = |c: &str| format!("planlint_q.\"{}\"", c.replace('"', "\"\""));
    let fields: Vec<usize> = (0..columns.len())
        .filter(|&i| Some(i) != geometry)
        .collect();
    let mut select: Vec<String> = fields
        .iter()
        .map(|&i| format!("{}::text", quote(&columns[i].0)))
        .collect();
    if let Some(g) = geometry {
        select.push(format!("ST_AsEWKB({}::geometry)", quote(&columns[g].0)));
    }
    let rows = client
        .query(&format!("SELECT {} FROM {inner}", select.join(", ")), &[])
        .map_err(|e| err(format!("the query fails: {}", reason(&e))))?;
    let mut srid: Option<i32> = None;
    let mut features = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let values = fields
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let text: Option<String> = row.get(k);
                value(text, &columns[i].1)
            })
            .collect();
        let geometry = match geometry {
            None => Err("the query has no geometry column".to_string()),
            Some(_) => {
                let blob: Option<Vec<u8>> = row.get(fields.len());
                match blob {
                    None => Err("the feature has no geometry".to_string()),
                    Some(b) => super::wkb::read(&b)
                        .map_err(|e| format!("unreadable geometry: {e}"))
                        .and_then(|(g, s)| {
                            let s = s.unwrap_or(0);
                            match srid {
                                None => {
                                    srid = Some(s);
                                    Ok(g)
                                }
                                Some(l) if l == s => Ok(g),
                                Some(l) => Err(format!(
                                    "its SRID is {s}, the layer's (its first feature's) {l}"
                                )),
                            }
                        }),
                }
            }
        };
        features.push(RawFeature::new(index, geometry, values));
    }
    Ok(RawLayer {
        fields: fields.iter().map(|&i| columns[i].0.clone()).collect(),
        features,
        crs: srid.filter(|&s| s > 0).map(|s| format!("EPSG:{s}")),
        encoding: None,
        notes: Vec::new(),
    })
}

/// A column's text as a value of its type: numbers and booleans as such, the rest text.
fn value(text: Option<String>, kind: &str) -> Value {
    let Some(t) = text else { return Value::Null };
    match kind {
        "int2" | "int4" | "int8" | "float4" | "float8" | "numeric" => {
            t.parse().map_or(Value::Text(t), Value::Number)
        }
        "bool" => Value::Bool(t == "t" || t == "true"),
        _ => Value::Text(t),
    }
}

/// The server's own words for an error (its message, not the client's wrapping).
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        // The client's own errors keep their cause apart ("invalid configuration" and then
        // "password missing").
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_give_the_connection_and_the_query_and_hide_the_password() {
        let (base, q) = parse("postgresql://u:secret@h:5433/db?table=zoning.compounds").unwrap();
        assert_eq!(base, "postgresql://u:secret@h:5433/db");
        assert_eq!(q, "SELECT * FROM \"zoning\".\"compounds\"");
        let (base, q) =
            parse("postgresql://u@/db?host=/tmp/pg&sql=SELECT+*+FROM+t+WHERE+a%3D1").unwrap();
        assert_eq!(base, "postgresql://u@/db?host=/tmp/pg");
        assert_eq!(q, "SELECT * FROM t WHERE a=1");
        assert!(parse("postgresql://u@h/db").is_err());
        assert_eq!(
            masked("postgresql://u:secret@h/db?table=t"),
            "postgresql://u:***@h/db?table=t"
        );
        assert_eq!(masked("postgresql://u@h/db"), "postgresql://u@h/db");
    }

    #[test]
    fn a_database_uri_gives_its_layers_uris_and_they_read_back() {
        let db = "postgresql://u@/city?host=/run/postgresql";
        assert!(!names_a_layer(db));
        let t = layer_uri(db, "table", "zoning.compounds");
        assert_eq!(
            t,
            "postgresql://u@/city?host=/run/postgresql&table=zoning.compounds"
        );
        assert!(names_a_layer(&t));
        // A query's spaces, quotes, & and = are encoded, and decode to the same query.
        let sql = "SELECT * FROM poi WHERE kind <> 'none' AND a=1 & b";
        let q = layer_uri("postgresql://u@h/city", "sql", sql);
        assert_eq!(
            q,
            "postgresql://u@h/city?sql=SELECT%20%2A%20FROM%20poi%20WHERE%20kind%20%3C%3E%20%27none%27%20AND%20a%3D1%20%26%20b"
        );
        let (base, read) = parse(&q).unwrap();
        assert_eq!(
            (base.as_str(), read.as_str()),
            ("postgresql://u@h/city", sql)
        );
        // Chinese table names are UTF-8, byte by byte.
        let (_, read) = parse(&layer_uri("postgresql://u@h/city", "table", "小区")).unwrap();
        assert_eq!(read, "SELECT * FROM \"小区\"");
    }
}

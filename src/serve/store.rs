//! The record of every execution: a job's row in SQLite (`DATA/jobs.sqlite`, write-ahead
//! log) and its files in `DATA/jobs/ID/` — the upload as received, and the outputs, each
//! written beside its name and renamed into place before the job says `successful`, so a
//! job is never served half-written. Only `DELETE /jobs/ID` removes a job.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A job's state, as OGC API – Processes names it (`statusCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Accepted,
    Running,
    Successful,
    Failed,
    Dismissed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Running => "running",
            Status::Successful => "successful",
            Status::Failed => "failed",
            Status::Dismissed => "dismissed",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "accepted" => Status::Accepted,
            "running" => Status::Running,
            "successful" => Status::Successful,
            "dismissed" => Status::Dismissed,
            _ => Status::Failed,
        }
    }
}

/// A job as its row keeps it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub process: String,
    pub status: Status,
    /// Why it failed, or what it concluded.
    pub message: Option<String>,
    pub created: String,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub updated: String,
    /// The execution's parameters (city, profile, date, language, rules; the upload's name,
    /// media type, size and SHA-256), as JSON.
    pub parameters: serde_json::Value,
    /// The report's exit code (0 complies, 1 fails), once successful.
    pub exit_code: Option<i64>,
    /// The report's summary, once successful.
    pub summary: Option<serde_json::Value>,
    /// The output files written, by output id.
    pub outputs: Vec<String>,
}

/// The jobs' database and folders.
pub struct Store {
    db: Mutex<Connection>,
    dir: PathBuf,
}

/// The time now, as the jobs record it (RFC 3339, UTC).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (or makes) the store under `dir`. Jobs the last process left `accepted` or
    /// `running` (it was killed) are marked failed, "interrupted", and their partial files
    /// removed.
    pub fn open(dir: &Path) -> Result<Store, String> {
        let named = |e: &dyn std::fmt::Display| format!("{}: {e}", dir.display());
        std::fs::create_dir_all(dir.join("jobs")).map_err(|e| named(&e))?;
        let file = dir.join("jobs.sqlite");
        let db = Connection::open(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        db.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| db.pragma_update(None, "synchronous", "FULL"))
            .and_then(|()| db.busy_timeout(std::time::Duration::from_secs(10)))
            .and_then(|()| {
                db.execute_batch(
                    "CREATE TABLE IF NOT EXISTS jobs (
                        id TEXT PRIMARY KEY,
                        process TEXT NOT NULL,
                        status TEXT NOT NULL,
                        message TEXT,
                        created TEXT NOT NULL,
                        started TEXT,
                        finished TEXT,
                        updated TEXT NOT NULL,
                        parameters TEXT NOT NULL,
                        exit_code INTEGER,
                        summary TEXT,
                        outputs TEXT NOT NULL DEFAULT '[]'
                    );
                    CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created);",
                )
            })
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let store = Store {
            db: Mutex::new(db),
            dir: dir.to_path_buf(),
        };
        for id in store.unfinished()? {
            store.finish_failed(&id, "interrupted: the server stopped during the check")?;
            store.remove_partials(&id);
        }
        Ok(store)
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while the lock was held left SQLite's own state whole.
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The folder of a job's files.
    pub fn folder(&self, id: &str) -> PathBuf {
        self.dir.join("jobs").join(id)
    }

    fn unfinished(&self) -> Result<Vec<String>, String> {
        let db = self.db();
        let mut stmt = db
            .prepare("SELECT id FROM jobs WHERE status IN ('accepted', 'running')")
            .map_err(db_error)?;
        let ids = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(db_error)?;
        Ok(ids)
    }

    /// Records a new job, `accepted`, with its upload written into its folder as
    /// `upload_name`.
    pub fn create(
        &self,
        id: &str,
        process: &str,
        parameters: &serde_json::Value,
        upload_name: &str,
        upload: &[u8],
    ) -> Result<(), String> {
        let folder = self.folder(id);
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        write_atomically(&folder.join(upload_name), upload)?;
        let now = now();
        self.db()
            .execute(
                "INSERT INTO jobs (id, process, status, created, updated, parameters)
                 VALUES (?1, ?2, 'accepted', ?3, ?3, ?4)",
                params![id, process, now, parameters.to_string()],
            )
            .map_err(db_error)?;
        Ok(())
    }

    pub fn start(&self, id: &str) -> Result<(), String> {
        let now = now();
        self.db()
            .execute(
                "UPDATE jobs SET status = 'running', started = ?2, updated = ?2 WHERE id = ?1",
                params![id, now],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Marks a running job successful, its outputs already in place (a job the time limit
    /// failed stays failed).
    pub fn finish_successful(
        &self,
        id: &str,
        exit_code: u8,
        summary: &serde_json::Value,
        outputs: &[String],
        message: &str,
    ) -> Result<(), String> {
        let now = now();
        self.db()
            .execute(
                "UPDATE jobs SET status = 'successful', finished = ?2, updated = ?2,
                 exit_code = ?3, summary = ?4, outputs = ?5, message = ?6
                 WHERE id = ?1 AND status = 'running'",
                params![
                    id,
                    now,
                    exit_code,
                    summary.to_string(),
                    serde_json::to_string(outputs).unwrap_or_default(),
                    message
                ],
            )
            .map_err(db_error)?;
        Ok(())
    }

    pub fn finish_failed(&self, id: &str, message: &str) -> Result<(), String> {
        let now = now();
        self.db()
            .execute(
                "UPDATE jobs SET status = 'failed', finished = ?2, updated = ?2, message = ?3
                 WHERE id = ?1 AND status IN ('accepted', 'running')",
                params![id, now, message],
            )
            .map_err(db_error)?;
        Ok(())
    }

    pub fn get(&self, id: &str) -> Result<Option<Job>, String> {
        self.db()
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                job_of,
            )
            .optional()
            .map_err(db_error)
    }

    /// Jobs, newest first: `limit` of them from `offset`, and how many there are.
    pub fn list(&self, limit: usize, offset: usize) -> Result<(Vec<Job>, usize), String> {
        let db = self.db();
        let total: i64 = db
            .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get(0))
            .map_err(db_error)?;
        let mut stmt = db
            .prepare(&format!(
                "SELECT {COLUMNS} FROM jobs ORDER BY created DESC, id LIMIT ?1 OFFSET ?2"
            ))
            .map_err(db_error)?;
        let jobs = stmt
            .query_map(params![limit as i64, offset as i64], job_of)
            .and_then(Iterator::collect)
            .map_err(db_error)?;
        Ok((jobs, total as usize))
    }

    /// Removes a job's row and files; `false` when there was no such job.
    pub fn delete(&self, id: &str) -> Result<bool, String> {
        let removed = self
            .db()
            .execute("DELETE FROM jobs WHERE id = ?1", [id])
            .map_err(db_error)?;
        let folder = self.folder(id);
        if folder.exists() {
            std::fs::remove_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        }
        Ok(removed > 0)
    }

    /// Removes what a job interrupted left half-made: its unpacked plan and unfinished
    /// outputs.
    fn remove_partials(&self, id: &str) {
        let folder = self.folder(id);
        let _ = std::fs::remove_dir_all(folder.join("plan"));
        if let Ok(entries) = std::fs::read_dir(&folder) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().ends_with(".partial") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

const COLUMNS: &str = "id, process, status, message, created, started, finished, updated, \
                       parameters, exit_code, summary, outputs";

fn job_of(row: &rusqlite::Row) -> rusqlite::Result<Job> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(Job {
        id: row.get(0)?,
        process: row.get(1)?,
        status: Status::parse(&row.get::<_, String>(2)?),
        message: row.get(3)?,
        created: row.get(4)?,
        started: row.get(5)?,
        finished: row.get(6)?,
        updated: row.get(7)?,
        parameters: json(row.get(8)?).unwrap_or(serde_json::Value::Null),
        exit_code: row.get(9)?,
        summary: json(row.get(10)?),
        outputs: json(row.get(11)?)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
    })
}

fn db_error(e: rusqlite::Error) -> String {
    format!("the jobs' database: {e}")
}

/// Writes a file whole or not at all: into a `.partial` beside it, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let named = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let partial = path.with_extension(format!(
        "{}.partial",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::File::open(&partial)?.sync_all())
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| named(&e))
}

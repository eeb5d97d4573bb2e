//! The survey database: embedded SQLite in WAL mode.
//!
//! One writer thread owns the only writing connection. Submissions queue up
//! on a channel; the writer takes whatever is waiting (up to
//! [`GROUP_MAX`]), stores it in one transaction and answers each sender only
//! after `COMMIT` returned (group commit: one fsync for many responses).
//! `synchronous = FULL` makes SQLite sync the write-ahead log at every
//! commit, so an acknowledged response survives a killed process and a power
//! cut alike; NORMAL would survive only the first. Grouping pays for the
//! extra sync. Readers use their own connection and never block the writer.
//!
//! The schema is versioned with `PRAGMA user_version`: [`MIGRATIONS`] lists
//! every step; opening a database applies the ones it lacks, each in its own
//! transaction, and refuses a database made by a newer dlpick.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::tokens;
use crate::error::{Error, Result};

/// At most this many submissions share one transaction.
const GROUP_MAX: usize = 512;

/// Schema steps; `user_version` is how many have been applied.
const MIGRATIONS: &[&str] = &[
    // 1: links, respondents and every version of every response.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE respondents (
         id INTEGER PRIMARY KEY,
         edit_digest TEXT NOT NULL UNIQUE,
         created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     );
     CREATE TABLE responses (
         id INTEGER PRIMARY KEY,
         respondent INTEGER NOT NULL REFERENCES respondents(id),
         form_id TEXT NOT NULL UNIQUE,
         name TEXT NOT NULL,
         team TEXT NOT NULL,
         profile TEXT NOT NULL,
         fields TEXT NOT NULL,
         submitted TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     );
     CREATE INDEX responses_by_respondent ON responses(respondent, id);",
];

/// The secrets a survey is reached by; made once, kept in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    pub survey: String,
    pub admin: String,
    /// Key of the CSRF and edit-token HMACs.
    pub key: String,
}

/// A validated answer to store.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Digest of the respondent's edit token.
    pub edit_digest: String,
    /// Unique per rendered form: a form sent twice is stored once.
    pub form_id: String,
    pub name: String,
    pub team: String,
    /// The profile as `ask::profile_toml` writes it (already validated).
    pub profile: String,
    /// The form's raw answers by question key (JSON), to fill in a revision.
    pub fields: String,
    /// A revision must name a respondent that exists.
    pub revision: bool,
}

/// What storing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Committed (or already there, for a form sent twice).
    Saved,
    /// A revision for a respondent the database does not know.
    UnknownRespondent,
}

/// One stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: i64,
    pub respondent: i64,
    pub name: String,
    pub team: String,
    pub profile: String,
    pub fields: String,
    pub submitted: String,
}

type Reply = tokio::sync::oneshot::Sender<std::result::Result<Stored, String>>;

/// The database of one survey.
pub struct Store {
    /// `None` only while dropping: closing it stops the writer.
    jobs: Option<crossbeam_channel::Sender<(Submission, Reply)>>,
    writer: Option<std::thread::JoinHandle<()>>,
    reader: Mutex<Connection>,
    pub links: Links,
    pub path: PathBuf,
}

fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
    Error::Usage(format!("{}: database error: {e}", path.display()))
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| db_error(path, &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Usage(format!("{}: the database cannot use write-ahead logging.", path.display())));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .map_err(|e| db_error(path, &e))
}

fn schema_version(conn: &Connection, path: &Path) -> Result<usize> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, &e))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Apply the migrations `conn` lacks.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version = schema_version(conn, path)?;
    if version > MIGRATIONS.len() {
        return Err(Error::Usage(format!(
            "{}: the survey database has schema version {version}, newer than this dlpick knows ({}).",
            path.display(),
            MIGRATIONS.len()
        )));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction().map_err(|e| db_error(path, &e))?;
        tx.execute_batch(step).map_err(|e| db_error(path, &e))?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX))
            .map_err(|e| db_error(path, &e))?;
        tx.commit().map_err(|e| db_error(path, &e))?;
    }
    Ok(())
}

/// The links, made on first use.
fn links(conn: &Connection, path: &Path) -> Result<Links> {
    let get = |key: &str| -> Result<String> {
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", params![key, tokens::random()])
            .map_err(|e| db_error(path, &e))?;
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).map_err(|e| db_error(path, &e))
    };
    Ok(Links {
        survey: get("survey_token")?,
        admin: get("admin_token")?,
        key: format!("{}{}", get("key")?, get("key2")?),
    })
}

impl Store {
    /// Open (or create) the survey database and start its writer thread.
    pub fn open(path: &Path) -> Result<Self> {
        let mut writer = Connection::open(path).map_err(|e| db_error(path, &e))?;
        configure(&writer, path)?;
        migrate(&mut writer, path)?;
        let links = links(&writer, path)?;
        let reader = Connection::open(path).map_err(|e| db_error(path, &e))?;
        configure(&reader, path)?;
        let (jobs, queue) = crossbeam_channel::unbounded();
        let shown = path.to_path_buf();
        let writer = std::thread::Builder::new()
            .name("dlpick-db-writer".to_string())
            .spawn(move || write_loop(writer, &queue, &shown))
            .map_err(|e| Error::io("start the writer for", path, e))?;
        Ok(Self { jobs: Some(jobs), writer: Some(writer), reader: Mutex::new(reader), links, path: path.to_path_buf() })
    }

    /// Store a submission; returns once it is committed.
    pub async fn submit(&self, submission: Submission) -> std::result::Result<Stored, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let jobs = self.jobs.as_ref().ok_or_else(|| "the database writer has stopped".to_string())?;
        jobs.send((submission, reply)).map_err(|_| "the database writer has stopped".to_string())?;
        answer.await.map_err(|_| "the database writer has stopped".to_string())?
    }

    /// Run `f` on the reading connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = self.reader.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&conn).map_err(|e| db_error(&self.path, &e))
    }
}

impl Drop for Store {
    /// Let the writer finish what is queued and close its connection (which
    /// checkpoints the write-ahead log) before the process ends.
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn write_loop(mut conn: Connection, queue: &crossbeam_channel::Receiver<(Submission, Reply)>, path: &Path) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = (|| -> rusqlite::Result<Vec<Stored>> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let results = group.iter().map(|(s, _)| store_one(&tx, s)).collect::<rusqlite::Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(results)
        })();
        match outcome {
            Ok(results) => {
                for ((_, reply), result) in group.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                let message = format!("{}: database error: {e}", path.display());
                for (_, reply) in group {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}

fn store_one(tx: &rusqlite::Transaction<'_>, s: &Submission) -> rusqlite::Result<Stored> {
    let known: Option<i64> =
        tx.query_row("SELECT id FROM respondents WHERE edit_digest = ?1", [&s.edit_digest], |r| r.get(0)).optional()?;
    if known.is_none() && s.revision {
        return Ok(Stored::UnknownRespondent);
    }
    let seen: Option<i64> =
        tx.query_row("SELECT id FROM responses WHERE form_id = ?1", [&s.form_id], |r| r.get(0)).optional()?;
    if seen.is_some() {
        return Ok(Stored::Saved);
    }
    let respondent = match (known, s.revision) {
        (Some(id), _) => id,
        (None, true) => return Ok(Stored::UnknownRespondent),
        (None, false) => {
            tx.execute("INSERT INTO respondents (edit_digest) VALUES (?1)", [&s.edit_digest])?;
            tx.last_insert_rowid()
        }
    };
    tx.execute(
        "INSERT INTO responses (respondent, form_id, name, team, profile, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![respondent, s.form_id, s.name, s.team, s.profile, s.fields],
    )?;
    Ok(Stored::Saved)
}

fn response(row: &rusqlite::Row<'_>) -> rusqlite::Result<Response> {
    Ok(Response {
        id: row.get(0)?,
        respondent: row.get(1)?,
        name: row.get(2)?,
        team: row.get(3)?,
        profile: row.get(4)?,
        fields: row.get(5)?,
        submitted: row.get(6)?,
    })
}

const COLUMNS: &str = "r.id, r.respondent, r.name, r.team, r.profile, r.fields, r.submitted";

/// Each respondent's latest response, in the order respondents first answered.
pub fn current(conn: &Connection) -> rusqlite::Result<Vec<Response>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM responses r
         JOIN (SELECT MAX(id) AS id FROM responses GROUP BY respondent) latest ON r.id = latest.id
         ORDER BY r.respondent"
    ))?;
    stmt.query_map([], response)?.collect()
}

/// The latest response of the respondent with this edit-token digest.
pub fn latest_for(conn: &Connection, edit_digest: &str) -> rusqlite::Result<Option<Response>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM responses r JOIN respondents p ON p.id = r.respondent
             WHERE p.edit_digest = ?1 ORDER BY r.id DESC LIMIT 1"
        ),
        [edit_digest],
        response,
    )
    .optional()
}

/// How many responses (every version) and respondents there are.
pub fn counts(conn: &Connection) -> rusqlite::Result<(u64, u64)> {
    conn.query_row("SELECT (SELECT COUNT(*) FROM responses), (SELECT COUNT(*) FROM respondents)", [], |r| {
        let (a, b): (i64, i64) = (r.get(0)?, r.get(1)?);
        Ok((a.unsigned_abs(), b.unsigned_abs()))
    })
}

/// Each respondent's latest response from a survey database on disk, read
/// only (for `dlpick batch survey.db`).
pub fn read_current(path: &Path) -> Result<Vec<Response>> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(crate::error::read_error(path, e));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| db_error(path, &e))?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| db_error(path, &e))?;
    let version = schema_version(&conn, path)?;
    if version == 0 || version > MIGRATIONS.len() {
        return Err(Error::Usage(format!(
            "{}: not a survey database made by `dlpick serve` (schema version {version}).",
            path.display()
        )));
    }
    current(&conn).map_err(|e| db_error(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(form: &str, edit: &str, revision: bool) -> Submission {
        Submission {
            edit_digest: tokens::digest(edit),
            form_id: form.to_string(),
            name: "Ana".to_string(),
            team: "lab".to_string(),
            profile: format!("name = \"Ana\"\n# {form}\n"),
            fields: "{}".to_string(),
            revision,
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn revisions_replace_and_history_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.submit(submission("f1", "e1", false)).await, Ok(Stored::Saved));
        // The same form twice is stored once.
        assert_eq!(store.submit(submission("f1", "e1", false)).await, Ok(Stored::Saved));
        assert_eq!(store.submit(submission("f2", "e1", true)).await, Ok(Stored::Saved));
        assert_eq!(store.submit(submission("f3", "nobody", true)).await, Ok(Stored::UnknownRespondent));
        let current = store.read(current).unwrap();
        assert_eq!(current.len(), 1);
        assert!(current[0].profile.contains("f2"));
        assert_eq!(store.read(counts).unwrap(), (2, 1));
        let links = store.links.clone();
        drop(store);
        // Links survive reopening; the schema is not applied twice.
        let again = Store::open(&path).unwrap();
        assert_eq!(again.links, links);
        assert_eq!(read_current(&path).unwrap().len(), 1);
    }
}

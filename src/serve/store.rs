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
//! A form is an idempotency key: each response keeps the SHA-256 of the id
//! of the form that sent it and of what it sent. The same form with the same
//! content is the same submission; the same form with other content is a
//! [`Stored::Conflict`], never merged with the first and never answered with
//! its link.
//!
//! The writer checks before and after each commit that the files at the
//! database's path and its write-ahead log's are still the ones it opened:
//! a database removed or replaced while the server runs stores and
//! acknowledges nothing more. The log counts as much as the database: a
//! commit is durable once it is in the log, and SQLite keeps writing to a
//! log that was removed (through its open handle), where a crash would lose
//! it. So a removed log stops acknowledgements too, and what it holds is
//! checkpointed into the database at once.
//!
//! The schema is versioned with `PRAGMA user_version`: [`MIGRATIONS`] lists
//! every step; opening a database applies the ones it lacks, each in its own
//! transaction, and refuses a database made by a newer dlpick.

use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::tokens;
use crate::error::{Diagnostic, Error, Location, Result};

/// At most this many submissions share one transaction.
const GROUP_MAX: usize = 512;

/// One schema step.
enum Step {
    Sql(&'static str),
    Code(fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>),
}

/// Schema steps; `user_version` is how many have been applied.
const MIGRATIONS: &[Step] = &[
    // 1: links, respondents and every version of every response.
    Step::Sql(
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
    ),
    // 2: random private links; form ids kept only as digests; the HMAC key
    // that derived links from form ids dropped.
    Step::Code(random_links),
];

/// Migration 2. Version 1 derived each private link from the plain form id
/// under a key in `meta`, so a copy of the database recomputed every link.
/// Each response now keeps the digest of its form id, the digest of what
/// it sent, and its link sealed under its form id ([`tokens::seal`]);
/// existing links keep working (their digests are unchanged). The old key
/// and form ids are deleted, and the file is rewritten afterwards
/// ([`Store::open`]) so that no old page keeps them.
fn random_links(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let key: String = tx.query_row(
        "SELECT COALESCE((SELECT value FROM meta WHERE key = 'key'), '') || COALESCE((SELECT value FROM meta WHERE key = 'key2'), '')",
        [],
        |r| r.get(0),
    )?;
    tx.execute_batch(
        "CREATE TABLE responses2 (
             id INTEGER PRIMARY KEY,
             respondent INTEGER NOT NULL REFERENCES respondents(id),
             form_digest TEXT NOT NULL UNIQUE,
             content_digest TEXT NOT NULL,
             link_sealed TEXT NOT NULL,
             name TEXT NOT NULL,
             team TEXT NOT NULL,
             profile TEXT NOT NULL,
             fields TEXT NOT NULL,
             submitted TEXT NOT NULL
         );",
    )?;
    {
        let mut rows = tx.prepare(
            "SELECT r.id, r.respondent, r.form_id, r.name, r.team, r.profile, r.fields, r.submitted, p.edit_digest,
                    (SELECT f.form_id FROM responses f WHERE f.respondent = r.respondent ORDER BY f.id LIMIT 1)
             FROM responses r JOIN respondents p ON p.id = r.respondent ORDER BY r.id",
        )?;
        let mut insert = tx.prepare(
            "INSERT INTO responses2 (id, respondent, form_digest, content_digest, link_sealed, name, team, profile, fields, submitted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut each = rows.query([])?;
        while let Some(row) = each.next()? {
            let (form_id, first_form): (String, String) = (row.get(2)?, row.get(9)?);
            let edit_digest: String = row.get(8)?;
            // The link version 1 gave this respondent: from their first form.
            let link = tokens::legacy_edit_token(&key, &first_form);
            let kind = if form_id == first_form { Kind::New } else { Kind::Revision(&edit_digest) };
            let (name, team, profile, fields): (String, String, String, String) =
                (row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?);
            let content = content_digest(&kind, &name, &team, &profile, &fields);
            insert.execute(params![
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                tokens::digest(&form_id),
                content,
                tokens::seal(&link, &form_id),
                name,
                team,
                profile,
                fields,
                row.get::<_, String>(7)?,
            ])?;
        }
    }
    tx.execute_batch(
        "DROP TABLE responses;
         ALTER TABLE responses2 RENAME TO responses;
         CREATE INDEX responses_by_respondent ON responses(respondent, id);
         DELETE FROM meta WHERE key IN ('key', 'key2');",
    )
}

/// What a submission is: a first answer, or a revision by the respondent
/// with this edit digest. Part of the content, so a form used for one is
/// never taken for the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind<'a> {
    New,
    Revision(&'a str),
}

/// The SHA-256 of everything a submission stores, to tell a form sent
/// again from the same form sent with other content.
pub fn content_digest(kind: &Kind<'_>, name: &str, team: &str, profile: &str, fields: &str) -> String {
    let kind = match kind {
        Kind::New => "new".to_string(),
        Kind::Revision(digest) => format!("revision {digest}"),
    };
    tokens::digest(&serde_json::json!([kind, name, team, profile, fields]).to_string())
}

/// The secrets a survey is reached by; made once, kept in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    pub survey: String,
    pub admin: String,
    /// Key of the CSRF tokens' HMAC.
    pub csrf_key: String,
}

/// A validated answer to store.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Digest of the respondent's private link (their edit token).
    pub edit_digest: String,
    /// Digest of the id of the form that sent it.
    pub form_digest: String,
    /// [`content_digest`] of what it sends.
    pub content_digest: String,
    /// The private link sealed under the form's id ([`tokens::seal`]).
    pub link_sealed: String,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Committed now, or earlier by the same form with the same content:
    /// the private link, sealed under the form's id.
    Saved { link_sealed: String },
    /// The form was already sent with other content: nothing stored.
    Conflict,
    /// A revision for a respondent the database does not know.
    UnknownRespondent,
}

/// Why a submission was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database file was removed or replaced while the server ran.
    Lost(String),
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Lost(m) | Self::Failed(m) => f.write_str(m),
        }
    }
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

type Reply = tokio::sync::oneshot::Sender<std::result::Result<Stored, StoreError>>;

/// A file: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| FileId(m.dev(), m.ino()))
}

/// The files a database lives in: its own and its write-ahead log's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Files {
    db: Option<FileId>,
    log: Option<FileId>,
}

impl Files {
    fn of(path: &Path) -> Self {
        Self { db: file_id(path), log: file_id(&log_path(path)) }
    }
}

/// The write-ahead log beside the database at `path`.
pub fn log_path(path: &Path) -> PathBuf {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    PathBuf::from(log)
}

/// Copy every commit in the write-ahead log into the database file (and
/// sync it); true when all of them were copied.
fn checkpoint(conn: &Connection) -> bool {
    conn.query_row("PRAGMA wal_checkpoint(FULL)", [], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })
    .is_ok_and(|(busy, log, copied)| busy == 0 && log == copied)
}

/// The database of one survey.
pub struct Store {
    /// `None` only while dropping: closing it stops the writer.
    jobs: Option<crossbeam_channel::Sender<(Submission, Reply)>>,
    writer: Option<std::thread::JoinHandle<()>>,
    reader: Mutex<Connection>,
    pub links: Links,
    pub path: PathBuf,
    /// Set once the files at `path` are found not to be the ones opened.
    lost: Arc<AtomicBool>,
    identity: Files,
}

fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
    Error::Storage(format!("{}: database error: {e}", path.display()))
}

/// An error opening a database to write, with a read-only medium or folder
/// named as such.
fn open_error(path: &Path, e: &rusqlite::Error) -> Error {
    let code = e.sqlite_error_code();
    let read_only = matches!(code, Some(rusqlite::ErrorCode::ReadOnly))
        || (matches!(code, Some(rusqlite::ErrorCode::CannotOpen)) && !writable_folder(path));
    if read_only {
        return Error::Storage(format!(
            "{}: cannot write the survey database there: the file or its folder is read-only (a read-only medium or mount?). \
             `dlpick serve` writes every answer; pass --db with a path on a writable disk. Reading a survey database \
             (`dlpick batch survey.db`) works from a read-only medium.",
            path.display()
        ));
    }
    db_error(path, e)
}

/// Whether the folder of `path` accepts a new file.
fn writable_folder(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::tempfile_in(folder).is_ok()
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let mode: String =
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| open_error(path, &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage(format!("{}: the database cannot use write-ahead logging.", path.display())));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .map_err(|e| open_error(path, &e))
}

fn schema_version(conn: &Connection, path: &Path) -> Result<usize> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, &e))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Apply the migrations `conn` lacks; true when any was applied to a
/// database that already had a schema.
fn migrate(conn: &mut Connection, path: &Path) -> Result<bool> {
    let version = schema_version(conn, path)?;
    if version > MIGRATIONS.len() {
        let why = format!(
            "the survey database has schema version {version}, newer than this dlpick knows ({}).",
            MIGRATIONS.len()
        );
        return Err(Diagnostic::new(Location::file(path.display().to_string()), why).into());
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction().map_err(|e| open_error(path, &e))?;
        match step {
            Step::Sql(sql) => tx.execute_batch(sql),
            Step::Code(f) => f(&tx),
        }
        .map_err(|e| open_error(path, &e))?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX))
            .map_err(|e| db_error(path, &e))?;
        tx.commit().map_err(|e| open_error(path, &e))?;
    }
    Ok(version > 0 && version < MIGRATIONS.len())
}

/// The links, made on first use.
fn links(conn: &Connection, path: &Path) -> Result<Links> {
    let get = |key: &str| -> Result<String> {
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", params![key, tokens::random()])
            .map_err(|e| db_error(path, &e))?;
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).map_err(|e| db_error(path, &e))
    };
    Ok(Links { survey: get("survey_token")?, admin: get("admin_token")?, csrf_key: get("csrf_key")? })
}

impl Store {
    /// Open (or create) the survey database and start its writer thread.
    pub fn open(path: &Path) -> Result<Self> {
        let mut writer = Connection::open(path).map_err(|e| open_error(path, &e))?;
        configure(&writer, path)?;
        if migrate(&mut writer, path)? {
            // What a migration deleted may linger in free pages and in the
            // write-ahead log: rewrite the file and empty the log.
            writer.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);").map_err(|e| db_error(path, &e))?;
        }
        let links = links(&writer, path)?;
        let reader = Connection::open(path).map_err(|e| open_error(path, &e))?;
        configure(&reader, path)?;
        let identity = Files::of(path);
        if identity.db.is_none() || identity.log.is_none() {
            return Err(Error::Usage(format!(
                "{}: the database or its write-ahead log vanished as it was opened.",
                path.display()
            )));
        }
        let lost = Arc::new(AtomicBool::new(false));
        let (jobs, queue) = crossbeam_channel::unbounded();
        let (shown, flag) = (path.to_path_buf(), Arc::clone(&lost));
        let writer = std::thread::Builder::new()
            .name("dlpick-db-writer".to_string())
            .spawn(move || write_loop(writer, &queue, &shown, identity, &flag))
            .map_err(|e| Error::io("start the writer for", path, e))?;
        Ok(Self {
            jobs: Some(jobs),
            writer: Some(writer),
            reader: Mutex::new(reader),
            links,
            path: path.to_path_buf(),
            lost,
            identity,
        })
    }

    /// Store a submission; returns once it is committed.
    pub async fn submit(&self, submission: Submission) -> std::result::Result<Stored, StoreError> {
        let stopped = || StoreError::Failed("the database writer has stopped".to_string());
        let (reply, answer) = tokio::sync::oneshot::channel();
        let jobs = self.jobs.as_ref().ok_or_else(stopped)?;
        jobs.send((submission, reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Run `f` on the reading connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = self.reader.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&conn).map_err(|e| db_error(&self.path, &e))
    }

    /// True once the file at the database's path was found removed or
    /// replaced (nothing has been stored or acknowledged since).
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Whether the files at the database's path and its log's are still
    /// the ones opened.
    pub fn still_there(&self) -> bool {
        Files::of(&self.path) == self.identity
    }

    /// When only the write-ahead log was removed or replaced: copy what the
    /// log held into the database, which is still there; true when it all
    /// is there now.
    pub fn rescue(&self) -> bool {
        let db_there = file_id(&self.path) == self.identity.db;
        db_there && checkpoint(&self.reader.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
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

fn write_loop(
    mut conn: Connection,
    queue: &crossbeam_channel::Receiver<(Submission, Reply)>,
    path: &Path,
    identity: Files,
    lost: &AtomicBool,
) {
    let still_there = || {
        let now = Files::of(path);
        if now != identity && !lost.swap(true, Ordering::SeqCst) {
            let what =
                if now.db == identity.db { log_path(path).display().to_string() } else { path.display().to_string() };
            eprintln!(
                "dlpick: error: {what} was removed or replaced while the server ran; from now on no answer is stored or acknowledged.",
            );
        }
        now == identity
    };
    let mut rescued = false;
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = if lost.load(Ordering::SeqCst) || !still_there() {
            Err(lost_error(path))
        } else {
            (|| -> rusqlite::Result<Vec<Stored>> {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let results = group.iter().map(|(s, _)| store_one(&tx, s)).collect::<rusqlite::Result<Vec<_>>>()?;
                tx.commit()?;
                Ok(results)
            })()
            .map_err(|e| StoreError::Failed(format!("{}: database error: {e}", path.display())))
            // Committed to a file that is no longer the database: not acknowledged.
            .and_then(|results| if still_there() { Ok(results) } else { Err(lost_error(path)) })
        };
        if lost.load(Ordering::SeqCst) && !rescued {
            // What was acknowledged before may be only in a removed log.
            rescued = true;
            checkpoint(&conn);
        }
        match outcome {
            Ok(results) => {
                for ((_, reply), result) in group.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                for (_, reply) in group {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

fn lost_error(path: &Path) -> StoreError {
    StoreError::Lost(format!("{} or its write-ahead log was removed or replaced while the server ran", path.display()))
}

fn store_one(tx: &rusqlite::Transaction<'_>, s: &Submission) -> rusqlite::Result<Stored> {
    let known: Option<i64> =
        tx.query_row("SELECT id FROM respondents WHERE edit_digest = ?1", [&s.edit_digest], |r| r.get(0)).optional()?;
    if known.is_none() && s.revision {
        return Ok(Stored::UnknownRespondent);
    }
    let seen: Option<(String, String)> = tx
        .query_row("SELECT content_digest, link_sealed FROM responses WHERE form_digest = ?1", [&s.form_digest], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((content, link_sealed)) = seen {
        return Ok(if content == s.content_digest { Stored::Saved { link_sealed } } else { Stored::Conflict });
    }
    let respondent = if let Some(id) = known {
        id
    } else {
        tx.execute("INSERT INTO respondents (edit_digest) VALUES (?1)", [&s.edit_digest])?;
        tx.last_insert_rowid()
    };
    tx.execute(
        "INSERT INTO responses (respondent, form_digest, content_digest, link_sealed, name, team, profile, fields, submitted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        params![respondent, s.form_digest, s.content_digest, s.link_sealed, s.name, s.team, s.profile, s.fields],
    )?;
    Ok(Stored::Saved { link_sealed: s.link_sealed.clone() })
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
/// only (for `dlpick batch survey.db`). On a read-only medium, where SQLite
/// cannot make the write-ahead log's index beside the file, a database with
/// no write-ahead log left (one the server closed cleanly) is read as an
/// immutable file.
pub fn read_current(path: &Path) -> Result<Vec<Response>> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(crate::error::read_error(path, e));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    match read_with(Connection::open_with_flags(path, flags), path) {
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
            ) =>
        {
            let log = log_path(path);
            if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
                return Err(Error::Storage(format!(
                    "{}: cannot read the survey database: it is on a read-only medium (or in a read-only folder) and \
                     its write-ahead log ({}) holds answers not yet merged into it. Copy both files to a writable \
                     folder and read the copy.",
                    path.display(),
                    log.display()
                )));
            }
            read_with(Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI), path)
                .map_err(|e| db_error(path, &e))?
        }
        other => other.map_err(|e| db_error(path, &e))?,
    }
}

/// The database read: `Err` for SQLite's errors, `Ok(Err)` for ours.
fn read_with(conn: rusqlite::Result<Connection>, path: &Path) -> rusqlite::Result<Result<Vec<Response>>> {
    let conn = conn?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version == 0 || version > MIGRATIONS.len() {
        let why = format!("not a survey database made by `dlpick serve` (schema version {version}).");
        return Ok(Err(Diagnostic::new(Location::file(path.display().to_string()), why).into()));
    }
    current(&conn).map(Ok)
}

/// A `file:` URI that opens `path` as an immutable database.
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in absolute.as_os_str().as_encoded_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => uri.push(char::from(*b)),
            _ => {
                let _ = write!(uri, "%{b:02X}");
            }
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(form: &str, edit: &str, revision: bool, answer: &str) -> Submission {
        let profile = format!("name = \"Ana\"\n# {answer}\n");
        let kind = if revision { Kind::Revision("r") } else { Kind::New };
        Submission {
            edit_digest: tokens::digest(edit),
            form_digest: tokens::digest(form),
            content_digest: content_digest(&kind, "Ana", "lab", &profile, "{}"),
            link_sealed: tokens::seal(edit, form),
            name: "Ana".to_string(),
            team: "lab".to_string(),
            profile,
            fields: "{}".to_string(),
            revision,
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn revisions_replace_and_history_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path).unwrap();
        let (e1, f1) = (tokens::random(), tokens::random());
        let saved = Stored::Saved { link_sealed: tokens::seal(&e1, &f1) };
        assert_eq!(store.submit(submission(&f1, &e1, false, "a")).await, Ok(saved.clone()));
        // The same form twice is stored once, and answered with the same link.
        assert_eq!(store.submit(submission(&f1, &e1, false, "a")).await, Ok(saved));
        // The same form with other content is refused, whoever sends it.
        assert_eq!(store.submit(submission(&f1, &tokens::random(), false, "b")).await, Ok(Stored::Conflict));
        assert_eq!(store.submit(submission(&f1, &e1, true, "a")).await, Ok(Stored::Conflict));
        let f2 = tokens::random();
        assert!(matches!(store.submit(submission(&f2, &e1, true, "c")).await, Ok(Stored::Saved { .. })));
        assert_eq!(store.submit(submission("f3", "nobody", true, "d")).await, Ok(Stored::UnknownRespondent));
        let current = store.read(current).unwrap();
        assert_eq!(current.len(), 1);
        assert!(current[0].profile.contains("# c"));
        assert_eq!(store.read(counts).unwrap(), (2, 1));
        let links = store.links.clone();
        drop(store);
        // Links survive reopening; the schema is not applied twice.
        let again = Store::open(&path).unwrap();
        assert_eq!(again.links, links);
        assert_eq!(read_current(&path).unwrap().len(), 1);
    }

    #[test]
    fn immutable_uris_escape_the_path() {
        assert!(immutable_uri(Path::new("/a b/c?d#e.db")).ends_with("/a%20b/c%3Fd%23e.db?immutable=1"));
    }
}

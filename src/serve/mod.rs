//! `dlpick serve`: a team survey over HTTP.
//!
//! Why a server: collecting a team's answers used to mean everyone running
//! `dlpick ask --save` and mailing the file in. Now a team lead starts one
//! command, shares one link, and watches the team's result on an admin page.
//!
//! Nothing here has its own idea of the questionnaire, the profile or the
//! report. The form is built from [`crate::ask::questions`]; a sent form is
//! turned into the lines `dlpick ask` reads in scripted mode and checked by
//! the same parser ([`crate::ask::scripted::answers`]) and by the profile
//! code ([`crate::ask::to_profile`]); what is stored is the profile TOML
//! `dlpick ask --save` writes. The recommendation is
//! [`crate::report::html::advice_section`] and the admin page is
//! `dlpick batch --by-team --format html` run over the stored responses, so
//! the exports reproduce it exactly; its decision record is `dlpick batch
//! results.jsonl --by-team --format madr` over the JSON Lines export.
//!
//! Layout: [`routes`] (HTTP: axum on tokio), [`pages`] (markup), [`store`]
//! (SQLite, migrations, the single writer), [`tokens`] (random links, CSRF),
//! [`export`] (batch's input formats), [`deadline`] (the time limit on
//! writing an answer).

mod deadline;
pub mod export;
pub mod pages;
pub mod routes;
pub mod store;
pub mod tokens;

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::ask::{self, Prefill};
use crate::batch::{self, Source};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::profile::InactivePolicy;
use crate::report::Options;
use crate::report::html::Page;
use crate::report::svg::escape;
use crate::score::MethodId;
use pages::{Fields, Problems};

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub bind: String,
    pub quiet: bool,
    pub limits: Limits,
}

/// How long a client may take and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For a request's line and headers, on a new connection or one kept
    /// alive between requests (hyper's header-read timeout).
    pub header_timeout: Duration,
    /// For the rest of a request: reading its body and answering it; and
    /// again for writing the answer to the client.
    pub request_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// After SIGINT or SIGTERM, how long requests under way may finish.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 256,
            grace: Duration::from_secs(10),
        }
    }
}

/// The longest name or team accepted, in characters.
const MAX_NAME: usize = 100;
/// The longest answer to one question, in characters.
const MAX_ANSWER: usize = 1000;

/// A form that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid {
    pub name: String,
    pub team: String,
    /// The profile as `dlpick ask --save` writes it.
    pub profile: String,
}

/// One line of text: control characters (a newline would start another
/// answer) become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// A sent form read by the questionnaire's own parser: the answers (a need
/// not sent, or sent blank, is 0 there and `false` in `answered`).
pub struct Read {
    pub name: String,
    pub team: String,
    pub answers: ask::Answers,
    pub answered: Vec<bool>,
}

/// Check a sent form with the questionnaire's own parser and the profile
/// code; on failure, every problem found, by field. A need the form did not
/// send (the adaptive survey did not ask it, or the respondent left it
/// blank) is stored as not asked, not as 0.
pub fn validate(catalog: &Catalog, fields: &Fields) -> std::result::Result<Valid, Problems> {
    let mut read = read_form(catalog, fields)?;
    ask::adaptive::mark_unanswered(catalog, &mut read.answers, &read.answered)
        .map_err(|e| vec![(None, e.to_string())])?;
    finish(catalog, read)
}

/// The profile a read form gives, checked as any profile is.
pub fn finish(catalog: &Catalog, read: Read) -> std::result::Result<Valid, Problems> {
    ask::to_profile(catalog, &read.answers).map_err(|e| vec![to_problem(e)])?;
    Ok(Valid { name: read.name, team: read.team, profile: ask::profile_toml(catalog, &read.answers) })
}

fn to_problem(e: Error) -> (Option<String>, String) {
    match e {
        Error::Invalid(d) => {
            let key = d
                .field
                .as_deref()
                .and_then(|f| f.rsplit_once('(').and_then(|(_, rest)| rest.strip_suffix(')')))
                .map(str::to_string);
            let message = match (&key, d.field.as_deref()) {
                (None, Some("needs")) => {
                    "Rate at least one question above 0, so there is something to compare.".to_string()
                }
                _ => d.hint.as_ref().map_or_else(|| d.message.clone(), |h| format!("{} {h}", d.message)),
            };
            (key, message)
        }
        other => (None, other.to_string()),
    }
}

/// Read a sent form (name, team, every answer) without requiring a need
/// above 0: the adaptive survey's pages are read this way.
pub fn read_form(catalog: &Catalog, fields: &Fields) -> std::result::Result<Read, Problems> {
    let mut problems = Problems::new();
    let name = one_line(fields.get("name").map_or("", String::as_str));
    let team = one_line(fields.get("team").map_or("", String::as_str));
    if name.is_empty() {
        problems
            .push((Some("name".to_string()), "Give your name, so the organiser can tell answers apart.".to_string()));
    } else if name.chars().count() > MAX_NAME {
        problems.push((Some("name".to_string()), format!("The name is longer than {MAX_NAME} characters.")));
    }
    if team.chars().count() > MAX_NAME {
        problems.push((Some("team".to_string()), format!("The team is longer than {MAX_NAME} characters.")));
    }
    // The answers, one line per question, exactly as `dlpick ask` reads them.
    let mut lines = String::new();
    for q in ask::questions(catalog) {
        let key = ask::question_key(catalog, q);
        let answer = one_line(fields.get(&key).map_or("", String::as_str));
        if answer.chars().count() > MAX_ANSWER {
            problems.push((Some(key), format!("The answer is longer than {MAX_ANSWER} characters.")));
            lines.push('\n');
        } else {
            lines.push_str(&answer);
            lines.push('\n');
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let answers =
        ask::scripted::answers(catalog, &Prefill::empty(catalog), &mut Cursor::new(lines.as_bytes()), "form", &name)
            .map_err(|e| vec![to_problem(e)])?;
    let answered =
        catalog.criteria.iter().map(|c| fields.get(&c.id).is_some_and(|v| !one_line(v).is_empty())).collect();
    Ok(Read { name, team, answers, answered })
}

/// The respondent's private page: their explained recommendation and the
/// link to revise.
pub fn recommendation_page(
    catalog: &Catalog,
    response: &store::Response,
    link: &str,
    edit_path: &str,
) -> Result<String> {
    let profile = crate::profile::Profile::from_toml(&response.profile, "<stored response>", &response.name, catalog)?;
    let advice = crate::explain::advise(catalog, vec![profile], MethodId::WeightedSum, None, InactivePolicy::default());
    let mut body = format!(
        "<header><h1>Your recommendation</h1><p class=\"meta\">Answers from {}{}, saved {} UTC.</p></header>\
         <p class=\"saved\" role=\"status\">Your answers are saved. The survey's organiser sees them in the team's results.</p>\
         <div class=\"notice\"><p><strong>This page's address is your private link:</strong> \
         <code class=\"link\">{link}</code></p><p>Bookmark it to come back; anyone who has it can change your \
         answers. <a href=\"{edit}\">Revise your answers</a></p></div>",
        escape(&response.name),
        if response.team.is_empty() { String::new() } else { format!(" (team {})", escape(&response.team)) },
        escape(response.submitted.replace('T', " ").trim_end_matches('Z').split('.').next().unwrap_or_default()),
        link = escape(link),
        edit = escape(edit_path),
    );
    if let Some(a) = advice.first() {
        body.push_str(&stop_here(catalog, &a.profile, edit_path));
    }
    for a in &advice {
        body.push_str(&crate::report::html::advice_section(catalog, a, &Options::default(), &a.profile.name));
    }
    Ok(pages::page("Your recommendation", &body))
}

/// For a response with ratings not asked: "you can stop here" when no
/// answer to them can change the top pick, with a link to answer them
/// anyway; otherwise a plain invitation to answer them.
fn stop_here(catalog: &Catalog, profile: &crate::profile::Profile, edit_path: &str) -> String {
    if profile.unasked.is_empty() {
        return String::new();
    }
    let needs: Vec<Option<f64>> =
        (0..profile.needs.len()).map(|c| (!profile.unasked.contains(&c)).then_some(profile.needs[c])).collect();
    let mut require = profile.require.clone();
    require.inactive = Some(require.policy());
    let edit = escape(edit_path);
    match crate::score::adaptive::next(catalog, &require, &[], &needs) {
        crate::score::adaptive::Next::Settled { top, unasked } => format!(
            "<div class=\"saved\" id=\"stop\"><p><strong>You can stop here.</strong> {}</p>\
             <p><a href=\"{edit}\">Answer the rest anyway</a></p></div>",
            escape(&ask::adaptive::settled_line(catalog, top, unasked.len()))
        ),
        _ => format!(
            "<div class=\"notice\" id=\"stop\"><p>You left {} unanswered, and answers to them could still change your top pick.</p>\
             <p><a href=\"{edit}\">Answer them</a></p></div>",
            crate::report::numbers::count_of(profile.unasked.len(), "question", "questions")
        ),
    }
}

struct Quiet;

impl batch::Observer for Quiet {
    fn rejected(&self, message: &str) {
        eprintln!("dlpick: a stored response was rejected: {message}");
    }
    fn progress(&self, _rows: u64, _bytes: u64) {}
}

/// The options `dlpick batch --by-team --format html` runs with by default.
fn team_options() -> batch::Options {
    batch::Options {
        method: MethodId::WeightedSum,
        inactive: InactivePolicy::default(),
        threads: 1,
        approval_margin: crate::team::APPROVAL_MARGIN,
    }
}

/// The teams of `jsonl` (the JSON Lines export), as `dlpick batch
/// --by-team` finds them.
fn department(catalog: &Catalog, jsonl: String) -> Result<crate::team::Department> {
    let source = Source::Jsonl { file: Arc::from("survey"), reader: Box::new(Cursor::new(jsonl.into_bytes())) };
    let options = team_options();
    let summary = batch::run(catalog, vec![source], &options, batch::Output::Teams, &Quiet, &AtomicBool::new(false))?;
    summary.department(catalog, &options)
}

/// `dlpick batch --by-team --format html` over these responses: the
/// department report, teams and everyone together, as a page.
pub fn team_report(catalog: &Catalog, responses: &[store::Response]) -> Result<Page<'static>> {
    let department = department(catalog, export::jsonl(responses))?;
    let report_options = Options { top: Some(usize::from(crate::report::BATCH_TOP)), ..Options::default() };
    Ok(crate::report::department::page(catalog, &department, &report_options))
}

/// The export the decision record's command reads, as the admin page names it.
pub const RECORD_INPUT: &str = "results.jsonl";

/// The whole survey's decision record: exactly what `dlpick batch
/// results.jsonl --by-team --format madr` writes from the admin page's
/// export of the same responses, dated as that command dates it.
pub fn decision_record(catalog: &Catalog, responses: &[store::Response]) -> Result<String> {
    use crate::report::madr::{Input, Reproduce, Survey};
    let jsonl = export::jsonl(responses);
    let sha256 = crate::build_info::sha256_hex(jsonl.as_bytes());
    let department = department(catalog, jsonl)?;
    let options = team_options();
    let Some(advice) = &department.all.advice else {
        return Err(Error::Usage("no answer was scored, so there is no decision to record.".to_string()));
    };
    let words = [
        "batch",
        RECORD_INPUT,
        "--by-team",
        "--method",
        options.method.as_str(),
        "--inactive",
        options.inactive.as_str(),
        "--approval-margin",
        &options.approval_margin.to_string(),
    ]
    .map(String::from)
    .to_vec();
    let reproduce =
        Reproduce { words, inputs: vec![Input { name: RECORD_INPUT.to_string(), sha256: Some(sha256), note: None }] };
    let firmness = crate::tune::firmness::analyse(catalog, advice, options.method, 1);
    let survey = Survey { team: &department.all, teams: &department.teams, approval_margin: options.approval_margin };
    let doc = crate::report::DecisionDoc {
        advice,
        survey: Some(survey),
        firmness: &firmness,
        method: options.method,
        reproduce: &reproduce,
    };
    let (day, date) = crate::build_info::report_day();
    let provenance = crate::report::Provenance {
        version: crate::build_info::version_line(),
        date,
        day,
        inputs: vec![RECORD_INPUT.to_string()],
    };
    crate::report::Format::Madr.report().decision(catalog, &doc, &Options { provenance, ..Options::default() })
}

/// The admin page: the team report with the exports and counts on top.
pub fn admin_page(catalog: &Catalog, responses: &[store::Response], counts: (u64, u64), token: &str) -> Result<String> {
    let (versions, respondents) = counts;
    let bar = format!(
        "<nav class=\"admin-bar\" aria-label=\"Survey administration\"><p><strong>{respondents} respondent{}</strong> \
         ({versions} response{} counting revisions). Reload the page for the latest answers.</p>\
         <p>Download every current answer: <a href=\"/admin/{t}/results.csv\">results.csv</a> · \
         <a href=\"/admin/{t}/results.jsonl\">results.jsonl</a>. \
         <code>dlpick batch results.csv --by-team --format html</code> (or the database itself) reproduces this page.</p>{record}</nav>",
        if respondents == 1 { "" } else { "s" },
        if versions == 1 { "" } else { "s" },
        t = escape(token),
        record = if responses.is_empty() {
            String::new()
        } else {
            format!(
                "<p><a href=\"/admin/{}/decision.md\">Download the decision record</a>: the survey's choice as a \
                 Markdown decision record (MADR) to commit, for example as \
                 <code>docs/decisions/0001-choose-a-deep-learning-framework.md</code>. The command in it makes it \
                 again from <code>results.jsonl</code> downloaded at the same time.</p>",
                escape(token)
            )
        },
    );
    if responses.is_empty() {
        return Ok(pages::page(
            "dlpick: survey results",
            &format!(
                "{bar}<header><h1>Survey results</h1><p class=\"meta\">No answers yet: share the survey link.</p></header>"
            ),
        ));
    }
    // The server's stylesheet instead of the inline one, and the bar on top.
    // Its form styles are light only, so the page stays light.
    let mut page = team_report(catalog, responses)?.linked(pages::STYLE_PATH);
    page.top = bar;
    page.dark_mode = false;
    Ok(page.render())
}

/// Resolve the address, bind, print the links and serve until SIGINT or SIGTERM.
pub fn run(catalog: Catalog, config: &Config) -> Result<()> {
    let store = store::Store::open(&config.db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("dlpick-serve")
        .build()
        .map_err(|e| Error::io("start", std::path::Path::new("the server's threads"), e))?;
    let state = Arc::new(routes::AppState { stylesheet: pages::stylesheet(), catalog, store });
    let served = runtime.block_on(serve(Arc::clone(&state), config));
    // Connections still open after the grace period are dropped with the
    // runtime: their requests get no answer.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let cut_off = served?;
    let db = config.db.display();
    if state.store.lost() || !state.store.still_there() {
        if state.store.rescue() {
            return Err(Error::Storage(format!(
                "stopped; {} (the database's write-ahead log) was removed or replaced while the server ran, so no \
                 answer was acknowledged after that; the answers acknowledged before it are in {db}.",
                store::log_path(&config.db).display()
            )));
        }
        return Err(Error::Storage(format!(
            "stopped; {db} was removed or replaced while the server ran, so it does not hold the answers this server \
             acknowledged (they were written to the file that was there before), and no answer was acknowledged after that."
        )));
    }
    if !config.quiet {
        if cut_off > 0 {
            eprintln!(
                "dlpick: stopped after the {} s grace period; {} still open closed, each with a request under way that got no complete answer (none of those was acknowledged).",
                config.limits.grace.as_secs_f64(),
                crate::report::numbers::count_of(cut_off, "connection", "connections"),
            );
        }
        eprintln!("dlpick: stopped; every answer acknowledged is in {db}.");
    }
    Ok(())
}

/// Accept and serve connections until a signal, then let them finish
/// within the grace period; returns how many were still open after it.
///
/// Each connection is HTTP/1.1 by hyper, whose header-read timeout closes a
/// connection that does not send a complete request head in time, new or
/// idle between keep-alive requests. Tower's timeout bounds the rest of a
/// request (408), [`deadline::Deadline`] the writing of each answer (a
/// client that does not read them is cut off; pipelined requests are
/// answered one at a time, and hyper reads no more while one is written),
/// and tower's concurrency limit caps the connections served at once: past
/// the cap, new ones wait in the listening socket's backlog.
async fn serve(state: Arc<routes::AppState>, config: &Config) -> Result<usize> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::{Service as _, ServiceExt as _};

    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(|e| Error::io("listen on", std::path::Path::new(&config.bind), e))?;
    let addr = listener.local_addr().map_err(|e| Error::io("listen on", std::path::Path::new(&config.bind), e))?;
    if !config.quiet {
        announce(addr, config);
    }
    println!("survey: http://{addr}/s/{}", state.store.links.survey);
    println!("admin: http://{addr}/admin/{}", state.store.links.admin);
    let limits = config.limits;
    let app = routes::router(state, limits.request_timeout);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut slots = tower::ServiceBuilder::new().concurrency_limit(limits.max_connections.max(1)).service_fn(
        |connection: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>| async move {
            connection.await;
            Ok::<(), std::convert::Infallible>(())
        },
    );
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            () = &mut stop => break,
            accepted = async {
                // A free slot first, then a connection.
                let _ = slots.ready().await;
                listener.accept().await
            } => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: say so, and retry.
                eprintln!("dlpick: error: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let stream = deadline::Deadline::new(stream, limits.request_timeout);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let served = slots.call(Box::pin(async move {
            let _ = connection.await;
        }));
        tokio::spawn(served);
    }
    drop(listener);
    // Connections idle between requests close now; those with a request
    // under way may finish it within the grace period.
    let open = graceful.count();
    Ok(if tokio::time::timeout(limits.grace, graceful.shutdown()).await.is_ok() { 0 } else { open })
}

/// Where the server listens and who can reach it, on standard error.
fn announce(addr: std::net::SocketAddr, config: &Config) {
    if addr.ip().is_loopback() {
        eprintln!(
            "dlpick: listening on {addr}, loopback only: only this machine can answer (pass --bind 0.0.0.0:{} to let others in).",
            addr.port()
        );
    } else {
        eprintln!(
            "dlpick: listening on {addr}: anyone who can reach this machine and has a link can use it (plain HTTP, no TLS)."
        );
        if addr.ip().is_unspecified() {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
            eprintln!(
                "dlpick: in the links, replace {} with this machine's name or address ({}) before sharing them.",
                addr.ip(),
                host.trim()
            );
        }
    }
    eprintln!("dlpick: answers are stored in {}; Ctrl-C stops the server.", config.db.display());
}

/// Resolves at SIGINT or SIGTERM.
async fn shutdown() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminate = async {
        match term.as_mut() {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    #[test]
    fn a_good_form_becomes_the_profile_ask_saves() {
        let c = Catalog::builtin().unwrap();
        let v = validate(
            &c,
            &fields(&[("name", "Ana <b>"), ("team", "lab"), ("debuggability", "5"), ("languages", "python")]),
        )
        .unwrap();
        assert_eq!(v.name, "Ana <b>");
        assert!(v.profile.contains("debuggability = 5"), "{}", v.profile);
        assert!(v.profile.contains("languages = [\"python\"]"), "{}", v.profile);
    }

    #[test]
    fn bad_answers_are_reported_by_field() {
        let c = Catalog::builtin().unwrap();
        let p = validate(&c, &fields(&[("name", "Ana"), ("flexibility", "9")])).unwrap_err();
        assert_eq!(p[0].0.as_deref(), Some("flexibility"));
        assert!(p[0].1.contains("out of range"), "{p:?}");
        let p = validate(&c, &fields(&[("name", "Ana"), ("flexibility", "2"), ("exclude", "pytroch")])).unwrap_err();
        assert_eq!(p[0].0.as_deref(), Some("exclude"));
        assert!(p[0].1.contains("pytorch"), "{p:?}");
        let p = validate(&c, &fields(&[("name", "Ana")])).unwrap_err();
        assert_eq!(p[0].0, None);
        let p = validate(&c, &fields(&[("name", " "), ("flexibility", "2")])).unwrap_err();
        assert_eq!(p[0].0.as_deref(), Some("name"));
        // A newline cannot smuggle in an answer to the next question.
        let p = validate(&c, &fields(&[("name", "A"), ("beginner_friendliness", "1\n9")])).unwrap_err();
        assert_eq!(p[0].0.as_deref(), Some("beginner_friendliness"));
    }
}

//! Routes, handlers and the headers every response carries.
//!
//! | path | what |
//! | --- | --- |
//! | `GET /s/<survey>` | the questionnaire |
//! | `POST /s/<survey>` | a new response; answered with a redirect to the private page |
//! | `GET /s/<survey>/r/<edit>` | the respondent's recommendation (private) |
//! | `GET /s/<survey>/r/<edit>/edit` | the form, filled in, to revise |
//! | `POST /s/<survey>/r/<edit>` | a revision |
//! | `GET /admin/<admin>` | the live team report |
//! | `GET /admin/<admin>/results.csv`, `.jsonl` | every current response in `dlpick batch`'s input formats |
//! | `GET /admin/<admin>/decision.md` | the survey's decision record (MADR), as `dlpick batch results.jsonl --by-team --format madr` writes it |
//!
//! A wrong token or unknown private link gets the same 404 as an unknown
//! path, whatever the method (and so does a method a path does not take).
//! Tokens and links are checked before the body is read; bodies over
//! [`BODY_LIMIT`] get 413; a post whose CSRF field does not match its cookie
//! gets 403; a field sent twice (but for check boxes, and the CSRF field
//! too) or one the form does not have gets 422. A form is an idempotency key: sent again with the same
//! content it gets the same redirect, sent again with other content a 409
//! and a fresh form holding what was sent (see [`super::store`]).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::pages::{self, Fields, FormContext, Page, Problems};
use super::store::{self, Store, Stored, Submission};
use super::{export, tokens, validate};
use crate::ask;
use crate::catalog::Catalog;
use crate::profile::InactivePolicy;
use crate::sanitize;

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The CSRF cookie's name.
const COOKIE: &str = "dlpick_csrf";

/// What the handlers share.
pub struct AppState {
    pub catalog: Catalog,
    pub store: Store,
    pub stylesheet: String,
}

type Shared = Arc<AppState>;

/// The whole application; a request not answered within `timeout` of its
/// head (its body read, its answer ready) gets 408.
pub fn router(state: Shared, timeout: std::time::Duration) -> Router {
    let timeout = tower::ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async { timed_out() }))
        .timeout(timeout);
    Router::new()
        .route("/s/{token}", get(survey_form).post(survey_submit))
        .route("/s/{token}/r/{edit}", get(private_page).post(revise_submit))
        .route("/s/{token}/r/{edit}/edit", get(revise_form))
        .route("/admin/{token}", get(admin))
        .route("/admin/{token}/results.csv", get(export_csv))
        .route("/admin/{token}/results.jsonl", get(export_jsonl))
        .route("/admin/{token}/decision.md", get(export_decision))
        .route(pages::STYLE_PATH, get(stylesheet))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(timeout)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn not_found_response() -> Response {
    html(StatusCode::NOT_FOUND, pages::not_found())
}

async fn not_found() -> Response {
    not_found_response()
}

async fn stylesheet(State(state): State<Shared>) -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], state.stylesheet.clone()).into_response()
}

/// The browser's CSRF cookie, or a new one to set.
fn csrf_cookie(headers: &HeaderMap) -> (String, bool) {
    let existing = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && tokens::well_formed(value))
        .map(|(_, value)| value.to_string());
    match existing {
        Some(value) => (value, false),
        None => (tokens::random(), true),
    }
}

fn with_cookie(mut response: Response, cookie: &str, set: bool) -> Response {
    if set {
        if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Strict")) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// Read at most [`BODY_LIMIT`] bytes, or answer 413.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Response> {
    let too_large = || {
        html(
            StatusCode::PAYLOAD_TOO_LARGE,
            pages::message("Too large", "The form sent more than 64 KiB; nothing was saved."),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| too_large())
}

/// The form's fields: every key once, but for check boxes (whose values
/// are joined with `;`), and only the keys the form has. Anything else is a
/// problem for the field it names.
fn parse_fields(catalog: &Catalog, body: &[u8]) -> (Fields, Problems) {
    let questions = ask::questions(catalog);
    let multiple: Vec<String> = questions
        .iter()
        .filter(|q| matches!(q, ask::Question::Routes(_) | ask::Question::Exclude))
        .map(|q| ask::question_key(catalog, *q))
        .collect();
    let mut known: Vec<String> =
        ["csrf", "form_id", "name", "team", pages::MODE, pages::SHOWN].iter().map(|k| (*k).to_string()).collect();
    known.extend(questions.into_iter().map(|q| ask::question_key(catalog, q)));
    let mut fields = Fields::new();
    let mut problems = Problems::new();
    let mut reported: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        let key = key.into_owned();
        if !known.contains(&key) {
            if !reported.contains(&key) {
                problems.push((
                    None,
                    format!(
                        "The form sent a field this survey does not have (`{}`); nothing was saved.",
                        sanitize::quote(&key)
                    ),
                ));
                reported.push(key);
            }
            continue;
        }
        match fields.get_mut(&key) {
            Some(v) if multiple.contains(&key) => {
                v.push(';');
                v.push_str(&value);
            }
            Some(_) => {
                if !reported.contains(&key) {
                    let target = (!matches!(key.as_str(), "csrf" | "form_id")).then(|| key.clone());
                    problems.push((target, format!("The field `{key}` was sent more than once; send it once.")));
                    reported.push(key);
                }
            }
            None => {
                fields.insert(key, value.into_owned());
            }
        }
    }
    (fields, problems)
}

fn csrf_ok(state: &AppState, headers: &HeaderMap, fields: &Fields) -> bool {
    let (cookie, fresh) = csrf_cookie(headers);
    !fresh
        && fields
            .get("csrf")
            .is_some_and(|sent| tokens::same(sent, &tokens::csrf(&state.store.links.csrf_key, &cookie)))
}

fn forbidden() -> Response {
    html(
        StatusCode::FORBIDDEN,
        pages::message(
            "Form expired",
            "This form could not be checked (it was not sent from the survey page, or your browser did not keep its cookie). Nothing was saved: go back, reload the page and send it again.",
        ),
    )
}

fn server_error(message: &str) -> Response {
    eprintln!("dlpick: error: {}", sanitize::message(message));
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message("Not saved", "The answers could not be stored. Nothing was saved; please try again."),
    )
}

/// The database file is gone or replaced: nothing can be stored (the
/// writer has logged it).
fn storage_lost() -> Response {
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message(
            "Not saved",
            "The survey's database (or its write-ahead log) was removed or replaced while the server was running, so answers can no longer be stored. Nothing was saved; please tell the survey's organiser.",
        ),
    )
}

/// The answer to a request cut off by the request timeout: never a
/// success, and the connection is closed after it.
pub fn timed_out() -> Response {
    let mut response = html(
        StatusCode::REQUEST_TIMEOUT,
        pages::message(
            "Too slow",
            "The request took too long and was cut off, so it was not acknowledged. If you sent a form, go back and send it again: a form sent again with the same answers is stored once.",
        ),
    );
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

const CONFLICT: &str = "This form was already sent, with other answers, so these were not saved: one form is one response (the back button or a page left open can send a form again). Your answers are below in a fresh form: send it to save them.";
const CONFLICT_NEW: &str =
    " If you meant to change answers you sent earlier, use the private link you got then instead.";

const FIRST_INTRO: &str = "First what you need the framework to do, then how much a few concerns matter, from 0 (doesn't matter) to 5 (critical). More questions follow only while your answers could still change which framework fits you best; then you see your own explained recommendation and get a private link to change your answers later.";
const MORE_INTRO: &str = "Your answers so far leave more than one framework in the running: these questions can still change which fits you best.";

/// How many ratings a page of the adaptive survey asks.
const PER_PAGE: usize = 3;

/// The first page of the adaptive survey: requirements and the ratings
/// that tell frameworks apart most before anything is known.
fn first_page(catalog: &Catalog) -> Page {
    let needs = crate::score::adaptive::next_needs(
        catalog,
        &crate::profile::Require::default(),
        &vec![None; catalog.criteria.len()],
        PER_PAGE,
    );
    Page { first: true, needs, answered: 0 }
}

const NEW_INTRO: &str = "Rate how much each concern matters to you, from 0 (doesn't matter) to 5 (critical), then send the form. You will see your own explained recommendation and get a private link to change your answers later.";

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    action: &str,
    cookie: &str,
    form_id: &str,
    values: &Fields,
    problems: &Problems,
    revising: bool,
    page: Option<&Page>,
) -> String {
    let csrf = tokens::csrf(&state.store.links.csrf_key, cookie);
    let later = page.is_some_and(|p| !p.first);
    let ctx = FormContext {
        page,
        blank_unanswered: revising,
        action,
        csrf: &csrf,
        form_id,
        heading: if revising {
            "Revise your answers"
        } else if later {
            "A few more questions"
        } else {
            "Which deep-learning framework suits you?"
        },
        intro: if revising {
            "Change what you like and send the form again: your new answers replace the earlier ones (which are kept in the survey's history). A question left without an answer is stored as not answered."
        } else if later {
            MORE_INTRO
        } else if page.is_some() {
            FIRST_INTRO
        } else {
            NEW_INTRO
        },
        button: if revising {
            "Save my new answers"
        } else if page.is_some() {
            "Next"
        } else {
            "Send my answers"
        },
    };
    let title = if problems.is_empty() { ctx.heading.to_string() } else { format!("Error: {}", ctx.heading) };
    pages::page(&title, &pages::form(&state.catalog, &ctx, values, problems))
}

async fn survey_form(
    State(state): State<Shared>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !tokens::same(&token, &state.store.links.survey) {
        return not_found_response();
    }
    let (cookie, fresh) = csrf_cookie(&headers);
    // `?all`: every question on one page, as before the survey was adaptive.
    let page = (query.as_deref() != Some("all")).then(|| first_page(&state.catalog));
    let body = form_page(
        &state,
        &format!("/s/{token}"),
        &cookie,
        &tokens::random(),
        &Fields::new(),
        &Problems::new(),
        false,
        page.as_ref(),
    );
    with_cookie(html(StatusCode::OK, body), &cookie, fresh)
}

/// A page of the adaptive survey, sent: the response to store once the top
/// pick is settled; otherwise the page to show (the next few ratings, with
/// status 200, or this page again with its problems).
fn adaptive_page(
    catalog: &Catalog,
    fields: &Fields,
    this_page: Option<Page>,
) -> Result<super::Valid, (Problems, StatusCode, Option<Page>)> {
    let invalid = |problems: Problems, page: Option<Page>| (problems, StatusCode::UNPROCESSABLE_ENTITY, page);
    let mut read = super::read_form(catalog, fields).map_err(|p| invalid(p, this_page.clone()))?;
    let next = ask::adaptive::mark_unanswered(catalog, &mut read.answers, &read.answered)
        .map_err(|e| invalid(vec![(None, e.to_string())], this_page.clone()))?;
    match next {
        crate::score::adaptive::Next::Ask(_) => {
            // Not settled: the next few ratings, the answers so far hidden.
            let prefill = ask::adaptive::prefill_of(&read.answers, &read.answered);
            let require = ask::adaptive::require_of(catalog, &prefill, None, InactivePolicy::default())
                .map_err(|e| invalid(vec![(None, e.to_string())], this_page.clone()))?;
            let needs = crate::score::adaptive::next_needs(catalog, &require, &prefill.needs, PER_PAGE);
            let answered = read.answered.iter().filter(|a| **a).count();
            Err((Problems::new(), StatusCode::OK, Some(Page { first: false, needs, answered })))
        }
        crate::score::adaptive::Next::NoNeeds => Err(invalid(
            vec![(None, "Rate at least one question above 0, so there is something to compare.".to_string())],
            None,
        )),
        crate::score::adaptive::Next::Settled { .. } => super::finish(catalog, read).map_err(|p| invalid(p, this_page)),
    }
}

/// Validate and store a form; `edit` is the respondent's token for a
/// revision (already known to exist).
async fn submit(state: Shared, token: &str, edit: Option<&str>, headers: &HeaderMap, body: Body) -> Response {
    let bytes = match read_body(headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (mut fields, problems) = parse_fields(&state.catalog, &bytes);
    // A CSRF field sent twice is a malformed form like any field sent twice
    // (422, below): it is never taken as checked, and nothing is stored.
    let csrf_twice = problems.iter().any(|(_, m)| m.starts_with("The field `csrf`"));
    if !csrf_twice && !csrf_ok(&state, headers, &fields) {
        return forbidden();
    }
    fields.remove("csrf");
    let form_id = fields.remove("form_id").filter(|f| tokens::well_formed(f)).unwrap_or_else(tokens::random);
    let action = edit.map_or_else(|| format!("/s/{token}"), |e| format!("/s/{token}/r/{e}"));
    let (cookie, _) = csrf_cookie(headers);
    // A page of the adaptive survey says so, and which ratings it showed.
    let mode = fields.remove(pages::MODE).filter(|_| edit.is_none());
    let adaptive = matches!(mode.as_deref(), Some("first" | "more"));
    let shown: Vec<usize> = fields
        .remove(pages::SHOWN)
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| state.catalog.criterion_index(id.trim()))
        .collect();
    let answered_before = |fields: &Fields| {
        state
            .catalog
            .criteria
            .iter()
            .enumerate()
            .filter(|(c, k)| !shown.contains(c) && fields.contains_key(&k.id))
            .count()
    };
    let this_page = adaptive.then(|| Page {
        first: mode.as_deref() == Some("first"),
        needs: shown.clone(),
        answered: answered_before(&fields),
    });
    let show = |form_id: &str, problems: &Problems, status: StatusCode, page: Option<&Page>| {
        html(status, form_page(&state, &action, &cookie, form_id, &fields, problems, edit.is_some(), page))
    };
    if !problems.is_empty() {
        return show(&form_id, &problems, StatusCode::UNPROCESSABLE_ENTITY, this_page.as_ref());
    }
    let checked = if adaptive {
        adaptive_page(&state.catalog, &fields, this_page)
    } else {
        validate(&state.catalog, &fields).map_err(|p| (p, StatusCode::UNPROCESSABLE_ENTITY, None))
    };
    let valid = match checked {
        Ok(v) => v,
        Err((problems, status, page)) => return show(&form_id, &problems, status, page.as_ref()),
    };
    // A first answer gets a new random private link; a revision keeps its own.
    let link = edit.map_or_else(tokens::random, str::to_string);
    let edit_digest = tokens::digest(&link);
    let stored_fields = serde_json::to_string(&fields).unwrap_or_default();
    let kind = if edit.is_some() { store::Kind::Revision(&edit_digest) } else { store::Kind::New };
    let submission = Submission {
        content_digest: store::content_digest(&kind, &valid.name, &valid.team, &valid.profile, &stored_fields),
        form_digest: tokens::digest(&form_id),
        link_sealed: tokens::seal(&link, &form_id),
        edit_digest,
        name: valid.name,
        team: valid.team,
        profile: valid.profile,
        fields: stored_fields,
        revision: edit.is_some(),
    };
    match state.store.submit(submission).await {
        Ok(Stored::Saved { link_sealed }) => match tokens::unseal(&link_sealed, &form_id) {
            Some(link) => redirect(&format!("/s/{token}/r/{link}")),
            None => server_error("a stored private link could not be read"),
        },
        Ok(Stored::Conflict) => {
            let message = if edit.is_some() { CONFLICT.to_string() } else { format!("{CONFLICT}{CONFLICT_NEW}") };
            show(&tokens::random(), &vec![(None, message)], StatusCode::CONFLICT, None)
        }
        Ok(Stored::UnknownRespondent) => not_found_response(),
        Err(store::StoreError::Lost(_)) => storage_lost(),
        Err(store::StoreError::Failed(e)) => server_error(&e),
    }
}

async fn survey_submit(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !tokens::same(&token, &state.store.links.survey) {
        return not_found_response();
    }
    submit(state, &token, None, &headers, body).await
}

async fn revise_submit(
    State(state): State<Shared>,
    Path((token, edit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // An unknown link is a 404 before anything else is looked at.
    if let Err(r) = lookup(&state, &token, &edit).await {
        return r;
    }
    submit(state, &token, Some(&edit), &headers, body).await
}

/// The respondent's latest response; a wrong link is the 404 page.
async fn lookup(state: &Shared, token: &str, edit: &str) -> Result<store::Response, Response> {
    if !tokens::same(token, &state.store.links.survey) || !tokens::well_formed(edit) {
        return Err(not_found_response());
    }
    let state = Arc::clone(state);
    let digest = tokens::digest(edit);
    tokio::task::spawn_blocking(move || state.store.read(|c| store::latest_for(c, &digest)))
        .await
        .map_err(|e| server_error(&e.to_string()))?
        .map_err(|e| server_error(&e.to_string()))?
        .ok_or_else(not_found_response)
}

async fn private_page(
    State(state): State<Shared>,
    Path((token, edit)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let response = match lookup(&state, &token, &edit).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    // The link as the respondent's browser reached it (the page escapes it).
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let link = format!("http://{host}/s/{token}/r/{edit}");
    match super::recommendation_page(&state.catalog, &response, &link, &format!("/s/{token}/r/{edit}/edit")) {
        Ok(page) => html(StatusCode::OK, page),
        Err(e) => server_error(&e.to_string()),
    }
}

async fn revise_form(
    State(state): State<Shared>,
    Path((token, edit)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let response = match lookup(&state, &token, &edit).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut values: Fields = serde_json::from_str(&response.fields).unwrap_or_default();
    values.insert("name".to_string(), response.name);
    values.insert("team".to_string(), response.team);
    let (cookie, fresh) = csrf_cookie(&headers);
    let body = form_page(
        &state,
        &format!("/s/{token}/r/{edit}"),
        &cookie,
        &tokens::random(),
        &values,
        &Problems::new(),
        true,
        None,
    );
    with_cookie(html(StatusCode::OK, body), &cookie, fresh)
}

/// Every respondent's current response, for the admin token only.
async fn current(state: &Shared, token: &str) -> Result<(Vec<store::Response>, (u64, u64)), Response> {
    if !tokens::same(token, &state.store.links.admin) {
        return Err(not_found_response());
    }
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || state.store.read(|c| Ok((store::current(c)?, store::counts(c)?))))
        .await
        .map_err(|e| server_error(&e.to_string()))?
        .map_err(|e| server_error(&e.to_string()))
}

async fn admin(State(state): State<Shared>, Path(token): Path<String>) -> Response {
    let (responses, counts) = match current(&state, &token).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let worker = Arc::clone(&state);
    let page =
        tokio::task::spawn_blocking(move || super::admin_page(&worker.catalog, &responses, counts, &token)).await;
    match page {
        Ok(Ok(page)) => html(StatusCode::OK, page),
        Ok(Err(e)) => server_error(&e.to_string()),
        Err(e) => server_error(&e.to_string()),
    }
}

fn download(content_type: &'static str, file: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, file)], body).into_response()
}

async fn export_csv(State(state): State<Shared>, Path(token): Path<String>) -> Response {
    match current(&state, &token).await {
        Ok((responses, _)) => download(
            "text/csv; charset=utf-8",
            "attachment; filename=\"results.csv\"",
            export::csv(&state.catalog, &responses),
        ),
        Err(r) => r,
    }
}

async fn export_jsonl(State(state): State<Shared>, Path(token): Path<String>) -> Response {
    match current(&state, &token).await {
        Ok((responses, _)) => download(
            "application/x-ndjson; charset=utf-8",
            "attachment; filename=\"results.jsonl\"",
            export::jsonl(&responses),
        ),
        Err(r) => r,
    }
}

async fn export_decision(State(state): State<Shared>, Path(token): Path<String>) -> Response {
    let responses = match current(&state, &token).await {
        Ok((responses, _)) => responses,
        Err(r) => return r,
    };
    if responses.is_empty() {
        return html(
            StatusCode::NOT_FOUND,
            pages::message("No answers yet", "Nobody has answered the survey, so there is no decision to record yet."),
        );
    }
    let worker = Arc::clone(&state);
    match tokio::task::spawn_blocking(move || super::decision_record(&worker.catalog, &responses)).await {
        Ok(Ok(record)) => download(
            "text/markdown; charset=utf-8",
            "attachment; filename=\"choose-a-deep-learning-framework.md\"",
            record,
        ),
        Ok(Err(e)) => server_error(&e.to_string()),
        Err(e) => server_error(&e.to_string()),
    }
}

//! `dlpick serve` over real HTTP: the real binary on a free loopback port,
//! a temporary database, and a small HTTP/1.1 client with a cookie.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server, stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: String,
    survey: String,
    admin: String,
}

impl Server {
    fn start(db: &Path) -> Self {
        Self::start_with(db, &["--quiet"], Stdio::inherit())
    }

    /// With more arguments, and standard error where `stderr` says.
    fn start_with(db: &Path, args: &[&str], stderr: Stdio) -> Self {
        let mut child = crate::common::command_in(&crate::common::root())
            .args(["serve", "--bind", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start dlpick serve");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = |prefix: &str| {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            l.trim().strip_prefix(prefix).unwrap_or_else(|| panic!("expected `{prefix}`, got {l:?}")).to_string()
        };
        let survey_url = line("survey: http://");
        let admin_url = line("admin: http://");
        let (addr, survey) = survey_url.split_once('/').unwrap();
        let (_, admin) = admin_url.split_once('/').unwrap();
        Self { child, addr: addr.to_string(), survey: format!("/{survey}"), admin: format!("/{admin}") }
    }

    fn stop(&mut self) -> std::process::ExitStatus {
        self.stop_within(100)
    }

    /// SIGTERM, then wait up to `polls` × 50 ms before SIGKILL.
    fn stop_within(&mut self, polls: usize) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..polls {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn decode_chunked(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16).unwrap();
        body = &body[end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// One request on its own connection.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    if method == "POST" {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading everything: ignore a reset.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = decode_chunked(&body);
    }
    Reply { status, headers, body: String::from_utf8(body).unwrap() }
}

/// A browser, as far as these tests need one: it keeps its cookie.
struct Browser<'a> {
    server: &'a Server,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(server: &'a Server) -> Self {
        Self { server, cookie: None }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        self.cookie.iter().map(|c| ("Cookie", c.clone())).collect()
    }

    fn get(&mut self, path: &str) -> Reply {
        let reply = request(&self.server.addr, "GET", path, &self.headers(), b"");
        if let Some(c) = reply.header("set-cookie") {
            self.cookie = Some(c.split(';').next().unwrap().to_string());
        }
        reply
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let mut headers = self.headers();
        headers.push(("Content-Type", "application/x-www-form-urlencoded".to_string()));
        request(&self.server.addr, "POST", path, &headers, body.as_bytes())
    }

    /// Load the form at `path` and send it with `answers` (its hidden fields added).
    fn answer(&mut self, path: &str, answers: &[(&str, &str)]) -> Reply {
        let form = self.get(path);
        assert_eq!(form.status, 200, "{}", form.body);
        let action = attribute(&form.body, "action=\"").unwrap();
        let csrf = hidden(&form.body, "csrf");
        let form_id = hidden(&form.body, "form_id");
        let mut fields = vec![("csrf", csrf.as_str()), ("form_id", form_id.as_str())];
        fields.extend_from_slice(answers);
        self.post(&action, &fields)
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn attribute(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)? + prefix.len();
    Some(html[start..].split('"').next()?.to_string())
}

fn hidden(html: &str, name: &str) -> String {
    attribute(html, &format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no hidden {name}"))
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("survey.db")
}

/// `dlpick batch --template`, which must succeed.
fn template() -> String {
    let out = dlpick(&["batch", "--template"]);
    assert!(out.status.success() && !out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim_end().to_string()
}

fn dlpick(args: &[&str]) -> std::process::Output {
    crate::common::command_in(&crate::common::root()).args(args).output().unwrap()
}

const ANA: &[(&str, &str)] =
    &[("name", "Ana"), ("team", "lab"), ("debuggability", "5"), ("dynamic_graphs", "4"), ("languages", "python")];

#[test]
fn submit_see_the_recommendation_and_revise() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);

    // Every question on one page (the survey asks a few at a time otherwise).
    let form = browser.get(&format!("{}?all", server.survey));
    assert_eq!(form.status, 200);
    // The questions `dlpick ask` asks, in its words.
    let questions = String::from_utf8(dlpick(&["ask", "--print-questions"]).stdout).unwrap();
    for line in questions.lines().filter(|l| l.contains(". [")) {
        let text = line.split("] ").nth(1).unwrap();
        assert!(form.body.contains(&text.replace('\'', "&#39;")), "missing question {text}");
    }
    assert!(form.body.contains("name=\"debuggability\" value=\"5\""));
    assert!(form.body.contains("<label for=\"f-name\">"));
    assert!(!form.body.contains("<script"));
    assert!(!form.body.contains("style="));
    let csp = form.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(form.header("x-content-type-options"), Some("nosniff"));
    let css = request(&server.addr, "GET", "/assets/dlpick.css", &[], b"");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));

    let sent = browser.answer(&server.survey, ANA);
    assert_eq!(sent.status, 303, "{}", sent.body);
    let private = sent.header("location").unwrap().to_string();
    assert!(private.starts_with(&format!("{}/r/", server.survey)), "{private}");
    let page = browser.get(&private);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("PyTorch fits best"), "{}", page.body);
    assert!(page.body.contains("Revise your answers"));

    // The revision form starts from the stored answers.
    let edit = browser.get(&format!("{private}/edit"));
    assert!(edit.body.contains("name=\"debuggability\" value=\"5\" checked"), "{}", edit.body);
    assert!(edit.body.contains("value=\"Ana\""));
    let revised = browser.answer(
        &format!("{private}/edit"),
        &[("name", "Ana"), ("team", "lab"), ("mobile_deployment", "5"), ("exclude", "caffe2")],
    );
    assert_eq!(revised.status, 303, "{}", revised.body);
    assert_eq!(revised.header("location"), Some(private.as_str()));
    // Mobile deployment alone: PyTorch (ExecuTorch) and TensorFlow (LiteRT)
    // both score 4.5, so both match 90.0.
    assert!(browser.get(&private).body.contains("PyTorch ties for first with TensorFlow (match 90.0)"));

    // The same revision form sent twice (a double click) is stored once, and
    // a revision for a link that does not exist is a 404.
    let edit = browser.get(&format!("{private}/edit"));
    let again = [
        ("csrf", hidden(&edit.body, "csrf")),
        ("form_id", hidden(&edit.body, "form_id")),
        ("name", "Ana".to_string()),
        ("team", "lab".to_string()),
        ("mobile_deployment", "5".to_string()),
        ("exclude", "caffe2".to_string()),
    ];
    let again: Vec<(&str, &str)> = again.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(browser.post(&private, &again).status, 303);
    assert_eq!(browser.post(&private, &again).status, 303);
    let mut stranger = private.clone();
    stranger.truncate(stranger.len() - 4);
    stranger.push_str("0000");
    assert_eq!(browser.post(&stranger, &again).status, 404);

    // One current answer; the earlier ones are kept in the history.
    let jsonl = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"");
    assert_eq!(jsonl.status, 200);
    assert_eq!(jsonl.body.lines().count(), 1, "{}", jsonl.body);
    assert!(jsonl.body.contains("\"mobile_deployment\":5"), "{}", jsonl.body);
    let admin = request(&server.addr, "GET", &server.admin, &[], b"");
    assert!(admin.body.contains("1 respondent</strong> (3 responses counting revisions)"), "{}", admin.body);
}

#[test]
fn bad_input_shows_the_form_again_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);
    let reply = browser
        .answer(&server.survey, &[("name", "<script>alert(1)</script>"), ("flexibility", "9"), ("debuggability", "4")]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("`9` is out of range"), "{}", reply.body);
    assert!(reply.body.contains("role=\"alert\""));
    assert!(reply.body.contains("aria-invalid=\"true\""));
    assert!(reply.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!reply.body.contains("<script>"));
    // The other answers are kept.
    assert!(reply.body.contains("name=\"debuggability\" value=\"4\" checked"));

    let reply = browser.answer(&server.survey, &[("name", "Ana"), ("exclude", "pytroch"), ("debuggability", "4")]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Did you mean `pytorch`?"), "{}", reply.body);
    let reply = browser.answer(&server.survey, &[("name", "Ana")]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Rate at least one question above 0"), "{}", reply.body);
    let reply = browser.answer(&server.survey, &[("name", ""), ("debuggability", "4")]);
    assert_eq!(reply.status, 422);

    let csv = request(&server.addr, "GET", &format!("{}/results.csv", server.admin), &[], b"");
    assert_eq!(csv.body.lines().count(), 1, "only the header: {}", csv.body);
}

#[test]
fn a_post_without_a_valid_csrf_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);
    let form = browser.get(&server.survey);
    let csrf = hidden(&form.body, "csrf");
    let answers = [("name", "Eve"), ("debuggability", "5")];
    // No CSRF field.
    assert_eq!(browser.post(&server.survey, &answers).status, 403);
    // A wrong one.
    let mut wrong = vec![("csrf", "0123456789abcdef0123456789abcdef")];
    wrong.extend_from_slice(&answers);
    assert_eq!(browser.post(&server.survey, &wrong).status, 403);
    // The right field without the cookie it belongs to (another site's post).
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(&answers);
    assert_eq!(Browser::new(&server).post(&server.survey, &fields).status, 403);
    // With both, it is accepted.
    assert_eq!(browser.post(&server.survey, &fields).status, 303);
    let csv = request(&server.addr, "GET", &format!("{}/results.csv", server.admin), &[], b"");
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
}

#[test]
fn wrong_or_missing_tokens_get_the_same_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let plain = request(&server.addr, "GET", "/", &[], b"");
    assert_eq!(plain.status, 404);
    let survey_token = server.survey.trim_start_matches("/s/");
    let mut wrong = survey_token.to_string();
    wrong.replace_range(0..1, if wrong.starts_with('0') { "1" } else { "0" });
    for path in [
        "/s/".to_string(),
        format!("/s/{wrong}"),
        format!("/admin/{wrong}"),
        format!("/admin/{survey_token}"),
        format!("/admin/{wrong}/results.csv"),
        format!("/admin/{wrong}/results.jsonl"),
        format!("{}/r/{wrong}", server.survey),
        format!("{}/r/{wrong}/edit", server.survey),
        format!("{}/r/..%2f..%2fetc", server.survey),
        format!("/s/{}", server.admin.trim_start_matches("/admin/")),
    ] {
        let reply = request(&server.addr, "GET", &path, &[], b"");
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.body, plain.body, "{path}");
        assert!(!reply.body.contains(survey_token));
    }
    let mut browser = Browser::new(&server);
    browser.get(&server.survey);
    let reply = browser.post(&format!("/s/{wrong}"), &[("name", "x")]);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, plain.body);
}

#[test]
fn an_oversized_body_gets_413_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);
    let form = browser.get(&server.survey);
    let csrf = hidden(&form.body, "csrf");
    let big = "x".repeat(70 * 1024);
    let reply = browser.post(&server.survey, &[("csrf", &csrf), ("name", &big), ("debuggability", "5")]);
    assert_eq!(reply.status, 413);
    // Just under the limit is read (and refused for its too-long name, not its size).
    let near = "x".repeat(60 * 1024);
    let reply = browser.post(&server.survey, &[("csrf", &csrf), ("name", &near), ("debuggability", "5")]);
    assert_eq!(reply.status, 422);
    let csv = request(&server.addr, "GET", &format!("{}/results.csv", server.admin), &[], b"");
    assert_eq!(csv.body.lines().count(), 1);
}

/// The part of a batch HTML page that holds the numbers: the department
/// report, from its heading to the end of the page's content.
fn results(page: &str) -> String {
    let start = page.find("<header><h1>Department survey").expect("a results page");
    let end = page.rfind("</main>").unwrap();
    page[start..end].to_string()
}

#[test]
fn the_exports_and_the_database_reproduce_the_admin_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let server = Server::start(&path);
    let people: &[&[(&str, &str)]] = &[
        ANA,
        &[("name", "Ben \"B\" O'Neil"), ("team", "lab"), ("dynamic_graphs", "5"), ("flexibility", "3")],
        &[("name", "Cleo"), ("team", "ops"), ("distributed_training", "4"), ("gpu_support", "3"), ("exclude", "mxnet")],
        &[("name", "Dan"), ("team", "ops"), ("mobile_deployment", "5"), ("beginner_friendliness", "2.5")],
        &[("name", "Eli"), ("team", "ops"), ("api_stability", "4"), ("languages", "python;r")],
        &[("name", "Fay <i>"), ("team", "<b>web</b>"), ("beginner_friendliness", "5"), ("rapid_prototyping", "4")],
    ];
    for answers in people {
        let reply = Browser::new(&server).answer(&server.survey, answers);
        assert_eq!(reply.status, 303, "{}", reply.body);
    }
    let admin = request(&server.addr, "GET", &server.admin, &[], b"");
    assert_eq!(admin.status, 200);
    assert!(admin.body.contains("Team ops (3 members)"), "{}", admin.body);
    assert!(admin.body.contains("Team &lt;b&gt;web&lt;/b&gt;"));
    assert!(!admin.body.contains("<style>"));
    for (ext, body) in ["csv", "jsonl"].iter().map(|ext| {
        let r = request(&server.addr, "GET", &format!("{}/results.{ext}", server.admin), &[], b"");
        assert_eq!(r.status, 200);
        (ext, r.body)
    }) {
        let file = dir.path().join(format!("results.{ext}"));
        std::fs::write(&file, &body).unwrap();
        let out = dlpick(&["batch", file.to_str().unwrap(), "--by-team", "--format", "html"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(results(&String::from_utf8(out.stdout).unwrap()), results(&admin.body), "{ext}");
    }
    assert!(std::fs::read_to_string(dir.path().join("results.csv")).unwrap().starts_with(&template()));
    // Everyone together is part of the report, with its consensus.
    assert!(admin.body.contains("id=\"everyone\""), "{}", admin.body);

    // The database itself, while the server runs.
    let out = dlpick(&["batch", path.to_str().unwrap(), "--by-team", "--format", "html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(results(&String::from_utf8(out.stdout).unwrap()), results(&admin.body));
    let out = dlpick(&["batch", path.to_str().unwrap()]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 7);
    // check reads it as batch does.
    let out = dlpick(&["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("(survey: 6 valid rows)"));
}

#[test]
fn a_restart_keeps_the_links_and_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let mut first = Server::start(&path);
    let sent = Browser::new(&first).answer(&first.survey, ANA);
    let private = sent.header("location").unwrap().to_string();
    let (survey, admin) = (first.survey.clone(), first.admin.clone());
    assert!(first.stop().success(), "SIGTERM stops it cleanly");
    let second = Server::start(&path);
    assert_eq!((&second.survey, &second.admin), (&survey, &admin));
    let page = request(&second.addr, "GET", &private, &[], b"");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("PyTorch fits best"));
    // A new database gets new links.
    let other = Server::start(&dir.path().join("other.db"));
    assert_ne!(other.survey, survey);
    assert_eq!(other.survey.len(), "/s/".len() + 32);
}

/// The action, CSRF token and form id of the form at `path`.
fn load_form(browser: &mut Browser<'_>, path: &str) -> (String, String, String) {
    let form = browser.get(path);
    assert_eq!(form.status, 200, "{}", form.body);
    (attribute(&form.body, "action=\"").unwrap(), hidden(&form.body, "csrf"), hidden(&form.body, "form_id"))
}

fn with_hidden<'a>(csrf: &'a str, form_id: &'a str, answers: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("csrf", csrf), ("form_id", form_id)];
    fields.extend_from_slice(answers);
    fields
}

/// The private token at the end of a private link.
fn link_token(location: &str) -> String {
    location.rsplit('/').next().unwrap().to_string()
}

const BEN: &[(&str, &str)] = &[("name", "Ben"), ("team", "ops"), ("mobile_deployment", "5"), ("languages", "java")];

#[test]
fn one_form_sent_with_other_answers_is_never_merged_nor_answered_with_the_first_link() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);
    let (action, csrf, form_id) = load_form(&mut browser, &server.survey);
    let first = browser.post(&action, &with_hidden(&csrf, &form_id, ANA));
    assert_eq!(first.status, 303, "{}", first.body);
    let ana_link = first.header("location").unwrap().to_string();
    // The same form with the same answers (a double click, a retry): the same answer.
    let again = browser.post(&action, &with_hidden(&csrf, &form_id, ANA));
    assert_eq!((again.status, again.header("location")), (303, Some(ana_link.as_str())));

    // The same form with someone else's answers (the back button, a kiosk).
    let other = browser.post(&action, &with_hidden(&csrf, &form_id, BEN));
    assert_eq!(other.status, 409, "{}", other.body);
    assert!(other.header("location").is_none());
    assert!(!other.body.contains(&link_token(&ana_link)), "the first person's link leaked");
    assert!(!other.body.contains("Ana"), "the first person's answers leaked");
    assert!(other.body.contains("already sent"), "{}", other.body);
    // The page holds Ben's own answers in a fresh form, which stores them.
    assert!(other.body.contains("value=\"Ben\""));
    assert!(other.body.contains("name=\"mobile_deployment\" value=\"5\" checked"));
    let fresh = hidden(&other.body, "form_id");
    assert_ne!(fresh, form_id);
    let ben = browser.post(&action, &with_hidden(&hidden(&other.body, "csrf"), &fresh, BEN));
    assert_eq!(ben.status, 303, "{}", ben.body);
    let ben_link = ben.header("location").unwrap().to_string();
    assert_ne!(ben_link, ana_link);
    assert!(browser.get(&ben_link).body.contains("Answers from Ben"));
    assert!(browser.get(&ana_link).body.contains("Answers from Ana"));

    // Revisions follow the same rule.
    let (edit_action, edit_csrf, edit_form) = load_form(&mut browser, &format!("{ana_link}/edit"));
    let revised: &[(&str, &str)] = &[("name", "Ana"), ("team", "lab"), ("flexibility", "5")];
    let r1 = browser.post(&edit_action, &with_hidden(&edit_csrf, &edit_form, revised));
    assert_eq!((r1.status, r1.header("location")), (303, Some(ana_link.as_str())), "{}", r1.body);
    let r2 = browser.post(&edit_action, &with_hidden(&edit_csrf, &edit_form, revised));
    assert_eq!((r2.status, r2.header("location")), (303, Some(ana_link.as_str())));
    let r3 = browser.post(&edit_action, &with_hidden(&edit_csrf, &edit_form, &[("name", "Ana"), ("gpu_support", "2")]));
    assert_eq!(r3.status, 409, "{}", r3.body);
    // A new answer carrying the form id a revision used is not that revision.
    let stolen = browser.post(&server.survey, &with_hidden(&edit_csrf, &edit_form, revised));
    assert_eq!(stolen.status, 409, "{}", stolen.body);
    assert!(!stolen.body.contains(&link_token(&ana_link)));

    let jsonl = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"");
    let names: Vec<&str> = jsonl.body.lines().map(|l| if l.contains("\"Ana\"") { "Ana" } else { "Ben" }).collect();
    assert_eq!(names, ["Ana", "Ben"], "{}", jsonl.body);
    assert!(jsonl.body.contains("\"flexibility\":5"), "{}", jsonl.body);
    let admin = request(&server.addr, "GET", &server.admin, &[], b"");
    assert!(admin.body.contains("2 respondents</strong> (3 responses counting revisions)"), "{}", admin.body);
}

/// Every byte of a database: the file, its write-ahead log and its index.
fn database_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        bytes.extend(std::fs::read(&name).unwrap_or_default());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_copied_database_yields_no_private_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let mut server = Server::start(&path);
    let mut secrets = Vec::new();
    let mut links = Vec::new();
    for answers in [ANA, BEN] {
        let mut browser = Browser::new(&server);
        let (action, csrf, form_id) = load_form(&mut browser, &server.survey);
        let sent = browser.post(&action, &with_hidden(&csrf, &form_id, answers));
        assert_eq!(sent.status, 303, "{}", sent.body);
        let link = sent.header("location").unwrap().to_string();
        let (edit_action, edit_csrf, edit_form) = load_form(&mut browser, &format!("{link}/edit"));
        let revised =
            browser.post(&edit_action, &with_hidden(&edit_csrf, &edit_form, &[("name", "X"), ("flexibility", "1")]));
        assert_eq!(revised.status, 303, "{}", revised.body);
        secrets.extend([form_id, edit_form, link_token(&link)]);
        links.push(link);
    }
    // While it runs and after it stopped: neither a form id nor a link.
    for stage in ["running", "stopped"] {
        let bytes = database_bytes(&path);
        assert!(!bytes.is_empty());
        for secret in &secrets {
            assert!(!contains(&bytes, secret), "{stage}: the database holds {secret}");
        }
        if stage == "running" {
            assert!(server.stop().success());
        }
    }
    // Nothing in the copy derives a link: no key beside the stored values.
    let copy = rusqlite::Connection::open(&path).unwrap();
    let keys: Vec<String> = copy
        .prepare("SELECT key FROM meta ORDER BY key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(keys, ["admin_token", "csrf_key", "survey_token"]);
    let columns: Vec<String> = copy
        .prepare("SELECT name FROM pragma_table_info('responses')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!columns.iter().any(|c| c == "form_id"), "{columns:?}");
    // The links still work after the restart.
    let again = Server::start(&path);
    for link in &links {
        assert_eq!(request(&again.addr, "GET", link, &[], b"").status, 200, "{link}");
    }
}

/// HMAC-SHA-256 of `label`, a NUL and `input` under `key`, as dlpick 0.1
/// derived private links, cut to 32 hex digits.
fn legacy_link(key: &str, input: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(b"edit\0");
    mac.update(input.as_bytes());
    hex(&mac.finalize().into_bytes())[..32].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(text.as_bytes()))
}

#[test]
fn a_database_of_the_first_schema_migrates_and_keeps_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    // A survey database as dlpick 0.1 wrote it: schema 1, links derived
    // from plain form ids under a key in `meta`.
    let (survey, admin, key, key2) = (
        "5f0c1e2d3c4b5a69788796a5b4c3d2e1",
        "91d2a3b4c5d6e7f8091a2b3c4d5e6f70",
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "f9e8d7c6b5a4938271605f4e3d2c1b0a",
    );
    let forms =
        ["aaaaaaaaaaaaaaaaaaaaaaaaaaaa0001", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0002", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0003"];
    let ana = legacy_link(&format!("{key}{key2}"), forms[0]);
    let ben = legacy_link(&format!("{key}{key2}"), forms[2]);
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE respondents (id INTEGER PRIMARY KEY, edit_digest TEXT NOT NULL UNIQUE,
                 created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
             CREATE TABLE responses (id INTEGER PRIMARY KEY, respondent INTEGER NOT NULL REFERENCES respondents(id),
                 form_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, team TEXT NOT NULL, profile TEXT NOT NULL,
                 fields TEXT NOT NULL, submitted TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
             CREATE INDEX responses_by_respondent ON responses(respondent, id);
             INSERT INTO meta VALUES ('survey_token', '{survey}'), ('admin_token', '{admin}'), ('key', '{key}'), ('key2', '{key2}');
             INSERT INTO respondents (id, edit_digest) VALUES (1, '{}'), (2, '{}');
             INSERT INTO responses (respondent, form_id, name, team, profile, fields) VALUES
               (1, '{}', 'Ana', 'lab', 'name = \"Ana\"\n\n[needs]\ndebuggability = 5\n', '{{\"debuggability\":\"5\"}}'),
               (1, '{}', 'Ana', 'lab', 'name = \"Ana\"\n\n[needs]\nflexibility = 4\n', '{{\"flexibility\":\"4\"}}'),
               (2, '{}', 'Ben', 'ops', 'name = \"Ben\"\n\n[needs]\nmobile_deployment = 5\n', '{{\"mobile_deployment\":\"5\"}}');
             PRAGMA user_version = 1;",
            sha256(&ana),
            sha256(&ben),
            forms[0],
            forms[1],
            forms[2],
        ))
        .unwrap();
    }
    let mut server = Server::start(&path);
    assert_eq!(
        (server.survey.as_str(), server.admin.as_str()),
        (&*format!("/s/{survey}"), &*format!("/admin/{admin}"))
    );
    // The links the old database gave keep working, with their answers.
    let ana_page = request(&server.addr, "GET", &format!("/s/{survey}/r/{ana}"), &[], b"");
    assert_eq!(ana_page.status, 200, "{}", ana_page.body);
    assert!(ana_page.body.contains("Answers from Ana"));
    let mut browser = Browser::new(&server);
    let edit = browser.get(&format!("/s/{survey}/r/{ben}/edit"));
    assert!(edit.body.contains("name=\"mobile_deployment\" value=\"5\" checked"), "{}", edit.body);
    let revised = browser.answer(&format!("/s/{survey}/r/{ben}/edit"), &[("name", "Ben"), ("gpu_support", "3")]);
    assert_eq!(revised.header("location"), Some(format!("/s/{survey}/r/{ben}").as_str()), "{}", revised.body);
    let jsonl = request(&server.addr, "GET", &format!("/admin/{admin}/results.jsonl"), &[], b"");
    assert_eq!(jsonl.body.lines().count(), 2, "{}", jsonl.body);
    assert!(jsonl.body.contains("\"flexibility\":4") && jsonl.body.contains("\"gpu_support\":3"), "{}", jsonl.body);
    assert!(server.stop().success());
    // Nothing left recomputes a link: neither the key nor a form id.
    let bytes = database_bytes(&path);
    for secret in [key, key2].iter().chain(&forms).chain([&ana.as_str(), &ben.as_str()]) {
        assert!(!contains(&bytes, secret), "the migrated database holds {secret}");
    }
}

/// Read until the server closes the connection; `None` when it is still
/// open after `seconds` (the test's bound, far above the timeout tested).
fn read_until_closed(stream: &mut TcpStream, seconds: u64) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(seconds))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(got),
            Err(_) => return None,
        }
    }
}

#[test]
fn slow_and_idle_clients_are_closed_within_the_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        &db(&dir),
        &["--quiet", "--header-timeout", "1", "--request-timeout", "1"],
        Stdio::inherit(),
    );
    let addr = server.addr.clone();
    let survey = server.survey.clone();
    // Four clients at once: one sends nothing, one half a request head, one
    // idles after a request on a kept-alive connection, one drips its body.
    let cases: Vec<(&str, String)> = vec![
        ("silent", String::new()),
        ("half a head", format!("GET {survey} HTTP/1.1\r\nHost: x\r\nX-Slow: ")),
        ("idle keep-alive", format!("GET {survey} HTTP/1.1\r\nHost: x\r\n\r\n")),
        ("dripped body", format!("POST {survey} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nname=An")),
    ];
    let threads: Vec<_> = cases
        .into_iter()
        .map(|(what, sent)| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream.write_all(sent.as_bytes()).unwrap();
                (what, read_until_closed(&mut stream, 20))
            })
        })
        .collect();
    for thread in threads {
        let (what, got) = thread.join().unwrap();
        let got = got.unwrap_or_else(|| panic!("{what}: still open after 20 s with 1 s timeouts"));
        let text = String::from_utf8_lossy(&got);
        match what {
            "idle keep-alive" => assert!(text.starts_with("HTTP/1.1 200"), "{what}: {text}"),
            "dripped body" => {
                assert!(text.starts_with("HTTP/1.1 408"), "{what}: {text}");
                assert!(text.contains("not acknowledged"), "{text}");
            }
            _ => assert!(!text.contains("HTTP/1.1 2") && !text.contains("HTTP/1.1 3"), "{what}: {text}"),
        }
    }
    // Nothing from the dripped form was stored.
    let csv = request(&server.addr, "GET", &format!("{}/results.csv", server.admin), &[], b"");
    assert_eq!(csv.body.lines().count(), 1, "{}", csv.body);
}

#[test]
fn connections_past_the_cap_wait_until_one_closes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        &db(&dir),
        &["--quiet", "--max-connections", "2", "--header-timeout", "60"],
        Stdio::inherit(),
    );
    let mut held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    // Both slots are taken: a third client is not answered...
    let mut third = TcpStream::connect(&server.addr).unwrap();
    third
        .write_all(format!("GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", server.survey).as_bytes())
        .unwrap();
    third.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut byte = [0u8; 1];
    let early = third.read(&mut byte);
    assert!(early.is_err(), "answered past the cap: {early:?}");
    // ...until a slot frees.
    held.pop();
    let got = read_until_closed(&mut third, 20).expect("answered once a slot freed");
    let text = format!("{}{}", char::from(byte[0]), String::from_utf8_lossy(&got));
    assert!(text.contains("200 OK"), "{text}");
    drop(held);
}

/// A client that sends request after request on one connection and never
/// reads the answers is cut off once an answer cannot be written within the
/// request timeout: it does not keep its slot under the connection cap.
#[test]
fn a_client_that_never_reads_its_answers_loses_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        &db(&dir),
        &["--quiet", "--max-connections", "1", "--header-timeout", "60", "--request-timeout", "1"],
        Stdio::inherit(),
    );
    // 1,500 pipelined requests for the 16 KB form: far more answer than
    // the sockets' buffers hold.
    let mut hog = TcpStream::connect(&server.addr).unwrap();
    let pipelined = format!("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", server.survey).repeat(1500);
    hog.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = hog.write_all(pipelined.as_bytes());
    // The only slot is the hog's until the server gives up on it.
    let reply = request(&server.addr, "GET", &server.survey, &[], b"");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = read_until_closed(&mut hog, 20).expect("the hog's connection closed");
    let answered = String::from_utf8_lossy(&got).matches("HTTP/1.1 200").count();
    assert!(answered < 1500, "{answered} answers");
}

#[test]
fn sigterm_ends_the_server_within_its_grace_period_with_a_request_open() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.txt");
    let mut server = Server::start_with(
        &db(&dir),
        &["--grace", "1", "--header-timeout", "60", "--request-timeout", "60"],
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    let mut browser = Browser::new(&server);
    let (action, csrf, form_id) = load_form(&mut browser, &server.survey);
    // A form whose body is still on its way, and a request head cut short.
    let mut partial = TcpStream::connect(&server.addr).unwrap();
    let body = with_hidden(&csrf, &form_id, ANA)
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let head = format!(
        "POST {action} HTTP/1.1\r\nHost: x\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        browser.cookie.clone().unwrap(),
        body.len()
    );
    partial.write_all(head.as_bytes()).unwrap();
    partial.write_all(&body.as_bytes()[..body.len() - 3]).unwrap();
    let mut half = TcpStream::connect(&server.addr).unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    // Let the server read what was sent before the signal.
    let _ = request(&server.addr, "GET", "/", &[], b"");
    let status = server.stop_within(400);
    assert!(status.success(), "{status:?}");
    // The cut-off form got no answer, and nothing was stored.
    let got = read_until_closed(&mut partial, 20).expect("closed");
    assert!(got.is_empty() || !String::from_utf8_lossy(&got).starts_with("HTTP/1.1 303"), "{got:?}");
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(stderr.contains("grace period"), "{stderr}");
    let out = dlpick(&["batch", db(&dir).to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    drop(half);
}

#[test]
fn a_database_removed_or_replaced_while_running_acknowledges_nothing_more() {
    for replace in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = db(&dir);
        let log = dir.path().join("stderr.txt");
        let mut server = Server::start_with(&path, &[], Stdio::from(std::fs::File::create(&log).unwrap()));
        let first = Browser::new(&server).answer(&server.survey, ANA);
        assert_eq!(first.status, 303);
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(&name);
        }
        if replace {
            std::fs::write(&path, b"another file").unwrap();
        }
        let second = Browser::new(&server).answer(&server.survey, BEN);
        assert_eq!(second.status, 500, "replace {replace}: {}", second.body);
        assert!(second.header("location").is_none());
        assert!(second.body.contains("removed or replaced"), "{}", second.body);
        let status = server.stop();
        assert!(!status.success(), "replace {replace}: {status:?}");
        let stderr = std::fs::read_to_string(&log).unwrap();
        assert!(stderr.contains("was removed or replaced"), "{stderr}");
        assert!(!stderr.contains("every answer acknowledged is in"), "{stderr}");
    }
}

/// The write-ahead log removed while the server runs: a commit would go to
/// a file nobody can read after a crash, so nothing more is acknowledged,
/// and what was acknowledged before is moved into the database (it survives
/// SIGKILL). Stopped, the server says what happened.
#[test]
fn a_write_ahead_log_removed_while_running_acknowledges_nothing_more_and_loses_nothing() {
    for kill in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let path = db(&dir);
        let log = dir.path().join("stderr.txt");
        let mut server = Server::start_with(&path, &[], Stdio::from(std::fs::File::create(&log).unwrap()));
        assert_eq!(Browser::new(&server).answer(&server.survey, ANA).status, 303);
        std::fs::remove_file(dir.path().join("survey.db-wal")).unwrap();
        if kill {
            let second = Browser::new(&server).answer(&server.survey, BEN);
            assert_eq!(second.status, 500, "{}", second.body);
            assert!(second.body.contains("removed or replaced"), "{}", second.body);
            server.child.kill().unwrap();
            server.child.wait().unwrap();
        } else {
            assert!(!server.stop().success());
        }
        let stderr = std::fs::read_to_string(&log).unwrap();
        assert!(stderr.contains("survey.db-wal"), "{stderr}");
        assert!(!stderr.contains("every answer acknowledged is in"), "{stderr}");
        if !kill {
            assert!(stderr.contains("the answers acknowledged before it are in"), "{stderr}");
        }
        let out = dlpick(&["batch", path.to_str().unwrap()]);
        let rows = String::from_utf8(out.stdout).unwrap();
        assert_eq!(rows.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect::<Vec<_>>(), ["Ana"], "{rows}");
    }
}

#[test]
fn any_method_on_a_wrong_token_or_unknown_link_gets_the_same_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let plain = request(&server.addr, "GET", "/", &[], b"");
    let mut browser = Browser::new(&server);
    let (_, csrf, form_id) = load_form(&mut browser, &server.survey);
    let unknown = format!("{}/r/{}", server.survey, "0123456789abcdef0123456789abcdef");
    let mut wrong = server.survey.clone();
    wrong.replace_range(3..4, if wrong[3..].starts_with('0') { "1" } else { "0" });
    for (method, path) in [
        ("POST", wrong.clone()),
        ("PUT", wrong.clone()),
        ("PUT", server.survey.clone()),
        ("DELETE", server.admin.clone()),
        ("POST", server.admin.clone()),
        ("POST", format!("{}/results.csv", server.admin)),
        ("PUT", unknown.clone()),
    ] {
        let reply = request(&server.addr, method, &path, &browser.headers(), b"");
        assert_eq!((reply.status, &reply.body), (404, &plain.body), "{method} {path}");
    }
    // A revision for a link nobody has: 404 whether its form is valid,
    // invalid or without its CSRF token.
    for fields in [
        with_hidden(&csrf, &form_id, ANA),
        with_hidden(&csrf, &form_id, &[("name", ""), ("flexibility", "9")]),
        vec![("name", "Eve"), ("debuggability", "5")],
    ] {
        let reply = browser.post(&unknown, &fields);
        assert_eq!((reply.status, &reply.body), (404, &plain.body), "{fields:?}");
    }
}

#[test]
fn a_field_sent_twice_or_one_the_form_lacks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);
    let (action, csrf, form_id) = load_form(&mut browser, &server.survey);
    for (extra, named) in [
        (vec![("name", "Ana"), ("name", "Eve")], "`name`"),
        (vec![("name", "Ana"), ("debuggability", "1"), ("debuggability", "5")], "`debuggability`"),
        (vec![("name", "Ana"), ("form_id", "0123456789abcdef0123456789abcdef")], "`form_id`"),
        (vec![("name", "Ana"), ("csrf", csrf.as_str())], "`csrf`"),
        (vec![("name", "Ana"), ("notes", "kept?")], "`notes`"),
        (vec![("name", "Ana"), ("x".repeat(20_000).leak(), "1")], "`xxxxxxxx"),
    ] {
        let mut fields = with_hidden(&csrf, &form_id, &[("flexibility", "3")]);
        fields.extend(extra);
        let reply = browser.post(&action, &fields);
        assert_eq!(reply.status, 422, "{named}");
        assert!(reply.body.contains(named), "{named}");
        assert!(!reply.body.contains(&"x".repeat(100)), "the quoted field is cut");
    }
    // Check boxes are the fields sent several times by design.
    let mut fields = with_hidden(&csrf, &form_id, &[("name", "Ana"), ("flexibility", "3")]);
    fields.extend([("languages", "python"), ("languages", "r"), ("exclude", "theano"), ("exclude", "cntk")]);
    let reply = browser.post(&action, &fields);
    assert_eq!(reply.status, 303, "{}", reply.body);
    let jsonl = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"");
    assert_eq!(jsonl.body.lines().count(), 1, "{}", jsonl.body);
    assert!(jsonl.body.contains("\"languages\":[\"python\",\"r\"]"), "{}", jsonl.body);
    assert!(!jsonl.body.contains("notes"));
}

#[test]
fn formula_hash_and_bidi_names_survive_the_export_and_batch_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let names = [
        "=HYPERLINK(\"http://example.com\",\"x\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "\t=tab",
        "'=quoted",
        "#hash",
        "abc\u{202e}gnp.exe",
        "Plain",
    ];
    for (i, name) in names.iter().enumerate() {
        let team = match i {
            7 => "lab\u{202e}gnp.exe",
            _ if i % 2 == 0 => "=1+1",
            _ => "#ops",
        };
        let need = ["1", "2", "3", "4", "5"][i % 5];
        let reply =
            Browser::new(&server).answer(&server.survey, &[("name", name), ("team", team), ("debuggability", need)]);
        assert_eq!(reply.status, 303, "{name}: {}", reply.body);
    }
    let admin = request(&server.addr, "GET", &server.admin, &[], b"");
    assert!(admin.body.contains("9 respondents"), "{}", admin.body);
    assert!(!admin.body.contains('\u{202e}'), "a raw override on the admin page");
    assert!(admin.body.contains("lab\\u{202e}gnp.exe"), "the override shows escaped");

    let csv_text = request(&server.addr, "GET", &format!("{}/results.csv", server.admin), &[], b"").body;
    let jsonl_text = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"").body;
    assert!(!jsonl_text.contains('\u{202e}') && jsonl_text.contains("abc\\u202egnp.exe"), "{jsonl_text}");
    assert!(csv_text.lines().any(|l| l.starts_with("\"#hash\",")), "{csv_text}");
    let cells: Vec<(String, String)> = csv::ReaderBuilder::new()
        .from_reader(csv_text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    // Formulas carry batch's neutralising quote mark; the rest is as typed.
    let expected = [
        "'=HYPERLINK(\"http://example.com\",\"x\")",
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "'=tab",
        "''=quoted",
        "#hash",
        "abc\u{202e}gnp.exe",
        "Plain",
    ];
    let written: Vec<&str> = cells.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(written, expected);
    assert!(
        cells.iter().all(|(_, team)| ["'=1+1", "#ops", "lab\u{202e}gnp.exe"].contains(&team.as_str())),
        "{cells:?}"
    );

    for (ext, body) in [("csv", &csv_text), ("jsonl", &jsonl_text)] {
        let file = dir.path().join(format!("results.{ext}"));
        std::fs::write(&file, body).unwrap();
        let out = dlpick(&["batch", file.to_str().unwrap(), "--by-team", "--format", "html"]);
        assert!(out.status.success(), "{ext}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("9 scored, 0 rejected"), "{ext}");
        assert_eq!(results(&String::from_utf8(out.stdout).unwrap()), results(&admin.body), "{ext}");
    }
    // batch's own CSV neutralises these names the same way.
    let out = dlpick(&["batch", dir.path().join("results.csv").to_str().unwrap(), "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let batch_names: Vec<String> =
        csv::Reader::from_reader(&out.stdout[..]).records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(batch_names[..7], expected[..7]);
    assert_eq!(batch_names[7], "abc\\u{202e}gnp.exe", "shown escaped in batch's output");
}

/// A small tmpfs mounted for a test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// `None` where mounting is not allowed.
    fn tmpfs(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(at.to_path_buf()))
    }

    fn read_only(&self) {
        let status = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// An attribute's text as the browser reads it: the references in `html`
/// turned back into characters.
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').unwrap() + at;
        let name = &rest[at + 1..end];
        out.push(match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            _ => match name.strip_prefix("#x") {
                Some(hex) => char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap(),
                None => char::from_u32(name.strip_prefix('#').unwrap().parse().unwrap()).unwrap(),
            },
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The text field `name`'s value in a form, as the browser sends it back.
fn text_value(html: &str, name: &str) -> String {
    unescape(&attribute(html, &format!("type=\"text\" id=\"f-{name}\" name=\"{name}\" value=\"")).unwrap())
}

/// Each current respondent's name and team, from the JSON Lines export.
fn stored_names(server: &Server) -> Vec<(String, String)> {
    let jsonl = request(&server.addr, "GET", &format!("{}/results.jsonl", server.admin), &[], b"");
    jsonl
        .body
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["name"].as_str().unwrap().to_string(), v["team"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

/// The revise form and a form shown again hold names and teams exactly as
/// sent (hidden characters and every combining mark), so sending them back
/// unchanged stores what was stored; the private page shows such
/// characters escaped.
#[test]
fn forms_send_back_hidden_characters_and_marks_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let name = format!("abc\u{202e}gnp.exe <Zo\u{200b}e> & \"Z{}\"", "\u{301}".repeat(20));
    let team = "t\u{200b}x\u{2066}'";
    let mut browser = Browser::new(&server);
    let sent = browser.answer(&server.survey, &[("name", &name), ("team", team), ("debuggability", "5")]);
    assert_eq!(sent.status, 303, "{}", sent.body);
    let private = sent.header("location").unwrap().to_string();
    assert_eq!(stored_names(&server), [(name.clone(), team.to_string())]);
    let page = browser.get(&private).body;
    assert!(page.contains("abc\\u{202e}gnp.exe") && !page.contains('\u{202e}'), "{page}");
    // The revise form, sent back as it came.
    let edit = browser.get(&format!("{private}/edit"));
    assert!(!edit.body.contains('\u{202e}') && !edit.body.contains('\u{200b}'), "raw hidden characters");
    let (shown_name, shown_team) = (text_value(&edit.body, "name"), text_value(&edit.body, "team"));
    assert_eq!((shown_name.as_str(), shown_team.as_str()), (name.as_str(), team));
    let revised = browser.answer(
        &format!("{private}/edit"),
        &[("name", &shown_name), ("team", &shown_team), ("debuggability", "5"), ("flexibility", "2")],
    );
    assert_eq!(revised.status, 303, "{}", revised.body);
    assert_eq!(stored_names(&server), [(name.clone(), team.to_string())]);
    // A form shown again for a bad answer keeps the name as typed.
    let zoe = "Zo\u{200b}e";
    let (action, csrf, form_id) = load_form(&mut browser, &server.survey);
    let bad = browser.post(&action, &with_hidden(&csrf, &form_id, &[("name", zoe), ("debuggability", "9")]));
    assert_eq!(bad.status, 422, "{}", bad.body);
    let again = text_value(&bad.body, "name");
    assert_eq!(again, zoe);
    let good = browser.post(&action, &with_hidden(&csrf, &form_id, &[("name", &again), ("debuggability", "4")]));
    assert_eq!(good.status, 303, "{}", good.body);
    assert_eq!(stored_names(&server), [(name, team.to_string()), (zoe.to_string(), String::new())]);
}

#[test]
fn a_read_only_medium_is_named_and_batch_reads_a_survey_there() {
    let dir = tempfile::tempdir().unwrap();
    let mount = Mount::tmpfs(&dir.path().join("medium"))
        .expect("this test mounts a tmpfs, which needs root (as CI runs); run it as root");
    let path = mount.0.join("survey.db");
    let mut server = Server::start(&path);
    assert_eq!(Browser::new(&server).answer(&server.survey, ANA).status, 303);
    assert!(server.stop().success());
    mount.read_only();
    let out = dlpick(&["batch", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Ana,lab,pytorch"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for db in [path.clone(), mount.0.join("new.db")] {
        let out = dlpick(&["serve", "--bind", "127.0.0.1:0", "--db", db.to_str().unwrap()]);
        // A storage failure, not bad input.
        assert_eq!(out.status.code(), Some(3));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("read-only") && err.contains(db.to_str().unwrap()), "{err}");
        assert!(out.stdout.is_empty(), "no links printed");
    }
}

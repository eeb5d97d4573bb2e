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
        let mut child = Command::new(env!("CARGO_BIN_EXE_dlpick"))
            .args(["serve", "--quiet", "--bind", "127.0.0.1:0", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
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
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..100 {
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

fn dlpick(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dlpick")).args(args).output().unwrap()
}

const ANA: &[(&str, &str)] =
    &[("name", "Ana"), ("team", "lab"), ("debuggability", "5"), ("dynamic_graphs", "4"), ("languages", "python")];

#[test]
fn submit_see_the_recommendation_and_revise() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&db(&dir));
    let mut browser = Browser::new(&server);

    let form = browser.get(&server.survey);
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
    assert!(
        std::fs::read_to_string(dir.path().join("results.csv"))
            .unwrap()
            .starts_with(String::from_utf8(dlpick(&["batch", "--template"]).stdout).unwrap().trim_end())
    );
    // Everyone together is part of the report, with its consensus.
    assert!(admin.body.contains("id=\"everyone\""), "{}", admin.body);

    // The database itself, while the server runs.
    let out = dlpick(&["batch", path.to_str().unwrap(), "--by-team", "--format", "html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(results(&String::from_utf8(out.stdout).unwrap()), results(&admin.body));
    let out = dlpick(&["batch", path.to_str().unwrap()]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 7);
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

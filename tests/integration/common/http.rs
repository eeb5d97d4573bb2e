//! `dlpick serve` for tests: the real binary on a free loopback port, and a
//! small HTTP/1.1 client that keeps its cookie, as a browser does.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    /// The survey's path, `/s/…`.
    pub survey: String,
    /// The admin page's path, `/admin/…`.
    pub admin: String,
}

impl Server {
    /// Serve `db` on 127.0.0.1, a free port, with `env` set.
    pub fn start(db: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = super::command_in(&super::root())
            .args(["serve", "--quiet", "--bind", "127.0.0.1:0", "--db"])
            .arg(db)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
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
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Reply {
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
    stream.write_all(body).unwrap();
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

/// A browser, as far as the tests need one: it keeps its cookie and fills
/// in a form's hidden fields.
pub struct Browser<'a> {
    server: &'a Server,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a Server) -> Self {
        Self { server, cookie: None }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        self.cookie.iter().map(|c| ("Cookie", c.clone())).collect()
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let reply = request(&self.server.addr, "GET", path, &self.headers(), b"");
        if let Some(c) = reply.header("set-cookie") {
            self.cookie = Some(c.split(';').next().unwrap().to_string());
        }
        reply
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let mut headers = self.headers();
        headers.push(("Content-Type", "application/x-www-form-urlencoded".to_string()));
        request(&self.server.addr, "POST", path, &headers, body.as_bytes())
    }

    /// Load the form at `path` and send it with `answers` (its hidden fields added).
    pub fn answer(&mut self, path: &str, answers: &[(&str, &str)]) -> Reply {
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

/// The text after `prefix` up to the next `"`: an attribute's value.
pub fn attribute(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)? + prefix.len();
    Some(html[start..].split('"').next()?.to_string())
}

fn hidden(html: &str, name: &str) -> String {
    attribute(html, &format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no hidden {name}"))
}

/// Every `<input>` of a page as (name, value, type, checked), in order.
pub fn inputs(html: &str) -> Vec<(String, String, String, bool)> {
    let mut out = Vec::new();
    for piece in html.split("<input ").skip(1) {
        let tag = piece.split('>').next().unwrap_or("");
        let attr = |name: &str| {
            let prefix = format!("{name}=\"");
            tag.find(&prefix).map(|i| tag[i + prefix.len()..].split('"').next().unwrap_or("").to_string())
        };
        if let Some(name) = attr("name") {
            out.push((
                name,
                attr("value").unwrap_or_default(),
                attr("type").unwrap_or_default(),
                tag.contains(" checked"),
            ));
        }
    }
    out
}

/// The form's action.
pub fn action(html: &str) -> String {
    let start = html.find("action=\"").unwrap() + "action=\"".len();
    html[start..].split('"').next().unwrap().to_string()
}

/// `&amp;` and friends back to text.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// A page's text: tags dropped (each as a space), entities decoded, every
/// run of whitespace one space.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    super::flat(&unescape(&out))
}

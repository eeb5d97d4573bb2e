"""Minimal Python baseline of dlpick serve's form handler, for the benchmark:
stdlib http.server (a thread per connection, HTTP/1.1 keep-alive) and
sqlite3 (WAL, synchronous=FULL, one commit per response, a success reply only
after COMMIT). Same form, same CSRF scheme (HMAC of a cookie), same checks on
name and answers, same stored profile text; no HTML rendering of results.

    python3 scripts/baseline_serve.py DB PORT
"""

import hashlib
import hmac
import http.server
import os
import sqlite3
import sys
import threading
import urllib.parse

CRITERIA = [
    "beginner_friendliness", "debuggability", "flexibility", "dynamic_graphs",
    "rapid_prototyping", "distributed_training", "gpu_support", "mobile_deployment",
    "multi_language", "visualization", "api_stability",
]
LANGUAGES = ["c++", "java", "javascript", "julia", "lua", "matlab", "python", "r", "scala"]
FRAMEWORKS = ["tensorflow", "pytorch", "keras", "mxnet", "cntk", "caffe2", "theano", "scikit_learn"]

DB, PORT = sys.argv[1], int(sys.argv[2])
conn = sqlite3.connect(DB, check_same_thread=False, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
conn.execute(
    "CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, form_id TEXT UNIQUE, name TEXT, team TEXT,"
    " profile TEXT, submitted TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)
conn.execute("INSERT OR IGNORE INTO meta VALUES ('survey', ?), ('key', ?)", (os.urandom(16).hex(), os.urandom(32).hex()))
TOKEN = conn.execute("SELECT value FROM meta WHERE key='survey'").fetchone()[0]
KEY = conn.execute("SELECT value FROM meta WHERE key='key'").fetchone()[0].encode()
lock = threading.Lock()


def csrf_for(cookie):
    return hmac.new(KEY, b"csrf\0" + cookie.encode(), hashlib.sha256).hexdigest()


def form_html(csrf, form_id):
    fields = "".join(
        f'<fieldset><legend>{c}</legend>'
        + "".join(f'<label><input type="radio" name="{c}" value="{n}">{n}</label>' for n in range(6))
        + "</fieldset>"
        for c in CRITERIA
    )
    return (
        f'<!DOCTYPE html><html><body><form method="post"><input type="hidden" name="csrf" value="{csrf}">'
        f'<input type="hidden" name="form_id" value="{form_id}"><input name="name"><input name="team">'
        f"{fields}<button>Send</button></form></body></html>"
    )


def validate(fields):
    name = fields.get("name", "").strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        return None, "bad name"
    needs = {}
    for c in CRITERIA:
        text = fields.get(c, "").strip()
        if text:
            try:
                v = float(text)
            except ValueError:
                return None, f"{c}: not a number"
            if not 0 <= v <= 5:
                return None, f"{c}: out of range"
            needs[c] = v
    if not any(v > 0 for v in needs.values()):
        return None, "no needs"
    langs = [x.strip().lower() for x in fields.get("languages", "").split(";") if x.strip()]
    excl = [x.strip().lower() for x in fields.get("exclude", "").split(";") if x.strip()]
    if any(x not in LANGUAGES for x in langs) or any(x not in FRAMEWORKS for x in excl):
        return None, "unknown language or framework"
    lines = [f'name = "{name}"', "", "[needs]"]
    lines += [f"{c} = {needs.get(c, 0):g}" for c in CRITERIA]
    lines += ["", "[require]", f"languages = {langs}", "active_only = false", f"exclude = {excl}"]
    return (name, fields.get("team", "").strip()[:100], "\n".join(lines) + "\n"), None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def cookie(self):
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "csrf":
                return v
        return None

    def do_GET(self):
        if self.path != f"/s/{TOKEN}":
            return self.send(404, b"not found")
        cookie = self.cookie() or os.urandom(16).hex()
        body = form_html(csrf_for(cookie), os.urandom(16).hex()).encode()
        self.send(200, body, [("Content-Type", "text/html; charset=utf-8"),
                              ("Set-Cookie", f"csrf={cookie}; Path=/; HttpOnly; SameSite=Strict")])

    def do_POST(self):
        if self.path != f"/s/{TOKEN}":
            return self.send(404, b"not found")
        length = int(self.headers.get("Content-Length", "0"))
        if length > 64 * 1024:
            self.close_connection = True
            return self.send(413, b"too large")
        raw = self.rfile.read(length)
        fields = {}
        for k, v in urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
            fields[k] = fields[k] + ";" + v if k in fields else v
        cookie = self.cookie()
        if not cookie or not hmac.compare_digest(fields.get("csrf", ""), csrf_for(cookie)):
            return self.send(403, b"forbidden")
        valid, problem = validate(fields)
        if not valid:
            return self.send(422, problem.encode())
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT OR IGNORE INTO responses (form_id, name, team, profile) VALUES (?, ?, ?, ?)",
                (fields.get("form_id") or os.urandom(16).hex(), *valid),
            )
            conn.execute("COMMIT")
        self.send(303, b"", [("Location", f"/s/{TOKEN}/r/{fields.get('form_id', '')}")])


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(f"survey: http://127.0.0.1:{server.server_address[1]}/s/{TOKEN}", flush=True)
server.serve_forever()

//! The layers, enforced: every `crate::` path in `src/` must be one that
//! the table in `docs/ARCHITECTURE.md` allows. The table is the rule; this
//! test reads it, so the document and the check cannot drift apart.
//!
//! A path is read wherever code names it (`use crate::…` with its nested
//! `{…}` groups, and `crate::…` inside expressions and types); comments,
//! doc comments, strings and character literals are skipped. Tests inside
//! a module count like the rest of its code.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The allowed imports, as `docs/ARCHITECTURE.md` lists them.
struct Rules {
    /// Modules in table order: each may import only modules above it.
    order: Vec<String>,
    /// The modules of the foundation layer, which every module above the
    /// foundation may import.
    foundation: BTreeSet<String>,
    /// What each module may import besides the foundation: a module
    /// (`team`) or one of its submodules (`batch::sink`).
    allowed: BTreeMap<String, Vec<String>>,
}

impl Rules {
    /// The rows of the table under the heading "## Allowed imports":
    /// `| `module` | layer | `a`, `b::c` |` (or `—` for nothing).
    fn parse(doc: &str) -> Self {
        let mut rules = Rules { order: Vec::new(), foundation: BTreeSet::new(), allowed: BTreeMap::new() };
        let section = doc.split("\n## Allowed imports").nth(1).expect("an \"Allowed imports\" section");
        let names = |cell: &str| -> Vec<String> {
            cell.split(',')
                .map(|n| n.trim().trim_matches('`').to_string())
                .filter(|n| !n.is_empty() && n != "—")
                .collect()
        };
        for line in section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            let [module, layer, imports] = cells[..] else { panic!("a row of three cells: {line}") };
            if !module.starts_with('`') {
                continue; // the header and the rule below it
            }
            let module = module.trim_matches('`').to_string();
            if layer == "foundation" {
                rules.foundation.insert(module.clone());
            }
            rules.order.push(module.clone());
            rules.allowed.insert(module, names(imports));
        }
        rules
    }

    /// Whether `module` may name `path` (its segments after `crate::`).
    fn allows(&self, module: &str, path: &[String]) -> bool {
        let target = &path[0];
        if *target == module || (!self.foundation.contains(module) && self.foundation.contains(target)) {
            return true;
        }
        self.allowed.get(module).is_some_and(|allowed| {
            allowed.iter().any(|a| {
                let wanted: Vec<&str> = a.split("::").collect();
                wanted.len() <= path.len() && wanted.iter().zip(path).all(|(w, p)| w == p)
            })
        })
    }

    /// What `module` may import, for messages.
    fn listed(&self, module: &str) -> String {
        let mut names: Vec<String> = self.allowed.get(module).cloned().unwrap_or_default();
        if !self.foundation.contains(module) {
            names.push("the foundation".to_string());
        }
        if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
    }
}

/// `code` with comments, strings and character literals blanked out
/// (line breaks kept, so that line numbers stay right).
fn strip(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    let word_before = |i: usize| i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 2;
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                if depth == 0 {
                    break;
                }
            }
        } else if !word_before(i) && raw_string_start(rest).is_some() {
            let (open, hashes) = raw_string_start(rest).unwrap_or_default();
            i += open;
            while i < chars.len()
                && !(chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes)
            {
                blank(&mut out, chars[i]);
                i += 1;
            }
            i += 1 + hashes;
        } else if chars[i] == '"' || (!word_before(i) && rest.starts_with(&['b', '"'])) {
            i += if chars[i] == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                blank(&mut out, chars[i]);
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if chars[i] == '\'' && rest.get(1) == Some(&'\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if chars[i] == '\'' && rest.get(2) == Some(&'\'') {
            i += 3; // a character literal, not a lifetime
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `r"`, `r#"`, `br##"` …: how many characters open it and how many `#`s.
fn raw_string_start(rest: &[char]) -> Option<(usize, usize)> {
    let after_b = usize::from(rest.first() == Some(&'b'));
    if rest.get(after_b) != Some(&'r') {
        return None;
    }
    let hashes = rest[after_b + 1..].iter().take_while(|c| **c == '#').count();
    (rest.get(after_b + 1 + hashes) == Some(&'"')).then_some((after_b + 2 + hashes, hashes))
}

/// Every path named after `crate::` in stripped `code`, with its line:
/// `crate::a::{b, c::{d}}` gives `a::b` and `a::c::d`.
fn crate_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = find(&chars, i, "crate::") {
        let word_before = at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
        i = at + "crate::".len();
        if word_before {
            continue;
        }
        let line = 1 + chars[..at].iter().filter(|c| **c == '\n').count();
        let mut paths = Vec::new();
        use_tree(&chars, &mut i, &mut Vec::new(), &mut paths);
        found.extend(paths.into_iter().map(|p| (line, p)));
    }
    found
}

fn find(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len().saturating_sub(needle.len() - 1)).find(|&i| chars[i..].starts_with(&needle))
}

/// Read one use tree at `i`: `a::b`, `a::{b, c}`, `a::*`, `a as b`.
fn use_tree(chars: &[char], i: &mut usize, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let skip_space = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_space(i);
    if chars.get(*i) == Some(&'{') {
        *i += 1;
        loop {
            skip_space(i);
            match chars.get(*i) {
                Some('}') | None => {
                    *i += 1;
                    return;
                }
                Some('*') => {
                    out.push(prefix.clone());
                    *i += 1;
                }
                Some(c) if c.is_alphanumeric() || *c == '_' || *c == '{' => {
                    let depth = prefix.len();
                    use_tree(chars, i, prefix, out);
                    prefix.truncate(depth);
                }
                Some(_) => *i += 1,
            }
        }
    }
    let start = *i;
    while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
        *i += 1;
    }
    if *i == start {
        if !prefix.is_empty() {
            out.push(prefix.clone()); // `a::*`
        }
        return;
    }
    prefix.push(chars[start..*i].iter().collect());
    if chars[*i..].starts_with(&[':', ':']) {
        *i += 2;
        use_tree(chars, i, prefix, out);
        return;
    }
    out.push(prefix.clone());
    // `a as b`: the new name is no path.
    let mut j = *i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    if chars[j..].starts_with(&['a', 's']) && chars.get(j + 2).is_some_and(|c| c.is_whitespace()) {
        j += 2;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        *i = j;
    }
}

/// The module a file of `src/` belongs to: `score` for `src/score/rows.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Items the crate root re-exports (`pub use error::{Error, Result}`), by
/// the module they come from.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (_, path) in crate_paths(&strip(&lib.replace("pub use ", "pub use crate::"))) {
        if let [module, item] = &path[..] {
            names.insert(item.clone(), module.clone());
        }
    }
    names
}

/// Every import in `src/` against the rules: one line per import the
/// rules do not allow, and per module they do not list.
fn violations(root: &Path) -> Vec<String> {
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let rules = Rules::parse(&doc);
    let src = root.join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = root_reexports(&lib);
    let mut problems = Vec::new();
    for (i, module) in rules.order.iter().enumerate() {
        for allowed in &rules.allowed[module] {
            let target = allowed.split("::").next().unwrap_or_default();
            if !rules.order[..i].iter().any(|m| m == target) {
                problems.push(format!(
                    "docs/ARCHITECTURE.md: `{module}` may import `{allowed}`, which is not listed above it (a cycle, or a typo)"
                ));
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let here = Path::new(file!()).file_name().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for file in files {
        let module = module_of(&src, &file);
        if matches!(module.as_str(), "lib" | "main") || file.file_name() == Some(here) {
            continue;
        }
        if seen.insert(module.clone()) && !rules.allowed.contains_key(&module) {
            problems.push(format!("src/{module}: a module docs/ARCHITECTURE.md does not list"));
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        problems.extend(check(&rules, &reexports, &module, &shown, &text));
    }
    problems
}

/// The imports of one file of `module` that the rules do not allow.
fn check(rules: &Rules, reexports: &BTreeMap<String, String>, module: &str, shown: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, mut path) in crate_paths(&strip(text)) {
        if let Some(home) = reexports.get(&path[0]) {
            path.insert(0, home.clone());
        }
        if !rules.allows(module, &path) {
            let mut message = format!("{shown}:{line}: `{module}` imports `crate::{}`", path.join("::"));
            let _ = write!(
                message,
                ", which docs/ARCHITECTURE.md does not allow ({module} may import: {})",
                rules.listed(module)
            );
            problems.push(message);
        }
    }
    problems
}

#[test]
fn every_import_follows_the_layers() {
    let problems = violations(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(problems.is_empty(), "imports against the layers:\n{}", problems.join("\n"));
}

#[test]
fn paths_are_read_from_code_only_and_through_nested_groups() {
    let code = r###"
use crate::score::{self, rows::{Pick, Scorer as Fast}, *};
use crate::Error;
// use crate::app;
/// [`crate::serve`]
/* crate::batch /* nested */ crate::tune */
fn f<'a>(x: &'a str) -> char {
    let _ = "crate::cli";
    let _ = r##"crate::output "# still"##;
    let _ = crate::explain::num(1.0);
    '"'
}
let _ = '\'';
let _ = notcrate::ask;
"###;
    let paths: Vec<(usize, String)> = crate_paths(&strip(code)).into_iter().map(|(l, p)| (l, p.join("::"))).collect();
    let expected = [
        (2, "score::self"),
        (2, "score::rows::Pick"),
        (2, "score::rows::Scorer"),
        (2, "score"),
        (3, "Error"),
        (10, "explain::num"),
    ];
    assert_eq!(paths, expected.map(|(l, p)| (l, p.to_string())));
}

#[test]
fn a_back_import_is_named_with_file_line_and_rule() {
    let doc = "\n## Allowed imports\n\n| module | layer | may import |\n| --- | --- | --- |\n| `error` | foundation | — |\n| `score` | core | — |\n| `batch` | uses | `score` |\n| `report` | presentation | `score`, `batch::sink` |\n| `app` | wiring | `score`, `batch`, `report` |\n";
    let rules = Rules::parse(doc);
    let path = |p: &str| -> Vec<String> { p.split("::").map(String::from).collect() };
    assert!(rules.allows("report", &path("batch::sink::Row")));
    assert!(!rules.allows("report", &path("batch::Options")));
    assert!(rules.allows("score", &path("error::Result")));
    assert!(!rules.allows("error", &path("score")));
    let reexports = root_reexports("pub use error::{Error, Result};");
    let text = "//! Scoring.\n\nuse crate::error::Result;\nuse crate::app;\n\nfn f() -> crate::Result<()> {\n    crate::report::numbers::thousands(3);\n}\n";
    assert_eq!(
        check(&rules, &reexports, "score", "src/score/mod.rs", text),
        [
            "src/score/mod.rs:4: `score` imports `crate::app`, which docs/ARCHITECTURE.md does not allow (score may import: the foundation)",
            "src/score/mod.rs:7: `score` imports `crate::report::numbers::thousands`, which docs/ARCHITECTURE.md does not allow (score may import: the foundation)",
        ]
    );
    assert_eq!(rules.listed("report"), "score, batch::sink, the foundation");
}

//! Responses in `dlpick batch`'s input formats, so that the command line
//! reproduces the admin page: JSON Lines (the profile's fields plus `team`)
//! and CSV (the columns `dlpick batch --template` prints, in its order).
//!
//! A need the respondent was not asked is unknown, not 0: JSON Lines
//! carries the profile's `unasked` list, and the CSV a `?` in its column.
//!
//! Both are derived from the stored profile TOML key by key rather than from
//! a fixed list of fields, so a field the questionnaire gains shows up here
//! without a change.
//!
//! Both are safe to open and read back unchanged: in the CSV a name or team
//! a spreadsheet would run as a formula gets `batch --format csv`'s `'`
//! ([`sanitize::csv_formula`], which batch's survey reader takes off again)
//! and a first cell starting with `#` is quoted, so it is not read as a
//! comment; in JSON Lines hidden characters such as a bidirectional override
//! are `\u` escapes ([`sanitize::json`]), which read back as themselves.

use super::store::Response;
use crate::catalog::Catalog;
use crate::sanitize;

fn table(r: &Response) -> toml::Table {
    r.profile.parse::<toml::Table>().unwrap_or_default()
}

/// One JSON object per line, in respondent order.
pub fn jsonl(responses: &[Response]) -> String {
    let mut out = String::new();
    for r in responses {
        let mut object = serde_json::Map::new();
        object.insert("name".to_string(), serde_json::Value::String(r.name.clone()));
        object.insert("team".to_string(), serde_json::Value::String(r.team.clone()));
        for (key, value) in table(r) {
            if key != "name" && key != "team" {
                object.insert(key, serde_json::to_value(value).unwrap_or(serde_json::Value::Null));
            }
        }
        out.push_str(&sanitize::json(&serde_json::Value::Object(object).to_string()));
        out.push('\n');
    }
    out
}

/// A CSV cell from a TOML value: lists joined with `;`.
fn cell(value: Option<&toml::Value>) -> String {
    match value {
        None => String::new(),
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Array(items)) => items.iter().map(|v| cell(Some(v))).collect::<Vec<_>>().join(";"),
        Some(other) => other.to_string(),
    }
}

/// The survey CSV, header as `dlpick batch --template` prints it.
pub fn csv(catalog: &Catalog, responses: &[Response]) -> String {
    let template = crate::survey::template::template(catalog, false);
    let header: Vec<String> = csv::Reader::from_reader(template.as_bytes())
        .headers()
        .map(|h| h.iter().map(String::from).collect())
        .unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    let mut out = w.into_inner().unwrap_or_default();
    for r in responses {
        let t = table(r);
        let needs = t.get("needs").and_then(toml::Value::as_table);
        let require = t.get("require").and_then(toml::Value::as_table);
        let unasked = t.get("unasked").and_then(toml::Value::as_array);
        let not_asked = |c: &str| unasked.is_some_and(|u| u.iter().any(|v| v.as_str() == Some(c)));
        let row: Vec<String> = header
            .iter()
            .map(|column| match column.as_str() {
                "name" => sanitize::csv_formula(&r.name).into_owned(),
                "team" => sanitize::csv_formula(&r.team).into_owned(),
                // A need not asked is unknown: `?`, which batch reads as such.
                c if not_asked(c) => "?".to_string(),
                c if catalog.criterion_index(c).is_some() => cell(needs.and_then(|n| n.get(c))),
                c => cell(require.and_then(|q| q.get(c)).or_else(|| t.get(c))),
            })
            .collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&row);
        let line = w.into_inner().unwrap_or_default();
        // Unquoted, a first cell holds no comma: it ends at the first one.
        if line.first() == Some(&b'#') {
            let end = line.iter().position(|&b| b == b',' || b == b'\n').unwrap_or(line.len());
            out.push(b'"');
            out.extend_from_slice(&line[..end]);
            out.push(b'"');
            out.extend_from_slice(&line[end..]);
        } else {
            out.extend_from_slice(&line);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

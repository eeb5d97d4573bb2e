//! Reading TOML into typed values with errors a person can act on.
//!
//! serde does the parsing; this module turns its errors into
//! [`Diagnostic`]s that carry the line, the column, the dotted key path
//! (found by walking the spanned document) and a "did you mean" for
//! misspelt keys and variants.

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Location, Result, did_you_mean};

/// Parse `source` (shown to the user as `file`) into `T`.
pub fn parse<T: DeserializeOwned>(source: &str, file: &str) -> Result<T> {
    toml::from_str(source).map_err(|e| diagnose(&e, source, file).into())
}

fn diagnose(error: &toml::de::Error, source: &str, file: &str) -> Diagnostic {
    let message = error.message().trim().to_string();
    let Some(span) = error.span() else {
        return Diagnostic::new(Location::file(file), message);
    };
    let location = Location::at(file, source, span.start);
    let mut diagnostic = Diagnostic::new(location, sentence(&message));
    // An error about the whole document (a missing top-level key) has no field.
    let whole_document = span.start == 0 && (span.end == 0 || span.end + 1 >= source.trim_end().len());
    if let Some(path) = key_path_at(source, span.start).filter(|_| !whole_document) {
        diagnostic = diagnostic.field(path);
    }
    diagnostic.hint(unknown_name_hint(&message))
}

/// serde's messages start lower case and have no full stop.
fn sentence(message: &str) -> String {
    let mut s = message
        .replace('\n', " ")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list such as [\"a\", \"b\"]")
        .replace("expected a map", "expected a table");
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// For "unknown field `x`, expected one of `a`, `b`" (and the same for
/// variants), suggest the closest expected name.
fn unknown_name_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    did_you_mean(unknown, candidates)
}

/// The dotted path of the innermost key whose entry covers byte `offset`.
pub fn key_path_at(source: &str, offset: usize) -> Option<String> {
    let document = DeTable::parse(source).ok()?;
    let mut path = Vec::new();
    find_in_table(document.get_ref(), offset, &mut path).then(|| path.join("."))
}

/// Table headers span only the header, not the keys below them, so every
/// nested table is searched, not only those whose span covers `offset`.
fn find_in_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table {
        path.push(key.get_ref().to_string());
        let covers = key.span().contains(&offset) || value.span().contains(&offset);
        if find_in_value(value.get_ref(), offset, path) || covers {
            return true;
        }
        path.pop();
    }
    false
}

fn find_in_value(value: &DeValue<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    match value {
        DeValue::Table(inner) => find_in_table(inner, offset, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                if find_in_value(item.get_ref(), offset, path) || item.span().contains(&offset) {
                    return true;
                }
                path.pop();
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        score: f64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
    }

    fn diagnostic<T: DeserializeOwned + std::fmt::Debug>(src: &str) -> Diagnostic {
        match parse::<T>(src, "x.toml") {
            Err(crate::Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_type_names_line_column_and_key_path() {
        let src = "[inner]\nscore = \"high\"\n";
        let d = diagnostic::<Outer>(src);
        assert_eq!(d.location.line, Some(2));
        assert_eq!(d.location.column, Some(9));
        assert_eq!(d.field.as_deref(), Some("inner.score"));
        assert!(d.message.contains("invalid type"), "{d}");
    }

    #[test]
    fn an_unknown_key_gets_a_did_you_mean() {
        let src = "[inner]\nscroe = 1\n";
        let d = diagnostic::<Outer>(src);
        assert_eq!(d.location.line, Some(2));
        assert_eq!(d.hint.as_deref(), Some("Did you mean `score`?"));
    }

    #[test]
    fn broken_toml_is_located() {
        let d = diagnostic::<Outer>("[inner\n");
        assert_eq!(d.location.file, "x.toml");
        assert_eq!(d.location.line, Some(1));
    }
}

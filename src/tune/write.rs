//! Changing only the `weight` numbers of a knowledge-base file.
//!
//! toml_edit keeps every comment, key order, blank line and the spacing
//! around each value, so `git diff weights.toml` after `tune fit --write`
//! shows changed numbers and nothing else.

use toml_edit::{DocumentMut, Item, Value};

use crate::error::{Diagnostic, Location, Result};

/// Weights are written with this many decimals.
const DECIMALS: i32 = 3;

/// Round a weight as it will be written.
pub fn rounded(w: f64) -> f64 {
    let f = 10f64.powi(DECIMALS);
    (w * f).round() / f
}

/// `source` with `criteria.<id>.weight` set to each new value. A criterion
/// without a `weight` key (default 1.0) gets one after its last key; a
/// layer without a `[criteria.<id>]` table gets one. A byte-order mark and
/// CRLF line endings are kept, so a diff shows only the changed numbers.
pub fn set_weights(source: &str, file: &str, weights: &[(String, f64)]) -> Result<String> {
    let bom = source.starts_with('\u{feff}');
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let crlf = body.contains("\r\n");
    let body = if crlf { body.replace("\r\n", "\n") } else { body.to_string() };
    let mut doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        Diagnostic::new(Location::file(file), format!("not valid TOML: {}", e.message()))
    })?;
    for (id, w) in weights {
        if doc.get("criteria").is_none() {
            let mut criteria = toml_edit::Table::new();
            criteria.set_implicit(true);
            doc.insert("criteria", Item::Table(criteria));
        }
        let Some(criteria) = doc.get_mut("criteria").and_then(Item::as_table_like_mut) else {
            return Err(Diagnostic::new(Location::file(file), "`criteria` is not a table.").into());
        };
        if criteria.get(id).is_none() {
            criteria.insert(id, Item::Table(toml_edit::Table::new()));
        }
        let Some(table) = criteria.get_mut(id).and_then(Item::as_table_like_mut) else {
            return Err(Diagnostic::new(Location::file(file), format!("`criteria.{id}` is not a table.")).into());
        };
        let new = Value::from(rounded(*w));
        match table.get_mut("weight").and_then(Item::as_value_mut) {
            Some(old) => {
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            None => {
                table.insert("weight", Item::Value(new));
            }
        }
    }
    let mut out = doc.to_string();
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    if bom {
        out.insert(0, '\u{feff}');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_numbers_change() {
        let src = "# comment\n[criteria.a]\nname = \"A\"  # trailing\nweight = 1.0   # keep me\n\n[criteria.b]\nname = \"B\"\n";
        let out = set_weights(src, "w.toml", &[("a".into(), 1.23456), ("b".into(), 0.5)]).unwrap();
        assert_eq!(
            out,
            "# comment\n[criteria.a]\nname = \"A\"  # trailing\nweight = 1.235   # keep me\n\n[criteria.b]\nname = \"B\"\nweight = 0.5\n"
        );
    }

    #[test]
    fn a_layer_gets_the_table_it_lacks_and_keeps_crlf_and_bom() {
        let src = "\u{feff}# layer\r\n[frameworks.a.attributes.x]\r\nscore = 1\r\n";
        let out = set_weights(src, "l.toml", &[("speed".into(), 1.5)]).unwrap();
        assert!(out.starts_with("\u{feff}# layer\r\n"), "{out:?}");
        assert!(!out.replace("\r\n", "").contains('\n'), "every line ends in CRLF: {out:?}");
        assert!(out.contains("[criteria.speed]\r\nweight = 1.5\r\n"), "{out:?}");
    }

    #[test]
    fn the_builtin_file_round_trips_unchanged() {
        let src = crate::catalog::BUILTIN_WEIGHTS;
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let same: Vec<(String, f64)> = catalog.criteria.iter().map(|c| (c.id.clone(), c.weight)).collect();
        assert_eq!(set_weights(src, "weights.toml", &same).unwrap(), src);
    }
}

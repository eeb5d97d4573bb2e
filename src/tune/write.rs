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
/// without a `weight` key (default 1.0) gets one after its last key.
pub fn set_weights(source: &str, file: &str, weights: &[(String, f64)]) -> Result<String> {
    let mut doc: DocumentMut = source.parse().map_err(|e: toml_edit::TomlError| {
        Diagnostic::new(Location::file(file), format!("not valid TOML: {}", e.message()))
    })?;
    for (id, w) in weights {
        let Some(table) = doc.get_mut("criteria").and_then(|c| c.get_mut(id)).and_then(Item::as_table_like_mut) else {
            return Err(Diagnostic::new(Location::file(file), format!("no [criteria.{id}] table to update.")).into());
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
    Ok(doc.to_string())
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
    fn the_builtin_file_round_trips_unchanged() {
        let src = crate::catalog::BUILTIN_WEIGHTS;
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let same: Vec<(String, f64)> = catalog.criteria.iter().map(|c| (c.id.clone(), c.weight)).collect();
        assert_eq!(set_weights(src, "weights.toml", &same).unwrap(), src);
    }
}

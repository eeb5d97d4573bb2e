//! `dlpick config` and `dlpick init`: see and start a project's settings.

use std::path::Path;
use std::process::ExitCode;

use super::settings::{EMPTY_LAYER, PROJECT_FILE, Settings, project_text};
use super::{load_catalog_with, output};
use crate::cli::{Cli, InitArgs};
use crate::error::{Error, Result};
use crate::report::setup::Setting;

/// Print the effective settings and where each comes from.
pub fn config(cli: &Cli) -> Result<ExitCode> {
    let settings = Settings::resolve(cli)?;
    let catalog = load_catalog_with(&settings)?;
    let project = settings.project.as_ref().map_or_else(|| "none".to_string(), |p| p.display().to_string());
    let layers = if catalog.files.len() > 1 {
        catalog.files[1..].iter().map(|f| file_line(&f.path, &f.sha256)).collect::<Vec<_>>().join(", ")
    } else {
        "none".to_string()
    };
    let rows = vec![
        Setting {
            name: "knowledge base",
            value: file_line(&catalog.files[0].path, &catalog.files[0].sha256),
            origin: settings.weights.origin.to_string(),
        },
        Setting { name: "layers", value: layers, origin: settings.layers.origin.to_string() },
        Setting {
            name: "article only",
            value: if settings.article_only.value { "yes" } else { "no" }.to_string(),
            origin: settings.article_only.origin.to_string(),
        },
        Setting {
            name: "method",
            value: settings.method.value.as_str().to_string(),
            origin: settings.method.origin.to_string(),
        },
        Setting {
            name: "inactive",
            value: settings.inactive.value.as_str().to_string(),
            origin: settings.inactive.origin.to_string(),
        },
        Setting {
            name: "top",
            value: settings.top.value.map_or_else(|| "all".to_string(), |n| n.to_string()),
            origin: settings.top.origin.to_string(),
        },
        Setting {
            name: "format",
            value: settings.format.value.as_str().to_string(),
            origin: settings.format.origin.to_string(),
        },
    ];
    let out = crate::report::setup::config(&project, &rows, &catalog, output::text_width(false));
    output::emit(&out, None, false)?;
    Ok(ExitCode::SUCCESS)
}

fn file_line(path: &str, sha256: &str) -> String {
    format!("{path} (sha256 {})", &sha256[..sha256.len().min(12)])
}

/// Create `dlpick.toml` and an empty layer in the current folder, never
/// over an existing file.
pub fn init(cli: &Cli, args: &InitArgs) -> Result<ExitCode> {
    let layer = Path::new(&args.layer);
    if layer.is_absolute()
        || layer.components().count() != 1
        || !layer.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return Err(Error::Usage(format!(
            "`{}` must be a plain file name ending in .toml, created beside {PROJECT_FILE}.",
            args.layer
        )));
    }
    for file in [Path::new(PROJECT_FILE), layer] {
        if file.exists() || file.is_symlink() {
            return Err(Error::Usage(format!("{} already exists; nothing was written.", file.display())));
        }
    }
    if let Some(outer) = std::env::current_dir().ok().and_then(|d| d.parent().and_then(super::settings::find_project)) {
        if !cli.quiet {
            eprintln!(
                "dlpick: note: this folder is inside the project of {}; the new one takes over here.",
                outer.display()
            );
        }
    }
    output::write_atomic(layer, EMPTY_LAYER.as_bytes(), false)?;
    if let Err(e) = output::write_atomic(Path::new(PROJECT_FILE), project_text(&args.layer).as_bytes(), false) {
        // Leave nothing half made.
        let _ = std::fs::remove_file(layer);
        return Err(e);
    }
    if !cli.quiet {
        eprintln!(
            "dlpick: created {PROJECT_FILE} and {}; `dlpick config` shows the settings, and `dlpick tune fit DECISIONS --write` writes fitted weights into the layer.",
            args.layer
        );
    }
    Ok(ExitCode::SUCCESS)
}

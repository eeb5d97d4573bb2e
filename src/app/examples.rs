//! Examples that travel with the binary: the shipped profiles, past
//! decisions and a team survey, so that `dlpick recommend beginner` and the
//! help's examples work from any folder, not only in a clone.

/// One shipped example.
pub(crate) struct Example {
    /// Where it lives in the repository.
    pub path: &'static str,
    pub text: &'static str,
}

impl Example {
    /// A survey, not a profile.
    pub(crate) fn is_survey(&self) -> bool {
        std::path::Path::new(self.path).extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
    }

    /// What it is called on the command line: the file's stem.
    pub(crate) fn name(&self) -> &'static str {
        let file = self.path.rsplit('/').next().unwrap_or(self.path);
        file.split_once('.').map_or(file, |(stem, _)| stem)
    }
}

macro_rules! examples {
    ($($path:literal),* $(,)?) => {
        &[$(Example { path: $path, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// Every shipped example, in listing order.
pub(crate) const EXAMPLES: &[Example] = examples![
    "profiles/beginner.toml",
    "profiles/distributed-team.toml",
    "profiles/enterprise-stable.toml",
    "profiles/mobile-app.toml",
    "profiles/polyglot-shop.toml",
    "profiles/research-lab.toml",
    "profiles/tabular-analyst.toml",
    "profiles/survey.csv",
    "profiles/decisions/ads-ranking.toml",
    "profiles/decisions/bank-fraud.toml",
    "profiles/decisions/bootcamp.toml",
    "profiles/decisions/dashboard-team.toml",
    "profiles/decisions/enterprise-java.toml",
    "profiles/decisions/game-studio.toml",
    "profiles/decisions/genomics.toml",
    "profiles/decisions/iot-sensors.toml",
    "profiles/decisions/kaggle-team.toml",
    "profiles/decisions/legacy-2016.toml",
    "profiles/decisions/medical-imaging.toml",
    "profiles/decisions/ml-course.toml",
    "profiles/decisions/nlp-lab.toml",
    "profiles/decisions/r-shop.toml",
    "profiles/decisions/recsys-scale.toml",
    "profiles/decisions/retail-forecasting.toml",
    "profiles/decisions/robotics-lab.toml",
    "profiles/decisions/search-infra.toml",
    "profiles/decisions/speech-research.toml",
    "profiles/decisions/startup-mvp.toml",
    "profiles/decisions/student-thesis.toml",
    "profiles/decisions/vision-startup.toml",
];

/// The example `written` names: its stem (`beginner`), file name
/// (`beginner.toml`) or repository path (`profiles/beginner.toml`).
pub(crate) fn find(written: &str) -> Option<&'static Example> {
    let written = written.trim();
    EXAMPLES.iter().find(|e| e.name() == written || e.path == written || e.path.rsplit('/').next() == Some(written))
}

/// What kind of example it is, for the listing.
pub(crate) fn kind(e: &Example) -> &'static str {
    if e.is_survey() {
        "survey"
    } else if e.path.contains("/decisions/") {
        "past decision"
    } else {
        "profile"
    }
}

/// The first `description = "…"` of a profile, or the survey's size.
pub(crate) fn summary(e: &Example) -> String {
    if e.is_survey() {
        let rows = e.text.lines().filter(|l| !l.trim().is_empty()).count().saturating_sub(1);
        return format!("A team survey of {rows} respondents, for `dlpick batch`");
    }
    e.text
        .lines()
        .find_map(|l| l.strip_prefix("description = \""))
        .map_or_else(String::new, |d| d.trim_end().trim_end_matches('"').replace("\\\"", "\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_example_is_listed_once_and_found_by_its_names() {
        let mut on_disk: Vec<String> = Vec::new();
        for dir in ["profiles", "profiles/decisions"] {
            for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    on_disk.push(format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = EXAMPLES.iter().map(|e| e.path.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "every file under profiles/ travels with the binary");
        assert_eq!(find("beginner").map(|e| e.path), Some("profiles/beginner.toml"));
        assert_eq!(find("beginner.toml").map(|e| e.path), Some("profiles/beginner.toml"));
        assert_eq!(find("profiles/decisions/r-shop.toml").map(Example::name), Some("r-shop"));
        assert!(find("nonesuch").is_none());
    }
}

//! Requirement profiles: how much each criterion matters to someone, and the
//! hard constraints a framework must meet.
//!
//! Profiles arrive from TOML files, `--need` flags, survey rows and
//! questionnaire answers. Each source fills a [`Draft`]; [`Draft::resolve`]
//! checks it against the knowledge base once, so everything downstream works
//! with criterion and framework indices that are known to exist.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{Catalog, Lookup, RouteKind, SCALE_MAX};
use crate::error::{Diagnostic, Location, Result, unknown_hint};
use crate::input;

/// A validated requirement profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub description: Option<String>,
    /// Importance of each criterion, 0–5, in the catalog's criterion order.
    pub needs: Vec<f64>,
    pub require: Require,
    /// For past decisions: the framework the team actually chose.
    pub chosen: Option<usize>,
    /// Criteria the adaptive questionnaire did not ask (sorted): their need
    /// is 0 here, which cannot change the top pick it settled on, and
    /// teams count them as unknown.
    pub unasked: Vec<usize>,
}

/// What each step of the 0–5 need scale means, in every questionnaire and
/// report.
pub(crate) const NEED_LABELS: [&str; 6] =
    ["doesn't matter", "nice to have", "somewhat important", "important", "very important", "critical"];

/// What to do with frameworks that are no longer maintained (status not
/// `active`). Advice is for a decision made today, so by default they do
/// not compete: they are shown for reference, as the article's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InactivePolicy {
    /// Only maintained frameworks are ranked; the others that pass every
    /// other constraint are listed after the ranking, for reference.
    #[default]
    Separate,
    /// Everything is ranked together, with warnings (the article's view).
    Rank,
    /// They are excluded, with their reason.
    Exclude,
}

impl InactivePolicy {
    pub const ALL: [Self; 3] = [Self::Separate, Self::Rank, Self::Exclude];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Separate => "separate",
            Self::Rank => "rank",
            Self::Exclude => "exclude",
        }
    }

    /// Parse the names used in profiles, flags and survey cells.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Hard constraints: a framework failing one is excluded, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Require {
    /// Must be usable from each of these languages (ids of the vocabulary,
    /// or a name it does not know, normalised), sorted.
    pub languages: Vec<String>,
    /// Must run on each of these targets (browser, android …), sorted.
    pub targets: Vec<String>,
    /// Must run on each of these kinds of hardware (apple, tpu …), sorted.
    pub hardware: Vec<String>,
    /// The policy for frameworks that are not maintained; `None` leaves it
    /// to the command line or project (default [`InactivePolicy::Separate`]).
    pub inactive: Option<InactivePolicy>,
    /// Framework indices never to recommend, sorted.
    pub exclude: Vec<usize>,
    /// Attribute floors: (criterion index, minimum score).
    pub min: Vec<(usize, f64)>,
    /// Only deep-learning frameworks (the default).
    pub deep_learning: bool,
}

impl Require {
    /// The policy in force: the profile's, else the default.
    pub fn policy(&self) -> InactivePolicy {
        self.inactive.unwrap_or_default()
    }

    /// The required names of `kind`.
    pub fn names(&self, kind: RouteKind) -> &[String] {
        match kind {
            RouteKind::Language => &self.languages,
            RouteKind::Target => &self.targets,
            RouteKind::Hardware => &self.hardware,
        }
    }

    /// The languages that must be able to call a route of `kind`. A team
    /// that requires languages and not Python runs its models from those
    /// languages, so a browser or phone runtime only counts when one of them
    /// can call it: Rust code in a browser needs a Rust runtime there, not a
    /// JavaScript one. A team with Python trains there and ships to targets
    /// through whatever the target runs, so anything counts.
    pub fn callers(&self, kind: RouteKind) -> &[String] {
        if kind == RouteKind::Target && !self.languages.iter().any(|l| l == "python") { &self.languages } else { &[] }
    }

    /// Every required name, with its kind, in kind order.
    pub fn routes(&self) -> impl Iterator<Item = (RouteKind, &str)> {
        RouteKind::ALL.into_iter().flat_map(move |k| self.names(k).iter().map(move |n| (k, n.as_str())))
    }
}

impl Default for Require {
    fn default() -> Self {
        Self {
            languages: Vec::new(),
            targets: Vec::new(),
            hardware: Vec::new(),
            inactive: None,
            exclude: Vec::new(),
            min: Vec::new(),
            deep_learning: true,
        }
    }
}

/// A value as written, with the byte offset where it was written when known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Given<T> {
    pub value: T,
    pub at: Option<usize>,
}

impl<T> Given<T> {
    pub fn new(value: T) -> Self {
        Self { value, at: None }
    }
}

impl<T> From<Spanned<T>> for Given<T> {
    fn from(s: Spanned<T>) -> Self {
        let at = Some(s.span().start);
        Self { value: s.into_inner(), at }
    }
}

/// A profile as written, not yet checked against the knowledge base.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Draft {
    pub name: Option<String>,
    /// The team a respondent belongs to (batch input only).
    pub team: Option<String>,
    pub description: Option<String>,
    pub needs: Vec<(Given<String>, Given<f64>)>,
    pub languages: Vec<Given<String>>,
    pub targets: Vec<Given<String>>,
    pub hardware: Vec<Given<String>>,
    pub inactive: Option<Given<InactivePolicy>>,
    pub exclude: Vec<Given<String>>,
    pub min: Vec<(Given<String>, Given<f64>)>,
    pub deep_learning: Option<bool>,
    pub chosen: Option<Given<String>>,
    pub unasked: Vec<Given<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    team: Option<String>,
    description: Option<String>,
    #[serde(default)]
    needs: IndexMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    require: RawRequire,
    chosen: Option<Spanned<String>>,
    #[serde(default)]
    unasked: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequire {
    #[serde(default)]
    languages: Vec<Spanned<String>>,
    #[serde(default)]
    targets: Vec<Spanned<String>>,
    #[serde(default)]
    hardware: Vec<Spanned<String>>,
    /// Kept for old profiles: `true` means `inactive = "exclude"`.
    active_only: Option<Spanned<bool>>,
    inactive: Option<Spanned<InactivePolicy>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    min: IndexMap<Spanned<String>, Spanned<f64>>,
    deep_learning: Option<bool>,
}

impl Draft {
    /// Parse a profile's TOML; `file` names it in errors.
    pub fn from_toml(source: &str, file: &str) -> Result<Self> {
        let raw: RawProfile = input::parse(source, file)?;
        let inactive = match (raw.require.active_only, raw.require.inactive) {
            (Some(old), Some(new)) if *old.get_ref() && *new.get_ref() != InactivePolicy::Exclude => {
                return Err(Diagnostic::new(
                    Location::at(file, source, old.span().start),
                    format!(
                        "`active_only = true` means `inactive = \"exclude\"`, but `inactive` says \"{}\".",
                        new.get_ref().as_str()
                    ),
                )
                .field("require.active_only")
                .hint(Some("Keep only `inactive`.".to_string()))
                .into());
            }
            (_, Some(new)) => Some(Given::from(new)),
            (Some(old), None) if *old.get_ref() => {
                let at = Some(old.span().start);
                Some(Given { value: InactivePolicy::Exclude, at })
            }
            _ => None,
        };
        let pairs =
            |m: IndexMap<Spanned<String>, Spanned<f64>>| m.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Ok(Self {
            name: raw.name,
            team: raw.team,
            description: raw.description,
            needs: pairs(raw.needs),
            languages: raw.require.languages.into_iter().map(Given::from).collect(),
            targets: raw.require.targets.into_iter().map(Given::from).collect(),
            hardware: raw.require.hardware.into_iter().map(Given::from).collect(),
            inactive,
            exclude: raw.require.exclude.into_iter().map(Given::from).collect(),
            min: pairs(raw.require.min),
            deep_learning: raw.require.deep_learning,
            chosen: raw.chosen.map(Given::from),
            unasked: raw.unasked.into_iter().map(Given::from).collect(),
        })
    }

    /// Set a need, replacing an earlier value for the same criterion.
    pub fn set_need(&mut self, id: Given<String>, value: Given<f64>) {
        self.needs.retain(|(k, _)| k.value != id.value);
        self.needs.push((id, value));
    }

    /// Check the draft against `catalog`. `default_name` is used when the
    /// draft has none; `at` turns a byte offset into a location for errors.
    pub fn resolve(
        self,
        catalog: &Catalog,
        default_name: &str,
        at: &dyn Fn(Option<usize>) -> Location,
    ) -> Result<Profile> {
        let profile = self.check(catalog, default_name, at)?;
        profile.check_states_needs(&at(None))?;
        Ok(profile)
    }

    /// Like [`resolve`](Self::resolve), but a profile that states no needs
    /// is accepted: a starting point for the questionnaire, not advice.
    pub fn check(
        self,
        catalog: &Catalog,
        default_name: &str,
        at: &dyn Fn(Option<usize>) -> Location,
    ) -> Result<Profile> {
        let criterion_ids = catalog.criterion_ids();
        let framework_ids = catalog.framework_ids();
        let criterion = |id: &Given<String>, table: &str| -> Result<usize> {
            catalog.find_criterion(&id.value).ok_or_else(|| {
                Diagnostic::new(at(id.at), format!("`{}` is not a criterion.", id.value))
                    .field(format!("{table}.{}", id.value))
                    .hint(Some(unknown_hint(&id.value, &criterion_ids)))
                    .into()
            })
        };
        let framework = |id: &Given<String>, field: &str| -> Result<usize> {
            catalog.find_framework(&id.value).ok_or_else(|| {
                Diagnostic::new(at(id.at), format!("`{}` is not a framework.", id.value))
                    .field(field.to_string())
                    .hint(Some(unknown_hint(&id.value, &framework_ids)))
                    .into()
            })
        };

        let mut needs = vec![0.0; catalog.criteria.len()];
        for (id, value) in &self.needs {
            let index = criterion(id, "needs")?;
            check_scale(value, &format!("needs.{}", id.value), "need", at)?;
            needs[index] = value.value;
        }

        let mut unasked = Vec::new();
        for id in &self.unasked {
            let index = criterion(id, "unasked")?;
            if let Some((given, _)) = self.needs.iter().find(|(k, _)| catalog.find_criterion(&k.value) == Some(index)) {
                return Err(Diagnostic::new(
                    at(given.at),
                    format!("`{}` is answered under [needs] and listed as not asked under `unasked`.", given.value),
                )
                .field(format!("needs.{}", given.value))
                .hint(Some("Keep one of the two.".to_string()))
                .into());
            }
            unasked.push(index);
        }
        unasked.sort_unstable();
        unasked.dedup();

        let languages = required_names(catalog, RouteKind::Language, &self.languages, at)?;
        let targets = required_names(catalog, RouteKind::Target, &self.targets, at)?;
        let hardware = required_names(catalog, RouteKind::Hardware, &self.hardware, at)?;

        let mut exclude = Vec::new();
        for id in &self.exclude {
            exclude.push(framework(id, "require.exclude")?);
        }
        exclude.sort_unstable();
        exclude.dedup();

        let mut min = Vec::new();
        for (id, value) in &self.min {
            let index = criterion(id, "require.min")?;
            check_scale(value, &format!("require.min.{}", id.value), "minimum", at)?;
            min.retain(|(c, _)| *c != index);
            min.push((index, value.value));
        }
        min.sort_by_key(|(c, _)| *c);

        let chosen = self.chosen.as_ref().map(|id| framework(id, "chosen")).transpose()?;
        let name = self.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| default_name.to_string());

        Ok(Profile {
            name,
            description: self.description,
            needs,
            require: Require {
                languages,
                targets,
                hardware,
                inactive: self.inactive.as_ref().map(|g| g.value),
                exclude,
                min,
                deep_learning: self.deep_learning.unwrap_or(true),
            },
            chosen,
            unasked,
        })
    }
}

/// The ids a written name of `kind` stands for: a known name (by id, name
/// or alias; a group stands for its members), or the name itself,
/// normalised, when nothing here knows it (a requirement nothing meets).
/// A near miss of a known name is an error: surely a typo.
pub fn resolve_name(catalog: &Catalog, kind: RouteKind, written: &str) -> std::result::Result<Vec<String>, String> {
    match catalog.lookup(kind, written) {
        Lookup::Known(id) => Ok(catalog
            .names
            .iter()
            .find(|n| n.kind == kind && n.id == id)
            .map_or_else(|| vec![id], crate::catalog::Name::ids)),
        Lookup::Unknown(id) if !id.is_empty() => Ok(vec![id]),
        Lookup::Unknown(_) => Err(format!("a {} is empty.", kind.as_str())),
        Lookup::NearMiss { written, suggestion } => Err(format!(
            "`{written}` is not a {} dlpick knows. Did you mean `{suggestion}`? Known: {}.",
            kind.as_str(),
            crate::catalog::quoted(&catalog.names_of(kind))
        )),
    }
}

/// A `;`- or `,`-separated list of names of `kind`, as a survey cell or a
/// questionnaire answer gives it: blank is `None` (no answer), `-` or
/// `none` is an empty list.
pub fn parse_names(catalog: &Catalog, kind: RouteKind, text: &str) -> std::result::Result<Option<Vec<String>>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t == "-" || t.eq_ignore_ascii_case("none") {
        return Ok(Some(Vec::new()));
    }
    let mut items = Vec::new();
    for item in t.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()) {
        for id in resolve_name(catalog, kind, item)? {
            if !items.contains(&id) {
                items.push(id);
            }
        }
    }
    Ok(Some(items))
}

/// Required names of `kind` as ids, sorted and without repeats (see
/// [`resolve_name`]).
fn required_names(
    catalog: &Catalog,
    kind: RouteKind,
    written: &[Given<String>],
    at: &dyn Fn(Option<usize>) -> Location,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for name in written {
        let ids = resolve_name(catalog, kind, &name.value).map_err(|message| {
            let (message, hint) = match message.split_once(" Did you mean") {
                Some((m, h)) => (m.to_string(), Some(format!("Did you mean{h}"))),
                None => (message, None),
            };
            crate::Error::from(
                Diagnostic::new(at(name.at), message).field(format!("require.{}", kind.table())).hint(hint),
            )
        })?;
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// True when every need is 0: the scoring has nothing to work with.
/// (Weights are positive, so any need above 0 counts.)
pub(crate) fn states_no_needs(needs: &[f64]) -> bool {
    needs.iter().all(|&n| n <= 0.0)
}

fn check_scale(value: &Given<f64>, field: &str, what: &str, at: &dyn Fn(Option<usize>) -> Location) -> Result<()> {
    let v = value.value;
    if v.is_finite() && (0.0..=SCALE_MAX).contains(&v) {
        return Ok(());
    }
    let problem = if v.is_nan() {
        format!("{what} is not a number")
    } else {
        format!("{what} {} is out of range", crate::sanitize::number(v))
    };
    Err(Diagnostic::new(at(value.at), format!("{problem}; it must lie between 0 (irrelevant) and 5 (critical)."))
        .field(field.to_string())
        .into())
}

impl Profile {
    /// A profile must give the scoring something to work with.
    fn check_states_needs(&self, location: &Location) -> Result<()> {
        if !states_no_needs(&self.needs) {
            return Ok(());
        }
        Err(Diagnostic::new(
            location.clone(),
            format!("profile `{}` states no needs: rate at least one criterion above 0 under [needs].", self.name),
        )
        .field("needs")
        .into())
    }

    /// Load a profile from TOML text.
    pub fn from_toml(source: &str, file: &str, default_name: &str, catalog: &Catalog) -> Result<Self> {
        let draft = Draft::from_toml(source, file)?;
        draft.resolve(catalog, default_name, &Location::resolver(file, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn catalog() -> Catalog {
        Catalog::builtin().unwrap()
    }

    fn load(src: &str) -> Result<Profile> {
        Profile::from_toml(src, "p.toml", "p", &catalog())
    }

    fn diagnostic(src: &str) -> Diagnostic {
        match load(src) {
            Err(Error::Invalid(d)) => *d,
            other => panic!("expected a diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_shape_loads() {
        let p = load(
            r#"
name = "mobile-startup"
description = "Two engineers"
[needs]
mobile_deployment = 5
beginner_friendliness = 3
[require]
languages = ["Python"]
inactive = "exclude"
exclude = ["Theano"]
min = { mobile_deployment = 3 }
deep_learning = true
"#,
        )
        .unwrap();
        let c = catalog();
        assert_eq!(p.name, "mobile-startup");
        assert!((p.needs[c.criterion_index("mobile_deployment").unwrap()] - 5.0).abs() < f64::EPSILON);
        assert_eq!(p.require.languages, ["python"]);
        assert_eq!(p.require.exclude, [c.framework_index("theano").unwrap()]);
        assert_eq!(p.require.min, [(c.criterion_index("mobile_deployment").unwrap(), 3.0)]);
        assert_eq!(p.require.inactive, Some(InactivePolicy::Exclude));
        assert!(p.require.deep_learning);
    }

    #[test]
    fn active_only_is_the_exclude_policy_and_conflicts_are_named() {
        let p = load("[needs]\ndebuggability = 2\n[require]\nactive_only = true\n").unwrap();
        assert_eq!(p.require.inactive, Some(InactivePolicy::Exclude));
        let p = load("[needs]\ndebuggability = 2\n[require]\nactive_only = false\n").unwrap();
        assert_eq!(p.require.inactive, None);
        assert_eq!(p.require.policy(), InactivePolicy::Separate);
        let p = load("[needs]\ndebuggability = 2\n[require]\ninactive = \"rank\"\n").unwrap();
        assert_eq!(p.require.inactive, Some(InactivePolicy::Rank));
        let d = diagnostic("[needs]\ndebuggability = 2\n[require]\nactive_only = true\ninactive = \"rank\"\n");
        assert_eq!(d.field.as_deref(), Some("require.active_only"));
        assert_eq!(d.location.line, Some(4));
    }

    #[test]
    fn needs_are_found_by_the_names_users_see() {
        let p = load("[needs]\nbeginner-friendliness = 4\n\"Dynamic graphs\" = 2\n").unwrap();
        let c = catalog();
        assert!((p.needs[c.criterion_index("beginner_friendliness").unwrap()] - 4.0).abs() < f64::EPSILON);
        assert!((p.needs[c.criterion_index("dynamic_graphs").unwrap()] - 2.0).abs() < f64::EPSILON);
    }

    #[test]
    fn name_defaults_to_the_given_stem() {
        assert_eq!(load("[needs]\ndebuggability = 2\n").unwrap().name, "p");
    }

    #[test]
    fn unknown_criterion_is_located_with_a_hint() {
        let d = diagnostic("[needs]\ndebugability = 4\n");
        assert_eq!((d.location.line, d.location.column), (Some(2), Some(1)));
        assert_eq!(d.field.as_deref(), Some("needs.debugability"));
        assert!(d.hint.unwrap().starts_with("Did you mean `debuggability`?"));
    }

    #[test]
    fn needs_out_of_range_or_nan_are_rejected() {
        assert!(diagnostic("[needs]\ndebuggability = 6\n").message.contains("out of range"));
        assert!(diagnostic("[needs]\ndebuggability = -1\n").message.contains("out of range"));
        assert!(diagnostic("[needs]\ndebuggability = nan\n").message.contains("not a number"));
        assert!(diagnostic("[needs]\ndebuggability = inf\n").message.contains("out of range"));
    }

    #[test]
    fn a_profile_without_needs_says_so() {
        assert!(diagnostic("").message.contains("states no needs"));
        assert!(diagnostic("[needs]\ndebuggability = 0\n").message.contains("states no needs"));
    }

    #[test]
    fn unknown_framework_language_and_key_are_rejected() {
        let d = diagnostic("[needs]\ndebuggability = 3\n[require]\nexclude = [\"pytroch\"]\n");
        assert!(d.hint.unwrap().starts_with("Did you mean `pytorch`?"));
        let d = diagnostic("[needs]\ndebuggability = 3\n[require]\nlanguages = [\"pyhton\"]\n");
        assert!(d.hint.unwrap().starts_with("Did you mean `python`?"));
        let d = diagnostic("[needs]\ndebuggability = 3\n[require]\ninactiv = \"rank\"\n");
        assert_eq!(d.hint.as_deref(), Some("Did you mean `inactive`?"));
        let d = diagnostic("[need]\ndebuggability = 3\n");
        assert_eq!(d.hint.as_deref(), Some("Did you mean `needs`?"));
    }

    #[test]
    fn wrong_types_are_rejected() {
        let d = diagnostic("[needs]\ndebuggability = \"high\"\n");
        assert_eq!(d.field.as_deref(), Some("needs.debuggability"));
        let d = diagnostic("[needs]\ndebuggability = 3\n[require]\nactive_only = \"yes\"\n");
        assert_eq!(d.field.as_deref(), Some("require.active_only"));
    }
}

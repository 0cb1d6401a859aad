//! Severity overrides: the repository's `switchyard.toml` (`[rules]`) and the CLI's
//! `--deny`/`--warn`/`--allow`, applied to the diagnostics as the pipeline's last step.
//!
//! The settings file is read from the [`FileSet`] (it is part of the repository, so a
//! base revision carries its own); command-line overrides arrive as plain data and win
//! over the file. Rules whose findings mean that a file or a value could not be read, or
//! that no correct bundle can be built, cannot be lowered or turned off ([`LOCKED`]).

use std::fmt;

use serde_json::Value;

use crate::diagnostic::{At, Diagnostic, Diagnostics, Severity};
use crate::manifest::schema::edit_distance;
use crate::manifest::tree::{Tree, pointer_join};
use crate::rules::{self, Rule};
use crate::source::{FileSet, SourceEntry};

/// The settings file, at the configuration root.
pub const SETTINGS_FILE: &str = "switchyard.toml";

pub use switchyard_schemas::settings::Level;

/// One rule set to one level.
#[derive(Debug, Clone, Copy)]
pub struct Override {
    /// The rule.
    pub rule: &'static Rule,
    /// What its findings become.
    pub level: Level,
}

/// Overrides in the order they apply: a later one for the same rule wins.
#[derive(Debug, Clone, Default)]
pub struct Overrides(pub Vec<Override>);

/// Rules that cannot be lowered or turned off: their findings mean that a file or a
/// value could not be read (the model would silently lack it), or that the bundle
/// cannot represent what was written. Raising them is allowed (they are errors anyway).
pub static LOCKED: &[&Rule] = &[
    &rules::toml_syntax::RULE,
    &rules::missing_field::RULE,
    &rules::invalid_value::RULE,
    &rules::missing_file::RULE,
    &rules::path_escapes_root::RULE,
    &rules::file_too_large::RULE,
    &rules::unreadable_file::RULE,
    &rules::openapi_syntax::RULE,
    &rules::openapi_unsupported::RULE,
    &rules::openapi_structure::RULE,
    &rules::openapi_bad_ref::RULE,
    &rules::unknown_upstream::RULE,
    &rules::unroutable_path::RULE,
    &rules::overlapping_operations::RULE,
    &rules::weight_out_of_range::RULE,
];

/// A rule named on the command line that cannot be used as asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OverrideError {
    /// No rule has this code or name.
    #[error("no rule has the code or name `{name}`{hint}")]
    Unknown {
        /// What was written.
        name: String,
        /// ` (did you mean ...?)` or empty.
        hint: String,
    },
    /// The rule cannot be lowered or turned off.
    #[error("{} `{}` cannot be set to `{}`: {}", rule.code, rule.name, level.as_str(), LockedReason)]
    Locked {
        /// The rule.
        rule: &'static Rule,
        /// The level asked for.
        level: Level,
    },
}

/// Why a locked rule stays an error.
struct LockedReason;

impl fmt::Display for LockedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("its findings mean a file or value could not be read or cannot be built, so it stays an error")
    }
}

impl Override {
    /// Resolves a rule's code (any case) or name into an override, refusing unknown
    /// rules and the lowering of [`LOCKED`] ones.
    pub fn new(code_or_name: &str, level: Level) -> Result<Override, OverrideError> {
        let rule = rules::lookup(code_or_name).ok_or_else(|| OverrideError::Unknown {
            name: code_or_name.to_owned(),
            hint: suggestion(code_or_name)
                .map_or_else(String::new, |name| format!(" (did you mean `{name}`?)")),
        })?;
        if level != Level::Error && LOCKED.iter().any(|locked| locked.code == rule.code) {
            return Err(OverrideError::Locked { rule, level });
        }
        Ok(Override { rule, level })
    }
}

impl Overrides {
    /// The overrides of the repository's settings file, followed by `then`; problems in
    /// the file are reported at their place.
    pub fn read(files: &FileSet, then: &Overrides, out: &mut Diagnostics<'_>) -> Overrides {
        let mut list = from_file(files, out);
        list.extend(then.0.iter().copied());
        Overrides(list)
    }

    /// Applies the overrides to sorted diagnostics: severities change, `off` drops them.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.0.is_empty() {
            return diagnostics;
        }
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| {
                let level = self
                    .0
                    .iter()
                    .rev()
                    .find(|o| o.rule.code == diagnostic.code)
                    .map(|o| o.level);
                match level {
                    None => Some(diagnostic),
                    Some(Level::Off) => None,
                    Some(Level::Error) => {
                        diagnostic.severity = Severity::Error;
                        Some(diagnostic)
                    }
                    Some(Level::Warning) => {
                        diagnostic.severity = Severity::Warning;
                        Some(diagnostic)
                    }
                }
            })
            .collect()
    }
}

/// The closest rule name, one or two edits away (a mistyped code is better looked up).
fn suggestion(written: &str) -> Option<&'static str> {
    rules::RULES
        .iter()
        .map(|rule| rule.name)
        .map(|candidate| (edit_distance(written, candidate), candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Reads `[rules]` of the settings file, when there is one.
fn from_file(files: &FileSet, out: &mut Diagnostics<'_>) -> Vec<Override> {
    let Some(SourceEntry::Text(source)) = files.get(SETTINGS_FILE) else {
        return Vec::new();
    };
    let tree = match Tree::parse(source.text()) {
        Ok(tree) => tree,
        Err(errors) => {
            for error in errors {
                out.report(
                    &rules::toml_syntax::RULE,
                    At::span(SETTINGS_FILE, error.span),
                    format!("invalid TOML: {}", error.message),
                );
            }
            return Vec::new();
        }
    };
    for key in tree.keys("") {
        if key.value != "rules" {
            out.report(
                &rules::unknown_field::RULE,
                At::span(SETTINGS_FILE, key.span.clone()),
                format!("unknown field `{}` in the settings file", key.value),
            )
            .help("the settings file has one table, `[rules]`");
        }
    }
    let Some((table, place)) = tree.get("/rules") else {
        return Vec::new();
    };
    if !table.is_object() {
        out.report(
            &rules::invalid_value::RULE,
            At::span(SETTINGS_FILE, place.value.clone()),
            "`rules` must be a table of rule = level",
        );
        return Vec::new();
    }
    tree.keys("/rules")
        .into_iter()
        .filter_map(|key| {
            let pointer = pointer_join("/rules", &key.value);
            let (value, place) = tree.get(&pointer)?;
            let value_at = At::span(SETTINGS_FILE, place.value.clone());
            let Some(level) = value.as_str().and_then(Level::parse) else {
                out.report(
                    &rules::invalid_value::RULE,
                    value_at,
                    format!("`{}` is not a level", display(value)),
                )
                .help("a rule's level is \"error\", \"warning\" or \"off\"");
                return None;
            };
            match Override::new(&key.value, level) {
                Ok(entry) => Some(entry),
                Err(OverrideError::Unknown { name, .. }) => {
                    let report = out.report(
                        &rules::unknown_rule::RULE,
                        At::span(SETTINGS_FILE, key.span.clone()),
                        format!("no rule has the code or name `{name}`"),
                    );
                    match suggestion(&name) {
                        Some(near) => report.help(format!("did you mean `{near}`?")),
                        None => report.help("`switchyard explain CODE` lists what a rule checks; see the Rules table of the README"),
                    };
                    None
                }
                Err(OverrideError::Locked { rule, level }) => {
                    out.report(
                        &rules::invalid_value::RULE,
                        value_at,
                        format!("{} `{}` cannot be set to `{}`", rule.code, rule.name, level.as_str()),
                    )
                    .label("this rule stays an error")
                    .note(LockedReason.to_string());
                    None
                }
            }
        })
        .collect()
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

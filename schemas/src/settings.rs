//! The repository settings file, `switchyard.toml` at the configuration root: severity
//! overrides for the compiler's rules.
//!
//! The compiler reads the file itself (to report each mistake at its place and to know
//! the rule names); this type gives editors its JSON Schema and the compiler its levels.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `switchyard.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Switchyard settings (switchyard.toml)")]
pub struct SettingsFile {
    /// Severity overrides, keyed by rule code (`SY063`, any case) or name
    /// (`deprecated-without-sunset`); `switchyard explain` lists the rules.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
}

/// What a rule's findings become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fail the run.
    Error,
    /// Report without failing.
    Warning,
    /// Do not report (refused for rules whose findings mean something could not be read).
    Off,
}

impl Level {
    /// `error`, `warning` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Off => "off",
        }
    }

    /// The level written as `error`, `warning` or `off`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_as_written() {
        let text = "[rules]\nSY063 = \"error\"\nprod-not-staged = \"off\"\n";
        let settings: SettingsFile = toml::from_str(text).expect("valid settings");
        assert_eq!(settings.rules["SY063"], Level::Error);
        assert_eq!(settings.rules["prod-not-staged"], Level::Off);
        for level in [Level::Error, Level::Warning, Level::Off] {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("deny"), None);
        assert!(toml::from_str::<SettingsFile>("[lints]\n").is_err());
    }
}

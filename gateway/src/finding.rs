//! Findings: what the renderer could not express, as plain data.
//!
//! The renderer knows nothing about files or lines. Each finding names its
//! [`Subject`] (an upstream, the environment, or one version of a service) so the
//! compiler can point the diagnostic at the right key of `environment.toml` or of a
//! release manifest.

use crate::catalog::Rule;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The output cannot be produced; the compiler must fail the build.
    Error,
    /// The output is produced but differs from what the proxy would do.
    Warning,
}

impl Severity {
    /// The lower-case name used in diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What a finding is about: where the compiler should point.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The environment as a whole (`environment.toml`, e.g. its `gateway` key).
    Environment,
    /// An upstream of `environment.toml` (`[upstreams.<name>]`).
    Upstream(String),
    /// One served major of a service (`[versions.v<major>]` of `<service>.toml`).
    Version {
        /// The service name.
        service: String,
        /// The major version.
        major: u64,
    },
}

/// One thing the Gateway API output cannot express or refuses to produce.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Error (no output) or warning (output differs from the proxy's behaviour).
    pub severity: Severity,
    /// Stable code, e.g. `GW001`.
    pub code: &'static str,
    /// Stable kebab-case name naming the problem.
    pub name: &'static str,
    /// One line saying what is wrong and what to do.
    pub message: String,
    /// Which file the compiler should point into.
    pub subject: Subject,
    /// The key in that file, as a JSON pointer into its TOML (`/upstreams/mall/kubernetes`,
    /// `/versions/v2/release/sticky`; `""` for the whole file). The key may be absent
    /// from the file (a missing `gateway`): then point at its nearest existing parent.
    pub key: String,
}

impl Finding {
    /// A finding of `rule` about the key at `path` (segments, unescaped) of `subject`.
    pub(crate) fn new(rule: &Rule, subject: Subject, path: &[&str], message: String) -> Finding {
        let mut key = String::new();
        for segment in path {
            key.push('/');
            key.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        }
        Finding {
            severity: rule.severity,
            code: rule.code,
            name: rule.name,
            message,
            subject,
            key,
        }
    }

    /// Whether this finding fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::UPSTREAM_WITHOUT_SERVICE;

    #[test]
    fn keys_are_escaped_json_pointers() {
        let finding = Finding::new(
            &UPSTREAM_WITHOUT_SERVICE,
            Subject::Upstream("a/b~c".into()),
            &["upstreams", "a/b~c", "kubernetes"],
            String::new(),
        );
        assert_eq!(finding.key, "/upstreams/a~1b~0c/kubernetes");
        let whole = Finding::new(
            &UPSTREAM_WITHOUT_SERVICE,
            Subject::Environment,
            &[],
            String::new(),
        );
        assert_eq!(whole.key, "");
    }
}

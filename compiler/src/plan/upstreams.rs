//! Upstream changes of an environment: upstreams added or removed and endpoints changed
//! (they move traffic as surely as a weight does).

use serde::Serialize;

use crate::model::Environment;

/// One upstream whose endpoints differ between base and head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamChange {
    /// Its name.
    pub name: String,
    /// Endpoints in the base (`None`: the upstream is new).
    pub base: Option<Vec<String>>,
    /// Endpoints in the head (`None`: the upstream is removed).
    pub head: Option<Vec<String>>,
}

impl UpstreamChange {
    /// `mall-next: 10.0.2.10:8080 → 10.0.2.10:8080, 10.0.2.11:8080`, `mall-beta: added
    /// (10.0.3.10:8080)` or `mall-old: removed (was 10.0.0.1:8080)`.
    pub fn text(&self) -> String {
        let list = |endpoints: &[String]| endpoints.join(", ");
        match (&self.base, &self.head) {
            (None, Some(head)) => format!("{}: added ({})", self.name, list(head)),
            (Some(base), None) => format!("{}: removed (was {})", self.name, list(base)),
            (Some(base), Some(head)) => {
                format!("{}: {} → {}", self.name, list(base), list(head))
            }
            (None, None) => self.name.clone(),
        }
    }
}

/// The upstreams that differ, sorted by name.
pub fn changes(base: Option<&Environment>, head: Option<&Environment>) -> Vec<UpstreamChange> {
    let endpoints = |environment: Option<&Environment>, name: &str| {
        let upstream = environment?.decl.upstream(name)?;
        Some(
            upstream
                .endpoints
                .iter()
                .map(|endpoint| endpoint.value.clone())
                .collect::<Vec<_>>(),
        )
    };
    let mut names: Vec<&str> = [base, head]
        .into_iter()
        .flatten()
        .flat_map(|environment| environment.decl.upstreams.iter())
        .map(|upstream| upstream.name.value.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| UpstreamChange {
            name: name.to_owned(),
            base: endpoints(base, name),
            head: endpoints(head, name),
        })
        .filter(|change| change.base != change.head)
        .collect()
}

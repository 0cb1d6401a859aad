//! Matching the base revision's model with the head's: environments by declared name,
//! services by name within an environment, versions by key, and the contract diff of a
//! version that exists on both sides.

use std::collections::BTreeSet;

use switchyard_contract::{Change, ChangeClass, Document};

use crate::diagnostic::{At, Diagnostics};
use crate::model::{Environment, Model, Service, Version};
use crate::version::VersionNumber;

/// One version as it is on one side.
#[derive(Debug, Clone, Copy)]
pub struct Side<'m> {
    /// The model it belongs to.
    pub model: &'m Model,
    /// Its environment.
    pub environment: &'m Environment,
    /// Its service.
    pub service: &'m Service,
    /// The version.
    pub version: &'m Version,
}

impl<'m> Side<'m> {
    /// The document the version names, when it was read.
    pub fn document(&self) -> Option<&'m Document> {
        self.model.document(self.version)
    }

    /// The document's path, relative to the root.
    pub fn document_path(&self) -> Option<&'m str> {
        self.version.document.as_deref()
    }

    /// The parsed `info.version`.
    pub fn number(&self) -> Option<VersionNumber> {
        self.model.info_version(self.version)
    }

    /// Where the head's findings about a version's number point: `info.version` in its
    /// document, or the manifest's `openapi` value when the document was not read.
    pub fn info_version_at(&self, out: &Diagnostics<'_>) -> At {
        match (self.document(), self.document_path()) {
            (Some(document), Some(path)) => {
                let at = document.info_version.at;
                out.locate(path, at.line, at.column)
            }
            _ => At::span(&self.service.file, self.version.decl.openapi.span.clone()),
        }
    }

    /// Whether the version is routed (not a draft).
    pub fn is_served(&self) -> bool {
        self.version.decl.is_served()
    }
}

/// One version key of one service of one environment, on either or both sides.
#[derive(Debug, Clone, Copy)]
pub struct VersionPair<'m> {
    /// The environment's declared name.
    pub environment: &'m str,
    /// The service's name.
    pub service: &'m str,
    /// The version key, e.g. `v2`.
    pub key: &'m str,
    /// In the base revision.
    pub base: Option<Side<'m>>,
    /// In the head.
    pub head: Option<Side<'m>>,
}

/// Whether the head could read everything of the environment that the base names
/// `name` (in folder `folder`): when it could not, something missing from the head may
/// only be unreadable, and rules about removals stay quiet (the reading problem is
/// reported).
pub fn head_is_complete(head: &Model, name: &str, folder: &str) -> bool {
    match head.environment(name) {
        Some(environment) => environment.complete,
        None => !head
            .unusable_folders
            .iter()
            .any(|unusable| unusable == folder),
    }
}

/// Every version of either model, paired by environment name, service name and key,
/// sorted in that order. Services declared twice in one environment are paired by their
/// first declaration.
pub fn version_pairs<'m>(base: &'m Model, head: &'m Model) -> Vec<VersionPair<'m>> {
    let mut keys: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    for model in [base, head] {
        for environment in &model.environments {
            for (service, version) in environment.versions() {
                keys.insert((
                    &environment.decl.name.value,
                    &service.name.value,
                    &version.decl.key.value,
                ));
            }
        }
    }
    keys.into_iter()
        .map(|(environment, service, key)| VersionPair {
            environment,
            service,
            key,
            base: side(base, environment, service, key),
            head: side(head, environment, service, key),
        })
        .collect()
}

fn side<'m>(model: &'m Model, environment: &str, service: &str, key: &str) -> Option<Side<'m>> {
    let environment = model.environment(environment)?;
    let (service, version) = environment.version(service, key)?;
    Some(Side {
        model,
        environment,
        service,
        version,
    })
}

/// The contract changes of a version from base to head, when both documents were read.
pub fn contract_changes(base: &Side<'_>, head: &Side<'_>) -> Option<Vec<Change>> {
    let (old, new) = (base.document()?, head.document()?);
    if old.contract == new.contract {
        return Some(Vec::new());
    }
    Some(switchyard_contract::diff(&old.contract, &new.contract))
}

/// A served version on both sides with its contract changes, diffed once for every
/// history rule that reads it.
#[derive(Debug, Clone)]
pub struct ServedPair<'m> {
    /// In the base revision.
    pub old: Side<'m>,
    /// In the head.
    pub new: Side<'m>,
    /// The contract changes from `old` to `new` (both documents were read).
    pub changes: Vec<Change>,
}

/// Served versions (not drafts) present on both sides with both documents read, once
/// per service, key and pair of documents, each with its contract diff: what the bump
/// rules compare (an OpenAPI file shared by several environments is reported once).
pub fn served_pairs<'m>(base: &'m Model, head: &'m Model) -> Vec<ServedPair<'m>> {
    let mut seen = BTreeSet::new();
    version_pairs(base, head)
        .into_iter()
        .filter_map(|pair| Some((pair.base?, pair.head?)))
        .filter(|(old, new)| old.is_served() && new.is_served())
        .filter(|(old, new)| old.document().is_some() && new.document().is_some())
        .filter(|(old, new)| {
            seen.insert((
                new.service.name.value.as_str(),
                new.version.decl.key.value.as_str(),
                old.document_path(),
                new.document_path(),
            ))
        })
        .filter_map(|(old, new)| {
            let changes = contract_changes(&old, &new)?;
            Some(ServedPair { old, new, changes })
        })
        .collect()
}

/// A change as a note: `C001 operation-removed: operation `GET /x` was removed (at
/// apis/x.yaml:14:5 in the base revision)`.
pub fn change_note(change: &Change, base: &Side<'_>, head: &Side<'_>) -> String {
    let (side, suffix) = match change.side {
        switchyard_contract::Side::Old => (base, " in the base revision"),
        switchyard_contract::Side::New => (head, ""),
    };
    let file = side.document_path().unwrap_or_default();
    let place = match change.at {
        Some(at) => format!("{file}:{}:{}", at.line, at.column),
        None => file.to_owned(),
    };
    format!(
        "{} {}: {} (at {place}{suffix})",
        change.code, change.name, change.message
    )
}

/// The bump a set of changes requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Required {
    /// No contract change: a patch bump or none.
    None,
    /// Compatible changes (or ones the specification cannot decide): a minor bump.
    Minor,
    /// A breaking change: a new major, served beside the old one.
    Major,
}

impl Required {
    /// What `changes` require.
    pub fn of(changes: &[Change]) -> Required {
        if changes.iter().any(|c| c.class == ChangeClass::Breaking) {
            Required::Major
        } else if changes.is_empty() {
            Required::None
        } else {
            Required::Minor
        }
    }

    /// `none`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Required::None => "none",
            Required::Minor => "minor",
            Required::Major => "major",
        }
    }
}

/// How `info.version` moved from base to head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// It went down.
    Decrease,
    /// It stayed (`1.2` and `1.2.0` are the same).
    None,
    /// Only the patch rose.
    Patch,
    /// The minor rose within the major.
    Minor,
    /// The major rose.
    Major,
}

impl Bump {
    /// The move from `from` to `to`.
    pub fn between(from: VersionNumber, to: VersionNumber) -> Bump {
        use std::cmp::Ordering;
        match to.cmp(&from) {
            Ordering::Less => Bump::Decrease,
            Ordering::Equal => Bump::None,
            Ordering::Greater if to.major > from.major => Bump::Major,
            Ordering::Greater if to.minor > from.minor => Bump::Minor,
            Ordering::Greater => Bump::Patch,
        }
    }

    /// Whether this bump satisfies `required` within one major (a new major is a new key,
    /// so it never satisfies `Major` here).
    pub fn satisfies(self, required: Required) -> bool {
        match required {
            Required::None => self != Bump::Decrease,
            Required::Minor => matches!(self, Bump::Minor | Bump::Major),
            Required::Major => false,
        }
    }

    /// `decrease`, `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Decrease => "decrease",
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> VersionNumber {
        VersionNumber::parse(text).expect("valid version")
    }

    #[test]
    fn bumps() {
        assert_eq!(Bump::between(number("1.2"), number("1.2.0")), Bump::None);
        assert_eq!(Bump::between(number("1.2"), number("1.2.1")), Bump::Patch);
        assert_eq!(Bump::between(number("1.2.5"), number("1.3")), Bump::Minor);
        assert_eq!(Bump::between(number("1.9"), number("1.10")), Bump::Minor);
        assert_eq!(Bump::between(number("1.10"), number("1.9")), Bump::Decrease);
        assert_eq!(Bump::between(number("1.2"), number("2.0")), Bump::Major);
        assert!(Bump::Patch.satisfies(Required::None));
        assert!(!Bump::Patch.satisfies(Required::Minor));
        assert!(Bump::Minor.satisfies(Required::Minor));
        assert!(!Bump::Decrease.satisfies(Required::None));
        assert!(!Bump::Major.satisfies(Required::Major));
    }
}

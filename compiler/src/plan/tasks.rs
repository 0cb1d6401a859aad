//! Release tasks of an environment by name, and the environments of both sides paired by
//! name: what the release-task history rules compare.

use std::collections::BTreeMap;

use crate::manifest::ReleaseDecl;
use crate::model::{Environment, Model, Service, Version};

/// A release task and the version it is declared on.
#[derive(Debug, Clone, Copy)]
pub struct TaskAt<'m> {
    /// The service's manifest.
    pub service: &'m Service,
    /// The version.
    pub version: &'m Version,
    /// The task.
    pub release: &'m ReleaseDecl,
}

impl TaskAt<'_> {
    /// Whether two tasks sit on the same service and version key.
    pub fn same_place(&self, other: &TaskAt<'_>) -> bool {
        self.service.name.value == other.service.name.value
            && self.version.decl.key.value == other.version.decl.key.value
    }

    /// `products v2`.
    pub fn place(&self) -> String {
        format!(
            "{} {}",
            self.service.name.value, self.version.decl.key.value
        )
    }
}

/// The tasks of an environment by name (the first declaration of a duplicated name).
pub fn tasks(environment: &Environment) -> BTreeMap<&str, TaskAt<'_>> {
    let mut tasks = BTreeMap::new();
    for (service, version) in environment.versions() {
        if let Some(release) = &version.decl.release {
            tasks.entry(release.task.value.as_str()).or_insert(TaskAt {
                service,
                version,
                release,
            });
        }
    }
    tasks
}

/// The task that took the place of a base task under another name: the head's task on
/// the same service and version when its name is not in the base.
pub fn renamed_to<'m>(
    old: &TaskAt<'_>,
    old_tasks: &BTreeMap<&str, TaskAt<'_>>,
    environment: &'m Environment,
) -> Option<&'m ReleaseDecl> {
    let (_, version) = environment.version(&old.service.name.value, &old.version.decl.key.value)?;
    let release = version.decl.release.as_ref()?;
    let name = release.task.value.as_str();
    (name != old.release.task.value && !old_tasks.contains_key(name)).then_some(release)
}

/// Every environment of the head with the same-named environment of the base, if any.
pub fn head_environments<'m>(
    base: &'m Model,
    head: &'m Model,
) -> impl Iterator<Item = (Option<&'m Environment>, &'m Environment)> {
    head.environments
        .iter()
        .map(|environment| (base.environment(&environment.decl.name.value), environment))
}

//! The validated model of a configuration repository: environments, their services and
//! versions, and the OpenAPI documents those versions name.
//!
//! Rules read only the model. Parts that could not be read are left out and their
//! environment is marked incomplete, so cross-environment rules do not report
//! consequences of a problem already reported.

use std::collections::BTreeMap;

use switchyard_contract::Document;
use switchyard_schemas::template::PathTemplate;

use crate::manifest::{EnvironmentDecl, ServiceDecl, VersionDecl};
use crate::source::Spanned;
use crate::version::{VersionNumber, base_path_major};

/// What an environment is for, from its name's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `-staging`.
    Staging,
    /// `-prod`.
    Prod,
}

/// One version of a service with the document it names.
#[derive(Debug, Clone)]
pub struct Version {
    /// As written.
    pub decl: VersionDecl,
    /// The OpenAPI file, relative to the root, when it lies inside the root and is readable.
    pub document: Option<String>,
}

/// One release manifest.
#[derive(Debug, Clone)]
pub struct Service {
    /// Path of the manifest.
    pub file: String,
    /// `service`.
    pub name: Spanned<String>,
    /// Versions, sorted by key.
    pub versions: Vec<Version>,
}

/// One environment folder.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Folder, relative to the root.
    pub folder: String,
    /// `environment.toml`.
    pub decl: EnvironmentDecl,
    /// Release manifests, sorted by file.
    pub services: Vec<Service>,
    /// False when a manifest or part of one could not be read, or a service is declared
    /// twice (comparisons with another environment would be ambiguous).
    pub complete: bool,
}

impl Environment {
    /// The last segment of the folder.
    pub fn folder_name(&self) -> &str {
        self.folder.rsplit('/').next().unwrap_or(&self.folder)
    }

    /// Staging or prod, from the declared name.
    pub fn stage(&self) -> Option<Stage> {
        stage_of(&self.decl.name.value)
    }

    /// The version of a service with a given key.
    pub fn version(&self, service: &str, key: &str) -> Option<(&Service, &Version)> {
        self.versions().find(|(candidate, version)| {
            candidate.name.value == service && version.decl.key.value == key
        })
    }

    /// Every version with its service.
    pub fn versions(&self) -> impl Iterator<Item = (&Service, &Version)> {
        self.services.iter().flat_map(|service| {
            service
                .versions
                .iter()
                .map(move |version| (service, version))
        })
    }
}

/// Staging or prod from a name's suffix.
pub fn stage_of(name: &str) -> Option<Stage> {
    if name.ends_with("-staging") {
        Some(Stage::Staging)
    } else if name.ends_with("-prod") {
        Some(Stage::Prod)
    } else {
        None
    }
}

/// An operation of a version, with its full path template.
#[derive(Debug, Clone)]
pub struct RoutedOperation<'m> {
    /// Upper-case method.
    pub method: &'m str,
    /// Base path joined with the document's path.
    pub template: PathTemplate,
    /// The `operationId`.
    pub operation_id: Option<&'m str>,
    /// Position of the method key in the document.
    pub at: switchyard_contract::Position,
}

/// The whole repository.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Environments with a usable `environment.toml`, sorted by folder.
    pub environments: Vec<Environment>,
    /// Folders whose `environment.toml` could not be used.
    pub unusable_folders: Vec<String>,
    /// Documents by path.
    pub documents: BTreeMap<String, Document>,
}

impl Model {
    /// Assembles the model from declarations and documents.
    pub fn new(
        environments: Vec<(EnvironmentDecl, Vec<ServiceDecl>, bool)>,
        unusable_folders: Vec<String>,
        documents: BTreeMap<String, Document>,
        resolve: impl Fn(&ServiceDecl, &VersionDecl) -> Option<String>,
    ) -> Model {
        let environments = environments
            .into_iter()
            .map(|(decl, services, readable)| {
                let mut names: Vec<&str> =
                    services.iter().map(|s| s.service.value.as_str()).collect();
                names.sort_unstable();
                let unique = names.windows(2).all(|pair| pair[0] != pair[1]);
                let complete =
                    readable && unique && services.iter().all(|service| service.complete);
                let folder = crate::source::parent(&decl.file).to_owned();
                let services = services
                    .into_iter()
                    .map(|service| Service {
                        versions: service
                            .versions
                            .iter()
                            .map(|version| Version {
                                document: resolve(&service, version),
                                decl: version.clone(),
                            })
                            .collect(),
                        file: service.file,
                        name: service.service,
                    })
                    .collect();
                Environment {
                    folder,
                    decl,
                    services,
                    complete,
                }
            })
            .collect();
        Model {
            environments,
            unusable_folders,
            documents,
        }
    }

    /// The document a version names, when it was read.
    pub fn document(&self, version: &Version) -> Option<&Document> {
        self.documents.get(version.document.as_deref()?)
    }

    /// The environment with this declared name.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|environment| environment.decl.name.value == name)
    }

    /// Every prod environment with the staging environment it names in `staged_in`,
    /// when both could be read completely (otherwise a comparison would report
    /// consequences of problems already reported).
    pub fn staged_pairs(&self) -> Vec<(&Environment, &Environment)> {
        self.environments
            .iter()
            .filter(|prod| prod.stage() == Some(Stage::Prod) && prod.complete)
            .filter_map(|prod| {
                let staging = self.environment(&prod.decl.staged_in.as_ref()?.value)?;
                (staging.stage() == Some(Stage::Staging) && staging.complete)
                    .then_some((prod, staging))
            })
            .collect()
    }

    /// The parsed `info.version` of a version's document.
    pub fn info_version(&self, version: &Version) -> Option<VersionNumber> {
        VersionNumber::parse(&self.document(version)?.info_version.value)
    }

    /// The base path a version is served under: its document's first base path, when
    /// it is `/v<MAJOR>`.
    pub fn base_path(&self, version: &Version) -> Option<&str> {
        let path = &self.document(version)?.base_paths.first()?.value;
        base_path_major(path).map(|_| path.as_str())
    }

    /// The version's operations with full templates; operations whose template cannot
    /// be routed are left out (a rule reports them).
    pub fn operations<'m>(&'m self, version: &Version) -> Vec<RoutedOperation<'m>> {
        let (Some(document), Some(base)) = (self.document(version), self.base_path(version)) else {
            return Vec::new();
        };
        document
            .operations
            .iter()
            .filter_map(|operation| {
                Some(RoutedOperation {
                    method: &operation.method,
                    template: PathTemplate::join(base, &operation.path).ok()?,
                    operation_id: operation.operation_id.as_deref(),
                    at: operation.at,
                })
            })
            .collect()
    }
}

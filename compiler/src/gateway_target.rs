//! The Gateway API target of `build` (`--target gateway-api`): renders every bundle as
//! Kubernetes HTTPRoutes with `switchyard_gateway` and turns its findings into
//! diagnostics that point into `environment.toml` or a release manifest.
//!
//! Pure like the pipeline: the files, the model and the bundles of an error-free
//! compilation in; one YAML text per environment and diagnostics out. The shell writes
//! the files (`disk::write_files`), and only when no diagnostic is an error.
//!
//! The model keeps spans but not the parsed trees, so each `environment.toml` is parsed
//! once more here (into both the [`EnvironmentFile`] the renderer needs and the places
//! of its keys), and a release manifest only when a finding points into it.

use std::collections::HashMap;
use std::path::Path;

use switchyard_gateway::{Finding, Subject};
use switchyard_schemas::bundle::Bundle;
use switchyard_schemas::manifest::EnvironmentFile;

use crate::diagnostic::{At, Diagnostic, Diagnostics, Severity};
use crate::manifest::tree::Tree;
use crate::model::{Environment, Model};
use crate::render::summary;
use crate::rules::Rule;
use crate::source::FileSet;

/// The Gateway API output of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFile {
    /// The environment's name.
    pub environment: String,
    /// The file to write in the output folder: `<environment>.yaml`.
    pub file_name: String,
    /// The HTTPRoutes as one multi-document YAML stream.
    pub yaml: String,
}

/// What the Gateway API target produced.
#[derive(Debug, Clone, Default)]
pub struct GatewayBuild {
    /// One file per environment, sorted by environment; empty when a diagnostic is an error.
    pub files: Vec<RouteFile>,
    /// The renderer's findings as diagnostics, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl GatewayBuild {
    /// Whether any diagnostic is an error (then nothing may be written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// The files to write, as `(file name, bytes)` for `disk::write_files`.
    pub fn outputs(&self) -> Vec<(&str, &[u8])> {
        self.files
            .iter()
            .map(|file| (file.file_name.as_str(), file.yaml.as_bytes()))
            .collect()
    }
}

/// The summary `build --target gateway-api` prints: the bundle summary (the same release)
/// and the route files written.
pub fn summary(bundles: &[Bundle], build: &GatewayBuild, out_dir: &Path) -> String {
    let mut text = summary::render(bundles, out_dir);
    let names: Vec<&str> = build
        .files
        .iter()
        .map(|file| file.file_name.as_str())
        .collect();
    text.push_str(&format!(
        "  as Gateway API HTTPRoutes: {}\n",
        names.join(", ")
    ));
    text
}

/// Why the target could not run: the compilation it was given is not the one of `files`.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// A bundle names an environment the model does not have.
    #[error("no environment of the configuration is named `{0}`")]
    UnknownEnvironment(String),
    /// An `environment.toml` is not in the file set as text.
    #[error("`{0}` cannot be read")]
    Unreadable(String),
    /// An `environment.toml` does not parse or does not match the environment schema.
    #[error("`{file}` is not a valid environment file: {reason}")]
    InvalidEnvironment {
        /// The file.
        file: String,
        /// What went wrong.
        reason: String,
    },
}

/// Renders the bundles of an error-free compilation of `files` (whose model is `model`)
/// as Gateway API HTTPRoutes.
pub fn render(
    files: &FileSet,
    model: &Model,
    bundles: &[Bundle],
) -> Result<GatewayBuild, GatewayError> {
    let mut out = Diagnostics::new(files);
    let mut route_files = Vec::new();
    for bundle in bundles {
        let environment = model
            .environments
            .iter()
            .find(|environment| environment.decl.name.value == bundle.environment)
            .ok_or_else(|| GatewayError::UnknownEnvironment(bundle.environment.clone()))?;
        let tree = parse(files, &environment.decl.file)?;
        let file: EnvironmentFile =
            serde_json::from_value(tree.value.clone()).map_err(|error| {
                GatewayError::InvalidEnvironment {
                    file: environment.decl.file.clone(),
                    reason: error.to_string(),
                }
            })?;
        let rendering = switchyard_gateway::render(&file, bundle);
        let mut manifests = Manifests::default();
        for finding in &rendering.findings {
            let at = locate(files, environment, &tree, &mut manifests, finding);
            report(&mut out, finding, at);
        }
        route_files.push(RouteFile {
            environment: bundle.environment.clone(),
            file_name: format!("{}.yaml", bundle.environment),
            yaml: rendering.yaml,
        });
    }
    let mut build = GatewayBuild {
        files: route_files,
        diagnostics: out.finish(),
    };
    if build.has_errors() {
        build.files.clear();
    }
    build
        .files
        .sort_by(|a, b| a.environment.cmp(&b.environment));
    Ok(build)
}

/// A Gateway API rule as a compiler [`Rule`], by code (`GW001`, any case) or name.
pub fn lookup(code_or_name: &str) -> Option<Rule> {
    switchyard_gateway::RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
        .map(|rule| Rule {
            code: rule.code,
            name: rule.name,
            severity: severity(rule.severity),
            summary: rule.summary,
            explanation: rule.explanation,
        })
}

fn severity(severity: switchyard_gateway::Severity) -> Severity {
    match severity {
        switchyard_gateway::Severity::Error => Severity::Error,
        switchyard_gateway::Severity::Warning => Severity::Warning,
    }
}

/// Reports a finding with its own code, name and severity; the rule's summary is the help.
fn report(out: &mut Diagnostics<'_>, finding: &Finding, at: At) {
    let summary = lookup(finding.code).map(|rule| rule.summary);
    let rule = Rule {
        code: finding.code,
        name: finding.name,
        severity: severity(finding.severity),
        summary: summary.unwrap_or_default(),
        explanation: "",
    };
    let diagnostic = out.report(&rule, at, finding.message.clone());
    if let Some(summary) = summary {
        diagnostic.help(summary);
    }
}

/// Release manifests parsed so far, by file (`None`: not parseable).
#[derive(Default)]
struct Manifests(HashMap<String, Option<Tree>>);

/// Where a finding points: the key of its file named by the finding's JSON pointer, or
/// the nearest parent key that exists.
fn locate(
    files: &FileSet,
    environment: &Environment,
    tree: &Tree,
    manifests: &mut Manifests,
    finding: &Finding,
) -> At {
    let manifest = match &finding.subject {
        Subject::Environment | Subject::Upstream(_) => None,
        Subject::Version { service, .. } => environment
            .services
            .iter()
            .find(|candidate| &candidate.name.value == service)
            .map(|service| service.file.as_str()),
    };
    let Some(manifest) = manifest else {
        return place(&environment.decl.file, tree, &finding.key);
    };
    let parsed = manifests
        .0
        .entry(manifest.to_owned())
        .or_insert_with(|| parse(files, manifest).ok());
    match parsed {
        Some(manifest_tree) => place(manifest, manifest_tree, &finding.key),
        None => At::file(manifest),
    }
}

/// The field at `pointer`, else at its nearest existing parent; the whole file at the root.
fn place(file: &str, tree: &Tree, pointer: &str) -> At {
    let mut pointer = pointer;
    while !pointer.is_empty() {
        if let Some(place) = tree.place(pointer) {
            return At::span(file, place.field());
        }
        pointer = pointer.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    At::file(file)
}

fn parse(files: &FileSet, file: &str) -> Result<Tree, GatewayError> {
    let source = files
        .source(file)
        .ok_or_else(|| GatewayError::Unreadable(file.to_owned()))?;
    Tree::parse(source.text()).map_err(|errors| GatewayError::InvalidEnvironment {
        file: file.to_owned(),
        reason: errors
            .first()
            .map_or_else(String::new, |error| error.message.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_fall_back_to_their_nearest_parent() {
        let text = "name = \"a-staging\"\n[upstreams.mall]\nendpoints = [\"x:1\"]\n";
        let tree = Tree::parse(text).expect("valid toml");
        let at = place("e.toml", &tree, "/upstreams/mall/kubernetes");
        assert_eq!(at.span.map(|span| &text[span]), Some("mall"));
        let at = place("e.toml", &tree, "/gateway/namespace");
        assert_eq!(at, At::file("e.toml"));
        let at = place("e.toml", &tree, "/name");
        assert_eq!(at.span.map(|span| &text[span]), Some("name"));
    }

    #[test]
    fn gateway_rules_are_found_by_code_or_name() {
        let rule = lookup("gw001").expect("GW001 exists");
        assert_eq!(rule.name, "upstream-without-kubernetes-service");
        assert_eq!(rule.severity, Severity::Error);
        assert!(lookup("environment-without-gateway").is_some());
        assert!(lookup("SY001").is_none());
    }
}

//! The pure pipeline: file set → parsed manifests → documents → model → rules → bundles.
//!
//! No IO happens here; the shell (`disk`) builds the [`FileSet`].

use std::collections::{BTreeMap, BTreeSet};

use switchyard_schemas::bundle::Bundle;

use crate::diagnostic::{At, Diagnostic, Diagnostics, Severity};
use crate::manifest::schema::SchemaKind;
use crate::manifest::{self, EnvironmentDecl, ServiceDecl, VersionDecl};
use crate::model::Model;
use crate::plan::pairs::served_pairs;
use crate::rules::{self, Context};
use crate::settings::Overrides;
use crate::source::{FileSet, SourceEntry, Unavailable, parent, resolve};
use crate::{bundle, openapi};

/// The file that makes a folder an environment.
pub const ENVIRONMENT_FILE: &str = "environment.toml";

/// What a compilation produced.
#[derive(Debug, Clone)]
pub struct Compilation {
    /// One bundle per environment, sorted by environment name; empty when there are errors.
    pub bundles: Vec<Bundle>,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }
}

/// Compiles a repository.
pub fn compile(files: &FileSet) -> Compilation {
    compile_with_base(files, None)
}

/// Compiles a repository; with its base revision, the history rules run too (the base's
/// own problems are not reported: they are not the change's).
pub fn compile_with_base(files: &FileSet, base: Option<&FileSet>) -> Compilation {
    compile_with(files, base, &Overrides::default())
}

/// Compiles a repository with severity overrides (the command line's) applied after
/// those of its settings file, as the last step before deciding whether to build.
pub fn compile_with(files: &FileSet, base: Option<&FileSet>, overrides: &Overrides) -> Compilation {
    let mut out = Diagnostics::new(files);
    let overrides = Overrides::read(files, overrides, &mut out);
    let mut schema_out = Diagnostics::new(files);
    let model = build_model(files, &mut out, &mut schema_out);
    let base = base.map(read_model);
    let served_pairs = base
        .as_ref()
        .map(|base| served_pairs(base, &model))
        .unwrap_or_default();
    let context = Context {
        model: &model,
        base: base.as_ref(),
        served_pairs: &served_pairs,
    };
    for check in rules::CHECKS {
        (check.run)(&context, &mut out);
    }
    out.add_unless_covered(schema_out.finish());
    let diagnostics = overrides.apply(out.finish());
    let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let bundles = if has_errors {
        Vec::new()
    } else {
        bundle::bundles(&model)
    };
    Compilation {
        bundles,
        diagnostics,
    }
}

/// The model of a repository without its diagnostics (for the base revision and the plan).
pub fn read_model(files: &FileSet) -> Model {
    let mut out = Diagnostics::new(files);
    let mut schema_out = Diagnostics::new(files);
    build_model(files, &mut out, &mut schema_out)
}

/// Environment folders (those holding an `environment.toml`, below the root) and the
/// manifests of each. TOML files in other folders below the root are reported: they
/// are neither checked nor built, which is rarely what their author wants.
fn discover<'f>(files: &'f FileSet, out: &mut Diagnostics<'_>) -> BTreeMap<&'f str, Vec<&'f str>> {
    let mut folders: BTreeMap<&str, Vec<&str>> = files
        .iter()
        .filter_map(|(path, _)| {
            let folder = path.strip_suffix(ENVIRONMENT_FILE)?.strip_suffix('/')?;
            (!folder.is_empty()).then_some((folder, Vec::new()))
        })
        .collect();
    for (path, _) in files.iter() {
        if !path.ends_with(".toml") || path.ends_with(&format!("/{ENVIRONMENT_FILE}")) {
            continue;
        }
        let folder = parent(path);
        match folders.get_mut(folder) {
            Some(manifests) => manifests.push(path),
            None if !folder.is_empty() => {
                out.report(
                    &rules::orphan_manifest::RULE,
                    At::file(path),
                    format!("`{folder}` has no `{ENVIRONMENT_FILE}`, so `{path}` is neither checked nor built"),
                )
                .help(format!("add `{folder}/{ENVIRONMENT_FILE}`, or move the manifest into an environment folder"));
            }
            None => {}
        }
    }
    folders
}

fn build_model(
    files: &FileSet,
    out: &mut Diagnostics<'_>,
    schema_out: &mut Diagnostics<'_>,
) -> Model {
    let mut environments = Vec::new();
    let mut unusable = Vec::new();
    for (folder, manifests) in discover(files, out) {
        let env_file = format!("{folder}/{ENVIRONMENT_FILE}");
        let decl = text_of(files, &env_file, out).and_then(|text| {
            let tree =
                manifest::read_tree(SchemaKind::Environment, &env_file, text, out, schema_out)?;
            EnvironmentDecl::extract(&env_file, &tree)
        });
        let mut readable = true;
        let mut services = Vec::new();
        for path in manifests {
            let service = text_of(files, path, out).and_then(|text| {
                let tree = manifest::read_tree(SchemaKind::Manifest, path, text, out, schema_out)?;
                ServiceDecl::extract(path, &tree, out)
            });
            match service {
                Some(service) => services.push(service),
                None => readable = false,
            }
        }
        match decl {
            Some(decl) => environments.push((decl, services, readable)),
            None => unusable.push(folder.to_owned()),
        }
    }
    let mut wanted = BTreeSet::new();
    let mut resolved = BTreeMap::new();
    for (_, services, _) in &environments {
        for service in services {
            for version in &service.versions {
                let path = resolve_openapi(files, service, version, out);
                if let Some(path) = &path {
                    wanted.insert(path.clone());
                }
                resolved.insert((service.file.clone(), version.key.value.clone()), path);
            }
        }
    }
    let documents = openapi::read_documents(files, &wanted, out);
    Model::new(environments, unusable, documents, |service, version| {
        resolved
            .get(&(service.file.clone(), version.key.value.clone()))
            .cloned()
            .flatten()
    })
}

/// The text of a TOML file, reporting files that exist but cannot be read.
fn text_of<'f>(files: &'f FileSet, path: &str, out: &mut Diagnostics<'_>) -> Option<&'f str> {
    match files.get(path)? {
        SourceEntry::Text(source) => Some(source.text()),
        SourceEntry::Unavailable(why) => {
            report_unavailable(why, At::file(path), path, out);
            None
        }
    }
}

fn report_unavailable(why: &Unavailable, at: At, path: &str, out: &mut Diagnostics<'_>) {
    match why {
        Unavailable::TooLarge { size } => {
            out.report(
                &rules::file_too_large::RULE,
                at,
                format!("`{path}` is {size} bytes, over the limit of 16 MiB"),
            );
        }
        Unavailable::OutsideRoot => {
            out.report(
                &rules::path_escapes_root::RULE,
                at,
                format!("`{path}` is a symbolic link that leads outside the configuration root"),
            );
        }
        Unavailable::NotUtf8 => {
            out.report(
                &rules::unreadable_file::RULE,
                at,
                format!("`{path}` is not UTF-8 text"),
            );
        }
        Unavailable::Unreadable(reason) => {
            out.report(
                &rules::unreadable_file::RULE,
                at,
                format!("`{path}` cannot be read: {reason}"),
            );
        }
    }
}

/// Resolves a version's `openapi` path; reports, at the manifest's value, a path that
/// leaves the root, a missing file or an unreadable one.
fn resolve_openapi(
    files: &FileSet,
    service: &ServiceDecl,
    version: &VersionDecl,
    out: &mut Diagnostics<'_>,
) -> Option<String> {
    let written = &version.openapi;
    let at = At::span(&service.file, written.span.clone());
    let Some(path) = resolve(parent(&service.file), &written.value) else {
        out.report(
            &rules::path_escapes_root::RULE,
            at,
            format!("`{}` leads outside the configuration root", written.value),
        )
        .label("resolved relative to this manifest")
        .help("keep OpenAPI files inside the configuration root, e.g. under `apis/`");
        return None;
    };
    match files.get(&path) {
        None => {
            out.report(
                &rules::missing_file::RULE,
                at,
                format!("OpenAPI file `{path}` does not exist"),
            )
            .label("resolved relative to this manifest");
            None
        }
        Some(SourceEntry::Unavailable(why)) => {
            report_unavailable(why, at, &path, out);
            None
        }
        Some(SourceEntry::Text(_)) => Some(path),
    }
}

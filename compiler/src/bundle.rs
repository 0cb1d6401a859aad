//! Emitting one routing bundle per environment from an error-free model.
//!
//! Only published, deprecated and retired versions are routed. A release task's weight
//! is applied as the proxy needs it: as written while running, 0 once cancelled, 100
//! once completed; its `match` rule only applies while running.

use std::collections::BTreeMap;

use switchyard_schemas::bundle::{
    ApiVersion, BUNDLE_FORMAT, Bundle, BundleUpstream, Operation, Release, ServedStatus, Split,
};
use switchyard_schemas::manifest::{CalendarDate, MatchRule, StickyKey, TaskStatus, VersionStatus};

use crate::manifest::ReleaseDecl;
use crate::model::{Environment, Model, Service, Version};
use crate::source::Spanned;

/// The bundles of every environment, sorted by environment name.
pub fn bundles(model: &Model) -> Vec<Bundle> {
    let mut bundles: Vec<Bundle> = model
        .environments
        .iter()
        .map(|environment| bundle(model, environment))
        .collect();
    bundles.sort_by(|a, b| a.environment.cmp(&b.environment));
    bundles
}

fn bundle(model: &Model, environment: &Environment) -> Bundle {
    let upstreams: BTreeMap<String, BundleUpstream> = environment
        .decl
        .upstreams
        .iter()
        .map(|upstream| {
            let endpoints = upstream.endpoints.iter().map(|e| e.value.clone()).collect();
            (upstream.name.value.clone(), BundleUpstream { endpoints })
        })
        .collect();
    let apis = environment
        .versions()
        .filter_map(|(service, version)| api_version(model, service, version))
        .collect();
    Bundle {
        format: BUNDLE_FORMAT,
        generation: String::new(),
        environment: environment.decl.name.value.clone(),
        domain: environment.decl.domain.value.clone(),
        upstreams,
        apis,
    }
    .seal()
}

fn served_status(status: VersionStatus) -> Option<ServedStatus> {
    match status {
        VersionStatus::Draft => None,
        VersionStatus::Published => Some(ServedStatus::Published),
        VersionStatus::Deprecated => Some(ServedStatus::Deprecated),
        VersionStatus::Retired => Some(ServedStatus::Retired),
    }
}

fn api_version(model: &Model, service: &Service, version: &Version) -> Option<ApiVersion> {
    let status = served_status(version.decl.status.value)?;
    let major = version.decl.key_major()?;
    let document = model.document(version)?;
    let base_path = model.base_path(version)?.to_owned();
    let operations = model
        .operations(version)
        .into_iter()
        .map(|operation| Operation {
            method: operation.method.to_owned(),
            path: operation.template.as_str().to_owned(),
            operation_id: operation.operation_id.map(str::to_owned),
        })
        .collect();
    let successor = match status {
        ServedStatus::Published => None,
        ServedStatus::Deprecated | ServedStatus::Retired => successor(model, service, major),
    };
    // Life-cycle dates reach the bundle only on deprecated versions (rules SY062, SY066).
    let deprecated_only = |date: &Option<Spanned<Option<CalendarDate>>>| {
        date.as_ref()
            .filter(|_| status == ServedStatus::Deprecated)
            .and_then(|date| date.value)
    };
    Some(ApiVersion {
        service: service.name.value.clone(),
        major,
        version: document.info_version.value.clone(),
        base_path,
        status,
        deprecated: deprecated_only(&version.decl.deprecated),
        sunset: deprecated_only(&version.decl.sunset),
        successor,
        split: Split {
            current: version.decl.upstream.value.clone(),
            release: version.decl.release.as_ref().and_then(release),
        },
        operations,
    })
}

/// The base path of the newest published or deprecated major above `major`.
fn successor(model: &Model, service: &Service, major: u64) -> Option<String> {
    service
        .versions
        .iter()
        .filter(|other| {
            matches!(
                other.decl.status.value,
                VersionStatus::Published | VersionStatus::Deprecated
            )
        })
        .filter_map(|other| Some((other.decl.key_major()?, model.base_path(other)?)))
        .filter(|(other_major, _)| *other_major > major)
        .max_by_key(|(other_major, _)| *other_major)
        .map(|(_, base_path)| base_path.to_owned())
}

fn release(decl: &ReleaseDecl) -> Option<Release> {
    let status = decl.status.value;
    let weight = match status {
        TaskStatus::Running => u8::try_from(decl.weight.value).ok()?,
        TaskStatus::Cancelled => 0,
        TaskStatus::Completed => 100,
    };
    let sticky = match &decl.sticky {
        Some(sticky) => Some(sticky.value.parse::<StickyKey>().ok()?),
        None => None,
    };
    let match_rule = decl
        .match_rule
        .as_ref()
        .filter(|_| status == TaskStatus::Running)
        .map(|rule| MatchRule {
            header: rule.header.value.clone(),
            value: rule.value.value.clone(),
        });
    Some(Release {
        task: decl.task.value.clone(),
        strategy: decl.strategy.value,
        status,
        target: decl.target.value.clone(),
        weight,
        sticky,
        match_rule,
    })
}

//! The routing table: a bundle prepared for the request path, and `route`, the pure
//! function from a request's method, path and headers to a [`Decision`].
//!
//! [`RoutingTable::from_bundle`] validates the whole bundle (templates, methods,
//! upstream references, endpoints, weights, header values) and prepares everything a
//! request needs — the router, per-path method tables with their `Allow` value, tag and
//! life-cycle header values, split state — so that routing a request allocates only
//! when its path needs normalizing. No IO and no tokio here: a table is built off the
//! request path and published whole (see `reload`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Method};
use switchyard_schemas::bundle::{ApiVersion, Bundle, Release, ServedStatus};
use switchyard_schemas::manifest::TaskStatus;
use switchyard_schemas::template::{PathTemplate, RouteConflict, RouteSet, TemplateError};

use crate::access_log::ServedBy;
use crate::balance::{Upstream, UpstreamError};
use crate::headers::ApiTags;
use crate::json_line::JsonString;
use crate::lifecycle::{InvalidHeaderText, Lifecycle};
use crate::metrics::{Metrics, VersionKey, VersionMetrics};
use crate::normalize::{PathError, normalize};
use crate::split::{MatchSource, Side, Splitter, StickySource};

/// A bundle ready to route requests.
#[derive(Debug)]
pub struct RoutingTable {
    generation: String,
    generation_json: JsonString,
    environment: String,
    unrouted: ServedBy,
    paths: RouteSet<PathEntry>,
    apis: Vec<Arc<ApiRoute>>,
}

/// The operations sharing one path shape.
#[derive(Debug)]
struct PathEntry {
    methods: Vec<(Method, Route)>,
    allow: HeaderValue,
}

/// The operations of one path shape by method name, while a table is built.
type MethodTable = BTreeMap<String, (Method, Route)>;

/// One served operation, prepared.
#[derive(Debug)]
pub struct Route {
    template: String,
    template_json: JsonString,
    api: Arc<ApiRoute>,
    splitter: Option<Splitter>,
}

/// One served API version, prepared.
#[derive(Debug)]
pub struct ApiRoute {
    /// Service name.
    pub service: String,
    /// Major version.
    pub major: u64,
    /// Full `info.version`.
    pub version: String,
    /// Published, deprecated or retired.
    pub status: ServedStatus,
    /// Values of the `x-api-*` tags.
    pub tags: ApiTags,
    /// Life-cycle headers and 410 body.
    pub lifecycle: Lifecycle,
    /// Where its answers are counted.
    pub metrics: VersionMetrics,
    current: Arc<Upstream>,
    release: Option<ReleaseRoute>,
    served_by: ServedByVersion,
}

/// How the access log names a version's answers: forwarded to its current upstream or
/// its release target, or made by the proxy (410 for a retired version).
#[derive(Debug)]
struct ServedByVersion {
    current: ServedBy,
    target: Option<ServedBy>,
    proxy: ServedBy,
}

#[derive(Debug)]
struct ReleaseRoute {
    target: Arc<Upstream>,
    task: String,
    weight: u8,
}

impl ApiRoute {
    /// What served a request of this version: the upstream of `side` when it was
    /// forwarded, else the proxy (on the current side).
    pub fn served_by(&self, side: Side, forwarded: bool) -> &ServedBy {
        let served_by = &self.served_by;
        match (forwarded, side, &served_by.target) {
            (false, _, _) => &served_by.proxy,
            (true, Side::Target, Some(target)) => target,
            (true, _, _) => &served_by.current,
        }
    }

    /// The release task's name and its weight (after its status is applied), if any.
    pub fn release(&self) -> Option<(&str, u8)> {
        self.release
            .as_ref()
            .map(|release| (release.task.as_str(), release.weight))
    }
}

impl Route {
    /// The operation's path template, e.g. `/v2/products/{id}`.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The path template as a JSON string, for access log lines.
    pub fn template_json(&self) -> &JsonString {
        &self.template_json
    }

    /// The API version this operation belongs to.
    pub fn api(&self) -> &ApiRoute {
        &self.api
    }

    /// The served version, shared (for an answer that outlives the request's table).
    pub fn shared_api(&self) -> &Arc<ApiRoute> {
        &self.api
    }

    fn choose(&self, headers: &HeaderMap) -> (Side, &Upstream) {
        match (&self.splitter, &self.api.release) {
            (Some(splitter), Some(release)) => match splitter.choose(headers) {
                Side::Target => (Side::Target, &release.target),
                Side::Current => (Side::Current, &self.api.current),
            },
            _ => (Side::Current, &self.api.current),
        }
    }
}

/// A request to forward.
#[derive(Debug)]
pub struct Forward<'a> {
    /// The matched operation.
    pub route: &'a Route,
    /// The side of the split chosen.
    pub side: Side,
    /// The upstream of that side.
    pub upstream: &'a Upstream,
    /// The normalized path to send upstream.
    pub path: Cow<'a, str>,
}

/// What to do with a request.
#[derive(Debug)]
pub enum Decision<'a> {
    /// Forward to an upstream.
    Forward(Forward<'a>),
    /// The version is retired: answer 410.
    Gone {
        /// The matched operation.
        route: &'a Route,
    },
    /// No declared path matches: 404.
    NotFound,
    /// The path is declared, the method is not: 405 with `Allow`.
    MethodNotAllowed {
        /// The `Allow` header value.
        allow: &'a HeaderValue,
    },
    /// The path was refused before routing: 400.
    BadPath(PathError),
}

/// Why a bundle cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// A path template the router cannot take.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Two templates the router would confuse.
    #[error(transparent)]
    Conflict(#[from] RouteConflict),
    /// An operation path outside its version's base path.
    #[error("operation `{path}` of {service} v{major} is outside its base path `{base_path}`")]
    OutsideBasePath {
        /// Service.
        service: String,
        /// Major.
        major: u64,
        /// The version's base path.
        base_path: String,
        /// The operation's path.
        path: String,
    },
    /// A method that is not an HTTP method token.
    #[error("`{method}` on `{path}` is not an HTTP method")]
    Method {
        /// The method as written.
        method: String,
        /// The operation's path.
        path: String,
    },
    /// The same method and path shape twice.
    #[error("`{method} {path}` is declared twice")]
    Duplicate {
        /// Method.
        method: String,
        /// Path.
        path: String,
    },
    /// A split naming an upstream the bundle does not have.
    #[error("{service} v{major} refers to the unknown upstream `{upstream}`")]
    UnknownUpstream {
        /// Service.
        service: String,
        /// Major.
        major: u64,
        /// The missing upstream.
        upstream: String,
    },
    /// An upstream without usable endpoints.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// A weight above 100.
    #[error("release `{task}` has weight {weight}, above 100")]
    Weight {
        /// Task.
        task: String,
        /// Weight.
        weight: u8,
    },
    /// A match rule or sticky key that cannot be a header name or value.
    #[error("release `{task}` has a match or sticky rule that is not a valid header: {detail}")]
    Rule {
        /// Task.
        task: String,
        /// What is wrong.
        detail: String,
    },
    /// A service, version or successor that cannot be sent in a header.
    #[error(transparent)]
    HeaderText(#[from] InvalidHeaderText),
}

impl RoutingTable {
    /// Validates a (verified) bundle and prepares it for routing, counting into a
    /// registry of its own (for checks and tests; the proxy uses [`Self::with_metrics`]).
    pub fn from_bundle(bundle: &Bundle) -> Result<RoutingTable, TableError> {
        RoutingTable::with_metrics(bundle, &Metrics::new())
    }

    /// Validates a (verified) bundle and prepares it for routing, with its metric
    /// handles taken from `metrics`.
    pub fn with_metrics(bundle: &Bundle, metrics: &Metrics) -> Result<RoutingTable, TableError> {
        let upstreams = bundle
            .upstreams
            .iter()
            .map(|(name, upstream)| {
                Upstream::new(name, &upstream.endpoints).map(|u| (name.as_str(), Arc::new(u)))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        let mut shapes: BTreeMap<String, (PathTemplate, MethodTable)> = BTreeMap::new();
        let mut apis = Vec::with_capacity(bundle.apis.len());
        for api in &bundle.apis {
            let prepared = Arc::new(prepare_api(api, &bundle.environment, &upstreams, metrics)?);
            apis.push(Arc::clone(&prepared));
            for operation in &api.operations {
                let template = PathTemplate::parse(&operation.path)?;
                if !within(&api.base_path, template.as_str()) {
                    return Err(TableError::OutsideBasePath {
                        service: api.service.clone(),
                        major: api.major,
                        base_path: api.base_path.clone(),
                        path: operation.path.clone(),
                    });
                }
                let method = Method::from_bytes(operation.method.as_bytes()).map_err(|_| {
                    TableError::Method {
                        method: operation.method.clone(),
                        path: operation.path.clone(),
                    }
                })?;
                let route = Route {
                    template: operation.path.clone(),
                    template_json: JsonString::new(&operation.path),
                    splitter: prepare_splitter(api)?,
                    api: Arc::clone(&prepared),
                };
                let (_, methods) = shapes
                    .entry(template.shape())
                    .or_insert_with(|| (template.clone(), BTreeMap::new()));
                if methods
                    .insert(operation.method.clone(), (method, route))
                    .is_some()
                {
                    return Err(TableError::Duplicate {
                        method: operation.method.clone(),
                        path: operation.path.clone(),
                    });
                }
            }
        }
        let mut paths = RouteSet::default();
        for (template, methods) in shapes.into_values() {
            let allow = methods.keys().cloned().collect::<Vec<_>>().join(", ");
            let allow = HeaderValue::try_from(allow.as_str())
                .map_err(|_| InvalidHeaderText(allow.clone()))?;
            let entry = PathEntry {
                methods: methods.into_values().collect(),
                allow,
            };
            paths.insert(&template, entry)?;
        }
        Ok(RoutingTable {
            generation: bundle.generation.clone(),
            generation_json: JsonString::new(&bundle.generation),
            environment: bundle.environment.clone(),
            unrouted: ServedBy::unrouted(&bundle.environment),
            paths,
            apis,
        })
    }

    /// The served API versions.
    pub fn apis(&self) -> impl Iterator<Item = &ApiRoute> {
        self.apis.iter().map(AsRef::as_ref)
    }

    /// The bundle's generation (`sha256:…`).
    pub fn generation(&self) -> &str {
        &self.generation
    }

    /// The bundle's generation as a JSON string, for access log lines.
    pub fn generation_json(&self) -> &JsonString {
        &self.generation_json
    }

    /// The bundle's environment.
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// How the access log names what served a request that matched no operation.
    pub fn unrouted(&self) -> &ServedBy {
        &self.unrouted
    }

    /// Decides what to do with a request. `path` is the raw request path (no query).
    pub fn route<'a>(
        &'a self,
        method: &Method,
        path: &'a str,
        headers: &HeaderMap,
    ) -> Decision<'a> {
        let path = match normalize(path) {
            Ok(path) => path,
            Err(error) => return Decision::BadPath(error),
        };
        let Some(entry) = self.paths.at(&path) else {
            return Decision::NotFound;
        };
        let Some((_, route)) = entry.methods.iter().find(|(m, _)| m == method) else {
            return Decision::MethodNotAllowed {
                allow: &entry.allow,
            };
        };
        if route.api.status == ServedStatus::Retired {
            return Decision::Gone { route };
        }
        let (side, upstream) = route.choose(headers);
        Decision::Forward(Forward {
            route,
            side,
            upstream,
            path,
        })
    }
}

/// Whether `path` is `base` or below it.
fn within(base: &str, path: &str) -> bool {
    let base = base.trim_end_matches('/');
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn prepare_api(
    api: &ApiVersion,
    environment: &str,
    upstreams: &BTreeMap<&str, Arc<Upstream>>,
    metrics: &Metrics,
) -> Result<ApiRoute, TableError> {
    let find = |name: &str| {
        upstreams
            .get(name)
            .cloned()
            .ok_or_else(|| TableError::UnknownUpstream {
                service: api.service.clone(),
                major: api.major,
                upstream: name.to_owned(),
            })
    };
    let release = match &api.split.release {
        Some(release) => Some(ReleaseRoute {
            target: find(&release.target)?,
            task: release.task.clone(),
            weight: effective_weight(release),
        }),
        None => None,
    };
    let current = find(&api.split.current)?;
    let key = VersionKey {
        environment,
        service: &api.service,
        major: api.major,
        version: &api.version,
    };
    let target = release.as_ref().map(|release| release.target.name());
    let served_by = ServedByVersion {
        current: ServedBy::version(key, Side::Current, Some(current.name())),
        target: target.map(|target| ServedBy::version(key, Side::Target, Some(target))),
        proxy: ServedBy::version(key, Side::Current, None),
    };
    Ok(ApiRoute {
        metrics: metrics.version(key, current.name(), target),
        service: api.service.clone(),
        major: api.major,
        version: api.version.clone(),
        status: api.status,
        tags: ApiTags::new(text_value(&api.service)?, text_value(&api.version)?),
        lifecycle: Lifecycle::new(api)?,
        current,
        release,
        served_by,
    })
}

fn text_value(text: &str) -> Result<HeaderValue, InvalidHeaderText> {
    HeaderValue::try_from(text).map_err(|_| InvalidHeaderText(text.to_owned()))
}

/// The weight a release applies: its own while running, 0 when cancelled, 100 when completed.
fn effective_weight(release: &Release) -> u8 {
    match release.status {
        TaskStatus::Running => release.weight.min(100),
        TaskStatus::Cancelled => 0,
        TaskStatus::Completed => 100,
    }
}

/// The split state of one operation, from its version's release.
fn prepare_splitter(api: &ApiVersion) -> Result<Option<Splitter>, TableError> {
    let Some(release) = &api.split.release else {
        return Ok(None);
    };
    if release.weight > 100 {
        return Err(TableError::Weight {
            task: release.task.clone(),
            weight: release.weight,
        });
    }
    let rule_error = |detail: String| TableError::Rule {
        task: release.task.clone(),
        detail,
    };
    let weight = effective_weight(release);
    let sticky = release
        .sticky
        .as_ref()
        .map(|key| StickySource::new(key).ok_or_else(|| rule_error(key.to_string())))
        .transpose()?;
    let match_rule = match (&release.match_rule, release.status) {
        (Some(rule), TaskStatus::Running) => Some(MatchSource {
            header: rule
                .header
                .parse()
                .map_err(|_| rule_error(rule.header.clone()))?,
            value: HeaderValue::try_from(rule.value.as_str())
                .map_err(|_| rule_error(rule.value.clone()))?,
        }),
        _ => None,
    };
    Ok(Some(Splitter::new(
        weight,
        &release.task,
        sticky,
        match_rule,
    )))
}

#[cfg(test)]
mod tests;

//! The routing bundle: what the compiler emits for one environment and the proxy serves.
//!
//! A bundle is a pure function of the sources. Its `generation` is the SHA-256 of its
//! canonical JSON with `generation` left empty, so a reader can prove that the file is
//! whole and unmodified ([`Bundle::verify`]) and a proxy can report which content it
//! serves. Collections are sorted by the compiler ([`Bundle::seal`] sorts them too), so
//! the same inputs give the same bytes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::manifest::{CalendarDate, MatchRule, StickyKey, Strategy, TaskStatus};

/// The bundle format this crate reads and writes.
pub const BUNDLE_FORMAT: u32 = 1;

/// One environment's routing bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Switchyard routing bundle")]
pub struct Bundle {
    /// Format version; readers reject formats they do not know.
    pub format: u32,
    /// `sha256:<hex>` of the canonical JSON of the bundle with this field empty.
    pub generation: String,
    /// Environment name, e.g. `shop-prod`.
    pub environment: String,
    /// The environment's domain; a service's full name is `<service>.<domain>`.
    pub domain: String,
    /// Upstreams by name.
    pub upstreams: BTreeMap<String, BundleUpstream>,
    /// Served API versions, sorted by service then major.
    pub apis: Vec<ApiVersion>,
}

/// An upstream's endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleUpstream {
    /// `host:port` addresses, in manifest order.
    pub endpoints: Vec<String>,
}

/// One served major version of a service, with its operations and traffic split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiVersion {
    /// Service name.
    pub service: String,
    /// Major version (`/v<major>`).
    pub major: u64,
    /// Full `info.version`, e.g. `2.1`.
    pub version: String,
    /// The base path, `/v<major>`.
    pub base_path: String,
    /// Published, deprecated or retired (drafts are never in a bundle).
    pub status: ServedStatus,
    /// Deprecated versions: the day the deprecation takes (or took) effect. Absent when
    /// not written, so bundles without it are unchanged; a proxy built before this field
    /// rejects a bundle that carries it (unknown field): update proxies first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<CalendarDate>,
    /// Deprecated versions: the announced sunset date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunset: Option<CalendarDate>,
    /// Deprecated or retired versions: the base path of the newest served major above this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// Where traffic goes.
    pub split: Split,
    /// Operations, sorted by path then method.
    pub operations: Vec<Operation>,
}

/// The status of a served version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServedStatus {
    /// Forwarded normally.
    Published,
    /// Forwarded, answered with `Deprecation`, `Sunset` and `Link` headers.
    Deprecated,
    /// Answered 410 Gone with the successor's name.
    Retired,
}

impl ServedStatus {
    /// The lower-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ServedStatus::Published => "published",
            ServedStatus::Deprecated => "deprecated",
            ServedStatus::Retired => "retired",
        }
    }
}

/// A version's traffic split: the current upstream, and a release target if a task is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Split {
    /// The version's upstream (`current` side).
    pub current: String,
    /// The release in progress or finished, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<Release>,
}

/// A release task as the proxy applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// Task name.
    pub task: String,
    /// Canary or blue-green.
    pub strategy: Strategy,
    /// Running, cancelled or completed.
    pub status: TaskStatus,
    /// The upstream being released (`target` side).
    pub target: String,
    /// Percent of requests sent to the target, after the task's status is applied:
    /// the manifest's weight while running, 0 when cancelled, 100 when completed.
    #[schemars(range(min = 0, max = 100))]
    pub weight: u8,
    /// Sticky routing key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<StickyKey>,
    /// Header rule sending requests to the target whatever the weight (running tasks only).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_rule: Option<MatchRule>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: String,
    /// Full path template including the base path, e.g. `/v2/products/{id}`.
    pub path: String,
    /// `operationId`, when the document gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// Why a bundle cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not JSON, or not the bundle's shape.
    #[error("not a valid bundle: {0}")]
    Parse(#[from] serde_json::Error),
    /// A format this reader does not know.
    #[error("bundle format {found} is not supported (this build reads format {BUNDLE_FORMAT})")]
    Format {
        /// The format found in the file.
        found: u32,
    },
    /// The content does not match its hash: the file was truncated or edited.
    #[error("content hash mismatch: the file says {declared} but its content hashes to {actual}")]
    Hash {
        /// The hash the file declares.
        declared: String,
        /// The hash of the content.
        actual: String,
    },
}

impl Bundle {
    /// Sorts every collection and sets `generation` from the content.
    pub fn seal(mut self) -> Bundle {
        self.apis
            .sort_by(|a, b| (&a.service, a.major).cmp(&(&b.service, b.major)));
        for api in &mut self.apis {
            api.operations
                .sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        }
        self.generation = self.content_hash();
        self
    }

    /// `sha256:<hex>` of the canonical JSON of this bundle with `generation` empty.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let unsealed = Bundle {
            generation: String::new(),
            ..self.clone()
        };
        // Serializing plain structs, strings and integers into a Vec cannot fail.
        let bytes = serde_json::to_vec(&unsealed).unwrap_or_default();
        hasher.update(&bytes);
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(7 + digest.len() * 2);
        hex.push_str("sha256:");
        for byte in digest {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    }

    /// The canonical file form: pretty JSON with a final newline.
    pub fn to_file_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Parses a bundle file and checks its format and content hash.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let bundle: Bundle = serde_json::from_slice(bytes)?;
        bundle.verify()?;
        Ok(bundle)
    }

    /// Checks the format version and that `generation` matches the content.
    pub fn verify(&self) -> Result<(), BundleError> {
        if self.format != BUNDLE_FORMAT {
            return Err(BundleError::Format { found: self.format });
        }
        let actual = self.content_hash();
        if actual != self.generation {
            return Err(BundleError::Hash {
                declared: self.generation.clone(),
                actual,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            format: BUNDLE_FORMAT,
            generation: String::new(),
            environment: "shop-staging".into(),
            domain: "shop.example.com".into(),
            upstreams: BTreeMap::from([(
                "mall".into(),
                BundleUpstream {
                    endpoints: vec!["127.0.0.1:8080".into()],
                },
            )]),
            apis: vec![ApiVersion {
                service: "products".into(),
                major: 1,
                version: "1.0".into(),
                base_path: "/v1".into(),
                status: ServedStatus::Published,
                deprecated: None,
                sunset: None,
                successor: None,
                split: Split {
                    current: "mall".into(),
                    release: None,
                },
                operations: vec![
                    Operation {
                        method: "POST".into(),
                        path: "/v1/products".into(),
                        operation_id: None,
                    },
                    Operation {
                        method: "GET".into(),
                        path: "/v1/products".into(),
                        operation_id: Some("list".into()),
                    },
                ],
            }],
        }
    }

    #[test]
    fn sealed_bundle_round_trips_and_verifies() {
        let bundle = sample().seal();
        assert!(bundle.generation.starts_with("sha256:"));
        assert_eq!(bundle.apis[0].operations[0].method, "GET");
        let bytes = bundle.to_file_bytes();
        let read = Bundle::from_file_bytes(&bytes).expect("sealed bundle verifies");
        assert_eq!(read, bundle);
    }

    #[test]
    fn edited_or_truncated_bundles_are_rejected() {
        let bytes = sample().seal().to_file_bytes();
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        let edited = text.replace("127.0.0.1:8080", "127.0.0.1:9090");
        assert!(matches!(
            Bundle::from_file_bytes(edited.as_bytes()),
            Err(BundleError::Hash { .. })
        ));
        assert!(matches!(
            Bundle::from_file_bytes(&bytes[..bytes.len() / 2]),
            Err(BundleError::Parse(_))
        ));
        let future = text.replace("\"format\": 1", "\"format\": 2");
        assert!(matches!(
            Bundle::from_file_bytes(future.as_bytes()),
            Err(BundleError::Format { found: 2 })
        ));
    }
}

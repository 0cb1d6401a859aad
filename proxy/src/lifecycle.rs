//! Life-cycle answers of a version, prepared once per bundle: the `Deprecation`
//! (RFC 9745), `Sunset` (RFC 8594) and `Link` (successor) headers of deprecated
//! versions, and the 410 body of retired ones.

use bytes::Bytes;
use http::HeaderValue;
use switchyard_schemas::bundle::{ApiVersion, ServedStatus};

/// `Deprecation` value: the bundle carries no deprecation date, so the version is
/// announced as deprecated since an unspecified past moment (the epoch).
const DEPRECATED_SINCE: &str = "@0";

/// Headers and body a version answers with because of its status.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// `Deprecation`, for deprecated versions.
    pub deprecation: Option<HeaderValue>,
    /// `Sunset`, for deprecated versions with a sunset date.
    pub sunset: Option<HeaderValue>,
    /// `Link: </v2>; rel="successor-version"`, for deprecated and retired versions with a successor.
    pub link: Option<HeaderValue>,
    /// The JSON body of the 410 answer, for retired versions.
    pub gone_body: Option<Bytes>,
}

/// A value that cannot be a header value (a control character in the bundle).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` cannot be sent in a header")]
pub struct InvalidHeaderText(pub String);

impl Lifecycle {
    /// Prepares the life-cycle answers of a version.
    pub fn new(api: &ApiVersion) -> Result<Lifecycle, InvalidHeaderText> {
        let link = match (&api.successor, api.status) {
            (Some(successor), ServedStatus::Deprecated | ServedStatus::Retired) => Some(
                header_value(format!("<{successor}>; rel=\"successor-version\""))?,
            ),
            _ => None,
        };
        match api.status {
            ServedStatus::Published => Ok(Lifecycle::default()),
            ServedStatus::Deprecated => Ok(Lifecycle {
                deprecation: Some(HeaderValue::from_static(DEPRECATED_SINCE)),
                sunset: api
                    .sunset
                    .map(|date| header_value(date.http_date_end_of_day()))
                    .transpose()?,
                link,
                gone_body: None,
            }),
            ServedStatus::Retired => Ok(Lifecycle {
                deprecation: None,
                sunset: None,
                link,
                gone_body: Some(gone_body(api)),
            }),
        }
    }
}

fn header_value(text: String) -> Result<HeaderValue, InvalidHeaderText> {
    HeaderValue::try_from(text.as_str()).map_err(|_| InvalidHeaderText(text))
}

/// The 410 body: `{"error": "gone", "message": …, "successor": …}`.
fn gone_body(api: &ApiVersion) -> Bytes {
    let message = match &api.successor {
        Some(successor) => format!(
            "{} v{} ({}) is retired; use {successor}",
            api.service, api.major, api.version
        ),
        None => format!(
            "{} v{} ({}) is retired",
            api.service, api.major, api.version
        ),
    };
    let body = serde_json::json!({
        "error": "gone",
        "message": message,
        "service": api.service,
        "version": api.version,
        "successor": api.successor,
    });
    Bytes::from(body.to_string())
}

//! Life-cycle answers of a version, prepared once per bundle: the `Deprecation`
//! (RFC 9745), `Sunset` (RFC 8594) and `Link` (successor) headers of deprecated
//! versions, and the 410 body of retired ones.
//!
//! `Deprecation` carries the bundle's `deprecated` date as an RFC 9745 `sf-date`:
//! `@<unix seconds>` at 00:00:00 UTC of that day, since a deprecation on a date is in
//! effect from the start of it (a future date announces an upcoming deprecation).
//! Without a date (older manifests; the compiler warns, SY068) the header is still
//! sent, as `@0`: it is the one standard signal that the version is deprecated —
//! `Sunset` alone does not say so (RFC 8594 sunsets need not follow a deprecation) and
//! clients that watch for `Deprecation` would silently stop warning if it were dropped.
//! A date in the past means "has been deprecated", which is true of every version whose
//! status is deprecated; the epoch says "since an unknown moment" rather than inventing
//! a date, and it does not move between reloads as a load time would.

use bytes::Bytes;
use http::HeaderValue;
use switchyard_schemas::bundle::{ApiVersion, ServedStatus};

/// `Deprecation` value when the bundle carries no deprecation date: deprecated since
/// an unspecified past moment (the epoch).
const DEPRECATED_SINCE_UNKNOWN: &str = "@0";

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
                deprecation: Some(match api.deprecated {
                    Some(date) => header_value(format!("@{}", date.unix_seconds_start_of_day()))?,
                    None => HeaderValue::from_static(DEPRECATED_SINCE_UNKNOWN),
                }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_schemas::bundle::Split;
    use switchyard_schemas::manifest::CalendarDate;

    fn deprecated(deprecated: Option<CalendarDate>) -> ApiVersion {
        ApiVersion {
            service: "products".into(),
            major: 1,
            version: "1.4".into(),
            base_path: "/v1".into(),
            status: ServedStatus::Deprecated,
            deprecated,
            sunset: CalendarDate::new(2027, 6, 30),
            successor: Some("/v2".into()),
            split: Split {
                current: "mall".into(),
                release: None,
            },
            operations: Vec::new(),
        }
    }

    fn header(value: Option<&HeaderValue>) -> Option<&str> {
        value.and_then(|value| value.to_str().ok())
    }

    #[test]
    fn deprecation_announces_the_start_of_the_deprecated_day() {
        let lifecycle = Lifecycle::new(&deprecated(CalendarDate::new(2026, 9, 1)))
            .expect("valid header values");
        assert_eq!(header(lifecycle.deprecation.as_ref()), Some("@1788220800"));
        assert_eq!(
            header(lifecycle.sunset.as_ref()),
            Some("Wed, 30 Jun 2027 23:59:59 GMT")
        );
        assert_eq!(
            header(lifecycle.link.as_ref()),
            Some("</v2>; rel=\"successor-version\"")
        );
    }

    #[test]
    fn deprecation_without_a_date_is_still_announced_since_the_epoch() {
        let lifecycle = Lifecycle::new(&deprecated(None)).expect("valid header values");
        assert_eq!(header(lifecycle.deprecation.as_ref()), Some("@0"));
        assert!(lifecycle.sunset.is_some());
    }

    #[test]
    fn published_and_retired_versions_send_no_deprecation() {
        let mut api = deprecated(CalendarDate::new(2026, 9, 1));
        api.status = ServedStatus::Published;
        assert!(Lifecycle::new(&api).expect("valid").deprecation.is_none());
        api.status = ServedStatus::Retired;
        let retired = Lifecycle::new(&api).expect("valid");
        assert!(retired.deprecation.is_none());
        assert!(retired.gone_body.is_some());
    }
}

//! The headers every response of a version carries: `x-api-version`, and on deprecated
//! versions `Deprecation` (RFC 9745: `@<unix seconds>` of the start of the `deprecated`
//! day, `@0` without one), `Sunset` (RFC 8594) and a `Link` to the successor.
//!
//! The values are the ones the Switchyard proxy sends, so clients see the same
//! answers whichever data plane serves them.

use switchyard_schemas::bundle::{ApiVersion, ServedStatus};

use crate::resource::Header;

/// `Deprecation` value when the bundle carries no deprecation date: like the proxy,
/// the version is announced as deprecated since the epoch (the compiler warns, SY068).
const DEPRECATED_SINCE_UNKNOWN: &str = "@0";

/// Response headers for one served version, in a fixed order.
pub(crate) fn response_headers(api: &ApiVersion) -> Vec<Header> {
    let mut headers = vec![Header {
        name: "x-api-version",
        value: api.version.clone(),
    }];
    if api.status != ServedStatus::Deprecated {
        return headers;
    }
    headers.push(Header {
        name: "Deprecation",
        value: match api.deprecated {
            Some(date) => format!("@{}", date.unix_seconds_start_of_day()),
            None => DEPRECATED_SINCE_UNKNOWN.to_owned(),
        },
    });
    if let Some(sunset) = api.sunset {
        headers.push(Header {
            name: "Sunset",
            value: sunset.http_date_end_of_day(),
        });
    }
    if let Some(successor) = &api.successor {
        headers.push(Header {
            name: "Link",
            value: format!("<{successor}>; rel=\"successor-version\""),
        });
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_schemas::bundle::Split;
    use switchyard_schemas::manifest::CalendarDate;

    fn deprecation(deprecated: Option<CalendarDate>) -> Option<String> {
        let api = ApiVersion {
            service: "echo".into(),
            major: 1,
            version: "1.0".into(),
            base_path: "/v1".into(),
            status: ServedStatus::Deprecated,
            deprecated,
            sunset: None,
            successor: None,
            split: Split {
                current: "echo".into(),
                release: None,
            },
            operations: Vec::new(),
        };
        response_headers(&api)
            .into_iter()
            .find(|header| header.name == "Deprecation")
            .map(|header| header.value)
    }

    #[test]
    fn deprecation_carries_the_date_or_the_epoch_like_the_proxy() {
        assert_eq!(
            deprecation(CalendarDate::new(2026, 9, 1)).as_deref(),
            Some("@1788220800")
        );
        assert_eq!(deprecation(None).as_deref(), Some("@0"));
    }
}

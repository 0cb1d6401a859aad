//! The headers every response of a version carries: `x-api-version`, and on deprecated
//! versions `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and a `Link` to the successor.
//!
//! The values are the ones the Switchyard proxy sends, so clients see the same
//! answers whichever data plane serves them.

use switchyard_schemas::bundle::{ApiVersion, ServedStatus};

use crate::resource::Header;

/// `Deprecation` value (RFC 9745 wants a date): the bundle carries no deprecation
/// date, so, like the proxy, the version is announced as deprecated since the epoch.
const DEPRECATED_SINCE: &str = "@0";

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
        value: DEPRECATED_SINCE.to_owned(),
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

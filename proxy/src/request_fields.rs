//! The request header fields the request path reads (`x-request-id`, the API key, and
//! whether `Host`, `Content-Length` and `Connection` are there), found in one pass over
//! a request's header map instead of one hashed lookup each.

use http::HeaderMap;
use http::header::{AUTHORIZATION, CONNECTION, CONTENT_LENGTH, HOST, HeaderName, HeaderValue};

use crate::headers::X_REQUEST_ID;

/// The `x-api-key` header's name.
static X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// The values the request path reads from a request's header fields: the first of each.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestFields<'a> {
    /// The first `x-request-id`.
    pub request_id: Option<&'a HeaderValue>,
    /// The first `authorization`.
    pub authorization: Option<&'a HeaderValue>,
    /// The first `x-api-key`.
    pub api_key: Option<&'a HeaderValue>,
    /// Which fields that shape the forwarded head are there.
    pub present: FieldsPresent,
}

/// Whether a request has the fields that shape its forwarded head.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FieldsPresent {
    /// `Host` (else the proxy writes one).
    pub host: bool,
    /// `Content-Length` (else a body goes chunked).
    pub content_length: bool,
    /// `Connection` (whose tokens name more fields to leave out).
    pub connection: bool,
}

impl<'a> RequestFields<'a> {
    /// The fields of `headers`, in one pass.
    pub fn of(headers: &'a HeaderMap) -> RequestFields<'a> {
        let mut fields = RequestFields::default();
        for (name, value) in headers {
            let first = |slot: &mut Option<&'a HeaderValue>| {
                slot.get_or_insert(value);
            };
            if name == HOST {
                fields.present.host = true;
            } else if name == CONTENT_LENGTH {
                fields.present.content_length = true;
            } else if name == CONNECTION {
                fields.present.connection = true;
            } else if name == AUTHORIZATION {
                first(&mut fields.authorization);
            } else if name == X_REQUEST_ID {
                first(&mut fields.request_id);
            } else if name == X_API_KEY {
                first(&mut fields.api_key);
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_each_field_is_found() {
        let mut headers = HeaderMap::new();
        headers.append("x-request-id", HeaderValue::from_static("first"));
        headers.append("x-request-id", HeaderValue::from_static("second"));
        headers.append("x-api-key", HeaderValue::from_static("key"));
        headers.append(CONTENT_LENGTH, HeaderValue::from_static("3"));
        headers.append("x-other", HeaderValue::from_static("other"));
        let fields = RequestFields::of(&headers);
        assert_eq!(
            fields.request_id.map(HeaderValue::as_bytes),
            Some(&b"first"[..])
        );
        assert_eq!(fields.api_key.map(HeaderValue::as_bytes), Some(&b"key"[..]));
        assert_eq!(fields.authorization, None);
        let present = FieldsPresent {
            host: false,
            content_length: true,
            connection: false,
        };
        assert_eq!(fields.present, present);
        headers.append(HOST, HeaderValue::from_static("example.com"));
        headers.append(CONNECTION, HeaderValue::from_static("x-other"));
        headers.append(AUTHORIZATION, HeaderValue::from_static("Bearer token"));
        let fields = RequestFields::of(&headers);
        assert!(fields.present.host && fields.present.connection);
        assert!(fields.authorization.is_some());
    }
}

//! An upstream answer's header fields, kept where they were read (the answer's head,
//! frozen) rather than parsed into a `HeaderMap`: the direct HTTP/1.1 lane writes them
//! to the client as they are, and only an answer that goes through hyper has them put
//! into its header map ([`UpstreamFields::append_to`]). Making a `HeaderName` and a
//! map entry of every field was a fifth of the instructions of a proxied request.

use std::ops::Range;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::headers::name_is;

/// One field: where its name and value are in the head.
#[derive(Debug, Clone)]
pub struct FieldAt {
    /// The name's bytes.
    pub name: Range<usize>,
    /// The value's bytes.
    pub value: Range<usize>,
}

/// The header fields of an upstream answer as read: hop-by-hop ones and those the
/// answer's `Connection` names already left out; names and values as httparse
/// checked them (its grammar admits nothing `http`'s header types refuse).
#[derive(Debug, Clone, Default)]
pub struct UpstreamFields {
    head: Bytes,
    fields: Vec<FieldAt>,
}

impl UpstreamFields {
    /// The `fields` of the answer whose head is `head`.
    pub fn new(head: Bytes, fields: Vec<FieldAt>) -> UpstreamFields {
        UpstreamFields { head, fields }
    }

    /// Each field's name and value, in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.fields.iter().map(|field| {
            (
                &self.head[field.name.clone()],
                &self.head[field.value.clone()],
            )
        })
    }

    /// The first value of the field `name` (lowercase), in any case.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.iter()
            .find(|(field, _)| name_is(field, name))
            .map(|(_, value)| value)
    }

    /// Appends every field for which `keep` (given its name) holds to `headers`, in
    /// order; values share the head's bytes.
    pub fn append_to(&self, headers: &mut HeaderMap, keep: impl Fn(&[u8]) -> bool) {
        for field in &self.fields {
            let name = &self.head[field.name.clone()];
            if !keep(name) {
                continue;
            }
            let value = HeaderValue::from_maybe_shared(self.head.slice(field.value.clone()));
            match (HeaderName::from_bytes(name), value) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                // httparse's token and field-value grammar is within http's; kept as
                // a guard, not a path.
                _ => tracing::warn!(
                    name = %String::from_utf8_lossy(name),
                    "an upstream header field http refuses was left out"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> UpstreamFields {
        let head = Bytes::from_static(b"Content-Type: a\r\nX-Two: b\r\nx-two: c\r\n");
        let at = |name: Range<usize>, value| FieldAt { name, value };
        UpstreamFields::new(
            head,
            vec![at(0..12, 14..15), at(17..22, 24..25), at(27..32, 34..35)],
        )
    }

    #[test]
    fn fields_are_read_in_order_and_found_in_any_case() {
        let fields = fields();
        let read: Vec<(&[u8], &[u8])> = fields.iter().collect();
        assert_eq!(
            read,
            [
                (&b"Content-Type"[..], &b"a"[..]),
                (b"X-Two", b"b"),
                (b"x-two", b"c")
            ]
        );
        assert_eq!(fields.get(b"x-two"), Some(&b"b"[..]));
        assert_eq!(fields.get(b"x-three"), None);
    }

    #[test]
    fn fields_go_into_a_header_map_unless_left_out() {
        let mut headers = HeaderMap::new();
        fields().append_to(&mut headers, |name| {
            !name.eq_ignore_ascii_case(b"content-type")
        });
        let values: Vec<&str> = headers
            .get_all("x-two")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        assert_eq!(values, ["b", "c"]);
        assert_eq!(headers.len(), 2);
    }
}

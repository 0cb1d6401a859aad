//! Request path normalization, done before routing.
//!
//! Percent-encoded unreserved characters are decoded (so `%2E%2E` is a dot segment),
//! `.` and `..` segments are resolved and repeated slashes collapse, as RFC 3986
//! §5.2.4 and §6.2.2 describe. Encoded slashes and backslashes, and `..` segments that
//! would climb above the root, are rejected: `/v1/../v2/x` becomes `/v2/x` and is
//! routed as that, never as something `/v1` names. The common case, a path that is
//! already normal, is returned borrowed without allocating.

use std::borrow::Cow;

/// Why a request path is refused before routing (answered with 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Not an absolute path (`/…`).
    #[error("the request path must start with `/`")]
    NotAbsolute,
    /// Contains `%2F` or `%5C`, or a raw backslash.
    #[error("encoded slashes and backslashes are not allowed in the path")]
    EncodedSlash,
    /// A `..` segment would climb above the root.
    #[error("the path climbs above the root")]
    AboveRoot,
    /// A `%` not followed by two hex digits, or an encoded NUL.
    #[error("the path has a malformed percent-encoding")]
    BadEncoding,
}

impl PathError {
    /// A stable snake_case name for this rejection (JSON errors, logs, metrics).
    pub fn reason(self) -> &'static str {
        match self {
            PathError::NotAbsolute => "not_absolute",
            PathError::EncodedSlash => "encoded_slash",
            PathError::AboveRoot => "above_root",
            PathError::BadEncoding => "bad_encoding",
        }
    }
}

/// Normalizes a request path (without its query). Borrows when nothing changes.
pub fn normalize(path: &str) -> Result<Cow<'_, str>, PathError> {
    if !path.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    if is_normal(path.as_bytes()) {
        return Ok(Cow::Borrowed(path));
    }
    let decoded = decode_unreserved(path)?;
    let mut segments: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in decoded[1..].split('/') {
        trailing_slash = false;
        match segment {
            "" | "." => trailing_slash = true,
            ".." => {
                segments.pop().ok_or(PathError::AboveRoot)?;
                trailing_slash = true;
            }
            _ => segments.push(segment),
        }
    }
    let mut normal = String::with_capacity(decoded.len());
    for segment in &segments {
        normal.push('/');
        normal.push_str(segment);
    }
    if trailing_slash || segments.is_empty() {
        normal.push('/');
    }
    Ok(Cow::Owned(normal))
}

/// True when the path has no `%`, no backslash, no empty segment inside it and no dot
/// segment: the fast path that needs no copy.
fn is_normal(path: &[u8]) -> bool {
    let mut previous_slash = false;
    for (index, &byte) in path.iter().enumerate() {
        match byte {
            b'%' | b'\\' => return false,
            b'/' if previous_slash => return false,
            b'.' if previous_slash && is_dot_segment(&path[index..]) => return false,
            _ => {}
        }
        previous_slash = byte == b'/';
    }
    true
}

/// Whether `rest` (starting at a `.` right after a slash) is `.` or `..` as a whole segment.
fn is_dot_segment(rest: &[u8]) -> bool {
    let end = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    matches!(&rest[..end], b"." | b"..")
}

/// Decodes percent-encoded unreserved characters (`A-Z a-z 0-9 - . _ ~`) and
/// upper-cases the hex of the others, rejecting encoded slashes and backslashes.
fn decode_unreserved(path: &str) -> Result<Cow<'_, str>, PathError> {
    let bytes = path.as_bytes();
    if bytes.contains(&b'\\') {
        return Err(PathError::EncodedSlash);
    }
    if !bytes.contains(&b'%') {
        return Ok(Cow::Borrowed(path));
    }
    let mut out = String::with_capacity(path.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte != b'%' {
            let next = bytes[index..]
                .iter()
                .position(|&b| b == b'%')
                .map_or(bytes.len(), |offset| index + offset);
            out.push_str(&path[index..next]);
            index = next;
            continue;
        }
        let (high, low) = match (bytes.get(index + 1), bytes.get(index + 2)) {
            (Some(&high), Some(&low)) => (hex(high)?, hex(low)?),
            _ => return Err(PathError::BadEncoding),
        };
        let value = high << 4 | low;
        match value {
            b'/' | b'\\' => return Err(PathError::EncodedSlash),
            0 => return Err(PathError::BadEncoding),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(value));
            }
            _ => {
                out.push('%');
                out.push(char::from(HEX_DIGITS[usize::from(high)]));
                out.push(char::from(HEX_DIGITS[usize::from(low)]));
            }
        }
        index += 3;
    }
    Ok(Cow::Owned(out))
}

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

fn hex(digit: u8) -> Result<u8, PathError> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(PathError::BadEncoding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, PathError>) {
        let actual = normalize(input);
        assert_eq!(
            actual.as_deref().map_err(|e| *e),
            expected,
            "normalizing {input:?}"
        );
    }

    #[test]
    fn normal_paths_are_borrowed() {
        for path in [
            "/",
            "/v1/products",
            "/v1/products/42",
            "/v1/a.b/..c/.d",
            "/v1/x/",
        ] {
            assert!(matches!(normalize(path), Ok(Cow::Borrowed(p)) if p == path));
        }
    }

    #[test]
    fn dot_segments_and_slashes_are_resolved() {
        check("/v1/../v2/x", Ok("/v2/x"));
        check("/v1/./products", Ok("/v1/products"));
        check("//v1///products", Ok("/v1/products"));
        check("/v1/products/.", Ok("/v1/products/"));
        check("/v1/products/..", Ok("/v1/"));
        check("/v1/%2E%2E/v2/x", Ok("/v2/x"));
        check("/v1/%2e/products", Ok("/v1/products"));
        check("/v1/pr%6Fducts", Ok("/v1/products"));
        check("/v1/caf%c3%a9", Ok("/v1/caf%C3%A9"));
        check("/..", Err(PathError::AboveRoot));
        check("/v1/../../etc", Err(PathError::AboveRoot));
        check("/v1/%2e%2e/%2E%2E/x", Err(PathError::AboveRoot));
    }

    #[test]
    fn encoded_slashes_and_bad_encodings_are_rejected() {
        check("/v1/a%2Fb", Err(PathError::EncodedSlash));
        check("/v1/a%2fb", Err(PathError::EncodedSlash));
        check("/v1/a%5Cb", Err(PathError::EncodedSlash));
        check("/v1/a\\b", Err(PathError::EncodedSlash));
        check("/v1/a%zz", Err(PathError::BadEncoding));
        check("/v1/a%2", Err(PathError::BadEncoding));
        check("/v1/a%00", Err(PathError::BadEncoding));
        check("v1/a", Err(PathError::NotAbsolute));
        check("*", Err(PathError::NotAbsolute));
    }

    proptest::proptest! {
        #[test]
        fn normalizing_is_idempotent_and_never_leaves_dot_segments(
            path in "(/(\\.|\\.\\.|a|b|%2[eE]|%41|)){0,8}"
        ) {
            if let Ok(once) = normalize(&path) {
                let twice = normalize(&once).expect("a normal path stays valid");
                proptest::prop_assert_eq!(&*twice, &*once);
                proptest::prop_assert!(!once.split('/').any(|s| s == "." || s == ".."));
                proptest::prop_assert!(!once.contains("//"));
            }
        }
    }
}

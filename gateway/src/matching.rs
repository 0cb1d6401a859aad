//! Request matches for declared operations: path and method.
//!
//! Path choice, for portability: a template without parameters is an `Exact` match
//! (Core support in every implementation). A template with parameters
//! (`/v1/products/{id}`) becomes an anchored `RegularExpression` where each
//! parameter is `[^/]+`, exactly the router's whole-segment semantics. Regular
//! expression matches are "implementation-specific" in Gateway API, so the regex
//! uses only what RE2 (Envoy, Istio, Envoy Gateway), PCRE (NGINX, HAProxy) and Go
//! (Traefik) read alike: `^`, `$`, one negated class, and backslash-escaped literals.
//! A `PathPrefix` on the literal head of the template would be Core, but it would
//! also forward paths the proxy answers with 404, so it is not used.

use crate::resource::{PathMatch, PathMatchType, RouteMatch};

/// Methods an HTTPRoute match can name (the CRD's enum).
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// The match for one operation, or `None` when Gateway API cannot match its method.
pub(crate) fn operation_match(method: &str, path: &str) -> Option<RouteMatch> {
    let method = METHODS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(method))?;
    Some(RouteMatch {
        path: path_match(path),
        method,
        headers: Vec::new(),
    })
}

/// `Exact` for literal paths, an anchored regular expression for templates.
fn path_match(template: &str) -> PathMatch {
    if !template.split('/').any(is_parameter) && is_exact_safe(template) {
        return PathMatch {
            kind: PathMatchType::Exact,
            value: template.to_owned(),
        };
    }
    let mut regex = String::with_capacity(template.len() + 8);
    regex.push('^');
    for (index, segment) in template.split('/').enumerate() {
        if index > 0 {
            regex.push('/');
        }
        if is_parameter(segment) {
            regex.push_str("[^/]+");
        } else {
            push_escaped(&mut regex, segment);
        }
    }
    regex.push('$');
    PathMatch {
        kind: PathMatchType::RegularExpression,
        value: regex,
    }
}

/// Whether a template segment is one whole parameter, like `{id}`.
fn is_parameter(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// Whether an `Exact` match accepts the path (the CRD's character rule for
/// `Exact`/`PathPrefix` values; anything else falls back to a regular expression).
fn is_exact_safe(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&b))
}

/// Appends `text` with every regular-expression metacharacter escaped.
fn push_escaped(regex: &mut String, text: &str) {
    for character in text.chars() {
        if "\\.+*?()|[]{}^$".contains(character) {
            regex.push('\\');
        }
        regex.push(character);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(template: &str) -> (PathMatchType, String) {
        let matched = path_match(template);
        (matched.kind, matched.value)
    }

    #[test]
    fn literal_paths_match_exactly() {
        assert_eq!(
            path("/v1/products"),
            (PathMatchType::Exact, "/v1/products".into())
        );
        assert_eq!(path("/v1"), (PathMatchType::Exact, "/v1".into()));
    }

    #[test]
    fn templates_become_anchored_expressions() {
        assert_eq!(
            path("/v1/products/{id}/reviews.json"),
            (
                PathMatchType::RegularExpression,
                r"^/v1/products/[^/]+/reviews\.json$".into()
            )
        );
    }

    #[test]
    fn literals_outside_the_exact_alphabet_are_escaped_expressions() {
        assert_eq!(
            path("/v1/caf\u{e9}"),
            (PathMatchType::RegularExpression, "^/v1/caf\u{e9}$".into())
        );
    }

    #[test]
    fn methods_outside_the_enum_have_no_match() {
        assert_eq!(
            operation_match("get", "/v1/x").map(|m| m.method),
            Some("GET")
        );
        assert!(operation_match("PROPFIND", "/v1/x").is_none());
    }
}

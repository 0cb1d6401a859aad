//! OpenAPI path templates as the proxy's router understands them.
//!
//! The compiler and the proxy both go through [`PathTemplate`] and [`RouteSet`], so a
//! template the compiler accepts is one the proxy can route, and two templates that
//! the router would confuse are reported at compile time.

use std::fmt;

/// A validated path template such as `/v1/products/{id}`.
///
/// Every segment is non-empty and either literal text or one whole `{name}` parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathTemplate {
    text: String,
}

/// Why a path template cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// Does not start with `/`.
    #[error("path `{0}` must start with `/`")]
    NotAbsolute(String),
    /// Contains `//`, or ends with `/`.
    #[error("path `{0}` has an empty segment (`//` or a trailing `/`)")]
    EmptySegment(String),
    /// A segment mixes a parameter with other text, like `{a}.{b}` or `v{n}`.
    #[error(
        "segment `{segment}` of `{path}` mixes a parameter with other text; the router supports only whole-segment parameters like `{{id}}`"
    )]
    PartialParameter {
        /// The whole template.
        path: String,
        /// The offending segment.
        segment: String,
    },
    /// A segment is `.` or `..`, or contains `?`, `#`, `%` or white space.
    #[error(
        "segment `{segment}` of `{path}` cannot be routed (dot segments, `?`, `#`, `%` and spaces are not allowed)"
    )]
    Unroutable {
        /// The whole template.
        path: String,
        /// The offending segment.
        segment: String,
    },
}

impl PathTemplate {
    /// Validates a template.
    pub fn parse(text: &str) -> Result<PathTemplate, TemplateError> {
        if !text.starts_with('/') {
            return Err(TemplateError::NotAbsolute(text.to_owned()));
        }
        if text == "/" {
            return Ok(PathTemplate {
                text: text.to_owned(),
            });
        }
        for segment in text[1..].split('/') {
            if segment.is_empty() {
                return Err(TemplateError::EmptySegment(text.to_owned()));
            }
            let is_parameter = segment.len() > 2
                && segment.starts_with('{')
                && segment.ends_with('}')
                && !segment[1..segment.len() - 1].contains(['{', '}']);
            if !is_parameter && segment.contains(['{', '}']) {
                return Err(TemplateError::PartialParameter {
                    path: text.to_owned(),
                    segment: segment.to_owned(),
                });
            }
            if segment == "."
                || segment == ".."
                || segment.contains(['?', '#', '%'])
                || segment.chars().any(char::is_whitespace)
            {
                return Err(TemplateError::Unroutable {
                    path: text.to_owned(),
                    segment: segment.to_owned(),
                });
            }
        }
        Ok(PathTemplate {
            text: text.to_owned(),
        })
    }

    /// Joins a base path (`/v1`) and an operation path (`/products/{id}`) and validates the result.
    pub fn join(base_path: &str, path: &str) -> Result<PathTemplate, TemplateError> {
        let base = base_path.trim_end_matches('/');
        let joined = match path {
            "" | "/" if base.is_empty() => "/".to_owned(),
            "" | "/" => base.to_owned(),
            _ => format!("{base}{path}"),
        };
        PathTemplate::parse(&joined)
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The template with parameter names erased, e.g. `/v1/products/{}`: two operations
    /// with the same method and shape are the same operation.
    pub fn shape(&self) -> String {
        self.render(|_| "{}".to_owned())
    }

    /// The parameter names in order.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.segments().filter_map(|segment| match segment {
            Segment::Parameter(name) => Some(name),
            Segment::Literal(_) => None,
        })
    }

    fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        self.text[1..]
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| {
                match segment
                    .strip_prefix('{')
                    .and_then(|rest| rest.strip_suffix('}'))
                {
                    Some(name) => Segment::Parameter(name),
                    None => Segment::Literal(segment),
                }
            })
    }

    /// The router's syntax for this shape: parameters named by position (`{p0}`), so
    /// templates that differ only in parameter names share one router entry.
    fn router_path(&self) -> String {
        self.render(|index| format!("{{p{index}}}"))
    }

    /// Rebuilds the path, writing the `index`-th parameter as `parameter(index)`.
    fn render(&self, parameter: impl Fn(usize) -> String) -> String {
        let mut index = 0;
        let mut path = String::with_capacity(self.text.len());
        for segment in self.segments() {
            path.push('/');
            match segment {
                Segment::Literal(text) => path.push_str(text),
                Segment::Parameter(_) => {
                    path.push_str(&parameter(index));
                    index += 1;
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        path
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

enum Segment<'a> {
    Literal(&'a str),
    Parameter(&'a str),
}

/// Two templates the router cannot hold together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{template}` conflicts with a route already present: {reason}")]
pub struct RouteConflict {
    /// The template being added.
    pub template: String,
    /// The router's explanation.
    pub reason: String,
}

/// A path router over validated templates (static segments win over parameters).
#[derive(Debug, Clone)]
pub struct RouteSet<T> {
    router: matchit::Router<T>,
}

impl<T> Default for RouteSet<T> {
    fn default() -> Self {
        RouteSet {
            router: matchit::Router::new(),
        }
    }
}

impl<T> RouteSet<T> {
    /// Adds a template; fails if its shape is present already or the router would confuse it.
    pub fn insert(&mut self, template: &PathTemplate, value: T) -> Result<(), RouteConflict> {
        self.router
            .insert(template.router_path(), value)
            .map_err(|error| RouteConflict {
                template: template.as_str().to_owned(),
                reason: error.to_string(),
            })
    }

    /// The value of the route matching a normalized request path.
    pub fn at(&self, path: &str) -> Option<&T> {
        self.router.at(path).ok().map(|matched| matched.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_validated() {
        assert!(PathTemplate::parse("/v1/products/{id}").is_ok());
        assert!(PathTemplate::parse("/").is_ok());
        assert!(matches!(
            PathTemplate::parse("v1"),
            Err(TemplateError::NotAbsolute(_))
        ));
        assert!(matches!(
            PathTemplate::parse("/v1//x"),
            Err(TemplateError::EmptySegment(_))
        ));
        assert!(matches!(
            PathTemplate::parse("/v1/{a}.{b}"),
            Err(TemplateError::PartialParameter { .. })
        ));
        assert!(matches!(
            PathTemplate::parse("/v1/../x"),
            Err(TemplateError::Unroutable { .. })
        ));
    }

    #[test]
    fn join_and_shape() {
        let template = PathTemplate::join("/v1", "/products/{productId}").expect("valid");
        assert_eq!(template.as_str(), "/v1/products/{productId}");
        assert_eq!(template.shape(), "/v1/products/{}");
        assert_eq!(template.parameters().collect::<Vec<_>>(), ["productId"]);
        assert_eq!(
            PathTemplate::join("/v1", "/").map(|t| t.to_string()),
            Ok("/v1".into())
        );
    }

    #[test]
    fn route_set_prefers_static_and_rejects_same_shape() {
        let mut routes = RouteSet::default();
        let by_id = PathTemplate::parse("/v1/items/{id}").expect("valid");
        let me = PathTemplate::parse("/v1/items/me").expect("valid");
        routes.insert(&by_id, "by_id").expect("first");
        routes.insert(&me, "me").expect("static beside parameter");
        assert_eq!(routes.at("/v1/items/me"), Some(&"me"));
        assert_eq!(routes.at("/v1/items/42"), Some(&"by_id"));
        assert_eq!(routes.at("/v1/items"), None);
        let renamed = PathTemplate::parse("/v1/items/{name}").expect("valid");
        assert!(routes.insert(&renamed, "again").is_err());
    }
}

//! Local `$ref` resolution: JSON Pointers (`~0`, `~1`, percent-encoding) into the document.

use crate::node::Node;

/// How many `$ref` hops an object (parameter, response, body) may take before it is a cycle.
const MAX_HOPS: usize = 32;

/// Why a reference could not be followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RefError {
    /// The reference names another file or a URL.
    External(String),
    /// The pointer leads nowhere in this document.
    Missing(String),
    /// The references loop.
    Cycle(String),
}

impl RefError {
    /// A message for users.
    pub fn message(&self) -> String {
        match self {
            Self::External(target) => format!(
                "`$ref: {target}` points outside this document; only local references (`#/...`) are read, so inline the definition"
            ),
            Self::Missing(target) => format!(
                "`$ref: {target}` points at nothing in this document; fix the path or add the definition"
            ),
            Self::Cycle(target) => format!(
                "`$ref: {target}` loops back onto itself without defining anything; point it at a real definition"
            ),
        }
    }
}

/// The `$ref` string of a node, when it has one.
pub(crate) fn ref_of(node: &Node) -> Option<&str> {
    node.get("$ref").and_then(Node::as_str)
}

/// Decodes a local reference `#/a/b~1c` into its pointer segments.
pub(crate) fn pointer_segments(reference: &str) -> Result<Vec<String>, RefError> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(RefError::External(reference.to_owned()));
    };
    let pointer = percent_decode(pointer);
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(pointer) = pointer.strip_prefix('/') else {
        return Err(RefError::Missing(reference.to_owned()));
    };
    Ok(pointer
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// The node a local reference points at.
pub(crate) fn resolve<'a>(root: &'a Node, reference: &str) -> Result<&'a Node, RefError> {
    let segments = pointer_segments(reference)?;
    let mut current = root;
    for segment in &segments {
        let next = match current.as_seq() {
            Some(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            None => current.get(segment),
        };
        current = next.ok_or_else(|| RefError::Missing(reference.to_owned()))?;
    }
    Ok(current)
}

/// Follows `$ref`s from `node` until a node without one.
pub(crate) fn follow<'a>(root: &'a Node, node: &'a Node) -> Result<&'a Node, RefError> {
    let mut current = node;
    for _ in 0..MAX_HOPS {
        match ref_of(current) {
            Some(reference) => current = resolve(root, reference)?,
            None => return Ok(current),
        }
    }
    Err(RefError::Cycle(ref_of(node).unwrap_or_default().to_owned()))
}

/// Decodes `%XX` escapes (invalid escapes stay as written).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(value) = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

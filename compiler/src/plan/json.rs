//! `diff --format json`: the [`Plan`] as one JSON document, for tools.

use crate::plan::Plan;

/// The plan as pretty-printed JSON with a trailing newline.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan)
        .unwrap_or_else(|error| serde_json::json!({ "error": error.to_string() }).to_string());
    text.push('\n');
    text
}

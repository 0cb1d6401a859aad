//! `diff --format markdown`: the plan as a pull-request comment — a table per
//! environment, traffic moves as a list, contract changes folded under `<details>`.

use std::fmt::Write as _;

use crate::plan::human::location;
use crate::plan::{EnvironmentPlan, Plan, VersionPlan};

/// The plan as GitHub-flavoured Markdown.
pub fn render(plan: &Plan) -> String {
    let mut text = String::from("## Switchyard plan\n\n");
    if plan.is_empty() {
        text.push_str("No changes against the base revision.\n");
        return text;
    }
    for environment in &plan.environments {
        if environment.is_unchanged() {
            continue;
        }
        render_environment(environment, &mut text);
    }
    text
}

fn render_environment(environment: &EnvironmentPlan, text: &mut String) {
    let presence = environment.presence.suffix();
    let _ = writeln!(text, "### `{}`{presence}\n", environment.name);
    if let Some(note) = environment.incomplete_note() {
        let _ = writeln!(text, "> **Warning:** {note}\n");
    }
    if !environment.upstreams.is_empty() {
        text.push_str("**Upstreams**\n\n");
        for upstream in &environment.upstreams {
            let _ = writeln!(text, "- {}", upstream.text());
        }
        text.push('\n');
    }
    if environment.versions.is_empty() {
        return;
    }
    text.push_str("| Version | Lifecycle | `info.version` | Contract | Required bump |\n");
    text.push_str("|---|---|---|---|---|\n");
    for version in &environment.versions {
        let (class, bump) = match &version.contract {
            Some(contract) => (
                format!(
                    "{} ({})",
                    bold_breaking(contract.class.as_str()),
                    contract.changes.len()
                ),
                contract.required_text(),
            ),
            None => ("–".to_owned(), "–".to_owned()),
        };
        let _ = writeln!(
            text,
            "| `{}` | {} | {} | {class} | {bump} |",
            version.title(),
            version.lifecycle_text(),
            version.version_text()
        );
    }
    text.push('\n');
    let traffic: Vec<String> = environment
        .versions
        .iter()
        .filter_map(|version| {
            Some(format!(
                "`{}`: {}",
                version.title(),
                version.traffic_text()?
            ))
        })
        .collect();
    if !traffic.is_empty() {
        text.push_str("**Traffic**\n\n");
        for line in traffic {
            let _ = writeln!(text, "- {line}");
        }
        text.push('\n');
    }
    for version in &environment.versions {
        render_changes(version, text);
    }
}

fn render_changes(version: &VersionPlan, text: &mut String) {
    let Some(contract) = &version.contract else {
        return;
    };
    let _ = writeln!(
        text,
        "<details><summary>Contract changes of <code>{}</code> ({})</summary>\n",
        version.title(),
        contract.changes.len()
    );
    for change in &contract.changes {
        let _ = writeln!(
            text,
            "- {} `{}` {}: {} — `{}`",
            bold_breaking(change.class.as_str()),
            change.code,
            change.name,
            change.message,
            location(change)
        );
    }
    text.push_str("\n</details>\n\n");
}

fn bold_breaking(class: &str) -> String {
    if class == "breaking" {
        format!("**{class}**")
    } else {
        class.to_owned()
    }
}

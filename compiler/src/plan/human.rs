//! `diff --format human`: the plan as indented text for a terminal.

use std::fmt::Write as _;

use crate::plan::{EnvironmentPlan, Plan, PlannedChange, VersionPlan};

/// The plan as text; one line when nothing changes.
pub fn render(plan: &Plan) -> String {
    if plan.is_empty() {
        return "no changes against the base revision\n".to_owned();
    }
    let mut text = String::new();
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
    let _ = writeln!(text, "{}{presence}", environment.name);
    if let Some(note) = environment.incomplete_note() {
        let _ = writeln!(text, "  warning: {note}");
    }
    for upstream in &environment.upstreams {
        let _ = writeln!(text, "  upstream {}", upstream.text());
    }
    for version in &environment.versions {
        render_version(version, text);
    }
    text.push('\n');
}

fn render_version(version: &VersionPlan, text: &mut String) {
    let _ = writeln!(
        text,
        "  {}: {}, version {}",
        version.title(),
        version.lifecycle_text(),
        version.version_text()
    );
    if let Some(contract) = &version.contract {
        let _ = writeln!(
            text,
            "    contract: {}, {} change{}, requires a {} bump{}",
            contract.class.as_str(),
            contract.changes.len(),
            if contract.changes.len() == 1 { "" } else { "s" },
            contract.required_bump.as_str(),
            if contract.bump_sufficient == Some(false) {
                " (not met)"
            } else {
                ""
            }
        );
        for change in &contract.changes {
            let _ = writeln!(text, "      {}", change_line(change));
        }
    }
    if let Some(traffic) = version.traffic_text() {
        let _ = writeln!(text, "    traffic: {traffic}");
    }
}

/// `breaking C001 operation-removed: operation `GET /x` was removed (base apis/x.yaml:14)`.
pub fn change_line(change: &PlannedChange) -> String {
    format!(
        "{} {} {}: {} ({})",
        change.class.as_str(),
        change.code,
        change.name,
        change.message,
        location(change)
    )
}

/// `apis/x.yaml:14`, prefixed with `base ` when it is in the base revision.
pub fn location(change: &PlannedChange) -> String {
    let side = if change.in_base { "base " } else { "" };
    match change.line {
        Some(line) => format!("{side}{}:{line}", change.file),
        None => format!("{side}{}", change.file),
    }
}

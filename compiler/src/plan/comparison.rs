//! `compare --format human`: two OpenAPI documents' changes, one line each, then a
//! verdict. (`--format json` is [`switchyard_contract::Comparison::to_json`].)

use std::fmt::Write as _;

use switchyard_contract::{Comparison, Problem, Side};

/// One line per change (`breaking C001 operation-removed: … (old.yaml:14:5)`), the
/// readers' warnings, then `N breaking, N warnings, N compatible`.
pub fn render(comparison: &Comparison, old_file: &str, new_file: &str) -> String {
    let mut text = String::new();
    for (file, problems) in [
        (old_file, &comparison.old_problems),
        (new_file, &comparison.new_problems),
    ] {
        for problem in problems {
            let _ = writeln!(
                text,
                "{}: {file}{}: {}",
                problem_severity(problem),
                place(problem),
                problem.message
            );
        }
    }
    for change in &comparison.changes {
        let file = match change.side {
            Side::Old => old_file,
            Side::New => new_file,
        };
        let at = change
            .at
            .map_or_else(String::new, |at| format!(":{}:{}", at.line, at.column));
        let _ = writeln!(
            text,
            "{} {} {}: {} ({file}{at})",
            change.class.as_str(),
            change.code,
            change.name,
            change.message
        );
    }
    let count = |class: switchyard_contract::ChangeClass| {
        comparison
            .changes
            .iter()
            .filter(|change| change.class == class)
            .count()
    };
    if comparison.changes.is_empty() {
        text.push_str("no contract changes\n");
    } else {
        let _ = writeln!(
            text,
            "{} breaking, {} warning, {} compatible; `switchyard explain CODE` explains a change",
            count(switchyard_contract::ChangeClass::Breaking),
            count(switchyard_contract::ChangeClass::Warning),
            count(switchyard_contract::ChangeClass::Compatible)
        );
    }
    text
}

fn problem_severity(problem: &Problem) -> &'static str {
    match problem.severity {
        switchyard_contract::Severity::Error => "error",
        switchyard_contract::Severity::Warning => "warning",
    }
}

fn place(problem: &Problem) -> String {
    problem
        .at
        .map_or_else(String::new, |at| format!(":{}:{}", at.line, at.column))
}

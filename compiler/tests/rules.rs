//! The rule registry: stable, unique codes and names, and explanations of the fixed
//! shape that `switchyard explain` prints.

use switchyard_compiler::rules::{CHECKS, RULES, lookup};

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes: Vec<&str> = RULES.iter().map(|rule| rule.code).collect();
    let mut names: Vec<&str> = RULES.iter().map(|rule| rule.name).collect();
    codes.sort_unstable();
    names.sort_unstable();
    let count = RULES.len();
    codes.dedup();
    names.dedup();
    assert_eq!(codes.len(), count, "codes are unique");
    assert_eq!(names.len(), count, "names are unique");
    for rule in RULES {
        assert!(
            rule.code.len() == 5
                && rule.code.starts_with("SY")
                && rule.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            rule.code
        );
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is kebab-case",
            rule.name
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: no trailing period",
            rule.code
        );
        for section in ["What it checks", "Why it matters", "Example"] {
            assert!(
                rule.explanation.contains(section),
                "{} explains `{section}`",
                rule.code
            );
        }
        assert!(lookup(rule.code).is_some_and(|found| found.name == rule.name));
        assert!(lookup(&rule.code.to_ascii_lowercase()).is_some());
        assert!(lookup(rule.name).is_some_and(|found| found.code == rule.code));
    }
}

#[test]
fn every_check_is_a_registered_rule() {
    for check in CHECKS {
        assert!(
            RULES.iter().any(|rule| std::ptr::eq(*rule, check.rule)),
            "{} is in RULES",
            check.rule.code
        );
    }
}

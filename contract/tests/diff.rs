//! Contract diff cases as data: every folder under `fixtures/diff/` holds `base.yaml` and
//! `revision.yaml`; the snapshot beside this test pins the changes found between them.

use std::fmt::Write as _;
use std::path::Path;

use switchyard_contract::{Change, Side, compare};

/// One line per change: code, class, name, where, operation and message.
fn render(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes\n".to_owned();
    }
    let mut out = String::new();
    for change in changes {
        let side = match change.side {
            Side::Old => "base",
            Side::New => "revision",
        };
        let at = change
            .at
            .map_or_else(|| "-".to_owned(), |p| format!("{}:{}", p.line, p.column));
        let _ = writeln!(
            out,
            "{} {:?} {} @ {side} {at} [{}]\n    {}",
            change.code,
            change.class,
            change.name,
            change.operation.as_deref().unwrap_or("-"),
            change.message
        );
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn diff_cases() {
    insta::glob!("fixtures/diff/*/base.yaml", |base_path| {
        let dir = base_path.parent().expect("case folder");
        let base = read(base_path);
        let revision = read(&dir.join("revision.yaml"));
        let comparison = compare(&base, &revision).expect("fixtures read");
        let problems: Vec<_> = comparison
            .old_problems
            .iter()
            .chain(&comparison.new_problems)
            .collect();
        assert!(problems.is_empty(), "{}: {problems:?}", dir.display());
        for text in [&base, &revision] {
            let same = compare(text, text).expect("fixtures read");
            assert!(
                same.changes.is_empty(),
                "{}: a document differs from itself",
                dir.display()
            );
        }
        insta::assert_snapshot!(format!(
            "breaking: {}\n{}",
            comparison.breaking,
            render(&comparison.changes)
        ));
    });
}

//! Reader cases as data: every `fixtures/read/<case>/doc.yaml` is read and the snapshot
//! beside this test pins its problems and what was understood (version, base paths,
//! operations, and an outline of the contract).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use switchyard_contract::{Contract, Document, Reading, read_document};

fn outline(contract: &Contract, out: &mut String) {
    for (key, operation) in &contract.operations {
        let _ = writeln!(out, "  {key}");
        for parameter in operation.parameters.values() {
            let enumeration = parameter
                .schema
                .and_then(|id| contract.schema(id).enumeration.as_ref())
                .map(|values| {
                    format!(
                        " enum {}",
                        values.iter().cloned().collect::<Vec<_>>().join(",")
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {} parameter {} required={}{enumeration}",
                parameter.location.as_str(),
                parameter.name,
                parameter.required
            );
        }
        if let Some(body) = &operation.request_body {
            let media: Vec<&str> = body.content.keys().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "    body required={} [{}]",
                body.required,
                media.join(", ")
            );
        }
        for (code, response) in &operation.responses {
            let media: Vec<&str> = response.content.keys().map(String::as_str).collect();
            let _ = writeln!(out, "    response {code} [{}]", media.join(", "));
        }
    }
}

fn render(reading: &Reading) -> String {
    let mut out = String::new();
    for problem in &reading.problems {
        let at = problem
            .at
            .map_or_else(|| "-".to_owned(), |p| format!("{}:{}", p.line, p.column));
        let _ = writeln!(
            out,
            "{:?} {:?} @ {at}: {}",
            problem.severity, problem.kind, problem.message
        );
    }
    match &reading.document {
        None => out.push_str("no document\n"),
        Some(Document {
            spec,
            info_version,
            base_paths,
            operations,
            contract,
        }) => {
            let _ = writeln!(
                out,
                "{spec:?} info.version {:?} @ {}",
                info_version.value, info_version.at
            );
            for base in base_paths {
                let _ = writeln!(out, "base path {} @ {}", base.value, base.at);
            }
            for op in operations {
                let _ = writeln!(
                    out,
                    "operation {} {} id={} @ {}",
                    op.method,
                    op.path,
                    op.operation_id.as_deref().unwrap_or("-"),
                    op.at
                );
            }
            out.push_str("contract:\n");
            outline(contract, &mut out);
        }
    }
    out
}

#[test]
fn read_cases() {
    insta::glob!("fixtures/read/*/doc.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        let started = Instant::now();
        let reading = read_document(&text);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
        insta::assert_snapshot!(render(&reading));
    });
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "\u{0}\u{1}\u{2}",
        "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
        "openapi: 3.0.0\npaths: 5",
        "openapi: 3.0.0\ninfo: []\npaths:\n  /a: 5\n  /b:\n    get: 7",
        "openapi: [3]\n",
        "openapi: 3.0.0\ninfo: {version: {a: 1}}\npaths: {/a: {get: {parameters: 5, requestBody: 3, responses: [1]}}}",
        "swagger: '2.0'\ninfo: {version: '1'}\npaths: {/a: {post: {parameters: [{in: body, name: b, schema: {$ref: '#/definitions/%zz~2'}}]}}}",
    ];
    for input in inputs {
        let reading = read_document(input);
        assert!(
            reading.document.is_some() || !reading.problems.is_empty(),
            "{input:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let depth = 100_000;
    let text = format!(
        "openapi: 3.0.0\nx: {}{}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let started = Instant::now();
    let reading = read_document(&text);
    assert!(reading.document.is_none());
    assert!(started.elapsed() < Duration::from_secs(1));
}

//! Writes a generated configuration repository for benchmarks: `SERVICES` services in a
//! staging and a prod environment, each with one OpenAPI document of `OPERATIONS`
//! operations (the repository `cargo bench --bench build` measures, from the same
//! generator).
//!
//! `cargo run --release -p switchyard-compiler --example generate_repository -- ROOT SERVICES OPERATIONS`

#[path = "../benches/generator/mod.rs"]
mod generator;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [root, services, operations] = arguments.as_slice() else {
        eprintln!("usage: generate_repository ROOT SERVICES OPERATIONS");
        return ExitCode::from(2);
    };
    let (Ok(services), Ok(operations)) = (services.parse(), operations.parse()) else {
        eprintln!("SERVICES and OPERATIONS are whole numbers");
        return ExitCode::from(2);
    };
    match generator::generate(&PathBuf::from(root), services, operations) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cannot write {root}: {error}");
            ExitCode::FAILURE
        }
    }
}

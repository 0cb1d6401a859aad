//! `switchyard build` on a generated repository: 1,000 services × 2 environments × 20
//! operations. Run with `cargo bench -p switchyard-compiler --bench build`.

mod generator;

use criterion::{Criterion, criterion_group, criterion_main};

const SERVICES: usize = 1_000;
const OPERATIONS: usize = 20;

fn build(c: &mut Criterion) {
    let repository = tempfile::tempdir().expect("temp dir");
    generator::generate(repository.path(), SERVICES, OPERATIONS).expect("generate repository");
    let out = tempfile::tempdir().expect("temp dir");
    let check = switchyard_compiler::compile_dir(repository.path()).expect("repository loads");
    assert_eq!(check.diagnostics, [], "the generated repository is clean");
    assert_eq!(check.bundles.len(), 2);

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("1000 services x 2 environments x 20 operations", |b| {
        b.iter(|| {
            let compilation =
                switchyard_compiler::compile_dir(repository.path()).expect("repository loads");
            switchyard_compiler::write_bundles(out.path(), &compilation.bundles)
                .expect("bundles written")
        });
    });
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);

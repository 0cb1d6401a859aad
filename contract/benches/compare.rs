//! Benchmark of `compare` on the largest real revision pair (Stripe, about 4 MB of YAML
//! each), plus reading one small document (the compiler reads thousands of them).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

const SMALL: &str = "openapi: 3.0.3
info:
  title: Products
  version: \"1.0.0\"
servers:
  - url: /v1
paths:
  /products/{productId}:
    get:
      operationId: GetProductById
      parameters:
        - {name: productId, in: path, required: true, schema: {type: string}}
      responses:
        \"200\":
          description: ok
          content:
            application/json:
              schema:
                $ref: \"#/components/schemas/Product\"
components:
  schemas:
    Product:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string, maxLength: 100}
";

fn benches(c: &mut Criterion) {
    c.bench_function("read small document", |b| {
        b.iter(|| switchyard_contract::read_document(std::hint::black_box(SMALL)));
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/large");
    let (Ok(old), Ok(new)) = (
        std::fs::read_to_string(dir.join("stripe-spec3-2023-08-11.yaml")),
        std::fs::read_to_string(dir.join("stripe-spec3-2023-09-12.yaml")),
    ) else {
        eprintln!("skipped the Stripe pair: {} is absent", dir.display());
        return;
    };
    let mut group = c.benchmark_group("stripe");
    group.sample_size(10);
    group.bench_function("compare", |b| {
        b.iter(|| switchyard_contract::compare(&old, &new));
    });
    group.finish();
}

criterion_group!(compare, benches);
criterion_main!(compare);

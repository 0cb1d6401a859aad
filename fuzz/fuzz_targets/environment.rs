//! The TOML readers: an `environment.toml` and a release manifest (split from the input
//! at `0xFF`) beside a valid OpenAPI file, through the whole compiler.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_fuzz::{compile_and_serve, file_set};

const OPENAPI: &str = include_str!("../../compiler/tests/fixtures/clean/apis/products/v1.yaml");

fuzz_target!(|data: &[u8]| {
    let mut files = file_set(
        data,
        &[
            "shop-staging/environment.toml",
            "shop-staging/products.toml",
        ],
    );
    files.insert_text("apis/products/v1.yaml", OPENAPI);
    compile_and_serve(&files);
});

//! The whole compiler pipeline on a small repository (a staging and a prod environment,
//! one service each, two OpenAPI files; the input's parts at `0xFF`, in that order);
//! every bundle it emits must be served by the proxy.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_fuzz::{compile_and_serve, file_set};

const PATHS: &[&str] = &[
    "shop-staging/environment.toml",
    "shop-staging/products.toml",
    "shop-prod/environment.toml",
    "shop-prod/products.toml",
    "apis/products/v1.yaml",
    "apis/products/v2.yaml",
];

fuzz_target!(|data: &[u8]| {
    compile_and_serve(&file_set(data, PATHS));
});

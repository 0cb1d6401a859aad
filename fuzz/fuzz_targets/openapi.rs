//! The OpenAPI reader (YAML or JSON; 2.0, 3.0, 3.1) through to the contract model, then
//! the diff of that contract with itself, which must find no change.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_contract::{diff, read_document};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reading = read_document(text);
    if let Some(document) = reading.document {
        let changes = diff(&document.contract, &document.contract);
        assert!(
            changes.is_empty(),
            "a contract differs from itself: {changes:?}"
        );
    }
});

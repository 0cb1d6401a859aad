//! Helpers shared by the fuzz targets: turning one fuzz input into a small configuration
//! repository, and the checks every target applies to what the compiler and the proxy
//! produce.
//!
//! An input holds several files separated by the byte `0xFF`, which never occurs in
//! UTF-8 text, so a seed is simply real files joined by that byte (see `fuzz/seed`).

use switchyard_compiler::{Compilation, FileSet, compile};
use switchyard_proxy::table::RoutingTable;
use switchyard_schemas::bundle::Bundle;

/// The byte that separates the files of one input.
pub const SEPARATOR: u8 = 0xFF;

/// Splits an input into at most `paths.len()` files and names them by `paths`, in order.
/// Invalid UTF-8 is replaced, so every input yields text.
pub fn file_set(data: &[u8], paths: &[&str]) -> FileSet {
    let mut files = FileSet::new();
    for (path, part) in paths
        .iter()
        .zip(data.splitn(paths.len(), |&b| b == SEPARATOR))
    {
        files.insert_text(*path, String::from_utf8_lossy(part).into_owned());
    }
    files
}

/// Compiles `files` and checks that every bundle the compiler emits is one the proxy
/// serves: it survives the file round trip and builds a routing table.
pub fn compile_and_serve(files: &FileSet) -> Compilation {
    let compilation = compile(files);
    for bundle in &compilation.bundles {
        let bytes = bundle.to_file_bytes();
        let reread = Bundle::from_file_bytes(&bytes)
            .unwrap_or_else(|error| panic!("an emitted bundle does not read back: {error}"));
        assert_eq!(
            &reread, bundle,
            "an emitted bundle changes on its round trip"
        );
        if let Err(error) = RoutingTable::from_bundle(&reread) {
            panic!("the proxy refuses a bundle the compiler emitted: {error}");
        }
    }
    compilation
}

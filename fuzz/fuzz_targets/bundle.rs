//! The proxy's bundle reader: any JSON the bundle type accepts, sealed, must read back
//! through `Bundle::from_file_bytes` unchanged; building its routing table and routing a
//! few requests through it must not panic.

#![no_main]

use http::{HeaderMap, Method};
use libfuzzer_sys::fuzz_target;
use switchyard_proxy::table::RoutingTable;
use switchyard_schemas::bundle::{BUNDLE_FORMAT, Bundle};

fuzz_target!(|data: &[u8]| {
    // As the proxy reads a file: bytes in, verified or refused.
    let _ = Bundle::from_file_bytes(data);
    // Past the content hash: the same content, sealed.
    // Sealing sets the hash, not the format: another format is refused, rightly.
    let Ok(bundle) = serde_json::from_slice::<Bundle>(data) else {
        return;
    };
    if bundle.format != BUNDLE_FORMAT {
        return;
    }
    let sealed = bundle.seal();
    let reread = Bundle::from_file_bytes(&sealed.to_file_bytes())
        .unwrap_or_else(|error| panic!("a sealed bundle does not read back: {error}"));
    assert_eq!(reread, sealed, "a sealed bundle changes on its round trip");
    let Ok(table) = RoutingTable::from_bundle(&reread) else {
        return;
    };
    let headers = HeaderMap::new();
    for api in &reread.apis {
        for operation in &api.operations {
            let method = Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::GET);
            let _ = table.route(&method, &operation.path, &headers);
        }
        let _ = table.route(&Method::GET, &api.base_path, &headers);
    }
});

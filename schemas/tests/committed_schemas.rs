//! The JSON Schemas under `schemas/json/` are exactly what the types generate.

use std::path::Path;

use switchyard_schemas::json_schema::all_schemas;

#[test]
fn committed_schemas_are_up_to_date() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("json");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for file in all_schemas() {
        let path = folder.join(file.file_name);
        let expected = file.to_text();
        if update {
            std::fs::write(&path, &expected).expect("write schema");
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `UPDATE_SCHEMAS=1 cargo test -p switchyard-schemas` and commit it",
            path.display()
        );
    }
}

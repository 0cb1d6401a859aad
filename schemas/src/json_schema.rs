//! JSON Schemas generated from the contract types.
//!
//! The files under `schemas/json/` are these schemas, committed so that editors (Taplo,
//! Even Better TOML with `#:schema`) can use them; a test fails when they are stale.
//! Regenerate with `UPDATE_SCHEMAS=1 cargo test -p switchyard-schemas`.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use crate::bundle::Bundle;
use crate::manifest::{EnvironmentFile, ReleaseManifest};
use crate::settings::SettingsFile;

/// A generated schema and the file name it is committed under.
pub struct SchemaFile {
    /// File name under `schemas/json/`.
    pub file_name: &'static str,
    /// The schema.
    pub schema: Schema,
}

fn generate<T: JsonSchema>(file_name: &'static str) -> SchemaFile {
    let generator = SchemaSettings::draft2020_12().into_generator();
    SchemaFile {
        file_name,
        schema: generator.into_root_schema_for::<T>(),
    }
}

/// The schema of `environment.toml`.
pub fn environment_schema() -> SchemaFile {
    generate::<EnvironmentFile>("environment.schema.json")
}

/// The schema of release manifests.
pub fn manifest_schema() -> SchemaFile {
    generate::<ReleaseManifest>("manifest.schema.json")
}

/// The schema of bundles.
pub fn bundle_schema() -> SchemaFile {
    generate::<Bundle>("bundle.schema.json")
}

/// The schema of `switchyard.toml`.
pub fn settings_schema() -> SchemaFile {
    generate::<SettingsFile>("settings.schema.json")
}

/// Every committed schema.
pub fn all_schemas() -> Vec<SchemaFile> {
    vec![
        environment_schema(),
        manifest_schema(),
        bundle_schema(),
        settings_schema(),
    ]
}

impl SchemaFile {
    /// The committed file's exact text: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema).unwrap_or_default();
        text.push('\n');
        text
    }
}

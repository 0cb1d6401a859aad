//! The Switchyard contract shared by the compiler and the proxy.
//!
//! - [`manifest`]: what users write: `environment.toml` and release manifests.
//! - [`bundle`]: what the compiler emits and the proxy serves, one per environment.
//! - [`settings`]: `switchyard.toml`, the compiler's rule severity overrides.
//! - [`template`]: OpenAPI path templates as the proxy's router understands them, so
//!   the compiler rejects at compile time what the proxy could not route.
//! - [`json_schema`]: the JSON Schemas generated from these types (committed under
//!   `schemas/json/`, used by editors and by the compiler's validation).

pub mod bundle;
pub mod json_schema;
pub mod manifest;
pub mod settings;
pub mod template;

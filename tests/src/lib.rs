//! Test support for Switchyard's end-to-end tests: real upstream servers, the real
//! proxy binary as a child process, HTTP/1.1 and HTTP/2 clients, and bundle builders.
//!
//! The proxy's own end-to-end tests live in `proxy/tests/` (only there does Cargo give
//! the path of the `switchyard-proxy` binary, `CARGO_BIN_EXE_switchyard-proxy`) and use
//! this crate; cross-crate tests (compile a repository, then serve it) live in
//! `tests/tests/`. Everything started here stops when its handle is dropped.

pub mod bundles;
pub mod client;
pub mod files;
pub mod proxy;
pub mod shop;
pub mod upstream;

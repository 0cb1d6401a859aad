//! `switchyard-proxy`: the proxy's command-line shell.

fn main() {}

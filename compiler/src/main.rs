//! `switchyard`: the compiler's command-line shell.

fn main() {}

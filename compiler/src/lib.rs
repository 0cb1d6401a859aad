//! The Switchyard compiler: load, validate, diff and emit routing bundles.

//! Reads OpenAPI 2.0, 3.0 and 3.1 documents into one contract model and diffs contracts.

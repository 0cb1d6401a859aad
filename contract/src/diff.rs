//! Diffs two contracts into classified changes.

use crate::model::Contract;

/// Every change between `old` and `new`, in a deterministic order.
pub fn diff(old: &Contract, new: &Contract) -> Vec<String> {
    let mut changes = Vec::new();
    for key in old.operations.keys() {
        if !new.operations.contains_key(key) {
            changes.push(format!("removed {key}"));
        }
    }
    for key in new.operations.keys() {
        if !old.operations.contains_key(key) {
            changes.push(format!("added {key}"));
        }
    }
    changes
}

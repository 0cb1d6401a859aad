//! The rules: one file per rule, each with a stable code, a kebab-case name that names
//! the problem, a default severity, its explanation, and (for rules over the model) its
//! check.
//!
//! Rules whose findings come from reading files (TOML syntax, schema violations,
//! OpenAPI reader problems, paths) are reported by the reading stages; every other rule
//! is a [`Check`] over the [`Context`]. Codes never change meaning: retire a rule rather
//! than reuse its code.

use crate::diagnostic::{Diagnostics, Severity};
use crate::model::Model;
use crate::plan::pairs::ServedPair;

pub mod ahead_of_staging;
pub mod bad_base_path;
pub mod bad_endpoint;
pub mod bad_environment_name;
pub mod bad_info_version;
pub mod bad_version_key;
pub mod blue_green_partial_weight;
pub mod breaking_change_in_major;
pub mod contract_differs_from_staging;
pub mod deprecated_after_sunset;
pub mod deprecated_without_date;
pub mod deprecated_without_sunset;
pub mod deprecation_date_without_deprecation;
pub mod duplicate_full_service_name;
pub mod duplicate_service;
pub mod duplicate_task;
pub mod environment_folder_mismatch;
pub mod file_too_large;
pub mod finished_task_changed;
pub mod invalid_match_rule;
pub mod invalid_sticky_key;
pub mod invalid_value;
pub mod major_mismatch;
pub mod major_not_staged;
pub mod missing_field;
pub mod missing_file;
pub mod missing_minor_bump;
pub mod new_task_not_running;
pub mod openapi_bad_ref;
pub mod openapi_structure;
pub mod openapi_syntax;
pub mod openapi_unsupported;
pub mod orphan_manifest;
pub mod overlapping_operations;
pub mod path_escapes_root;
pub mod possibly_breaking_change;
pub mod prod_not_staged;
pub mod removal_moves_traffic;
pub mod removed_without_deprecation;
pub mod running_task_changed;
pub mod running_task_removed;
pub mod servers_disagree;
pub mod shared_endpoint;
pub mod staged_in_outside_prod;
pub mod sunset_without_deprecation;
pub mod target_is_current_upstream;
pub mod toml_syntax;
pub mod unknown_field;
pub mod unknown_rule;
pub mod unknown_staging_environment;
pub mod unknown_upstream;
pub mod unreadable_file;
pub mod unroutable_path;
pub mod version_decreased;
pub mod weight_out_of_range;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `SY028`.
    pub code: &'static str,
    /// Stable kebab-case name of the problem, e.g. `unknown-upstream`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// What it checks, why it matters, and an example of the fix (`switchyard explain`).
    pub explanation: &'static str,
}

/// What a check can see. Rules that compare with the base revision get it here.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The repository being compiled.
    pub model: &'a Model,
    /// The base revision (`--base`), when given: the history rules compare with it.
    pub base: Option<&'a Model>,
    /// The versions served on both sides with their contract diffs (empty without a
    /// base), computed once for the history rules.
    pub served_pairs: &'a [ServedPair<'a>],
}

/// A rule that runs over the model.
#[derive(Debug)]
pub struct Check {
    /// The rule it reports as.
    pub rule: &'static Rule,
    /// Reports every finding into the sink.
    pub run: fn(&Context<'_>, &mut Diagnostics<'_>),
}

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &toml_syntax::RULE,
    &unknown_field::RULE,
    &missing_field::RULE,
    &invalid_value::RULE,
    &missing_file::RULE,
    &path_escapes_root::RULE,
    &file_too_large::RULE,
    &unreadable_file::RULE,
    &openapi_syntax::RULE,
    &openapi_unsupported::RULE,
    &openapi_structure::RULE,
    &openapi_bad_ref::RULE,
    &orphan_manifest::RULE,
    &unknown_rule::RULE,
    &bad_environment_name::RULE,
    &environment_folder_mismatch::RULE,
    &staged_in_outside_prod::RULE,
    &unknown_staging_environment::RULE,
    &prod_not_staged::RULE,
    &duplicate_service::RULE,
    &duplicate_full_service_name::RULE,
    &duplicate_task::RULE,
    &unknown_upstream::RULE,
    &target_is_current_upstream::RULE,
    &shared_endpoint::RULE,
    &bad_endpoint::RULE,
    &bad_version_key::RULE,
    &bad_info_version::RULE,
    &bad_base_path::RULE,
    &servers_disagree::RULE,
    &major_mismatch::RULE,
    &unroutable_path::RULE,
    &overlapping_operations::RULE,
    &major_not_staged::RULE,
    &ahead_of_staging::RULE,
    &contract_differs_from_staging::RULE,
    &weight_out_of_range::RULE,
    &blue_green_partial_weight::RULE,
    &sunset_without_deprecation::RULE,
    &deprecated_without_sunset::RULE,
    &invalid_sticky_key::RULE,
    &invalid_match_rule::RULE,
    &deprecation_date_without_deprecation::RULE,
    &deprecated_after_sunset::RULE,
    &deprecated_without_date::RULE,
    &breaking_change_in_major::RULE,
    &possibly_breaking_change::RULE,
    &missing_minor_bump::RULE,
    &version_decreased::RULE,
    &removed_without_deprecation::RULE,
    &new_task_not_running::RULE,
    &running_task_changed::RULE,
    &finished_task_changed::RULE,
    &removal_moves_traffic::RULE,
    &running_task_removed::RULE,
];

/// The rules that run over the model, in code order.
pub static CHECKS: &[&Check] = &[
    &bad_environment_name::CHECK,
    &environment_folder_mismatch::CHECK,
    &staged_in_outside_prod::CHECK,
    &unknown_staging_environment::CHECK,
    &prod_not_staged::CHECK,
    &duplicate_service::CHECK,
    &duplicate_full_service_name::CHECK,
    &duplicate_task::CHECK,
    &unknown_upstream::CHECK,
    &target_is_current_upstream::CHECK,
    &shared_endpoint::CHECK,
    &bad_endpoint::CHECK,
    &bad_version_key::CHECK,
    &bad_info_version::CHECK,
    &bad_base_path::CHECK,
    &servers_disagree::CHECK,
    &major_mismatch::CHECK,
    &unroutable_path::CHECK,
    &overlapping_operations::CHECK,
    &major_not_staged::CHECK,
    &ahead_of_staging::CHECK,
    &contract_differs_from_staging::CHECK,
    &weight_out_of_range::CHECK,
    &blue_green_partial_weight::CHECK,
    &sunset_without_deprecation::CHECK,
    &deprecated_without_sunset::CHECK,
    &invalid_sticky_key::CHECK,
    &invalid_match_rule::CHECK,
    &deprecation_date_without_deprecation::CHECK,
    &deprecated_after_sunset::CHECK,
    &deprecated_without_date::CHECK,
    &breaking_change_in_major::CHECK,
    &possibly_breaking_change::CHECK,
    &missing_minor_bump::CHECK,
    &version_decreased::CHECK,
    &removed_without_deprecation::CHECK,
    &new_task_not_running::CHECK,
    &running_task_changed::CHECK,
    &finished_task_changed::CHECK,
    &removal_moves_traffic::CHECK,
    &running_task_removed::CHECK,
];

/// A rule by code (`SY028`, any case) or name (`unknown-upstream`).
pub fn lookup(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

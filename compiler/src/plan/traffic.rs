//! Where a version's traffic goes, as the proxy applies a bundle: all to the version's
//! upstream, or split with a release task's target (the weight as written while
//! running, none once cancelled, all once completed). Drafts get no traffic.

use serde::Serialize;
use switchyard_schemas::manifest::{Strategy, TaskStatus};

use crate::model::Version;

/// The percentage of a version's requests one upstream gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    /// The upstream.
    pub upstream: String,
    /// Percent of requests, 0–100.
    pub percent: u8,
}

/// A release task as seen by the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskState {
    /// Its name.
    pub name: String,
    /// Canary or blue-green.
    pub strategy: Strategy,
    /// Running, cancelled or completed.
    pub status: TaskStatus,
}

/// The shares of a served version, in order: its upstream, then the task's target;
/// empty for a draft. Out-of-range weights (reported by a rule) are clamped.
pub fn shares(version: &Version) -> Vec<Share> {
    if !version.decl.is_served() {
        return Vec::new();
    }
    let current = version.decl.upstream.value.clone();
    let Some(release) = &version.decl.release else {
        return vec![Share {
            upstream: current,
            percent: 100,
        }];
    };
    let weight = match release.status.value {
        TaskStatus::Running => release.weight.value.clamp(0, 100),
        TaskStatus::Cancelled => 0,
        TaskStatus::Completed => 100,
    };
    let weight = u8::try_from(weight).unwrap_or(100);
    let target = release.target.value.clone();
    if target == current {
        return vec![Share {
            upstream: current,
            percent: 100,
        }];
    }
    [(current, 100 - weight), (target, weight)]
        .into_iter()
        .filter(|(_, percent)| *percent > 0)
        .map(|(upstream, percent)| Share { upstream, percent })
        .collect()
}

/// The version's release task, if any.
pub fn task(version: &Version) -> Option<TaskState> {
    let release = version.decl.release.as_ref()?;
    Some(TaskState {
        name: release.task.value.clone(),
        strategy: release.strategy.value,
        status: release.status.value,
    })
}

/// The share of an upstream in a list (0 when absent).
pub fn percent_of(shares: &[Share], upstream: &str) -> u8 {
    shares
        .iter()
        .find(|share| share.upstream == upstream)
        .map_or(0, |share| share.percent)
}

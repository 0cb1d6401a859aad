//! The reviewers' plan: what a change does, per environment, per service and version —
//! versions added, deprecated, retired or removed; contract changes with their class and
//! the version bump they require; and traffic moved by release tasks.
//!
//! [`plan`] is pure (two models in, a [`Plan`] out); [`human`], [`markdown`] and
//! [`json`] render it. [`pairs`] and [`traffic`] are shared with the history rules.

pub mod comparison;
pub mod human;
pub mod json;
pub mod markdown;
pub mod pairs;
pub mod tasks;
pub mod traffic;
pub mod upstreams;

use serde::Serialize;
use switchyard_contract::{Change, ChangeClass};
use switchyard_schemas::manifest::{CalendarDate, VersionStatus};

use crate::manifest::VersionDecl;
use crate::model::Model;
use crate::source::Spanned;
use pairs::{Bump, Required, Side, VersionPair, contract_changes, version_pairs};
use traffic::{Share, TaskState};

/// What changes from the base revision to the head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Every environment of either side, sorted by name.
    pub environments: Vec<EnvironmentPlan>,
}

/// Whether something exists on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Only in the head.
    Added,
    /// Only in the base.
    Removed,
    /// On both sides.
    Kept,
}

impl Presence {
    /// What follows an environment's name in a rendered plan: ` (new environment)` etc.
    pub fn suffix(self) -> &'static str {
        match self {
            Presence::Added => " (new environment)",
            Presence::Removed => " (environment removed)",
            Presence::Kept => "",
        }
    }
}

/// The changes of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvironmentPlan {
    /// Its declared name.
    pub name: String,
    /// Whether the environment itself is new or gone.
    pub presence: Presence,
    /// False when part of the head's environment could not be read: what seems removed
    /// may only be unreadable (`switchyard check` reports why).
    pub head_complete: bool,
    /// Versions that change in any way, sorted by service and key.
    pub versions: Vec<VersionPlan>,
    /// Upstreams added, removed or with other endpoints, sorted by name.
    pub upstreams: Vec<upstreams::UpstreamChange>,
}

/// The changes of one version of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionPlan {
    /// The service.
    pub service: String,
    /// The version key, e.g. `v2`.
    pub key: String,
    /// Status in the base (`None`: the version is new).
    pub base_status: Option<VersionStatus>,
    /// Status in the head (`None`: the version is removed).
    pub head_status: Option<VersionStatus>,
    /// The head's `deprecated` date, when written and valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The head's `sunset` date, when written and valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
    /// `info.version` on each side and how it moved.
    pub version: VersionMove,
    /// The contract diff, when the version exists on both sides with readable documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractPlan>,
    /// How traffic moves, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficPlan>,
}

/// `info.version` on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionMove {
    /// In the base.
    pub base: Option<String>,
    /// In the head.
    pub head: Option<String>,
    /// How it moved, when both parse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bump: Option<Bump>,
}

impl ContractPlan {
    /// `minor`, or `major (not met)` when `info.version` did not move enough.
    pub fn required_text(&self) -> String {
        match self.bump_sufficient {
            Some(false) => format!("{} (not met)", self.required_bump.as_str()),
            _ => self.required_bump.as_str().to_owned(),
        }
    }
}

/// A version's contract changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractPlan {
    /// `breaking` when any change is, `compatible` when there are others, `none`.
    pub class: ContractClass,
    /// The bump these changes require.
    pub required_bump: Required,
    /// Whether `info.version` moved enough for them (`None` when a number is unreadable);
    /// a breaking change is never enough within one major.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bump_sufficient: Option<bool>,
    /// Every change.
    pub changes: Vec<PlannedChange>,
}

/// The class of a whole contract diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContractClass {
    /// At least one breaking change.
    Breaking,
    /// Changes, none of them breaking (some may be warnings).
    Compatible,
    /// No change.
    None,
}

impl ContractClass {
    /// `breaking`, `compatible` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractClass::Breaking => "breaking",
            ContractClass::Compatible => "compatible",
            ContractClass::None => "none",
        }
    }
}

/// One contract change with the file it points into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedChange {
    /// Catalogue code, e.g. `C001`.
    pub code: &'static str,
    /// Catalogue name.
    pub name: &'static str,
    /// Breaking, warning or compatible.
    pub class: ChangeClass,
    /// What changed.
    pub message: String,
    /// The operation, when the change is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The document, relative to the root (the base's for removals).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Whether `file` and `line` are in the base revision.
    pub in_base: bool,
}

/// How a version's traffic moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrafficPlan {
    /// Shares in the base (empty: not served).
    pub base: Vec<Share>,
    /// Shares in the head (empty: not served).
    pub head: Vec<Share>,
    /// The release task in the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_task: Option<TaskState>,
    /// The release task in the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_task: Option<TaskState>,
}

impl TrafficPlan {
    /// Every upstream with a share on either side, in order of first appearance.
    pub fn upstreams(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for share in self.base.iter().chain(&self.head) {
            if !names.contains(&share.upstream.as_str()) {
                names.push(&share.upstream);
            }
        }
        names
    }
}

/// The plan from `base` to `head`.
pub fn plan(base: &Model, head: &Model) -> Plan {
    let mut names: Vec<&str> = base
        .environments
        .iter()
        .chain(&head.environments)
        .map(|environment| environment.decl.name.value.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let pairs = version_pairs(base, head);
    let environments = names
        .into_iter()
        .map(|name| EnvironmentPlan {
            name: name.to_owned(),
            head_complete: base
                .environment(name)
                .is_none_or(|environment| pairs::head_is_complete(head, name, &environment.folder))
                && head
                    .environment(name)
                    .is_none_or(|environment| environment.complete),
            presence: match (base.environment(name), head.environment(name)) {
                (Some(_), None) => Presence::Removed,
                (None, Some(_)) => Presence::Added,
                _ => Presence::Kept,
            },
            upstreams: upstreams::changes(base.environment(name), head.environment(name)),
            versions: pairs
                .iter()
                .filter(|pair| pair.environment == name)
                .filter_map(version_plan)
                .collect(),
        })
        .collect();
    Plan { environments }
}

/// The plan of one version, `None` when nothing about it changes.
fn version_plan(pair: &VersionPair<'_>) -> Option<VersionPlan> {
    let status = |side: &Option<Side<'_>>| side.map(|s| s.version.decl.status.value);
    let info = |side: &Option<Side<'_>>| {
        side.and_then(|s| s.document())
            .map(|document| document.info_version.value.clone())
    };
    let bump = match (
        pair.base.and_then(|s| s.number()),
        pair.head.and_then(|s| s.number()),
    ) {
        (Some(from), Some(to)) => Some(Bump::between(from, to)),
        _ => None,
    };
    let contract = match (&pair.base, &pair.head) {
        (Some(base), Some(head)) => {
            contract_changes(base, head).map(|changes| contract_plan(base, head, &changes, bump))
        }
        _ => None,
    };
    let date = |side: &Option<Side<'_>>,
                field: fn(&VersionDecl) -> &Option<Spanned<Option<CalendarDate>>>| {
        side.and_then(|s| field(&s.version.decl).as_ref())
            .and_then(|date| date.value)
            .map(|date| date.to_string())
    };
    let deprecated = |side: &Option<Side<'_>>| date(side, |decl| &decl.deprecated);
    let sunset = |side: &Option<Side<'_>>| date(side, |decl| &decl.sunset);
    let plan = VersionPlan {
        deprecated: deprecated(&pair.head),
        sunset: sunset(&pair.head),
        service: pair.service.to_owned(),
        key: pair.key.to_owned(),
        base_status: status(&pair.base),
        head_status: status(&pair.head),
        version: VersionMove {
            base: info(&pair.base),
            head: info(&pair.head),
            bump,
        },
        contract: contract.filter(|contract| !contract.changes.is_empty()),
        traffic: traffic_plan(pair),
    };
    let changed = plan.base_status != plan.head_status
        || deprecated(&pair.base) != plan.deprecated
        || sunset(&pair.base) != plan.sunset
        || plan.version.base != plan.version.head
        || plan.contract.is_some()
        || plan.traffic.is_some();
    changed.then_some(plan)
}

fn contract_plan(
    base: &Side<'_>,
    head: &Side<'_>,
    changes: &[Change],
    bump: Option<Bump>,
) -> ContractPlan {
    let required_bump = Required::of(changes);
    let class = match required_bump {
        Required::Major => ContractClass::Breaking,
        Required::Minor => ContractClass::Compatible,
        Required::None => ContractClass::None,
    };
    let changes = changes
        .iter()
        .map(|change| {
            let in_base = change.side == switchyard_contract::Side::Old;
            let side = if in_base { base } else { head };
            PlannedChange {
                code: change.code,
                name: change.name,
                class: change.class,
                message: change.message.clone(),
                operation: change.operation.clone(),
                file: side.document_path().unwrap_or_default().to_owned(),
                line: change.at.map(|at| at.line),
                in_base,
            }
        })
        .collect();
    ContractPlan {
        class,
        required_bump,
        bump_sufficient: bump.map(|bump| bump.satisfies(required_bump)),
        changes,
    }
}

fn traffic_plan(pair: &VersionPair<'_>) -> Option<TrafficPlan> {
    let shares =
        |side: &Option<Side<'_>>| side.map(|s| traffic::shares(s.version)).unwrap_or_default();
    let task = |side: &Option<Side<'_>>| side.and_then(|s| traffic::task(s.version));
    let plan = TrafficPlan {
        base: shares(&pair.base),
        head: shares(&pair.head),
        base_task: task(&pair.base),
        head_task: task(&pair.head),
    };
    (plan.base != plan.head || plan.base_task != plan.head_task).then_some(plan)
}

impl VersionPlan {
    /// `products v2`.
    pub fn title(&self) -> String {
        format!("{} {}", self.service, self.key)
    }

    /// The life-cycle change in words: `added (published)`, `deprecated (was published)`,
    /// `removed (was retired)`, or the unchanged status.
    pub fn lifecycle(&self) -> String {
        match (self.base_status, self.head_status) {
            (None, Some(to)) => format!("added ({})", to.as_str()),
            (Some(from), None) => format!("removed (was {})", from.as_str()),
            (Some(from), Some(to)) if from != to => {
                format!("{} (was {})", to.as_str(), from.as_str())
            }
            (Some(status), Some(_)) => status.as_str().to_owned(),
            (None, None) => String::new(),
        }
    }

    /// The life-cycle change with its dates, when there are some:
    /// `deprecated (was published) since 2026-09-01, sunset 2027-06-30`.
    pub fn lifecycle_text(&self) -> String {
        let mut text = self.lifecycle();
        if let Some(deprecated) = &self.deprecated {
            text.push_str(&format!(" since {deprecated}"));
        }
        if let Some(sunset) = &self.sunset {
            text.push_str(&format!(", sunset {sunset}"));
        }
        text
    }

    /// `info.version` in words: `1.2 → 1.3 (minor)`, or one side's number.
    pub fn version_text(&self) -> String {
        let (base, head) = (self.version.base.as_deref(), self.version.head.as_deref());
        match (base, head, self.version.bump) {
            (Some(base), Some(head), Some(bump)) if base != head => {
                format!("{base} → {head} ({})", bump.as_str())
            }
            (Some(base), Some(head), _) if base != head => format!("{base} → {head}"),
            (_, Some(head), _) => head.to_owned(),
            (Some(base), None, _) => base.to_owned(),
            (None, None, _) => "unknown".to_owned(),
        }
    }

    /// The traffic move in words, e.g. `mall 90% → 80%, mall-next 10% → 20% (task
    /// product-new-feature, running)`.
    pub fn traffic_text(&self) -> Option<String> {
        let traffic = self.traffic.as_ref()?;
        let list = |shares: &[Share]| {
            shares
                .iter()
                .map(|share| format!("{} {}%", share.upstream, share.percent))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let moves = if traffic.base.is_empty() {
            format!("now served: {}", list(&traffic.head))
        } else if traffic.head.is_empty() {
            format!("no longer served (was {})", list(&traffic.base))
        } else {
            traffic
                .upstreams()
                .into_iter()
                .map(|upstream| {
                    let (from, to) = (
                        traffic::percent_of(&traffic.base, upstream),
                        traffic::percent_of(&traffic.head, upstream),
                    );
                    if from == to {
                        format!("{upstream} {to}%")
                    } else {
                        format!("{upstream} {from}% → {to}%")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let tasks = task_text(traffic.base_task.as_ref(), traffic.head_task.as_ref());
        Some(match tasks {
            Some(tasks) => format!("{moves} ({tasks})"),
            None => moves,
        })
    }
}

fn task_text(base: Option<&TaskState>, head: Option<&TaskState>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(head) = head {
        match base {
            Some(base) if base.name == head.name && base.status != head.status => {
                parts.push(format!(
                    "task {}, {} → {}",
                    head.name,
                    base.status.as_str(),
                    head.status.as_str()
                ))
            }
            _ => parts.push(format!("task {}, {}", head.name, head.status.as_str())),
        }
    }
    if let Some(base) = base.filter(|base| head.is_none_or(|head| head.name != base.name)) {
        parts.push(format!(
            "task {} removed, was {}",
            base.name,
            base.status.as_str()
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl Plan {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.environments.iter().all(EnvironmentPlan::is_unchanged)
    }
}

impl EnvironmentPlan {
    /// Whether nothing about the environment changes (and it could be read).
    pub fn is_unchanged(&self) -> bool {
        self.presence == Presence::Kept
            && self.versions.is_empty()
            && self.upstreams.is_empty()
            && self.head_complete
    }

    /// The warning shown when the head could not be read completely.
    pub fn incomplete_note(&self) -> Option<&'static str> {
        (!self.head_complete).then_some(
            "part of this environment could not be read; what seems removed may only be unreadable (run `switchyard check`)",
        )
    }
}

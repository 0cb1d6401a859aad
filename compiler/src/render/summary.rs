//! The short summary `build` prints: environments, services, versions, running tasks.

use std::path::Path;

use switchyard_schemas::bundle::Bundle;
use switchyard_schemas::manifest::TaskStatus;

/// One block per bundle, with the running release tasks and their weights.
pub fn render(bundles: &[Bundle], out_dir: &Path) -> String {
    let mut text = format!(
        "built {} environment{} into {}\n",
        bundles.len(),
        if bundles.len() == 1 { "" } else { "s" },
        out_dir.display()
    );
    for bundle in bundles {
        let mut services: Vec<&str> = bundle.apis.iter().map(|api| api.service.as_str()).collect();
        services.dedup();
        let operations: usize = bundle.apis.iter().map(|api| api.operations.len()).sum();
        text.push_str(&format!(
            "  {}: {} services, {} versions, {} operations, {} upstreams ({})\n",
            bundle.environment,
            services.len(),
            bundle.apis.len(),
            operations,
            bundle.upstreams.len(),
            bundle.generation
        ));
        for api in &bundle.apis {
            let Some(release) = &api.split.release else {
                continue;
            };
            if release.status == TaskStatus::Running {
                text.push_str(&format!(
                    "    running {} {}: {} {}% to {} (from {})\n",
                    release.strategy.as_str(),
                    release.task,
                    api.base_path,
                    release.weight,
                    release.target,
                    api.split.current
                ));
            }
        }
    }
    text
}

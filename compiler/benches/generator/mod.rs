//! Writes a generated configuration repository: `services` services in a staging and a
//! prod environment, each with one OpenAPI document of `operations` operations.

use std::fmt::Write as _;
use std::path::Path;

/// Writes the repository under `root`.
pub fn generate(root: &Path, services: usize, operations: usize) -> std::io::Result<()> {
    for (stage, port) in [("staging", 20_000), ("prod", 40_000)] {
        let folder = root.join(format!("bench-{stage}"));
        std::fs::create_dir_all(&folder)?;
        let staged_in = if stage == "prod" {
            "staged_in = \"bench-staging\"\n"
        } else {
            ""
        };
        std::fs::write(
            folder.join("environment.toml"),
            format!(
                "name = \"bench-{stage}\"\ndomain = \"{stage}.bench.test\"\n{staged_in}\n[upstreams.main]\nendpoints = [\"127.0.0.1:{port}\"]\n\n[upstreams.next]\nendpoints = [\"127.0.0.1:{}\"]\n",
                port + 1
            ),
        )?;
        for service in 0..services {
            let release = if service % 10 == 0 {
                "\n[versions.v1.release]\ntask = \"rollout\"\nstrategy = \"canary\"\ntarget = \"next\"\nweight = 10\nstatus = \"running\"\nsticky = \"header:x-user-id\"\n"
            } else {
                ""
            };
            let release = release.replace("rollout", &format!("rollout-{service}"));
            std::fs::write(
                folder.join(format!("s{service}.toml")),
                format!(
                    "service = \"s{service}\"\n\n[versions.v1]\nopenapi = \"../apis/s{service}.yaml\"\nupstream = \"main\"\nstatus = \"published\"\n{release}"
                ),
            )?;
        }
    }
    let apis = root.join("apis");
    std::fs::create_dir_all(&apis)?;
    for service in 0..services {
        std::fs::write(
            apis.join(format!("s{service}.yaml")),
            document(service, operations),
        )?;
    }
    Ok(())
}

/// An OpenAPI 3.0 document with `operations` operations: GET and POST on a resource
/// and on one item of it, repeated over numbered resources.
fn document(service: usize, operations: usize) -> String {
    let mut text = format!(
        "openapi: 3.0.3\ninfo:\n  title: Service {service}\n  version: \"1.0\"\nservers:\n  - url: /v1\npaths:\n"
    );
    for index in 0..operations.div_ceil(2) {
        let (path, parameter) = if index % 2 == 0 {
            (format!("/s{service}/r{}", index / 2), false)
        } else {
            (format!("/s{service}/r{}/{{id}}", index / 2), true)
        };
        let _ = writeln!(text, "  {path}:");
        for method in ["get", "post"] {
            let _ = writeln!(text, "    {method}:\n      operationId: {method}R{index}");
            if parameter {
                text.push_str("      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n");
            }
            text.push_str("      responses:\n        \"200\":\n          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Item\"\n");
        }
    }
    text.push_str("components:\n  schemas:\n    Item:\n      type: object\n      required: [id]\n      properties:\n        id:\n          type: string\n        name:\n          type: string\n");
    text
}

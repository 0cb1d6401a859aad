//! The Kubernetes example in `deploy/` and the CI kit in `examples/`: every YAML
//! document parses, and the manifests reference what exists — the bundle mount matches
//! `--bundle`, the mounted ConfigMap holds a bundle that verifies, probes and scrape
//! annotations use the admin port, the Service reaches the listen port, and the
//! drain budget covers the proxy's drain time.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use switchyard_schemas::bundle::Bundle;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `*.yaml`/`*.yml` file under `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The documents of every manifest of `deploy/kubernetes`.
fn manifests() -> Vec<Value> {
    yaml_files(&repository().join("deploy/kubernetes"))
        .iter()
        .flat_map(|path| {
            common::documents(&std::fs::read_to_string(path).expect("readable manifest"))
        })
        .collect()
}

/// The one document of `kind`.
fn one(documents: &[Value], kind: &str) -> Value {
    let found: Vec<&Value> = documents.iter().filter(|doc| doc["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "expected one {kind}");
    found[0].clone()
}

/// The value following `flag` in a container's `args`.
fn argument<'a>(container: &'a Value, flag: &str) -> &'a str {
    let args: Vec<&str> = container["args"]
        .as_array()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let index = args
        .iter()
        .position(|arg| *arg == flag)
        .unwrap_or_else(|| panic!("no {flag} argument"));
    args.get(index + 1)
        .unwrap_or_else(|| panic!("{flag} has no value"))
}

fn port_of(address: &str) -> u64 {
    address
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or_else(|| panic!("`{address}` has no port"))
}

/// Seconds of a proxy duration such as `30s` or `1m`.
fn seconds(duration: &str) -> u64 {
    let (number, unit) = duration.split_at(duration.len() - 1);
    let number: u64 = number.parse().expect("a whole number");
    match unit {
        "s" => number,
        "m" => number * 60,
        _ => panic!("unexpected duration `{duration}`"),
    }
}

/// The proxy container of the Deployment.
fn proxy(deployment: &Value) -> Value {
    deployment["spec"]["template"]["spec"]["containers"][0].clone()
}

/// The container port named `name`.
fn container_port(container: &Value, name: &str) -> u64 {
    container["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|port| port["name"] == name)
        .and_then(|port| port["containerPort"].as_u64())
        .unwrap_or_else(|| panic!("no container port named {name}"))
}

#[test]
fn every_yaml_document_parses_and_names_its_kind() {
    let mut files = yaml_files(&repository().join("deploy"));
    files.extend(yaml_files(&repository().join("examples")));
    assert!(files.len() >= 6, "found only {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let documents = common::documents(&text);
        assert!(!documents.is_empty(), "{} has no document", path.display());
        if path.starts_with(repository().join("deploy")) {
            for doc in documents {
                assert!(
                    doc["apiVersion"].is_string() && doc["kind"].is_string(),
                    "{}: a document without apiVersion and kind",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_kustomization_lists_every_manifest() {
    let dir = repository().join("deploy/kubernetes");
    let kustomization = one(&manifests(), "Kustomization");
    let mut listed: Vec<&str> = kustomization["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    listed.sort_unstable();
    let files: Vec<String> = yaml_files(&dir)
        .iter()
        .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
        .filter(|name| name != "kustomization.yaml")
        .collect();
    assert_eq!(listed, files);
}

#[test]
fn the_bundle_mount_matches_the_bundle_argument_and_holds_a_valid_bundle() {
    let documents = manifests();
    let deployment = one(&documents, "Deployment");
    let container = proxy(&deployment);
    let bundle = Path::new(argument(&container, "--bundle"));
    let (dir, key) = (
        bundle.parent().expect("a directory"),
        bundle
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a file name"),
    );
    let mount = container["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|mount| mount["mountPath"].as_str().map(Path::new) == Some(dir))
        .unwrap_or_else(|| panic!("nothing is mounted at {}", dir.display()));
    assert!(
        mount.get("subPath").is_none(),
        "a subPath mount never sees ConfigMap updates"
    );
    let volume = deployment["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|volume| volume["name"] == mount["name"])
        .expect("the mounted volume exists");
    let config_map = one(&documents, "ConfigMap");
    assert_eq!(volume["configMap"]["name"], config_map["metadata"]["name"]);
    let text = config_map["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("the ConfigMap has no key {key}"));
    let bundle = Bundle::from_file_bytes(text.as_bytes());
    assert!(
        bundle.is_ok(),
        "the example bundle does not verify: {bundle:?}"
    );
}

#[test]
fn probes_metrics_and_the_service_use_the_right_ports() {
    let documents = manifests();
    let deployment = one(&documents, "Deployment");
    let container = proxy(&deployment);
    let admin = port_of(argument(&container, "--admin"));
    let listen = port_of(argument(&container, "--listen"));
    assert_eq!(container_port(&container, "admin"), admin);
    assert_eq!(container_port(&container, "http"), listen);
    for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
        assert_eq!(container[probe]["httpGet"]["path"], path);
        assert_eq!(container[probe]["httpGet"]["port"], "admin");
    }
    let annotations = &deployment["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    assert_eq!(annotations["prometheus.io/port"], admin.to_string());
    assert_eq!(annotations["prometheus.io/path"], "/metrics");
    let service = one(&documents, "Service");
    let target = &service["spec"]["ports"][0]["targetPort"];
    assert!(
        *target == "http" || target.as_u64() == Some(listen),
        "the Service targets {target}, not the listen port"
    );
}

#[test]
fn replicas_selectors_and_drain_budget_fit_together() {
    let documents = manifests();
    let deployment = one(&documents, "Deployment");
    let pod = &deployment["spec"]["template"];
    let replicas = deployment["spec"]["replicas"].as_u64().expect("replicas");
    assert!(replicas >= 2, "one replica is a single point of failure");
    let labels = &pod["metadata"]["labels"];
    assert_eq!(deployment["spec"]["selector"]["matchLabels"], *labels);
    let budget = one(&documents, "PodDisruptionBudget");
    assert_eq!(budget["spec"]["selector"]["matchLabels"], *labels);
    assert!(
        budget["spec"]["maxUnavailable"]
            .as_u64()
            .expect("maxUnavailable")
            < replicas
    );
    let service = one(&documents, "Service");
    assert_eq!(service["spec"]["selector"], *labels);

    let container = proxy(&deployment);
    let drain = seconds(argument(&container, "--drain-timeout"));
    let pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        .as_u64()
        .unwrap_or(0);
    let grace = pod["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("terminationGracePeriodSeconds");
    assert!(
        grace > drain + pre_stop,
        "grace period {grace}s does not cover preStop {pre_stop}s + drain {drain}s"
    );
}

#[test]
fn the_image_runs_the_proxy_binary_as_non_root() {
    let dockerfile =
        std::fs::read_to_string(repository().join("deploy/Dockerfile")).expect("Dockerfile");
    let proxy_manifest =
        std::fs::read_to_string(repository().join("proxy/Cargo.toml")).expect("proxy manifest");
    assert!(proxy_manifest.contains("name = \"switchyard-proxy\""));
    let last_stage = dockerfile.rsplit("\nFROM ").next().expect("a final stage");
    assert!(last_stage.contains("ENTRYPOINT [\"/usr/local/bin/switchyard-proxy\"]"));
    let user = last_stage
        .lines()
        .find_map(|line| line.strip_prefix("USER "))
        .expect("the final stage sets USER");
    assert!(
        !user.starts_with("0") && !user.starts_with("root"),
        "runs as {user}"
    );
}

#[test]
fn kustomize_builds_the_base() {
    let dir = repository().join("deploy/kubernetes");
    let output = match std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&dir)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            println!("skipped: kubectl is not available ({error})");
            return;
        }
    };
    assert!(
        output.status.success(),
        "kubectl kustomize failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let built = common::documents(&String::from_utf8_lossy(&output.stdout));
    let mut kinds: Vec<&str> = built
        .iter()
        .filter_map(|doc| doc["kind"].as_str())
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"]
    );
}

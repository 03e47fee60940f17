//! The `kubernetes` pack end to end on a small deployment folder: the cluster version read from
//! a Helm chart's `kubeVersion`, the upgrade report's release steps, a plan whose batches leave
//! manifests the target serves, version-dependent rewrites, and Helm templates left alone.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const CHART: &str = "apiVersion: v2\nname: shop\nversion: 4.2.0\nkubeVersion: \">= 1.21.0-0\"\n";

const MANIFESTS: &str = "\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: shop
              servicePort: 80
---
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/reports:2.0.3
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta1
kind: PriorityLevelConfiguration
metadata:
  name: batch
spec:
  type: Limited
  limited:
    assuredConcurrencyShares: 10
    limitResponse:
      type: Reject
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:4.2.1
          ports:
            - containerPort: 8000
";

/// A project folder `deploy/` with the chart and its rendered manifests.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let deploy = dir.path().join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    std::fs::write(deploy.join("Chart.yaml"), CHART).unwrap();
    std::fs::write(deploy.join("manifests.yaml"), MANIFESTS).unwrap();
    dir
}

fn upshift(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("UPSHIFT_CACHE_DIR", dir.join(".cache"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.code().unwrap() <= 1,
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn the_cluster_version_is_read_from_the_charts_kube_version() {
    let dir = project();
    let json: Value =
        serde_json::from_str(&stdout(&upshift(dir.path(), &["detect", "--json"]))).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"framework\":\"kubernetes\""), "{text}");
    assert!(text.contains("\"version\":\"1.21.0\""), "{text}");
    assert!(text.contains("deploy/Chart.yaml:4"), "{text}");
}

#[test]
fn the_report_places_manifest_changes_on_the_release_steps() {
    let dir = project();
    let report = stdout(&upshift(
        dir.path(),
        &[
            "report",
            "--target",
            "kubernetes@1.29",
            "--format",
            "markdown",
        ],
    ));
    assert!(
        report.contains(
            "### kubernetes: 1.21.0 -> 1.22 -> 1.23 -> 1.24 -> 1.25 -> 1.26 -> 1.27 -> 1.28 -> 1.29"
        ),
        "{report}"
    );
    let step = |version: &str| {
        let start = report
            .find(&format!("**kubernetes {version}**"))
            .unwrap_or_else(|| panic!("no step {version} in\n{report}"));
        let rest = &report[start..];
        rest[..rest[2..].find("**kubernetes").map_or(rest.len(), |e| e + 2)].to_string()
    };
    assert!(step("1.22").contains("kubernetes/api-ingress-v1beta1"));
    assert!(step("1.25").contains("kubernetes/api-cronjob-batch-v1beta1"));
    assert!(step("1.26").contains("kubernetes/api-flowcontrol-v1beta1"));
    // The rollout checks hold at every release: they come before the steps.
    let unversioned = step("-");
    assert!(unversioned.contains("kubernetes/rollout-readiness-probe"));
    assert!(unversioned.contains("kubernetes/rollout-single-replica"));
}

#[test]
fn applying_the_plan_leaves_manifests_the_target_serves() {
    let dir = project();
    let plan: Value = serde_json::from_str(&stdout(&upshift(
        dir.path(),
        &["plan", "--target", "kubernetes@1.29", "--json"],
    )))
    .unwrap();
    let batches = plan["batches"].as_array().unwrap();
    assert!(!batches.is_empty());
    for batch in batches {
        let command = batch["command"].as_str().unwrap();
        let mut args: Vec<&str> = command.split_whitespace().skip(1).collect();
        args.push("--allow-dirty");
        stdout(&upshift(dir.path(), &args));
    }
    let fixed = std::fs::read_to_string(dir.path().join("deploy/manifests.yaml")).unwrap();
    assert!(
        fixed.contains("apiVersion: batch/v1\nkind: CronJob"),
        "{fixed}"
    );
    // One batch, straight to the version 1.29 serves, with the field v1 names differently.
    assert!(
        fixed.contains(
            "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration"
        ),
        "{fixed}"
    );
    assert!(fixed.contains("nominalConcurrencyShares: 10"), "{fixed}");
    // The Ingress moves with its backends and paths in the v1 shape.
    assert!(
        fixed.contains("apiVersion: networking.k8s.io/v1\nkind: Ingress"),
        "{fixed}"
    );
    assert!(
        fixed.contains(
            "          - path: /\n            pathType: ImplementationSpecific\n            backend:\n              service:\n                name: shop\n                port:\n                  number: 80\n"
        ),
        "{fixed}"
    );
    let check = stdout(&upshift(
        dir.path(),
        &[
            "check",
            "--target",
            "kubernetes@1.29",
            "--format",
            "json",
            "deploy",
        ],
    ));
    assert!(!check.contains("kubernetes/api-"), "{check}");
}

/// `upshift fix` of a PriorityLevelConfiguration read from standard input at `target`.
fn fix_priority_level(target: &str) -> String {
    let input = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: PriorityLevelConfiguration\nmetadata:\n  name: batch\nspec:\n  type: Limited\n  limited:\n    assuredConcurrencyShares: 10\n";
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .args([
            "fix",
            "--stdin-filename",
            "priority.yaml",
            "--select",
            "kubernetes",
            "--target",
        ])
        .arg(format!("kubernetes@{target}"))
        .write_stdin(input)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn flow_control_objects_move_to_the_newest_version_the_target_serves() {
    let at_1_24 = fix_priority_level("1.24");
    assert!(
        at_1_24.contains("flowcontrol.apiserver.k8s.io/v1beta2"),
        "{at_1_24}"
    );
    assert!(
        at_1_24.contains("assuredConcurrencyShares: 10"),
        "{at_1_24}"
    );
    let at_1_27 = fix_priority_level("1.27");
    assert!(
        at_1_27.contains("flowcontrol.apiserver.k8s.io/v1beta3"),
        "{at_1_27}"
    );
    assert!(
        at_1_27.contains("nominalConcurrencyShares: 10"),
        "{at_1_27}"
    );
    let at_1_30 = fix_priority_level("1.30");
    assert!(
        at_1_30.contains("flowcontrol.apiserver.k8s.io/v1\n"),
        "{at_1_30}"
    );
    assert!(
        at_1_30.contains("nominalConcurrencyShares: 10"),
        "{at_1_30}"
    );
    // Below 1.23 no newer version is served: nothing is rewritten.
    let at_1_22 = fix_priority_level("1.22");
    assert!(
        at_1_22.contains("flowcontrol.apiserver.k8s.io/v1beta1"),
        "{at_1_22}"
    );
}

#[test]
fn helm_templates_get_a_note_and_no_other_finding() {
    let dir = project();
    let templates = dir.path().join("deploy/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("ingress.yaml"),
        "{{- if .Values.ingress.enabled }}\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: {{ include \"shop.fullname\" . }}\n{{- end }}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: busybox\n          ports:\n            - containerPort: 80\n",
    )
    .unwrap();
    let json: Value = serde_json::from_str(&stdout(&upshift(
        dir.path(),
        &["check", "--format", "json", "deploy/templates"],
    )))
    .unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        vec!["kubernetes/helm-template", "kubernetes/helm-template"],
        "{json}"
    );
}

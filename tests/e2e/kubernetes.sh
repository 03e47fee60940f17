#!/usr/bin/env bash
# End-to-end: the kubernetes pack on a real chart and its rendered manifests, the Dask
# Kubernetes operator as PyPI's `dask-kubernetes` 2022.7.0 wheel ships them (a Helm chart under
# operator/deployment/helm, the same resources rendered under operator/deployment/manifests;
# downloaded, never committed). Shows the findings per rule, checks that they appear in the
# text and SARIF output and in the upgrade report, that Helm templates get a note and nothing
# else, that `fix` leaves every file parsing and a second run changes nothing, and that the
# rendered manifests, written back with the apiVersions of Kubernetes 1.15, are fixed back to
# the originals. Not run by CI: it downloads a package.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${UPSHIFT_E2E_DIR:-$root/target/e2e/kubernetes}"
target="${UPSHIFT_E2E_TARGET:-kubernetes@1.29}"
mkdir -p "$work"
cd "$work"

if [ ! -d dask_kubernetes ]; then
    if ! ls dask_kubernetes-2022.7.0-*.whl >/dev/null 2>&1; then
        python3 -m pip download --quiet --no-deps --dest . dask-kubernetes==2022.7.0
    fi
    python3 -m zipfile -e dask_kubernetes-2022.7.0-*.whl .
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/release/upshift"

rm -rf copy && mkdir copy && cp -r dask_kubernetes/operator/deployment copy/
bad=0
fail() { echo "FAIL: $*"; bad=1; }

echo "== upshift check --target $target"
"$upshift" check --select kubernetes --target "$target" --format json --exit-zero copy > check.json
python3 - <<'PY'
import collections, json
doc = json.load(open("check.json"))
counts = collections.Counter(f["rule"] for f in doc["findings"])
print(f"{doc['summary']['files']} files, {len(doc['findings'])} findings")
for rule, n in counts.most_common():
    print(f"  {n:5}  {rule}")
PY
python3 - <<'PY' || bad=1
import json, sys
findings = json.load(open("check.json"))["findings"]
templates = [f for f in findings if "/templates/" in f["path"]]
rendered = [f for f in findings if "/manifests/" in f["path"]]
problems = []
if not rendered:
    problems.append("no finding on the rendered manifests")
if not any(f["rule"] == "kubernetes/helm-template" for f in templates):
    problems.append("the chart's templates got no helm-template note")
others = sorted({f["rule"] for f in templates if f["rule"] != "kubernetes/helm-template"})
if others:
    problems.append(f"chart templates were checked as manifests: {others}")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY

echo "== the same findings in text, SARIF and the report"
"$upshift" check --select kubernetes --target "$target" --exit-zero copy > check.txt
"$upshift" check --select kubernetes --target "$target" --format sarif --exit-zero copy > check.sarif
"$upshift" report --select kubernetes --target "$target" --format json copy > report.json
"$upshift" report --select kubernetes --target "$target" --format markdown copy > report.md
python3 - <<'PY' || bad=1
import json, sys
findings = json.load(open("check.json"))["findings"]
text = open("check.txt").read()
sarif = json.load(open("check.sarif"))
results = [r for run in sarif["runs"] for r in run["results"]]
report = json.load(open("report.json"))["findings"]
markdown = open("report.md").read()
problems = []
if len(results) != len(findings):
    problems.append(f"SARIF has {len(results)} results for {len(findings)} findings")
if len(report) != len(findings):
    problems.append(f"the report has {len(report)} findings, the check {len(findings)}")
for rule in {f["rule"] for f in findings}:
    if f"[{rule}]" not in text:
        problems.append(f"{rule} missing from the text output")
    if not any(r.get("ruleId") == rule for r in results):
        problems.append(f"{rule} missing from SARIF")
    if rule not in markdown:
        problems.append(f"{rule} missing from the Markdown report")
if not all(f.get("framework") == "kubernetes" for f in report):
    problems.append("report findings not under the kubernetes framework")
for p in problems:
    print("FAIL:", p)
print(f"{len(findings)} findings in text, SARIF ({len(results)}) and the report ({len(report)})")
sys.exit(1 if problems else 0)
PY

echo "== upshift fix --target $target --unsafe-fixes"
rm -rf before && cp -r copy before
"$upshift" fix --select kubernetes --target "$target" --unsafe-fixes --allow-dirty --format json --exit-zero copy > fix.json
python3 - <<'PY'
import json
s = json.load(open("fix.json"))["summary"]
print(f"fixed {s['fixed']} findings in {s['files_changed']} files; {s['findings']} left for a person")
PY
echo "== every YAML file parses"
while IFS= read -r f; do
    errors=$("$upshift" parse --stats "$f" | sed -E 's/.* ([0-9]+) syntax errors.*/\1/')
    before_errors=$("$upshift" parse --stats "before/${f#copy/}" | sed -E 's/.* ([0-9]+) syntax errors.*/\1/')
    [ "$errors" -le "$before_errors" ] || fail "fix added syntax errors to $f"
    if [[ "$f" != */templates/* ]] && command -v python3 >/dev/null && python3 -c "import yaml" 2>/dev/null; then
        python3 -c "import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))" "$f" || fail "PyYAML cannot load $f"
    fi
done < <(find copy -name '*.yaml' -o -name '*.yml')
echo "$( (diff -rq before copy 2>/dev/null || true) | grep -c . ) files rewritten"

echo "== round trip: the rendered manifests with the apiVersions of Kubernetes 1.15, fixed back"
# The same documents as a chart for 1.15 would have rendered them (Deployments in
# extensions/v1beta1, RBAC in v1beta1): fixing for the target must give the originals back.
rm -rf old && cp -r dask_kubernetes/operator/deployment/manifests old
sed -i -e 's#^apiVersion: apps/v1$#apiVersion: extensions/v1beta1#' \
    -e 's#^apiVersion: rbac.authorization.k8s.io/v1$#apiVersion: rbac.authorization.k8s.io/v1beta1#' old/*.yaml
"$upshift" check --select 'kubernetes/api-*' --target "$target" --format concise --exit-zero old | tee old.txt | head -20
[ "$(grep -c 'kubernetes/api-' old.txt)" -gt 0 ] || fail "no removed apiVersion found in the 1.15 manifests"
"$upshift" fix --select 'kubernetes/api-*' --target "$target" --unsafe-fixes --allow-dirty --quiet old >/dev/null || true
if diff -r dask_kubernetes/operator/deployment/manifests old >/dev/null; then
    echo "fixed back to the originals"
else
    diff -r dask_kubernetes/operator/deployment/manifests old | head -20
    fail "the fixed 1.15 manifests differ from the originals"
fi

echo "== a second run changes nothing"
sum() { find copy -type f -exec sha256sum {} + | sort | sha256sum; }
first=$(sum)
"$upshift" fix --select kubernetes --target "$target" --unsafe-fixes --allow-dirty --quiet copy >/dev/null || true
[ "$first" = "$(sum)" ] && echo "idempotent" || fail "the second run changed files"
exit $bad

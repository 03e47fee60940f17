#!/usr/bin/env bash
# Renders the HTML upgrade report of the fixture monorepo in a real headless browser (Debian's
# `chromium`, installed here when missing) and checks that the rendered page shows the key
# figures, the dependency table and the runtime steps, which it reads from the JSON report of
# the same run. Dependencies are checked against tests/report/registry, served on loopback (never
# the network). Saves a screenshot and prints its path for a person to look at. Exits 0 with a
# message where no browser can be installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
registry_pid=""
trap 'rm -rf "$work/profile"; [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null' EXIT

browser=""
for name in chromium chromium-browser google-chrome; do
    command -v "$name" >/dev/null 2>&1 && { browser="$name"; break; }
done
if [ -z "$browser" ]; then
    as_root=""
    [ "$(id -u)" = 0 ] || as_root="sudo -n"
    if command -v apt-get >/dev/null 2>&1 \
        && $as_root apt-get update -qq >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null 2>&1; then
        browser=chromium
    else
        echo "SKIP: no Chromium, and it could not be installed with apt-get on this machine"
        exit 0
    fi
fi

cargo build --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/debug/upshift"
targets=(--target django@5.2 --target spring-boot@3.3 --target rails@7.2)
# The registry: a static file server on a free loopback port, which it writes to a file.
python3 - "$root/tests/report/registry" "$work/port" <<'PY' &
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
registry_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: the registry did not start"; exit 1; }
registry="http://127.0.0.1:$(cat "$work/port")"
export UPSHIFT_PYPI_URL="$registry" UPSHIFT_RUBYGEMS_URL="$registry" UPSHIFT_MAVEN_URL="$registry/maven2"

cd "$root/fixtures/monorepo"
export UPSHIFT_CACHE_DIR="$work/cache"
"$upshift" report "${targets[@]}" --format html -o "$work/report.html" 2>/dev/null
"$upshift" report "${targets[@]}" --format json -o "$work/report.json" 2>/dev/null

flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --window-size=1280,2400)
"$browser" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2>/dev/null
"$browser" "${flags[@]}" --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1

python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
report = json.load(open(f"{work}/report.json"))
dom = open(f"{work}/dom.html").read()
findings = report["findings"]
expected = {
    "total-findings": len(findings),
    "total-blockers": None,  # checked below against the table's total row
    "total-fixable": sum(f["fix"] != "none" for f in findings),
    "total-manual": sum(f["fix"] == "none" for f in findings),
}
failed = False
for element, value in expected.items():
    match = re.search(rf'id="{element}"[^>]*>([^<]*)<', dom)
    if match is None:
        print(f"FAIL: the rendered page has no #{element}")
        failed = True
    elif value is not None and match.group(1).strip() != str(value):
        print(f"FAIL: #{element} shows {match.group(1)!r}, the JSON report says {value}")
        failed = True
for project in report["projects"]:
    if project["root"] not in dom:
        print(f"FAIL: project {project['root']} is not on the page")
        failed = True
# Every dependency of the JSON report is a row of a dependency table, with its status.
rows = re.findall(r'<tr data-status="([a-z]+)"><td><code>([^<]+)</code>', dom)
expected_rows = sorted((d["status"], d["name"]) for d in report["dependencies"])
if sorted(rows) != expected_rows or not rows:
    print(f"FAIL: the dependency tables show {sorted(rows)}, the JSON report has {expected_rows}")
    failed = True
if sum(d["status"] != "unknown" for d in report["dependencies"]) == 0:
    print("FAIL: no dependency was checked against the loopback registry")
    failed = True
# A runtime step per targeted framework that needs a newer language than the project's.
runtime = re.findall(r'<p class="runtime" data-met="(true|false)"><b>Runtime \(([^)]*)\):</b> ([^<]*)', dom)
if not any(met == "false" and "Python 3.10 or newer" in text for met, _, text in runtime):
    print(f"FAIL: no runtime step for Django's Python: {runtime}")
    failed = True
if 'id="manual-effort"' not in dom or 'id="review-effort"' not in dom:
    print("FAIL: the effort is not split into manual work and review")
    failed = True
if dom.count("<svg") < 2:
    print("FAIL: the charts were not rendered")
    failed = True
if "http://" in open(f"{work}/report.html").read().split("<body", 1)[0] or "<script" in dom:
    print("FAIL: the page loads something from elsewhere or runs scripts")
    failed = True
if failed:
    sys.exit(1)
print(f"HTML report rendered: {len(findings)} findings, {expected['total-fixable']} auto-fixable, "
      f"{len(report['projects'])} projects, {len(rows)} dependencies, {len(runtime)} runtime steps shown")
PY
[ -s "$work/report.png" ] || { echo "FAIL: no screenshot"; exit 1; }
echo "screenshot: $work/report.png"

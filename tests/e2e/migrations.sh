#!/usr/bin/env bash
# End-to-end: the migrations pack over real migrations (Django's own contrib apps, from the
# Django 3.2.25 sdist on PyPI, and Redmine from Debian's package) and over the pack's hand-written unsafe examples; prints the
# findings per check. Not run by CI: it downloads a package.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${UPSHIFT_E2E_DIR:-$root/target/e2e/migrations}"
mkdir -p "$work"
cd "$work"
if [ ! -d Django-3.2.25 ]; then
    pip download --quiet --no-deps --no-binary :all: django==3.2.25 -d . >/dev/null
    tar xzf Django-3.2.25.tar.gz
fi
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/release/upshift"

count() {
    python3 - "$1" <<'PY'
import collections, json, sys
doc = json.load(open(sys.argv[1]))
files = {f["path"] for f in doc["findings"]}
print(f"{len(doc['findings'])} findings in {len(files)} of {doc['summary']['files']} files")
for rule, n in collections.Counter(f["rule"] for f in doc["findings"]).most_common():
    print(f"  {n:5}  {rule}")
PY
}
echo "== Django 3.2.25 contrib migrations"
"$upshift" check --select migrations --format json --exit-zero Django-3.2.25/django/contrib > contrib.json
count contrib.json
echo "== the pack's unsafe examples (fixtures, ok_* cases excluded)"
rm -rf examples && mkdir examples && cp -r "$root/fixtures/migrations/." examples/
find examples -name 'ok*' -delete
find examples -name '*.fixed.*' -delete
"$upshift" check --select migrations --format json --exit-zero examples > examples.json
count examples.json
# `fix` over a project's history: only the newest migration of each folder may change.
fix_history() {
    local orig=$1 copy=$2
    rm -rf "$copy" && cp -r "$orig" "$copy"
    "$upshift" fix --select migrations --unsafe-fixes --exit-zero -q "$copy" >/dev/null 2>&1 || true
    python3 - "$orig" "$copy" <<'PY'
import filecmp, os, re, sys
orig, fixed = sys.argv[1], sys.argv[2]
changed, old = [], []
for dirpath, _, files in os.walk(fixed):
    if os.path.basename(dirpath) not in ("migrations", "migrate"):
        continue
    versions = {f: int(m.group(1)) for f in files if (m := re.match(r"(\d+)_", f)) and f.endswith((".py", ".rb"))}
    newest = max(versions.values(), default=None)
    for f, v in versions.items():
        rel = os.path.relpath(os.path.join(dirpath, f), fixed)
        if not filecmp.cmp(os.path.join(orig, rel), os.path.join(fixed, rel), shallow=False):
            changed.append(rel)
            if v != newest:
                old.append(rel)
print(f"{len(changed)} migrations changed, {len(old)} of them not the newest of their folder")
for rel in old:
    print("  touched history:", rel)
sys.exit(1 if old else 0)
PY
}
echo "== fix over the contrib history"
fix_history Django-3.2.25/django/contrib history
echo "== fix over Redmine's db/migrate (300+ Rails migrations)"
. "$root/tests/e2e/redmine.sh"
redmine
fix_history redmine/db redmine-history

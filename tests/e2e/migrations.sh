#!/usr/bin/env bash
# End-to-end: the migrations pack over real migrations (Django's own contrib apps, from the
# Django 3.2.25 sdist on PyPI) and over the pack's hand-written unsafe examples; prints the
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

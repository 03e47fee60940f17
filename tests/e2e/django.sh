#!/usr/bin/env bash
# End-to-end: the Django and Python packs on real code from PyPI — the Django 2.2 sdist itself
# and old releases of third-party Django apps written for Django 1.11-2.2. Runs
# `upshift fix --target django@5.2 --target python@3.10` on a copy and shows the edits per rule,
# that every rewritten file still parses (tree-sitter and `python3 -m py_compile`), and that a
# second run changes nothing. Not run by CI: it downloads packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${UPSHIFT_E2E_DIR:-$root/target/e2e/django}"
mkdir -p "$work/src"
cd "$work"

# name==version pairs; every one is a source distribution on PyPI.
packages="django==2.2.28 django-model-utils==3.2.0 django-braces==1.13.0 django-crispy-forms==1.7.2 django-filter==2.1.0"
for spec in $packages; do
    name=${spec%%==*}
    version=${spec##*==}
    [ -d "src/$name" ] && continue
    pip download --quiet --no-deps --no-binary :all: --no-build-isolation "$spec" -d dl >/dev/null 2>&1 \
        || pip download --quiet --no-deps "$spec" -d dl >/dev/null
    archive=$(ls dl/ | grep -i -E "^${name//-/[-_]}-${version}[.-]" | head -1)
    mkdir -p "unpack/$name"
    case "$archive" in
        *.zip | *.whl) python3 -m zipfile -e "dl/$archive" "unpack/$name" ;;
        *) tar xzf "dl/$archive" -C "unpack/$name" ;;
    esac
    mv "unpack/$name" "src/$name"
done

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/release/upshift"
targets=(--target django@5.2 --target python@3.10)

rm -rf copy && cp -r src copy
echo "== upshift check: what a person would see before fixing"
"$upshift" check --select django,python "${targets[@]}" --format json --exit-zero copy > check.json
python3 - <<'PY'
import collections, json
doc = json.load(open("check.json"))
print(f"{doc['summary']['files']} files, {len(doc['findings'])} findings")
for rule, n in collections.Counter(f["rule"] for f in doc["findings"]).most_common():
    print(f"  {n:5}  {rule}")
PY

echo "== upshift fix ${targets[*]} --unsafe-fixes"
"$upshift" fix --select django,python "${targets[@]}" --unsafe-fixes --allow-dirty \
    --format json --exit-zero copy > fix.json
python3 - <<'PY'
import collections, json
doc = json.load(open("fix.json"))
s = doc["summary"]
print(f"fixed {s['fixed']} findings in {s['files_changed']} files; {s['findings']} left for a person")
before = collections.Counter(f["rule"] for f in json.load(open("check.json"))["findings"])
after = collections.Counter(f["rule"] for f in doc["findings"])
print("edits per rule (findings before the fix minus those left):")
for rule, n in (before - after).most_common():
    print(f"  {n:5}  {rule}")
PY

changed=$( (diff -rq src copy 2>/dev/null || true) | awk '/^Files/ {print $4}')
echo "== every rewritten file parses and compiles"
bad=0
for f in $changed; do
    errors=$("$upshift" parse --stats "$f" | sed -E 's/.* ([0-9]+) syntax errors.*/\1/')
    [ "$errors" = 0 ] || { echo "syntax errors in $f"; bad=1; }
    case "$f" in
        *.py) python3 -m py_compile "$f" 2>/dev/null || {
            # A file that did not compile before the fix (Python 2 syntax) is not ours to judge.
            orig="src/${f#copy/}"
            if python3 -m py_compile "$orig" 2>/dev/null; then echo "py_compile fails on $f"; bad=1; fi
        } ;;
    esac
done
echo "$(echo "$changed" | grep -c . || true) files rewritten"

echo "== a second run changes nothing"
snapshot() { find copy -type f -name '*.py' -exec sha256sum {} + | sort | sha256sum; }
before=$(snapshot)
"$upshift" fix --select django,python "${targets[@]}" --unsafe-fixes --allow-dirty --quiet copy >/dev/null || true
after=$(snapshot)
[ "$before" = "$after" ] && echo "idempotent" || { echo "FAIL: the second run changed files"; bad=1; }
exit $bad

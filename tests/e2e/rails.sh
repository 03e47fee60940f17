#!/usr/bin/env bash
# End-to-end: the Rails pack on a real Rails application, Debian's `redmine` package (unpacked
# with dpkg -x, never installed). Shows the findings per rule, that every rewritten file still
# parses (tree-sitter, and `ruby -c` when Ruby is installed), and that a second run changes
# nothing. Not run by CI: it downloads a package.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${UPSHIFT_E2E_DIR:-$root/target/e2e/rails}"
mkdir -p "$work"
cd "$work"

. "$root/tests/e2e/redmine.sh"
redmine
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/release/upshift"

rm -rf copy && cp -r redmine copy
echo "== upshift check (against the Rails version the app pins in its Gemfile)"
"$upshift" check --select rails --format json --exit-zero copy > check.json
python3 - <<'PY'
import collections, json
doc = json.load(open("check.json"))
counts = collections.Counter(f["rule"] for f in doc["findings"])
print(f"{doc['summary']['files']} files, {len(doc['findings'])} findings")
for rule, n in counts.most_common():
    print(f"  {n:5}  {rule}")
PY

echo "== upshift fix --target rails@7.2 --unsafe-fixes (the rails and migrations packs)"
"$upshift" fix --select rails,migrations --target rails@7.2 --unsafe-fixes --allow-dirty --format json --exit-zero copy > fix.json
python3 - <<'PY'
import json
s = json.load(open("fix.json"))["summary"]
print(f"fixed {s['fixed']} findings in {s['files_changed']} files; {s['findings']} left for a person")
PY

changed=$( (diff -rq redmine copy 2>/dev/null || true) | awk '/^Files/ {print $4}')
echo "== every rewritten file parses"
bad=0
# The Ruby of a view, markup blanked out and each tag ended with `;` (Rails' block helpers,
# `<%= form_for ... do %>`, are not plain ERB, so `erb -x` cannot compile them).
erb_ruby() { ruby -e 'print STDIN.read.gsub(/<%#.*?%>|<%(?:==?|-)?(.*?)-?%>|[^\n]/m) { $1 ? " #{$1};" : ($&.start_with?("<%#") ? $&.gsub(/[^\n]/, " ") : " ") }' < "$1"; }
syntax_errors() { "$upshift" parse --stats "$1" | sed -E 's/.* ([0-9]+) syntax errors.*/\1/'; }
for f in $changed; do
    orig="redmine/${f#copy/}"
    [ "$(syntax_errors "$f")" -le "$(syntax_errors "$orig")" ] || { echo "new syntax errors in $f"; bad=1; }
    if command -v ruby >/dev/null 2>&1; then
        case "$f" in
            *.erb)
                if erb_ruby "$orig" | ruby -c >/dev/null 2>&1 && ! erb_ruby "$f" | ruby -c >/dev/null 2>&1; then
                    echo "ruby -c fails on the Ruby of $f"; bad=1
                fi ;;
            *) ruby -c "$f" >/dev/null || { echo "ruby -c fails on $f"; bad=1; } ;;
        esac
    fi
done
command -v ruby >/dev/null 2>&1 && echo "(ruby -c checked too)" || echo "(ruby not installed: tree-sitter only)"
echo "$(echo "$changed" | grep -c . || true) files rewritten"

echo "== no migration but the newest is changed (older ones have run on every database)"
newest=$(ls redmine/db/migrate | sort | tail -1)
for f in $changed; do
    case "$f" in
        copy/db/migrate/*) [ "$(basename "$f")" = "$newest" ] || { echo "FAIL: old migration changed: $f"; bad=1; } ;;
    esac
done
echo "newest migration: $newest"

echo "== a second run changes nothing"
before=$(find copy -type f \( -name '*.rb' -o -name '*.erb' \) -exec sha256sum {} + | sort | sha256sum)
"$upshift" fix --select rails,migrations --target rails@7.2 --unsafe-fixes --allow-dirty --quiet copy >/dev/null || true
after=$(find copy -type f \( -name '*.rb' -o -name '*.erb' \) -exec sha256sum {} + | sort | sha256sum)
[ "$before" = "$after" ] && echo "idempotent" || { echo "FAIL: the second run changed files"; bad=1; }
exit $bad

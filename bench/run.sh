#!/usr/bin/env bash
# Times upshift against the parse floor and its peers on the real corpora, in one run, and
# writes bench/results.md. Needs bench/fetch-corpora.sh first. Installs hyperfine (Debian) and
# the peers (PyPI, into bench/.venv) when missing. Not run by CI.
#   RUNS=5 bench/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
runs="${RUNS:-5}"
corpora="$here/corpora"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
if [ ! -x "$here/.venv/bin/ruff" ]; then
    python3 -m venv "$here/.venv"
    "$here/.venv/bin/pip" install -q django-upgrade pyupgrade ruff ast-grep-cli
fi
venv="$here/.venv/bin"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
upshift="$root/target/release/upshift"

results="$scratch/results"
mkdir -p "$results"
# time NAME COMMAND [PREPARE]: the median seconds, into $results/NAME.
time_it() {
    local name="$1" command="$2" prepare="${3:-true}"
    hyperfine --style none --warmup 1 --runs "$runs" --ignore-failure --prepare "$prepare" \
        --export-json "$scratch/$name.json" "$command" >/dev/null
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$scratch/$name.json" > "$results/$name"
}
peak_mb() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident set size/ {printf "%.0f", $6/1024}'
}

for corpus in django spring rails; do
    # The upshift rules that bench/ast-grep/<lang>/ translates, for a like-for-like comparison.
    case $corpus in
        django) lang=python
            same="django/conf-urls-include,django/force-text,python/os-error-aliases,python/lru-cache-without-parens,python/open-default-read-mode,django/django-six,python/super-call,python/pep585-builtin-generics,django/ugettext,django/url-to-re-path" ;;
        spring) lang=java
            same="spring/ant-matchers,spring/authorize-requests,spring/enable-global-method-security,spring/javax-to-jakarta,java/junit4-lifecycle-annotations,java/junit4-test-annotation,spring/web-mvc-configurer-adapter" ;;
        rails) lang=ruby
            same="rails/before-filter,rails/errors-keys,rails/redirect-to-back,rails/render-text,rails/secrets,rails/to-s-format,rails/update-attributes" ;;
    esac
    src="$corpora/$corpus"
    echo "== $corpus"
    time_it "$corpus-floor" "$upshift parse --stats $src"
    time_it "$corpus-check" "$upshift check -q --no-cache --exit-zero $src"
    time_it "$corpus-same" "$upshift check -q --no-cache --exit-zero --select $same $src"
    time_it "$corpus-check-j1" "$upshift check -q --no-cache --exit-zero -j 1 $src"
    time_it "$corpus-read" "$upshift parse --stats --read-only $src"
    # The warm-up run fills the cache; the timed runs re-check the unchanged tree.
    time_it "$corpus-cached" "$upshift check -q --exit-zero $src"
    time_it "$corpus-floor-j1" "$upshift parse --stats -j 1 $src"
    time_it "$corpus-fix" "$upshift fix -q --exit-zero --allow-dirty --unsafe-fixes $scratch/copy" "rm -rf $scratch/copy && cp -r $src $scratch/copy"
    time_it "$corpus-ast-grep" "$venv/ast-grep scan -c $here/ast-grep/sgconfig-$lang.yml $src"
    peak_mb "$upshift" check -q --no-cache --exit-zero "$src" > "$results/$corpus-memory"
    if [ "$corpus" = django ]; then
        time_it django-ruff "$venv/ruff check --select UP --no-cache --exit-zero --quiet $src"
        files="find $scratch/copy -name '*.py' -print0"
        time_it django-upgrade "$files | xargs -0 $venv/django-upgrade --target-version 4.2 >/dev/null 2>&1 || true" "rm -rf $scratch/copy && cp -r $src $scratch/copy"
        time_it django-pyupgrade "$files | xargs -0 $venv/pyupgrade --py310-plus >/dev/null 2>&1 || true" "rm -rf $scratch/copy && cp -r $src $scratch/copy"
    fi
done
printf 'x = 1\n' > "$scratch/one.py"
hyperfine --style none --warmup 3 --runs 20 --export-json "$scratch/startup.json" "$upshift check --no-cache $scratch/one.py" >/dev/null
python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$scratch/startup.json" > "$results/startup"

python3 - "$results" "$here/results.md" "$(git -C "$root" rev-parse --short HEAD)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs" <<'PY'
import datetime, pathlib, sys
results, out, commit, cores, load, runs = sys.argv[1:]
r = {p.name: float(p.read_text()) for p in pathlib.Path(results).iterdir()}
def t(name): return f"{r[name]:.2f} s" if name in r else "-"
def ratio(a, b): return f"{r[a] / r[b]:.2f}x" if a in r and b in r and r[b] else "-"
lines = [
    "# Benchmark results",
    "",
    f"Measured {datetime.date.today()} on commit `{commit}`, {cores} cores, load average at the end {load}, "
    f"median of {runs} runs each (hyperfine), by `bench/run.sh`. Only ratios within this one run count.",
    "",
    "| corpus | parse floor | check | check / floor | fix (fresh copy) | ast-grep (~10 rules) | check, the same rules | same rules / ast-grep | -j1 / -j2 (check) | peak memory (check) | walk+read floor | cached re-run | cached / read floor |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
for c in ["django", "spring", "rails"]:
    lines.append(
        f"| {c} | {t(c+'-floor')} | {t(c+'-check')} | {ratio(c+'-check', c+'-floor')} | {t(c+'-fix')} | "
        f"{t(c+'-ast-grep')} | {t(c+'-same')} | {ratio(c+'-same', c+'-ast-grep')} | {ratio(c+'-check-j1', c+'-check')} | {int(r.get(c+'-memory', 0))} MB | "
        f"{t(c+'-read')} | {t(c+'-cached')} | {ratio(c+'-cached', c+'-read')} |"
    )
lines += [
    "",
    "Python peers on the Django corpus (same machine, same run):",
    "",
    "| tool | time | upshift check is |",
    "|---|---|---|",
    f"| Ruff `--select UP` (no cache) | {t('django-ruff')} | {ratio('django-check', 'django-ruff')} of it |",
    f"| django-upgrade `--target-version 4.2` | {t('django-upgrade')} | {ratio('django-upgrade', 'django-check')} faster |",
    f"| pyupgrade `--py310-plus` | {t('django-pyupgrade')} | {ratio('django-pyupgrade', 'django-check')} faster |",
    "",
    f"Start-up, `upshift check` on one small file: {r.get('startup', 0) * 1000:.0f} ms.",
    f"Parse floor scaling, -j1 / -j2: django {ratio('django-floor-j1', 'django-floor')}, spring {ratio('spring-floor-j1', 'spring-floor')}, rails {ratio('rails-floor-j1', 'rails-floor')}.",
    "",
]
pathlib.Path(out).write_text("\n".join(lines))
print("\n".join(lines))
PY

#!/usr/bin/env bash
# Times upshift against the parse floor and its peers on the real corpora, in one run, and
# writes bench/results.md. Needs bench/fetch-corpora.sh first. Installs hyperfine and valgrind
# (Debian) and the peers (PyPI, into bench/.venv) when missing. Not run by CI.
#   RUNS=5 bench/run.sh          # CALLGRIND=0 skips the instruction counts of whole corpora
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
runs="${RUNS:-5}"
corpora="$here/corpora"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
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
# instructions NAME COMMAND...: the instructions the command executes (callgrind, one thread
# where the command takes -j 1), into $results/NAME-instr. Repeatable on a loaded machine.
instructions() {
    local name="$1"; shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
        | awk '/Collected :/ {print $NF}' > "$results/$name-instr"
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
    if [ "${CALLGRIND:-1}" != 0 ]; then
        instructions "$corpus-floor" "$upshift" parse --stats -j 1 "$src"
        instructions "$corpus-check" "$upshift" check -q --no-cache --exit-zero -j 1 "$src"
    fi
    if [ "$corpus" = django ]; then
        # Like for like: each peer and upshift with only the matching pack, at the same target,
        # rewriting a fresh copy each run (the copy is made outside the timing).
        fresh="rm -rf $scratch/copy && cp -r $src $scratch/copy"
        files="find $scratch/copy -name '*.py' -print0"
        time_it django-ruff "$venv/ruff check --select UP --target-version py310 --no-cache --exit-zero --quiet $src"
        time_it django-python-check "$upshift check -q --no-cache --exit-zero --select python --target python@3.10 $src"
        time_it django-upgrade "$files | xargs -0 $venv/django-upgrade --target-version 4.2 >/dev/null 2>&1 || true" "$fresh"
        time_it django-django-fix "$upshift fix -q --no-cache --exit-zero --allow-dirty --unsafe-fixes --select django --target django@4.2 $scratch/copy" "$fresh"
        time_it django-pyupgrade "$files | xargs -0 $venv/pyupgrade --py310-plus >/dev/null 2>&1 || true" "$fresh"
        time_it django-python-fix "$upshift fix -q --no-cache --exit-zero --allow-dirty --unsafe-fixes --select python --target python@3.10 $scratch/copy" "$fresh"
        if [ "${CALLGRIND:-1}" != 0 ]; then
            instructions django-ruff "$venv/ruff" check --select UP --target-version py310 --no-cache --exit-zero --quiet "$src"
            instructions django-python-check "$upshift" check -q --no-cache --exit-zero -j 1 --select python --target python@3.10 "$src"
        fi
    fi
done
# One file, as pre-commit and editors check it: the smallest of each kind, and a real-sized one
# from each corpus (wall time over 20 runs, and instructions).
one="$scratch/one"
mkdir -p "$one"
printf 'x = 1\n' > "$one/one.py"
cat > "$one/apps.py" <<'PY_'
from django.apps import AppConfig


class ShopConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shop"
PY_
cat > "$one/OrderTest.java" <<'JAVA_'
package shop;

import org.junit.Before;
import org.junit.Test;

import static org.junit.Assert.assertEquals;

public class OrderTest {
    private Order order;

    @Before
    public void setUp() {
        order = new Order();
    }

    @Test
    public void totalIsZero() {
        assertEquals("empty", 0, order.total());
    }
}
JAVA_
cat > "$one/orders_controller.rb" <<'RB_'
class OrdersController < ApplicationController
  before_action :set_order, only: %i[show]

  def show
    render json: @order
  end

  private

  def set_order
    @order = Order.find(params[:id])
  end
end
RB_
cat > "$one/deployment.yml" <<'YML_'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
        - name: shop
          image: shop:1.4.2
YML_
cat > "$one/pom.xml" <<'POM_'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>2.7.18</version>
  </parent>
  <artifactId>shop</artifactId>
  <properties>
    <java.version>11</java.version>
  </properties>
</project>
POM_
for file in one.py apps.py OrderTest.java orders_controller.rb deployment.yml pom.xml; do
    key="one-${file//./-}"
    hyperfine --style none --warmup 3 --runs 20 --export-json "$scratch/$key.json" "$upshift check --no-cache --exit-zero $one/$file" >/dev/null
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$scratch/$key.json" > "$results/$key"
    instructions "$key" "$upshift" check --no-cache --exit-zero -j 1 "$one/$file"
done

python3 - "$results" "$here/results.md" "$(git -C "$root" rev-parse --short HEAD)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs" <<'PY'
import datetime, pathlib, sys
results, out, commit, cores, load, runs = sys.argv[1:]
r = {p.name: float(p.read_text()) for p in pathlib.Path(results).iterdir() if p.read_text().strip()}
def t(name): return f"{r[name]:.2f} s" if name in r else "-"
def ratio(a, b): return f"{r[a] / r[b]:.2f}x" if a in r and b in r and r[b] else "-"
def g(name): return f"{r[name] / 1e9:.2f} G" if name in r else "-"
def ms(name): return f"{r[name] * 1000:.0f} ms" if name in r else "-"
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
    "Instructions (callgrind, `-j 1`): what the wall times above cost, repeatable on a loaded machine.",
    "",
    "| corpus | parse floor | check | check / floor |",
    "|---|---|---|---|",
]
for c in ["django", "spring", "rails"]:
    lines.append(f"| {c} | {g(c+'-floor-instr')} | {g(c+'-check-instr')} | {ratio(c+'-check-instr', c+'-floor-instr')} |")
lines += [
    "",
    "Python peers on the Django corpus, like for like: upshift with only the matching pack, at the",
    "peer's target; fixes rewrite a fresh copy each run.",
    "",
    "| peer | peer | upshift, same pack and target | peer / upshift |",
    "|---|---|---|---|",
    f"| Ruff `--select UP --target-version py310` vs `check --select python --target python@3.10` | {t('django-ruff')} | {t('django-python-check')} | {ratio('django-ruff', 'django-python-check')} |",
    f"| the same, instructions | {g('django-ruff-instr')} | {g('django-python-check-instr')} | {ratio('django-ruff-instr', 'django-python-check-instr')} |",
    f"| django-upgrade `--target-version 4.2` vs `fix --select django --target django@4.2` | {t('django-upgrade')} | {t('django-django-fix')} | {ratio('django-upgrade', 'django-django-fix')} |",
    f"| pyupgrade `--py310-plus` vs `fix --select python --target python@3.10` | {t('django-pyupgrade')} | {t('django-python-fix')} | {ratio('django-pyupgrade', 'django-python-fix')} |",
    "",
    "One file, `upshift check --no-cache FILE` (median of 20 runs; instructions with `-j 1`):",
    "",
    "| file | wall | instructions |",
    "|---|---|---|",
]
for f in ["one.py", "apps.py", "OrderTest.java", "orders_controller.rb", "deployment.yml", "pom.xml"]:
    key = "one-" + f.replace(".", "-")
    lines.append(f"| `{f}` | {ms(key)} | {g(key+'-instr')} |")
lines += [
    "",
    f"Parse floor scaling, -j1 / -j2: django {ratio('django-floor-j1', 'django-floor')}, spring {ratio('spring-floor-j1', 'spring-floor')}, rails {ratio('rails-floor-j1', 'rails-floor')}.",
    "",
]
pathlib.Path(out).write_text("\n".join(lines))
print("\n".join(lines))
PY

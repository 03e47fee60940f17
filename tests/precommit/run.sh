#!/usr/bin/env bash
# Runs upshift's pre-commit hooks for real: installs the `pre-commit` package from PyPI into a
# virtual environment, makes a temporary git repository with legacy code, and runs both hooks
# from this checkout with `pre-commit try-repo` (which builds upshift with cargo, as users get it).
# Exits 0 and prints a clear message when pre-commit cannot be installed here.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/venv" >/dev/null 2>&1 || ! "$work/venv/bin/pip" install --quiet pre-commit >/dev/null 2>&1; then
    echo "SKIP: the pre-commit package could not be installed from PyPI on this machine"
    exit 0
fi
export PATH="$work/venv/bin:$PATH"
export PRE_COMMIT_HOME="$work/cache"

# try-repo clones the checkout's HEAD: commit the hooks file before running this script.
project="$work/project"
mkdir -p "$project/app"
cd "$project"
git init -q
git config user.email ci@example.com
git config user.name ci
cat > app/urls.py <<'PY'
from django.conf.urls import url

urlpatterns = [url(r"^(\d+)/$", index)]
PY
printf 'x = 1\n' > app/clean.py
git add .

echo "== upshift-check on a legacy file (must fail)"
if pre-commit try-repo "$repo_root" upshift-check --files app/urls.py app/clean.py; then
    echo "FAIL: upshift-check passed on legacy code"; exit 1
fi
echo "== upshift-check on a clean file (must pass)"
pre-commit try-repo "$repo_root" upshift-check --files app/clean.py

echo "== upshift-fix rewrites the staged file"
pre-commit try-repo "$repo_root" upshift-fix --files app/urls.py || true
grep -q "re_path(" app/urls.py || { echo "FAIL: upshift-fix did not rewrite app/urls.py"; exit 1; }
git add app/urls.py
pre-commit try-repo "$repo_root" upshift-check --files app/urls.py
echo "pre-commit hooks: 4 passed, 0 failed"

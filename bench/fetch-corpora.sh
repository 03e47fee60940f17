#!/usr/bin/env bash
# Downloads the benchmark corpora into bench/corpora/ (git-ignored), from the package
# registries only, and checks them against bench/corpora.sha256. Skips what is already there.
#   django/  Django 3.2.25 sdist (PyPI)                     Python, ~2,700 files
#   spring/  Spring Framework 4.3.x, Debian source package  Java,   ~6,400 files
#   rails/   Debian's redmine + activerecord, actionpack,
#            activesupport, railties (.deb, unpacked)        Ruby,   ~1,500 files
# UPSHIFT_UPDATE_CHECKSUMS=1 rewrites bench/corpora.sha256 from what was downloaded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpora="$here/corpora"
downloads="$corpora/downloads"
mkdir -p "$downloads"
cd "$downloads"

if ! ls Django-3.2.25.tar.gz >/dev/null 2>&1; then
    pip download --quiet --no-deps --no-binary :all: django==3.2.25 -d .
fi

if ! ls libspring-java_*.orig.tar.* >/dev/null 2>&1; then
    codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
    if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$codename" > /etc/apt/sources.list.d/upshift-bench-src.sources
    fi
    apt-get update -qq >/dev/null
    apt-get source --download-only libspring-java >/dev/null
fi

for package in redmine ruby-activerecord ruby-actionpack ruby-activesupport ruby-railties; do
    ls "${package}"_*.deb >/dev/null 2>&1 || apt-get download "$package" >/dev/null 2>&1
done

if [ "${UPSHIFT_UPDATE_CHECKSUMS:-}" = 1 ]; then
    sha256sum Django-3.2.25.tar.gz libspring-java_*.orig.tar.* redmine_*.deb ruby-*.deb > "$here/corpora.sha256"
fi
if [ -f "$here/corpora.sha256" ]; then
    # Debian replaces a package's file on a point release; what is listed must match, and a
    # file that is not listed (a newer release) is named, for the list to be updated.
    sha256sum --quiet -c --ignore-missing "$here/corpora.sha256"
    for file in Django-3.2.25.tar.gz libspring-java_*.orig.tar.* redmine_*.deb ruby-*.deb; do
        grep -qF "  $file" "$here/corpora.sha256" ||
            echo "note: $file is not in corpora.sha256 (a newer Debian release?); UPSHIFT_UPDATE_CHECKSUMS=1 records it" >&2
    done
fi

cd "$corpora"
[ -d django ] || { mkdir django && tar xzf downloads/Django-3.2.25.tar.gz -C django --strip-components 1; }
[ -d spring ] || { mkdir spring && tar xf downloads/libspring-java_*.orig.tar.* -C spring --strip-components 1; }
if [ ! -d rails ]; then
    mkdir -p rails
    for deb in downloads/redmine_*.deb downloads/ruby-*.deb; do dpkg -x "$deb" rails/; done
fi
for corpus in django spring rails; do
    case $corpus in django) ext=py ;; spring) ext=java ;; rails) ext=rb ;; esac
    printf '%-7s %6d .%s files\n' "$corpus" "$(find "$corpus" -name "*.$ext" | wc -l)" "$ext"
done

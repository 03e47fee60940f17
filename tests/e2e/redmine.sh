# Sourced by the end-to-end scripts: `redmine` puts Redmine (Debian's `redmine` package, unpacked
# with dpkg -x, never installed) in ./redmine, downloading the package once.
redmine() {
    [ -d redmine ] && return 0
    if ! ls redmine_*.deb >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt-get download redmine >/dev/null
    fi
    mkdir -p unpacked && dpkg -x redmine_*.deb unpacked
    cp -r unpacked/usr/share/redmine redmine
}

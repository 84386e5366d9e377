# Helpers sourced by the .ci scripts.

# can_install: true when Debian packages can be installed here (root, or sudo without a
# password); a machine without either runs the suite with what it has.
can_install() {
    [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }
}

# apt_install PACKAGE...: install Debian packages as root (call can_install first). An install
# interrupted earlier (a run killed mid-unpack) leaves dpkg refusing every later install until
# it is configured, and a package left half-unpacked until apt repairs it: both happen first,
# and do nothing on a clean machine.
apt_install() {
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >&2
    "${sudo[@]}" apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# as_postgres COMMAND...: PostgreSQL refuses to run as root, so root runs its tools as the
# `postgres` system user; anyone else runs them as themselves.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

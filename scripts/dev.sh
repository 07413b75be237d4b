#!/usr/bin/env bash
# One entry point for newcomers and CI.
#   bash scripts/dev.sh demo   set everything up, create a demo district, open the app
#   bash scripts/dev.sh test   set everything up, run the whole test suite (offscreen), the db
#                              tests also on a throwaway PostgreSQL cluster (scripts/pg.sh)
#   bash scripts/dev.sh setup  only set up (.venv with the app and its test tools)
#   bash scripts/dev.sh freeze regenerate installer/constraints.txt from the working .venv
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}

apt_deps() {
    # Debian packages Qt needs offscreen, a CJK font, and tools to check PDFs and workbooks.
    local pkgs="libgl1 libegl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 fonts-wqy-zenhei poppler-utils libreoffice-calc-nogui"
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=""
    for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ]; then
        echo "Installing Debian packages:$missing"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "Please install (as root): apt-get install$missing" >&2
    fi
}

pg_deps() {
    # PostgreSQL for the second backend's tests (Debian's package; 15 on these machines).
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
    command -v initdb >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian package: postgresql"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    fi
}

# Start a throwaway cluster for the tests and export its URL (HOTLINE_TEST_PG_URL); stopped by
# the caller's trap. Under CI=true a missing or failing PostgreSQL fails the run.
start_test_pg() {
    [ -n "${HOTLINE_TEST_PG_URL:-}" ] && return 0  # a server given by the caller
    pg_deps || true
    PG_TEST_DIR=$(mktemp -d /tmp/hotline-pg-test.XXXXXX)
    local url
    if url=$(bash scripts/pg.sh start "$PG_TEST_DIR"); then
        export HOTLINE_TEST_PG_URL="$url"
        echo "PostgreSQL test cluster: $url"
        return 0
    fi
    rm -rf "$PG_TEST_DIR"; PG_TEST_DIR=""
    if [ "${CI:-}" = true ]; then
        echo "ERROR: PostgreSQL could not be started; CI needs it for the db and services tests on both backends" >&2
        return 1
    fi
    echo "WARNING: no PostgreSQL (apt-get install postgresql); the db and services tests run on SQLite only" >&2
}

stop_test_pg() {
    [ -n "${PG_TEST_DIR:-}" ] && bash scripts/pg.sh stop "$PG_TEST_DIR" || true
}

setup() {
    apt_deps
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-$(cat pyproject.toml installer/constraints.txt | sha1sum | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip
        # The same pinned versions as the Windows build (installer/constraints.txt).
        "$VENV/bin/python" -m pip install -q -c installer/constraints.txt -e ".[test]"
        touch "$stamp"
    fi
}

freeze() {
    # After an upgrade has passed the whole suite: pin what is installed, for CI and the build.
    {
        sed -n '/^#/p' installer/constraints.txt
        "$VENV/bin/python" -m pip freeze --exclude-editable | grep -v '^#\|^-e'
    } > installer/constraints.txt.new
    mv installer/constraints.txt.new installer/constraints.txt
    echo "installer/constraints.txt updated"
}

cmd=${1:-help}
shift || true
case "$cmd" in
    setup) setup ;;
    freeze) freeze ;;
    demo)
        setup
        DATA="${HOTLINE_HOME:-$ROOT/.demo-data}"
        "$VENV/bin/hotline-desktop" --data-dir "$DATA" demo --if-empty
        exec "$VENV/bin/hotline-desktop" --data-dir "$DATA" "$@"
        ;;
    test)
        setup
        export QT_QPA_PLATFORM=offscreen
        PG_TEST_DIR=""
        trap stop_test_pg EXIT  # also when the tests fail or are interrupted
        start_test_pg
        "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        sed -n '2,6p' "$0"
        exit 1
        ;;
esac

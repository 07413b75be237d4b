#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for development and tests (unix socket only, no TCP).
#   bash scripts/pg.sh start [DIR]   initdb + start (idempotent); prints the database URL
#   bash scripts/pg.sh url [DIR]     prints the URL of a running cluster (exit 1 if none)
#   bash scripts/pg.sh stop [DIR]    stops the cluster and removes DIR (idempotent)
# DIR defaults to $HOTLINE_PG_DIR, else a folder in /tmp named after this checkout, so several
# checkouts (and several clusters, each in its own DIR) coexist. The server refuses to run as
# root: when run as root, the cluster belongs to the `postgres` OS user (created if missing).
# The URL names database hotline_test: postgresql+psycopg://postgres@/hotline_test?host=DIR&port=P
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-help}
DIR=${2:-${HOTLINE_PG_DIR:-/tmp/hotline-pg-$(printf %s "$ROOT" | sha1sum | cut -c1-8)}}
DB=${HOTLINE_PG_DB:-hotline_test}

die() { echo "pg.sh: $*" >&2; exit 1; }

pg_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir)
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    return 1
}

# Run a PostgreSQL tool as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

ensure_user() {
    [ "$(id -u)" = 0 ] || return 0
    id postgres >/dev/null 2>&1 && return 0
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres \
        || die "cannot create the postgres OS user"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() { echo "postgresql+psycopg://postgres@/$DB?host=$DIR&port=$(cat "$DIR/port")"; }

running() {
    [ -f "$DIR/port" ] && [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

start() {
    if running; then url; return 0; fi
    ensure_user
    if [ -d "$DIR" ] && [ ! -f "$DIR/port" ]; then rm -rf "$DIR"; fi  # a half-made folder from a crash
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    chmod 700 "$DIR"
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        # C locale: text sorts by code point as in SQLite (same orderings on both backends)
        as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
            || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    local port
    port=$(free_port)
    # Throwaway data: durability off for speed; no TCP, the socket lives in DIR.
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-k $DIR -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$DIR/server.log" >&2; die "the server did not start"; }
    echo "$port" | as_owner tee "$DIR/port" >/dev/null
    as_owner "$BIN/psql" -h "$DIR" -p "$port" -U postgres -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" \
        | grep -q 1 || as_owner "$BIN/createdb" -h "$DIR" -p "$port" -U postgres "$DB"
    url
}

stop() {
    if [ -d "$DIR/data" ]; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

case "$cmd" in
    start|stop|url)
        BIN=$(pg_bindir) || die "PostgreSQL is not installed (apt-get install postgresql)"
        case "$cmd" in
            start) start ;;
            stop) stop ;;
            url) running || die "no cluster running in $DIR"; url ;;
        esac
        ;;
    *) sed -n '2,9p' "$0"; exit 1 ;;
esac

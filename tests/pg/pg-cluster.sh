#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A throwaway PostgreSQL cluster for the ledger tests, started by the
# project itself (never a mock, never the machine's own server):
#
#   tests/pg/pg-cluster.sh start DIR   initdb in DIR, start it on a Unix socket
#                                      in DIR and a loopback port; writes
#                                      DIR/conninfo (the libpq URI of database
#                                      duixian_test) and prints it
#   tests/pg/pg-cluster.sh stop DIR    stop it (the files stay until DIR is removed)
#   tests/pg/pg-cluster.sh restart DIR stop and start again (fault tests)
#
# As root the server runs as the unprivileged user `postgres` (Debian's
# postgresql package creates it), since PostgreSQL refuses to run as root.
# Clients authenticate over TCP with a password (role dx, SCRAM), so wrong
# passwords can be tested; the socket trusts local connections.
set -eu
cmd=${1:?usage: pg-cluster.sh start|stop|restart DIR}
dir=${2:?usage: pg-cluster.sh start|stop|restart DIR}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bindir/initdb" ] || { echo "pg-cluster.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 77; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        printf 'dx-secret\n' > "$dir/pwfile"
        [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
        as_owner "$bindir/initdb" -D "$dir/data" -U dx --pwfile="$dir/pwfile" -A scram-sha-256 \
            --auth-local=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
        # a free loopback port: ask the kernel for one
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
max_connections = 60
CONF
        echo "$port" > "$dir/port"
    fi
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    if [ ! -f "$dir/conninfo" ]; then
        as_owner "$bindir/psql" -h "$dir" -p "$port" -U dx -d postgres -qAt \
            -c "CREATE DATABASE duixian_test" >/dev/null
        echo "postgresql://dx:dx-secret@127.0.0.1:$port/duixian_test" > "$dir/conninfo"
        chmod 644 "$dir/conninfo"
    fi
    cat "$dir/conninfo"
}

stop() {
    [ -f "$dir/data/PG_VERSION" ] || return 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case $cmd in
start) start ;;
stop) stop ;;
restart) stop; start ;;
*) echo "usage: pg-cluster.sh start|stop|restart DIR" >&2; exit 2 ;;
esac

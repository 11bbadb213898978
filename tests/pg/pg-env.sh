# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the PostgreSQL test scripts after tests/cli/tap.sh: starts a
# throwaway cluster (tests/pg/pg-cluster.sh) in its own temporary
# directory and stops it, and removes it, on every exit. Sets
#   PGURL   the URI of database duixian_test (with the password)
#   pgsql   psql as the superuser over the cluster's socket: pgsql DB SQL
# Exits 77 (a skip) only when no server binaries are installed.
PGC=$SRC/tests/pg/pg-cluster.sh
pgdir=$(mktemp -d)
trap 'sh "$PGC" stop "$pgdir"; rm -rf "$pgdir" "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
PGURL=$(sh "$PGC" start "$pgdir")
rc=$?
if [ $rc -eq 77 ]; then
    echo "1..0 # SKIP no PostgreSQL server binaries (apt-get install postgresql)"
    exit 77
fi
[ $rc -eq 0 ] || { echo "Bail out! the test cluster did not start"; exit 1; }
PGPORT_=$(cat "$pgdir/port")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgsql() {
    "$PGBIN/psql" -h "$pgdir" -p "$PGPORT_" -U dx -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
}
# a database of its own for each use: pgdb NAME prints its URI
pgdb() {
    pgsql postgres "CREATE DATABASE $1" >/dev/null && echo "${PGURL%/*}/$1"
}

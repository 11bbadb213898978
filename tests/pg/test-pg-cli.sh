#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ledger commands on both stores (issue 17): every golden round case and
# the Wuchang demo run on an SQLite file and on a PostgreSQL database of a
# real throwaway server (tests/pg/pg-cluster.sh), and everything they print
# and write is compared byte for byte. Only what must differ is masked: the
# ledger's name, and created_at (the clock), with the heads that hash it;
# the heads themselves (and ledger-head.txt) are compared after `ledger
# copy`, which keeps created_at. Then the faults a user meets first: wrong password, no such
# database, no server, a malformed string; never a password on screen.
# usage: test-pg-cli.sh DUIXIAN SOURCE_ROOT     (TAP output; exit 77: no server binaries)
set -u
DX=$1 SRC=$2
. "$SRC/tests/cli/tap.sh"
. "$SRC/tests/pg/pg-env.sh"

# what a command prints (stdout and stderr), with the ledger's name, the
# store's tag in file names and the clock masked
masked() {   # masked NAME TAG COMMAND...
    m=$(printf '%s' "$1" | sed 's/[][\.*^$|/]/\\&/g') t=$2; shift 2
    "$@" 2>&1 | sed -e "s|$m|LEDGER|g" -e "s|-$t\\b|-TAG|g" \
        -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z/TIME/g' \
        -e 's/head:* [0-9a-f]\{64\}/head HEAD/' -e 's/"head": "[0-9a-f]\{64\}"/"head": "HEAD"/'
    return 0
}
display() { echo "$1" | sed 's|//dx:dx-secret@|//dx:***@|'; }
# run_on LEDGER TAG COMMAND...: COMMAND with {} as the ledger and @TAG@ as TAG
run_on() {
    l=$1 tg=$2; shift 2
    for arg do
        shift
        case $arg in
        '{}') set -- "$@" "$l" ;;
        *@TAG@*) set -- "$@" "$(printf '%s' "$arg" | sed "s|@TAG@|$tg|g")" ;;
        *) set -- "$@" "$arg" ;;
        esac
    done
    masked "$(display "$l")" "$tg" "$@"
}
both_same() {   # both_same SQLITE PG COMMAND...: the outputs are equal once masked
    a=$1 b=$2; shift 2
    run_on "$a" lite "$@" >"$tmp/both.a"
    run_on "$b" pg "$@" >"$tmp/both.b"
    diff "$tmp/both.a" "$tmp/both.b"
}
head_of() { "$DX" verify "$1" | sed 's/.*head //'; }
round_ids() { "$DX" ledger "$1" --format json | grep -o '"round_id": [0-9]*' | sed 's/.*: //'; }

ok "the server is up and a ledger database is there" sh -c '[ -n "$1" ]' sh "$PGURL"

# ---- every golden round case on both stores
i=0
for case in "$SRC"/tests/golden-rounds/*/; do
    name=$(basename "$case")
    i=$((i + 1))
    lite=$tmp/$name/ledger.db
    pg=$(pgdb "golden_$i")
    mkdir -p "$tmp/$name"
    rounds=""
    for r in "$case"r*/; do
        rn=$(basename "$r")
        set -- run "$case/rules.yaml" "$r/apps.csv" --approval-date "$(cat "$r/approval-date")"
        [ -f "$r/history.csv" ] && set -- "$@" --history "$r/history.csv"
        ok "$name $rn: the same output on both stores" both_same "$lite" "$pg" \
            "$DX" "$@" --ledger {} --out "$tmp/$name/$rn-@TAG@"
        ok "$name $rn: the same files on both stores" diff -r -x ledger-head.txt "$tmp/$name/$rn-lite" "$tmp/$name/$rn-pg"
        rounds="$rounds $rn"
    done
    app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/$name/r1-lite/decisions.csv")
    if [ -n "$app" ]; then
        ok "$name: revoke $app on both" both_same "$lite" "$pg" "$DX" revoke {} --app "$app" --reason test
    fi
    ok "$name: ledger (text) the same on both" both_same "$lite" "$pg" "$DX" ledger {}
    ok "$name: ledger --format csv the same on both" both_same "$lite" "$pg" "$DX" ledger {} --format csv
    ok "$name: ledger --format json the same on both" both_same "$lite" "$pg" "$DX" ledger {} --format json
    ok "$name: verify the same on both" both_same "$lite" "$pg" "$DX" verify {}
    set -- $(round_ids "$pg")
    for rn in $rounds; do
        id=$1; shift
        ok "$name $rn: the export from the server is the run's files" sh -c '
            "$1" report "$2" --ledger "$3" --round "$4" --out-dir "$5" >/dev/null &&
            for f in decisions.csv schedule.csv summary.json; do cmp "$6/$f" "$5/$f" || exit 1; done' \
            sh "$DX" "$case/rules.yaml" "$pg" "$id" "$tmp/$name/$rn-pg-export" "$tmp/$name/$rn-pg"
    done
    copy=$(pgdb "copy_$i")
    ok "$name: ledger copy SQLite -> PostgreSQL" exit_code 0 "$DX" ledger copy "$lite" "$copy"
    ok "$name: … the heads are equal" sh -c '[ "$(head_of "$1")" = "$(head_of "$2")" ]' sh "$lite" "$copy"
    ok "$name: ledger copy PostgreSQL -> SQLite" exit_code 0 "$DX" ledger copy "$pg" "$tmp/$name/back.db"
    ok "$name: … the heads are equal" sh -c '[ "$("$0" verify "$1" | sed "s/.*head //")" = "$("$0" verify "$2" | sed "s/.*head //")" ]' \
        "$DX" "$pg" "$tmp/$name/back.db"
done

# ---- the Wuchang demo: run, revoke, pay, report on both stores
R=$SRC/rules/wuchang-2022.yaml
A=$SRC/examples/applications-2022.csv
lite=$tmp/w/ledger.db pg=$(pgdb wuchang)
mkdir -p "$tmp/w"
ok "wuchang: run on both" both_same "$lite" "$pg" "$DX" run "$R" "$A" --approval-date 2022-06-30 --ledger {} \
    --out "$tmp/w/r1-@TAG@"
ok "wuchang: the same files" diff -r -x ledger-head.txt "$tmp/w/r1-lite" "$tmp/w/r1-pg"
app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/w/r1-lite/decisions.csv")
ok "wuchang: revoke on both" both_same "$lite" "$pg" "$DX" revoke {} --app "$app" --reason 企业迁出本区
ok "wuchang: pay through 2022-12-31 on both" both_same "$lite" "$pg" "$DX" pay "$R" --ledger {} \
    --through 2022-12-31 --out "$tmp/w/p1-@TAG@"
ok "wuchang: … the same payment files" diff -r "$tmp/w/p1-lite" "$tmp/w/p1-pg"
ok "wuchang: pay --dry-run through 2023-12-31 on both" both_same "$lite" "$pg" "$DX" pay "$R" --ledger {} \
    --through 2023-12-31 --dry-run --out "$tmp/w/p2-@TAG@"
ok "wuchang: … the same payment files" diff -r "$tmp/w/p2-lite" "$tmp/w/p2-pg"
ok "wuchang: report --ledger on both" both_same "$lite" "$pg" "$DX" report "$R" --ledger {} \
    --out "$tmp/w/report-@TAG@.html"
ok "wuchang: … the same report" cmp "$tmp/w/report-lite.html" "$tmp/w/report-pg.html"
ok "wuchang: explain against both" both_same "$lite" "$pg" "$DX" explain "$R" "$A" --app "$app" \
    --approval-date 2022-06-30 --ledger {}
ok "wuchang: replay round 1 on both" both_same "$lite" "$pg" "$DX" replay {} --round 1 "$R" "$A"
ok "… identical" has "$tmp/both.b" "identical"
ok "wuchang: compare --ledger on both" both_same "$lite" "$pg" "$DX" compare "$R" "$R" "$A" --approval-date 2022-07-01 \
    --ledger {} --out "$tmp/w/cmp-@TAG@"
ok "wuchang: verify on both" both_same "$lite" "$pg" "$DX" verify {}
update_refused() { ! pgsql wuchang "UPDATE entries SET granted_fen = 0" 2>"$tmp/upd.err"; }
edit_found() {
    pgsql wuchang "ALTER TABLE entries DISABLE TRIGGER USER; UPDATE entries SET detail = detail || ' ' WHERE seq = 1" &&
        exit_code 6 "$DX" verify "$pg"
}
ok "wuchang: the server's entries are append-only" update_refused
ok "… the trigger's own words" has "$tmp/upd.err" "ledger entries are append-only"
ok "wuchang: a byte edited with the triggers off is found by verify (exit 6)" edit_found

# ---- faults: one clear line, never the password
host="127.0.0.1" port=$PGPORT_
one_line_no_secret() {   # the exit code 5, one line on stderr, no password in it
    exit_code 5 "$@" || return 1
    [ "$(wc -l < "$tmp/ec.err")" = 1 ] || { cat "$tmp/ec.err" >&2; return 1; }
    ! grep -q "secret\|wrong-pw" "$tmp/ec.err" "$tmp/ec.out"
}
ok "wrong password: one line, no password" one_line_no_secret "$DX" ledger "postgresql://dx:wrong-pw@$host:$port/duixian_test"
ok "… says what failed" has "$tmp/ec.err" "password authentication failed" "postgresql://dx:***@"
ok "no such database: one line" one_line_no_secret "$DX" run "$R" "$A" --approval-date 2022-06-30 --out "$tmp/x" \
    --ledger "postgresql://dx:dx-secret@$host:$port/no_such_db"
ok "… names the database" has "$tmp/ec.err" 'database "no_such_db" does not exist'
ok "no server on the port: one line" one_line_no_secret "$DX" verify "host=$host port=1 user=dx password=dx-secret dbname=x"
ok "… the key=value form redacted too" has "$tmp/ec.err" "password=*** dbname=x" "Connection refused"
ok "a malformed URI: one line" one_line_no_secret "$DX" verify "postgresql://dx:dx-secret@$host:notaport/x"
query_redacted() {
    "$DX" verify "postgresql://dx@$host:$port/wuchang_none?password=dx-secret&sslmode=disable" >"$tmp/q.out" 2>&1
    grep -q "?password=\*\*\*&sslmode" "$tmp/q.out" && ! grep -q secret "$tmp/q.out"
}
other_refused() {
    pgsql postgres "CREATE DATABASE other" && pgsql other "CREATE TABLE t (x int)" &&
        exit_code 5 "$DX" run "$R" "$A" --approval-date 2022-06-30 --out "$tmp/o" --ledger "${PGURL%/*}/other" &&
        has "$tmp/ec.err" "not a duixian ledger" &&
        [ "$(pgsql other "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 1 ]
}
newer_refused() {
    pgsql wuchang "ALTER TABLE meta DISABLE TRIGGER USER; UPDATE meta SET value = '99' WHERE key = 'version'" &&
        exit_code 5 "$DX" ledger "$pg" && has "$tmp/ec.err" "version 99 was written by a newer duixian"
}
ok "a password in the query string is redacted" query_redacted
ok "the key=value form opens a ledger" exit_code 0 "$DX" ledger "host=$host port=$port user=dx password=dx-secret dbname=wuchang"
ok "a database of another program is refused, not written" other_refused
ok "a ledger of a newer schema version is refused" newer_refused

echo "1..$n"
[ "$failed" -eq 0 ]

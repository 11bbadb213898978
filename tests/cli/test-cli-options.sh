#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line's option handling (GOptionContext in examples/cli/):
# --opt=value means the same as --opt value, --version and -V print the
# project's version, a usage error prints that command's usage alone,
# duixian --help lists every command, and duixian schema prints the rules
# schema exactly as data/ holds it.
# usage: test-cli-options.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"

# --- --opt=value and --opt value
ok "run --opt=value" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date=2022-06-30 --out="$tmp/eq" --format=csv
cp "$tmp/ec.out" "$tmp/eq.table"
ok "run --opt value" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/sp" --format csv
ok "… the same table" cmp -s "$tmp/eq.table" "$tmp/ec.out"
ok "… the same files" sh -c "cmp -s '$tmp/eq/decisions.csv' '$tmp/sp/decisions.csv' && cmp -s '$tmp/eq/schedule.csv' '$tmp/sp/schedule.csv' && cmp -s '$tmp/eq/summary.json' '$tmp/sp/summary.json'"
ok "… and --format=csv was taken: a CSV table" sh -c "head -1 '$tmp/eq.table' | grep -qx 'bureau,name,applied,approved,reduced,rejected,incomplete,invalid,duplicate,error,unfunded,granted_fen,remaining_fen'"
app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/sp/decisions.csv")
ok "explain --app=ID --lang=en" exit_code 0 "$DX" explain "$RULES" "$APPS" --approval-date=2022-06-30 --app="$app" --lang=en
ok "… explains that application in English" has "$tmp/ec.out" "$app" "Reasons"
ok "options before the arguments" exit_code 0 "$DX" decide --out="$tmp/d" --threads=2 "$RULES" "$APPS"
"$DX" decide "$RULES" "$APPS" --out "$tmp/d1" >/dev/null
ok "… decide the same as with the options after them" cmp -s "$tmp/d/decisions.csv" "$tmp/d1/decisions.csv"
ok "run --ledger=FILE commits" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date=2022-06-30 --ledger="$tmp/l.db" --out="$tmp/l"
ok "revoke --app=ID --reason=TEXT" exit_code 0 "$DX" revoke "$tmp/l.db" --app="$app" --reason="企业迁出本区"
ok "… revoked it" has "$tmp/ec.out" "revoked the grants of $app"
ok "match --date=D --format=json" sh -c "'$DX' match '$RULES' '$SRC/examples/profile-bank.yaml' --date=2022-06-30 --format=json | python3 -c 'import json,sys; assert isinstance(json.load(sys.stdin), list)'"

# --- --version
version=$(sed -n "s/^ *version: '\([0-9.]*\)',.*/\1/p" "$SRC/meson.build" | head -1)
ok "--version prints the project's version ($version)" sh -c "[ \"\$('$DX' --version)\" = 'duixian $version' ]"
ok "-V prints it too" sh -c "[ \"\$('$DX' -V)\" = 'duixian $version' ]"

# --- a usage error: the command's usage, not the whole list
usage_only() {   # usage_only CMD: ec.err has CMD's usage and no other command's
    grep -q "^usage: duixian $1 " "$tmp/ec.err" || grep -qx "usage: duixian $1" "$tmp/ec.err" || { echo "no usage of $1" >&2; return 1; }
    for c in check decide run explain match report ledger verify revoke schema; do
        [ "$c" = "$1" ] && continue
        if grep -q "duixian $c " "$tmp/ec.err"; then echo "usage of $c printed too" >&2; return 1; fi
    done
    grep -q '^duixian: ' "$tmp/ec.err"
}
ok "check without RULES exits 1" exit_code 1 "$DX" check
ok "… with check's usage only" usage_only check
ok "run --format xml exits 1" exit_code 1 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/x" --format xml
ok "… with run's usage only" usage_only run
ok "… naming the problem" has "$tmp/ec.err" "duixian: run: --format is text, csv or json"
ok "an unknown option exits 1" exit_code 1 "$DX" decide "$RULES" "$APPS" --out "$tmp/x" --frobnicate
ok "… naming it, with decide's usage only" sh -c "grep -q 'unknown option --frobnicate' '$tmp/ec.err'" 
ok "… (usage)" usage_only decide
ok "an option without its value exits 1" exit_code 1 "$DX" explain "$RULES" "$APPS" --app
ok "… with explain's usage only" usage_only explain
ok "revoke without a reason exits 1" exit_code 1 "$DX" revoke "$tmp/l.db" --app="$app"
ok "… with revoke's usage only" usage_only revoke
ok "schema with an argument exits 1" exit_code 1 "$DX" schema extra
ok "… with schema's usage only" usage_only schema
ok "an unknown command exits 1 and lists the commands" sh -c "! '$DX' frobnicate 2>'$tmp/u.err' && grep -q 'unknown command' '$tmp/u.err' && grep -q '^  revoke ' '$tmp/u.err'"

# --- --help
ok "--help exits 0" exit_code 0 "$DX" --help
for c in check decide run explain match report ledger verify revoke schema; do
    ok "--help lists $c" sh -c "grep -q '^  $c ' '$tmp/ec.out'"
done
ok "run --help shows its options and usage" sh -c "'$DX' run --help | grep -q -- '--approval-date=YYYY-MM-DD' && '$DX' run --help | grep -q '^usage: duixian run RULES APPS'"
ok "revoke --help keeps the Chinese text as it is" sh -c "'$DX' revoke --help | grep -q '撤销/追回'"

# --- schema
ok "schema exits 0" exit_code 0 "$DX" schema
ok "… printing data/duixian-rules.schema.json byte for byte" cmp -s "$tmp/ec.out" "$SRC/data/duixian-rules.schema.json"
ok "… which is a JSON Schema" sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert \"json-schema.org\" in d[\"\$schema\"]' '$tmp/ec.out'"

echo "1..$n"
[ "$failed" -eq 0 ]

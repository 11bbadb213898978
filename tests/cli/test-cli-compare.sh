#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian compare (docs/cli.md): tests/data/fit's three applications under
# the rules (r = 2%, cap 50万元: asks 20 + 40 + 50 = 110万元 of a 100万元
# envelope, so rationed) and under --set r=1% (10 + 20 + 30 = 60万元, paid in
# full): per enterprise, per envelope and per policy, and the page in
# headless Chromium (when installed; CI installs it).
# usage: test-cli-compare.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
R=$SRC/tests/data/fit/rules.yaml A=$SRC/tests/data/fit/apps.csv
. "$SRC/tests/cli/tap.sh"

ok "compare the rules with r=1%" exit_code 0 "$DX" compare "$R" "$R" "$A" --approval-date 2022-06-30 --set r=1% --out "$tmp/c"
ok "… says what changed in total: 100万元 → 60万元" has "$tmp/ec.out" "granted: base 100万元, reform 60万元, change -40万元"
ok "… names the what-if on stderr" has "$tmp/ec.err" "what-if: r=1%"
ok "compare.csv: one row per enterprise; the reform's amounts in full, the base's adding up to the envelope" python3 -c '
import csv, sys
rows = {r["enterprise_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
assert list(rows) == ["E1", "E2", "E3", "E4"], list(rows)
reform = {k: int(r["reform_granted_fen"]) for k, r in rows.items()}
assert reform == {"E1": 10000000, "E2": 20000000, "E3": 30000000, "E4": 0}, reform
assert sum(int(r["base_granted_fen"]) for r in rows.values()) == 100000000
for r in rows.values():
    assert int(r["change_fen"]) == int(r["reform_granted_fen"]) - int(r["base_granted_fen"]), r
assert sum(int(r["change_fen"]) for r in rows.values()) == -40000000
' "$tmp/c/compare.csv"
ok "compare.json: the finance envelope's demand and grants under each" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["envelopes"]["finance"]
assert f == {"base": {"demand_fen": 110000000, "granted_fen": 100000000},
             "reform": {"demand_fen": 60000000, "granted_fen": 60000000}}, f
p = d["policies"]["P"]
assert p["base"]["decisions"] == 3 and p["reform"]["granted_fen"] == 60000000, p
' "$tmp/c/compare.json"
ok "the same inputs give the same bytes" sh -c "'$DX' compare '$R' '$R' '$A' --approval-date 2022-06-30 --set r=1% --out '$tmp/c2' 2>/dev/null >/dev/null && cmp '$tmp/c/compare.html' '$tmp/c2/compare.html' && cmp '$tmp/c/compare.csv' '$tmp/c2/compare.csv'"
ok "with a ledger: dry runs, nothing committed" sh -c "
    '$DX' run '$R' '$A' --approval-date 2022-03-31 --ledger '$tmp/l.db' --out '$tmp/r0' >/dev/null &&
    cp '$tmp/l.db' '$tmp/l0.db' &&
    '$DX' compare '$R' '$R' '$A' --approval-date 2022-06-30 --set r=1% --ledger '$tmp/l.db' --out '$tmp/c3' >/dev/null 2>&1 &&
    cmp '$tmp/l.db' '$tmp/l0.db'"
ok "… every application the ledger already paid is a duplicate under both: no change" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["envelopes"]["finance"]
assert f["base"]["granted_fen"] == 0 and f["reform"]["granted_fen"] == 0, f
' "$tmp/c3/compare.json"
ok "a bad --set: usage" exit_code 1 "$DX" compare "$R" "$R" "$A" --approval-date 2022-06-30 --set nope=1 --out "$tmp/c4"
ok "without --out: usage" exit_code 1 "$DX" compare "$R" "$R" "$A" --approval-date 2022-06-30

# 70 envelopes (one bureau each, 1万元 apiece, every one asked 2万元): no
# limit on how many envelopes a comparison holds; each keeps its own demand.
python3 - "$tmp/many" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
keys = ["b%02d" % i for i in range(70)]
with open(os.path.join(d, "rules.yaml"), "w", encoding="utf-8") as f:
    f.write("format: duixian/2\nfund: {id: T/MANY, name: 测试, total: 70万元, period: {from: 2022-01-01, to: 2022-12-31},\n")
    f.write("       envelopes: {%s}, shortfall: pro_rata}\n" % ", ".join("%s: 1万元" % k for k in keys))
    f.write("bureaus: {%s}\n" % ", ".join("%s: 局%s" % (k, k) for k in keys))
    f.write("fields:\n  capital: {type: money, label: 实缴资本, min: 0元}\n")
    f.write("params:\n  r: {type: number, label: 比例, values: {2022-01-01: 2%}}\npolicies:\n")
    for k in keys:
        f.write("  - {id: P%s, name: 奖励%s, bureau: %s, basis: 测试, award: {rate: r, of: capital}}\n" % (k, k, k))
with open(os.path.join(d, "apps.csv"), "w", encoding="utf-8") as f:
    f.write("app_id,enterprise_id,policy,submitted_on,capital\n")
    for i, k in enumerate(keys):
        f.write("A%d,E%d,P%s,2022-03-01,100万元\n" % (i, i, k))
PY
ok "70 envelopes: compare writes them all" exit_code 0 "$DX" compare "$tmp/many/rules.yaml" "$tmp/many/rules.yaml" "$tmp/many/apps.csv" --approval-date 2022-06-30 --set r=1% --out "$tmp/cm"
ok "… each envelope its own demand and grant on either side" python3 -c '
import json, sys
env = json.load(open(sys.argv[1]))["envelopes"]
assert len(env) == 70, len(env)
for k, v in env.items():
    assert v == {"base": {"demand_fen": 2000000, "granted_fen": 1000000},
                 "reform": {"demand_fen": 1000000, "granted_fen": 1000000}}, (k, v)
' "$tmp/cm/compare.json"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -n "$CHROMIUM" ]; then
    ok "compare.html loads in headless Chromium" sh -c "timeout 120 '$CHROMIUM' --headless --no-sandbox --disable-gpu \
        --no-first-run --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir='$tmp/profile' --dump-dom 'file://$tmp/c/compare.html' >'$tmp/c.dom' 2>'$tmp/c.log'"
    ok "… the rationing factors, a bar pair per policy, the enterprises that changed" python3 -c '
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
assert "90.91%" in dom and "100.00%" in dom, "factors"
assert len(re.findall(r"<rect class=\"base\"", dom)) == 2 and len(re.findall(r"<rect class=\"reform\"", dom)) == 2
assert dom.count("<tr class=\"down\">") == 3 and "3 家企业金额有变化" in dom
' "$tmp/c.dom"
fi

echo "1..$n"
[ "$failed" -eq 0 ]

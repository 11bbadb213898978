#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian fit (docs/cli.md): a parameter fitted to an envelope, worked by
# hand on tests/data/fit (A1, A2, A3 with 1000万, 2000万, 3000万元 of capital;
# award r × capital, cap c, threshold m), then confirmed by a plain run
# with the value (--set): the demand is within the envelope, and one step
# more is not. Also the decreasing case, a step, JSON, a demand that is not
# monotone, and the errors.
# usage: test-cli-fit.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
R=$SRC/tests/data/fit/rules.yaml A=$SRC/tests/data/fit/apps.csv
. "$SRC/tests/cli/tap.sh"
requested() {   # requested SETTING FEN: the finance envelope's demand in a what-if run is FEN
    "$DX" run "$R" "$A" --approval-date 2022-06-30 --out "$tmp/run" --set "$1" >/dev/null 2>&1 &&
        got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["envelopes"]["finance"]["requested"])' \
            "$tmp/run/summary.json") &&
        { [ "$got" = "$2" ] || { echo "requested $got, wanted $2" >&2; false; }; }
}

# r: demand = r × 6000万元 while no cap bites; 100万 / 6000万 = 1.666…%:
# 1.66% → 99.6万元 (9,960万 fen); 1.67% → 16.7 + 33.4 + 50 (capped) = 100.1万元
ok "fit r to the finance envelope" exit_code 0 "$DX" fit "$R" "$A" --param r --envelope finance --approval-date 2022-06-30
ok "… 1.66% at 0.01%, demand 99.6万元, headroom 4,000元" has "$tmp/ec.out" "r = 1.66% (step 0.01%)" "demand    99.6万元" "headroom  4,000元"
ok "… the values around it" has "$tmp/ec.out" "1.65%" "1.67%          100.1万元      over" "← fitted" "monotone in r"
ok "a plain run with r=1.66% asks 99,600,000 fen ≤ 100万元" requested r=1.66% 99600000
ok "… and with r=1.67%, 100,100,000 fen: over" requested r=1.67% 100100000

# c: awards 20, 40, 60万元 capped at c: 20 + 40 + c = 100 at c = 40万元 exactly
ok "fit c, JSON" exit_code 0 "$DX" fit "$R" "$A" --param c --envelope finance --approval-date 2022-06-30 --format json
ok "… {budget_fen, demand_fen, headroom_fen, param, step, value} as rules literals" sh -c "grep -qx '{\"budget_fen\": 100000000, \"demand_fen\": 100000000, \"headroom_fen\": 0, \"param\": \"c\", \"step\": \"0.01元\", \"value\": \"40万元\"}' '$tmp/ec.out'"
ok "a run with c=40万元 asks exactly the envelope" requested c=40万元 100000000
ok "… one fen more is over" requested c=400000.01元 100000001

# m: the demand falls as the threshold rises: 110万 (m ≤ 1000万), 90万
# above: the smallest m within 100万元 is 1000万元 + 1 fen; at 1万元 steps 1001万元
ok "fit m (the demand falls as m rises)" exit_code 0 "$DX" fit "$R" "$A" --param m --envelope finance --approval-date 2022-06-30 --format json
ok "… 10000000.01元, demand 90万元" sh -c "grep -q '\"demand_fen\": 90000000, .*\"value\": \"10000000.01元\"' '$tmp/ec.out'"
ok "… with --step 1万元: 1001万元" sh -c "'$DX' fit '$R' '$A' --param m --envelope finance --approval-date 2022-06-30 --step 1万元 --format json | grep -q '\"step\": \"1万元\", \"value\": \"1001万元\"'"
ok "… and m=1000万元 is over" requested m=1000万元 110000000

# --budget: the whole fund; b pays itself below 100万元, 0 from there
ok "fit r to a budget of 50万元 for the fund" exit_code 0 "$DX" fit "$R" "$A" --param r --budget 50万元 --approval-date 2022-06-30 --format json
ok "… 0.83% (6000万 × 0.83% = 49.8万元)" sh -c "grep -q '\"demand_fen\": 49800000, .*\"value\": \"0.83%\"' '$tmp/ec.out'"
ok "a demand that never exceeds and is not monotone: exit 7" exit_code 7 "$DX" fit "$R" "$A" --param b --envelope commerce --approval-date 2022-06-30
ok "… says so" has "$tmp/ec.err" "the demand stays within the budget" "not monotone"

# errors
ok "no such parameter: exit 1" exit_code 1 "$DX" fit "$R" "$A" --param nope --envelope finance
ok "… named" has "$tmp/ec.err" "has no parameter “nope”"
ok "no such envelope: exit 1" exit_code 1 "$DX" fit "$R" "$A" --param r --envelope nope
ok "both --envelope and --budget: usage" exit_code 1 "$DX" fit "$R" "$A" --param r --envelope finance --budget 1万元
ok "a step of another type: exit 1" exit_code 1 "$DX" fit "$R" "$A" --param r --envelope finance --step 1万元
ok "a format-1 file has no parameters: exit 1" exit_code 1 "$DX" fit "$SRC/rules/wuchang-2022.yaml" "$SRC/examples/applications-2022.csv" --param x --envelope finance

echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian test (docs/cli.md): the shipped rule tests pass with full
# coverage; a deliberately wrong copy of the rules makes them fail, naming
# each case's file:line with expected and actual values; --junit writes
# well-formed JUnit XML; --coverage fails on what no case reached; a bad
# tests file is one located error.
# usage: test-cli-rule-tests.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
R23=$SRC/rules/wuchang-2023.yaml T23=$SRC/rules/wuchang-2023.tests.yaml
. "$SRC/tests/cli/tap.sh"

ok "rules/wuchang-2023.tests.yaml passes with full coverage" exit_code 0 "$DX" test "$R23" "$T23" --coverage
ok "… 16 passed, 0 failed, nothing left" has "$tmp/ec.out" "16 passed, 0 failed" "coverage: 0 items not reached"
for r in 2022; do
    [ -f "$SRC/rules/wuchang-$r.tests.yaml" ] &&
        ok "rules/wuchang-$r.tests.yaml passes with full coverage" exit_code 0 "$DX" test "$SRC/rules/wuchang-$r.yaml" "$SRC/rules/wuchang-$r.tests.yaml" --coverage
done

# a wrong rule: the cap 900万 instead of 1000万, the IPO advance 90万 instead of 100万
sed 's/values: {2021-06-16: 1000万元}/values: {2021-06-16: 900万元}/; s/award: {fixed: 100万元}/award: {fixed: 90万元}/' "$R23" > "$tmp/wrong.yaml"
ok "a wrong copy of the rules fails: exit 1" exit_code 1 "$DX" test "$tmp/wrong.yaml" "$T23" --junit "$tmp/j.xml"
ok "… each failing case on one line with its file:line, expected and got" has "$tmp/ec.out" \
    "wuchang-2023.tests.yaml:18: FIN-HQ 10亿元，按上限 1000万元: granted: expected 1,000万元, got 900万元" \
    "IPO-ADV 辅导备案 100万元: computed: expected 100万元, got 90万元; granted: expected 100万元, got 90万元" \
    "14 passed, 2 failed"
ok "… the JUnit XML parses and counts 2 failures of 16" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("tests") == "16" and root.get("failures") == "2", root.attrib
cases = root.findall("testsuite/testcase")
assert len(cases) == 16 and sum(1 for c in cases if c.find("failure") is not None) == 2
' "$tmp/j.xml"

# coverage: only the first case of the file
python3 - "$T23" "$tmp/one.yaml" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
first = text.index("- name:")
second = text.index("- name:", first + 1)
open(sys.argv[2], "w", encoding="utf-8").write(text[first:second])
PY
ok "one case passes" exit_code 0 "$DX" test "$R23" "$tmp/one.yaml"
ok "… but --coverage fails" exit_code 1 "$DX" test "$R23" "$tmp/one.yaml" --coverage
ok "… and lists what no case reached" has "$tmp/ec.out" "FIN-HQ: no case reaches its cap" \
    "FIN-HQ: clause “非失信主体” is never false" "IPO-ADV: no case decides this policy"

# a case with a mistake of its own
printf -- '- name: 未知字段\n  application: {policy: IPO-ADV, nope: 1}\n  expect: {status: approved}\n' > "$tmp/bad-field.yaml"
ok "a case naming a field the rules do not have fails" exit_code 1 "$DX" test "$R23" "$tmp/bad-field.yaml"
ok "… naming it" has "$tmp/ec.out" "bad-field.yaml:1: 未知字段: application.nope:"
printf -- '- name: x\n  application: {policy: IPO-ADV}\n  expect: {statsu: approved}\n' > "$tmp/bad-key.yaml"
ok "an unknown expect key: exit 3" exit_code 3 "$DX" test "$R23" "$tmp/bad-key.yaml"
ok "… file:line:col and the keys it takes" has "$tmp/ec.err" "bad-key.yaml:3:12: expect: unknown key “statsu”"
printf -- 'name: x\n' > "$tmp/not-list.yaml"
ok "a tests file that is not a list: exit 3" exit_code 3 "$DX" test "$R23" "$tmp/not-list.yaml"
ok "without a tests file: usage" exit_code 1 "$DX" test "$R23"

echo "1..$n"
[ "$failed" -eq 0 ]

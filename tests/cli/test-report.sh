#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# report.html in a real browser: headless Chromium loads the page with no
# console errors, and the numbers the charts draw (data-fen attributes)
# match summary.json. Skips when chromium is not installed (CI installs it:
# apt-get install -y chromium).
# usage: test-report.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "1..0 # SKIP chromium is not installed"
    exit 0
fi
. "$SRC/tests/cli/tap.sh"


dump() {   # dump HTML DOM_OUT LOG
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
        --dump-dom "file://$1" >"$2" 2>"$3"
}

check_dom() {   # check_dom DOM SUMMARY_JSON LEDGER_ROUNDS
    python3 - "$@" <<'PY'
import json, sys
from html.parser import HTMLParser

dom, summary = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.els = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        ctx = {k: v for d in self.stack for k, v in d.items()}
        self.els.append((tag, a, ctx))
        if tag not in ("rect", "meta", "br"):
            self.stack.append({k: v for k, v in a.items() if k in ("id", "data-key", "data-policy")})
    def handle_endtag(self, tag):
        if self.stack and tag not in ("rect", "meta", "br"):
            self.stack.pop()

p = P(); p.feed(dom)
errors = []
def expect(what, got, want):
    if str(got) != str(want):
        errors.append(f"{what}: page has {got}, summary.json has {want}")

byid = {a["id"]: a for _, a, _ in p.els if "id" in a}
expect("kpi-granted", byid["kpi-granted"].get("data-fen"), summary["granted_fen"])
expect("kpi-total", byid["kpi-total"].get("data-fen"), sum(e["total"] for e in summary["envelopes"].values()))
expect("kpi-remaining", byid["kpi-remaining"].get("data-fen"), sum(e["remaining"] for e in summary["envelopes"].values()))
for key, env in summary["envelopes"].items():
    rects = {a.get("class"): a for tag, a, ctx in p.els if tag == "rect" and ctx.get("data-key") == key}
    for cls, field in (("before", "charged_before"), ("granted", "granted"), ("remaining", "remaining")):
        expect(f"envelope {key} {cls}", rects.get(cls, {}).get("data-fen"), env[field])
months = [int(a["data-fen"]) for tag, a, ctx in p.els if tag == "rect" and a.get("class") == "month"]
expect("Σ months (incl. after the period)", sum(months), summary["granted_fen"])
for pid, pol in summary["policies"].items():
    tds = [(a, ctx) for tag, a, ctx in p.els if tag == "td" and ctx.get("data-policy") == pid]
    cells = {a.get("class", "").split()[-1]: a for a, _ in tds if a.get("class")}
    expect(f"policy {pid} granted", cells.get("granted", {}).get("data-fen"), pol["granted_fen"])
bars = [int(a["data-fen"]) for tag, a, ctx in p.els if tag == "rect" and ctx.get("id") == "chart-policies"]
expect("Σ policy bars", sum(bars), summary["granted_fen"])
if "<script" in dom.lower() or "http://" in dom or "https://" in dom:
    errors.append("the page is not self-contained (script or link)")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

check_text() {   # policy counts are in the table text: applied and approved
    python3 - "$1" "$2" <<'PY'
import json, re, sys
dom, summary = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))
bad = 0
for pid, pol in summary["policies"].items():
    m = re.search(r'<tr data-policy="%s">.*?class="n applied">(\d+)<.*?class="n approved">(\d+)<' % re.escape(pid), dom, re.S)
    if not m or (int(m.group(1)), int(m.group(2))) != (pol["applied"], pol["approved"]):
        print(pid, m and m.groups(), pol); bad = 1
sys.exit(bad)
PY
}

no_console_errors() {
    ! grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND|net::ERR' "$1"
}

# --- one round with a ledger; the report from run --report and from report DIR
L=$tmp/ledger.db
ok "run --report writes report.html" "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --ledger "$L" --out "$tmp/r1" --report
ok "… it exists" test -s "$tmp/r1/report.html"
ok "chromium loads it" dump "$tmp/r1/report.html" "$tmp/r1.dom" "$tmp/r1.log"
ok "… with no console errors" no_console_errors "$tmp/r1.log"
ok "… and the charts' numbers match summary.json" check_dom "$tmp/r1.dom" "$tmp/r1/summary.json"
ok "… and so do the policy table's counts" check_text "$tmp/r1.dom" "$tmp/r1/summary.json"

# a second round sees what the first charged: the report shows charged_before
ok "a second round (dry run) against the ledger" "$DX" run "$RULES" "$APPS" --approval-date 2022-07-31 --ledger "$L" --dry-run --out "$tmp/r2"
ok "report DIR --out FILE" "$DX" report "$RULES" "$tmp/r2" --out "$tmp/r2.html"
ok "chromium loads the second report" dump "$tmp/r2.html" "$tmp/r2.dom" "$tmp/r2.log"
ok "… with no console errors" no_console_errors "$tmp/r2.log"
ok "… and its numbers match its summary.json" check_dom "$tmp/r2.dom" "$tmp/r2/summary.json"

echo "1..$n"
[ "$failed" -eq 0 ]

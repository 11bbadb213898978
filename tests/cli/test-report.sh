#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# report.html in a real browser: headless Chromium loads the page with no
# console errors, and the numbers the charts draw (data-fen attributes)
# match summary.json; the shortfall, reasons and enterprise sections agree
# with summary.json and decisions.csv; and, measured in the page by a probe
# script added to a copy of it, CJK text has real glyph widths (1 em a
# character) with the machine's fonts and with only Noto CJK or only
# WenQuanYi visible to fontconfig, and no chart label (a long policy name)
# runs outside its chart. Skips when chromium is not installed (CI installs
# it: apt-get install -y chromium fonts-noto-cjk).
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

check_sections() {   # check_sections DOM SUMMARY_JSON DECISIONS_CSV
    python3 - "$@" <<'PY'
import csv, html, json, re, sys
from collections import Counter
from fractions import Fraction
dom, summary = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))
dec = list(csv.reader(open(sys.argv[3], encoding="utf-8")))[1:]
errors = []
# shortfall: requested against available (total - charged_before), the factor exactly
for key, env in summary["envelopes"].items():
    m = re.search(r'<tr data-key="%s">(.*?)</tr>' % re.escape(key), dom.split('id="table-shortfall"')[1], re.S)
    if not m:
        errors.append(f"shortfall: no row for {key}"); continue
    row = m.group(1)
    fen = dict(re.findall(r'class="n (\w+)[^"]*" data-fen="(-?\d+)"', row))
    avail = max(env["total"] - env["charged_before"], 0)
    want = {"total": env["total"], "before": env["charged_before"], "available": avail, "requested": env["requested"],
            "gap": max(env["requested"] - avail, 0), "granted": env["granted"]}
    for k, v in want.items():
        if int(fen.get(k, -1)) != v:
            errors.append(f"shortfall {key} {k}: page {fen.get(k)}, summary {v}")
    if env["requested"] == 0:   # nothing asked of it: no factor
        if f'data-num="0" data-den="0">—<' not in row:
            errors.append(f"shortfall {key}: no request, but the factor is not —")
        continue
    r = re.search(r'data-num="(\d+)" data-den="(\d+)">([\d.]+)%<', row)
    factor = Fraction(min(avail, env["requested"]), env["requested"])
    if not r or Fraction(int(r.group(1)), int(r.group(2))) != factor:
        errors.append(f"shortfall {key}: factor {r and r.groups()} is not {factor}")
    elif abs(Fraction(r.group(3)) - factor * 100) > Fraction(1, 200):
        errors.append(f"shortfall {key}: {r.group(3)}% is not {float(factor * 100):.4f}% rounded")
# reasons: every decision not paid in full, reduced ones included
want = Counter(c for d in dec if d[4] != "approved" for c in d[7].split(";") if c and not c.startswith("award_"))
got = {code: int(n) for code, n in re.findall(r'<td>(\w+)</td><td class="n">(\d+)</td></tr>', dom.split('id="table-reasons"')[1].split("</table>")[0])}
if got != dict(want):
    errors.append(f"reasons: page {got}, decisions.csv {dict(want)}")
for code in ("rationed", "capped"):
    if code in want and code not in got:
        errors.append(f"reasons: {code} missing")
# enterprises: every decision with an amount, exact fen, status in Chinese
rows = re.findall(r'<tr data-app="([^"]*)" data-policy-id="([^"]*)"><td>([^<]*)</td>.*?class="n computed" data-fen="(\d+)">'
                  r'[^<]*</td><td class="n granted" data-fen="(\d+)">([^<]*)</td><td class="status">([^<]*)<', dom)
want = sorted((d[1], d[2], d[0], d[5], d[6]) for d in dec if int(d[5]) > 0 or int(d[6]) > 0)
if sorted((r[2], r[1], html.unescape(r[0]), r[3], r[4]) for r in rows) != want:
    errors.append(f"enterprises: {len(rows)} rows, decisions.csv has {len(want)} with an amount")
bad = [r for r in rows if r[5] != f"{int(r[4]) // 100:,}.{int(r[4]) % 100:02d}"]
if bad:
    errors.append(f"enterprises: 元 text is not the fen: {bad[:2]}")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

measure() {   # measure HTML OUT_JSON [FONTCONFIG_FILE]: the probe's numbers, from Chromium
    sed 's|</body>|<script>\
const out = {clipped: [], texts: 0, empty: 0}, probe = document.createElement("span");\
probe.style.fontSize = "20px"; probe.style.whiteSpace = "nowrap"; document.body.appendChild(probe);\
probe.textContent = "兑现资金政策"; out.cjk = probe.getBoundingClientRect().width;\
probe.textContent = "iiiiii"; out.latin = probe.getBoundingClientRect().width;\
document.querySelectorAll("svg.chart").forEach(svg => { const vb = svg.viewBox.baseVal;\
  svg.querySelectorAll("text").forEach(t => { const b = t.getBBox(); out.texts++; if (b.width <= 0) out.empty++;\
    if (b.x < vb.x - 0.5 \|\| b.x + b.width > vb.x + vb.width + 0.5) out.clipped.push(svg.id + ": " + t.textContent); }); });\
document.querySelectorAll("td").forEach(td => { if (td.scrollWidth > td.clientWidth + 1) out.clipped.push("td: " + td.textContent); });\
document.body.setAttribute("data-measure", JSON.stringify(out));\
</script></body>|' "$1" >"$tmp/probe.html"
    if [ -n "${3:-}" ]; then
        FONTCONFIG_FILE=$3 XDG_CACHE_HOME=$tmp/cache dump "$tmp/probe.html" "$tmp/probe.dom" "$tmp/probe.log"
    else
        dump "$tmp/probe.html" "$tmp/probe.dom" "$tmp/probe.log"
    fi
    python3 - "$tmp/probe.dom" "$2" <<'PY'
import html, re, sys
m = re.search(r'data-measure="([^"]*)"', open(sys.argv[1], encoding="utf-8").read())
open(sys.argv[2], "w").write(html.unescape(m.group(1)) if m else "{}")
PY
}

glyphs_ok() {   # glyphs_ok MEASURE_JSON: six CJK characters at 20px are 6 em wide, "iiiiii" far less
    python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
cjk, latin = m.get("cjk", 0), m.get("latin", 0)
print(f"cjk {cjk:.1f}px (want 120), iiiiii {latin:.1f}px")
sys.exit(0 if 114 <= cjk <= 126 and latin < 0.5 * cjk else 1)
PY
}

not_clipped() {   # not_clipped MEASURE_JSON: every chart text measured (width > 0) and inside its chart
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); c=m.get("clipped", ["no measurement"]); print(c[:5], m.get("texts"), "texts,", m.get("empty"), "unmeasured"); sys.exit(1 if c or not m.get("texts") or m.get("empty") else 0)' "$1"
}

fonts_only() {   # fonts_only DIR CONF: a fontconfig file that sees only DIR
    printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>%s</dir><cachedir>%s</cachedir></fontconfig>\n' \
        "$1" "$tmp/fc-cache" >"$2"
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

ok "… and the shortfall, reasons and enterprise sections agree with summary.json and decisions.csv" \
    check_sections "$tmp/r1.dom" "$tmp/r1/summary.json" "$tmp/r1/decisions.csv"
ok "report.html is byte-identical when written again" sh -c "'$DX' report '$RULES' '$tmp/r1' --out '$tmp/again.html' && cmp '$tmp/again.html' '$tmp/r1/report.html'"
measure "$tmp/r1/report.html" "$tmp/m-default.json"
ok "CJK text has real glyph widths (the machine's fonts)" glyphs_ok "$tmp/m-default.json"
ok "… and no chart label or table cell is cut off" not_clipped "$tmp/m-default.json"
for f in "noto:/usr/share/fonts/opentype/noto" "wqy:/usr/share/fonts/truetype/wqy"; do
    name=${f%%:*} dir=${f#*:}
    if [ -n "$(find "$dir" -name '*.tt[cf]' 2>/dev/null | head -1)" ]; then
        fonts_only "$dir" "$tmp/fc-$name.conf"
        measure "$tmp/r1/report.html" "$tmp/m-$name.json" "$tmp/fc-$name.conf"
        ok "CJK text has real glyph widths with only $dir" glyphs_ok "$tmp/m-$name.json"
        ok "… and no chart label or table cell is cut off" not_clipped "$tmp/m-$name.json"
    else
        n=$((n + 2)); echo "ok $((n - 1)) - # SKIP no fonts in $dir"; echo "ok $n - # SKIP no fonts in $dir"
    fi
done

# a policy with a long name: its chart label is not cut at the chart's edge
LONG=武昌区支持金融机构在本区设立法人总部并实缴注册资本达到规定标准的一次性落户奖励（按实缴资本分档核定）
sed "s|name: 法人金融机构总部落户奖励|name: $LONG|" "$RULES" >"$tmp/long.yaml"
ok "a round whose policy has a $(printf %s "$LONG" | wc -m)-character name" "$DX" run "$tmp/long.yaml" "$APPS" --approval-date 2022-06-30 --out "$tmp/rl" --report
measure "$tmp/rl/report.html" "$tmp/m-long.json"
ok "… its label in the chart is not cut off" not_clipped "$tmp/m-long.json"
ok "… and the page shows the whole name" has "$tmp/rl/report.html" "$LONG</text>"

# a second round sees what the first charged: the report shows charged_before
ok "a second round (dry run) against the ledger" "$DX" run "$RULES" "$APPS" --approval-date 2022-07-31 --ledger "$L" --dry-run --out "$tmp/r2"
ok "report DIR --out FILE" "$DX" report "$RULES" "$tmp/r2" --out "$tmp/r2.html"
ok "chromium loads the second report" dump "$tmp/r2.html" "$tmp/r2.dom" "$tmp/r2.log"
ok "… with no console errors" no_console_errors "$tmp/r2.log"
ok "… and its numbers match its summary.json" check_dom "$tmp/r2.dom" "$tmp/r2/summary.json"
ok "… and so do its shortfall (every app_id paid already: no requests), reasons and enterprises" \
    check_sections "$tmp/r2.dom" "$tmp/r2/summary.json" "$tmp/r2/decisions.csv"

echo "1..$n"
[ "$failed" -eq 0 ]

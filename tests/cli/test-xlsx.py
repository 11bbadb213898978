#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Excel files and the public notice, read back: TAP.

run --xlsx and report --xlsx write decisions.xlsx and schedule.xlsx; every
cell is read back with openpyxl and compared with decisions.csv,
schedule.csv and summary.json: each amount to the fen (the double Excel
holds, rounded to two decimals), titles, sheets (汇总 and one per bureau),
dates that are dates, and the summary's sums. A hand-made round directory
carries amounts up to the money limit. publish writes notice.html and
notice.xlsx: names, amounts, bases and the notice period, and nothing of
the internals. Skips without python3-openpyxl.
usage: test-xlsx.py DUIXIAN SOURCE_ROOT
"""
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

try:
    import openpyxl
except ImportError:
    print("1..0 # SKIP python3-openpyxl is not installed")
    sys.exit(0)

dx, root = sys.argv[1], sys.argv[2]
RULES = os.path.join(root, "rules", "wuchang-2022.yaml")
APPS = os.path.join(root, "examples", "applications-2022.csv")
BUREAUS = {"commerce": "区商务局", "finance": "区金融局"}
STATUS_ZH = {"approved": "予以兑现", "reduced": "核减兑现", "rejected": "不予兑现", "incomplete": "材料不全，待补正",
             "invalid": "申报信息有误", "duplicate": "重复申报", "unfunded": "额度不足，排队", "error": "无法计算"}
STATUSES = ["approved", "reduced", "rejected", "incomplete", "invalid", "duplicate", "unfunded", "error"]
D_TITLES = ["申报编号", "统一社会信用代码", "政策", "政策名称", "归口部门", "状态", "测算金额（元）", "核定金额（元）",
            "核定日期", "理由", "理由代码"]
S_TITLES = ["拨付批次", "拨付日期", "归口部门", "统一社会信用代码", "申报编号", "政策", "期次", "共几期", "金额（元）", "资金期后"]
SUM_TITLES = ["归口部门", "申报", "予以兑现", "核减兑现", "不予兑现", "材料不全", "申报信息有误", "重复申报",
              "额度不足排队", "无法计算", "核定金额（元）", "额度", "额度总额（元）", "剩余额度（元）"]

tests = []


def check(ok, what, detail=""):
    tests.append((bool(ok), what + (f": {detail}" if detail and not ok else "")))


def run(*args):
    return subprocess.run([dx, *args], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C.UTF-8"))


def fen_of(v):
    """The fen an amount cell holds: the double rounded to two decimals."""
    if not isinstance(v, (int, float)):
        return None
    return int((Decimal(repr(v)) * 100).quantize(Decimal(1)))


def exact(v, fen):
    # the cell holds the double nearest fen/100 (one correctly rounded
    # division), and that reads back to the fen
    return isinstance(v, (int, float)) and v == fen / 100 and fen_of(v) == fen


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def rows(ws):
    # an empty text cell is a blank cell in the file: None, read as ""
    return [["" if c is None else c for c in r] for r in ws.iter_rows(values_only=True)]


def check_round(d, label):
    summary = json.load(open(os.path.join(d, "summary.json")))
    day = datetime.datetime.strptime(summary["approval_date"], "%Y-%m-%d")
    dec = read_csv(os.path.join(d, "decisions.csv"))
    sch = read_csv(os.path.join(d, "schedule.csv"))
    wb = openpyxl.load_workbook(os.path.join(d, "decisions.xlsx"))
    other = any(r[3] not in BUREAUS for r in dec)
    want_sheets = ["汇总", *BUREAUS.values()] + (["未归口"] if other else [])
    check(wb.sheetnames == want_sheets, f"{label}: decisions.xlsx has 汇总 and a sheet per bureau", wb.sheetnames)
    bad, n_amounts, fmt_bad = [], 0, 0
    for key, name in list(BUREAUS.items()) + [(None, "未归口")]:
        if name not in wb.sheetnames:
            continue
        got = rows(wb[name])
        check(got[0] == D_TITLES, f"{label}: {name}: the column titles", got[0])
        want = [r for r in dec if (r[3] == key if key else r[3] not in BUREAUS)]
        if len(got) - 1 != len(want):
            bad.append(f"{name}: {len(got) - 1} rows, decisions.csv has {len(want)}")
            continue
        for cells, r, xl in zip(got[1:], want, list(wb[name].iter_rows(min_row=2))):
            if cells[:3] != r[:3] or cells[4] != BUREAUS.get(r[3], r[3]) or cells[5] != STATUS_ZH[r[4]] \
                    or cells[10] != r[7]:
                bad.append(f"{name}: {cells[:6]} vs {r}")
            for col, fen in ((6, int(r[5])), (7, int(r[6]))):
                n_amounts += 1
                if not exact(cells[col], fen):
                    bad.append(f"{r[0]} {r[2]} column {col + 1}: {cells[col]!r} is not {fen} fen")
                fmt_bad += xl[col].number_format != "#,##0.00"
            if cells[8] != day or not xl[8].is_date:
                bad.append(f"{r[0]}: 核定日期 {cells[8]!r}")
    check(not bad, f"{label}: every decision's row and both amounts to the fen ({n_amounts} amounts)", bad[:5])
    check(fmt_bad == 0 and n_amounts > 0, f"{label}: amounts are numbers formatted #,##0.00", fmt_bad)

    s = rows(wb["汇总"])
    check(s[0] == SUM_TITLES, f"{label}: 汇总 titles", s[0])
    bad = []
    env_total = env_left = 0
    for i, (key, name) in enumerate(BUREAUS.items(), 1):
        mine = [r for r in dec if r[3] == key]
        want = [name, len(mine)] + [sum(r[4] == st for r in mine) for st in STATUSES]
        env = summary["envelopes"][key]
        if s[i][:10] != want:
            bad.append(f"{name}: counts {s[i][:10]} vs {want}")
        granted = sum(int(r[6]) for r in mine)
        for col, fen in ((10, granted), (12, env["total"]), (13, env["remaining"])):
            if not exact(s[i][col], fen):
                bad.append(f"{name} column {col + 1}: {s[i][col]!r} vs {fen} fen")
        env_total += env["total"]
        env_left += env["remaining"]
    total = s[len(BUREAUS) + 1 + other]
    if total[0] != "合计" or total[1] != len(dec) or not exact(total[10], summary["granted_fen"]) \
            or not exact(total[12], env_total) or not exact(total[13], env_left):
        bad.append(f"合计 {total}")
    for i, st in enumerate(STATUSES):
        if total[2 + i] != summary["status_counts"][st]:
            bad.append(f"合计 {st}: {total[2 + i]} vs {summary['status_counts'][st]}")
    check(not bad, f"{label}: 汇总 counts, granted, envelope totals and remaining match summary.json", bad[:5])
    date_cell = [r for r in s if r[0] == "核定日期"]
    check(date_cell and date_cell[0][1] == day, f"{label}: 汇总 has the approval date as a date")

    wb = openpyxl.load_workbook(os.path.join(d, "schedule.xlsx"))
    check(wb.sheetnames == ["汇总", *BUREAUS.values()], f"{label}: schedule.xlsx sheets", wb.sheetnames)
    bad, n_amounts = [], 0
    for key, name in BUREAUS.items():
        got = rows(wb[name])
        check(got[0] == S_TITLES, f"{label}: schedule {name}: titles", got[0])
        want = [r for r in sch if r[2] == key]
        if len(got) - 1 != len(want):
            bad.append(f"{name}: {len(got) - 1} rows vs {len(want)}")
            continue
        for cells, r, xl in zip(got[1:], want, list(wb[name].iter_rows(min_row=2))):
            n_amounts += 1
            if not exact(cells[8], int(r[8])):
                bad.append(f"{r[4]} {r[6]}/{r[7]}: {cells[8]!r} vs {r[8]} fen")
            if cells[1] != datetime.datetime.strptime(r[1], "%Y-%m-%d") or not xl[1].is_date:
                bad.append(f"{r[4]}: date {cells[1]!r} vs {r[1]}")
            if [cells[0], cells[3], cells[4], cells[5], cells[6], cells[7], cells[9]] != \
                    [r[0], r[3], r[4], r[5], int(r[6]), int(r[7]), "是" if r[9] == "true" else "否"]:
                bad.append(f"{cells} vs {r}")
    check(not bad, f"{label}: every schedule line, its date and amount to the fen ({n_amounts} lines)", bad[:5])
    s = rows(wb["汇总"])
    bad = []
    for i, (key, name) in enumerate(BUREAUS.items(), 1):
        mine = [r for r in sch if r[2] == key]
        inp = sum(int(r[8]) for r in mine if r[9] != "true")
        aft = sum(int(r[8]) for r in mine if r[9] == "true")
        if s[i][:2] != [name, len(mine)] or not exact(s[i][2], inp) or not exact(s[i][3], aft) \
                or not exact(s[i][4], inp + aft):
            bad.append(f"{s[i]} vs {name} {len(mine)} {inp} {aft}")
    t = s[len(BUREAUS) + 1]
    if t[0] != "合计" or t[1] != len(sch) or not exact(t[4], sum(int(r[8]) for r in sch)):
        bad.append(f"合计 {t}")
    check(not bad, f"{label}: schedule 汇总 sums per bureau and in all", bad[:5])


tmp = tempfile.mkdtemp()
try:
    ledger = os.path.join(tmp, "ledger.db")
    r1, r2 = os.path.join(tmp, "r1"), os.path.join(tmp, "r2")
    p = run("run", RULES, APPS, "--approval-date", "2022-06-30", "--ledger", ledger, "--out", r1, "--xlsx")
    check(p.returncode == 0 and "excel:" in p.stdout, "run --xlsx", p.stderr)
    check_round(r1, "round 1")
    # a second round sees the first: charged_before, nothing left, everything unfunded or rejected
    p = run("run", RULES, APPS, "--approval-date", "2022-07-31", "--ledger", ledger, "--dry-run", "--out", r2)
    p2 = run("report", RULES, r2, "--xlsx", "--out", os.path.join(tmp, "r2.html"))
    check(p.returncode == 0 and p2.returncode == 0, "report DIR --xlsx", p.stderr + p2.stderr)
    check_round(r2, "round 2 (from report DIR)")
    # the same round from the ledger alone gives the same bytes
    ex = os.path.join(tmp, "export")
    p = run("report", RULES, "--ledger", ledger, "--round", "1", "--out-dir", ex, "--xlsx")
    same = p.returncode == 0 and all(open(os.path.join(ex, f), "rb").read() == open(os.path.join(r1, f), "rb").read()
                                     for f in ("decisions.xlsx", "schedule.xlsx"))
    check(same, "report --ledger --out-dir --xlsx: byte-identical to run --xlsx", p.stderr)
    p = run("report", RULES, "--ledger", ledger, "--xlsx")
    check(p.returncode == 1, "report --ledger --xlsx without --out-dir is a usage error", p.returncode)

    # amounts up to the money limit (10^13 元) and below 2^51 fen, in a hand-made round
    big = os.path.join(tmp, "big")
    os.makedirs(big)
    amounts = [1, 5, 10, 99, 101, 12345678901, 999_999_999_999_999, 10**15, 2**51 - 1, 2**50 + 3,
               703_710_666_666_667, 123_456_789_012_345]
    with open(os.path.join(r1, "summary.json")) as f:
        s = f.read()
    shutil.copy(os.path.join(r1, "summary.json"), big)
    with open(os.path.join(big, "decisions.csv"), "w") as f:
        f.write("app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n")
        for i, a in enumerate(amounts):
            f.write(f"B-{i:03d},E{i},FIN-HQ,finance,reduced,{a},{a - 1},award_rate;capped\n")
    with open(os.path.join(big, "schedule.csv"), "w") as f:
        f.write("batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future\n")
        for i, a in enumerate(amounts):
            f.write(f"20220630-finance,2022-06-30,finance,E{i},B-{i:03d},FIN-HQ,1,1,{a - 1},false\n")
    p = run("report", RULES, big, "--xlsx")
    wb = openpyxl.load_workbook(os.path.join(big, "decisions.xlsx"))
    got = rows(wb["区金融局"])[1:]
    bad = [(a, g[6], g[7]) for a, g in zip(amounts, got) if not (exact(g[6], a) and exact(g[7], a - 1))]
    check(p.returncode == 0 and len(got) == len(amounts) and not bad,
          "amounts up to 10^15 fen and 2^51 - 1 fen read back to the fen", bad or p.stderr)

    # --- publish: the public notice
    p = run("publish", RULES, APPS, r1, "--from", "2022-07-01", "--notice-days", "7", "--out", os.path.join(tmp, "n"))
    check(p.returncode == 0, "publish writes the notice", p.stderr)
    html = open(os.path.join(tmp, "n", "notice.html"), encoding="utf-8").read()
    names = {}
    with open(APPS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names.setdefault(row["app_id"], row["企业名称"])
    dec = read_csv(os.path.join(r1, "decisions.csv"))
    granted = [r for r in dec if int(r[6]) > 0]
    check("公示期：2022-07-01 至 2022-07-07（共 7 日）" in html, "notice: the period, calendar days, both ends counted")

    def yuan(fen):
        return f"{fen // 100:,}.{fen % 100:02d}"

    bad = []
    sections = dict(re.findall(r'<section class="policy" data-policy="([^"]+)">(.*?)</section>', html, re.S))
    for r in granted:
        sec = sections.get(r[2], "")
        cell = f'<td class="name">{names[r[0]]}</td><td class="n amount">{yuan(int(r[6]))}</td>'
        if cell not in sec:
            bad.append(f"{r[0]} {r[2]} {names[r[0]]} {yuan(int(r[6]))}")
    check(granted and not bad, f"notice: each of the {len(granted)} grants under its policy, by name, 元 to the fen",
          bad[:3])
    n_rows = len(re.findall(r'<tr class="grant">', html))
    check(n_rows == len(granted), "notice: nothing but the grants", f"{n_rows} rows, {len(granted)} grants")
    bases = re.findall(r'<p class="basis">政策依据：([^　]*)　', html)
    check("武政规〔2021〕8号 第三条" in bases and len(bases) == len(sections), "notice: each policy's basis", bases[:3])
    total = sum(int(r[6]) for r in granted)
    check(f"拟兑现金额合计 {yuan(total)} 元" in html, "notice: the grand total", yuan(total))
    leaks = [w for w in ("WC2022-", "_fen", "rationed", "capped", "reduced", "核减", "<script", "http://", "https://")
             if w in html]
    check(not leaks, "notice: no app_id, fen, status, reason or link", leaks)
    check("Noto Serif CJK SC" in html and "WenQuanYi Zen Hei" in html and "@media print" in html,
          "notice: a CJK font stack and print rules")

    wb = openpyxl.load_workbook(os.path.join(tmp, "n", "notice.xlsx"))
    check(wb.sheetnames == ["公示名单", "公示说明"], "notice.xlsx sheets", wb.sheetnames)
    got = rows(wb["公示名单"])
    check(got[0] == ["序号", "政策", "政策依据", "归口部门", "企业名称", "兑现金额（元）"], "notice.xlsx titles", got[0])
    pol_names = {}
    for m in re.finditer(r'data-policy="([^"]+)">\n<h2>([^<]+)</h2>', html):
        pol_names[m.group(1)] = m.group(2)
    order = list(pol_names)
    want = sorted(granted, key=lambda r: order.index(r[2]))
    body = got[1:-1]
    bad = [(g, w) for g, w in zip(body, want)
           if g[1] != pol_names[w[2]] or g[4] != names[w[0]] or not exact(g[5], int(w[6]))]
    check(len(body) == len(want) and not bad, "notice.xlsx: every grant, its name and amount to the fen", bad[:3])
    check(got[-1][4] == "合计" and exact(got[-1][5], total), "notice.xlsx: the total", got[-1])
    about = {r[0]: r[1] for r in rows(wb["公示说明"])}
    check(about.get("公示开始") == datetime.datetime(2022, 7, 1) and about.get("公示结束") == datetime.datetime(2022, 7, 7)
          and about.get("公示天数") == 7, "notice.xlsx: the period as dates", about)

    p = run("publish", RULES, APPS, r1, "--from", "2022-12-28", "--notice-days", "10", "--out", os.path.join(tmp, "n2"))
    h2 = open(os.path.join(tmp, "n2", "notice.html"), encoding="utf-8").read() if p.returncode == 0 else ""
    check("公示期：2022-12-28 至 2023-01-06（共 10 日）" in h2, "notice: a period across the year's end")
    p = run("publish", RULES, APPS, r1, "--from", "2022-07-01")
    check(p.returncode == 0 and os.path.exists(os.path.join(r1, "notice.html"))
          and "至 2022-07-07（共 7 日）" in open(os.path.join(r1, "notice.html"), encoding="utf-8").read(),
          "publish: --notice-days defaults to 7, --out to ROUND_DIR", p.stderr)

    # bad input: one line, the right exit code
    for args, code, what in (
        ([r1], 1, "no --from"),
        ([r1, "--from", "2022-02-30"], 1, "--from not a date"),
        ([r1, "--from", "2022-07-01", "--notice-days", "0"], 1, "--notice-days 0"),
        ([os.path.join(tmp, "nowhere"), "--from", "2022-07-01"], 3, "no round directory"),
    ):
        p = run("publish", RULES, APPS, *args)
        check(p.returncode == code and p.stderr.startswith("duixian: "), f"publish, {what}: exit {code}",
              f"{p.returncode} {p.stderr[:200]}")
    # the applications file as Excel in China saves it: GB18030, the same notice
    gb = os.path.join(tmp, "apps-gb18030.csv")
    with open(APPS, encoding="utf-8") as f, open(gb, "w", encoding="gb18030") as g:
        g.write(f.read())
    p = run("publish", RULES, gb, r1, "--from", "2022-07-01", "--notice-days", "7", "--out", os.path.join(tmp, "n3"))
    same = p.returncode == 0 and all(
        open(os.path.join(tmp, "n3", f), "rb").read() == open(os.path.join(tmp, "n", f), "rb").read()
        for f in ("notice.html", "notice.xlsx"))
    check(same, "publish: a GB18030 applications file gives the same notice, byte for byte", p.stderr)
    noname = os.path.join(tmp, "noname.csv")
    with open(APPS, encoding="utf-8") as f, open(noname, "w", encoding="utf-8") as g:
        g.write(f.read().replace("企业名称", "名称", 1))
    p = run("publish", RULES, noname, r1, "--from", "2022-07-01")
    check(p.returncode == 3 and noname in p.stderr and "企业名称" in p.stderr and p.stderr.count("\n") == 1,
          "publish: an applications file without names: exit 3, one line naming file and column", p.stderr)
finally:
    shutil.rmtree(tmp)

print(f"1..{len(tests)}")
for i, (ok, what) in enumerate(tests, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {what}")
sys.exit(0 if all(ok for ok, _ in tests) else 1)

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The program's messages through gettext (po/): TAP.

- po/zh_CN.po translates every message the sources mark with _() or N_()
  (xgettext over po/POTFILES, then msgcmp), and msgfmt -c accepts it;
- under LANG=zh_CN.UTF-8, `duixian --help`, a command's --help (summary,
  options, the examples header) and a usage error are Chinese; under C they
  are English;
- what the program decides and prints as results is the same bytes in both
  locales: decisions.csv, the round's files, explain's sentences, check
  --format json.
The zh_CN.UTF-8 locale is compiled into a temporary LOCPATH with localedef
(Debian's `locales` package holds its source), so the test needs no root.
usage: test-i18n.py DUIXIAN SOURCE_ROOT BUILD_PO_DIR
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

dx, root, podir = (os.path.abspath(a) for a in sys.argv[1:4])
tests = []


def check(ok, what):
    tests.append((bool(ok), what))


def cjk(s):
    return re.search(r"[\u4e00-\u9fff]", s) is not None


tmp = tempfile.mkdtemp(prefix="dx-i18n-")
try:
    # 1. the catalog covers the sources
    pot = os.path.join(tmp, "duixian.pot")
    with open(os.path.join(root, "po", "POTFILES")) as f:
        sources = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    r = subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                        "-o", pot] + sources, cwd=root, capture_output=True, text=True)
    check(r.returncode == 0, "xgettext reads po/POTFILES" + (f": {r.stderr.strip()}" if r.returncode else ""))
    listed = set(sources)
    marked = set()
    for dirpath, _, files in os.walk(os.path.join(root, "examples")):
        for fn in files:
            p = os.path.relpath(os.path.join(dirpath, fn), root)
            if fn.endswith(".c") and re.search(r"\b_?N?_\(\"", open(os.path.join(root, p), encoding="utf-8").read()):
                marked.add(p)
    check(marked <= listed, "every source with _() or N_() is in po/POTFILES"
          + (f" (missing {sorted(marked - listed)})" if marked - listed else ""))
    po = os.path.join(root, "po", "zh_CN.po")
    r = subprocess.run(["msgcmp", po, pot], capture_output=True, text=True)
    check(r.returncode == 0, "po/zh_CN.po translates every marked message"
          + (f": {r.stderr.strip()[:300]}" if r.returncode else ""))
    r = subprocess.run(["msgfmt", "-c", "--statistics", "-o", os.devnull, po], capture_output=True, text=True)
    check(r.returncode == 0 and "fuzzy" not in r.stderr and "untranslated" not in r.stderr,
          f"msgfmt -c accepts po/zh_CN.po ({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''})")
    mo = os.path.join(podir, "zh_CN", "LC_MESSAGES", "duixian.mo")
    check(os.path.exists(mo), "meson built po/zh_CN/LC_MESSAGES/duixian.mo")

    # 2. a zh_CN.UTF-8 locale of our own
    loc = os.path.join(tmp, "locale")
    os.makedirs(loc)
    r = subprocess.run(["localedef", "-i", "zh_CN", "-f", "UTF-8", os.path.join(loc, "zh_CN.UTF-8")],
                       capture_output=True, text=True)
    check(os.path.isdir(os.path.join(loc, "zh_CN.UTF-8")),
          "localedef compiles zh_CN.UTF-8 (Debian package locales)" + (f": {r.stderr.strip()[:200]}" if r.returncode else ""))
    base = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE")}
    zh = dict(base, LOCPATH=loc, LANG="zh_CN.UTF-8", DUIXIAN_LOCALEDIR=podir)
    c = dict(base, LANG="C.UTF-8", DUIXIAN_LOCALEDIR=podir)

    def run(env, *args, cwd=root):
        return subprocess.run([dx] + list(args), env=env, cwd=cwd, capture_output=True, text=True)

    h_zh, h_c = run(zh, "--help").stdout, run(c, "--help").stdout
    check("命令：" in h_zh and "校验规则文件" in h_zh and "退出码" in h_zh, "LANG=zh_CN.UTF-8 duixian --help is Chinese")
    check("commands:" in h_c and not cjk(h_c.split("revoke")[0]), "LANG=C.UTF-8 duixian --help is English")
    ch_zh, ch_c = run(zh, "check", "--help").stdout, run(c, "check", "--help").stdout
    check("显示本命令的选项和示例" in ch_zh and "输出格式：text（默认）或 json" in ch_zh and "示例：" in ch_zh
          and "校验规则文件 RULES（YAML" in ch_zh,
          "check --help in Chinese: summary, option descriptions, examples header")
    check("usage: duixian check RULES" in ch_zh and "duixian check rules/wuchang-2022.yaml" in ch_zh,
          "the usage line and the example commands stay as they are")
    check("Show this command's options and examples" in ch_c and "examples:" in ch_c and not cjk(ch_c),
          "check --help under C is English")
    e_zh, e_c = run(zh, "check"), run(c, "check")
    check(e_zh.returncode == 1 and "check 只接受一个参数：RULES" in e_zh.stderr and "显示选项和示例" in e_zh.stderr,
          "a usage error is Chinese, with the same exit code")
    check(e_c.returncode == 1 and "check takes one argument: RULES" in e_c.stderr, "the same usage error under C")
    u_zh = run(zh, "frobnicate")
    check(u_zh.returncode == 1 and "未知命令" in u_zh.stderr, "an unknown command is Chinese")

    # 3. results do not follow the locale
    rules = os.path.join(root, "rules", "wuchang-2022.yaml")
    apps = os.path.join(root, "examples", "applications-2022.csv")
    outs = {}
    for name, env in (("zh", zh), ("c", c)):
        cwd = os.path.join(tmp, name)
        os.makedirs(cwd)
        d = os.path.join(cwd, "out")   # run's JSON names --out: the same relative name in both
        r1 = run(env, "run", rules, apps, "--approval-date", "2022-06-30", "--out", "out", "--format", "json",
                 cwd=cwd)
        r2 = run(env, "explain", rules, apps, "--approval-date", "2022-06-30", "--app", "WC2022-00002")
        r3 = run(env, "check", rules, "--format", "json")
        r4 = run(env, "check", rules)
        outs[name] = (d, r1, r2, r3, r4)
    (dz, *rz), (dc, *rc) = outs["zh"], outs["c"]
    check(all(x.returncode == 0 for x in rz + rc), "run, explain and check succeed in both locales")
    same = [f for f in ("decisions.csv", "schedule.csv", "summary.json")
            if filecmp.cmp(os.path.join(dz, f), os.path.join(dc, f), shallow=False)]
    check(len(same) == 3, f"the round's files are byte-identical under zh_CN and C ({', '.join(same)})")
    check(rz[0].stdout == rc[0].stdout, "run --format json prints the same bytes")
    check(rz[1].stdout == rc[1].stdout and cjk(rc[1].stdout), "explain's sentences are the same (Chinese) in both")
    check(rz[2].stdout == rc[2].stdout and rz[3].stdout == rc[3].stdout, "check prints the same bytes")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"1..{len(tests)}")
for i, (ok, what) in enumerate(tests, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {what}")
sys.exit(0 if all(ok for ok, _ in tests) else 1)

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash safety of a payment run (docs/rules.md §13), through the CLI only.

    tests/crash/crash-payrun.py DUIXIAN SOURCE_ROOT [KILLS]

Prints TAP. One round of 20,000 grants of four installments (80,000 ledger
lines, most with `requires`) is committed once; then for each of KILLS
(default 30) kill points a payment run with a checks file is started on a
copy of that ledger and killed with SIGKILL after a delay spread over the
whole run. After each kill:
  - `duixian verify` passes;
  - the ledger is exactly as before the run or exactly as after an
    uninterrupted one: the entry count, and what a dry run through a later
    date would still pay, hold and forfeit (payments.csv byte for byte);
  - running the payment run again ends in the uninterrupted state (nothing
    paid twice, nothing lost): the run's state when the killed one had not
    committed, else that state plus the second run's entry.
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

cli, root = sys.argv[1], sys.argv[2]
kills = int(sys.argv[3]) if len(sys.argv) > 3 else 30
tmp = tempfile.mkdtemp(prefix='dx-crash-pay-')
n_test = 0
failed = 0
RULES = """format: duixian/2
fund:
  id: CRASH/PAY
  name: 拨付崩溃测试
  total: 100亿元
  period: {from: 2022-01-01, to: 2022-12-31}
  shortfall: fcfs
  envelopes: {commerce: 100亿元}
bureaus: {commerce: 区商务局}
fields:
  above_threshold: {type: bool, label: 是否限上企业}
policies:
  - id: COM-GRAD
    name: 限下升限上企业奖励
    bureau: commerce
    basis: 测试
    award: {fixed: 12万元}
    installments:
      - {amount: 3万元, at: approval}
      - {amount: 3万元, after: 12 months, requires: [仍为限上: above_threshold], on_fail: forfeit_rest}
      - {amount: 3万元, after: 24 months, requires: [仍为限上: above_threshold], on_fail: forfeit_rest}
      - {rest: true, after: 36 months, requires: [仍为限上: above_threshold], on_fail: forfeit_rest}
"""


def ok(cond, what):
    global n_test, failed
    n_test += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n_test, what), flush=True)
    if not cond:
        failed += 1
    return cond


def run(*args):
    return subprocess.run([cli] + list(args), capture_output=True, text=True)


rules = os.path.join(tmp, 'rules.yaml')
apps = os.path.join(tmp, 'apps.csv')
checks = os.path.join(tmp, 'checks.csv')
with open(rules, 'w', encoding='utf-8') as f:
    f.write(RULES)
rng = random.Random(7)
with open(apps, 'w', encoding='utf-8') as a, open(checks, 'w', encoding='utf-8') as c:
    a.write('app_id,enterprise_id,enterprise_name,policy,submitted_on\n')
    c.write('enterprise_id,above_threshold\n')
    for i in range(20000):
        a.write('A%05d,E%05d,企业%d,COM-GRAD,2022-03-01\n' % (i, i, i))
        r = rng.random()
        c.write('E%05d,%s\n' % (i, 'true' if r < 0.9 else 'false' if r < 0.95 else ''))


def pay_args(ledger, out, through='2024-06-30', dry=False):
    return ['pay', rules, '--ledger', ledger, '--through', through, '--checks', checks, '--out', out] + \
        (['--dry-run'] if dry else [])


def state(ledger):
    """(entries, what a dry run through 2030 would still do) of the ledger."""
    v = run('verify', ledger)
    m = re.search(r'ok, (\d+) entries', v.stdout)
    out = os.path.join(tmp, 'state-out')
    shutil.rmtree(out, ignore_errors=True)
    d = run(*pay_args(ledger, out, '2030-12-31', dry=True))
    if v.returncode != 0 or m is None or d.returncode != 0:
        return ('ERROR', v.stdout + v.stderr + d.stderr)
    with open(os.path.join(out, 'payments.csv'), 'rb') as f:
        return (int(m.group(1)), f.read())


base = os.path.join(tmp, 'base.db')
r = run('run', rules, apps, '--approval-date', '2022-06-30', '--ledger', base, '--out', os.path.join(tmp, 'r1'))
ok(r.returncode == 0, 'the round commits 80,000 lines')
s_before = state(base)
ref = os.path.join(tmp, 'ref.db')
shutil.copy(base, ref)
t0 = time.monotonic()
r = run(*pay_args(ref, os.path.join(tmp, 'ref-out')))
t_run = time.monotonic() - t0
ok(r.returncode == 0, 'an uninterrupted payment run commits (%.0f ms)' % (t_run * 1000))
s_after = state(ref)
ok(s_after != s_before and s_after[0] != 'ERROR', 'the run changes the ledger')
# run again on a ledger that has the run: it pays and forfeits nothing more
# (it holds again the lines it held: a new entry)
twice = os.path.join(tmp, 'twice.db')
shutil.copy(ref, twice)
r = run(*pay_args(twice, os.path.join(tmp, 'twice-out')))
s_twice = state(twice)
ok(r.returncode == 0 and s_twice[1] == s_after[1] and s_twice[0] > s_after[0],
   'running it again pays nothing twice (a new entry, the same lines left)')
seen = {'before': 0, 'after': 0}


def kill_at(i, delay):
    led = os.path.join(tmp, 'k%d.db' % i)
    out = os.path.join(tmp, 'k%d-out' % i)
    shutil.copy(base, led)
    p = subprocess.Popen([cli] + pay_args(led, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    v = run('verify', led)
    ok(v.returncode == 0, 'kill %d at %.0f ms: verify passes %s' % (i, delay * 1000, v.stderr.strip()))
    s = state(led)
    whole = s == s_before or s == s_after
    ok(whole, 'kill %d: the run is wholly absent or wholly there' % i)
    seen['before' if s == s_before else 'after'] += 1
    shutil.rmtree(out, ignore_errors=True)
    r = run(*pay_args(led, out))
    ok(r.returncode == 0 and state(led) == (s_after if s == s_before else s_twice),
       'kill %d: running it again ends as the uninterrupted run (nothing paid twice)' % i)
    os.unlink(led)
    shutil.rmtree(out, ignore_errors=True)


for i in range(kills):
    kill_at(i, t_run * 1.15 * (i + 0.5) / kills)
extra = 0
while (seen['after'] == 0 or seen['before'] == 0) and extra < 8:
    kill_at(kills + extra, 0.0 if seen['before'] == 0 else t_run * (2 ** (extra + 1)))
    extra += 1
print('# kills: %d; absent after %d, present after %d' % (kills + extra, seen['before'], seen['after']))
ok(seen['before'] > 0 and seen['after'] > 0, 'kills landed both before and after the commit')
shutil.rmtree(tmp, ignore_errors=True)
print('1..%d' % n_test)
sys.exit(1 if failed else 0)

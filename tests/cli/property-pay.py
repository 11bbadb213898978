#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Property test of rounds and payment runs (docs/rules.md §13, §15),
through the CLI only.

    tests/cli/property-pay.py DUIXIAN SOURCE_ROOT [SEQUENCES] [SEED]

Prints TAP. Each sequence is a random mix, in date order, of rounds (random
applications of tests/data/pay/tongliang-2022.yaml's policies, so its small
commerce envelope rations) and payment runs (random checks: bools true,
false or empty, random retail sales), on one ledger. After every step:
  - per grant, Σ paid + Σ forfeited + what is still scheduled = granted
    (decisions.csv of its round against every payments.csv so far and a dry
    run through 2100 that takes every line still scheduled);
  - no line is paid or forfeited twice, and no run settles a line of
    another run's grant twice;
  - per envelope, net charged (`duixian ledger`) = Σ granted − Σ forfeited,
    and it never exceeds the envelope;
  - `duixian verify` passes.
"""
import collections
import csv
import datetime
import decimal
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

cli, root = sys.argv[1], sys.argv[2]
n_seq = int(sys.argv[3]) if len(sys.argv) > 3 else 12
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 2022
rules = os.path.join(root, 'tests', 'data', 'pay', 'tongliang-2022.yaml')
ENVELOPES = {'commerce': 314500 * 100, 'finance': 400000 * 100}   # 31.45万元, 40万元 in fen
tmp = tempfile.mkdtemp(prefix='dx-prop-pay-')
n_test = failed = 0


def ok(cond, what):
    global n_test, failed
    n_test += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n_test, what), flush=True)
    if not cond:
        failed += 1
    return cond


def run(*args):
    return subprocess.run([cli] + [str(a) for a in args], capture_output=True, text=True)


def rows(path):
    with open(path, encoding='utf-8', newline='') as f:
        return list(csv.DictReader(f))


def sequence(k, rng):
    ledger = os.path.join(tmp, 's%d.db' % k)
    granted = {}                      # (app_id, policy) -> fen
    settled = collections.Counter()   # (app_id, policy, installment) -> times paid or forfeited
    moved = collections.Counter()     # (app_id, policy) -> fen paid + forfeited
    forfeited_env = collections.Counter()
    steps = []
    dates = sorted(rng.sample(range(0, 1400), 8))
    n_app = 0
    for i, d in enumerate(dates):
        day = (datetime.date(2022, 3, 1) + datetime.timedelta(days=d)).isoformat()
        if i == 0 or rng.random() < 0.35:
            apps = os.path.join(tmp, 'apps.csv')
            with open(apps, 'w', encoding='utf-8') as f:
                f.write('app_id,enterprise_id,enterprise_name,policy,submitted_on,above_threshold,reports_filed,'
                        'retail_sales,district\n')
                for _ in range(rng.randrange(3, 12)):
                    n_app += 1
                    e = 'E%d' % rng.randrange(12)
                    pol = rng.choice(['COM-GRAD', 'COM-REPORT', 'FIN-HQ'])
                    f.write('S%dA%d,%s,企业,%s,%s,true,true,%d万元,武昌区\n' % (k, n_app, e, pol, day,
                                                                          rng.randrange(100, 900)))
            out = os.path.join(tmp, 'r')
            shutil.rmtree(out, ignore_errors=True)
            r = run('run', rules, apps, '--approval-date', day, '--ledger', ledger, '--out', out)
            if not ok(r.returncode == 0, 'seq %d: round on %s' % (k, day)):
                print('# ' + r.stderr.strip())
                return
            for d_ in rows(os.path.join(out, 'decisions.csv')):
                if int(d_['granted_fen']) > 0:
                    granted[(d_['app_id'], d_['policy_id'])] = int(d_['granted_fen'])
            steps.append('round ' + day)
        else:
            checks = os.path.join(tmp, 'checks.csv')
            with open(checks, 'w', encoding='utf-8') as f:
                f.write('enterprise_id,above_threshold,reports_filed,retail_sales\n')
                for e in range(12):
                    if rng.random() < 0.1:
                        continue   # no row: held
                    b = lambda: rng.choice(['true', 'true', 'true', 'false', ''])
                    f.write('E%d,%s,%s,%s\n' % (e, b(), b(), rng.choice(['', '%d万元' % rng.randrange(100, 900)])))
            out = os.path.join(tmp, 'p')
            shutil.rmtree(out, ignore_errors=True)
            r = run('pay', rules, '--ledger', ledger, '--through', day, '--checks', checks, '--out', out)
            if not ok(r.returncode == 0, 'seq %d: payment run through %s' % (k, day)):
                print('# ' + r.stderr.strip())
                return
            for p in rows(os.path.join(out, 'payments.csv')):
                if p['status'] in ('paid', 'forfeited'):
                    settled[(p['app_id'], p['policy_id'], p['installment'])] += 1
                    moved[(p['app_id'], p['policy_id'])] += int(p['amount_fen'])
                    if p['status'] == 'forfeited':
                        forfeited_env[p['bureau']] += int(p['amount_fen'])
            steps.append('pay ' + day)
        # what is still scheduled: a dry run through 2100 with no checks holds
        # every line with requires and pays the rest, settling nothing
        out = os.path.join(tmp, 'left')
        shutil.rmtree(out, ignore_errors=True)
        r = run('pay', rules, '--ledger', ledger, '--through', '2100-12-31', '--out', out, '--dry-run')
        left = collections.Counter()
        for p in rows(os.path.join(out, 'payments.csv')) if r.returncode == 0 else []:
            left[(p['app_id'], p['policy_id'])] += int(p['amount_fen'])
        bad = [g for g, fen in granted.items() if moved[g] + left[g] != fen]
        ok(r.returncode == 0 and not bad, 'seq %d after %s: per grant, paid + forfeited + scheduled = granted %s'
           % (k, steps[-1], bad[:3]))
        twice = [s for s, n in settled.items() if n > 1]
        ok(not twice, 'seq %d after %s: no line settled twice %s' % (k, steps[-1], twice[:3]))
        led = run('ledger', ledger)
        charged = {m.group(1): int(decimal.Decimal(m.group(2)) * 1000000)
                   for m in re.finditer(r'^(commerce|finance)\s+\S+\s+(\S+)\s+\S+$', led.stdout, re.M)}
        want = {b: sum(f for (a, pol), f in granted.items() if (pol == 'FIN-HQ') == (b == 'finance'))
                - forfeited_env[b] for b in ENVELOPES}
        ok(led.returncode == 0 and charged == {b: want[b] for b in charged} and
           all(charged.get(b, 0) <= ENVELOPES[b] for b in ENVELOPES),
           'seq %d after %s: net charged = granted − forfeited ≤ envelope (%s vs %s)' % (k, steps[-1], charged, want))
        v = run('verify', ledger)
        ok(v.returncode == 0, 'seq %d after %s: verify passes' % (k, steps[-1]))


rng = random.Random(seed)
for k in range(n_seq):
    sequence(k, rng)
shutil.rmtree(tmp, ignore_errors=True)
print('1..%d' % n_test)
sys.exit(1 if failed else 0)

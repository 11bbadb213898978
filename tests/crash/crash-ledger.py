#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash safety of the ledger, through the CLI only (the ledger's on-disk
format is not looked at).

    tests/crash/crash-ledger.py DUIXIAN SOURCE_ROOT [KILLS]

Prints TAP. A round-1 ledger is made once; then for each of KILLS (default
60) kill points the second round is started on a copy of it and killed
with SIGKILL after a delay spread over the whole run (start-up, reading,
deciding, the transaction, writing outputs). After each kill:
  - `duixian verify` passes;
  - the ledger is exactly the round-1 state or exactly the state after an
    uninterrupted round 2 (envelopes charged, rounds, decisions, grants);
  - rerunning round 2 ends in the uninterrupted state's money: the same
    charged per envelope and Σ granted (if the killed round had committed,
    the rerun finds every app_id paid: `duplicate`, nothing granted twice),
    and, when the killed round had not committed, byte-identical
    decisions.csv and schedule.csv.
Then: disk full (RLIMIT_FSIZE at several sizes), a read-only ledger
(chattr +i, and a read-only bind mount of its directory when the machine
allows it), and two rounds run at once on one ledger.
"""
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

cli, root = sys.argv[1], sys.argv[2]
kills = int(sys.argv[3]) if len(sys.argv) > 3 else 60
tmp = tempfile.mkdtemp(prefix='dx-crash-')
n_test = 0
failed = 0


def ok(cond, what):
    global n_test, failed
    n_test += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n_test, what), flush=True)
    if not cond:
        failed += 1
    return cond


def run(*args, **kw):
    return subprocess.run([cli] + list(args), capture_output=True, text=True, **kw)


def state(ledger):
    """The ledger as `duixian ledger` shows it, without creation times and
    the head hash (which covers them)."""
    r = run('ledger', ledger)
    if r.returncode != 0:
        return 'ERROR %d %s' % (r.returncode, r.stderr)
    lines = [re.sub(r'created \S+\s+', '', l) for l in r.stdout.splitlines() if not l.startswith('head ')]
    return '\n'.join(lines)


def money(ledger):
    """(charged per envelope, Σ granted over rounds) from `duixian ledger`."""
    s = state(ledger)
    env = tuple(l.split()[:4] for l in s.splitlines() if re.match(r'^(commerce|finance)\s', l))
    return env


def verify(ledger):
    r = run('verify', ledger)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


# ---- the scenario: a fund 100 times Wuchang's, so rounds are not rationed to 0
with open(os.path.join(root, 'rules', 'wuchang-2022.yaml'), encoding='utf-8') as f:
    rules_text = f.read()
rules_text = rules_text.replace('total: 5000万元', 'total: 500000万元').replace(
    'envelopes: {commerce: 3000万元, finance: 2000万元}',
    'envelopes: {commerce: 300000万元, finance: 200000万元}')
assert '500000万元' in rules_text and '300000万元' in rules_text
rules = os.path.join(tmp, 'rules.yaml')
with open(rules, 'w', encoding='utf-8') as f:
    f.write(rules_text)
apps1 = os.path.join(tmp, 'apps1.csv')
apps2 = os.path.join(tmp, 'apps2.csv')
allapps = os.path.join(tmp, 'all.csv')
subprocess.run([sys.executable, os.path.join(root, 'examples', 'gen-applications.py'), '24000', allapps],
               check=True)
with open(allapps, encoding='utf-8') as f:
    lines = f.read().splitlines(True)
# Round 2 repeats some enterprises of round 1 (caps and once across rounds).
with open(apps1, 'w', encoding='utf-8') as f:
    f.writelines(lines[:1] + lines[1:4001])
with open(apps2, 'w', encoding='utf-8') as f:
    f.writelines(lines[:1] + lines[4001:])


def round1(ledger):
    r = run('run', rules, apps1, '--approval-date', '2022-06-30', '--ledger', ledger,
            '--out', os.path.join(tmp, 'out1'))
    assert r.returncode == 0, r.stderr


def round2_args(ledger, out):
    return ['run', rules, apps2, '--approval-date', '2022-09-30', '--ledger', ledger, '--out', out]


base = os.path.join(tmp, 'base.db')
round1(base)
s1 = state(base)
ref = os.path.join(tmp, 'ref.db')
shutil.copy(base, ref)
t0 = time.monotonic()
r = run(*round2_args(ref, os.path.join(tmp, 'ref-out')))
t_run = time.monotonic() - t0
ok(r.returncode == 0, 'uninterrupted round 2 commits (%.0f ms)' % (t_run * 1000))
s2 = state(ref)
ok(s1 != s2 and 'ERROR' not in s2, 'round 2 changes the ledger')
ref_dec = read(os.path.join(tmp, 'ref-out', 'decisions.csv'))
ref_sched = read(os.path.join(tmp, 'ref-out', 'schedule.csv'))
m2 = money(ref)

# ---- SIGKILL at KILLS points spread over [0, 1.15 × run time]
seen = {'absent': 0, 'present': 0, 'hot-journal': 0}


def kill_at(i, delay):
    led = os.path.join(tmp, 'k%d.db' % i)
    out = os.path.join(tmp, 'k%d-out' % i)
    shutil.copy(base, led)
    p = subprocess.Popen([cli] + round2_args(led, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if os.path.exists(led + '-journal') or os.path.exists(led + '-wal'):
        seen['hot-journal'] += 1
    good, why = verify(led)
    ok(good, 'kill %d at %.1f ms: verify passes %s' % (i, delay * 1000, '' if good else why))
    s = state(led)
    whole = s == s1 or s == s2
    ok(whole, 'kill %d: round 2 wholly absent or wholly there' % i)
    if not whole:
        print('# state:\n# ' + s.replace('\n', '\n# '))
    was_absent = s == s1
    seen['absent' if was_absent else 'present'] += 1
    shutil.rmtree(out, ignore_errors=True)
    r = run(*round2_args(led, out))
    ok(r.returncode == 0, 'kill %d: rerun commits' % i)
    ok(money(led) == m2, 'kill %d: rerun ends with the uninterrupted charges (no fen lost or doubled)' % i)
    if was_absent:
        ok(state(led) == s2 and read(os.path.join(out, 'decisions.csv')) == ref_dec
           and read(os.path.join(out, 'schedule.csv')) == ref_sched,
           'kill %d: rerun is the uninterrupted run, byte for byte' % i)
    good, why = verify(led)
    ok(good, 'kill %d: verify passes after the rerun' % i)
    os.unlink(led)
    shutil.rmtree(out, ignore_errors=True)


for i in range(kills):
    kill_at(i, t_run * 1.15 * (i + 0.5) / kills)
# a loaded machine can make the timed run unrepresentative: until a kill has
# landed on each side of the commit, kill again later (or at once), so the
# check below is about the ledger, not the scheduler
extra = 0
while (seen['present'] == 0 or seen['absent'] == 0) and extra < 8:
    kill_at(kills + extra, 0.0 if seen['absent'] == 0 else t_run * (2 ** (extra + 1)))
    extra += 1
print('# kills: %d; round 2 absent after %d, present after %d; hot journal left by %d'
      % (kills, seen['absent'], seen['present'], seen['hot-journal']))
ok(seen['absent'] > 0 and seen['present'] > 0, 'kills landed both before and after the commit')

# ---- disk full: a file size limit (RLIMIT_FSIZE; SIGXFSZ ignored so writes fail with EFBIG)
size = os.path.getsize(base)
for extra in (0, 4096, 65536, 1 << 20, 4 << 20):
    led = os.path.join(tmp, 'full.db')
    shutil.copy(base, led)
    limit = size + extra

    def limit_fsize(limit=limit):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = os.path.join(tmp, 'full-out')
    r = subprocess.run([cli] + round2_args(led, out), capture_output=True, text=True, preexec_fn=limit_fsize)
    after = state(led)
    good, why = verify(led)
    if r.returncode == 0:
        ok(after == s2 and good, 'file size limit +%d: the round fit and committed whole' % extra)
    else:
        msg = r.stderr.strip().splitlines()
        ok(r.returncode in (4, 5) and len(msg) >= 1 and 'duixian' in msg[0],
           'file size limit +%d: exit %d with a clear error: %s' % (extra, r.returncode, msg[:1]))
        ok(good and after in (s1, s2), 'file size limit +%d: ledger intact (%s)'
           % (extra, 'unchanged' if after == s1 else 'round committed; an output failed'))
    shutil.rmtree(out, ignore_errors=True)
    os.unlink(led)

# ---- read-only ledger. Root ignores permissions: use chattr +i, and a
# read-only bind mount of the directory if this machine lets us mount.
led = os.path.join(tmp, 'ro.db')
shutil.copy(base, led)
if subprocess.run(['chattr', '+i', led], capture_output=True).returncode == 0:
    r = run(*round2_args(led, os.path.join(tmp, 'ro-out')))
    ok(r.returncode == 5 and r.stderr.strip() != '' and '\n' not in r.stderr.strip(),
       'immutable ledger: exit %d, %s' % (r.returncode, r.stderr.strip()))
    ok(state(led) == s1 and verify(led)[0], 'immutable ledger: still the round-1 state and verifies')
    subprocess.run(['chattr', '-i', led])
else:
    print('# SKIP chattr +i is not available here')
rodir = os.path.join(tmp, 'ro-mount')
os.mkdir(rodir)
srcdir = os.path.join(tmp, 'ro-src')
os.mkdir(srcdir)
shutil.copy(base, os.path.join(srcdir, 'ledger.db'))
if subprocess.run(['mount', '--bind', srcdir, rodir], capture_output=True).returncode == 0:
    try:
        if subprocess.run(['mount', '-o', 'remount,ro,bind', rodir], capture_output=True).returncode == 0:
            led = os.path.join(rodir, 'ledger.db')
            r = run(*round2_args(led, os.path.join(tmp, 'ro2-out')))
            ok(r.returncode == 5 and r.stderr.strip() != '',
               'ledger on a read-only mount: exit %d, %s' % (r.returncode, r.stderr.strip()))
            ok(state(led) == s1 and verify(led)[0], 'read-only mount: still the round-1 state and verifies')
        else:
            print('# SKIP remounting read-only is not allowed here')
    finally:
        subprocess.run(['umount', rodir])
else:
    print('# SKIP bind mounts are not allowed here')

# ---- two rounds at once on one ledger, against Wuchang's real 5,000万元:
# each half alone could take the whole fund, so committing both against the
# same remaining envelope would overspend it.
real_rules = os.path.join(root, 'rules', 'wuchang-2022.yaml')
for trial in range(5):
    led = os.path.join(tmp, 'conc.db')
    procs = []
    for k, apps in enumerate((apps1, apps2)):
        procs.append(subprocess.Popen([cli, 'run', real_rules, apps, '--approval-date', '2022-06-30',
                                       '--ledger', led, '--out', os.path.join(tmp, 'conc%d' % k)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    res = [(p.wait(), p.stderr.read()) for p in procs]
    codes = sorted(c for c, _ in res)
    ok(codes in ([0, 0], [0, 5]), 'concurrent rounds %d: exits %s (one waits, or fails cleanly)' % (trial, codes))
    s = state(led)
    env = money(led)
    within = all(int(e[2].replace(',', '')) <= int(e[1].replace(',', '')) for e in env)
    n_rounds = re.search(r'^(\d+) rounds', s, re.M)
    ok(verify(led)[0] and within and n_rounds and int(n_rounds.group(1)) == codes.count(0),
       'concurrent rounds %d: verify passes, %s rounds, charged ≤ envelope: %s' % (trial, n_rounds and n_rounds.group(1), env))
    os.unlink(led)

print('1..%d' % n_test)
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failed else 0)

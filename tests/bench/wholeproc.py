# SPDX-License-Identifier: LGPL-2.1-or-later
"""Whole-process measurement shared by the benchmark scripts."""
import os
import subprocess
import sys
import time


def measure(argv, cwd=None):
    """Runs argv to the end; returns (wall s, CPU s = user + system, peak RSS MiB),
    CPU and RSS from wait4(2). Exits with its stderr if it fails."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed: {err}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0

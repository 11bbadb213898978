# SPDX-License-Identifier: LGPL-2.1-or-later
"""A throwaway PostgreSQL cluster for the Python tests of tests/pg/, through
tests/pg/pg-cluster.sh; stopped and removed on every exit (normal, an
exception, SIGTERM from meson's timeout, Ctrl-C).

    with Cluster(root) as pg:       # exits 77 (a skip) without server binaries
        pg.url                      # postgresql://dx:…@127.0.0.1:PORT/duixian_test
        pg.newdb("name")            # a new database: its URI
        pg.sql("db", "SELECT ...")  # psql as dx over the socket: its output
        pg.restart()
"""
import atexit
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile


class Cluster:
    def __init__(self, root):
        self.script = os.path.join(root, "tests", "pg", "pg-cluster.sh")
        self.dir = tempfile.mkdtemp(prefix="dx-pg-")
        self.url = None
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2].split(".") if x.isdigit()])
        self.psql = os.path.join(bins[-1], "psql") if bins else "psql"

    def __enter__(self):
        atexit.register(self.close)
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
        r = subprocess.run(["sh", self.script, "start", self.dir], capture_output=True, text=True)
        if r.returncode == 77:
            print("1..0 # SKIP no PostgreSQL server binaries (apt-get install postgresql)")
            self.close()
            sys.exit(77)
        if r.returncode != 0:
            print("Bail out! the test cluster did not start: " + r.stderr.strip())
            self.close()
            sys.exit(1)
        self.url = r.stdout.strip()
        with open(os.path.join(self.dir, "port")) as f:
            self.port = f.read().strip()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.dir is not None and os.path.isdir(self.dir):
            subprocess.run(["sh", self.script, "stop", self.dir], capture_output=True)
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def sql(self, db, query, check=True):
        r = subprocess.run([self.psql, "-h", self.dir, "-p", self.port, "-U", "dx", "-d", db, "-qAt",
                            "-v", "ON_ERROR_STOP=1", "-c", query], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("psql: " + r.stderr.strip())
        return r.stdout.strip()

    def popen_sql(self, db, query):
        """psql running @query in the background (wait() for it)."""
        return subprocess.Popen([self.psql, "-h", self.dir, "-p", self.port, "-U", "dx", "-d", db, "-qAt",
                                 "-c", query], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def newdb(self, name):
        self.sql("postgres", "CREATE DATABASE " + name)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def restart(self):
        r = subprocess.run(["sh", self.script, "restart", self.dir], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("restart: " + r.stderr.strip())

# SPDX-License-Identifier: LGPL-2.1-or-later
"""The PEP 517 build backend of the duixian Python package (pyproject.toml
names it through ``backend-path``), in the standard library only, so that
``pip install ./bindings/python`` needs no index and nothing installed first.

It builds a pure-Python wheel (zipfile) of ``duixian/``, an sdist (tarfile)
of this directory, and a PEP 660 editable wheel that puts this directory on
``sys.path`` through a .pth file. The version is ``__version__`` of
``duixian/__init__.py``; the rest of the metadata comes from the
``[project]`` table of pyproject.toml. ``_paths.py.in`` is left out: meson
fills it in at install time, and without it the package looks for the
library in the usual places.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # bindings/python
PACKAGE = "duixian"
TAG = "py3-none-any"
# Fixed timestamps make the archives reproducible (ZIP cannot store dates before 1980).
_EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))


def _read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def _version():
    m = re.search(r'^__version__\s*=\s*"([^"]+)"', _read(os.path.join(PACKAGE, "__init__.py")), re.M)
    if not m:
        raise RuntimeError("duixian/__init__.py has no __version__")
    return m.group(1)


def _project():
    """The [project] table's string keys (this backend reads only the simple
    ``key = "value"`` lines it writes; tomllib is not in Python < 3.11)."""
    text = _read("pyproject.toml")
    m = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    out = {}
    for line in (m.group(1) if m else "").splitlines():
        kv = re.match(r'^([\w-]+)\s*=\s*"([^"]*)"', line)
        if kv:
            out[kv.group(1)] = kv.group(2)
    lic = re.search(r'^license\s*=\s*\{\s*text\s*=\s*"([^"]*)"', m.group(1) if m else "", re.M)
    if lic:
        out["license"] = lic.group(1)
    return out


def _metadata():
    p = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + p.get("name", PACKAGE), "Version: " + _version()]
    if "description" in p:
        lines.append("Summary: " + p["description"])
    if "license" in p:
        lines.append("License: " + p["license"])
    if "requires-python" in p:
        lines.append("Requires-Python: " + p["requires-python"])
    body = ""
    if "readme" in p and os.path.exists(os.path.join(HERE, p["readme"])):
        lines.append("Description-Content-Type: text/markdown")
        body = "\n" + _read(p["readme"])
    return "\n".join(lines) + "\n" + body


def _dist_info():
    return "%s-%s.dist-info" % (PACKAGE, _version())


def _package_files():
    """(path in the archive, path on disk) of the package, sorted."""
    out = []
    pkg = os.path.join(HERE, PACKAGE)
    for name in sorted(os.listdir(pkg)):
        full = os.path.join(pkg, name)
        if os.path.isfile(full) and (name.endswith(".py") or name == "py.typed"):
            out.append((PACKAGE + "/" + name, full))
    return out


class _Wheel:
    """A wheel being written: each file's hash goes into RECORD."""

    def __init__(self, directory):
        self.name = "%s-%s-%s.whl" % (PACKAGE, _version(), TAG)
        self.path = os.path.join(directory, self.name)
        self.zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, arcname, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(arcname, time.gmtime(_EPOCH)[:6])
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append("%s,sha256=%s,%d" % (arcname, digest, len(data)))

    def finish(self):
        di = _dist_info()
        self.add(di + "/METADATA", _metadata())
        self.add(di + "/WHEEL", "Wheel-Version: 1.0\nGenerator: duixian_build\nRoot-Is-Purelib: true\n"
                                "Tag: %s\n" % TAG)
        self.add(di + "/top_level.txt", PACKAGE + "\n")
        record = di + "/RECORD"
        self.zip.writestr(zipfile.ZipInfo(record, time.gmtime(_EPOCH)[:6]),
                          "\n".join(self.records + [record + ",,"]) + "\n")
        self.zip.close()
        return self.name


# -- PEP 517


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    w = _Wheel(wheel_directory)
    for arcname, full in _package_files():
        with open(full, "rb") as f:
            w.add(arcname, f.read())
    return w.finish()


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose only file is a .pth naming this directory, so
    the installed package is the source tree itself."""
    w = _Wheel(wheel_directory)
    w.add("__editable__.%s-%s.pth" % (PACKAGE, _version()), HERE + "\n")
    return w.finish()


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (PACKAGE, _version())
    name = base + ".tar.gz"
    files = [("pyproject.toml", os.path.join(HERE, "pyproject.toml")),
             ("_backend/duixian_build.py", os.path.abspath(__file__))]
    if os.path.exists(os.path.join(HERE, "README.md")):
        files.append(("README.md", os.path.join(HERE, "README.md")))
    files += _package_files()
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data):
            info = tarfile.TarInfo(base + "/" + arcname)
            info.size, info.mtime, info.mode = len(data), _EPOCH, 0o644
            tar.addfile(info, io.BytesIO(data))
        add("PKG-INFO", _metadata().encode("utf-8"))
        for arcname, full in files:
            with open(full, "rb") as f:
                add(arcname, f.read())
    return name

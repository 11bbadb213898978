# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every public function and method of the package is annotated (parameters
and return), and the package says so to type checkers (py.typed).

Public = a name without a leading underscore (plus ``__init__``), defined in
a module of the package, found by walking every module and every class with
``inspect``; properties count by their getter, class and static methods by
their function.
"""

import importlib
import inspect
import os
import pkgutil
import unittest

import dxtest_support  # noqa: F401  (puts the package on sys.path)
import duixian


def _modules():
    yield duixian
    for info in pkgutil.iter_modules(duixian.__path__, "duixian."):
        yield importlib.import_module(info.name)


def _missing(fn, where, skip_first):
    """The names of ``fn``'s parameters (and "return") that carry no annotation."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if skip_first and params:
        params = params[1:]                 # self / cls
    out = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty:
        out.append("return")
    return ["%s: %s" % (where, name) for name in out]


def _ours(obj):
    return (getattr(obj, "__module__", "") or "").startswith("duixian")


def _public(name):
    return not name.startswith("_") or name == "__init__"


def problems():
    """One line per missing annotation, over the whole package."""
    out, seen = [], set()
    for mod in _modules():
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("_") or not _ours(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            where = "%s.%s" % (obj.__module__, getattr(obj, "__qualname__", name))
            if inspect.isfunction(obj):
                out += _missing(obj, where, False)
            elif inspect.isclass(obj):
                for cls in obj.__mro__:
                    if not _ours(cls) or id(cls) in seen and cls is not obj:
                        continue
                    seen.add(id(cls))
                    out += _class_problems(cls)
    return sorted(set(out))


def _class_problems(cls):
    out = []
    for name, member in vars(cls).items():
        if not _public(name):
            continue
        where = "%s.%s.%s" % (cls.__module__, cls.__qualname__, name)
        if isinstance(member, property):
            if member.fget is not None and _ours(member.fget):
                out += _missing(member.fget, where, True)
        elif isinstance(member, (classmethod, staticmethod)):
            fn = member.__func__
            if _ours(fn):
                out += _missing(fn, where, isinstance(member, classmethod))
        elif inspect.isfunction(member) and _ours(member) and \
                member.__qualname__.startswith(cls.__qualname__ + "."):
            # (dataclasses' generated __init__ is annotated by construction and
            # carries the package's module name; it is checked like any other.)
            out += _missing(member, where, True)
    return out


class Annotations(unittest.TestCase):

    def test_every_public_function_is_annotated(self):
        self.assertEqual(problems(), [])

    def test_the_walk_sees_the_package(self):
        """The check would notice: it reaches methods, properties and functions."""
        def unannotated(a, b=1):
            return a

        self.assertEqual(_missing(unannotated, "f", False), ["f: a", "f: b", "f: return"])
        self.assertEqual(_missing(duixian.Ruleset.decide, "d", True), [])
        names = set()
        for mod in _modules():
            names.add(mod.__name__)
        for expected in ("duixian.batch", "duixian.application", "duixian.round", "duixian.ruleset",
                         "duixian.decisions", "duixian.ledger", "duixian.money", "duixian.errors"):
            self.assertIn(expected, names)

        class Bare(duixian.Ruleset):
            def extra(self, x):
                return x
        Bare.__module__ = Bare.extra.__module__ = "duixian.fake"     # as if the package defined it
        self.assertIn("duixian.fake.%s.extra: x" % Bare.__qualname__, _class_problems(Bare))

    def test_py_typed(self):
        self.assertTrue(os.path.isfile(os.path.join(os.path.dirname(duixian.__file__), "py.typed")))


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: LGPL-2.1-or-later
"""Rulesets (``duixian/dx-ruleset.h``): loading, what a ruleset says, and
deciding with it. Applications live in application.py and batches in
batch.py, as in the C headers, so nothing here is imported back."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import os
import threading
import typing

from . import _lib
from ._handle import Handle
from ._lib import F, borrowed, call_with_error, fs_bytes, to_bytes
from ._options import _Options, _opt_ptr
from ._types import (ApplicationArg, ApplicationsArg, Encoding, EncodingArg, FieldType, ParamValue, PathArg,
                     ProgressArg)
from .application import _Application
from .batch import Batch
from .decisions import Decision, DecisionList, _param_table, _read_decision
from .ledger import Ledger
from .round import Round

__all__ = ["Encoding", "FieldType", "Field", "Param", "Policy", "Ruleset", "Batch"]


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType


@dataclasses.dataclass(frozen=True)
class Param:
    """An effective-dated parameter (``params``, docs/rules.md §10)."""
    name: str
    label: str
    type: FieldType
    values: typing.Tuple[ParamValue, ...]   # in increasing order of ``since``


@dataclasses.dataclass(frozen=True)
class Policy:
    id: str
    name: str
    bureau: str
    basis: str


class Ruleset(Handle):
    """An immutable, compiled ruleset (docs/rules.md §1-§5).

    Thread safety: a Ruleset may be shared by any number of threads;
    :meth:`decide`, :meth:`batch` and :meth:`run_round` may run concurrently
    (each call uses its own C objects, and the GIL is released inside
    libduixian). Do not :meth:`close` it while another thread uses it.
    """

    __slots__ = ("_field_types", "_known_keys", "_unknown_keys", "_tls", "_name")
    _free = staticmethod(F.dx_ruleset_unref)
    _what = "ruleset"

    def __init__(self, ptr: int, name: str) -> None:
        super().__init__(ptr)
        self._name = name
        self._field_types = {}
        self._known_keys = {}
        self._unknown_keys = set()
        for i in range(F.dx_ruleset_get_n_fields(ptr)):
            self._field_types[borrowed(F.dx_ruleset_get_field_name(ptr, i))] = FieldType(F.dx_ruleset_get_field_type(ptr, i))
        self._tls = threading.local()

    # -- loading
    @classmethod
    def load(cls, path: PathArg, *, max_yaml_depth: typing.Optional[int] = None,
             max_expr_depth: typing.Optional[int] = None, max_file_bytes: typing.Optional[int] = None,
             overrides: typing.Optional[typing.Mapping[str, str]] = None) -> Ruleset:
        """Loads, validates and compiles a rules file. Raises RulesError (file:line:col: key: message),
        DuixianIOError or LimitError. ``overrides`` are what-if settings
        (``{"hq_rate": "1.5%", "envelope.finance": "3000万元"}``, as ``--set``):
        the ruleset is then a what-if that no round commits; ApplicationError
        for a setting that names nothing or has a value of the wrong type."""
        opts = _Options.make(max_yaml_depth=max_yaml_depth, max_expr_depth=max_expr_depth,
                             max_file_bytes=max_file_bytes, overrides=overrides)
        try:
            ptr = call_with_error(F.dx_ruleset_load_file, fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()
        return cls(ptr, os.fspath(path))

    @classmethod
    def from_string(cls, text: typing.Union[str, bytes], name: str = "<rules>", *,
                    max_yaml_depth: typing.Optional[int] = None, max_expr_depth: typing.Optional[int] = None,
                    max_file_bytes: typing.Optional[int] = None,
                    overrides: typing.Optional[typing.Mapping[str, str]] = None) -> Ruleset:
        """As :meth:`load`, from YAML text (``str`` or UTF-8 ``bytes``); ``name`` is used in messages."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(max_yaml_depth=max_yaml_depth, max_expr_depth=max_expr_depth,
                             max_file_bytes=max_file_bytes, overrides=overrides)
        try:
            ptr = call_with_error(F.dx_ruleset_load_data, data, len(data), to_bytes(name, "name"),
                                  _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()
        return cls(ptr, name)

    # -- deciding
    def _application(self) -> _Application:
        """This thread's reusable application (a DxApplication is single-owner)."""
        app = getattr(self._tls, "app", None)
        if app is None or app.closed:
            app = self._tls.app = _Application(self)
        return app

    def decide(self, app: ApplicationArg, *, strict: bool = False,
               ignore_unknown: bool = False) -> typing.List[Decision]:
        """Decides one application on its own (docs/rules.md §6 steps 1-6, a batch of one).

        ``app`` maps field names (or aliases) to values: ``str`` cells as in a
        CSV file ("5,000万元", "15%", "2022-03-01"), ``int`` (fen for a money
        field), ``decimal.Decimal`` (元 for a money field), ``bool``,
        ``datetime.date``, or ``None`` for missing. ``float`` is refused.

        Returns a list of :class:`Decision`: one, or in matching mode (no
        ``policy``) one per matching policy. A cell that is not of its type
        gives an ``invalid`` decision (or, with ``strict=True``, raises
        ApplicationError); an unknown field raises ApplicationError unless
        ``ignore_unknown`` (then it is skipped, as a CSV column would be).
        """
        a = self._application()
        ap = a.fill(app, strict, ignore_unknown)
        lst = F.dx_ruleset_decide(self._handle(), ap)
        try:
            get = F.dx_decision_list_get_item
            params = _param_table(self._handle())
            return [_read_decision(get(lst, i), params=params) for i in range(F.dx_decision_list_get_n_items(lst))]
        finally:
            F.dx_decision_list_unref(lst)

    def batch(self, *, progress: ProgressArg = None, threads: int = 1) -> Batch:
        """A new :class:`Batch` of this ruleset (``threads``: see :class:`Batch`)."""
        return Batch(self, progress=progress, threads=threads)

    def decide_batch(self, applications: ApplicationsArg, *, encoding: EncodingArg = None, strict: bool = False,
                     ignore_unknown: bool = False) -> DecisionList:
        """Decides applications together (steps 1-6): a CSV/YAML/JSON path or an
        iterable of mappings (for CSV text use :meth:`batch` and
        :meth:`Batch.add_csv_text`). Returns a :class:`DecisionList`."""
        with Batch(self) as b:
            b.add_any(applications, encoding=encoding, strict=strict, ignore_unknown=ignore_unknown)
            return b.decide()

    def run_round(self, applications: typing.Union[Batch, ApplicationsArg],
                  approval_date: typing.Union[datetime.date, str], *, ledger: typing.Optional[Ledger] = None,
                  history: typing.Union[PathArg, typing.Iterable[PathArg], None] = (), dry_run: bool = False,
                  encoding: EncodingArg = None, strict: bool = False, ignore_unknown: bool = False,
                  progress: ProgressArg = None, as_of_round: int = 0) -> Round:
        """Runs a whole round (docs/rules.md §6 steps 1-10); see :class:`duixian.Round`.
        Returns the finished Round (a context manager; its results are read from it)."""
        r = Round(self, approval_date, ledger=ledger, history=history, dry_run=dry_run, as_of_round=as_of_round)
        try:
            r.run(applications, encoding=encoding, strict=strict, ignore_unknown=ignore_unknown,
                  progress=progress)
        except BaseException:
            r.close()
            raise
        return r

    # -- what the ruleset says
    def _s(self, fn, *args):
        return borrowed(fn(self._handle(), *args))

    @property
    def name(self) -> str:
        return self._name

    @property
    def sha256(self) -> str:
        return self._s(F.dx_ruleset_get_sha256)

    @property
    def fund_id(self) -> str:
        return self._s(F.dx_ruleset_get_fund_id)

    @property
    def fund_name(self) -> str:
        return self._s(F.dx_ruleset_get_fund_name)

    @property
    def fund_total_fen(self) -> int:
        return F.dx_ruleset_get_fund_total_fen(self._handle())

    @property
    def fund_enterprise_cap_fen(self) -> typing.Optional[int]:
        """fund.per_enterprise_cap in fen, or None."""
        v = F.dx_ruleset_get_fund_enterprise_cap_fen(self._handle())
        return None if v < 0 else v

    @property
    def fund_period(self) -> typing.Tuple[datetime.date, datetime.date]:
        """(from, to) as ``datetime.date``."""
        a, b = ctypes.c_void_p(), ctypes.c_void_p()
        F.dx_ruleset_dup_fund_period(self._handle(), ctypes.byref(a), ctypes.byref(b))
        return (datetime.date.fromisoformat(_lib.take_string(a.value)),
                datetime.date.fromisoformat(_lib.take_string(b.value)))

    @property
    def shortfall(self) -> str:
        return self._s(F.dx_ruleset_get_shortfall)

    @property
    def envelopes(self) -> typing.Dict[str, int]:
        """{bureau key (or "*"): total fen}, in file order."""
        p = self._handle()
        return {borrowed(F.dx_ruleset_get_envelope_key(p, i)): F.dx_ruleset_get_envelope_total_fen(p, i)
                for i in range(F.dx_ruleset_get_n_envelopes(p))}

    @property
    def bureaus(self) -> typing.Dict[str, str]:
        """{bureau key: display name}, e.g. {"commerce": "区商务局"}."""
        p = self._handle()
        return {borrowed(F.dx_ruleset_get_bureau_key(p, i)): borrowed(F.dx_ruleset_get_bureau_name(p, i))
                for i in range(F.dx_ruleset_get_n_bureaus(p))}

    @property
    def policies(self) -> typing.List[Policy]:
        """The policies in file order, as :class:`Policy`."""
        p = self._handle()
        return [Policy(borrowed(F.dx_ruleset_get_policy_id(p, i)), borrowed(F.dx_ruleset_get_policy_name(p, i)),
                       borrowed(F.dx_ruleset_get_policy_bureau(p, i)), borrowed(F.dx_ruleset_get_policy_basis(p, i)))
                for i in range(F.dx_ruleset_get_n_policies(p))]

    @property
    def fields(self) -> typing.List[Field]:
        """The application fields (built-ins first), as :class:`Field`."""
        p = self._handle()
        return [Field(borrowed(F.dx_ruleset_get_field_name(p, i)), borrowed(F.dx_ruleset_get_field_label(p, i)),
                      FieldType(F.dx_ruleset_get_field_type(p, i)))
                for i in range(F.dx_ruleset_get_n_fields(p))]

    @property
    def overrides(self) -> typing.List[str]:
        """The what-if settings applied at load, ``"NAME=VALUE"`` (empty for
        the rules as published)."""
        p = self._handle()
        return [borrowed(F.dx_ruleset_get_override(p, i)) for i in range(F.dx_ruleset_get_n_overrides(p))]

    @property
    def params(self) -> typing.List[Param]:
        """The effective-dated parameters in file order, as :class:`Param`
        (none in a format-1 ruleset)."""
        return [Param(name, label, ftype, tuple(ParamValue(since, v) for v, since in values))
                for _, name, label, ftype, values in _param_table(self._handle())]

    @property
    def warnings(self) -> typing.List[str]:
        """The lint warnings found at load (docs/rules.md, "Warnings"), one line
        each, ``file:line:col: key.path: message``; empty for a clean file. The
        ruleset decides exactly as written whatever they say."""
        p = self._handle()
        return [borrowed(F.dx_ruleset_get_warning(p, i)) for i in range(F.dx_ruleset_get_n_warnings(p))]

    def __repr__(self):
        if self.closed:
            return "<duixian.Ruleset %s (closed)>" % self._name
        return "<duixian.Ruleset %s: %s, %d policies>" % (self._name, self.fund_id, F.dx_ruleset_get_n_policies(self._ptr))



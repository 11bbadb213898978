# SPDX-License-Identifier: LGPL-2.1-or-later
"""Decisions (docs/rules.md §6-§8) as dataclasses, and the lazy list that holds them."""

from __future__ import annotations

import collections.abc
import ctypes
import dataclasses
import datetime
import decimal
import enum
import typing

from . import _lib
from ._handle import Handle
from ._lib import F, borrowed, take_string, to_bytes
from ._types import ApplicationArg, FieldType, PathArg, RulesetLike, UsedParam
from .application import _Application
from .money import yuan

__all__ = ["Status", "Reason", "Decision", "DecisionList"]


class Status(str, enum.Enum):
    """A decision's status (``DxStatus``). Compares equal to its string: ``Status.APPROVED == "approved"``."""
    APPROVED = "approved"
    REDUCED = "reduced"
    REJECTED = "rejected"
    INCOMPLETE = "incomplete"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    UNFUNDED = "unfunded"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value

    def label(self, lang: str = "zh") -> str:
        """The status as people read it: ``Status.REDUCED.label()`` is ``"核减兑现"``; ``lang="en"`` for English."""
        return _lib.borrowed(F.dx_status_to_label(_STATUS_VALUE[self], to_bytes(lang)))


# ABI values -> Status, straight from the library, so the order cannot drift.
_STATUS = {}
for _v in range(8):
    _STATUS[_v] = Status(_lib.borrowed(F.dx_status_to_string(_v)))
_STATUS_VALUE = {s: v for v, s in _STATUS.items()}
_REASON_CODES = {}
_REASON_VALUES = {}


def _reason_code(value):
    s = _REASON_CODES.get(value)
    if s is None:
        s = _REASON_CODES[value] = borrowed(F.dx_reason_code_to_string(value))
        _REASON_VALUES[s] = value
    return s


@dataclasses.dataclass(frozen=True)
class Reason:
    """One reason of a decision: a stable code (docs/rules.md §7) and its Chinese sentence."""
    code: str          # "clause_failed", "award_rate", ...
    message: str       # "不满足「实缴资本达到1亿元」：实缴资本为 8,000万元，要求 ≥ 1亿元"

    def __str__(self):
        return "%s: %s" % (self.code, self.message)

    def label(self, lang: str = "zh") -> str:
        """The code's short name, for a chart or a cell: ``"额度不足按比例核减"`` for ``rationed``."""
        value = _REASON_VALUES.get(self.code)
        if value is None:
            code = ctypes.c_uint(0)
            if not F.dx_reason_code_from_string(to_bytes(self.code), ctypes.byref(code)):
                return self.code
            value = _REASON_VALUES[self.code] = code.value
        return _lib.borrowed(F.dx_reason_code_to_label(value, to_bytes(lang)))


@dataclasses.dataclass(frozen=True)
class Decision:
    """One (application, policy) decision. Amounts are int fen."""
    app_id: str
    enterprise_id: str
    policy_id: str       # "" when the row names none
    bureau: str          # "" for no known policy
    status: Status
    computed_fen: int
    granted_fen: int
    row: int             # 1-based CSV line (or YAML map line); 0 from the API
    basis: str           # the policy's citation, "" for no known policy
    reasons: typing.Tuple[Reason, ...]
    rank: int = 0        # the place in a ranked policy (择优, §12); 0 none
    params: typing.Tuple[UsedParam, ...] = ()   # the parameters read (§10), in file order

    @property
    def computed_yuan(self) -> decimal.Decimal:
        """computed_fen as ``Decimal`` 元."""
        return yuan(self.computed_fen)

    @property
    def granted_yuan(self) -> decimal.Decimal:
        """granted_fen as ``Decimal`` 元."""
        return yuan(self.granted_fen)

    @property
    def reason_codes(self) -> typing.Tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def as_dict(self) -> typing.Dict[str, typing.Any]:
        """The decision as a dict of plain values (``str``, ``int``, ``list``), for
        JSON or a table: ``status`` is its string, amounts stay int fen, and the
        reasons are two lists in step, ``reasons`` (the codes, as decisions.csv
        joins them with ";") and ``messages`` (the sentences)."""
        return {
            "app_id": self.app_id,
            "enterprise_id": self.enterprise_id,
            "policy_id": self.policy_id,
            "bureau": self.bureau,
            "status": str(self.status),
            "computed_fen": self.computed_fen,
            "granted_fen": self.granted_fen,
            "row": self.row,
            "basis": self.basis,
            "reasons": [r.code for r in self.reasons],
            "messages": [r.message for r in self.reasons],
            "rank": self.rank,
            "params": {u.name: u.value for u in self.params},
        }


_U, _SE = "utf-8", "surrogateescape"


def _fast(cls):
    """A constructor for a frozen dataclass that fills ``__dict__`` in one step
    (the generated ``__init__`` goes through ``object.__setattr__`` once per
    field, which dominates reading a million decisions)."""
    new = object.__new__
    names = tuple(f.name for f in dataclasses.fields(cls))

    def make(*values):
        o = new(cls)
        o.__dict__.update(zip(names, values))
        return o
    return make


_make_reason = _fast(Reason)
_make_decision = _fast(Decision)


def _read_decision(d,
                   _app=F.dx_decision_get_app_id, _ent=F.dx_decision_get_enterprise_id,
                   _pol=F.dx_decision_get_policy_id, _bur=F.dx_decision_get_bureau,
                   _st=F.dx_decision_get_status, _comp=F.dx_decision_get_computed_fen,
                   _gr=F.dx_decision_get_granted_fen, _row=F.dx_decision_get_row,
                   _nr=F.dx_decision_get_n_reasons, _rc=F.dx_decision_get_reason_code,
                   _rm=F.dx_decision_dup_reason_message, _basis=F.dx_decision_get_basis,
                   _take=take_string, _code=_reason_code, _status=_STATUS,
                   _reason=_make_reason, _decision=_make_decision, _rank=F.dx_decision_get_rank,
                   _pvi=F.dx_decision_get_param_value_index, params=()):
    """Copies the borrowed ``const DxDecision *`` into a :class:`Decision`.
    ``params``: the ruleset's parameters as :func:`_param_table` gives them."""
    n = _nr(d)
    reasons = tuple([_reason(_code(_rc(d, i)), _take(_rm(d, i))) for i in range(n)]) if n else ()
    st = _st(d)
    used = ()
    if params:
        used = tuple(UsedParam(name, *values[j]) for i, name, _, _, values in params for j in (_pvi(d, i),) if j >= 0)
    return _decision(_app(d).decode(_U, _SE), _ent(d).decode(_U, _SE), _pol(d).decode(_U, _SE),
                     _bur(d).decode(_U, _SE), _status.get(st, st), _comp(d), _gr(d), _row(d),
                     _basis(d).decode(_U, _SE), reasons, _rank(d), used)


def _param_table(p: int):
    """((index, name, label, type, ((value, since), ...)), ...) for each
    parameter of ``ruleset``: read once per list, so a decision costs one call
    per parameter; Ruleset.params is made from it too. ``p``: a ``DxRuleset *``."""
    table = []
    for i in range(F.dx_ruleset_get_n_params(p)):
        values = []
        for j in range(F.dx_ruleset_get_param_n_values(p, i)):
            since = ctypes.c_void_p()
            v = take_string(F.dx_ruleset_dup_param_value(p, i, j, ctypes.byref(since)))
            values.append((v, datetime.date.fromisoformat(take_string(since.value))))
        table.append((i, borrowed(F.dx_ruleset_get_param_name(p, i)), borrowed(F.dx_ruleset_get_param_label(p, i)),
                      FieldType(F.dx_ruleset_get_param_type(p, i)), tuple(values)))
    return tuple(table)


class DecisionList(Handle, collections.abc.Sequence):
    """The decisions of a batch or round, in output order (app_id, policy id,
    input order). Owns a reference to the C list; each :class:`Decision` is
    built only when it is read, so iterating over a million decisions never
    holds them all in Python at once. Immutable, so safe to read from several
    threads."""

    __slots__ = ("_n", "_ruleset_for_explain", "_params")
    _free = staticmethod(F.dx_decision_list_unref)
    _what = "decision list"

    def __init__(self, ptr: int, ruleset: typing.Optional[RulesetLike] = None) -> None:
        super().__init__(ptr)
        self._n = F.dx_decision_list_get_n_items(ptr)
        self._ruleset_for_explain = ruleset     # to build the application explain() may take
        # from the list's own ruleset: the Ruleset object may be closed by now
        self._params = _param_table(F.dx_decision_list_get_ruleset(ptr))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        n = self._n
        i = index.__index__()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("decision index out of range")
        return _read_decision(F.dx_decision_list_get_item(self._handle(), i), params=self._params)

    def __iter__(self):
        get = F.dx_decision_list_get_item
        for i in range(self._n):
            yield _read_decision(get(self._handle(), i), params=self._params)

    def iter_json(self) -> typing.Iterator[str]:
        """Yields each decision as its JSON text (``dx_decision_dup_json``)."""
        get, dup = F.dx_decision_list_get_item, F.dx_decision_dup_json
        for i in range(self._n):
            yield take_string(dup(get(self._handle(), i)))

    def explain(self, index: int, app: typing.Optional[ApplicationArg] = None, *,
                lang: typing.Optional[str] = "zh") -> str:
        """The whole decision at ``index`` for a person (``duixian explain``): reasons,
        clauses, the award step by step and the installment plan, as text.

        ``app``, the mapping the decision came from (as given to decide() or
        the batch), adds every clause's actual and required values; ``lang`` is
        "zh" or "en". Needs a libduixian with dx_decision_dup_explanation().
        """
        fn = _lib.require("dx_decision_dup_explanation")
        i = index.__index__()
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("decision index out of range")
        lst = self._handle()
        a = None
        if app is not None:
            a = _Application(self._ruleset_for_explain)
        try:
            ap = a.fill(app, False, True) if a is not None else None
            return take_string(fn(F.dx_decision_list_get_item(lst, i), ap,
                                  None if lang is None else _lib.to_bytes(lang, "lang")))
        finally:
            if a is not None:
                a.close()

    def to_records(self) -> typing.List[typing.Dict[str, typing.Any]]:
        """Every decision as :meth:`Decision.as_dict`, in output order:
        ``pandas.DataFrame(lst.to_records())`` makes a table of them."""
        return [d.as_dict() for d in self]

    def to_csv(self) -> str:
        """decisions.csv (docs/rules.md §8) as text."""
        return take_string(F.dx_decision_list_dup_csv(self._handle()))

    def write_csv(self, path: PathArg) -> None:
        """Writes decisions.csv to ``path`` (replaced atomically)."""
        _lib.call_with_error(F.dx_decision_list_write_csv, self._handle(), _lib.fs_bytes(path))

    def __repr__(self):
        return "<duixian.DecisionList of %d%s>" % (self._n, " (closed)" if self.closed else "")

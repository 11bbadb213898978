# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fund rounds (docs/rules.md §6 steps 1-10, §8)."""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime
import decimal
import json
import os
import typing

from . import _lib
from ._handle import Handle
from ._lib import F, call_with_error, fs_bytes, take_string, to_bytes
from .decisions import DecisionList, _fast
from .money import yuan
from ._types import ApplicationsArg, EncodingArg, PathArg, ProgressArg, RulesetLike
from .batch import Batch
from .ledger import Ledger

__all__ = ["Round", "ScheduleLine", "Schedule", "Summary", "EnvelopeSummary", "PolicySummary"]


@dataclasses.dataclass(frozen=True)
class ScheduleLine:
    """One payout line (schedule.csv)."""
    batch_id: str          # "YYYYMMDD-<bureau>"
    date: datetime.date
    bureau: str
    enterprise_id: str
    app_id: str
    policy_id: str
    installment: int       # from 1
    of: int
    amount_fen: int
    future: bool           # dated after the fund period

    @property
    def amount_yuan(self) -> decimal.Decimal:
        return yuan(self.amount_fen)


@dataclasses.dataclass(frozen=True)
class EnvelopeSummary:
    """One envelope in summary.json; amounts in fen."""
    key: str
    total: int
    charged_before: int
    requested: int
    granted: int
    remaining: int


@dataclasses.dataclass(frozen=True)
class PolicySummary:
    id: str
    applied: int
    approved: int          # approved + reduced
    granted_fen: int


@dataclasses.dataclass(frozen=True)
class Summary:
    """summary.json (docs/rules.md §8). ``raw`` is the parsed JSON itself (ints stay ints)."""
    format: str
    fund: str
    approval_date: str
    shortfall: str
    envelopes: typing.Dict[str, EnvelopeSummary]
    status_counts: typing.Dict[str, int]
    policies: typing.Dict[str, PolicySummary]
    decisions: int
    granted_fen: int
    raw: dict = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_json(cls, text: str) -> Summary:
        d = json.loads(text)
        envs = {k: EnvelopeSummary(k, v["total"], v["charged_before"], v["requested"], v["granted"],
                                   v["remaining"]) for k, v in d.get("envelopes", {}).items()}
        pols = {k: PolicySummary(k, v["applied"], v["approved"], v["granted_fen"])
                for k, v in d.get("policies", {}).items()}
        return cls(d.get("format"), d.get("fund"), d.get("approval_date"), d.get("shortfall"), envs,
                   dict(d.get("status_counts", {})), pols, d.get("decisions"), d.get("granted_fen"), d)

    @property
    def granted_yuan(self) -> decimal.Decimal:
        return yuan(self.granted_fen)


_make_line = _fast(ScheduleLine)
_U, _SE = "utf-8", "surrogateescape"


def _read_line(p, _bid=F.dx_schedule_line_get_batch_id, _date=F.dx_schedule_line_get_date,
               _bur=F.dx_schedule_line_get_bureau, _ent=F.dx_schedule_line_get_enterprise_id,
               _app=F.dx_schedule_line_get_app_id, _pol=F.dx_schedule_line_get_policy_id,
               _inst=F.dx_schedule_line_get_installment, _of=F.dx_schedule_line_get_of,
               _amt=F.dx_schedule_line_get_amount_fen, _fut=F.dx_schedule_line_get_future,
               _fromiso=datetime.date.fromisoformat, _make=_make_line):
    """Copies a borrowed ``const DxScheduleLine *`` into a :class:`ScheduleLine`."""
    return _make(_bid(p).decode(_U, _SE), _fromiso(_date(p).decode()), _bur(p).decode(_U, _SE),
                 _ent(p).decode(_U, _SE), _app(p).decode(_U, _SE), _pol(p).decode(_U, _SE),
                 _inst(p), _of(p), _amt(p), bool(_fut(p)))


class Schedule(collections.abc.Sequence):
    """The payout lines of a round, sorted as schedule.csv, built lazily.
    Valid while its round is open."""

    def __init__(self, rnd: Round) -> None:
        self._round = rnd
        self._n = F.dx_round_get_n_schedule_lines(rnd._handle())

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        i = index.__index__()
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("schedule index out of range")
        return _read_line(F.dx_round_get_schedule_line(self._round._handle(), i))

    def __iter__(self):
        for i in range(self._n):
            yield _read_line(F.dx_round_get_schedule_line(self._round._handle(), i))


def _date_text(d):
    if isinstance(d, datetime.datetime):
        raise TypeError("approval_date is a date, not a datetime")
    if isinstance(d, datetime.date):
        return d.isoformat()
    if isinstance(d, str):
        return d
    raise TypeError("approval_date is a datetime.date or 'YYYY-MM-DD', not %s" % type(d).__name__)


class Round(Handle):
    """One disbursement round: a ruleset, applications, an approval date, and
    optionally a :class:`~duixian.Ledger` (read, then committed in one
    transaction unless ``dry_run``) and history files (awards from outside
    this fund). Single owner, not thread-safe; a context manager::

        with rules.run_round("apps.csv", "2022-06-30", ledger=ledger) as r:
            print(r.summary.granted_fen)
            for d in r.decisions: ...

    ``as_of_round=N`` replays committed round N of the ledger (``duixian
    replay``): it is decided against only what the ledger held before that
    round, and nothing is committed.

    Raises ApplicationError for a bad date, HistoryError for a bad history
    row, LedgerError when the ledger cannot be read, has no round
    ``as_of_round``, or the commit fails.
    """

    __slots__ = ("_ruleset", "_ledger", "_ran", "_decisions", "_summary")
    _free = staticmethod(F.dx_round_free)
    _what = "round"

    def __init__(self, ruleset: RulesetLike, approval_date: typing.Union[datetime.date, str], *,
                 ledger: typing.Optional[Ledger] = None,
                 history: typing.Union[PathArg, typing.Iterable[PathArg], None] = (),
                 dry_run: bool = False, as_of_round: int = 0) -> None:
        super().__init__(call_with_error(F.dx_round_new, ruleset._handle(),
                                         to_bytes(_date_text(approval_date), "approval_date")))
        self._ruleset = ruleset
        self._ledger = None
        self._ran = False
        self._decisions = None
        self._summary = None
        try:
            if isinstance(history, (str, bytes, os.PathLike)):
                history = (history,)
            for h in history or ():
                call_with_error(F.dx_round_add_history_file, self._ptr, fs_bytes(h))
            if ledger is not None:
                F.dx_round_set_ledger(self._ptr, ledger._handle())
                self._ledger = ledger          # the C round borrows it
            F.dx_round_set_dry_run(self._ptr, bool(dry_run))
            if as_of_round:
                # a replay: decided against the ledger as it was before that round; commits nothing
                F.dx_round_set_as_of_round(self._ptr, int(as_of_round))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Frees the round. A DecisionList already taken from it stays valid (it
        holds its own reference); the schedule does not."""
        self._decisions = None
        super().close()
        self._ledger = None

    def run(self, applications: typing.Union[Batch, ApplicationsArg], *, encoding: EncodingArg = None,
            strict: bool = False, ignore_unknown: bool = False, progress: ProgressArg = None) -> Round:
        """Runs steps 1-10 on a :class:`~duixian.Batch`, a CSV/YAML/JSON path, or
        an iterable of mappings. Returns self."""
        p = self._handle()
        if self._ran:
            raise ValueError("this round has already run")
        if self._ledger is not None:
            self._ledger._handle()              # still open?
        if isinstance(applications, Batch):
            if applications._ruleset._ptr != self._ruleset._ptr:
                raise ValueError("the batch belongs to another ruleset")
            call_with_error(F.dx_round_run, p, applications._open())
            applications._used = True
        else:
            with Batch(self._ruleset, progress=progress) as b:
                b.add_any(applications, encoding=encoding, strict=strict, ignore_unknown=ignore_unknown)
                b._used = True
                call_with_error(F.dx_round_run, p, b._handle())
        self._ran = True
        return self

    def _done(self):
        p = self._handle()
        if not self._ran:
            raise ValueError("the round has not run yet")
        return p

    @property
    def decisions(self) -> DecisionList:
        """The :class:`~duixian.DecisionList` (granted amounts final), in output order.
        It holds its own reference, so it stays valid after the round is closed."""
        if self._decisions is None:
            self._decisions = DecisionList(F.dx_decision_list_ref(F.dx_round_get_decisions(self._done())),
                                           self._ruleset)
        return self._decisions

    @property
    def schedule(self) -> Schedule:
        """The payout lines (:class:`Schedule` of :class:`ScheduleLine`)."""
        self._done()
        return Schedule(self)

    @property
    def summary(self) -> Summary:
        """summary.json as a :class:`Summary`."""
        if self._summary is None:
            self._summary = Summary.from_json(self.summary_json())
        return self._summary

    @property
    def round_id(self) -> int:
        """The ledger's id of the committed round, or 0 (no ledger, or dry run)."""
        return F.dx_round_get_round_id(self._done())

    def to_records(self) -> typing.List[typing.Dict[str, typing.Any]]:
        """One dict of plain values per decision (:meth:`Decision.as_dict`), in
        output order, so ``pandas.DataFrame(r.to_records())`` is the round's
        decisions as a table (pandas is not needed by this package)."""
        return self.decisions.to_records()

    def decisions_csv(self) -> str:
        return self.decisions.to_csv()

    def schedule_csv(self) -> str:
        return take_string(F.dx_round_dup_schedule_csv(self._done()))

    def summary_json(self) -> str:
        return take_string(F.dx_round_dup_summary_json(self._done()))

    def write_outputs(self, directory: PathArg) -> None:
        """Writes decisions.csv, schedule.csv and summary.json into an existing directory."""
        call_with_error(F.dx_round_write_outputs, self._done(), fs_bytes(directory))

    def write_compare(self, reform: "Round", directory: PathArg) -> None:
        """Writes compare.csv, compare.json and compare.html (``duixian compare``)
        into ``directory``: this round as the base, ``reform`` (the same
        applications under other rules or what-if settings) beside it."""
        call_with_error(F.dx_compare_write, self._done(), reform._done(), fs_bytes(directory))

    def write_report(self, directory: PathArg, path: typing.Optional[PathArg] = None) -> PathArg:
        """Writes the outputs into ``directory`` and, from them, the self-contained
        HTML report (default ``directory/report.html``). Returns its path.
        Needs a libduixian with dx_report_write_html()."""
        fn = _lib.require("dx_report_write_html")
        self.write_outputs(directory)
        path = os.path.join(directory, "report.html") if path is None else path
        call_with_error(fn, self._ruleset._handle(), fs_bytes(directory), fs_bytes(path))
        return path

# SPDX-License-Identifier: LGPL-2.1-or-later
"""Payment runs (拨付, ``duixian/dx-payrun.h``, ``duixian pay``): the
installment lines due by a date, checked against their conditions and
committed to the ledger as one entry; and commitment reviews (承诺复核,
``duixian/dx-review.h``, ``duixian review``)."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import typing

from ._lib import F, call_with_error, fs_bytes, to_bytes
from ._types import PathArg
from .ledger import Ledger
from .ruleset import Ruleset

__all__ = ["PaymentTotals", "PaymentRun", "pay", "ReviewResult", "review"]


class _Totals(ctypes.Structure):
    # DxPayrunTotals, field for field
    _fields_ = [("paid_fen", ctypes.c_int64), ("forfeited_fen", ctypes.c_int64), ("held_fen", ctypes.c_int64),
                ("paid_lines", ctypes.c_size_t), ("forfeited_lines", ctypes.c_size_t),
                ("held_lines", ctypes.c_size_t)]


@dataclasses.dataclass(frozen=True)
class PaymentTotals:
    """What a payment run paid, forfeited and held: fen and line counts."""
    paid_fen: int
    forfeited_fen: int
    held_fen: int
    paid_lines: int
    forfeited_lines: int
    held_lines: int


@dataclasses.dataclass(frozen=True)
class PaymentRun:
    """A payment run that ran. ``id`` is its ledger entry (0 for a dry run);
    ``envelopes`` maps each envelope key of the fund to its totals."""
    id: int
    through: str
    totals: PaymentTotals
    envelopes: typing.Dict[str, PaymentTotals]
    warnings: typing.Tuple[str, ...]


def _totals(ptr: int, key: typing.Optional[bytes]) -> PaymentTotals:
    t = _Totals()
    if not F.dx_payrun_get_totals(ptr, key, ctypes.byref(t)):
        raise KeyError(key)
    return PaymentTotals(t.paid_fen, t.forfeited_fen, t.held_fen, t.paid_lines, t.forfeited_lines, t.held_lines)


def pay(rules: Ruleset, ledger: Ledger, through: typing.Union[datetime.date, str], *, checks: typing.Optional[PathArg] = None,
        history: typing.Sequence[PathArg] = (), out_dir: typing.Optional[PathArg] = None,
        dry_run: bool = False) -> PaymentRun:
    """Runs a payment run of ``rules`` (a :class:`Ruleset` of the ledger's
    fund) over ``ledger`` (a :class:`Ledger`) through ``through``: every
    scheduled line due by then is paid, forfeited or held, as its
    installment's ``requires`` say on the enterprise's row of ``checks``.
    With ``out_dir`` the run writes payments.csv, payments.json and
    payments-explained.csv there. ``dry_run`` decides without committing.
    Raises ApplicationError for a bad checks file, RulesError when a line's
    policy is not in the rules, LedgerError for a ledger of another fund."""
    date = through.isoformat() if isinstance(through, datetime.date) else str(through)
    ptr = call_with_error(F.dx_payrun_new, rules._handle(), ledger._handle(), to_bytes(date, "through"))
    try:
        if checks is not None:
            call_with_error(F.dx_payrun_set_checks_file, ptr, fs_bytes(checks), None)
        for h in history:
            call_with_error(F.dx_payrun_add_history_file, ptr, fs_bytes(h))
        call_with_error(F.dx_payrun_run, ptr, bool(dry_run))
        if out_dir is not None:
            call_with_error(F.dx_payrun_write, ptr, fs_bytes(out_dir))
        warnings = []
        w = F.dx_payrun_get_warnings(ptr)
        i = 0
        while w[i] is not None:
            warnings.append(w[i].decode("utf-8"))
            i += 1
        envelopes = {}
        for e in range(F.dx_ruleset_get_n_envelopes(rules._handle())):
            key = F.dx_ruleset_get_envelope_key(rules._handle(), e)
            envelopes[key.decode("utf-8")] = _totals(ptr, key)
        return PaymentRun(F.dx_payrun_get_id(ptr), date, _totals(ptr, None), envelopes, tuple(warnings))
    finally:
        F.dx_payrun_free(ptr)


class _ReviewTotals(ctypes.Structure):
    # DxReviewTotals, field for field
    _fields_ = [("reviewed", ctypes.c_size_t), ("kept", ctypes.c_size_t), ("breached", ctypes.c_size_t),
                ("missing", ctypes.c_size_t), ("errors", ctypes.c_size_t), ("cancelled_fen", ctypes.c_int64),
                ("refund_due_fen", ctypes.c_int64)]


@dataclasses.dataclass(frozen=True)
class ReviewResult:
    """A commitment review that ran. ``id`` is its ledger entry (0 for a
    dry run); amounts are int fen."""
    id: int
    date: str
    reviewed: int
    kept: int
    breached: int
    missing: int
    errors: int
    cancelled_fen: int
    refund_due_fen: int


def review(rules: Ruleset, ledger: Ledger, date: typing.Union[datetime.date, str], *, checks: PathArg,
           history: typing.Sequence[PathArg] = (), out_dir: typing.Optional[PathArg] = None,
           dry_run: bool = False) -> ReviewResult:
    """Reviews the commitments of ``ledger``'s live grants whose period
    contains ``date`` on the enterprises' rows of ``checks``; a broken one
    claws its grant back. With ``out_dir`` the review writes clawbacks.csv,
    clawbacks.json and clawbacks-explained.csv there. ``dry_run`` decides
    without committing. Raises ApplicationError for a bad checks file,
    LedgerError for a ledger of another fund."""
    d = date.isoformat() if isinstance(date, datetime.date) else str(date)
    ptr = call_with_error(F.dx_review_new, rules._handle(), ledger._handle(), to_bytes(d, "date"))
    try:
        call_with_error(F.dx_review_set_checks_file, ptr, fs_bytes(checks), None)
        for h in history:
            call_with_error(F.dx_review_add_history_file, ptr, fs_bytes(h))
        call_with_error(F.dx_review_run, ptr, bool(dry_run))
        if out_dir is not None:
            call_with_error(F.dx_review_write, ptr, fs_bytes(out_dir))
        t = _ReviewTotals()
        F.dx_review_get_totals(ptr, ctypes.byref(t))
        return ReviewResult(F.dx_review_get_id(ptr), d, t.reviewed, t.kept, t.breached, t.missing, t.errors,
                            t.cancelled_fen, t.refund_due_fen)
    finally:
        F.dx_review_free(ptr)

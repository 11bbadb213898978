# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ledger of a fund's rounds (one SQLite file, hash-chained, append-only)."""

from __future__ import annotations

import ctypes
import dataclasses
import os
import typing

from ._handle import Handle
from ._lib import F, call_with_error, fs_bytes, take_string, to_bytes

__all__ = ["Ledger", "LedgerRound", "Clawback", "EnvelopeMoney", "RefundOutstanding", "LedgerMoney"]


@dataclasses.dataclass(frozen=True)
class LedgerRound:
    """One committed round as the ledger records it."""
    id: int
    created_at: typing.Optional[str]
    approval_date: typing.Optional[str]
    fund_id: typing.Optional[str]
    ruleset_sha256: typing.Optional[str]
    input_sha256: typing.Optional[str]
    params: typing.Optional[str]
    granted_fen: int
    n_decisions: int


@dataclasses.dataclass(frozen=True)
class Clawback:
    """A committed manual claw-back (docs/rules.md §14): what had been paid,
    what its cancelled lines held, the refund now due (fen), its ledger
    entry and the ledger's head right after it."""
    paid_fen: int
    cancelled_fen: int
    refund_due_fen: int
    entry: int
    head: str


@dataclasses.dataclass(frozen=True)
class EnvelopeMoney:
    """One envelope's money (docs/rules.md §15), fen. ``granted_fen`` =
    paid + scheduled due + scheduled future + forfeited + cancelled;
    ``net_charged_fen`` = granted − forfeited − cancelled − refunds received."""
    key: str
    total_fen: int
    granted_fen: int
    paid_fen: int
    scheduled_due_fen: int
    scheduled_future_fen: int
    held_fen: int
    forfeited_fen: int
    cancelled_fen: int
    refund_due_fen: int
    refund_received_fen: int
    net_charged_fen: int
    remaining_fen: int


@dataclasses.dataclass(frozen=True)
class RefundOutstanding:
    """A clawed-back grant with money still due back."""
    app_id: str
    enterprise_id: str
    policy_id: str
    bureau: str
    envelope: str
    date: str
    due_fen: int
    received_fen: int


@dataclasses.dataclass(frozen=True)
class LedgerMoney:
    """The ledger's money as of ``date``: per envelope (by key) and the
    refunds outstanding (by app_id, policy_id)."""
    date: typing.Optional[str]
    fund_id: str
    envelopes: typing.List[EnvelopeMoney]
    refunds_outstanding: typing.List[RefundOutstanding]


class _EnvelopeMoneyC(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p)] + [(n, ctypes.c_int64) for n in (
        "total_fen", "granted_fen", "paid_fen", "scheduled_due_fen", "scheduled_future_fen", "held_fen",
        "forfeited_fen", "cancelled_fen", "refund_due_fen", "refund_received_fen", "net_charged_fen",
        "remaining_fen")]


class _RefundC(ctypes.Structure):
    _fields_ = [(n, ctypes.c_char_p) for n in (
        "app_id", "enterprise_id", "policy_id", "bureau", "envelope", "date")] + [
        ("due_fen", ctypes.c_int64), ("received_fen", ctypes.c_int64)]


def _money_fen(amount: typing.Union[int, str]) -> int:
    if isinstance(amount, bool):
        raise TypeError("amount: fen as int, or money text such as '150万元'")
    if isinstance(amount, int):
        return amount
    fen = ctypes.c_int64()
    call_with_error(F.dx_money_parse, to_bytes(amount, "amount"), ctypes.byref(fen))
    return fen.value


class Ledger(Handle):
    """A fund's ledger. Single owner, not thread-safe: use it from one thread
    at a time (two processes may open one file). Close it, or use ``with``,
    so the database file is closed promptly::

        with duixian.Ledger.open("out/ledger.db") as ledger:
            rules.run_round(apps, "2022-06-30", ledger=ledger)
    """

    __slots__ = ("_readonly",)
    _free = staticmethod(F.dx_ledger_free)
    _what = "ledger"

    @classmethod
    def open(cls, path: typing.Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"], *,
             readonly: bool = False) -> Ledger:
        """Opens (creating it unless ``readonly``) a ledger file, or a ledger on a
        PostgreSQL server: ``"postgresql://USER@HOST/DBNAME"`` or libpq's
        ``"host=HOST dbname=DBNAME"`` (docs/ledger.md). Raises LedgerError,
        whose message shows a password as ***."""
        fn = F.dx_ledger_open_readonly if readonly else F.dx_ledger_open
        self = cls(call_with_error(fn, fs_bytes(path)))
        self._readonly = readonly
        return self

    def verify(self, expect_head: typing.Optional[str] = None) -> int:
        """Checks the hash chain; returns the number of entries checked.
        Raises LedgerCorruptError naming the first bad entry. With
        ``expect_head`` (a head_hash kept from an earlier commit), also
        raises LedgerCorruptError unless the chain passes through it, which
        a truncated or re-chained ledger does not."""
        n = ctypes.c_uint64()
        if expect_head is None:
            call_with_error(F.dx_ledger_verify, self._handle(), ctypes.byref(n))
        else:
            call_with_error(F.dx_ledger_verify_through, self._handle(), to_bytes(expect_head, "expect_head"),
                            ctypes.byref(n))
        return n.value

    def revoke(self, app_id: str, reason: str) -> None:
        """Revokes (撤销/追回) every live grant of ``app_id``. Raises LedgerError."""
        call_with_error(F.dx_ledger_revoke, self._handle(), to_bytes(app_id, "app_id"),
                        to_bytes(reason, "reason"))

    def clawback(self, app_id: str, policy_id: str, date: str, reason: str,
                 out_dir: typing.Optional[typing.Union[str, "os.PathLike[str]"]] = None) -> Clawback:
        """Claws back (追回) the live grant of ``policy_id`` to ``app_id`` on
        ``date``: its scheduled lines are cancelled, all that was paid is due
        back, one ledger entry. With ``out_dir``, writes clawbacks.csv and
        clawbacks.json there. Raises LedgerError (no such grant, revoked,
        clawed back already) or ApplicationError (code VALUE_INVALID: date, reason)."""
        p = call_with_error(F.dx_clawback_manual, self._handle(), to_bytes(app_id, "app_id"),
                            to_bytes(policy_id, "policy_id"), to_bytes(date, "date"), to_bytes(reason, "reason"))
        try:
            if out_dir is not None:
                call_with_error(F.dx_clawback_write, p, fs_bytes(out_dir))
            return Clawback(F.dx_clawback_get_paid_fen(p), F.dx_clawback_get_cancelled_fen(p),
                            F.dx_clawback_get_refund_due_fen(p), F.dx_clawback_get_id(p),
                            F.dx_clawback_get_head(p).decode())
        finally:
            F.dx_clawback_free(p)

    def refund(self, app_id: str, policy_id: str, amount: typing.Union[int, str], date: str,
               reference: str) -> int:
        """Records a refund receipt (退回) of ``amount`` (fen, or money text
        such as "150万元") on a clawed-back grant; returns what is still due
        (fen). Raises ApplicationError (code VALUE_INVALID) when the amount is not above 0 or is
        more than still due, LedgerError when no refund is due."""
        still = ctypes.c_int64()
        call_with_error(F.dx_ledger_refund, self._handle(), to_bytes(app_id, "app_id"),
                        to_bytes(policy_id, "policy_id"), _money_fen(amount), to_bytes(date, "date"),
                        to_bytes(reference, "reference"), ctypes.byref(still))
        return still.value

    def money(self, date: typing.Optional[str] = None) -> LedgerMoney:
        """The ledger's money per envelope as of ``date`` (YYYY-MM-DD; today
        when None) and the refunds outstanding (docs/rules.md §15)."""
        p = call_with_error(F.dx_ledger_view_new, self._handle(), None if date is None else to_bytes(date, "date"))
        try:
            envs = []
            for i in range(F.dx_ledger_view_get_n_envelopes(p)):
                e = ctypes.cast(F.dx_ledger_view_get_envelope(p, i), ctypes.POINTER(_EnvelopeMoneyC)).contents
                envs.append(EnvelopeMoney(e.key.decode(), *(getattr(e, n) for n, _ in _EnvelopeMoneyC._fields_[1:])))
            refunds = []
            for i in range(F.dx_ledger_view_get_n_refunds(p)):
                r = ctypes.cast(F.dx_ledger_view_get_refund(p, i), ctypes.POINTER(_RefundC)).contents
                refunds.append(RefundOutstanding(r.app_id.decode(), r.enterprise_id.decode(), r.policy_id.decode(),
                                                 r.bureau.decode(), r.envelope.decode(), r.date.decode(),
                                                 r.due_fen, r.received_fen))
            return LedgerMoney(date, F.dx_ledger_view_get_fund_id(p).decode(), envs, refunds)
        finally:
            F.dx_ledger_view_free(p)

    def app_money(self, app_id: str, lang: str = "zh") -> str:
        """What the ledger holds of ``app_id``'s money, for people: each
        grant's lines and their state, a claw-back, the refunds ("" when the
        ledger has no grant of it)."""
        return take_string(call_with_error(F.dx_ledger_dup_app_money, self._handle(), to_bytes(app_id, "app_id"),
                                           to_bytes(lang, "lang"))) or ""

    @property
    def rounds(self) -> typing.List[LedgerRound]:
        """The committed rounds, oldest first, as :class:`LedgerRound`."""
        p = self._handle()
        out = []
        for i in range(F.dx_ledger_get_n_rounds(p)):
            def field(name: bytes) -> typing.Optional[str]:
                return take_string(F.dx_ledger_dup_round_field(p, i, name))
            out.append(LedgerRound(F.dx_ledger_get_round_id(p, i), field(b"created_at"),
                                   field(b"approval_date"), field(b"fund_id"), field(b"ruleset_sha256"),
                                   field(b"input_sha256"), field(b"params"),
                                   F.dx_ledger_get_round_granted_fen(p, i),
                                   F.dx_ledger_get_round_n_decisions(p, i)))
        return out

    @property
    def n_rounds(self) -> int:
        return F.dx_ledger_get_n_rounds(self._handle())

    def charged_fen(self, fund_id: str, envelope: str = "*") -> int:
        """What rounds charged to an envelope of a fund, net of revocations."""
        return F.dx_ledger_get_charged_fen(self._handle(), to_bytes(fund_id, "fund_id"),
                                           to_bytes(envelope, "envelope"))

    @property
    def head_hash(self) -> str:
        """The hash of the last entry (hex), or "" when empty."""
        return take_string(F.dx_ledger_dup_head_hash(self._handle()))

# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ledger of a fund's rounds (one SQLite file, hash-chained, append-only)."""

from __future__ import annotations

import ctypes
import dataclasses
import os
import typing

from ._handle import Handle
from ._lib import F, call_with_error, fs_bytes, take_string, to_bytes

__all__ = ["Ledger", "LedgerRound"]


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

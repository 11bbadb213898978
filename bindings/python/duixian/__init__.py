# SPDX-License-Identifier: LGPL-2.1-or-later
"""duixian (兑现): exact, explained policy fulfilment, from Python.

A pure-Python binding (ctypes, standard library only) to libduixian::

    import duixian
    rules = duixian.Ruleset.load("rules/wuchang-2022.yaml")
    [d] = rules.decide({"app_id": "WC-0001", "enterprise_id": "91420106MA4K0001",
                        "policy": "FIN-HQ", "submitted_on": "2022-05-10",
                        "district": "武昌区", "blacklisted": False,
                        "paid_in_capital": "12亿元", ...})
    d.status, d.granted_fen, d.granted_yuan, [r.message for r in d.reasons]

    with duixian.Ledger.open("out/ledger.db") as ledger, \\
         rules.run_round("apps.csv", "2022-06-30", ledger=ledger) as r:
        print(r.summary.envelopes["commerce"].granted)

Money is ``int`` fen everywhere (``yuan()`` / ``fen()`` convert to and from
``decimal.Decimal`` 元 exactly); ``float`` is refused.

Errors are exceptions carrying the C error's ``code`` and its
``file:line:col: ...`` ``message``: :class:`RulesError`,
:class:`ApplicationError`, :class:`LedgerError` (and
:class:`LedgerCorruptError`), :class:`HistoryError`, :class:`DuixianIOError`,
:class:`LimitError`, all subclasses of :class:`DuixianError`.

The library is found through ``$DUIXIAN_LIBRARY`` (a path), then the build
tree of a source checkout (``build/lib/libduixian.so.0``), then the install
prefix, then the system's search path; ``ImportError`` lists what was tried.

Threads
-------
- A :class:`Ruleset` is immutable and may be shared by threads: ``decide``,
  ``batch`` and ``run_round`` may be called from many threads at once.
- :class:`Batch`, :class:`Round` and :class:`Ledger` have a single owner:
  use each from one thread at a time.
- :class:`DecisionList` is immutable once returned; read it from any thread.
- The library is loaded with ``ctypes.CDLL``, which releases the GIL during
  every call into libduixian, so long calls (loading rules, reading a CSV
  file, deciding a batch, running a round) let other Python threads run,
  and threads deciding with one ruleset run in parallel inside the library.
  A progress callback takes the GIL back while it runs.
- A long C call cannot be interrupted by Ctrl-C; KeyboardInterrupt is raised
  when it returns.

Every C object is freed when its Python owner is garbage collected; ``close()``
(or a ``with`` block) frees it at once, which matters for a :class:`Ledger`
(an open database file) and for large rounds and decision lists.
"""

from __future__ import annotations

import typing

from ._lib import library_path
from ._types import PathArg
from .errors import (ApplicationError, DuixianError, DuixianIOError, ErrorCode, HistoryError,
                     LedgerCorruptError, LedgerError, LimitError, RulesError)
from .money import MAX_FEN, fen, format_money, format_wan, format_yuan, parse as parse_money, yuan
from .decisions import Decision, DecisionList, Reason, Status
from ._types import Encoding, FieldType, ParamValue, UsedParam
from .batch import Batch
from .ruleset import Field, Param, Policy, Ruleset
from .fit import FitResult, RuleTestResult, fit, run_rule_tests
from .ledger import Clawback, EnvelopeMoney, Ledger, LedgerMoney, LedgerRound, RefundOutstanding
from .payrun import PaymentRun, PaymentTotals, ReviewResult, pay, review
from .round import EnvelopeSummary, PolicySummary, Round, Schedule, ScheduleLine, Summary

__version__ = "0.1.0"

__all__ = [
    "Ruleset", "Batch", "Round", "Ledger", "LedgerRound", "PaymentRun", "PaymentTotals", "pay", "ReviewResult", "review",
    "Clawback", "EnvelopeMoney", "LedgerMoney", "RefundOutstanding",
    "Decision", "DecisionList", "Reason", "Status",
    "ScheduleLine", "Schedule", "Summary", "EnvelopeSummary", "PolicySummary",
    "FitResult", "fit", "RuleTestResult", "run_rule_tests", "Field", "FieldType", "Param", "ParamValue", "UsedParam", "Policy", "Encoding",
    "DuixianError", "RulesError", "ApplicationError", "LedgerError", "LedgerCorruptError",
    "HistoryError", "DuixianIOError", "LimitError", "ErrorCode",
    "MAX_FEN", "yuan", "fen", "parse_money", "format_money", "format_yuan", "format_wan",
    "library_path", "load", "from_string",
]


def load(path: PathArg, **options: typing.Optional[int]) -> Ruleset:
    """Shorthand for :meth:`Ruleset.load`."""
    return Ruleset.load(path, **options)


def from_string(text: typing.Union[str, bytes], name: str = "<rules>", **options: typing.Optional[int]) -> Ruleset:
    """Shorthand for :meth:`Ruleset.from_string`."""
    return Ruleset.from_string(text, name, **options)

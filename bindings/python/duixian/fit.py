# SPDX-License-Identifier: LGPL-2.1-or-later
"""Policy design tools: fitting a parameter to an envelope or a budget
(``duixian/dx-fit.h``, ``duixian fit``) and rule tests
(``duixian/dx-rule-tests.h``, ``duixian test``)."""

from __future__ import annotations

import dataclasses
import datetime
import typing

from . import _lib
from ._lib import F, call_with_error, fs_bytes, to_bytes
from ._types import PathArg

__all__ = ["FitResult", "fit", "RuleTestResult", "run_rule_tests"]


@dataclasses.dataclass(frozen=True)
class FitResult:
    """The fitted value of a parameter. ``value`` and ``step`` are rules
    literals ("1.66%", "40万元"); amounts are int fen; ``probes`` are the
    (value, demand_fen) pairs tried, in increasing order of value."""
    param: str
    value: str
    step: str
    demand_fen: int
    budget_fen: int
    headroom_fen: int
    monotone: bool
    probes: typing.Tuple[typing.Tuple[str, int], ...]


def fit(rules: PathArg, applications: PathArg, param: str, *, envelope: typing.Optional[str] = None,
        budget_fen: typing.Optional[int] = None,
        approval_date: typing.Union[datetime.date, str, None] = None,
        step: typing.Optional[str] = None) -> FitResult:
    """The value of ``param`` at which the demand on ``envelope`` (or, with
    ``budget_fen``, on the whole fund) is as large as possible without
    exceeding it, exact to ``step``. ``approval_date`` defaults to the fund's
    last day. Raises ApplicationError when no value fits or an argument is
    wrong, RulesError for a bad rules file."""
    if (envelope is None) == (budget_fen is None):
        raise ValueError("give one of envelope= and budget_fen=")
    if approval_date is None:
        from .ruleset import Ruleset   # only for the default date
        with Ruleset.load(rules) as rs:
            approval_date = rs.fund_period[1]
    date = approval_date.isoformat() if isinstance(approval_date, datetime.date) else str(approval_date)
    ptr = call_with_error(F.dx_fit_new, fs_bytes(rules), to_bytes(param, "param"), to_bytes(date, "approval_date"))
    try:
        if step is not None:
            call_with_error(F.dx_fit_set_step, ptr, to_bytes(step, "step"))
        if envelope is not None:
            call_with_error(F.dx_fit_set_envelope, ptr, to_bytes(envelope, "envelope"))
        else:
            if isinstance(budget_fen, bool) or not isinstance(budget_fen, int) or budget_fen < 0:
                raise ValueError("budget_fen is an int of 0 or more, not %r" % (budget_fen,))
            F.dx_fit_set_budget_fen(ptr, budget_fen)
        call_with_error(F.dx_fit_run, ptr, fs_bytes(applications), None)
        probes = []
        for i in range(F.dx_fit_get_n_probes(ptr)):
            d = _lib.ctypes.c_int64()
            v = _lib.borrowed(F.dx_fit_get_probe(ptr, i, _lib.ctypes.byref(d)))
            probes.append((v, d.value))
        demand, budget = F.dx_fit_get_demand_fen(ptr), F.dx_fit_get_budget_fen(ptr)
        return FitResult(param, _lib.borrowed(F.dx_fit_get_value(ptr)), _lib.borrowed(F.dx_fit_get_step(ptr)),
                         demand, budget, budget - demand, bool(F.dx_fit_get_monotone(ptr)), tuple(probes))
    finally:
        F.dx_fit_free(ptr)


@dataclasses.dataclass(frozen=True)
class RuleTestResult:
    """What ``duixian test`` reports: the counts, the report (one line per
    failing case, then "N passed, N failed"), the coverage lines (what no
    case reached) and the JUnit XML."""
    n_cases: int
    n_failed: int
    report: str
    coverage: typing.Tuple[str, ...]
    junit: str

    @property
    def passed(self) -> bool:
        return self.n_failed == 0


def run_rule_tests(rules: PathArg, tests: typing.Iterable[PathArg]) -> RuleTestResult:
    """Runs the rule tests of the ``tests`` files against ``rules``. Raises
    RulesError for a bad rules file or a tests file that is not well formed."""
    ptr = call_with_error(F.dx_rule_tests_new, fs_bytes(rules))
    try:
        for t in tests:
            call_with_error(F.dx_rule_tests_add_file, ptr, fs_bytes(t))
        F.dx_rule_tests_run(ptr)
        n = _lib.ctypes.c_size_t()
        cover = _lib.take_string(F.dx_rule_tests_dup_coverage(ptr, _lib.ctypes.byref(n)))
        return RuleTestResult(F.dx_rule_tests_get_n_cases(ptr), F.dx_rule_tests_get_n_failed(ptr),
                              _lib.take_string(F.dx_rule_tests_dup_report(ptr)),
                              tuple(line for line in cover.split("\n") if line),
                              _lib.take_string(F.dx_rule_tests_dup_junit(ptr)))
    finally:
        F.dx_rule_tests_free(ptr)

# SPDX-License-Identifier: LGPL-2.1-or-later
"""Money: amounts are ``int`` fen (0.01 元) everywhere in this package, never
``float``. These helpers convert to and from ``decimal.Decimal`` 元 exactly
and reach libduixian's parser and formatters (docs/rules.md §2)."""

from __future__ import annotations

import ctypes
import decimal
import typing

from ._lib import F, call_with_error, take_string, to_bytes
from .errors import ApplicationError, ErrorCode

__all__ = ["MAX_FEN", "yuan", "fen", "parse", "format_money", "format_yuan", "format_wan"]

#: The largest magnitude of an amount: 10^13 元.
MAX_FEN = 10 ** 15

_HUNDRED = decimal.Decimal(100)
_CENT = decimal.Decimal("0.01")


def _check_fen(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("an amount in fen must be an int, not %s" % type(value).__name__)
    if not -MAX_FEN <= value <= MAX_FEN:
        raise ApplicationError(ErrorCode.VALUE_INVALID, "%d fen: amount beyond 10^13 元" % value)
    return value


def yuan(fen_amount: int) -> decimal.Decimal:
    """``int`` fen -> ``Decimal`` 元 with exactly two decimals: ``yuan(123456) == Decimal('1234.56')``."""
    if isinstance(fen_amount, bool) or not isinstance(fen_amount, int):
        raise TypeError("yuan() takes int fen, not %s" % type(fen_amount).__name__)
    return (decimal.Decimal(fen_amount) / _HUNDRED).quantize(_CENT)


def fen(amount: typing.Union[decimal.Decimal, int, str]) -> int:
    """An exact amount in 元 -> ``int`` fen.

    ``amount`` is a ``Decimal``, an ``int`` (元), or text as in a data cell
    (``"5,000万元"``, ``"1.2亿"``, ``"1234.56"``: parsed by libduixian).
    Raises :class:`ApplicationError` if it is not whole fen or beyond 10^13 元,
    and ``TypeError`` for ``float``.
    """
    if isinstance(amount, str):
        return parse(amount)
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError("money is never a %s: use Decimal, int 元 or text" % type(amount).__name__)
    if isinstance(amount, int):
        amount = decimal.Decimal(amount)
    if not isinstance(amount, decimal.Decimal):
        raise TypeError("fen() takes Decimal, int or str, not %s" % type(amount).__name__)
    if not amount.is_finite():
        raise ApplicationError(ErrorCode.VALUE_INVALID, "%s: not a finite amount" % amount)
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        f = amount * _HUNDRED
        if f != f.to_integral_value():
            raise ApplicationError(ErrorCode.VALUE_INVALID, "%s元: not a whole number of fen" % amount)
    return _check_fen(int(f))


def parse(text: str) -> int:
    """Parses a money cell exactly with libduixian (``dx_money_parse``) -> int fen."""
    out = ctypes.c_int64()
    call_with_error(F.dx_money_parse, to_bytes(text, "money"), ctypes.byref(out))
    return out.value


def format_money(fen_amount: int) -> str:
    """For people: ``"1亿元"``, ``"8,000万元"``, ``"617,710.50元"`` (``dx_money_format``)."""
    return take_string(F.dx_money_format(_check_fen(fen_amount)))


def format_yuan(fen_amount: int) -> str:
    """元 with separators and two decimals, no unit: ``"1,235,421.00"``."""
    return take_string(F.dx_money_format_yuan(_check_fen(fen_amount)))


def format_wan(fen_amount: int) -> str:
    """万元 with separators, up to six decimals, no unit: ``"61.77105"``."""
    return take_string(F.dx_money_format_wan(_check_fen(fen_amount)))

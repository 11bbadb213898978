# SPDX-License-Identifier: LGPL-2.1-or-later
"""One application (``duixian/dx-application.h``): a Python mapping turned
into a reusable ``DxApplication``, as the ruleset, the batch and the
explanations of a decision list need it."""

from __future__ import annotations

import collections.abc
import ctypes
import datetime
import decimal

from . import _lib
from ._handle import Handle
from ._lib import F, GErrorP, raise_gerror, to_bytes
from ._types import ApplicationArg, FieldType, RulesetLike
from .errors import ApplicationError, ErrorCode
from .money import MAX_FEN

def _cell(value, what):
    """A Python value as the text of a data cell (docs/rules.md §2)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        raise TypeError("%s: a datetime is not a date; pass .date() or 'YYYY-MM-DD'" % what)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("%s: float is never used for data (inexact); pass Decimal, int or text" % what)
    raise TypeError("%s: cannot use a %s as a data cell" % (what, type(value).__name__))


class _Application(Handle):
    """A reusable ``DxApplication`` (single owner: one per thread or batch)."""
    __slots__ = ("_types", "_known", "_unknown")
    _free = staticmethod(F.dx_application_free)
    _what = "application"

    def __init__(self, ruleset: RulesetLike) -> None:
        super().__init__(F.dx_application_new(ruleset._handle()))
        self._types = ruleset._field_types
        self._known = ruleset._known_keys        # name or alias -> UTF-8, accepted by libduixian
        self._unknown = ruleset._unknown_keys    # names it refused

    def fill(self, app: ApplicationArg, strict: bool, ignore_unknown: bool = False,
             _clear=F.dx_application_clear, _set=F.dx_application_set,
             _set_fen=F.dx_application_set_money_fen, _byref=ctypes.byref, _str=str) -> int:
        """Clears the application and sets every item of the mapping ``app``.

        Unknown fields and Python values that cannot be a cell raise at once.
        A cell that is not of its field's type raises ApplicationError when
        ``strict``; otherwise libduixian records it and the application
        decides as ``invalid`` (reason ``invalid_field``), as a CSV row would.
        """
        if not isinstance(app, collections.abc.Mapping):
            raise TypeError("an application is a mapping of field -> value, not %s" % type(app).__name__)
        p = self._handle()
        _clear(p)
        known, unknown, types = self._known, self._unknown, self._types
        err = GErrorP()
        errp = _byref(err)
        for key, value in app.items():
            k = known.get(key)
            new = k is None
            if new:
                if ignore_unknown and key in unknown:
                    continue
                if not isinstance(key, str):
                    raise TypeError("field names are str, not %s" % type(key).__name__)
                k = to_bytes(key, "field name")
            if type(value) is _str:
                if not value:                     # "" = missing, and the application was cleared
                    if not new:
                        continue
                    cell = None
                elif "\0" in value:
                    raise ApplicationError(ErrorCode.VALUE_INVALID, "%s: contains a NUL character" % key)
                else:
                    try:
                        cell = value.encode()
                    except UnicodeEncodeError as e:
                        raise ApplicationError(ErrorCode.VALUE_INVALID, "%s: not valid text (%s)" % (key, e)) from None
            elif value is None:
                if not new:
                    continue
                cell = None
            elif isinstance(value, int) and not isinstance(value, bool) and \
                    types.get(key, FieldType.MONEY) == FieldType.MONEY:
                # int for a money field = fen. (For an alias the type is unknown here:
                # try money first; a field that is not money refuses it and records nothing.)
                if not -MAX_FEN <= value <= MAX_FEN:
                    raise ApplicationError(ErrorCode.VALUE_INVALID, "%s: %d fen: amount beyond 10^13 元" % (key, value))
                if _set_fen(p, k, value, errp):
                    if new:
                        known[key] = k
                    continue
                code = err.contents.code
                if code == ErrorCode.UNKNOWN_FIELD:
                    unknown.add(key)
                    if not ignore_unknown:
                        raise_gerror(err)
                    _lib._g_error_free(err)
                    err = GErrorP()
                    errp = _byref(err)
                    continue
                if key in types or code != ErrorCode.VALUE_INVALID:
                    raise_gerror(err)
                _lib._g_error_free(err)           # an alias of a field that is not money
                err = GErrorP()
                errp = _byref(err)
                cell = _cell(value, key).encode()
            else:
                cell = to_bytes(_cell(value, key), key)
            if _set(p, k, cell, errp):
                if new:
                    known[key] = k
                continue
            code = err.contents.code
            if code == ErrorCode.UNKNOWN_FIELD:
                unknown.add(key)
                if not ignore_unknown:
                    raise_gerror(err)
            else:
                if new:
                    known[key] = k
                if code != ErrorCode.VALUE_INVALID or strict:
                    raise_gerror(err)
            _lib._g_error_free(err)               # recorded (decides as invalid), or ignored
            err = GErrorP()
            errp = _byref(err)
        return p

# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: one Python class per group of ``DxError`` codes.

Every exception carries the C error's ``code`` (an :class:`ErrorCode`) and
its ``message``, which starts with the place the problem is
(``rules/x.yaml:12:7: policies[3].award: ...``); ``file``, ``line`` and
``column`` are parsed from it when present.
"""

from __future__ import annotations

import enum
import re

__all__ = [
    "ErrorCode", "DuixianError", "RulesError", "ApplicationError", "LedgerError",
    "LedgerCorruptError", "HistoryError", "DuixianIOError", "LimitError", "from_code",
]


class ErrorCode(enum.IntEnum):
    """The ``DxError`` codes of dx-error.h (values are ABI)."""
    FAILED = 0
    IO = 1
    YAML_SYNTAX = 2
    RULES_INVALID = 3
    EXPR_SYNTAX = 4
    EXPR_TYPE = 5
    EXPR_UNKNOWN_FIELD = 6
    INPUT_INVALID = 7
    VALUE_INVALID = 8
    LIMIT = 9
    UNKNOWN_FIELD = 10
    LEDGER = 11
    LEDGER_CORRUPT = 12
    HISTORY_INVALID = 13


_PLACE = re.compile(r"^(.*?):(\d+):(\d+): ")


class DuixianError(Exception):
    """Any error from libduixian. ``code`` is an :class:`ErrorCode` (or a plain
    int for a code newer than this package), ``message`` the full C message."""

    def __init__(self, code: int, message: str) -> None:
        try:
            code = ErrorCode(code)
        except ValueError:
            pass
        super().__init__(message)
        self.code = code
        self.message = message
        m = _PLACE.match(message)
        self.file = m.group(1) if m else None
        self.line = int(m.group(2)) if m else None
        self.column = int(m.group(3)) if m else None

    def __str__(self):
        return self.message

    def __repr__(self):
        name = self.code.name if isinstance(self.code, ErrorCode) else self.code
        return "%s(%s, %r)" % (type(self).__name__, name, self.message)

    def __reduce__(self):
        return (type(self), (int(self.code), self.message))


class RulesError(DuixianError):
    """The ruleset is invalid: YAML syntax, shape, or an expression (syntax, type, unknown field)."""


class ApplicationError(DuixianError):
    """An application or its file: unreadable input, a bad value, an unknown field."""


class LedgerError(DuixianError):
    """The ledger cannot be opened, read or written."""


class LedgerCorruptError(LedgerError):
    """The ledger's hash chain does not verify."""


class HistoryError(DuixianError):
    """A history file row is bad (docs/rules.md §6)."""


class DuixianIOError(DuixianError):
    """A file could not be read or written."""


class LimitError(DuixianError):
    """A documented size or depth limit was exceeded."""


_CLASSES = {
    ErrorCode.IO: DuixianIOError,
    ErrorCode.YAML_SYNTAX: RulesError,
    ErrorCode.RULES_INVALID: RulesError,
    ErrorCode.EXPR_SYNTAX: RulesError,
    ErrorCode.EXPR_TYPE: RulesError,
    ErrorCode.EXPR_UNKNOWN_FIELD: RulesError,
    ErrorCode.INPUT_INVALID: ApplicationError,
    ErrorCode.VALUE_INVALID: ApplicationError,
    ErrorCode.UNKNOWN_FIELD: ApplicationError,
    ErrorCode.LIMIT: LimitError,
    ErrorCode.LEDGER: LedgerError,
    ErrorCode.LEDGER_CORRUPT: LedgerCorruptError,
    ErrorCode.HISTORY_INVALID: HistoryError,
}


def from_code(code: int, message: str) -> DuixianError:
    """The exception object for a ``DX_ERROR`` code and message."""
    return _CLASSES.get(code, DuixianError)(code, message)

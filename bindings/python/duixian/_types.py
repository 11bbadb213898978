# SPDX-License-Identifier: LGPL-2.1-or-later
"""The enumerations of ``duixian/dx-types.h`` that the rules, the
applications and the load options share: kept apart so that each of those
modules can use them without importing the others."""

import enum

__all__ = ["Encoding", "FieldType"]


class Encoding(enum.IntEnum):
    """The encoding of an application CSV file (``DxEncoding``)."""
    AUTO = 0
    UTF8 = 1
    GB18030 = 2


class FieldType(enum.IntEnum):
    """The type of an application field (``DxFieldType``, spec §2)."""
    TEXT = 0
    INTEGER = 1
    NUMBER = 2
    MONEY = 3
    DATE = 4
    BOOL = 5

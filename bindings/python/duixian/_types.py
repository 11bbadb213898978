# SPDX-License-Identifier: LGPL-2.1-or-later
"""The enumerations of ``duixian/dx-types.h`` that the rules, the
applications and the load options share: kept apart so that each of those
modules can use them without importing the others."""

import dataclasses
import datetime
import enum
import os
import typing

__all__ = ["Encoding", "FieldType", "PathArg", "ApplicationArg", "ApplicationsArg",
           "EncodingArg", "ProgressArg", "RulesetLike", "ParamValue", "UsedParam"]


class Encoding(enum.IntEnum):
    """The encoding of an application CSV file (``DxEncoding``)."""
    AUTO = 0
    UTF8 = 1
    GB18030 = 2


class FieldType(enum.IntEnum):
    """The type of an application field (``DxFieldType``, docs/rules.md §2)."""
    TEXT = 0
    INTEGER = 1
    NUMBER = 2
    MONEY = 3
    DATE = 4
    BOOL = 5


@dataclasses.dataclass(frozen=True)
class ParamValue:
    """One dated value of a parameter (docs/rules.md §10): in force from
    ``since``; ``value`` as the explanations write it ("1.5%", "1亿元")."""
    since: datetime.date
    value: str


@dataclasses.dataclass(frozen=True)
class UsedParam:
    """A parameter a decision read, with the value in force on its reference
    date (``submitted_on``, or the approval date with ``params_on: approval``)."""
    name: str
    value: str
    since: datetime.date


# Aliases for annotations, shared by the modules that take these arguments.
PathArg = typing.Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
#: One application: field name (or alias) -> a cell (str, int, Decimal, bool, date or None).
ApplicationArg = typing.Mapping[str, object]
#: A CSV/YAML/JSON file or an iterable of applications.
ApplicationsArg = typing.Union[PathArg, typing.Iterable[ApplicationArg]]
EncodingArg = typing.Union[str, Encoding, None]
#: progress(done, total), called while a file is read.
ProgressArg = typing.Optional[typing.Callable[[int, int], object]]


class RulesetLike(typing.Protocol):
    """What an application, a batch or a round needs of a ruleset: its handle
    and its field tables (the Ruleset class itself sits above them)."""
    _field_types: typing.Dict[str, FieldType]
    _known_keys: typing.Dict[str, bytes]
    _unknown_keys: typing.Set[str]

    def _handle(self) -> int: ...

# SPDX-License-Identifier: LGPL-2.1-or-later
"""``DxLoadOptions`` (``duixian/dx-options.h``) built from keyword arguments,
for the one call of the ruleset or the batch that takes them."""

from __future__ import annotations

import typing

from ._handle import Handle
from ._lib import F, call_with_error, to_bytes
from ._types import Encoding, EncodingArg

_ENCODINGS = {"auto": Encoding.AUTO, "utf8": Encoding.UTF8, "utf-8": Encoding.UTF8,
              "gb18030": Encoding.GB18030}


class _Options(Handle):
    """A ``DxLoadOptions`` built from keyword arguments, for one call."""
    __slots__ = ()
    _free = staticmethod(F.dx_load_options_free)
    _what = "load options"

    _SETTERS = {
        "max_yaml_depth": F.dx_load_options_set_max_yaml_depth,
        "max_expr_depth": F.dx_load_options_set_max_expr_depth,
        "max_file_bytes": F.dx_load_options_set_max_file_bytes,
        "max_csv_columns": F.dx_load_options_set_max_csv_columns,
    }

    @classmethod
    def make(cls, encoding: EncodingArg = None, overrides: typing.Optional[typing.Mapping[str, str]] = None,
             **limits: typing.Optional[int]) -> typing.Optional[_Options]:
        """None when everything is default (the C functions then use defaults).
        ``overrides``: what-if settings {name: value} (``--set name=value``)."""
        if encoding is None and not overrides and not any(v is not None for v in limits.values()):
            return None
        self = cls(F.dx_load_options_new())
        for name, value in (overrides or {}).items():
            try:
                call_with_error(F.dx_load_options_add_override, self._ptr,
                                to_bytes("%s=%s" % (name, value), "overrides"))
            except BaseException:
                self.close()
                raise
        if encoding is not None:
            if isinstance(encoding, str):
                try:
                    encoding = _ENCODINGS[encoding.lower()]
                except KeyError:
                    self.close()
                    raise ValueError("encoding is 'auto', 'utf8' or 'gb18030', not %r" % encoding) from None
            F.dx_load_options_set_encoding(self._ptr, Encoding(encoding))
        for name, value in limits.items():
            if value is None:
                continue
            setter = cls._SETTERS.get(name)
            if setter is None:
                self.close()
                raise TypeError("unknown option %r" % name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or \
                    value > (2 ** 64 - 1 if name == "max_file_bytes" else 2 ** 32 - 1):
                self.close()
                raise ValueError("%s must be a non-negative int (0 = the default), not %r" % (name, value))
            setter(self._ptr, value)
        return self


def _opt_ptr(opts: typing.Optional[_Options]) -> typing.Optional[int]:
    return opts._ptr if opts is not None else None

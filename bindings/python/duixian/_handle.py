# SPDX-License-Identifier: LGPL-2.1-or-later
"""The base of every Python object that owns a C handle."""

from __future__ import annotations

import threading
import typing

_close_lock = threading.Lock()
_H = typing.TypeVar("_H", bound="Handle")


class Handle:
    """Owns one C pointer and frees it exactly once: on :meth:`close`, at the
    end of a ``with`` block, or when the object is garbage collected."""

    __slots__ = ("_ptr", "__weakref__")
    _free = None      # the C function that releases the pointer (set by subclasses)
    _what = "object"

    def __init__(self, ptr: typing.Optional[int]) -> None:
        self._ptr = ptr

    def close(self) -> None:
        """Releases the C object now. Using this object afterwards raises ValueError."""
        with _close_lock:
            p, self._ptr = self._ptr, None
        if p:
            type(self)._free(p)

    @property
    def closed(self) -> bool:
        return not self._ptr

    def _handle(self) -> int:
        p = self._ptr
        if not p:
            raise ValueError("this %s is closed" % self._what)
        return p

    def __enter__(self: _H) -> _H:
        self._handle()
        return self

    def __exit__(self, *exc: object) -> bool:
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing sensible left to do
            pass

# SPDX-License-Identifier: LGPL-2.1-or-later
"""Batches (``duixian/dx-batch.h``): applications decided together."""

from __future__ import annotations

import collections.abc
import os
import typing

from . import _lib
from ._handle import Handle
from ._lib import F, borrowed, call_with_error, fs_bytes, to_bytes
from ._options import _Options, _opt_ptr
from ._types import ApplicationArg, ApplicationsArg, EncodingArg, PathArg, ProgressArg, RulesetLike
from .application import _Application
from .decisions import DecisionList

__all__ = ["Batch"]

_YAML_SUFFIXES = (".yaml", ".yml", ".json")


class Batch(Handle):
    """Applications decided together (docs/rules.md §6 steps 1-6). Adding evaluates each
    application at once and keeps only its compact decision, so files of any
    size are streamed. Single owner: use one Batch from one thread at a time.

    ``progress(done, total)`` is called about every 65,536 rows while a file
    is read (with the GIL held; an exception in it is printed and ignored).

    ``threads``: how many threads decide (``dx_batch_set_threads``; 0 = one
    per processor). The results are the same, byte for byte, on any number.
    """

    __slots__ = ("_ruleset", "_app", "_progress_cb", "_used")
    _free = staticmethod(F.dx_batch_free)
    _what = "batch"

    def __init__(self, ruleset: RulesetLike, *, progress: ProgressArg = None, threads: int = 1) -> None:
        if not isinstance(threads, int) or isinstance(threads, bool) or not 0 <= threads <= 256:
            raise ValueError(f"threads must be an int from 0 to 256, not {threads!r}")
        super().__init__(F.dx_batch_new(ruleset._handle()))
        if threads != 1:
            F.dx_batch_set_threads(self._ptr, threads)
        self._ruleset = ruleset
        self._app = None
        self._progress_cb = None
        self._used = False
        if progress is not None:
            cb = _lib.ProgressFunc(lambda done, total, _ud: progress(done, total))
            self._progress_cb = cb           # kept alive as long as the batch
            F.dx_batch_set_progress_func(self._ptr, cb, None)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
        super().close()

    def _open(self) -> int:
        p = self._handle()
        if self._used:
            raise ValueError("this batch is finished (decided or run); start a new one")
        return p

    def add(self, app: ApplicationArg, *, strict: bool = False, ignore_unknown: bool = False) -> None:
        """Adds one application (a mapping, as for :meth:`Ruleset.decide`)."""
        p = self._open()
        if self._app is None:
            self._app = _Application(self._ruleset)
        F.dx_batch_add_application(p, self._app.fill(app, strict, ignore_unknown))

    def add_many(self, applications: typing.Iterable[ApplicationArg], *, strict: bool = False,
                 ignore_unknown: bool = False) -> None:
        """Adds every mapping of an iterable."""
        for app in applications:
            self.add(app, strict=strict, ignore_unknown=ignore_unknown)

    def add_csv(self, path: PathArg, *, encoding: EncodingArg = None,
                max_csv_columns: typing.Optional[int] = None) -> None:
        """Streams a CSV file (header = field names or aliases). Bad rows become
        ``invalid`` decisions; only a problem with the whole file raises
        (DuixianIOError, ApplicationError, LimitError)."""
        opts = _Options.make(encoding=encoding, max_csv_columns=max_csv_columns)
        try:
            call_with_error(F.dx_batch_add_csv_file, self._open(), fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_csv_text(self, text: typing.Union[str, bytes], name: typing.Optional[str] = None, *,
                     encoding: EncodingArg = None, max_csv_columns: typing.Optional[int] = None) -> None:
        """As :meth:`add_csv`, from ``str`` (or ``bytes`` in any supported encoding)."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(encoding=encoding, max_csv_columns=max_csv_columns)
        try:
            call_with_error(F.dx_batch_add_csv_data, self._open(), data, len(data),
                            None if name is None else to_bytes(name, "name"), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_yaml(self, path: PathArg, *, max_file_bytes: typing.Optional[int] = None) -> None:
        """Adds a YAML or JSON file holding a list of maps."""
        opts = _Options.make(max_file_bytes=max_file_bytes)
        try:
            call_with_error(F.dx_batch_add_yaml_file, self._open(), fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_yaml_text(self, text: typing.Union[str, bytes], name: typing.Optional[str] = None, *,
                      max_file_bytes: typing.Optional[int] = None) -> None:
        """As :meth:`add_yaml`, from text."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(max_file_bytes=max_file_bytes)
        try:
            call_with_error(F.dx_batch_add_yaml_data, self._open(), data, len(data),
                            None if name is None else to_bytes(name, "name"), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_any(self, applications: ApplicationsArg, *, encoding: EncodingArg = None, strict: bool = False,
                ignore_unknown: bool = False) -> None:
        """A path (``.yaml``/``.yml``/``.json`` = YAML, anything else = CSV) or an iterable of mappings."""
        if isinstance(applications, (str, bytes, os.PathLike)):
            if os.fsdecode(applications).lower().endswith(_YAML_SUFFIXES):
                self.add_yaml(applications)
            else:
                self.add_csv(applications, encoding=encoding)
        elif isinstance(applications, collections.abc.Mapping):
            raise TypeError("pass a list of applications, not one mapping (use decide() for one)")
        else:
            self.add_many(applications, strict=strict, ignore_unknown=ignore_unknown)

    @property
    def warnings(self) -> typing.List[str]:
        """One-line warnings from reading (e.g. ignored columns)."""
        p = self._handle()
        return [borrowed(F.dx_batch_get_warning(p, i)) for i in range(F.dx_batch_get_n_warnings(p))]

    @property
    def n_rows(self) -> int:
        """How many applications were added."""
        return F.dx_batch_get_n_rows(self._handle())

    @property
    def input_sha256(self) -> str:
        """SHA-256 of the file(s) read; "" for applications added through the API only."""
        return borrowed(F.dx_batch_get_input_sha256(self._handle()))

    def decide(self) -> DecisionList:
        """Applies the batch-wide steps and returns the :class:`DecisionList`.
        This finishes the batch."""
        p = self._handle()
        self._used = True
        return DecisionList(F.dx_batch_decide(p), self._ruleset)

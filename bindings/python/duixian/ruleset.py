# SPDX-License-Identifier: LGPL-2.1-or-later
"""Rulesets, applications and batches."""

import collections.abc
import ctypes
import dataclasses
import datetime
import decimal
import enum
import os
import threading

from . import _lib
from ._handle import Handle
from ._lib import F, GErrorP, borrowed, call_with_error, fs_bytes, raise_gerror, to_bytes
from .decisions import DecisionList, _read_decision
from .errors import ApplicationError, ErrorCode
from .money import MAX_FEN

__all__ = ["Encoding", "FieldType", "Field", "Policy", "Ruleset", "Batch"]


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


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType


@dataclasses.dataclass(frozen=True)
class Policy:
    id: str
    name: str
    bureau: str
    basis: str


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
    def make(cls, encoding=None, **limits):
        """None when everything is default (the C functions then use defaults)."""
        if encoding is None and not any(v is not None for v in limits.values()):
            return None
        self = cls(F.dx_load_options_new())
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


def _opt_ptr(opts):
    return opts._ptr if opts is not None else None


def _cell(value, what):
    """A Python value as the text of a data cell (spec §2)."""
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

    def __init__(self, ruleset):
        super().__init__(F.dx_application_new(ruleset._handle()))
        self._types = ruleset._field_types
        self._known = ruleset._known_keys        # name or alias -> UTF-8, accepted by libduixian
        self._unknown = ruleset._unknown_keys    # names it refused

    def fill(self, app, strict, ignore_unknown=False,
             _clear=F.dx_application_clear, _set=F.dx_application_set,
             _set_fen=F.dx_application_set_money_fen, _byref=ctypes.byref, _str=str):
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


class Ruleset(Handle):
    """An immutable, compiled ruleset (spec §1-§5).

    Thread safety: a Ruleset may be shared by any number of threads;
    :meth:`decide`, :meth:`batch` and :meth:`run_round` may run concurrently
    (each call uses its own C objects, and the GIL is released inside
    libduixian). Do not :meth:`close` it while another thread uses it.
    """

    __slots__ = ("_field_types", "_known_keys", "_unknown_keys", "_tls", "_name")
    _free = staticmethod(F.dx_ruleset_unref)
    _what = "ruleset"

    def __init__(self, ptr, name):
        super().__init__(ptr)
        self._name = name
        self._field_types = {}
        self._known_keys = {}
        self._unknown_keys = set()
        for i in range(F.dx_ruleset_get_n_fields(ptr)):
            self._field_types[borrowed(F.dx_ruleset_get_field_name(ptr, i))] = FieldType(F.dx_ruleset_get_field_type(ptr, i))
        self._tls = threading.local()

    # -- loading
    @classmethod
    def load(cls, path, *, max_yaml_depth=None, max_expr_depth=None, max_file_bytes=None):
        """Loads, validates and compiles a rules file. Raises RulesError (file:line:col: key: message),
        DuixianIOError or LimitError."""
        opts = _Options.make(max_yaml_depth=max_yaml_depth, max_expr_depth=max_expr_depth,
                             max_file_bytes=max_file_bytes)
        try:
            ptr = call_with_error(F.dx_ruleset_load_file, fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()
        return cls(ptr, os.fspath(path))

    @classmethod
    def from_string(cls, text, name="<rules>", *, max_yaml_depth=None, max_expr_depth=None,
                    max_file_bytes=None):
        """As :meth:`load`, from YAML text (``str`` or UTF-8 ``bytes``); ``name`` is used in messages."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(max_yaml_depth=max_yaml_depth, max_expr_depth=max_expr_depth,
                             max_file_bytes=max_file_bytes)
        try:
            ptr = call_with_error(F.dx_ruleset_load_data, data, len(data), to_bytes(name, "name"),
                                  _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()
        return cls(ptr, name)

    # -- deciding
    def _application(self):
        """This thread's reusable application (a DxApplication is single-owner)."""
        app = getattr(self._tls, "app", None)
        if app is None or app.closed:
            app = self._tls.app = _Application(self)
        return app

    def decide(self, app, *, strict=False, ignore_unknown=False):
        """Decides one application on its own (spec §6 steps 1-6, a batch of one).

        ``app`` maps field names (or aliases) to values: ``str`` cells as in a
        CSV file ("5,000万元", "15%", "2022-03-01"), ``int`` (fen for a money
        field), ``decimal.Decimal`` (元 for a money field), ``bool``,
        ``datetime.date``, or ``None`` for missing. ``float`` is refused.

        Returns a list of :class:`Decision`: one, or in matching mode (no
        ``policy``) one per matching policy. A cell that is not of its type
        gives an ``invalid`` decision (or, with ``strict=True``, raises
        ApplicationError); an unknown field raises ApplicationError unless
        ``ignore_unknown`` (then it is skipped, as a CSV column would be).
        """
        a = self._application()
        ap = a.fill(app, strict, ignore_unknown)
        lst = F.dx_ruleset_decide(self._handle(), ap)
        try:
            get = F.dx_decision_list_get_item
            return [_read_decision(get(lst, i)) for i in range(F.dx_decision_list_get_n_items(lst))]
        finally:
            F.dx_decision_list_unref(lst)

    def batch(self, *, progress=None, threads=1):
        """A new :class:`Batch` of this ruleset (``threads``: see :class:`Batch`)."""
        return Batch(self, progress=progress, threads=threads)

    def decide_batch(self, applications, *, encoding=None, strict=False, ignore_unknown=False):
        """Decides applications together (steps 1-6): a CSV/YAML/JSON path or an
        iterable of mappings (for CSV text use :meth:`batch` and
        :meth:`Batch.add_csv_text`). Returns a :class:`DecisionList`."""
        with Batch(self) as b:
            b.add_any(applications, encoding=encoding, strict=strict, ignore_unknown=ignore_unknown)
            return b.decide()

    def run_round(self, applications, approval_date, *, ledger=None, history=(), dry_run=False,
                  encoding=None, strict=False, ignore_unknown=False, progress=None):
        """Runs a whole round (spec §6 steps 1-10); see :class:`duixian.Round`.
        Returns the finished Round (a context manager; its results are read from it)."""
        from .round import Round
        r = Round(self, approval_date, ledger=ledger, history=history, dry_run=dry_run)
        try:
            r.run(applications, encoding=encoding, strict=strict, ignore_unknown=ignore_unknown,
                  progress=progress)
        except BaseException:
            r.close()
            raise
        return r

    # -- what the ruleset says
    def _s(self, fn, *args):
        return borrowed(fn(self._handle(), *args))

    @property
    def name(self):
        return self._name

    @property
    def sha256(self):
        return self._s(F.dx_ruleset_get_sha256)

    @property
    def fund_id(self):
        return self._s(F.dx_ruleset_get_fund_id)

    @property
    def fund_name(self):
        return self._s(F.dx_ruleset_get_fund_name)

    @property
    def fund_total_fen(self):
        return F.dx_ruleset_get_fund_total_fen(self._handle())

    @property
    def fund_enterprise_cap_fen(self):
        """fund.per_enterprise_cap in fen, or None."""
        v = F.dx_ruleset_get_fund_enterprise_cap_fen(self._handle())
        return None if v < 0 else v

    @property
    def fund_period(self):
        """(from, to) as ``datetime.date``."""
        a, b = ctypes.c_void_p(), ctypes.c_void_p()
        F.dx_ruleset_dup_fund_period(self._handle(), ctypes.byref(a), ctypes.byref(b))
        return (datetime.date.fromisoformat(_lib.take_string(a.value)),
                datetime.date.fromisoformat(_lib.take_string(b.value)))

    @property
    def shortfall(self):
        return self._s(F.dx_ruleset_get_shortfall)

    @property
    def envelopes(self):
        """{bureau key (or "*"): total fen}, in file order."""
        p = self._handle()
        return {borrowed(F.dx_ruleset_get_envelope_key(p, i)): F.dx_ruleset_get_envelope_total_fen(p, i)
                for i in range(F.dx_ruleset_get_n_envelopes(p))}

    @property
    def bureaus(self):
        """{bureau key: display name}, e.g. {"commerce": "区商务局"}."""
        p = self._handle()
        return {borrowed(F.dx_ruleset_get_bureau_key(p, i)): borrowed(F.dx_ruleset_get_bureau_name(p, i))
                for i in range(F.dx_ruleset_get_n_bureaus(p))}

    @property
    def policies(self):
        """The policies in file order, as :class:`Policy`."""
        p = self._handle()
        return [Policy(borrowed(F.dx_ruleset_get_policy_id(p, i)), borrowed(F.dx_ruleset_get_policy_name(p, i)),
                       borrowed(F.dx_ruleset_get_policy_bureau(p, i)), borrowed(F.dx_ruleset_get_policy_basis(p, i)))
                for i in range(F.dx_ruleset_get_n_policies(p))]

    @property
    def fields(self):
        """The application fields (built-ins first), as :class:`Field`."""
        p = self._handle()
        return [Field(borrowed(F.dx_ruleset_get_field_name(p, i)), borrowed(F.dx_ruleset_get_field_label(p, i)),
                      FieldType(F.dx_ruleset_get_field_type(p, i)))
                for i in range(F.dx_ruleset_get_n_fields(p))]

    def __repr__(self):
        if self.closed:
            return "<duixian.Ruleset %s (closed)>" % self._name
        return "<duixian.Ruleset %s: %s, %d policies>" % (self._name, self.fund_id, F.dx_ruleset_get_n_policies(self._ptr))


_YAML_SUFFIXES = (".yaml", ".yml", ".json")


class Batch(Handle):
    """Applications decided together (spec §6 steps 1-6). Adding evaluates each
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

    def __init__(self, ruleset, *, progress=None, threads=1):
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

    def close(self):
        if self._app is not None:
            self._app.close()
        super().close()

    def _open(self):
        p = self._handle()
        if self._used:
            raise ValueError("this batch is finished (decided or run); start a new one")
        return p

    def add(self, app, *, strict=False, ignore_unknown=False):
        """Adds one application (a mapping, as for :meth:`Ruleset.decide`)."""
        p = self._open()
        if self._app is None:
            self._app = _Application(self._ruleset)
        F.dx_batch_add_application(p, self._app.fill(app, strict, ignore_unknown))

    def add_many(self, applications, *, strict=False, ignore_unknown=False):
        """Adds every mapping of an iterable."""
        for app in applications:
            self.add(app, strict=strict, ignore_unknown=ignore_unknown)

    def add_csv(self, path, *, encoding=None, max_csv_columns=None):
        """Streams a CSV file (header = field names or aliases). Bad rows become
        ``invalid`` decisions; only a problem with the whole file raises
        (DuixianIOError, ApplicationError, LimitError)."""
        opts = _Options.make(encoding=encoding, max_csv_columns=max_csv_columns)
        try:
            call_with_error(F.dx_batch_add_csv_file, self._open(), fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_csv_text(self, text, name=None, *, encoding=None, max_csv_columns=None):
        """As :meth:`add_csv`, from ``str`` (or ``bytes`` in any supported encoding)."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(encoding=encoding, max_csv_columns=max_csv_columns)
        try:
            call_with_error(F.dx_batch_add_csv_data, self._open(), data, len(data),
                            None if name is None else to_bytes(name, "name"), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_yaml(self, path, *, max_file_bytes=None):
        """Adds a YAML or JSON file holding a list of maps."""
        opts = _Options.make(max_file_bytes=max_file_bytes)
        try:
            call_with_error(F.dx_batch_add_yaml_file, self._open(), fs_bytes(path), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_yaml_text(self, text, name=None, *, max_file_bytes=None):
        """As :meth:`add_yaml`, from text."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        opts = _Options.make(max_file_bytes=max_file_bytes)
        try:
            call_with_error(F.dx_batch_add_yaml_data, self._open(), data, len(data),
                            None if name is None else to_bytes(name, "name"), _opt_ptr(opts))
        finally:
            if opts is not None:
                opts.close()

    def add_any(self, applications, *, encoding=None, strict=False, ignore_unknown=False):
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
    def warnings(self):
        """One-line warnings from reading (e.g. ignored columns)."""
        p = self._handle()
        return [borrowed(F.dx_batch_get_warning(p, i)) for i in range(F.dx_batch_get_n_warnings(p))]

    @property
    def n_rows(self):
        """How many applications were added."""
        return F.dx_batch_get_n_rows(self._handle())

    @property
    def input_sha256(self):
        """SHA-256 of the file(s) read; "" for applications added through the API only."""
        return borrowed(F.dx_batch_get_input_sha256(self._handle()))

    def decide(self):
        """Applies the batch-wide steps and returns the :class:`DecisionList`.
        This finishes the batch."""
        p = self._handle()
        self._used = True
        return DecisionList(F.dx_batch_decide(p), self._ruleset)

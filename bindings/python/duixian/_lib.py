# SPDX-License-Identifier: LGPL-2.1-or-later
"""Loading libduixian and declaring every exported function for ctypes.

Only the exported ``dx_*`` functions of the public headers are used, plus
GLib's ``g_free`` and ``g_error_free`` (libduixian allocates with GLib, so
its strings and errors must go back to GLib's allocator).

Rules kept throughout the package:

- every function has ``argtypes`` and ``restype`` set; pointers are
  ``c_void_p`` (the default ``c_int`` would truncate them);
- a ``dup_`` string comes back as ``c_void_p``, is copied with
  ``ctypes.string_at`` and then released with ``g_free`` (``c_char_p``
  would copy it and leak the original);
- ``get_`` strings are borrowed, so ``c_char_p`` (copy, no free) is right;
- the library is loaded with ``ctypes.CDLL``, which releases the GIL for the
  duration of every foreign call (``ctypes.PyDLL`` would not).
"""

from __future__ import annotations

import ctypes
import os
import typing

from . import errors as _errors

__all__ = ["lib", "glib", "library_path", "F", "call_with_error", "take_string", "to_bytes", "fs_bytes",
           "borrowed", "require"]

_ENV_VAR = "DUIXIAN_LIBRARY"
_SONAME = "libduixian.so.0"


def _candidates():
    """Yields (description, path-or-name) in lookup order."""
    env = os.environ.get(_ENV_VAR)
    if env:
        yield ("$%s" % _ENV_VAR, env)
    # The build tree next to a source checkout: <repo>/bindings/python/duixian/_lib.py.
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir))
    if os.path.exists(os.path.join(repo, "meson.build")):
        yield ("the build tree", os.path.join(repo, "build", "lib", _SONAME))
    # Where `meson install` put the library (written into the installed package).
    try:
        from . import _paths  # generated at install time
    except ImportError:
        _paths = None
    if _paths is not None and getattr(_paths, "LIBDIR", None):
        yield ("the install prefix", os.path.join(_paths.LIBDIR, _SONAME))
    # The system's search path (ctypes.util is imported only now: it is slow to import).
    from ctypes import util as ctypes_util
    found = ctypes_util.find_library("duixian")
    if found:
        yield ("ctypes.util.find_library('duixian')", found)
    yield ("the dynamic loader's search path", _SONAME)


def _load():
    tried = []
    for what, name in _candidates():
        if os.sep in name and not os.path.exists(name):
            tried.append("  %s: %s (no such file)" % (what, name))
        else:
            try:
                return ctypes.CDLL(name), name
            except OSError as e:
                tried.append("  %s: %s (%s)" % (what, name, e))
        if what == "$" + _ENV_VAR:
            # An explicit choice that fails is an error, not a hint to look elsewhere.
            break
    raise ImportError(
        "duixian: cannot load libduixian; tried, in order:\n%s\n"
        "Build it (meson setup build && ninja -C build) or set %s to the path of %s."
        % ("\n".join(tried), _ENV_VAR, _SONAME))


lib, library_path = _load()


def _load_glib():
    # libduixian links GLib, so this finds the copy already loaded: the allocator it uses.
    try:
        g = ctypes.CDLL("libglib-2.0.so.0")
        g.g_free  # noqa: B018 (check the symbol is there)
        return g
    except (OSError, AttributeError):
        pass
    from ctypes import util as ctypes_util
    name = ctypes_util.find_library("glib-2.0")
    if name:
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    return lib  # dlsym on libduixian's handle also searches its dependencies, GLib among them


glib = _load_glib()


class GError(ctypes.Structure):
    _fields_ = [("domain", ctypes.c_uint32), ("code", ctypes.c_int), ("message", ctypes.c_char_p)]


GErrorP = ctypes.POINTER(GError)
GErrorPP = ctypes.POINTER(GErrorP)

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_B = ctypes.c_int        # gboolean
_U = ctypes.c_uint       # guint / enums
_I64 = ctypes.c_int64
_U64 = ctypes.c_uint64
_SZ = ctypes.c_size_t
_SSZ = ctypes.c_ssize_t
_E = GErrorPP

ProgressFunc = ctypes.CFUNCTYPE(None, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)

# name: (restype, argtypes)
_PROTOTYPES = {
    "g_free": (None, [_P]),
    "g_error_free": (None, [GErrorP]),
    # dx-error.h
    "dx_error_quark": (ctypes.c_uint32, []),
    # dx-money.h
    "dx_money_parse": (_B, [_S, ctypes.POINTER(_I64), _E]),
    "dx_money_format": (_P, [_I64]),
    "dx_money_format_yuan": (_P, [_I64]),
    "dx_money_format_wan": (_P, [_I64]),
    # dx-options.h
    "dx_load_options_new": (_P, []),
    "dx_load_options_free": (None, [_P]),
    "dx_load_options_set_encoding": (None, [_P, _U]),
    "dx_load_options_set_max_yaml_depth": (None, [_P, _U]),
    "dx_load_options_set_max_expr_depth": (None, [_P, _U]),
    "dx_load_options_set_max_file_bytes": (None, [_P, _U64]),
    "dx_load_options_set_max_csv_columns": (None, [_P, _U]),
    "dx_load_options_add_override": (_B, [_P, _S, _E]),
    # dx-ruleset.h
    "dx_ruleset_load_file": (_P, [_S, _P, _E]),
    "dx_ruleset_load_data": (_P, [_S, _SSZ, _S, _P, _E]),
    "dx_ruleset_ref": (_P, [_P]),
    "dx_ruleset_unref": (None, [_P]),
    "dx_ruleset_get_sha256": (_S, [_P]),
    "dx_ruleset_get_fund_id": (_S, [_P]),
    "dx_ruleset_get_fund_name": (_S, [_P]),
    "dx_ruleset_get_fund_total_fen": (_I64, [_P]),
    "dx_ruleset_get_fund_enterprise_cap_fen": (_I64, [_P]),
    "dx_ruleset_dup_fund_period": (None, [_P, ctypes.POINTER(_P), ctypes.POINTER(_P)]),
    "dx_ruleset_get_shortfall": (_S, [_P]),
    "dx_ruleset_get_n_envelopes": (_SZ, [_P]),
    "dx_ruleset_get_envelope_key": (_S, [_P, _SZ]),
    "dx_ruleset_get_envelope_total_fen": (_I64, [_P, _SZ]),
    "dx_ruleset_get_n_bureaus": (_SZ, [_P]),
    "dx_ruleset_get_bureau_key": (_S, [_P, _SZ]),
    "dx_ruleset_get_bureau_name": (_S, [_P, _SZ]),
    "dx_ruleset_get_n_policies": (_SZ, [_P]),
    "dx_ruleset_get_policy_id": (_S, [_P, _SZ]),
    "dx_ruleset_get_policy_name": (_S, [_P, _SZ]),
    "dx_ruleset_get_policy_bureau": (_S, [_P, _SZ]),
    "dx_ruleset_get_policy_basis": (_S, [_P, _SZ]),
    "dx_ruleset_get_n_fields": (_SZ, [_P]),
    "dx_ruleset_get_field_name": (_S, [_P, _SZ]),
    "dx_ruleset_get_field_label": (_S, [_P, _SZ]),
    "dx_ruleset_get_field_type": (_U, [_P, _SZ]),
    "dx_ruleset_get_n_params": (_SZ, [_P]),
    "dx_ruleset_get_n_overrides": (_SZ, [_P]),
    "dx_ruleset_get_override": (_S, [_P, _SZ]),
    "dx_ruleset_get_param_name": (_S, [_P, _SZ]),
    "dx_ruleset_get_param_label": (_S, [_P, _SZ]),
    "dx_ruleset_get_param_type": (_U, [_P, _SZ]),
    "dx_ruleset_get_param_n_values": (_SZ, [_P, _SZ]),
    "dx_ruleset_dup_param_value": (_P, [_P, _SZ, _SZ, ctypes.POINTER(_P)]),
    "dx_ruleset_get_n_warnings": (_SZ, [_P]),
    "dx_ruleset_get_warning": (_S, [_P, _SZ]),
    # dx-application.h
    "dx_application_new": (_P, [_P]),
    "dx_application_free": (None, [_P]),
    "dx_application_set": (_B, [_P, _S, _S, _E]),
    "dx_application_set_money_fen": (_B, [_P, _S, _I64, _E]),
    "dx_application_clear": (None, [_P]),
    # dx-batch.h
    "dx_batch_new": (_P, [_P]),
    "dx_batch_free": (None, [_P]),
    "dx_batch_set_progress_func": (None, [_P, ProgressFunc, _P]),
    "dx_batch_set_threads": (None, [_P, _U]),
    "dx_batch_get_threads": (_U, [_P]),
    "dx_batch_add_application": (None, [_P, _P]),
    "dx_batch_add_csv_file": (_B, [_P, _S, _P, _E]),
    "dx_batch_add_csv_data": (_B, [_P, _S, _SSZ, _S, _P, _E]),
    "dx_batch_add_yaml_file": (_B, [_P, _S, _P, _E]),
    "dx_batch_add_yaml_data": (_B, [_P, _S, _SSZ, _S, _P, _E]),
    "dx_batch_get_n_warnings": (_SZ, [_P]),
    "dx_batch_get_warning": (_S, [_P, _SZ]),
    "dx_batch_get_input_sha256": (_S, [_P]),
    "dx_batch_get_n_rows": (_U64, [_P]),
    "dx_batch_decide": (_P, [_P]),
    "dx_ruleset_decide": (_P, [_P, _P]),
    # dx-decision.h
    "dx_decision_list_ref": (_P, [_P]),
    "dx_decision_list_unref": (None, [_P]),
    "dx_decision_list_get_n_items": (_SZ, [_P]),
    "dx_decision_list_get_item": (_P, [_P, _SZ]),
    "dx_decision_list_write_csv": (_B, [_P, _S, _E]),
    "dx_decision_list_dup_csv": (_P, [_P]),
    "dx_decision_get_app_id": (_S, [_P]),
    "dx_decision_get_enterprise_id": (_S, [_P]),
    "dx_decision_get_policy_id": (_S, [_P]),
    "dx_decision_get_bureau": (_S, [_P]),
    "dx_decision_get_status": (_U, [_P]),
    "dx_decision_get_computed_fen": (_I64, [_P]),
    "dx_decision_get_granted_fen": (_I64, [_P]),
    "dx_decision_get_row": (_U64, [_P]),
    "dx_decision_get_n_reasons": (_SZ, [_P]),
    "dx_decision_get_reason_code": (_U, [_P, _SZ]),
    "dx_decision_dup_reason_message": (_P, [_P, _SZ]),
    "dx_decision_get_basis": (_S, [_P]),
    "dx_decision_get_rank": (_I64, [_P]),
    "dx_decision_list_get_ruleset": (_P, [_P]),
    "dx_decision_get_param_value_index": (_SSZ, [_P, _SZ]),
    "dx_decision_dup_json": (_P, [_P]),
    "dx_status_to_string": (_S, [_U]),
    "dx_reason_code_to_string": (_S, [_U]),
    "dx_status_to_label": (_S, [_U, _S]),
    "dx_reason_code_to_label": (_S, [_U, _S]),
    "dx_reason_code_from_string": (_B, [_S, _P]),
    # dx-ledger.h
    "dx_ledger_open": (_P, [_S, _E]),
    "dx_ledger_open_readonly": (_P, [_S, _E]),
    "dx_ledger_free": (None, [_P]),
    "dx_ledger_verify": (_B, [_P, ctypes.POINTER(_U64), _E]),
    "dx_ledger_verify_through": (_B, [_P, _S, ctypes.POINTER(_U64), _E]),
    "dx_ledger_revoke": (_B, [_P, _S, _S, _E]),
    "dx_ledger_get_n_rounds": (_SZ, [_P]),
    "dx_ledger_get_round_id": (_I64, [_P, _SZ]),
    "dx_ledger_dup_round_field": (_P, [_P, _SZ, _S]),
    "dx_ledger_get_round_granted_fen": (_I64, [_P, _SZ]),
    "dx_ledger_get_round_n_decisions": (_U64, [_P, _SZ]),
    "dx_ledger_get_charged_fen": (_I64, [_P, _S, _S]),
    "dx_ledger_dup_head_hash": (_P, [_P]),
    # dx-payrun.h
    "dx_payrun_new": (_P, [_P, _P, _S, _E]),
    "dx_payrun_free": (None, [_P]),
    "dx_payrun_set_checks_file": (_B, [_P, _S, _P, _E]),
    "dx_payrun_add_history_file": (_B, [_P, _S, _E]),
    "dx_payrun_run": (_B, [_P, _B, _E]),
    "dx_payrun_write": (_B, [_P, _S, _E]),
    "dx_payrun_get_id": (_I64, [_P]),
    "dx_payrun_get_totals": (_B, [_P, _S, _P]),
    "dx_payrun_get_warnings": (ctypes.POINTER(_S), [_P]),
    # dx-clawback.h
    "dx_clawback_manual": (_P, [_P, _S, _S, _S, _S, _E]),
    "dx_clawback_write": (_B, [_P, _S, _E]),
    "dx_clawback_get_paid_fen": (_I64, [_P]),
    "dx_clawback_get_cancelled_fen": (_I64, [_P]),
    "dx_clawback_get_refund_due_fen": (_I64, [_P]),
    "dx_clawback_get_id": (_I64, [_P]),
    "dx_clawback_get_head": (_S, [_P]),
    "dx_clawback_free": (None, [_P]),
    "dx_ledger_refund": (_B, [_P, _S, _S, _I64, _S, _S, ctypes.POINTER(_I64), _E]),
    "dx_ledger_view_new": (_P, [_P, _S, _E]),
    "dx_ledger_view_get_fund_id": (_S, [_P]),
    "dx_ledger_view_get_n_envelopes": (_SZ, [_P]),
    "dx_ledger_view_get_envelope": (_P, [_P, _SZ]),
    "dx_ledger_view_get_n_refunds": (_SZ, [_P]),
    "dx_ledger_view_get_refund": (_P, [_P, _SZ]),
    "dx_ledger_view_free": (None, [_P]),
    "dx_ledger_dup_app_money": (_P, [_P, _S, _S, _E]),
    # dx-review.h
    "dx_review_new": (_P, [_P, _P, _S, _E]),
    "dx_review_free": (None, [_P]),
    "dx_review_set_checks_file": (_B, [_P, _S, _P, _E]),
    "dx_review_add_history_file": (_B, [_P, _S, _E]),
    "dx_review_run": (_B, [_P, _B, _E]),
    "dx_review_write": (_B, [_P, _S, _E]),
    "dx_review_get_totals": (None, [_P, _P]),
    "dx_review_get_id": (_I64, [_P]),
    # dx-round.h
    "dx_round_new": (_P, [_P, _S, _E]),
    "dx_round_free": (None, [_P]),
    "dx_round_set_ledger": (None, [_P, _P]),
    "dx_round_set_dry_run": (None, [_P, _B]),
    "dx_round_set_as_of_round": (None, [_P, _I64]),
    "dx_round_get_envelope_requested_fen": (_I64, [_P, _SZ]),
    "dx_compare_write": (_B, [_P, _P, _S, _E]),
    # dx-rule-tests.h
    "dx_rule_tests_new": (_P, [_S, _E]),
    "dx_rule_tests_free": (None, [_P]),
    "dx_rule_tests_add_file": (_B, [_P, _S, _E]),
    "dx_rule_tests_run": (_B, [_P]),
    "dx_rule_tests_get_n_cases": (_SZ, [_P]),
    "dx_rule_tests_get_n_failed": (_SZ, [_P]),
    "dx_rule_tests_dup_report": (_P, [_P]),
    "dx_rule_tests_dup_junit": (_P, [_P]),
    "dx_rule_tests_dup_coverage": (_P, [_P, ctypes.POINTER(ctypes.c_size_t)]),
    # dx-fit.h
    "dx_fit_new": (_P, [_S, _S, _S, _E]),
    "dx_fit_free": (None, [_P]),
    "dx_fit_set_step": (_B, [_P, _S, _E]),
    "dx_fit_set_envelope": (_B, [_P, _S, _E]),
    "dx_fit_set_budget_fen": (None, [_P, _I64]),
    "dx_fit_run": (_B, [_P, _S, _P, _E]),
    "dx_fit_get_value": (_S, [_P]),
    "dx_fit_get_step": (_S, [_P]),
    "dx_fit_get_demand_fen": (_I64, [_P]),
    "dx_fit_get_budget_fen": (_I64, [_P]),
    "dx_fit_get_monotone": (_B, [_P]),
    "dx_fit_get_n_probes": (_SZ, [_P]),
    "dx_fit_get_probe": (_S, [_P, _SZ, ctypes.POINTER(ctypes.c_int64)]),
    "dx_round_add_history_file": (_B, [_P, _S, _E]),
    "dx_round_run": (_B, [_P, _P, _E]),
    "dx_round_get_decisions": (_P, [_P]),
    "dx_round_get_n_schedule_lines": (_SZ, [_P]),
    "dx_round_get_schedule_line": (_P, [_P, _SZ]),
    "dx_round_get_round_id": (_I64, [_P]),
    # dx-schedule.h
    "dx_schedule_line_get_batch_id": (_S, [_P]),
    "dx_schedule_line_get_date": (_S, [_P]),
    "dx_schedule_line_get_bureau": (_S, [_P]),
    "dx_schedule_line_get_enterprise_id": (_S, [_P]),
    "dx_schedule_line_get_app_id": (_S, [_P]),
    "dx_schedule_line_get_policy_id": (_S, [_P]),
    "dx_schedule_line_get_installment": (_U, [_P]),
    "dx_schedule_line_get_of": (_U, [_P]),
    "dx_schedule_line_get_amount_fen": (_I64, [_P]),
    "dx_schedule_line_get_future": (_B, [_P]),
    "dx_round_dup_schedule_csv": (_P, [_P]),
    "dx_round_dup_summary_json": (_P, [_P]),
    "dx_round_write_outputs": (_B, [_P, _S, _E]),
}


# Newer functions: bound when the loaded library has them (``None`` otherwise),
# so the package still works with an older libduixian.
_OPTIONAL = {
    "dx_decision_dup_explanation": (_P, [_P, _P, _S]),
    "dx_report_write_html": (_B, [_P, _S, _S, _E]),
}


class _Functions:
    """The declared functions as attributes: ``F.dx_ruleset_unref(p)``."""


F = _Functions()
_missing = []
for _name, (_res, _args) in _PROTOTYPES.items():
    _owner = glib if _name.startswith("g_") else lib
    try:
        _fn = getattr(_owner, _name)
    except AttributeError:
        _missing.append(_name)
        continue
    _fn.restype = _res
    _fn.argtypes = _args
    setattr(F, _name, _fn)
for _name, (_res, _args) in _OPTIONAL.items():
    _fn = getattr(lib, _name, None)
    if _fn is not None:
        _fn.restype = _res
        _fn.argtypes = _args
    setattr(F, _name, _fn)
if _missing:
    raise ImportError("duixian: %s lacks %s (too old a libduixian?)" % (library_path, ", ".join(_missing)))
del _name, _res, _args, _fn

_DX_DOMAIN = F.dx_error_quark()
_g_free = F.g_free
_g_error_free = F.g_error_free
_string_at = ctypes.string_at


def take_string(ptr: typing.Optional[int]) -> typing.Optional[str]:
    """Copies a (transfer full) C string to ``str`` and frees it with g_free()."""
    if not ptr:
        return None
    try:
        return _string_at(ptr).decode("utf-8", "surrogateescape")
    finally:
        _g_free(ptr)


def raise_gerror(err: typing.Any) -> typing.NoReturn:
    """Raises the Python exception for a set ``GError *`` (freeing it)."""
    e = err.contents
    code = e.code if e.domain == _DX_DOMAIN else 0
    message = e.message.decode("utf-8", "replace") if e.message else "unknown error"
    _g_error_free(err)
    raise _errors.from_code(code, message)


def call_with_error(fn: typing.Callable[..., typing.Any], *args: typing.Any) -> typing.Any:
    """Calls ``fn(*args, &error)``; returns its result or raises the mapped exception.

    A NULL/FALSE result with no error set (a failed precondition in the C
    library) raises DuixianError rather than passing NULL on.
    """
    err = GErrorP()
    result = fn(*args, ctypes.byref(err))
    if err:
        raise_gerror(err)
    if not result:
        raise _errors.DuixianError(0, "%s failed without an error" % getattr(fn, "__name__", "a libduixian call"))
    return result


def require(name: str) -> typing.Callable[..., typing.Any]:
    """An optional function, or NotImplementedError naming what is missing."""
    fn = getattr(F, name)
    if fn is None:
        raise NotImplementedError("%s lacks %s (a newer libduixian is needed)" % (library_path, name))
    return fn


def to_bytes(text: typing.Union[str, bytes], what: str = "text") -> bytes:
    """UTF-8 bytes for a C string argument; rejects embedded NUL characters."""
    if isinstance(text, bytes):
        b = text
    else:
        try:
            b = str(text).encode("utf-8")
        except UnicodeEncodeError as e:
            raise _errors.ApplicationError(_errors.ErrorCode.VALUE_INVALID,
                                           "%s: not valid UTF-8 text (%s)" % (what, e)) from None
    if b"\0" in b:
        raise _errors.ApplicationError(_errors.ErrorCode.VALUE_INVALID,
                                       "%s: contains a NUL character" % what)
    return b


def fs_bytes(path: typing.Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]) -> bytes:
    """A file name for C (os.fsencode), rejecting embedded NUL characters."""
    b = os.fsencode(path)
    if b"\0" in b:
        raise ValueError("path contains a NUL character: %r" % (path,))
    return b


def borrowed(ptr: typing.Optional[bytes]) -> str:
    """Decodes a (transfer none) string returned as bytes."""
    return ptr.decode("utf-8", "surrogateescape") if ptr is not None else ""


/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-error
 * @title: Errors
 * @short_description: the %DX_ERROR domain and its codes
 *
 * The one public error domain. Every fallible function sets a GError in
 * DX_ERROR whose message starts with the place the problem is
 * ("rules/x.yaml:12:7: policies[3].award: ..." or "apps.csv:41:5: ...").
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * DX_ERROR:
 *
 * The error domain of libduixian; its codes are #DxError.
 *
 * Since: 0.1
 */
#define DX_ERROR (dx_error_quark())

/**
 * DxError:
 * @DX_ERROR_FAILED: nothing more specific applies
 * @DX_ERROR_IO: a file could not be read or written
 * @DX_ERROR_YAML_SYNTAX: libyaml rejected the document
 * @DX_ERROR_RULES_INVALID: valid YAML, wrong shape or values (docs/rules.md §1-§5)
 * @DX_ERROR_EXPR_SYNTAX: an expression does not parse (docs/rules.md §3)
 * @DX_ERROR_EXPR_TYPE: an expression is ill-typed, e.g. money vs number
 * @DX_ERROR_EXPR_UNKNOWN_FIELD: an expression names no declared field
 * @DX_ERROR_INPUT_INVALID: an application file cannot be read at all
 * @DX_ERROR_VALUE_INVALID: one data cell or value is not of its type
 * @DX_ERROR_LIMIT: a documented size or depth limit was exceeded
 * @DX_ERROR_UNKNOWN_FIELD: an API call named a field the ruleset lacks
 * @DX_ERROR_LEDGER: the ledger cannot be opened, read or written
 * @DX_ERROR_LEDGER_CORRUPT: the ledger's hash chain does not verify
 * @DX_ERROR_HISTORY_INVALID: a history file row is bad (docs/rules.md §6)
 *
 * Error codes in the %DX_ERROR domain. Values are ABI: append only.
 *
 * Since: 0.1
 */
typedef enum {
    DX_ERROR_FAILED = 0,          /* nothing more specific applies */
    DX_ERROR_IO = 1,              /* a file could not be read or written */
    DX_ERROR_YAML_SYNTAX = 2,     /* libyaml rejected the document */
    DX_ERROR_RULES_INVALID = 3,   /* valid YAML, wrong shape or values (docs/rules.md §1-§5) */
    DX_ERROR_EXPR_SYNTAX = 4,     /* an expression does not parse (docs/rules.md §3) */
    DX_ERROR_EXPR_TYPE = 5,       /* an expression is ill-typed, e.g. money vs number */
    DX_ERROR_EXPR_UNKNOWN_FIELD = 6, /* an expression names no declared field */
    DX_ERROR_INPUT_INVALID = 7,   /* an application file cannot be read at all */
    DX_ERROR_VALUE_INVALID = 8,   /* one data cell or value is not of its type */
    DX_ERROR_LIMIT = 9,           /* a documented size or depth limit was exceeded */
    DX_ERROR_UNKNOWN_FIELD = 10,  /* an API call named a field the ruleset lacks */
    DX_ERROR_LEDGER = 11,         /* the ledger cannot be opened, read or written */
    DX_ERROR_LEDGER_CORRUPT = 12, /* the ledger's hash chain does not verify */
    DX_ERROR_HISTORY_INVALID = 13,/* a history file row is bad (docs/rules.md §6) */
} DxError;

/**
 * dx_error_quark:
 *
 * Gets the quark of the error domain %DX_ERROR.
 *
 * Returns: the quark of the %DX_ERROR domain.
 *
 * Since: 0.1
 */
DX_EXPORT GQuark dx_error_quark(void);

G_END_DECLS

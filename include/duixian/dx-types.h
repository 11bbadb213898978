/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-types
 * @title: Types
 * @short_description: the opaque handles, the export macro and the shared enums
 *
 * Opaque handle typedefs, the export macro and the plain enums shared by every
 * public header. Nothing here allocates; see each type's own header for its
 * lifecycle and thread-safety.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <stdint.h>
#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * DX_EXPORT:
 *
 * Marks a function of the public API: exported from libduixian (whose
 * other symbols are hidden) and listed in lib/libduixian.map.
 *
 * Since: 0.1
 */
#if defined(DX_COMPILATION)
#define DX_EXPORT __attribute__((visibility("default"))) extern
#else
#define DX_EXPORT extern
#endif

/* G_GNUC_NON_NULL(n, ...) on a declaration says that pointer parameter n
 * must not be NULL, so a caller's compiler warns when it passes a literal
 * NULL. Inside the library it expands to nothing: the definitions keep their
 * g_return_if_fail() checks, which gcc would otherwise flag
 * (-Wnonnull-compare) and be free to drop, and a binding (ctypes) that
 * passes NULL still meets the check instead of undefined behaviour. Newer
 * GLib defines the macro; older GLib (2.74 has none) gets its definition. */
#ifndef __GTK_DOC_IGNORE__
#if defined(DX_COMPILATION)
#undef G_GNUC_NON_NULL
#define G_GNUC_NON_NULL(...)
#elif !defined(G_GNUC_NON_NULL)
#if defined(__GNUC__) || defined(__clang__)
#define G_GNUC_NON_NULL(...) __attribute__((__nonnull__(__VA_ARGS__)))
#else
#define G_GNUC_NON_NULL(...)
#endif
#endif
#endif /* __GTK_DOC_IGNORE__ */

/**
 * DxRuleset:
 *
 * An immutable, compiled ruleset (dx-ruleset.h): reference counted and safe
 * to share between threads.
 *
 * Since: 0.1
 */
typedef struct _DxRuleset DxRuleset;

/**
 * DxApplication:
 *
 * One enterprise application: typed field values for one ruleset
 * (dx-application.h). Single owner.
 *
 * Since: 0.1
 */
typedef struct _DxApplication DxApplication;

/**
 * DxBatch:
 *
 * Applications being decided together, steps 1-6 of docs/rules.md §6 (dx-batch.h).
 * Single owner.
 *
 * Since: 0.1
 */
typedef struct _DxBatch DxBatch;

/**
 * DxDecisionList:
 *
 * The decisions of a batch, in output order (dx-decision.h). Reference
 * counted, immutable once built.
 *
 * Since: 0.1
 */
typedef struct _DxDecisionList DxDecisionList;

/**
 * DxDecision:
 *
 * One decision, borrowed from its #DxDecisionList (dx-decision.h).
 *
 * Since: 0.1
 */
typedef struct _DxDecision DxDecision;

/**
 * DxLoadOptions:
 *
 * Limits and choices for loading rules and reading applications
 * (dx-options.h). Single owner.
 *
 * Since: 0.1
 */
typedef struct _DxLoadOptions DxLoadOptions;

/**
 * DxLedger:
 *
 * The append-only, hash-chained record of a fund's rounds in one SQLite
 * file (dx-ledger.h). Single owner.
 *
 * Since: 0.1
 */
typedef struct _DxLedger DxLedger;

/**
 * DxRound:
 *
 * One disbursement round, docs/rules.md §6 steps 1-10 (dx-round.h). Single owner.
 *
 * Since: 0.1
 */
typedef struct _DxRound DxRound;

/**
 * DxFit:
 *
 * Fitting a parameter to an envelope or a budget (dx-fit.h). Single owner.
 *
 * Since: 0.2
 */
typedef struct _DxFit DxFit;

/**
 * DxRuleTests:
 *
 * Rule tests: YAML cases run against a rules file (dx-rule-tests.h). Single owner.
 *
 * Since: 0.2
 */
typedef struct _DxRuleTests DxRuleTests;

/**
 * DxScheduleLine:
 *
 * One line of a round's payout schedule, borrowed from its #DxRound
 * (dx-schedule.h).
 *
 * Since: 0.1
 */
typedef struct _DxScheduleLine DxScheduleLine;

/**
 * DxPayrun:
 *
 * A payment run over a ledger's scheduled installment lines
 * (dx-payrun.h). Has a single owner; free with dx_payrun_free().
 *
 * Since: 0.2
 */
typedef struct _DxPayrun DxPayrun;

/**
 * DxFieldType:
 * @DX_FIELD_TEXT: text, compared as written
 * @DX_FIELD_INTEGER: a whole number (int64)
 * @DX_FIELD_NUMBER: an exact decimal number (never floating point)
 * @DX_FIELD_MONEY: an amount, held in int64 fen ("5,000万元")
 * @DX_FIELD_DATE: a calendar date, "YYYY-MM-DD"
 * @DX_FIELD_BOOL: true or false
 *
 * The type of an application field (docs/rules.md §2). Values are ABI: append only.
 *
 * Since: 0.1
 */
typedef enum {
    DX_FIELD_TEXT = 0,
    DX_FIELD_INTEGER = 1,
    DX_FIELD_NUMBER = 2,
    DX_FIELD_MONEY = 3,
    DX_FIELD_DATE = 4,
    DX_FIELD_BOOL = 5,
} DxFieldType;

/**
 * DxStatus:
 * @DX_STATUS_APPROVED: granted the whole computed amount
 * @DX_STATUS_REDUCED: granted more than 0 but less than computed; every
 *   cause is a reason
 * @DX_STATUS_REJECTED: outside the window, a clause false, once only, or an
 *   award cut to 0 by a rule
 * @DX_STATUS_INCOMPLETE: a field the decision needs is missing (补正)
 * @DX_STATUS_INVALID: a cell is not of its field's type, or the policy is
 *   unknown
 * @DX_STATUS_DUPLICATE: the app_id was already used in this batch or was
 *   granted in an earlier round
 * @DX_STATUS_UNFUNDED: eligible, but its envelope had nothing left (排队)
 * @DX_STATUS_ERROR: evaluating a clause or the award failed (division by
 *   zero, overflow, ...)
 *
 * The status of a decision (docs/rules.md §6). Values are ABI: append only.
 *
 * Since: 0.1
 */
typedef enum {
    DX_STATUS_APPROVED = 0,
    DX_STATUS_REDUCED = 1,
    DX_STATUS_REJECTED = 2,
    DX_STATUS_INCOMPLETE = 3,
    DX_STATUS_INVALID = 4,
    DX_STATUS_DUPLICATE = 5,
    DX_STATUS_UNFUNDED = 6,
    DX_STATUS_ERROR = 7,
} DxStatus;

/**
 * DxReasonCode:
 * @DX_REASON_INVALID_FIELD: a cell is not of its field's type (names field, row and reason)
 * @DX_REASON_DUPLICATE_APP_ID: the app_id was used by an earlier row or granted in an earlier round
 * @DX_REASON_UNKNOWN_POLICY: the row names a policy the ruleset does not have
 * @DX_REASON_OUTSIDE_WINDOW: submitted_on is outside the policy's window
 * @DX_REASON_CLAUSE_FAILED: a clause is false (with actual and required values)
 * @DX_REASON_MISSING_FIELD: a field the decision needs is missing
 * @DX_REASON_EVAL_ERROR: a clause or the award could not be evaluated
 * @DX_REASON_ONCE_ONLY: a `once` policy the enterprise already received
 * @DX_REASON_AWARD_ZERO: the award computed to 0 or less
 * @DX_REASON_CAPPED: the award was cut to the policy's cap
 * @DX_REASON_POLICY_ENTERPRISE_CAP: cut by the policy's per-enterprise cap
 * @DX_REASON_GROUP_HIGHEST: in a `highest` group (就高不重复), a larger award
 *   of the enterprise won, or one it already holds is not smaller
 * @DX_REASON_GROUP_TOPUP: in a `highest` group, only the excess over what the
 *   enterprise already holds is paid (补差)
 * @DX_REASON_GROUP_STACK_CAP: cut by a `stack` group's cap (合计封顶)
 * @DX_REASON_FUND_ENTERPRISE_CAP: cut by the fund's per-enterprise cap
 * @DX_REASON_RATIONED: the envelope could not pay every request in full
 * @DX_REASON_UNFUNDED: the envelope had nothing left for this decision
 * @DX_REASON_AWARD_FIXED: the award is a fixed amount
 * @DX_REASON_AWARD_TABLE: the award is a table row
 * @DX_REASON_AWARD_RATE: the award is a rate times a base
 * @DX_REASON_AWARD_PER: the award is an amount per unit
 * @DX_REASON_AWARD_MARGINAL: the award is by marginal brackets
 * @DX_REASON_AWARD_FORMULA: the award is a formula
 * @DX_REASON_RANK_OUT: a ranked policy (择优) took better-placed candidates
 *   first and this one fell outside its `top` (Since: 0.2)
 * @DX_REASON_REQUIREMENT_FAILED: an installment's requirement is false; this
 *   and every later installment of the grant is forfeited (Since: 0.2)
 * @DX_REASON_REQUIREMENT_MISSING: an installment is held because its checks
 *   row or a field it needs is missing (Since: 0.2)
 * @DX_REASON_COMMITMENT_BREACHED: a review found a commitment (承诺) of the
 *   grant broken (Since: 0.2)
 * @DX_REASON_COMMITMENT_MISSING: a review could not judge a commitment: a
 *   field it needs is missing, so nothing changes (Since: 0.2)
 * @DX_REASON_CLAWED_BACK: the grant was clawed back after a breach; the
 *   ledger records what is owed back (Since: 0.2)
 *
 * The stable reason codes of docs/rules.md §7. Values are ABI: append only.
 * dx_reason_code_to_string() gives the code as written in output files.
 *
 * Since: 0.1
 */
typedef enum {
    DX_REASON_INVALID_FIELD = 0,
    DX_REASON_DUPLICATE_APP_ID = 1,
    DX_REASON_UNKNOWN_POLICY = 2,
    DX_REASON_OUTSIDE_WINDOW = 3,
    DX_REASON_CLAUSE_FAILED = 4,
    DX_REASON_MISSING_FIELD = 5,
    DX_REASON_EVAL_ERROR = 6,
    DX_REASON_ONCE_ONLY = 7,
    DX_REASON_AWARD_ZERO = 8,
    DX_REASON_CAPPED = 9,
    DX_REASON_POLICY_ENTERPRISE_CAP = 10,
    DX_REASON_GROUP_HIGHEST = 11,
    DX_REASON_GROUP_TOPUP = 12,
    DX_REASON_GROUP_STACK_CAP = 13,
    DX_REASON_FUND_ENTERPRISE_CAP = 14,
    DX_REASON_RATIONED = 15,
    DX_REASON_UNFUNDED = 16,
    DX_REASON_AWARD_FIXED = 17,
    DX_REASON_AWARD_TABLE = 18,
    DX_REASON_AWARD_RATE = 19,
    DX_REASON_AWARD_PER = 20,
    DX_REASON_AWARD_MARGINAL = 21,
    DX_REASON_AWARD_FORMULA = 22,
    /* format duixian/2 (docs/rules.md §9) */
    DX_REASON_RANK_OUT = 23,
    DX_REASON_REQUIREMENT_FAILED = 24,
    DX_REASON_REQUIREMENT_MISSING = 25,
    DX_REASON_COMMITMENT_BREACHED = 26,
    DX_REASON_COMMITMENT_MISSING = 27,
    DX_REASON_CLAWED_BACK = 28,
} DxReasonCode;

/**
 * DxEncoding:
 * @DX_ENCODING_AUTO: UTF-8 (with or without BOM) unless the bytes are not
 *   UTF-8 and are GB18030, as Excel in China writes them.
 * @DX_ENCODING_UTF8: UTF-8, with or without BOM
 * @DX_ENCODING_GB18030: GB18030 (a superset of GBK and GB2312)
 *
 * The character encoding of an application CSV file. Values are ABI.
 *
 * Since: 0.1
 */
typedef enum {
    DX_ENCODING_AUTO = 0,
    DX_ENCODING_UTF8 = 1,
    DX_ENCODING_GB18030 = 2,
} DxEncoding;

G_END_DECLS

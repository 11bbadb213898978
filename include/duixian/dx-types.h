/* SPDX-License-Identifier: LGPL-2.1-or-later
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

#if defined(DX_COMPILATION)
#define DX_EXPORT __attribute__((visibility("default"))) extern
#else
#define DX_EXPORT extern
#endif

/* An immutable, compiled ruleset (refcounted, thread-safe to share). */
typedef struct _DxRuleset DxRuleset;
/* One enterprise application: typed field values for one ruleset. Single owner. */
typedef struct _DxApplication DxApplication;
/* Applications being decided together (steps 1-6 of spec §6). Single owner. */
typedef struct _DxBatch DxBatch;
/* The decisions of a batch, in output order. Refcounted, immutable once built. */
typedef struct _DxDecisionList DxDecisionList;
/* One decision: borrowed from its DxDecisionList. */
typedef struct _DxDecision DxDecision;
/* Limits and choices for loading rules and reading applications. Single owner. */
typedef struct _DxLoadOptions DxLoadOptions;

/**
 * DxFieldType:
 * The type of an application field (spec §2). Values are ABI: append only.
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
 * The status of a decision (spec §6). Values are ABI: append only.
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
 * The stable reason codes of spec §7. Values are ABI: append only.
 * dx_reason_code_to_string() gives the code as written in output files.
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
    /* format duixian/2 (spec §9) */
    DX_REASON_RANK_OUT = 23,
    DX_REASON_REQUIREMENT_FAILED = 24,
    DX_REASON_REQUIREMENT_MISSING = 25,
    DX_REASON_COMMITMENT_BREACHED = 26,
    DX_REASON_COMMITMENT_MISSING = 27,
    DX_REASON_CLAWED_BACK = 28,
} DxReasonCode;

/**
 * DxEncoding:
 * The character encoding of an application CSV file. Values are ABI.
 * @DX_ENCODING_AUTO: UTF-8 (with or without BOM) unless the bytes are not
 *   UTF-8 and are GB18030, as Excel in China writes them.
 */
typedef enum {
    DX_ENCODING_AUTO = 0,
    DX_ENCODING_UTF8 = 1,
    DX_ENCODING_GB18030 = 2,
} DxEncoding;

G_END_DECLS

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The message table: every sentence and phrase of the explanations
 * (dx-explain.c, dx-explain-steps.c) as one Chinese and one English
 * template, so the two languages cannot drift apart one switch at a time
 * and a wording is changed in one place. Templates name their slots,
 * "{field}", because the languages put them in different orders; the
 * callers format every value (money, dates, ratios) before filling them,
 * and integers are written here digit by digit, so no sentence depends on
 * the process locale. tests/test-messages.c checks that the table is
 * complete and that both languages of a message use the same slots.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "duixian/dx-types.h"

typedef enum {
    /* ORDER DxReasonCode: the first sentence of each reason, at its code's value */
    DX_MSG_INVALID_FIELD = DX_REASON_INVALID_FIELD,
    DX_MSG_DUPLICATE_APP_ID,
    DX_MSG_UNKNOWN_POLICY,
    DX_MSG_OUTSIDE_WINDOW,
    DX_MSG_CLAUSE_FAILED,
    DX_MSG_MISSING_FIELD,
    DX_MSG_EVAL_ERROR,
    DX_MSG_ONCE_ONLY,
    DX_MSG_AWARD_ZERO,
    DX_MSG_CAPPED,
    DX_MSG_POLICY_ENTERPRISE_CAP,
    DX_MSG_GROUP_HIGHEST,
    DX_MSG_GROUP_TOPUP,
    DX_MSG_GROUP_STACK_CAP,
    DX_MSG_FUND_ENTERPRISE_CAP,
    DX_MSG_RATIONED,
    DX_MSG_UNFUNDED,
    DX_MSG_AWARD_FIXED,
    DX_MSG_AWARD_TABLE,
    DX_MSG_AWARD_RATE,
    DX_MSG_AWARD_PER,
    DX_MSG_AWARD_MARGINAL,
    DX_MSG_AWARD_FORMULA,
    /* format duixian/2 (docs/rules.md §12-§14) */
    DX_MSG_RANK_OUT,
    DX_MSG_REQUIREMENT_FAILED,
    DX_MSG_REQUIREMENT_MISSING,
    DX_MSG_COMMITMENT_BREACHED,
    DX_MSG_COMMITMENT_MISSING,
    DX_MSG_CLAWED_BACK,
    DX_MSG_N_REASONS,

    /* the other forms of some reasons, and their words */
    DX_MSG_INVALID_ROW = DX_MSG_N_REASONS,
    DX_MSG_INVALID_FIELD_ROW,
    DX_MSG_INVALID_FIELD_BARE,
    DX_MSG_WINDOW_OPEN,
    DX_MSG_EVAL_WHAT_AWARD,
    DX_MSG_EVAL_WHAT_CAP,
    DX_MSG_RATIONED_IN_ORDER,
    DX_MSG_ORDER_FCFS,
    DX_MSG_ORDER_PRIORITY,
    /* format duixian/2: what an award read (§10, §11), eval_error's other forms */
    DX_MSG_PARAM_FROM,
    DX_MSG_PARAM_SET,
    DX_MSG_RECEIVED_POLICY,
    DX_MSG_RECEIVED_GROUP,
    DX_MSG_READ_SEP,
    DX_MSG_READ_WRAP,
    DX_MSG_PARAM_NO_VALUE,
    DX_MSG_NO_APPROVAL_DATE,
    DX_MSG_RANK_EVAL_ERROR,
    /* §13: the other forms of a payment run's reasons */
    DX_MSG_REQUIREMENT_FAILED_ONE,
    DX_MSG_REQUIREMENT_FORFEIT_REST,
    DX_MSG_REQUIREMENT_NO_ROW,
    DX_MSG_REQUIREMENT_EVAL_ERROR,
    /* §14: a review that cannot judge a commitment */
    DX_MSG_COMMITMENT_EVAL_ERROR,

    /* ORDER DxStatus: the status as people read it (explain's result line) */
    DX_MSG_STATUS_APPROVED,
    DX_MSG_STATUS_REDUCED,
    DX_MSG_STATUS_REJECTED,
    DX_MSG_STATUS_INCOMPLETE,
    DX_MSG_STATUS_INVALID,
    DX_MSG_STATUS_DUPLICATE,
    DX_MSG_STATUS_UNFUNDED,
    DX_MSG_STATUS_ERROR,

    /* ORDER DxReasonCode: each reason's short name (report.html, the Excel files) */
    DX_MSG_LABEL_INVALID_FIELD,
    DX_MSG_LABEL_DUPLICATE_APP_ID,
    DX_MSG_LABEL_UNKNOWN_POLICY,
    DX_MSG_LABEL_OUTSIDE_WINDOW,
    DX_MSG_LABEL_CLAUSE_FAILED,
    DX_MSG_LABEL_MISSING_FIELD,
    DX_MSG_LABEL_EVAL_ERROR,
    DX_MSG_LABEL_ONCE_ONLY,
    DX_MSG_LABEL_AWARD_ZERO,
    DX_MSG_LABEL_CAPPED,
    DX_MSG_LABEL_POLICY_ENTERPRISE_CAP,
    DX_MSG_LABEL_GROUP_HIGHEST,
    DX_MSG_LABEL_GROUP_TOPUP,
    DX_MSG_LABEL_GROUP_STACK_CAP,
    DX_MSG_LABEL_FUND_ENTERPRISE_CAP,
    DX_MSG_LABEL_RATIONED,
    DX_MSG_LABEL_UNFUNDED,
    DX_MSG_LABEL_AWARD_FIXED,
    DX_MSG_LABEL_AWARD_TABLE,
    DX_MSG_LABEL_AWARD_RATE,
    DX_MSG_LABEL_AWARD_PER,
    DX_MSG_LABEL_AWARD_MARGINAL,
    DX_MSG_LABEL_AWARD_FORMULA,
    DX_MSG_LABEL_RANK_OUT,
    DX_MSG_LABEL_REQUIREMENT_FAILED,
    DX_MSG_LABEL_REQUIREMENT_MISSING,
    DX_MSG_LABEL_COMMITMENT_BREACHED,
    DX_MSG_LABEL_COMMITMENT_MISSING,
    DX_MSG_LABEL_CLAWED_BACK,

    /* a failed clause's values */
    DX_MSG_CLAUSE_COMPARE,
    DX_MSG_CLAUSE_FLAG,
    DX_MSG_CLAUSE_VALUE,
    DX_MSG_OP_EQ,
    DX_MSG_OP_NE,
    DX_MSG_OP_LT,
    DX_MSG_OP_LE,
    DX_MSG_OP_GT,
    DX_MSG_OP_GE,
    DX_MSG_OP_IN,
    DX_MSG_OP_NOT_IN,
    DX_MSG_YES,
    DX_MSG_NO,
    DX_MSG_LIST_SEP,

    /* duixian explain: the head */
    DX_MSG_HEAD_APPLICATION,
    DX_MSG_HEAD_ROW,
    DX_MSG_HEAD_ENTERPRISE,
    DX_MSG_HEAD_POLICY,
    DX_MSG_HEAD_BASIS,
    DX_MSG_HEAD_POLICY_UNKNOWN,
    DX_MSG_HEAD_RESULT,
    DX_MSG_SECTION_REASONS,
    DX_MSG_NONE,

    /* duixian explain: the clauses */
    DX_MSG_SECTION_ELIGIBILITY,
    DX_MSG_CLAUSES_NO_DATA,
    DX_MSG_CLAUSE_FIELD_MISSING,

    /* duixian explain: the award's form (step 4) */
    DX_MSG_SECTION_COMPUTATION,
    DX_MSG_NO_AWARD,
    DX_MSG_STEP_FIXED,
    DX_MSG_STEP_RATE,
    DX_MSG_STEP_TABLE,
    DX_MSG_STEP_TABLE_ROW,
    DX_MSG_STEP_TABLE_APPLIES,
    DX_MSG_STEP_TABLE_BELOW,
    DX_MSG_STEP_TABLE_AWARD,
    DX_MSG_STEP_PER,
    DX_MSG_STEP_PER_EXPR,
    DX_MSG_STEP_MARGINAL,
    DX_MSG_STEP_MARGINAL_SLICE,
    DX_MSG_STEP_MARGINAL_ROW,
    DX_MSG_STEP_MARGINAL_TOTAL,
    DX_MSG_STEP_FORMULA,
    DX_MSG_STEP_FORMULA_WHERE,
    DX_MSG_STEP_FORMULA_MISSING,
    DX_MSG_STEP_FORMULA_RESULT,

    /* duixian explain: steps 5-9 */
    DX_MSG_STEP_FUND_SHARE,
    DX_MSG_STEP_CAPPED,
    DX_MSG_STEP_POLICY_ENTERPRISE_CAP,
    DX_MSG_STEP_GROUP_HIGHEST,
    DX_MSG_STEP_GROUP_TOPUP,
    DX_MSG_STEP_GROUP_STACK_CAP,
    DX_MSG_STEP_FUND_ENTERPRISE_CAP,
    DX_MSG_STEP_RATIONED,
    DX_MSG_STEP_RATIONED_IN_ORDER,
    DX_MSG_STEP_UNFUNDED,
    DX_MSG_STEP_COMPUTED_GRANTED,
    DX_MSG_STEP_GRANTED,

    /* duixian explain: installments */
    DX_MSG_SECTION_INSTALLMENTS,
    DX_MSG_INSTALLMENT_REST,
    DX_MSG_INSTALLMENT_APPROVAL,
    DX_MSG_INSTALLMENT_DATE,
    DX_MSG_INSTALLMENT_AFTER_MONTHS,

    DX_MSG_N
} DxMsg;

G_STATIC_ASSERT((int)DX_MSG_AWARD_FORMULA == (int)DX_REASON_AWARD_FORMULA);
G_STATIC_ASSERT((int)DX_MSG_STATUS_ERROR - (int)DX_MSG_STATUS_APPROVED == (int)DX_STATUS_ERROR);
G_STATIC_ASSERT((int)DX_MSG_LABEL_CLAWED_BACK - (int)DX_MSG_LABEL_INVALID_FIELD == (int)DX_REASON_CLAWED_BACK);

/* One entry of the table. @slots lists the slot names both templates use,
 * space-separated ("" for none). The first DX_MSG_N_REASONS entries are
 * named by their reason code as decisions.csv writes it
 * (dx_reason_code_to_string()); the others by a name of their own. */
typedef struct {
    const char *name;
    const char *slots;
    const char *zh;
    const char *en;
} DxMessage;

/* A value for a slot: text, or (with @s NULL) an integer. */
typedef struct {
    const char *name;
    const char *s;
    int64_t i;
} DxMsgArg;

#define DX_MSG_S(name_, s_) { (name_), (s_), 0 }
#define DX_MSG_I(name_, i_) { (name_), NULL, (int64_t)(i_) }

/* The table's entry @id (for the tests). */
G_GNUC_INTERNAL const DxMessage *dx_msg_get(DxMsg id);

/* The template of @id in English (@en) or Chinese, for a message without
 * slots (transfer none). */
G_GNUC_INTERNAL const char *dx_msg_text(DxMsg id, gboolean en);

/* Appends message @id in English (@en) or Chinese to @out, each "{name}"
 * replaced by the value of the argument of that name (an argument that
 * its template does not name is ignored; a slot without an argument is a
 * programming error, logged, and left empty). */
G_GNUC_INTERNAL void dx_msg_append(GString *out, DxMsg id, gboolean en, const DxMsgArg *args, guint n_args);

/* dx_msg_append() into a new string (g_free). */
G_GNUC_INTERNAL char *dx_msg_dup(DxMsg id, gboolean en, const DxMsgArg *args, guint n_args);

/* dx_msg_append() / dx_msg_dup() with the arguments written in place:
 * DX_MSG_APPEND(out, DX_MSG_CAPPED, en, DX_MSG_S("computed", a), DX_MSG_S("cap", b)).
 * The arguments appear twice, but the second time only under sizeof, which
 * does not evaluate them: DX_MSG_I("n", ++step) counts once. */
#define DX_MSG_APPEND(out, id, en, ...) \
    dx_msg_append((out), (id), (en), (const DxMsgArg[]){ __VA_ARGS__ }, \
                  (guint)G_N_ELEMENTS(((const DxMsgArg[]){ __VA_ARGS__ })))
#define DX_MSG_DUP(id, en, ...) \
    dx_msg_dup((id), (en), (const DxMsgArg[]){ __VA_ARGS__ }, \
               (guint)G_N_ELEMENTS(((const DxMsgArg[]){ __VA_ARGS__ })))

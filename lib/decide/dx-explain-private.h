/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the explanation files: dx-explain.c (one sentence per reason)
 * and dx-explain-steps.c (a whole decision, step by step).
 */
#pragma once

#include "duixian/dx-types.h"

/* The English sentence of reason @index (transfer full). */
G_GNUC_INTERNAL char *dx_explain_reason_message_en(const DxDecision *self, size_t index);
/* r / s as a percentage, at most two decimals, rounded half up ("37.5%"). */
G_GNUC_INTERNAL char *dx_explain_ratio(int64_t r, int64_t s);

#include "rules/dx-ruleset-private.h"

/* "实缴资本为 8,000万元，要求 ≥ 1亿元" from a clause's recorded values (the
 * layout of record_clause_values in dx-decide.c); English with @en. */
G_GNUC_INTERNAL char *dx_explain_clause_values(const DxRuleset *rs, const DxClause *c, const DxValue *vals,
                                               guint n_vals, gboolean en);

/* dx-explain-expr.c: @n written with field labels and signs
 * ("本年批零销售额 − 上年批零销售额"), newly allocated. */
G_GNUC_INTERNAL char *dx_explain_expr_text(const DxRuleset *rs, const DxExprNode *n);

/* ---- dx-explain-v2.c: the sentences of format 2 (§10-§12) ---- */

/* The sentence of a format-2 reason of @d (rank_out; eval_error of a
 * parameter before its first date or of rank.by), or NULL when @code is not
 * one (transfer full). @r is the DxReason. */
G_GNUC_INTERNAL char *dx_explain_v2_reason(const DxDecision *d, const void *r, gboolean en);
/* What an award of a format-2 policy read: "（落户奖励比例 1.5%（2022-07-01 起）；
 * 已获「SHOP-OPEN」奖励 150万元）", or "" (transfer full). */
G_GNUC_INTERNAL char *dx_explain_v2_award_detail(const DxDecision *d, const void *r, gboolean en);

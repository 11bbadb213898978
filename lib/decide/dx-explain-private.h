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

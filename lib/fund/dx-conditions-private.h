/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Named clauses judged after the decision (docs/rules.md §13, §14): an
 * installment's `requires` in a payment run, a commitment's `keep` in a
 * review. Both read an enterprise's checks row with the parameters of a
 * given date and received() as the caller counted it, and both turn the
 * clauses' three-valued results into one verdict in the same order:
 * any clause in error, else any false, else any unknown, else all true.
 * dx-conditions.c evaluates and words the parts; the callers compose
 * their own sentences.
 */
#pragma once

#include <glib.h>
#include "rules/dx-ruleset-private.h"
#include "input/dx-checks-private.h"
#include "input/dx-prior-private.h"

typedef enum {
    DX_VERDICT_TRUE,
    DX_VERDICT_ERROR,      /* some clause cannot be computed */
    DX_VERDICT_FALSE,      /* none in error, some false */
    DX_VERDICT_UNKNOWN,    /* none in error or false, some unknown */
} DxVerdict;

/* The clauses' results; lives on the caller's stack, no allocation for
 * up to 16 clauses (a million lines are judged per run). */
typedef struct {
    const DxRuleset *rs;
    const DxClause *clauses;
    guint n;
    DxEvalCtx ctx;
    DxEvalState *state;
    guint8 *value;
    DxEvalState state_buf[16];
    guint8 value_buf[16];
    gboolean heap;
} DxConditions;

/* What @enterprise_id received under each of @rs's received() keys (§11),
 * from @book (history and the ledger as it stands), into @out
 * (rs->n_received_keys entries). */
G_GNUC_INTERNAL void dx_conditions_received(const DxRuleset *rs, const DxPriorBook *book, const char *enterprise_id,
                                            int64_t *out);

/* Evaluates @clauses on @row with parameters in force on @day and
 * @received (fen per ruleset received key; may be NULL when there are
 * none). Call dx_conditions_clear() after. */
G_GNUC_INTERNAL DxVerdict dx_conditions_judge(DxConditions *c, const DxRuleset *rs, const DxClause *clauses,
                                              guint n, const DxChecksRow *row, gint32 day,
                                              const int64_t *received);
G_GNUC_INTERNAL void dx_conditions_clear(DxConditions *c);

G_GNUC_INTERNAL gboolean dx_conditions_in_error(const DxConditions *c, guint i);
G_GNUC_INTERNAL gboolean dx_conditions_is_false(const DxConditions *c, guint i);
/* What went wrong in clause @i (in error), in Chinese: a parameter before
 * its first date is named with the date (transfer full). */
G_GNUC_INTERNAL char *dx_conditions_dup_error(DxConditions *c, guint i);
/* The actual and required values of clause @i (false), worded as an
 * eligibility clause's (§7): "是否限上企业为 否，要求为 是" (transfer full). */
G_GNUC_INTERNAL char *dx_conditions_dup_detail(DxConditions *c, guint i);
/* The fields the unknown clauses lack, each once, by label, joined by
 * "、" into @labels; returns how many (a field with a default is never
 * missing). */
G_GNUC_INTERNAL guint dx_conditions_missing(const DxConditions *c, GString *labels);

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Deciding one application (dx-decide.c), the parts the batch-wide steps
 * (dx-decide-batch.c) reuse when they decide the policies that need the
 * whole batch.
 */
#pragma once

#include "decide/dx-decision-private.h"
#include "expr/dx-expr-private.h"

G_GNUC_INTERNAL DxDecision *dx_decide_policy(DxDecisionList *list, const DxDecision *base, guint pi,
                                             DxDecideScratch *s, gboolean matching, DxDecision *existing,
                                             DxEvalCtx *ctx);
G_GNUC_INTERNAL void dx_decision_eval_error(DxDecisionList *list, DxDecision *d, gint32 index, const DxEvalCtx *ctx);
G_GNUC_INTERNAL void dx_decide_award(DxDecisionList *list, DxDecision *d, const DxPolicy *pol, DxEvalCtx *ctx,
                                     DxDecideScratch *s);
G_GNUC_INTERNAL void dx_decision_missing(DxDecisionList *list, DxDecision *d, DxDecideScratch *s);
G_GNUC_INTERNAL void dx_decide_scratch_add_missing(DxDecideScratch *s, const DxRuleset *rs, const guint *slots,
                                                   guint n_slots);

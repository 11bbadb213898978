/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Round internals: dx-round.c runs the round (ledger transaction, inputs,
 * outputs), dx-allocate.c does steps 7-9 (groups, fund share and fund cap,
 * envelopes), dx-schedule.c step 10 (installments) and schedule.csv.
 */
#pragma once

#include "duixian/dx-types.h"
#include "duixian/dx-round.h"
#include "decide/dx-decision-private.h"
#include "input/dx-prior-private.h"
#include "output/dx-summary-private.h"

struct _DxScheduleLine {
    const DxDecision *decision;   /* borrowed from the round's sealed list */
    const char *batch_id;         /* YYYYMMDD-<bureau>, in the round's string chunk */
    const char *date;             /* YYYY-MM-DD, in the round's string chunk */
    int64_t amount_fen;
    gint32 day;
    guint16 installment, of;
    guint16 bureau_rank;          /* the bureau's place in key order (for sorting) */
    guint16 future;
};

/* Step 7: groups, per enterprise over @order (dx_decide_batch_steps()). */
G_GNUC_INTERNAL void dx_allocate_groups(DxDecisionList *list, const guint *order, guint n_order,
                                        const DxPriorBook *book);
/* Step 8: charged = amount × fund_share, then the fund's per-enterprise cap. */
G_GNUC_INTERNAL void dx_allocate_fund_cap(DxDecisionList *list, const guint *order, guint n_order,
                                          const DxPriorBook *book);
/* Step 9: envelopes (pro_rata / priority / fcfs); fills @use (n_envelopes). */
G_GNUC_INTERNAL void dx_allocate_envelopes(DxDecisionList *list, const DxPriorBook *book, DxEnvelopeUse *use);
/* Settles statuses after step 9: approved / reduced / rejected / unfunded. */
G_GNUC_INTERNAL void dx_allocate_settle(DxDecisionList *list);

/* Step 10: the installment lines of every granted decision of the sealed
 * @list, sorted as schedule.csv (date, bureau, app_id, installment, policy). */
G_GNUC_INTERNAL GArray *dx_schedule_build(const DxDecisionList *list, gint32 approval_day, GStringChunk *strings);
G_GNUC_INTERNAL char *dx_schedule_to_csv(const GArray *lines);
/* Streams schedule.csv to @path (through a temporary file and a rename). */
G_GNUC_INTERNAL gboolean dx_schedule_write_csv(const GArray *lines, const char *path, GError **error);
/* Splits @d's grant into its installments (§5.2): writes up to
 * policy->n_installments lines to @out (0-fen lines are skipped), returns
 * how many. */
G_GNUC_INTERNAL guint dx_schedule_split(const DxRuleset *rs, const DxDecision *d, gint32 approval_day,
                                        DxScheduleLine *out);
/* The same lines as text for the ledger: "1/2 2022-06-30 5000000;2/2 ..." */
G_GNUC_INTERNAL void dx_schedule_describe(const DxRuleset *rs, const DxDecision *d, gint32 approval_day,
                                          GString *out);

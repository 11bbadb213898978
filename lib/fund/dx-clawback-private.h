/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The money arithmetic of a commitment breach, a manual claw-back and a
 * refund receipt (docs/rules.md §14), as pure functions: no ledger, no I/O,
 * so the ledger's store can call them once it records claw-backs.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

/* How much of what was paid a breach asks back (commitment.refund). */
typedef enum {
    DX_REFUND_PAID = 0,       /* all that was paid (the default; manual claw-back) */
    DX_REFUND_PRO_RATA = 1,   /* the share of the period not yet kept, in days */
} DxRefundMode;

/* The last day of a commitment period of @months months from the approval
 * day @approved (days since 1970-01-01), clamped to the month's end like
 * installment dates. @months must be positive. */
G_GNUC_INTERNAL gint32 dx_commitment_period_end(gint32 approved, int months);

/* The refund due on a breach on day @breach of a commitment running from
 * @from to @to (both inclusive) after @paid_fen was paid. DX_REFUND_PAID
 * gives @paid_fen; DX_REFUND_PRO_RATA gives floor(paid × (to − breach) /
 * (to − from)) exactly in integers, so a breach on @to refunds 0.
 * Returns FALSE and sets @error (DX_ERROR_VALUE_INVALID) if @paid_fen is
 * negative, or, for pro_rata, @breach is outside the period or the period
 * is empty. */
G_GNUC_INTERNAL gboolean dx_refund_due(DxRefundMode mode, int64_t paid_fen, gint32 from,
                                       gint32 to, gint32 breach, int64_t *out_fen,
                                       GError **error);

/* Whether a receipt of @amount_fen may be recorded against a refund claim
 * of @due_fen of which @received_fen came back already: the amount must be
 * > 0 and at most what is still due. Sets @error (DX_ERROR_VALUE_INVALID,
 * naming both amounts in 元) otherwise. */
G_GNUC_INTERNAL gboolean dx_refund_receipt_check(int64_t amount_fen, int64_t due_fen,
                                                 int64_t received_fen, GError **error);

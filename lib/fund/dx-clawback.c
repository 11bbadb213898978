/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * docs/rules.md §14: the refund a breach asks back and the check on a
 * refund receipt. Only integers: the pro-rata share is computed as
 * q × left + r × left / span with paid = q × span + r, which is the exact
 * floor of paid × left / span and cannot overflow int64 for any paid fen.
 */
#include "duixian/duixian.h"
#include "fund/dx-clawback-private.h"
#include "base/dx-num-private.h"

gint32
dx_commitment_period_end(gint32 approved, int months)
{
    g_return_val_if_fail(months > 0, approved);
    return dx_date_add_months(approved, months);
}

gboolean
dx_refund_due(DxRefundMode mode, int64_t paid_fen, gint32 from, gint32 to, gint32 breach,
              int64_t *out_fen, GError **error)
{
    int64_t span, left, q, r;

    g_return_val_if_fail(out_fen != NULL, FALSE);
    if (paid_fen < 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "refund: paid amount %" G_GINT64_FORMAT " fen is negative", paid_fen);
        return FALSE;
    }
    if (mode == DX_REFUND_PAID) {
        *out_fen = paid_fen;
        return TRUE;
    }
    if (to <= from || breach < from || breach > to) {
        char a[16], e[16], d[16];

        dx_date_format(from, a);
        dx_date_format(to, e);
        dx_date_format(breach, d);
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "refund: pro_rata needs %s within the commitment period %s to %s", d, a, e);
        return FALSE;
    }
    span = (int64_t) to - from;
    left = (int64_t) to - breach;
    q = paid_fen / span;
    r = paid_fen % span;
    /* q × left ≤ paid and r × left < span² (< 2^64 for any gint32 days) */
    *out_fen = q * left + (r * left) / span;
    return TRUE;
}

gboolean
dx_refund_receipt_check(int64_t amount_fen, int64_t due_fen, int64_t received_fen, GError **error)
{
    int64_t still = due_fen - received_fen;

    if (amount_fen > 0 && amount_fen <= still)
        return TRUE;
    {
        g_autofree char *amount = dx_money_format(amount_fen);
        g_autofree char *left = dx_money_format(still > 0 ? still : 0);

        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    amount_fen <= 0 ? "refund receipt: amount %s must be more than 0 (still due %s)"
                                    : "refund receipt: amount %s is more than the %s still due",
                    amount, left);
    }
    return FALSE;
}

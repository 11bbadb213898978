/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <glib.h>

#include "duixian/dx-types.h"

G_BEGIN_DECLS

/**
 * SECTION:dx-clawback
 * @title: Claw-back, refunds and the ledger view
 * @short_description: 追回: a manual claw-back, a refund receipt, and §15's view per envelope
 *
 * A **manual claw-back** names one grant (application and policy) of the
 * ledger, a date and a reason: every installment line of the grant still
 * scheduled is cancelled (its fen go back to the envelope), everything
 * already paid is due back, and the grant is clawed back for good
 * (docs/rules.md §14). A **refund receipt** records money paid back on a
 * clawed-back grant, at most what is still due; it too goes back to the
 * envelope. Both are entries in the ledger's hash chain.
 *
 * A #DxLedgerView is the ledger's money as of a date, per envelope: total,
 * granted, paid, scheduled (due and future), held, forfeited, cancelled,
 * refunds due and received, and what remains (§15).
 */

/**
 * DxClawback:
 *
 * The result of a committed manual claw-back. Has a single owner; free
 * with dx_clawback_free().
 *
 * Since: 0.2
 */
typedef struct _DxClawback DxClawback;

/**
 * DxLedgerView:
 *
 * The ledger's money as of a date (docs/rules.md §15). Has a single owner;
 * free with dx_ledger_view_free().
 *
 * Since: 0.2
 */
typedef struct _DxLedgerView DxLedgerView;

/**
 * DxEnvelopeMoney:
 * @key: the envelope (a bureau key, or `*` for a fund without envelopes)
 * @total_fen: the envelope's total, from the latest round of the fund
 * @granted_fen: Σ granted of live (not revoked) grants
 * @paid_fen: Σ of their paid lines
 * @scheduled_due_fen: lines still scheduled and dated on or before the view's date
 * @scheduled_future_fen: lines still scheduled and dated after it
 * @held_fen: the part of @scheduled_due_fen that the latest payment run held
 * @forfeited_fen: Σ of forfeited lines
 * @cancelled_fen: Σ of lines a claw-back cancelled
 * @refund_due_fen: Σ of the refunds claw-backs claimed
 * @refund_received_fen: Σ of the refund receipts
 * @net_charged_fen: @granted_fen − @forfeited_fen − @cancelled_fen − @refund_received_fen
 * @remaining_fen: @total_fen − @net_charged_fen
 *
 * One envelope's money (docs/rules.md §15). For every envelope
 * @granted_fen = @paid_fen + @scheduled_due_fen + @scheduled_future_fen +
 * @forfeited_fen + @cancelled_fen.
 *
 * Since: 0.2
 */
typedef struct {
    const char *key;
    int64_t total_fen;
    int64_t granted_fen, paid_fen, scheduled_due_fen, scheduled_future_fen, held_fen;
    int64_t forfeited_fen, cancelled_fen, refund_due_fen, refund_received_fen;
    int64_t net_charged_fen, remaining_fen;
} DxEnvelopeMoney;

/**
 * DxRefundOutstanding:
 * @app_id: the grant's application
 * @enterprise_id: its enterprise
 * @policy_id: its policy
 * @bureau: its bureau
 * @envelope: its envelope
 * @date: the claw-back's date, YYYY-MM-DD
 * @due_fen: the refund the claw-back claimed
 * @received_fen: Σ of the receipts so far (less than @due_fen)
 *
 * A clawed-back grant with money still due back.
 *
 * Since: 0.2
 */
typedef struct {
    const char *app_id, *enterprise_id, *policy_id, *bureau, *envelope, *date;
    int64_t due_fen, received_fen;
} DxRefundOutstanding;

/**
 * dx_clawback_manual:
 * @ledger: an open, writable ledger
 * @app_id: the grant's application
 * @policy_id: the grant's policy
 * @date: the claw-back's date D, YYYY-MM-DD
 * @reason: the operator's reason (recorded; not empty)
 * @error: return location for a #GError
 *
 * Claws back the live grant of @policy_id to @app_id and commits it as
 * one `clawback` entry: its scheduled lines are cancelled, a refund of
 * everything paid on it is due (0 when nothing was paid), and the grant
 * is clawed back. Refused (%DX_ERROR_LEDGER, nothing committed) when the
 * ledger has no such grant, or it was revoked or clawed back already;
 * %DX_ERROR_VALUE_INVALID when @date is no date or @reason is empty.
 *
 * Returns: (transfer full) (nullable): the claw-back; %NULL with @error set
 *
 * Since: 0.2
 */
DX_EXPORT DxClawback *dx_clawback_manual(DxLedger *ledger, const char *app_id, const char *policy_id,
                                         const char *date, const char *reason, GError **error)
    G_GNUC_NON_NULL(1, 2, 3, 4, 5);

/**
 * dx_clawback_prepare:
 * @ledger: an open, writable ledger; it must outlive the claw-back
 * @app_id: the grant's application
 * @policy_id: the grant's policy
 * @date: the claw-back's date D, YYYY-MM-DD
 * @reason: the operator's reason (recorded; not empty)
 * @error: return location for a #GError
 *
 * dx_clawback_manual() in two steps: this one takes the ledger's write
 * lock, decides and appends the `clawback` entry without committing it,
 * so that its files can be written (dx_clawback_write(), with the head the
 * commit will leave) before dx_clawback_commit(). Freeing a claw-back that
 * was prepared and not committed rolls it back. Errors as
 * dx_clawback_manual(); on error nothing is left pending.
 *
 * Returns: (transfer full) (nullable): the pending claw-back; %NULL with
 *   @error set
 *
 * Since: 0.2
 */
DX_EXPORT DxClawback *dx_clawback_prepare(DxLedger *ledger, const char *app_id, const char *policy_id,
                                          const char *date, const char *reason, GError **error)
    G_GNUC_NON_NULL(1, 2, 3, 4, 5);

/**
 * dx_clawback_commit:
 * @self: a claw-back from dx_clawback_prepare() (one committed already is left as it is)
 * @error: return location for a #GError
 *
 * Commits the prepared claw-back (the COMMIT), releasing the write lock.
 * On failure the ledger is as it was before dx_clawback_prepare().
 *
 * Returns: %TRUE when committed
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_clawback_commit(DxClawback *self, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_write:
 * @self: a claw-back
 * @dir: the output directory (created if needed)
 * @error: return location for a #GError
 *
 * Writes clawbacks.csv (one row), clawbacks.json (the totals, keys
 * sorted) and ledger-head.txt (the ledger's head after the claw-back and a
 * newline, as a committed round writes it) into @dir, each complete or
 * not at all.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_clawback_write(DxClawback *self, const char *dir, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_clawback_get_paid_fen:
 * @self: a claw-back
 *
 * What had been paid on the grant.
 *
 * Returns: fen
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_clawback_get_paid_fen(const DxClawback *self) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_get_cancelled_fen:
 * @self: a claw-back
 *
 * What its cancelled lines held (back to the envelope).
 *
 * Returns: fen
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_clawback_get_cancelled_fen(const DxClawback *self) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_get_refund_due_fen:
 * @self: a claw-back
 *
 * The refund now due (a manual claw-back asks back all that was paid).
 *
 * Returns: fen
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_clawback_get_refund_due_fen(const DxClawback *self) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_get_id:
 * @self: a claw-back
 *
 * The seq of its ledger entry.
 *
 * Returns: the entry's seq
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_clawback_get_id(const DxClawback *self) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_get_head:
 * @self: a claw-back
 *
 * The ledger's head hash right after the claw-back was committed.
 *
 * Returns: (transfer none): 64 hex digits, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_clawback_get_head(const DxClawback *self) G_GNUC_NON_NULL(1);

/**
 * dx_clawback_free:
 * @self: (nullable): a claw-back
 *
 * Frees @self: a committed claw-back's entry stays; one prepared and not
 * committed is rolled back.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_clawback_free(DxClawback *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxClawback, dx_clawback_free)

/**
 * dx_ledger_refund:
 * @ledger: an open, writable ledger
 * @app_id: the grant's application
 * @policy_id: the grant's policy
 * @amount_fen: the fen paid back, above 0
 * @date: the receipt's date, YYYY-MM-DD
 * @reference: the receipt's reference (a bank slip number, say; not empty)
 * @still_due_fen: (out) (optional): what is still due after this receipt
 * @error: return location for a #GError
 *
 * Records a refund receipt on the clawed-back grant of @policy_id to
 * @app_id as one `refund` entry; the money goes back to the envelope.
 * Refused, committing nothing: %DX_ERROR_VALUE_INVALID when @amount_fen is
 * not above 0 or is more than what is still due (the message names both
 * amounts), @date is no date or @reference is empty; %DX_ERROR_LEDGER
 * when there is no such grant or it has no refund due.
 *
 * Returns: %TRUE when committed
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_ledger_refund(DxLedger *ledger, const char *app_id, const char *policy_id, int64_t amount_fen,
                                    const char *date, const char *reference, int64_t *still_due_fen, GError **error)
    G_GNUC_NON_NULL(1, 2, 3, 5, 6);

/**
 * dx_ledger_view_new:
 * @ledger: an open ledger (read-only will do)
 * @date: (nullable): the view's date D, YYYY-MM-DD; %NULL for today (UTC)
 * @error: return location for a #GError
 *
 * Reads the money of the fund of the ledger's latest round as of @date:
 * one #DxEnvelopeMoney per envelope (by key), and every refund still
 * outstanding (by app_id, then policy_id). An empty ledger gives no
 * envelope.
 *
 * Returns: (transfer full) (nullable): the view; %NULL with @error set
 *   (%DX_ERROR_VALUE_INVALID for a bad date, %DX_ERROR_LEDGER or
 *   %DX_ERROR_LEDGER_CORRUPT when the ledger cannot be read)
 *
 * Since: 0.2
 */
DX_EXPORT DxLedgerView *dx_ledger_view_new(DxLedger *ledger, const char *date, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_get_fund_id:
 * @self: a view
 *
 * The fund the view is of ("" for an empty ledger).
 *
 * Returns: (transfer none): the fund id, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_ledger_view_get_fund_id(const DxLedgerView *self) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_get_n_envelopes:
 * @self: a view
 *
 * How many envelopes the view has.
 *
 * Returns: the count
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ledger_view_get_n_envelopes(const DxLedgerView *self) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_get_envelope:
 * @self: a view
 * @i: from 0, below dx_ledger_view_get_n_envelopes()
 *
 * Envelope @i, in key order.
 *
 * Returns: (transfer none): its money, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const DxEnvelopeMoney *dx_ledger_view_get_envelope(const DxLedgerView *self, size_t i) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_get_n_refunds:
 * @self: a view
 *
 * How many clawed-back grants still owe a refund.
 *
 * Returns: the count
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ledger_view_get_n_refunds(const DxLedgerView *self) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_get_refund:
 * @self: a view
 * @i: from 0, below dx_ledger_view_get_n_refunds()
 *
 * Outstanding refund @i, by app_id then policy_id.
 *
 * Returns: (transfer none): the refund, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const DxRefundOutstanding *dx_ledger_view_get_refund(const DxLedgerView *self, size_t i)
    G_GNUC_NON_NULL(1);

/**
 * dx_ledger_view_free:
 * @self: (nullable): a view
 *
 * Frees @self and everything it handed out.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_ledger_view_free(DxLedgerView *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxLedgerView, dx_ledger_view_free)

/**
 * dx_ledger_dup_app_money:
 * @ledger: an open ledger (read-only will do)
 * @app_id: an application
 * @lang: (nullable): "en" for English; %NULL or "zh" for Chinese
 * @error: return location for a #GError
 *
 * What the ledger says of the money of @app_id's grants, for people: per
 * grant its installment lines with their state (scheduled, held by the
 * latest payment run, paid, forfeited, cancelled), whether it was revoked,
 * and any claw-back (date, reason, what it stopped and asked back) and the
 * refunds received and still due. Lines are sorted by policy, then
 * installment; every line ends with a newline.
 *
 * Returns: (transfer full) (nullable): the text, "" when the ledger holds
 *   no grant of @app_id; %NULL with @error set when the ledger cannot be
 *   read. Free with g_free().
 *
 * Since: 0.2
 */
DX_EXPORT char *dx_ledger_dup_app_money(DxLedger *ledger, const char *app_id, const char *lang, GError **error)
    G_GNUC_NON_NULL(1, 2);

G_END_DECLS

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <glib.h>

#include "duixian/dx-types.h"

G_BEGIN_DECLS

/**
 * SECTION:dx-review
 * @title: DxReview
 * @short_description: a commitment review (承诺复核): grants whose commitment is broken, clawed back
 *
 * A policy's `commitment` says what an enterprise keeps doing for some
 * months after approval (stay registered in the district, say). A review
 * takes the ruleset, the ledger, a checks file (the enterprises' data now)
 * and a date D, and looks at every live grant of a policy with a
 * commitment whose enterprise has a checks row and whose period contains
 * D (docs/rules.md §14). Its `keep` clauses are evaluated with the
 * parameters in force on D: all true, the grant is kept; one false, a
 * breach: the grant's scheduled lines are cancelled, a refund is due (all
 * that was paid, or pro rata by days) and the grant is clawed back; one
 * unknown (`commitment_missing`) or in error (`eval_error`) changes
 * nothing and is listed. The review is one ledger entry, committed in
 * one transaction.
 */

/**
 * DxReview:
 *
 * A commitment review. Has a single owner; free with dx_review_free().
 *
 * Since: 0.2
 */
typedef struct _DxReview DxReview;

/**
 * DxReviewTotals:
 * @reviewed: grants reviewed (their period contains the date, their enterprise has a checks row)
 * @kept: of them, every clause true
 * @breached: of them, a clause false: clawed back
 * @missing: of them, not judged: data missing (commitment_missing)
 * @errors: of them, not judged: a clause cannot be computed (eval_error)
 * @cancelled_fen: Σ of the breached grants' lines cancelled
 * @refund_due_fen: Σ of their refunds due
 *
 * What a review did.
 *
 * Since: 0.2
 */
typedef struct {
    size_t reviewed;
    size_t kept;
    size_t breached;
    size_t missing;
    size_t errors;
    int64_t cancelled_fen;
    int64_t refund_due_fen;
} DxReviewTotals;

/**
 * dx_review_new:
 * @rules: the ruleset of the ledger's fund (a reference is taken); the
 *   commitments (months, keep, refund mode) are read from it
 * @ledger: (transfer none): the ledger; it must outlive the review
 * @date: the review date D, YYYY-MM-DD
 * @error: return location for a #GError
 *
 * Creates a review; nothing is read until dx_review_decide() or
 * dx_review_run().
 *
 * Returns: (transfer full) (nullable): a review, or %NULL with @error set
 *   (%DX_ERROR_VALUE_INVALID) when @date is not a date
 *
 * Since: 0.2
 */
DX_EXPORT DxReview *dx_review_new(DxRuleset *rules, DxLedger *ledger, const char *date, GError **error)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_review_set_checks_file:
 * @self: a review that has not run
 * @path: the checks file, as for a payment run (dx_payrun_set_checks_file())
 * @options: (nullable): limits and encoding; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Reads the enterprises' data the commitments are judged on. A review
 * needs one: grants whose enterprise has no row are not reviewed.
 *
 * Returns: %TRUE when the file was read; else %FALSE with @error set
 *   (%DX_ERROR_INPUT_INVALID naming file, line and field)
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_set_checks_file(DxReview *self, const char *path, const DxLoadOptions *options,
                                             GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_review_add_history_file:
 * @self: a review that has not run
 * @path: a history file (awards from outside the fund)
 * @error: return location for a #GError
 *
 * Adds what `received()` counts in `keep` clauses beyond the ledger.
 *
 * Returns: %TRUE when the file was read
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_add_history_file(DxReview *self, const char *path, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_review_get_warnings:
 * @self: a review
 *
 * What the checks file had that the review ignored, one sentence each.
 *
 * Returns: (transfer none) (array zero-terminated=1): the warnings, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const char *const *dx_review_get_warnings(const DxReview *self) G_GNUC_NON_NULL(1);

/**
 * dx_review_decide:
 * @self: a review with a checks file
 * @dry_run: judge, but hold no lock and append nothing
 * @error: return location for a #GError
 *
 * Takes the ledger's write lock, reads its grants, judges them and
 * appends the review in the open transaction: its id and the ledger's
 * head are known from here. dx_review_commit() commits it; freeing the
 * review before that rolls it back. So a program can write the review's
 * files before the commit and keep nothing of a review that failed.
 *
 * Returns: %TRUE on success; %FALSE with @error set and nothing appended
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_decide(DxReview *self, gboolean dry_run, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_review_commit:
 * @self: a review that was decided
 * @error: return location for a #GError
 *
 * Commits what dx_review_decide() appended (nothing for a dry run).
 *
 * Returns: %TRUE when committed; %FALSE with @error set, and nothing committed
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_commit(DxReview *self, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_review_run:
 * @self: a review with a checks file
 * @dry_run: judge, but commit nothing
 * @error: return location for a #GError
 *
 * dx_review_decide() then dx_review_commit().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_run(DxReview *self, gboolean dry_run, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_review_write:
 * @self: a review that was decided
 * @dir: the output directory (created if needed)
 * @error: return location for a #GError
 *
 * Writes clawbacks.csv (a row per breach, and per grant not judged, with
 * zero amounts; sorted by app_id then policy_id), clawbacks.json (the
 * counts and sums, keys sorted) and clawbacks-explained.csv (the
 * sentence of each row) into @dir, each complete or not at all.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_review_write(DxReview *self, const char *dir, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_review_get_totals:
 * @self: a review that was decided
 * @totals: (out caller-allocates): filled with the counts and sums
 *
 * What the review judged: how many grants it reviewed, kept, breached and
 * left unjudged, and the fen it cancelled and asks back (zeros before
 * dx_review_decide()).
 *
 * Since: 0.2
 */
DX_EXPORT void dx_review_get_totals(const DxReview *self, DxReviewTotals *totals) G_GNUC_NON_NULL(1, 2);

/**
 * dx_review_get_id:
 * @self: a review
 *
 * The review's entry in the ledger's hash chain (its sequence number),
 * known from dx_review_decide() on.
 *
 * Returns: the review's ledger entry, or 0 (not decided, or a dry run)
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_review_get_id(const DxReview *self) G_GNUC_NON_NULL(1);

/**
 * dx_review_free:
 * @self: (nullable): a review
 *
 * Frees @self; a review decided but not committed is rolled back.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_review_free(DxReview *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxReview, dx_review_free)

G_END_DECLS

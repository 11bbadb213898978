/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxPriorBook: what an enterprise already has before a round, gathered
 * from the ledger (earlier rounds of this fund) and the history file
 * (awards from outside this fund), and who reads which part (docs/rules.md §6):
 *
 *   once, policy per_enterprise_cap, groups   <- history + ledger
 *   fund per_enterprise_cap, envelopes        <- ledger only
 *   duplicate app_id                          <- ledger only (revoked included)
 *
 * Award amounts are in award units (after step 7, before fund_share);
 * charged amounts are fen of this fund. A revoked grant no longer counts
 * as held or charged (its money is back in the envelope), but its app_id
 * stays used. Lookups are by string, since history may name policies and
 * groups of other funds.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct _DxPriorBook DxPriorBook;

G_GNUC_INTERNAL DxPriorBook *dx_prior_book_new(void);
G_GNUC_INTERNAL void dx_prior_book_free(DxPriorBook *book);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxPriorBook, dx_prior_book_free)

/* An award an enterprise holds. @group_key may be NULL or "". @charged_fen
 * is what this fund paid (0 for history). Negative amounts (a revocation
 * entering the book) subtract. @taken: counts for `once` (FALSE when the
 * entry undoes a grant). */
G_GNUC_INTERNAL void dx_prior_book_add_award(DxPriorBook *book, const char *enterprise_id, const char *policy_id,
                                             const char *group_key, int64_t award_fen, int64_t charged_fen,
                                             int taken_delta);
/* Fen that came back to the fund from an enterprise's grant without
 * undoing it (a forfeited installment, docs/rules.md §15): room again under
 * the fund's per_enterprise_cap, nothing else. */
G_GNUC_INTERNAL void dx_prior_book_add_fund_credit(DxPriorBook *book, const char *enterprise_id, int64_t fen);
/* An app_id the ledger granted money to (for duplicate detection). */
G_GNUC_INTERNAL void dx_prior_book_add_paid_app(DxPriorBook *book, const char *app_id);
/* Money the ledger charged to an envelope (negative for a revocation). */
G_GNUC_INTERNAL void dx_prior_book_add_envelope_charge(DxPriorBook *book, const char *envelope_key, int64_t fen);

G_GNUC_INTERNAL void dx_prior_book_get_policy(const DxPriorBook *book, const char *enterprise_id,
                                              const char *policy_id, int64_t *received_fen, gboolean *taken);
G_GNUC_INTERNAL int64_t dx_prior_book_get_group_held(const DxPriorBook *book, const char *enterprise_id,
                                                     const char *group_key);
G_GNUC_INTERNAL int64_t dx_prior_book_get_fund_charged(const DxPriorBook *book, const char *enterprise_id);
G_GNUC_INTERNAL int64_t dx_prior_book_get_envelope_charged(const DxPriorBook *book, const char *envelope_key);
G_GNUC_INTERNAL gboolean dx_prior_book_has_paid_app(const DxPriorBook *book, const char *app_id);

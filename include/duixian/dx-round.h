/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-round
 * @title: DxRound
 * @short_description: one disbursement round
 *
 * DxRound: one disbursement round (docs/rules.md §6 steps 1-10, §8): a ruleset, a
 * batch of applications, an approval date, the ledger of earlier rounds and
 * the history of awards from outside this fund in; decisions with granted
 * amounts, the payout schedule and a summary out. With a ledger, the round
 * reads the envelopes and commits its grants in one transaction (or, as a
 * dry run, commits nothing). Results are the same whatever order the
 * applications came in, except which of two rows with one app_id is first.
 * Single owner; not thread-safe.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_round_new:
 * @ruleset: the ruleset (a reference is taken)
 * @approval_date: "YYYY-MM-DD", the date installments count from
 * @error: return location for a #GError, or %NULL
 *
 * Creates a round of @ruleset whose installments count from @approval_date.
 *
 * Returns: (transfer full): a round to set up and run, or %NULL with
 *   %DX_ERROR_VALUE_INVALID for a bad date; free with dx_round_free()
 * Since: 0.1
 */
DX_EXPORT DxRound *dx_round_new(DxRuleset *ruleset, const char *approval_date, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_round_free:
 * @self: (nullable): the round
 *
 * Frees @self (what it committed stays in the ledger; a round that
 * dx_round_decide() left pending is rolled back, so the ledger must still
 * be open).
 *
 * Since: 0.1
 */
DX_EXPORT void dx_round_free(DxRound *self);

/**
 * dx_round_set_ledger:
 * @self: a round
 * @ledger: (nullable): the ledger (borrowed: it must outlive dx_round_run())
 *
 * Sets the ledger the round reads envelopes from and commits to.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_round_set_ledger(DxRound *self, DxLedger *ledger) G_GNUC_NON_NULL(1);

/**
 * dx_round_set_as_of_round:
 * @self: a round, not run yet
 * @round_id: a committed round of the ledger set by dx_round_set_ledger(),
 *   or 0 for none
 *
 * Decides as round @round_id was decided (an as-of replay): against only
 * what the ledger held before that round was committed — earlier rounds and
 * revocations; later rounds and later revocations are not seen. Nothing is
 * committed, as with dx_round_set_dry_run(). With the round's rules,
 * applications, history files and approval date (dx_ledger_dup_round_field())
 * the outputs are byte-identical to what the round wrote, which
 * dx_ledger_export_round() re-creates. dx_round_run() fails with
 * %DX_ERROR_LEDGER when no ledger is set or it has no such round of the
 * ruleset's fund.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_round_set_as_of_round(DxRound *self, int64_t round_id) G_GNUC_NON_NULL(1);

/**
 * dx_round_set_dry_run:
 * @self: a round
 * @dry_run: %TRUE to compute against the ledger without committing (what-if)
 *
 * Chooses between committing to the ledger and a what-if run.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_round_set_dry_run(DxRound *self, gboolean dry_run) G_GNUC_NON_NULL(1);

/**
 * dx_round_add_history_file:
 * @self: a round
 * @path: (type filename): CSV `enterprise_id,policy_id,group,amount_fen,date`
 *   of awards from outside this fund (earlier years, other funds)
 * @error: return location for a #GError, or %NULL
 *
 * History feeds `once`, the policy per-enterprise cap and groups, never the
 * envelopes or the fund's per-enterprise cap. A bad row fails the whole file
 * (%DX_ERROR_HISTORY_INVALID naming path:line:col) before anything is decided.
 * Returns: %TRUE, or %FALSE with @error set
 * Since: 0.1
 */
DX_EXPORT gboolean dx_round_add_history_file(DxRound *self, const char *path, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_round_run:
 * @self: a round, not yet run
 * @batch: the applications; the round takes its decisions and finishes it
 * @error: return location for a #GError, or %NULL
 *
 * Runs steps 1-10. With a ledger and not a dry run, commits the round, every
 * decision, grant and schedule line in one transaction; if that fails,
 * nothing is written and %FALSE is returned (%DX_ERROR_LEDGER).
 * Returns: %TRUE, or %FALSE with @error set
 * Since: 0.1
 */
DX_EXPORT gboolean dx_round_run(DxRound *self, DxBatch *batch, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_round_decide:
 * @self: a round, not yet run
 * @batch: the applications; the round takes its decisions and finishes it
 * @error: return location for a #GError, or %NULL
 *
 * dx_round_run() without its last step: steps 1-10 are run and, with a
 * ledger and not a dry run, every entry of the round is written inside the
 * ledger's open transaction (its write lock held) but not committed. From
 * here the round's getters work, dx_round_get_round_id() gives the id the
 * round will have and dx_ledger_dup_head_hash() the head it will leave, so
 * the round's files can be written (under temporary names) before
 * dx_round_commit() commits it; then the files are renamed into place.
 * That order means a failure or a signal before the commit leaves no
 * round without files, and the ledger as it was. dx_round_abort(), or
 * freeing the round, rolls the uncommitted round back. Without a ledger
 * or as a dry run this is dx_round_run(), and dx_round_commit() does
 * nothing.
 *
 * The ledger stays locked until dx_round_commit() or dx_round_abort(): do
 * the writing in between, and nothing slow.
 *
 * Returns: %TRUE, or %FALSE with @error set (nothing is left pending)
 * Since: 0.2
 */
DX_EXPORT gboolean dx_round_decide(DxRound *self, DxBatch *batch, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_round_commit:
 * @self: a round that dx_round_decide() decided
 * @error: return location for a #GError, or %NULL
 *
 * Commits the round dx_round_decide() left pending (%TRUE at once when
 * nothing is pending: no ledger, a dry run, or committed already). If the
 * COMMIT fails the round is rolled back and dx_round_get_round_id() is 0.
 *
 * Returns: %TRUE, or %FALSE with @error set (%DX_ERROR_LEDGER)
 * Since: 0.2
 */
DX_EXPORT gboolean dx_round_commit(DxRound *self, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_round_abort:
 * @self: a round
 *
 * Rolls back the round dx_round_decide() left pending, if any: the ledger
 * is as it was and dx_round_get_round_id() is 0. The decisions, schedule
 * and summary stay readable. dx_round_free() does the same.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_round_abort(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_get_decisions:
 * @self: a round
 *
 * Gets the decisions, in output order, after dx_round_run().
 *
 * Returns: (transfer none): the decisions, in output order, after dx_round_run().
 *
 * Since: 0.1
 */
DX_EXPORT DxDecisionList *dx_round_get_decisions(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_get_n_schedule_lines:
 * @self: a round
 *
 * Gets the number of payout lines.
 *
 * Returns: the number of payout lines.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_round_get_n_schedule_lines(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_get_schedule_line:
 * @self: a round
 * @index: below dx_round_get_n_schedule_lines()
 *
 * Gets line @index, sorted as schedule.csv.
 *
 * Returns: (transfer none): line @index, sorted as schedule.csv.
 *
 * Since: 0.1
 */
DX_EXPORT const DxScheduleLine *dx_round_get_schedule_line(DxRound *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_round_get_round_id:
 * @self: a round
 *
 * Gets the ledger's id of the committed round, or 0. Between
 * dx_round_decide() and dx_round_commit() it is the id the round will
 * have; 0 again after dx_round_abort() or a failed commit.
 *
 * Returns: the ledger's id of the committed round, or 0.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_round_get_round_id(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_get_envelope_remaining_fen:
 * @self: a round that has run
 * @index: an envelope, as dx_ruleset_get_envelope_key() numbers them
 *
 * What is left in the envelope after this round: its total, less what
 * earlier rounds charged (net of revocations) and what this round granted
 * from it; summary.json's `envelopes.KEY.remaining`.
 *
 * Returns: the amount in fen
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_round_get_envelope_remaining_fen(DxRound *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_round_dup_schedule_csv:
 * @self: a round
 *
 * Writes the payout schedule as schedule.csv text, in memory.
 *
 * Returns: (transfer full): schedule.csv (docs/rules.md §8); g_free()
 *
 * Since: 0.1
 */
DX_EXPORT char *dx_round_dup_schedule_csv(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_dup_summary_json:
 * @self: a round
 *
 * Writes the round's summary as summary.json text, in memory.
 *
 * Returns: (transfer full): summary.json (docs/rules.md §8, keys sorted, fen integers); g_free()
 *
 * Since: 0.1
 */
DX_EXPORT char *dx_round_dup_summary_json(DxRound *self) G_GNUC_NON_NULL(1);

/**
 * dx_round_write_outputs:
 * @self: a round that has run
 * @dir: (type filename): an existing directory
 * @error: return location for a #GError, or %NULL
 *
 * Writes decisions.csv, schedule.csv and summary.json into @dir, each
 * replaced atomically. To have no committed round without its files, call
 * it between dx_round_decide() and dx_round_commit() on a new directory
 * beside the final one, and rename the files into place after the commit
 * (docs/cli.md, "Outputs and the commit"). Returns: %TRUE, or %FALSE with %DX_ERROR_IO
 * Since: 0.1
 */
DX_EXPORT gboolean dx_round_write_outputs(DxRound *self, const char *dir, GError **error)
    G_GNUC_NON_NULL(1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxRound, dx_round_free)

/**
 * dx_round_get_envelope_requested_fen:
 * @self: a round that has run
 * @index: below dx_ruleset_get_n_envelopes()
 *
 * Gets the demand on envelope @index: the sum of the amounts the round's
 * decisions asked of it at step 9, before any rationing (summary.json's
 * `requested`).
 *
 * Returns: the demand, in fen.
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_round_get_envelope_requested_fen(DxRound *self, size_t index) G_GNUC_NON_NULL(1);

G_END_DECLS

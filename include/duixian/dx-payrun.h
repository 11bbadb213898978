/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <glib.h>

#include "duixian/dx-types.h"

G_BEGIN_DECLS

/**
 * SECTION:dx-payrun
 * @title: DxPayrun
 * @short_description: a payment run (拨付): the installments due, paid
 *
 * A round writes each grant's installments into the ledger as lines that
 * are *scheduled*; only a payment run marks one paid (docs/rules.md §13).
 * A run takes the ruleset of the ledger's fund and a date D: every line
 * still scheduled and dated D or earlier is taken in schedule order (date,
 * bureau, application, installment, policy) and paid. The run is one
 * ledger entry in the hash chain, committed in one transaction; a second
 * run with the same D pays nothing twice.
 *
 * A line whose installment has `requires` is checked against the
 * enterprise's row of a checks file (dx_payrun_set_checks_file()) with the
 * parameters in force on the line's date: paid when every clause holds,
 * forfeited when one is false (with `on_fail: forfeit_rest`, the grant's
 * later lines too), held when one cannot be computed or its data is
 * missing. A held line stays scheduled for the next run; forfeited fen go
 * back to their envelope (§15).
 */

/**
 * DxPayrunTotals:
 * @paid_fen: fen paid by the run
 * @forfeited_fen: fen forfeited
 * @held_fen: fen of the lines held (still scheduled)
 * @paid_lines: lines paid
 * @forfeited_lines: lines forfeited
 * @held_lines: lines held
 *
 * What a payment run did, for the whole run or one envelope.
 *
 * Since: 0.2
 */
typedef struct {
    int64_t paid_fen;
    int64_t forfeited_fen;
    int64_t held_fen;
    size_t paid_lines;
    size_t forfeited_lines;
    size_t held_lines;
} DxPayrunTotals;

/**
 * dx_payrun_new:
 * @rules: the ruleset of the ledger's fund (a reference is taken)
 * @ledger: (transfer none): the ledger; it must outlive the run
 * @through: the run's date D, YYYY-MM-DD
 * @error: return location for a #GError
 *
 * Creates a payment run of @rules' fund over @ledger through @through;
 * nothing is read until dx_payrun_run().
 *
 * Returns: (transfer full) (nullable): a run that has not run yet; %NULL
 *   (with @error set, %DX_ERROR_VALUE_INVALID) when @through is not a date
 *
 * Since: 0.2
 */
DX_EXPORT DxPayrun *dx_payrun_new(DxRuleset *rules, DxLedger *ledger, const char *through, GError **error)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_payrun_set_checks_file:
 * @self: a run that has not run
 * @path: the checks file: CSV, or a YAML/JSON list when @path ends in .yaml, .yml or .json
 * @options: (nullable): limits and encoding, as for applications; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Reads the enterprises' data the installment conditions are checked on:
 * one row per enterprise, with `enterprise_id` and any declared fields
 * (names, aliases or labels). Columns `app_id`, `submitted_on` and `policy`
 * and columns that name no field are ignored with a warning
 * (dx_payrun_get_warnings()). A bad cell, a wrong cell count, an empty
 * `enterprise_id`, two rows for one enterprise or no `enterprise_id`
 * column is an error (%DX_ERROR_INPUT_INVALID, naming file, line and
 * field), and the run keeps the checks it had.
 *
 * Returns: %TRUE when the file was read
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_set_checks_file(DxPayrun *self, const char *path, const DxLoadOptions *options,
                                             GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_payrun_add_history_file:
 * @self: a run that has not run
 * @path: a history file, as for a round (dx_round_add_history_file())
 * @error: return location for a #GError
 *
 * Adds awards from outside the fund to what `received()` counts in the
 * conditions (§11); the ledger's own grants are counted without it.
 *
 * Returns: %TRUE when the file was read
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_add_history_file(DxPayrun *self, const char *path, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_payrun_get_warnings:
 * @self: a run
 *
 * What the checks file had that the run ignored, one sentence each.
 *
 * Returns: (transfer none) (array zero-terminated=1): the warnings, owned by @self
 *
 * Since: 0.2
 */
DX_EXPORT const char *const *dx_payrun_get_warnings(const DxPayrun *self) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_run:
 * @self: a run
 * @dry_run: decide, but commit nothing
 * @error: return location for a #GError
 *
 * Reads the lines under the ledger's write lock, decides them and (unless
 * @dry_run) commits the run. A line whose policy is not in the ruleset,
 * or whose policy no longer has as many installments as the line says, is
 * an error (%DX_ERROR_VALUE_INVALID naming the line) and nothing is
 * committed; so is a ledger without any round of the ruleset's fund.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_run(DxPayrun *self, gboolean dry_run, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_decide:
 * @self: a run that has not run
 * @dry_run: decide, but commit nothing
 * @error: return location for a #GError
 *
 * dx_payrun_run() without its COMMIT: the lines are read under the
 * ledger's write lock, decided and (unless @dry_run) the run's entries
 * written inside the open transaction; dx_payrun_get_id() gives the entry
 * the run will be. Write the files then, with dx_payrun_write() into a new
 * directory beside the final one, commit with dx_payrun_commit() and
 * rename the files into place: a failure or a signal before the commit
 * leaves the ledger as it was and no committed run without its files
 * (docs/cli.md, "Outputs and the commit"). Freeing the run before
 * dx_payrun_commit() rolls it back. The ledger stays locked in between.
 *
 * Returns: %TRUE on success (with %FALSE nothing is left pending)
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_decide(DxPayrun *self, gboolean dry_run, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_commit:
 * @self: a run that dx_payrun_decide() decided
 * @error: return location for a #GError
 *
 * Commits what dx_payrun_decide() left pending; %TRUE at once for a dry
 * run or a run committed already. A failed COMMIT rolls the run back
 * (dx_payrun_get_id() is then 0).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_commit(DxPayrun *self, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_write:
 * @self: a run that ran, or that dx_payrun_decide() decided
 * @dir: the output directory (created if needed)
 * @error: return location for a #GError
 *
 * Writes payments.csv (one row per line the run settled or held, in
 * schedule order) and payments.json (totals per envelope, keys sorted, fen
 * integers) into @dir, each complete or not at all.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_write(DxPayrun *self, const char *dir, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_payrun_get_paid_fen:
 * @self: a run that ran
 *
 * Gets what the run paid, in all.
 *
 * Returns: the fen the run paid
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_payrun_get_paid_fen(const DxPayrun *self) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_get_n_paid:
 * @self: a run that ran
 *
 * Gets how many lines the run paid.
 *
 * Returns: how many lines the run paid
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_payrun_get_n_paid(const DxPayrun *self) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_get_totals:
 * @self: a run that has run
 * @envelope: (nullable): an envelope key (a bureau key, or "*"); %NULL for the whole run
 * @totals: (out caller-allocates): filled with the totals
 *
 * What the run paid, forfeited and held, in fen and lines.
 *
 * Returns: %TRUE, or %FALSE (with @totals zeroed) when the run has not
 *   run or the fund has no envelope @envelope
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_payrun_get_totals(const DxPayrun *self, const char *envelope, DxPayrunTotals *totals)
    G_GNUC_NON_NULL(1, 3);

/**
 * dx_payrun_get_id:
 * @self: a run that ran
 *
 * Gets where the run stands in the ledger's chain.
 *
 * Returns: the run's entry in the ledger (its seq), 0 for a dry run
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_payrun_get_id(const DxPayrun *self) G_GNUC_NON_NULL(1);

/**
 * dx_payrun_free:
 * @self: (nullable): a run
 *
 * Frees the run (the ledger stays open; a run dx_payrun_decide() left
 * uncommitted is rolled back, so the ledger must still be open).
 *
 * Since: 0.2
 */
DX_EXPORT void dx_payrun_free(DxPayrun *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxPayrun, dx_payrun_free)

G_END_DECLS

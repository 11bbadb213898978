/* SPDX-License-Identifier: LGPL-2.1-or-later
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
#include <duixian/dx-ledger.h>

G_BEGIN_DECLS

typedef struct _DxRound DxRound;
/* One line of the payout schedule, borrowed from its round. */
typedef struct _DxScheduleLine DxScheduleLine;

/**
 * dx_round_new:
 * @ruleset: the ruleset (a reference is taken)
 * @approval_date: "YYYY-MM-DD", the date installments count from
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full): a round to set up and run, or %NULL with
 *   %DX_ERROR_VALUE_INVALID for a bad date; free with dx_round_free()
 * Since: 0.1
 */
DX_EXPORT DxRound *dx_round_new(DxRuleset *ruleset, const char *approval_date, GError **error);

/** dx_round_free: @self: (nullable): the round. Since: 0.1 */
DX_EXPORT void dx_round_free(DxRound *self);

/**
 * dx_round_set_ledger:
 * @self: a round
 * @ledger: (nullable): the ledger (borrowed: it must outlive dx_round_run())
 * Since: 0.1
 */
DX_EXPORT void dx_round_set_ledger(DxRound *self, DxLedger *ledger);

/**
 * dx_round_set_dry_run:
 * @self: a round
 * @dry_run: %TRUE to compute against the ledger without committing (what-if)
 * Since: 0.1
 */
DX_EXPORT void dx_round_set_dry_run(DxRound *self, gboolean dry_run);

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
DX_EXPORT gboolean dx_round_add_history_file(DxRound *self, const char *path, GError **error);

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
DX_EXPORT gboolean dx_round_run(DxRound *self, DxBatch *batch, GError **error);

/** dx_round_get_decisions: Returns: (transfer none): the decisions, in output order, after dx_round_run(). */
DX_EXPORT DxDecisionList *dx_round_get_decisions(DxRound *self);
/** dx_round_get_n_schedule_lines: Returns: the number of payout lines. */
DX_EXPORT size_t dx_round_get_n_schedule_lines(DxRound *self);
/** dx_round_get_schedule_line: Returns: (transfer none): line @index, sorted as schedule.csv. */
DX_EXPORT const DxScheduleLine *dx_round_get_schedule_line(DxRound *self, size_t index);
/** dx_round_get_round_id: Returns: the ledger's id of the committed round, or 0. */
DX_EXPORT int64_t dx_round_get_round_id(DxRound *self);

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
 * Since: 0.2
 */
DX_EXPORT int64_t dx_round_get_envelope_remaining_fen(DxRound *self, size_t index);

/** dx_schedule_line_get_batch_id: Returns: (transfer none): "YYYYMMDD-<bureau>". */
DX_EXPORT const char *dx_schedule_line_get_batch_id(const DxScheduleLine *line);
/** dx_schedule_line_get_date: Returns: (transfer none): "YYYY-MM-DD". */
DX_EXPORT const char *dx_schedule_line_get_date(const DxScheduleLine *line);
/** dx_schedule_line_get_bureau: Returns: (transfer none): the bureau key. */
DX_EXPORT const char *dx_schedule_line_get_bureau(const DxScheduleLine *line);
/** dx_schedule_line_get_enterprise_id: Returns: (transfer none): the enterprise. */
DX_EXPORT const char *dx_schedule_line_get_enterprise_id(const DxScheduleLine *line);
/** dx_schedule_line_get_app_id: Returns: (transfer none): the application. */
DX_EXPORT const char *dx_schedule_line_get_app_id(const DxScheduleLine *line);
/** dx_schedule_line_get_policy_id: Returns: (transfer none): the policy. */
DX_EXPORT const char *dx_schedule_line_get_policy_id(const DxScheduleLine *line);
/** dx_schedule_line_get_installment: Returns: the installment number, from 1. */
DX_EXPORT guint dx_schedule_line_get_installment(const DxScheduleLine *line);
/** dx_schedule_line_get_of: Returns: how many installments the policy has. */
DX_EXPORT guint dx_schedule_line_get_of(const DxScheduleLine *line);
/** dx_schedule_line_get_amount_fen: Returns: the amount paid on this line. */
DX_EXPORT int64_t dx_schedule_line_get_amount_fen(const DxScheduleLine *line);
/** dx_schedule_line_get_future: Returns: %TRUE if dated after the fund period. */
DX_EXPORT gboolean dx_schedule_line_get_future(const DxScheduleLine *line);

/**
 * dx_round_dup_schedule_csv:
 * Returns: (transfer full): schedule.csv (docs/rules.md §8); g_free()
 */
DX_EXPORT char *dx_round_dup_schedule_csv(DxRound *self);

/**
 * dx_round_dup_summary_json:
 * Returns: (transfer full): summary.json (docs/rules.md §8, keys sorted, fen integers); g_free()
 */
DX_EXPORT char *dx_round_dup_summary_json(DxRound *self);

/**
 * dx_round_write_outputs:
 * @self: a round that has run
 * @dir: (type filename): an existing directory
 * @error: return location for a #GError, or %NULL
 *
 * Writes decisions.csv, schedule.csv and summary.json into @dir, each
 * replaced atomically. Returns: %TRUE, or %FALSE with %DX_ERROR_IO
 * Since: 0.1
 */
DX_EXPORT gboolean dx_round_write_outputs(DxRound *self, const char *dir, GError **error);

/**
 * dx_report_write_html:
 * @ruleset: the ruleset the round ran with (for names, the fund and its period)
 * @dir: (type filename): a round's output directory: summary.json,
 *   decisions.csv and schedule.csv as dx_round_write_outputs() wrote them
 * @path: (type filename): where to write the report, e.g. "DIR/report.html"
 * @error: return location for a #GError, or %NULL
 *
 * Writes one self-contained HTML page (no scripts, fonts or links; charts as
 * inline SVG; prints): fund use per envelope, payouts per month through the
 * fund period and after it, per-policy counts and amounts, the top reasons
 * for not paying in full, the performance targets (兑现资金 ≥ fund total,
 * paid within the period) and printable tables. Amounts are shown in 万元;
 * each charted amount is also in a `data-fen` attribute.
 *
 * Returns: %TRUE, or %FALSE with %DX_ERROR_IO (a file cannot be read or
 *   written) or %DX_ERROR_VALUE_INVALID (the round is of another fund)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_report_write_html(DxRuleset *ruleset, const char *dir, const char *path,
                                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxRound, dx_round_free)

G_END_DECLS

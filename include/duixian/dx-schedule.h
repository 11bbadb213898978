/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-schedule
 * @title: DxScheduleLine
 * @short_description: one line of the payout schedule
 *
 * DxScheduleLine: one line of a round's payout schedule (docs/rules.md §8,
 * schedule.csv): one installment of one granted decision, dated, with its
 * amount in fen. Lines are borrowed from their DxRound
 * (dx_round_get_schedule_line()) and valid as long as it is; they are
 * read-only, so they may be read from several threads.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_schedule_line_get_batch_id:
 * @line: a schedule line
 *
 * Gets the payment batch of the line.
 *
 * Returns: (transfer none): "YYYYMMDD-" followed by the bureau key.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_batch_id(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_date:
 * @line: a schedule line
 *
 * Gets the date the line is paid on.
 *
 * Returns: (transfer none): "YYYY-MM-DD".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_date(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_bureau:
 * @line: a schedule line
 *
 * Gets the bureau that pays the line.
 *
 * Returns: (transfer none): the bureau key.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_bureau(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_enterprise_id:
 * @line: a schedule line
 *
 * Gets the enterprise_id of the line's decision.
 *
 * Returns: (transfer none): the enterprise.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_enterprise_id(const DxScheduleLine *line)
    G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_app_id:
 * @line: a schedule line
 *
 * Gets the app_id of the line's decision.
 *
 * Returns: (transfer none): the application.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_app_id(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_policy_id:
 * @line: a schedule line
 *
 * Gets the policy id of the line's decision.
 *
 * Returns: (transfer none): the policy.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_schedule_line_get_policy_id(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_installment:
 * @line: a schedule line
 *
 * Gets the installment number, from 1.
 *
 * Returns: the installment number, from 1.
 *
 * Since: 0.1
 */
DX_EXPORT guint dx_schedule_line_get_installment(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_of:
 * @line: a schedule line
 *
 * Gets how many installments the policy has.
 *
 * Returns: how many installments the policy has.
 *
 * Since: 0.1
 */
DX_EXPORT guint dx_schedule_line_get_of(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_amount_fen:
 * @line: a schedule line
 *
 * Gets the amount paid on this line.
 *
 * Returns: the amount paid on this line.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_schedule_line_get_amount_fen(const DxScheduleLine *line) G_GNUC_NON_NULL(1);

/**
 * dx_schedule_line_get_future:
 * @line: a schedule line
 *
 * Tells whether the line is dated after the fund period (future).
 *
 * Returns: %TRUE if dated after the fund period.
 *
 * Since: 0.1
 */
DX_EXPORT gboolean dx_schedule_line_get_future(const DxScheduleLine *line) G_GNUC_NON_NULL(1);


G_END_DECLS

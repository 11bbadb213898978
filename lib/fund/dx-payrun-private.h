/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inside a payment run (dx-payrun.c): the check of one installment line
 * against its `requires` (docs/rules.md §13), in dx-payrun-check.c.
 */
#pragma once

#include <glib.h>
#include "rules/dx-ruleset-private.h"
#include "input/dx-checks-private.h"
#include "ledger/dx-ledger-lines-private.h"

/* TRUE when @ledger holds a round of @fund_id; else FALSE with @error set
 * (DX_ERROR_LEDGER, "@what: the ledger holds no round of fund ..."). */
G_GNUC_INTERNAL gboolean dx_payrun_fund_known(DxLedger *ledger, const char *fund_id, const char *what,
                                              GError **error);

/* Decides line @k of @of of @pol (1-based) for the enterprise whose checks
 * row is @row (NULL: it has none) with parameters in force on @day and
 * @received (fen per ruleset received key, this enterprise's; may be NULL
 * when the ruleset has none):
 *
 *   no requires                 paid
 *   no row                      held       requirement_missing
 *   a clause in error           held       eval_error per clause in error
 *   else a clause false         forfeited  requirement_failed per false clause
 *   else a clause unknown       held       requirement_missing per missing field
 *   else                        paid
 *
 * Appends the reason codes, joined by ';', to @codes and the Chinese
 * sentences, joined by '；', to @text. *forfeit_rest is set when the line
 * is forfeited and its installment says on_fail: forfeit_rest. */
G_GNUC_INTERNAL DxSettleKind dx_payrun_check_line(const DxRuleset *rs, const DxPolicy *pol, guint k, guint of,
                                                  const DxChecksRow *row, gint32 day, const int64_t *received,
                                                  GString *codes, GString *text, gboolean *forfeit_rest);

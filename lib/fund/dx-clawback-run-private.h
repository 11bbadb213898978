/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Finding the grant a claw-back or a receipt names (dx-clawback-run.c).
 */
#pragma once

#include <glib.h>

#include "ledger/dx-ledger-lines-private.h"

/* Reads @lines (initialised by the caller) of the fund that holds a live
 * grant of @policy_id to @app_id and points *@grant into them; *@fund_id
 * is a copy of that fund's id. FALSE (DX_ERROR_LEDGER) when there is no
 * such grant, or only a revoked one. */
G_GNUC_INTERNAL gboolean dx_clawback_find_grant(DxLedger *ledger, const char *app_id, const char *policy_id,
                                                DxLedgerLines *lines, char **fund_id, const DxLedgerGrant **grant,
                                                GError **error);

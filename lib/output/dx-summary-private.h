/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * summary.json, made from tallies that a round (fund/dx-round.c) or the
 * ledger's export (ledger/) gathers. It sits below both so that neither
 * calls into the other for it.
 */
#pragma once

#include <stdint.h>
#include "duixian/dx-types.h"
#include "rules/dx-ruleset-private.h"

/* Per envelope, for summary.json (docs/rules.md §8). */
typedef struct {
    int64_t total_fen;
    int64_t charged_before_fen;   /* by earlier rounds, net of revocations */
    int64_t requested_fen;        /* Σ charged requests at step 9 */
    int64_t granted_fen;
} DxEnvelopeUse;

/* summary.json (docs/rules.md §8) from a round's tallies: @status_counts by
 * DxStatus; @applied, @approved and @pol_granted by policy index; @use by
 * envelope index. Keys sorted. (transfer full) */
G_GNUC_INTERNAL char *dx_summary_json(const DxRuleset *rs, const char *approval_date, guint n_decisions,
                                      const size_t status_counts[8], const size_t *applied, const size_t *approved,
                                      const int64_t *pol_granted, int64_t granted, const DxEnvelopeUse *use);

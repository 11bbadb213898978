/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's internal interface for rounds (the public part is
 * include/duixian/dx-ledger.h). A round runs as:
 *
 *   dx_ledger_begin_round      BEGIN IMMEDIATE: from here no other process
 *                              can commit against the same envelopes
 *   dx_ledger_load_prior       what earlier rounds of this fund granted
 *   ... the round is computed ...
 *   dx_ledger_add_round        the round's header entry
 *   dx_ledger_add_decision     one decision (grant and schedule inside); they are
 *                              buffered and written 4096 to a `decisions` entry
 *   dx_ledger_seal_round       (optional) the last entry written and the
 *                              header checked, still uncommitted: the head
 *                              (dx_ledger_dup_head_hash) is the round's, so
 *                              its files can be written before the COMMIT
 *   dx_ledger_commit_round     COMMIT, or dx_ledger_abort_round: ROLLBACK
 *
 * Every entry is hash-chained to the one before it (see dx-ledger.c).
 * Nothing is ever updated in place or deleted.
 */
#pragma once

#include "duixian/dx-types.h"
#include "duixian/dx-ledger.h"
#include "input/dx-prior-private.h"

typedef struct {
    const char *fund_id;
    const char *approval_date;    /* YYYY-MM-DD */
    const char *ruleset_sha256;
    const char *input_sha256;
    const char *params_json;      /* shortfall, envelope totals, history sha256, ... (keys sorted) */
    uint64_t n_decisions;
    int64_t granted_fen;
} DxLedgerRoundInfo;

typedef struct {
    const char *app_id;
    const char *enterprise_id;
    const char *policy_id;        /* "" when the row names none */
    const char *bureau;           /* "" for no known policy */
    const char *envelope;         /* envelope key, "" for no known policy */
    const char *group_key;        /* "" when the policy has no group */
    const char *status;           /* dx_status_to_string() */
    const char *reasons;          /* codes joined by ';' */
    int64_t award_fen;            /* award units after step 7 (0 when nothing was granted) */
    int64_t granted_fen;          /* charged to this fund */
    int64_t computed_fen;         /* decisions.csv's computed_fen (not kept by a version 2 file) */
    const char *schedule;         /* "YYYY-MM-DD:fen;..." the installment lines, "" if none */
} DxLedgerDecisionInfo;

G_GNUC_INTERNAL gboolean dx_ledger_begin_round(DxLedger *self, GError **error);
/* Fills @book with this fund's grants (net of revocations), envelope
 * charges and paid app ids; with @before_round > 0, only what the ledger
 * held before that round was committed (entries with a smaller seq: the
 * replay of a committed round), and a ledger without that round is an
 * error. */
G_GNUC_INTERNAL gboolean dx_ledger_load_prior(DxLedger *self, const char *fund_id, DxPriorBook *book,
                                              gint64 before_round, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_add_round(DxLedger *self, const DxLedgerRoundInfo *info, gint64 *round_id,
                                             GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_add_decision(DxLedger *self, gint64 round_id, const DxLedgerDecisionInfo *info,
                                                GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_seal_round(DxLedger *self, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_commit_round(DxLedger *self, GError **error);
G_GNUC_INTERNAL void dx_ledger_abort_round(DxLedger *self);

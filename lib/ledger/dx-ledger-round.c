/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Committing a round: its header entry, its decisions in entries of
 * LEDGER_CHUNK, all in one transaction; and what earlier rounds charged,
 * read into the prior book before a round decides.
 */
#include "ledger/dx-ledger-impl-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "base/dx-out-private.h"
#include "base/dx-num-private.h"
#include "output/dx-summary-private.h"
#include "decide/dx-decision-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ round */
gboolean
dx_ledger_begin_round(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(!self->in_round, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!dx_ledger_begin(self, error))
        return FALSE;
    dx_ledger_round_clear(self);
    self->in_round = TRUE;
    return TRUE;
}


static gboolean
ledger_prior_grant(DxLedger *self, DxStmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                   GError **error)
{
    DxPriorBook *book = user_data;

    dx_prior_book_add_paid_app(book, dx_ledger_cstr(self->read_app, d->app_id));
    dx_prior_book_add_award(book, dx_ledger_cstr(self->read_enterprise, d->enterprise_id),
                            d->cls->c[CLASS_POLICY_ID], d->cls->c[CLASS_GROUP_KEY], (int64_t)d->award_fen,
                            (int64_t)d->granted_fen, 1);
    dx_prior_book_add_envelope_charge(book, d->cls->c[CLASS_ENVELOPE], (int64_t)d->granted_fen);
    return TRUE;
}

gboolean
dx_ledger_load_prior(DxLedger *self, const char *fund_id, DxPriorBook *book, gint64 before_round, GError **error)
{
    /* ?2: the first seq not to read (a round id is its header's seq) */
    static const char chunks_sql[] =
        "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries " LEDGER_GRANTS_WHERE " AND kind = 'decisions' AND seq < ?2 "
        "ORDER BY seq";
    static const char revokes_sql[] =
        "SELECT enterprise_id, policy_id, group_key, envelope, award_fen, granted_fen FROM entries "
        LEDGER_GRANTS_WHERE " AND kind = 'revoke' AND seq < ?2";
    static const char round_sql[] = "SELECT fund_id FROM entries WHERE kind = 'round' AND seq = ?1";
    gint64 before = before_round > 0 ? before_round : G_MAXINT64;
    DxStmt *st;
    gboolean ok;
    int rc;

    g_return_val_if_fail(self != NULL, FALSE);
    /* what it reads must not change before the commit */
    g_return_val_if_fail(self->in_round || self->in_payrun, FALSE);
    g_return_val_if_fail(fund_id != NULL, FALSE);
    g_return_val_if_fail(book != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (before_round > 0) {
        gboolean same_fund;

        st = dx_ledger_prepare(self, round_sql, error);
        if (st == NULL)
            return FALSE;
        dx_stmt_bind_int64(st, 1, before_round);
        rc = dx_stmt_step(st);
        same_fund = rc == DX_STMT_ROW && strcmp(dx_stmt_column_text(st, 0), fund_id) == 0;
        dx_stmt_finalize(st);
        if (rc != DX_STMT_ROW && rc != DX_STMT_DONE)
            return dx_ledger_fail(self, error, "cannot read the ledger");
        if (!same_fund) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: no round %" G_GINT64_FORMAT " of fund %s", self->name,
                        before_round, fund_id);
            return FALSE;
        }
    }
    st = dx_ledger_prepare(self, chunks_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    ok = dx_ledger_walk_grants(self, st, ledger_prior_grant, book, error);
    dx_stmt_finalize(st);
    if (!ok)
        return FALSE;

    /* a revocation undoes its grant: money back, no longer taken */
    st = dx_ledger_prepare(self, revokes_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        int64_t award = dx_stmt_column_int64(st, 4), granted = dx_stmt_column_int64(st, 5);

        dx_prior_book_add_award(book, dx_stmt_column_text(st, 0),
                                dx_stmt_column_text(st, 1), dx_stmt_column_text(st, 2),
                                -award, -granted, -1);
        dx_prior_book_add_envelope_charge(book, dx_stmt_column_text(st, 3), -granted);
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    /* forfeited installments: money back, the entitlement still used (§15) */
    return dx_ledger_load_forfeits(self, fund_id, book, before, error);
}

gboolean
dx_ledger_add_round(DxLedger *self, const DxLedgerRoundInfo *info, gint64 *round_id, GError **error)
{
    LedgerEntry e = { 0 };

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round && self->round_id == 0, FALSE);
    g_return_val_if_fail(info != NULL && info->fund_id != NULL && info->approval_date != NULL, FALSE);
    g_return_val_if_fail(info->granted_fen >= 0, FALSE);
    g_return_val_if_fail(info->n_decisions <= (uint64_t)G_MAXINT64, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    self->round_fund_id = g_strdup(info->fund_id);
    self->round_approval_date = g_strdup(info->approval_date);
    self->round_created_at = dx_ledger_now_utc();
    e.round_id = self->head_seq + 1;   /* the header's own seq */
    e.kind = "round";
    e.fund_id = self->round_fund_id;
    e.created_at = self->round_created_at;
    e.approval_date = self->round_approval_date;
    e.granted_fen = info->granted_fen;
    e.detail = info->params_json;
    e.ruleset_sha256 = info->ruleset_sha256;
    e.input_sha256 = info->input_sha256;
    e.n_decisions = (gint64)info->n_decisions;
    if (!dx_ledger_append(self, &e, &self->round_id, error)) {
        self->round_failed = TRUE;
        return FALSE;
    }
    self->round_declared_n = info->n_decisions;
    self->round_declared_granted = info->granted_fen;
    if (round_id != NULL)
        *round_id = self->round_id;
    return TRUE;
}

/* Writes the buffered decisions, if any, as one decisions entry. */
static gboolean
ledger_flush_chunk(DxLedger *self, GError **error)
{
    LedgerEntry e = {
        .round_id = self->round_id,
        .kind = "decisions",
        .fund_id = self->round_fund_id,
        .created_at = self->round_created_at,
        .approval_date = self->round_approval_date,
        .award_fen = self->chunk_award,
        .granted_fen = self->chunk_granted,
        .n_decisions = self->chunk_n,
        .body = self->chunk.data,
        .body_len = self->chunk.len,
    };
    gboolean ok;

    if (self->chunk_n == 0)
        return TRUE;
    ok = dx_ledger_append(self, &e, NULL, error);
    dx_ledger_chunk_reset(self);
    if (!ok)
        self->round_failed = TRUE;
    return ok;
}

static gboolean
ledger_round_failed(DxLedger *self, GError **error)
{
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: an entry of this round could not be written", self->name);
    return FALSE;
}

gboolean
dx_ledger_add_decision(DxLedger *self, gint64 round_id, const DxLedgerDecisionInfo *info, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round && self->round_id != 0 && round_id == self->round_id, FALSE);
    g_return_val_if_fail(info != NULL && info->app_id != NULL && info->enterprise_id != NULL, FALSE);
    g_return_val_if_fail(info->award_fen >= 0 && info->granted_fen >= 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (self->round_failed)
        return ledger_round_failed(self, error);
    /* the sums stay exact: commit compares them with the header */
    if (info->granted_fen > G_MAXINT64 - self->round_granted || info->award_fen > G_MAXINT64 - self->chunk_award) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the round's amounts overflow", self->name);
        self->round_failed = TRUE;
        return FALSE;
    }
    dx_ledger_chunk_add(self, info);
    self->round_n++;
    self->round_granted += info->granted_fen;
    if (self->chunk_n == LEDGER_CHUNK)
        return ledger_flush_chunk(self, error);
    return TRUE;
}

/* The checks and the last chunk of dx_ledger_commit_round(), without the
 * COMMIT; a failure leaves the transaction for the caller to roll back. */
static gboolean
ledger_round_seal(DxLedger *self, GError **error)
{
    if (self->round_failed)
        return ledger_round_failed(self, error);
    if (self->round_id != 0 &&
        (self->round_n != self->round_declared_n || self->round_granted != self->round_declared_granted)) {
        /* the header must describe exactly the entries that follow it */
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                    "%s: round %" G_GINT64_FORMAT " declared %" G_GUINT64_FORMAT " decisions granting %" G_GINT64_FORMAT
                    " fen, but %" G_GUINT64_FORMAT " granting %" G_GINT64_FORMAT " fen were added",
                    self->name, self->round_id, self->round_declared_n, self->round_declared_granted,
                    self->round_n, self->round_granted);
        return FALSE;
    }
    return ledger_flush_chunk(self, error);
}

gboolean
dx_ledger_seal_round(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (ledger_round_seal(self, error))
        return TRUE;
    self->round_failed = TRUE;
    return FALSE;
}

gboolean
dx_ledger_commit_round(DxLedger *self, GError **error)
{
    gboolean ok = FALSE;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    /* after dx_ledger_seal_round() the chunk is empty: sealing again only checks */
    if (!ledger_round_seal(self, error))
        dx_ledger_rollback(self);
    else
        ok = dx_ledger_commit(self, error);
    dx_ledger_round_clear(self);
    return ok;
}

void
dx_ledger_abort_round(DxLedger *self)
{
    g_return_if_fail(self != NULL);

    dx_ledger_rollback(self);
    dx_ledger_round_clear(self);
}

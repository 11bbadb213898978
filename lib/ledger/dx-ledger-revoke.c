/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Revoking a grant: a revoke entry that reverses one grant, refused for a
 * grant already revoked.
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

/* ----------------------------------------------------------------- revoke */

typedef struct {
    gint64 seq, index, round_id, award_fen, granted_fen;
    char *fund_id, *approval_date, *enterprise_id, *policy_id, *bureau, *envelope, *group_key;
} LedgerGrant;

static void
ledger_grant_clear(gpointer p)
{
    LedgerGrant *g = p;

    g_free(g->fund_id);
    g_free(g->approval_date);
    g_free(g->enterprise_id);
    g_free(g->policy_id);
    g_free(g->bureau);
    g_free(g->envelope);
    g_free(g->group_key);
}

typedef struct {
    const char *app_id;
    gsize app_len;
    GArray *revoked;    /* gint64 pairs: ref_seq, ref_index of the app's revocations */
    GArray *out;        /* LedgerGrant */
} LedgerLiveScan;

static gboolean
ledger_live_grant(DxLedger *self, DxStmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                  GError **error)
{
    LedgerLiveScan *scan = user_data;
    gint64 seq = dx_stmt_column_int64(st, CHUNK_SEQ);
    LedgerGrant g;

    if (!dx_ledger_str_equal(d->app_id, scan->app_id, scan->app_len))
        return TRUE;
    for (guint i = 0; i + 1 < scan->revoked->len; i += 2) {
        if (g_array_index(scan->revoked, gint64, i) == seq &&
            g_array_index(scan->revoked, gint64, i + 1) == (gint64)index)
            return TRUE;
    }
    g = (LedgerGrant){
        .seq = seq,
        .index = (gint64)index,
        .round_id = dx_stmt_column_int64(st, CHUNK_ROUND_ID),
        .award_fen = (gint64)d->award_fen,
        .granted_fen = (gint64)d->granted_fen,
        .fund_id = g_strdup(dx_stmt_column_text(st, CHUNK_FUND_ID)),
        .approval_date = g_strdup(dx_stmt_column_text(st, CHUNK_APPROVAL_DATE)),
        .enterprise_id = g_strndup(d->enterprise_id.str, d->enterprise_id.len),
        .policy_id = g_strdup(d->cls->c[CLASS_POLICY_ID]),
        .bureau = g_strdup(d->cls->c[CLASS_BUREAU]),
        .envelope = g_strdup(d->cls->c[CLASS_ENVELOPE]),
        .group_key = g_strdup(d->cls->c[CLASS_GROUP_KEY]),
    };
    g_array_append_val(scan->out, g);
    return TRUE;
}

/* The live grants of @app_id, collected before anything is appended.
 * Revocations are rare, so this reads every decisions entry with money. */
static gboolean
ledger_live_grants(DxLedger *self, const char *app_id, GArray *out, GError **error)
{
    g_autoptr(GArray) revoked = g_array_new(FALSE, FALSE, sizeof(gint64));
    LedgerLiveScan scan = { .app_id = app_id, .app_len = strlen(app_id), .revoked = revoked, .out = out };
    DxStmt *st;
    gboolean ok;
    int rc;

    st = dx_ledger_prepare(self, "SELECT ref_seq, ref_index FROM entries WHERE kind = 'revoke' AND app_id = ?1", error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, app_id, -1);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        gint64 ref[2] = { dx_stmt_column_int64(st, 0), dx_stmt_column_int64(st, 1) };

        g_array_append_vals(revoked, ref, 2);
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");

    st = dx_ledger_prepare(self,
                        "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries WHERE kind = 'decisions' AND granted_fen > 0"
                        " ORDER BY seq",
                        error);
    if (st == NULL)
        return FALSE;
    ok = dx_ledger_walk_grants(self, st, ledger_live_grant, &scan, error);
    dx_stmt_finalize(st);
    return ok;
}

gboolean
dx_ledger_revoke(DxLedger *self, const char *app_id, const char *reason, GError **error)
{
    g_autoptr(GArray) grants = NULL;
    g_autofree char *now = NULL;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(!self->in_round, FALSE);
    g_return_val_if_fail(app_id != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!dx_ledger_begin(self, error))
        return FALSE;
    grants = g_array_new(FALSE, TRUE, sizeof(LedgerGrant));
    g_array_set_clear_func(grants, ledger_grant_clear);
    if (!ledger_live_grants(self, app_id, grants, error))
        goto fail;
    if (grants->len == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: nothing to revoke for app_id %s", self->name, app_id);
        goto fail;
    }
    /* money paid out is not undone by a revocation: that is a claw-back
     * (docs/rules.md §14, §15) */
    for (guint i = 0; i < grants->len; i++) {
        const LedgerGrant *g = &g_array_index(grants, LedgerGrant, i);
        gboolean paid = FALSE;

        gboolean clawed = FALSE;

        if (!dx_ledger_grant_has_paid_line(self, g->seq, g->index, &paid, error) ||
            !dx_ledger_grant_clawed_back(self, g->seq, g->index, &clawed, error))
            goto fail;
        if (clawed) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: app_id %s: its %s grant was clawed back; it cannot be revoked (docs/rules.md §14)",
                        self->name, app_id, g->policy_id);
            goto fail;
        }
        if (paid) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: app_id %s: an installment of its %s grant was paid; it cannot be revoked, only"
                        " clawed back (docs/rules.md §14)",
                        self->name, app_id, g->policy_id);
            goto fail;
        }
    }
    now = dx_ledger_now_utc();
    for (guint i = 0; i < grants->len; i++) {
        const LedgerGrant *g = &g_array_index(grants, LedgerGrant, i);
        LedgerEntry e = {
            .round_id = g->round_id,
            .kind = "revoke",
            .ref_seq = g->seq,
            .ref_index = g->index,
            .fund_id = g->fund_id,
            .created_at = now,
            .approval_date = g->approval_date,
            .app_id = app_id,
            .enterprise_id = g->enterprise_id,
            .policy_id = g->policy_id,
            .bureau = g->bureau,
            .envelope = g->envelope,
            .group_key = g->group_key,
            .award_fen = g->award_fen,
            .granted_fen = g->granted_fen,
            .detail = reason,
        };

        if (!dx_ledger_append(self, &e, NULL, error))
            goto fail;
    }
    return dx_ledger_commit(self, error);
fail:
    dx_ledger_rollback(self);
    return FALSE;
}

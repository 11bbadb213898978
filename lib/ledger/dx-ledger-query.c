/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The getters: rounds, their fields, what a fund or envelope has charged,
 * the head hash.
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

/* ---------------------------------------------------------------- getters */

/* Runs @sql (one int64 parameter ?1 unless @param < 0) and returns the
 * first column of its first row as a prepared statement positioned on it,
 * or NULL if there is no row. */
static DxStmt *
ledger_query_row(DxLedger *self, const char *sql, gint64 param)
{
    DxStmt *st = dx_ledger_prepare_or_warn(self, sql);
    int rc;

    if (st == NULL)
        return NULL;
    if (param >= 0)
        dx_stmt_bind_int64(st, 1, param);
    rc = dx_stmt_step(st);
    if (rc != DX_STMT_ROW) {
        if (rc != DX_STMT_DONE)
            g_warning("%s: cannot read the ledger: %s", self->name, dx_store_errmsg(self->store));
        dx_stmt_finalize(st);
        return NULL;
    }
    return st;
}

size_t
dx_ledger_get_n_rounds(DxLedger *self)
{
    DxStmt *st;
    size_t n;

    g_return_val_if_fail(self != NULL, 0);

    st = ledger_query_row(self, "SELECT count(*) FROM entries WHERE kind = 'round'", -1);
    if (st == NULL)
        return 0;
    n = (size_t)dx_stmt_column_int64(st, 0);
    dx_stmt_finalize(st);
    return n;
}

/* The round entry @index (oldest first), positioned on @column. */
static DxStmt *
ledger_round_row(DxLedger *self, size_t index, const char *column)
{
    g_autofree char *sql =
        g_strdup_printf("SELECT %s FROM entries WHERE kind = 'round' ORDER BY seq LIMIT 1 OFFSET ?1", column);
    DxStmt *st;

    if (index > (size_t)G_MAXINT64)
        return NULL;
    st = ledger_query_row(self, sql, (gint64)index);
    if (st == NULL)
        g_critical("%s: round index %zu is out of range", G_STRFUNC, index);
    return st;
}

static int64_t
ledger_round_int(DxLedger *self, size_t index, const char *column)
{
    DxStmt *st;
    int64_t v;

    g_return_val_if_fail(self != NULL, 0);

    st = ledger_round_row(self, index, column);
    if (st == NULL)
        return 0;
    v = dx_stmt_column_int64(st, 0);
    dx_stmt_finalize(st);
    return v;
}

int64_t
dx_ledger_get_round_id(DxLedger *self, size_t index)
{
    return ledger_round_int(self, index, "seq");
}

int64_t
dx_ledger_get_round_granted_fen(DxLedger *self, size_t index)
{
    return ledger_round_int(self, index, "granted_fen");
}

uint64_t
dx_ledger_get_round_n_decisions(DxLedger *self, size_t index)
{
    return (uint64_t)ledger_round_int(self, index, "n_decisions");
}

char *
dx_ledger_dup_round_field(DxLedger *self, size_t index, const char *field)
{
    /* field name -> column; also the whitelist that keeps @field out of SQL */
    static const struct {
        const char *field, *column;
    } fields[] = {
        { "created_at", "created_at" },         { "approval_date", "approval_date" },
        { "fund_id", "fund_id" },               { "ruleset_sha256", "ruleset_sha256" },
        { "input_sha256", "input_sha256" },     { "params", "detail" },
    };
    DxStmt *st;
    char *v;

    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(field != NULL, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (strcmp(field, fields[i].field) != 0)
            continue;
        st = ledger_round_row(self, index, fields[i].column);
        if (st == NULL)
            return NULL;
        v = g_strdup(dx_stmt_column_text(st, 0));
        dx_stmt_finalize(st);
        return v;
    }
    g_critical("%s: no round field “%s”", G_STRFUNC, field);
    return NULL;
}

typedef struct {
    const char *envelope;
    int64_t sum;
} LedgerChargeScan;

static gboolean
ledger_charge_grant(DxLedger *self, DxStmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                    GError **error)
{
    LedgerChargeScan *scan = user_data;

    if (strcmp(d->cls->c[CLASS_ENVELOPE], scan->envelope) == 0)
        scan->sum += (int64_t)d->granted_fen;
    return TRUE;
}

int64_t
dx_ledger_get_charged_fen(DxLedger *self, const char *fund_id, const char *envelope)
{
    g_autoptr(GError) local = NULL;
    LedgerChargeScan scan = { .envelope = envelope };
    DxStmt *st;
    gboolean ok;
    int rc;

    g_return_val_if_fail(self != NULL, 0);
    g_return_val_if_fail(fund_id != NULL && envelope != NULL, 0);

    st = dx_ledger_prepare_or_warn(self, "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries " LEDGER_GRANTS_WHERE
                                      " AND kind = 'decisions' ORDER BY seq");
    if (st == NULL)
        return 0;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    ok = dx_ledger_walk_grants(self, st, ledger_charge_grant, &scan, &local);
    dx_stmt_finalize(st);
    if (!ok) {
        g_warning("%s", local->message);
        return 0;
    }

    st = dx_ledger_prepare_or_warn(self, "SELECT CAST(coalesce(SUM(granted_fen), 0) AS BIGINT) FROM entries " LEDGER_GRANTS_WHERE
                                      " AND kind = 'revoke' AND envelope = ?2");
    if (st == NULL)
        return 0;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_text(st, 2, envelope, -1);
    rc = dx_stmt_step(st);
    if (rc == DX_STMT_ROW)
        scan.sum -= dx_stmt_column_int64(st, 0);
    else
        g_warning("%s: cannot read the ledger: %s", self->name, dx_store_errmsg(self->store));
    dx_stmt_finalize(st);
    if (rc != DX_STMT_ROW)
        return 0;
    {
        /* forfeited installments came back to the envelope (§15) */
        g_autoptr(DxPriorBook) book = dx_prior_book_new();

        if (!dx_ledger_load_forfeits(self, fund_id, book, G_MAXINT64, &local)) {
            g_warning("%s", local->message);
            return 0;
        }
        return scan.sum + dx_prior_book_get_envelope_charged(book, envelope);
    }
}

char *
dx_ledger_dup_head_hash(DxLedger *self)
{
    DxStmt *st;
    char *v;

    g_return_val_if_fail(self != NULL, NULL);

    if (self->head_pending)   /* sealed, not yet committed: the head the commit leaves */
        return g_strdup(self->head_hash);
    st = ledger_query_row(self, "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1", -1);
    if (st == NULL)
        return g_strdup("");
    v = g_strdup(dx_stmt_column_text(st, 0));
    dx_stmt_finalize(st);
    return v;
}

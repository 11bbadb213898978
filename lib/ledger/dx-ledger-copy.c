/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx_ledger_copy(): a ledger moved from one store to another (SQLite to
 * PostgreSQL when a fund becomes shared, and back for an archive). Rows
 * are copied column for column with their storage types, not re-appended,
 * so the copy holds exactly the bytes that were hashed: its chain, and so
 * its head, is the source's. dx_ledger_verify() walks the copy inside the
 * transaction before it commits.
 */
#include "ledger/dx-ledger-impl-private.h"

#include <string.h>

gboolean
dx_ledger_location_is_server(const char *location)
{
    g_return_val_if_fail(location != NULL, FALSE);
    return dx_store_location_is_server(location);
}

char *
dx_ledger_location_display(const char *location)
{
    g_return_val_if_fail(location != NULL, NULL);
    return dx_store_location_display(location);
}

/* Binds column @col of the current row of @from to the insert of @to. */
static void
ledger_copy_column(DxLedger *to, DxStmt *from, int col)
{
    switch (dx_stmt_column_type(from, col)) {
    case DX_STORE_INTEGER:
        dx_stmt_bind_int64(to->insert, col + 1, dx_stmt_column_int64(from, col));
        break;
    case DX_STORE_BLOB: {
        const void *b = dx_stmt_column_blob(from, col);
        gsize n = dx_stmt_column_bytes(from, col);

        dx_stmt_bind_blob(to->insert, col + 1, n > 0 ? b : ledger_empty_body, n);
        break;
    }
    case DX_STORE_NULL:
        dx_stmt_bind_null(to->insert, col + 1);
        break;
    default: {
        /* a real (never written by duixian) would change type here; verify
         * of the source has already refused anything but what we write,
         * since its hash covers the type */
        const char *t = dx_stmt_column_text(from, col);

        dx_stmt_bind_text(to->insert, col + 1, t, (gssize)dx_stmt_column_bytes(from, col));
        break;
    }
    }
}

static gboolean
ledger_copy_rows(DxLedger *from, DxLedger *to, uint64_t *n, GError **error)
{
    g_autoptr(GString) sql = g_string_new("SELECT ");
    DxStmt *st;
    int rc;

    for (int i = 0; i < N_COLS; i++)
        g_string_append_printf(sql, "%s%s", i > 0 ? ", " : "", ledger_columns[i]);
    g_string_append(sql, " FROM entries ORDER BY seq");
    st = dx_ledger_prepare(from, sql->str, error);
    if (st == NULL)
        return FALSE;
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        for (int i = 0; i < N_COLS; i++)
            ledger_copy_column(to, st, i);
        rc = dx_stmt_step(to->insert);
        dx_stmt_reset(to->insert);
        if (rc != DX_STMT_DONE) {
            dx_stmt_finalize(st);
            return dx_ledger_fail(to, error, "cannot append to the ledger");
        }
        (*n)++;
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(from, error, "cannot read the ledger");
    return TRUE;
}

gboolean
dx_ledger_copy(const char *src, const char *dst, uint64_t *n_entries, GError **error)
{
    g_autoptr(DxLedger) from = NULL;
    g_autoptr(DxLedger) to = NULL;
    g_autofree char *src_head = NULL, *dst_head = NULL;
    uint64_t n = 0, n_checked = 0;

    g_return_val_if_fail(src != NULL && dst != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    from = dx_ledger_open_readonly(src, error);
    if (from == NULL || !dx_ledger_verify(from, NULL, error))
        return FALSE;
    to = dx_ledger_open(dst, error);
    if (to == NULL || !dx_ledger_begin(to, error))
        return FALSE;
    if (to->head_seq != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the ledger already has %" G_GINT64_FORMAT
                    " entries; copy into a new one", to->name, to->head_seq);
        goto fail;
    }
    if (!ledger_copy_rows(from, to, &n, error) || !dx_ledger_verify(to, &n_checked, error))
        goto fail;
    src_head = dx_ledger_dup_head_hash(from);
    dst_head = dx_ledger_dup_head_hash(to);
    if (n_checked != n || strcmp(src_head, dst_head) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the copy's head %s is not the source's %s", to->name,
                    dst_head, src_head);
        goto fail;
    }
    if (!dx_ledger_commit(to, error))
        return FALSE;
    if (n_entries != NULL)
        *n_entries = n;
    return TRUE;
fail:
    dx_ledger_rollback(to);
    return FALSE;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Store plumbing for the ledger: one-line errors naming the file,
 * prepared statements, rollback, and integers written without printf.
 */
#include "ledger/dx-ledger-impl-private.h"
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

/* ---------------------------------------------------------------- helpers */

gboolean
dx_ledger_fail(DxLedger *self, GError **error, const char *what)
{
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: %s: %s", self->name, what, dx_store_errmsg(self->store));
    return FALSE;
}

gboolean
dx_ledger_exec(DxLedger *self, const char *sql, const char *what, GError **error)
{
    if (!dx_store_exec(self->store, sql))
        return dx_ledger_fail(self, error, what);
    return TRUE;
}

DxStmt *
dx_ledger_prepare(DxLedger *self, const char *sql, GError **error)
{
    DxStmt *st = dx_stmt_prepare(self->store, sql, FALSE);

    if (st == NULL)
        dx_ledger_fail(self, error, "cannot read the ledger");
    return st;
}

/* For the getters, which have no GError: a read that fails there means the
 * file went bad or stayed locked past the busy timeout. */
DxStmt *
dx_ledger_prepare_or_warn(DxLedger *self, const char *sql)
{
    g_autoptr(GError) local = NULL;
    DxStmt *st = dx_ledger_prepare(self, sql, &local);

    if (st == NULL)
        g_warning("%s", local->message);
    return st;
}

/* Leaves the transaction, if any, without reporting: used on paths that
 * already have an error to report. */
void
dx_ledger_rollback(DxLedger *self)
{
    self->head_pending = FALSE;
    dx_store_rollback(self->store);
}

/* Decimal digits of @v into @buf (at least 20 bytes, not terminated). */
gsize
dx_ledger_format_u64(char *buf, guint64 v)
{
    char tmp[24];
    gsize n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (gsize i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* As dx_ledger_format_u64, with a '-' for negatives (at least 21 bytes). */
gsize
dx_ledger_format_i64(char *buf, gint64 v)
{
    if (v < 0) {
        buf[0] = '-';
        /* via unsigned so that G_MININT64 negates without overflow */
        return 1 + dx_ledger_format_u64(buf + 1, (guint64)0 - (guint64)v);
    }
    return dx_ledger_format_u64(buf, (guint64)v);
}

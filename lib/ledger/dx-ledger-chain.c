/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The canonical form of an entry (see dx-ledger.c): every column but the
 * hash, tagged and length-prefixed, fed to SHA-256. Appending and verify
 * both build it here, so they cannot disagree.
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

/* ------------------------------------------------------- canonical form */

void
dx_ledger_canon_begin(DxLedger *self)
{
    g_checksum_reset(self->sha);
    g_string_truncate(self->canon, 0);
    g_string_append(self->canon, LEDGER_HASH_DOMAIN);
}

void
dx_ledger_canon_field(DxLedger *self, char tag, const void *bytes, gsize len)
{
    GString *c = self->canon;
    char num[24];
    gsize n = dx_ledger_format_u64(num, len);

    g_string_append_c(c, tag);
    g_string_append_len(c, num, (gssize)n);
    g_string_append_c(c, ':');
    if (len >= LEDGER_CANON_DIRECT) {
        /* a body: hashed where it lies rather than copied */
        g_checksum_update(self->sha, (const guchar *)c->str, (gssize)c->len);
        g_string_truncate(c, 0);
        g_checksum_update(self->sha, bytes, (gssize)len);
    } else if (len > 0) {
        g_string_append_len(c, bytes, (gssize)len);
    }
}

void
dx_ledger_canon_int(DxLedger *self, gint64 v)
{
    char num[24];
    gsize n = dx_ledger_format_i64(num, v);

    dx_ledger_canon_field(self, 'i', num, n);
}

/* Adds column @col of the current row of @st, by its storage type. */
void
dx_ledger_canon_column(DxLedger *self, DxStmt *st, int col)
{
    switch (dx_stmt_column_type(st, col)) {
    case DX_STORE_INTEGER:
        dx_ledger_canon_int(self, dx_stmt_column_int64(st, col));
        break;
    case DX_STORE_FLOAT: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_formatd(buf, sizeof buf, "%.17g", dx_stmt_column_double(st, col));
        dx_ledger_canon_field(self, 'f', buf, strlen(buf));
        break;
    }
    case DX_STORE_BLOB: {
        const void *b = dx_stmt_column_blob(st, col);

        dx_ledger_canon_field(self, 'b', b, (gsize)dx_stmt_column_bytes(st, col));
        break;
    }
    case DX_STORE_NULL:
        dx_ledger_canon_field(self, 'n', NULL, 0);
        break;
    default: { /* DX_STORE_TEXT */
        const char *t = dx_stmt_column_text(st, col);

        dx_ledger_canon_field(self, 't', t, (gsize)dx_stmt_column_bytes(st, col));
        break;
    }
    }
}

void
dx_ledger_canon_end(DxLedger *self, char out[65])
{
    g_checksum_update(self->sha, (const guchar *)self->canon->str, (gssize)self->canon->len);
    memcpy(out, g_checksum_get_string(self->sha), 65);
}

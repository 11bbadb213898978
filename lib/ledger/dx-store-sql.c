/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SQL text for the store backends, which need no database to compute: the
 * ledger writes its SQL once, with SQLite's placeholders, and a backend
 * whose server numbers them differently rewrites them here. Its own file
 * so that a backend calls it without calling back up into dx-store.c.
 */
#include "ledger/dx-store-backend-private.h"

#include <string.h>

/* SQLite's placeholders as PostgreSQL's: ?N is $N, a bare ? is one more
 * than the highest so far. Quoted text and identifiers are copied as they
 * are. */
char *
dx_store_dollar_placeholders(const char *sql, int *n_params)
{
    GString *out = g_string_sized_new(strlen(sql) + 16);
    int max = 0;

    for (const char *p = sql; *p != '\0'; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;

            g_string_append_c(out, *p++);
            while (*p != '\0' && *p != q)
                g_string_append_c(out, *p++);
            if (*p == '\0')
                break;
            g_string_append_c(out, *p);
        } else if (*p == '?') {
            int k = 0;

            if (g_ascii_isdigit(p[1])) {
                while (g_ascii_isdigit(p[1]))
                    k = k * 10 + (*++p - '0');
            } else {
                k = max + 1;
            }
            max = MAX(max, k);
            g_string_append_printf(out, "$%d", k);
        } else {
            g_string_append_c(out, *p);
        }
    }
    *n_params = max;
    return g_string_free(out, FALSE);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Output files: see dx-out-private.h. */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "base/dx-out-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

gboolean
dx_out_open(DxOutFile *o, const char *path, const char *header, GError **error)
{
    memset(o, 0, sizeof *o);
    o->path = g_strdup(path);
    o->tmp = g_strdup_printf("%s.tmp-%d", path, (int)getpid());
    o->buf = g_string_sized_new(1 << 17);
    o->ok = TRUE;
    o->f = g_fopen(o->tmp, "wb");
    if (o->f == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", o->path, g_strerror(errno));
        dx_out_close(o, FALSE, NULL);
        return FALSE;
    }
    if (header != NULL)
        g_string_append(o->buf, header);
    return TRUE;
}

void
dx_out_flush(DxOutFile *o, gboolean all)
{
    if (o->f == NULL || (!all && o->buf->len < (1 << 16)))
        return;
    if (o->ok && o->buf->len > 0)
        o->ok = fwrite(o->buf->str, 1, o->buf->len, o->f) == o->buf->len;
    g_string_truncate(o->buf, 0);
}

gboolean
dx_out_close(DxOutFile *o, gboolean commit, GError **error)
{
    gboolean ok = o->f != NULL;

    if (o->f != NULL) {
        dx_out_flush(o, TRUE);
        ok = o->ok && fflush(o->f) == 0;
        ok = fclose(o->f) == 0 && ok;
        o->f = NULL;
        if (commit && ok && g_rename(o->tmp, o->path) != 0)
            ok = FALSE;
        if (commit && !ok)
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", o->path, g_strerror(errno));
        if (!commit || !ok)
            g_unlink(o->tmp);
    }
    g_clear_pointer(&o->path, g_free);
    g_clear_pointer(&o->tmp, g_free);
    if (o->buf != NULL)
        g_string_free(g_steal_pointer(&o->buf), TRUE);
    return ok;
}

void
dx_out_cell_len(GString *out, const char *s, gsize len)
{
    gboolean quote = FALSE;

    for (gsize i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        g_string_append_len(out, s, (gssize)len);
        return;
    }
    g_string_append_c(out, '"');
    for (gsize i = 0; i < len; i++) {
        if (s[i] == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, s[i]);
    }
    g_string_append_c(out, '"');
}

void
dx_out_cell(GString *out, const char *s)
{
    dx_out_cell_len(out, s, strlen(s));
}

void
dx_out_int(GString *out, int64_t v)
{
    char buf[24];
    int i = sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[--i] = '-';
    g_string_append_len(out, buf + i, (gssize)(sizeof buf - (gsize)i));
}

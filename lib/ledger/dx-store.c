/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's store: which backend a location names, and the calls of
 * dx-store-private.h passed on to it (dx-store-backend-private.h). An
 * indirect call per statement step costs nothing next to the step itself.
 */
#include "ledger/dx-store-backend-private.h"

#include <string.h>

gboolean
dx_store_location_is_server(const char *location)
{
    const char *p;

    if (location == NULL)
        return FALSE;
    if (g_str_has_prefix(location, "postgresql://") || g_str_has_prefix(location, "postgres://"))
        return TRUE;
    /* libpq's key=value form: a word of letters and '_' then '=' (with
     * optional blanks), e.g. "host=db dbname=fund". A file name with an
     * '=' in it is rare, and one is still given as ./name. */
    p = location;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!g_ascii_isalpha(*p))
        return FALSE;
    while (g_ascii_isalnum(*p) || *p == '_')
        p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '=';
}

/* The end of a key=value value starting at @p: quoted ('...' with \
 * escapes) or up to a blank. */
static const char *
store_conninfo_value_end(const char *p)
{
    if (*p == '\'') {
        for (p++; *p != '\0' && *p != '\''; p++)
            if (*p == '\\' && p[1] != '\0')
                p++;
        return *p == '\'' ? p + 1 : p;
    }
    while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
        p++;
    return p;
}

static void
store_redact_keywords(GString *out, const char *s)
{
    const char *p = s;

    while (*p != '\0') {
        const char *key = p, *key_end, *val, *val_end;

        if (*p == ' ' || *p == '\t' || *p == '\n') {
            g_string_append_c(out, *p++);
            continue;
        }
        while (*p != '\0' && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        key_end = p;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=') {
            g_string_append_len(out, key, p - key);
            continue;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        val = p;
        val_end = store_conninfo_value_end(val);
        g_string_append_len(out, key, val - key);
        if (key_end - key == 8 && strncmp(key, "password", 8) == 0)
            g_string_append(out, "***");
        else
            g_string_append_len(out, val, val_end - val);
        p = val_end;
    }
}

/* postgresql://user:secret@host/db?password=secret&x=y -> the secrets as
 * ***; percent-encoding needs no care: '@', '/', '?', '&' inside a
 * password are encoded. */
static void
store_redact_uri(GString *out, const char *s)
{
    const char *auth = strstr(s, "://") + 3;
    const char *auth_end = auth + strcspn(auth, "/?");
    const char *at = NULL, *q;

    for (const char *p = auth; p < auth_end; p++)
        if (*p == '@')
            at = p;
    g_string_append_len(out, s, auth - s);
    if (at != NULL) {
        const char *colon = memchr(auth, ':', at - auth);

        if (colon != NULL) {
            g_string_append_len(out, auth, colon + 1 - auth);
            g_string_append(out, "***");
            g_string_append_len(out, at, auth_end - at);
        } else {
            g_string_append_len(out, auth, auth_end - auth);
        }
    } else {
        g_string_append_len(out, auth, auth_end - auth);
    }
    q = auth_end;
    /* the path, then each query parameter */
    while (*q != '\0' && *q != '?')
        g_string_append_c(out, *q++);
    while (*q != '\0') {
        const char *end;

        g_string_append_c(out, *q++);   /* '?' or '&' */
        end = q + strcspn(q, "&");
        if (g_str_has_prefix(q, "password=")) {
            g_string_append(out, "password=***");
        } else {
            g_string_append_len(out, q, end - q);
        }
        q = end;
    }
}

char *
dx_store_location_display(const char *location)
{
    GString *out;

    if (!dx_store_location_is_server(location))
        return g_filename_display_name(location);
    out = g_string_new(NULL);
    if (g_str_has_prefix(location, "postgresql://") || g_str_has_prefix(location, "postgres://"))
        store_redact_uri(out, location);
    else
        store_redact_keywords(out, location);
    return g_string_free(out, FALSE);
}

DxStore *
dx_store_open(const char *path, gboolean readonly, char **errmsg)
{
    if (!dx_store_location_is_server(path))
        return dx_store_sqlite_open(path, readonly, errmsg);
#ifdef DX_HAVE_POSTGRESQL
    return dx_store_pg_open(path, readonly, errmsg);
#else
    *errmsg = g_strdup("this duixian was built without PostgreSQL support (libpq); rebuild it with"
                       " libpq-dev installed (meson option -Dpostgresql=enabled), or give a ledger file");
    return NULL;
#endif
}

void
dx_store_recover(const char *path)
{
    /* a server rolls back a killed client's transaction itself */
    if (!dx_store_location_is_server(path))
        dx_store_sqlite_recover(path);
}

DxStoreKind
dx_store_kind(DxStore *store)
{
    return store->ops->kind;
}

gboolean
dx_store_configure(DxStore *store)
{
    return store->ops->configure(store);
}

void
dx_store_close(DxStore *store)
{
    if (store != NULL)
        store->ops->close(store);
}

const char *
dx_store_errmsg(DxStore *store)
{
    return store->ops->errmsg(store);
}

DxStoreErr
dx_store_errkind(DxStore *store)
{
    return store->ops->errkind(store);
}

gboolean
dx_store_exec(DxStore *store, const char *sql)
{
    return store->ops->exec(store, sql);
}

gboolean
dx_store_begin(DxStore *store)
{
    return store->ops->begin(store);
}

gboolean
dx_store_commit(DxStore *store)
{
    return store->ops->commit(store);
}

void
dx_store_rollback(DxStore *store)
{
    store->ops->rollback(store);
}

gboolean
dx_store_count_tables(DxStore *store, gint64 *n)
{
    return store->ops->count_tables(store, n);
}

DxStmt *
dx_stmt_prepare(DxStore *store, const char *sql, gboolean persistent)
{
    return store->ops->prepare(store, sql, persistent);
}

void
dx_stmt_bind_int64(DxStmt *st, int i, gint64 v)
{
    st->ops->bind_int64(st, i, v);
}

void
dx_stmt_bind_text(DxStmt *st, int i, const char *v, gssize len)
{
    st->ops->bind_text(st, i, v, len);
}

void
dx_stmt_bind_blob(DxStmt *st, int i, const void *v, gsize len)
{
    st->ops->bind_blob(st, i, v, len);
}

void
dx_stmt_bind_null(DxStmt *st, int i)
{
    st->ops->bind_null(st, i);
}

DxStmtResult
dx_stmt_step(DxStmt *st)
{
    return st->ops->step(st);
}

DxStoreType
dx_stmt_column_type(DxStmt *st, int col)
{
    return st->ops->column_type(st, col);
}

gint64
dx_stmt_column_int64(DxStmt *st, int col)
{
    return st->ops->column_int64(st, col);
}

double
dx_stmt_column_double(DxStmt *st, int col)
{
    return st->ops->column_double(st, col);
}

const char *
dx_stmt_column_text(DxStmt *st, int col)
{
    return st->ops->column_text(st, col);
}

const void *
dx_stmt_column_blob(DxStmt *st, int col)
{
    return st->ops->column_blob(st, col);
}

gsize
dx_stmt_column_bytes(DxStmt *st, int col)
{
    return st->ops->column_bytes(st, col);
}

void
dx_stmt_reset(DxStmt *st)
{
    st->ops->reset(st);
}

void
dx_stmt_finalize(DxStmt *st)
{
    if (st != NULL)
        st->ops->finalize(st);
}

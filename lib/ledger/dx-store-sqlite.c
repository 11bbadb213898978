/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's store on SQLite: the only ledger file that calls sqlite3_*.
 * A DxStmt is the sqlite3_stmt itself, so the wrappers cost a call and
 * nothing else on the million-decision paths.
 */
#include "ledger/dx-store-private.h"

#include <sqlite3.h>

#define STORE_BUSY_TIMEOUT_MS 30000

struct _DxStore {
    sqlite3 *db;
};

#define ST(s) ((sqlite3_stmt *)(s))

DxStore *
dx_store_open(const char *path, gboolean readonly, char **errmsg)
{
    DxStore *store = g_new0(DxStore, 1);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;

    /* NOMUTEX: a DxLedger has a single owner (dx-ledger.h) */
    rc = sqlite3_open_v2(path, &store->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *errmsg = g_strdup(store->db != NULL ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        sqlite3_close(store->db);
        g_free(store);
        return NULL;
    }
    sqlite3_extended_result_codes(store->db, 1);
    sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);
    return store;
}

void
dx_store_recover(const char *path)
{
    sqlite3 *db = NULL;

    /* A writer killed mid-transaction leaves a hot journal that only a
     * read-write connection may roll back; a read-only one would then fail
     * with "attempt to write a readonly database". So when the file is
     * writable, let SQLite recover it first (reading the schema is enough).
     * On read-only media this is skipped. */
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    sqlite3_close(db);
}

gboolean
dx_store_configure(DxStore *store)
{
    /* A rollback journal, not WAL: the ledger stays one self-contained file
     * (copying ledger.db alone can never drop committed rounds still in a
     * -wal file), commits are faster for this append-only load, and
     * read-only opens work on read-only media. Readers wait for a round's
     * commit, which is what a finance officer expects anyway. If the file
     * was left in WAL mode by an older version, this converts it back.
     * FULL: a committed round survives a power cut. A big page cache
     * keeps a million-decision round (some 60 MB) from spilling pages
     * mid-transaction, and the size limit keeps a journal from staying at
     * its peak size. */
    return dx_store_exec(store, "PRAGMA journal_mode = DELETE") &&
           dx_store_exec(store, "PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;"
                                " PRAGMA journal_size_limit = 67108864");
}

void
dx_store_close(DxStore *store)
{
    if (store == NULL)
        return;
    sqlite3_close_v2(store->db);
    g_free(store);
}

const char *
dx_store_errmsg(DxStore *store)
{
    return sqlite3_errmsg(store->db);
}

DxStoreErr
dx_store_errkind(DxStore *store)
{
    int code = sqlite3_extended_errcode(store->db);

    if ((code & 0xff) == SQLITE_NOTADB)
        return DX_STORE_ERR_NOT_A_DATABASE;
    if (code == SQLITE_READONLY_CANTINIT || code == SQLITE_READONLY_DIRECTORY || code == SQLITE_READONLY_RECOVERY ||
        (code & 0xff) == SQLITE_CANTOPEN)
        return DX_STORE_ERR_CANNOT_OPEN_READONLY;
    return DX_STORE_ERR_OTHER;
}

gboolean
dx_store_exec(DxStore *store, const char *sql)
{
    return sqlite3_exec(store->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* IMMEDIATE waits up to the busy timeout for another writer. */
gboolean
dx_store_begin(DxStore *store)
{
    return dx_store_exec(store, "BEGIN IMMEDIATE");
}

gboolean
dx_store_commit(DxStore *store)
{
    return dx_store_exec(store, "COMMIT");
}

void
dx_store_rollback(DxStore *store)
{
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
dx_store_count_tables(DxStore *store, gint64 *n)
{
    DxStmt *st = dx_stmt_prepare(store, "SELECT count(*) FROM sqlite_master", FALSE);
    gboolean ok = st != NULL && dx_stmt_step(st) == DX_STMT_ROW;

    if (ok)
        *n = dx_stmt_column_int64(st, 0);
    dx_stmt_finalize(st);
    return ok;
}

DxStmt *
dx_stmt_prepare(DxStore *store, const char *sql, gboolean persistent)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v3(store->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return (DxStmt *)st;
}

void
dx_stmt_bind_int64(DxStmt *st, int i, gint64 v)
{
    sqlite3_bind_int64(ST(st), i, v);
}

/* STATIC: the values are borrowed (dx-store-private.h) */
void
dx_stmt_bind_text(DxStmt *st, int i, const char *v, gssize len)
{
    sqlite3_bind_text(ST(st), i, v, len < 0 ? -1 : (int)len, SQLITE_STATIC);
}

void
dx_stmt_bind_blob(DxStmt *st, int i, const void *v, gsize len)
{
    sqlite3_bind_blob64(ST(st), i, v, len, SQLITE_STATIC);
}

void
dx_stmt_bind_null(DxStmt *st, int i)
{
    sqlite3_bind_null(ST(st), i);
}

DxStmtResult
dx_stmt_step(DxStmt *st)
{
    switch (sqlite3_step(ST(st))) {
    case SQLITE_ROW:
        return DX_STMT_ROW;
    case SQLITE_DONE:
        return DX_STMT_DONE;
    default:
        return DX_STMT_ERROR;
    }
}

DxStoreType
dx_stmt_column_type(DxStmt *st, int col)
{
    switch (sqlite3_column_type(ST(st), col)) {
    case SQLITE_INTEGER:
        return DX_STORE_INTEGER;
    case SQLITE_FLOAT:
        return DX_STORE_FLOAT;
    case SQLITE_BLOB:
        return DX_STORE_BLOB;
    case SQLITE_NULL:
        return DX_STORE_NULL;
    default:
        return DX_STORE_TEXT;
    }
}

gint64
dx_stmt_column_int64(DxStmt *st, int col)
{
    return sqlite3_column_int64(ST(st), col);
}

double
dx_stmt_column_double(DxStmt *st, int col)
{
    return sqlite3_column_double(ST(st), col);
}

const char *
dx_stmt_column_text(DxStmt *st, int col)
{
    return (const char *)sqlite3_column_text(ST(st), col);
}

const void *
dx_stmt_column_blob(DxStmt *st, int col)
{
    return sqlite3_column_blob(ST(st), col);
}

gsize
dx_stmt_column_bytes(DxStmt *st, int col)
{
    return (gsize)sqlite3_column_bytes(ST(st), col);
}

void
dx_stmt_reset(DxStmt *st)
{
    sqlite3_reset(ST(st));
    sqlite3_clear_bindings(ST(st));
}

void
dx_stmt_finalize(DxStmt *st)
{
    sqlite3_finalize(ST(st));
}

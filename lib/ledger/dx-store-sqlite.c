/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's store on SQLite: with dx-store-pg.c, the only ledger files
 * that call a database. A DxStmt wraps the sqlite3_stmt, so the wrappers
 * cost a call and nothing else on the million-decision paths.
 */
#include "ledger/dx-store-backend-private.h"

#include <sqlite3.h>

#define STORE_BUSY_TIMEOUT_MS 30000

typedef struct {
    DxStore head;
    sqlite3 *db;
} SqliteStore;

typedef struct {
    DxStmt head;
    sqlite3_stmt *st;
} SqliteStmt;

static const DxStoreOps sqlite_ops;

static gboolean sqlite_exec(DxStore *store, const char *sql);
static DxStmt *sqlite_stmt_prepare(DxStore *store, const char *sql, gboolean persistent);
static DxStmtResult sqlite_stmt_step(DxStmt *st);
static gint64 sqlite_stmt_column_int64(DxStmt *st, int col);
static void sqlite_stmt_finalize(DxStmt *st);

#define DB(s) (((SqliteStore *)(s))->db)
#define ST(s) (((SqliteStmt *)(s))->st)

DxStore *
dx_store_sqlite_open(const char *path, gboolean readonly, char **errmsg)
{
    SqliteStore *store = g_new0(SqliteStore, 1);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;

    /* NOMUTEX: a DxLedger has a single owner (dx-ledger.h) */
    rc = sqlite3_open_v2(path, &DB(store), flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *errmsg = g_strdup(DB(store) != NULL ? sqlite3_errmsg(DB(store)) : sqlite3_errstr(rc));
        sqlite3_close(DB(store));
        g_free(store);
        return NULL;
    }
    sqlite3_extended_result_codes(DB(store), 1);
    sqlite3_busy_timeout(DB(store), STORE_BUSY_TIMEOUT_MS);
    store->head.ops = &sqlite_ops;
    return &store->head;
}

void
dx_store_sqlite_recover(const char *path)
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

static gboolean
sqlite_configure(DxStore *store)
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
    return sqlite_exec(store, "PRAGMA journal_mode = DELETE") &&
           sqlite_exec(store, "PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;"
                                " PRAGMA journal_size_limit = 67108864");
}

static void
sqlite_close(DxStore *store)
{
    if (store == NULL)
        return;
    sqlite3_close_v2(DB(store));
    g_free(store);
}

static const char *
sqlite_errmsg(DxStore *store)
{
    return sqlite3_errmsg(DB(store));
}

static DxStoreErr
sqlite_errkind(DxStore *store)
{
    int code = sqlite3_extended_errcode(DB(store));

    if ((code & 0xff) == SQLITE_NOTADB)
        return DX_STORE_ERR_NOT_A_DATABASE;
    if (code == SQLITE_READONLY_CANTINIT || code == SQLITE_READONLY_DIRECTORY || code == SQLITE_READONLY_RECOVERY ||
        (code & 0xff) == SQLITE_CANTOPEN)
        return DX_STORE_ERR_CANNOT_OPEN_READONLY;
    return DX_STORE_ERR_OTHER;
}

static gboolean
sqlite_exec(DxStore *store, const char *sql)
{
    return sqlite3_exec(DB(store), sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* IMMEDIATE waits up to the busy timeout for another writer. */
static gboolean
sqlite_begin(DxStore *store)
{
    return sqlite_exec(store, "BEGIN IMMEDIATE");
}

static gboolean
sqlite_commit(DxStore *store)
{
    return sqlite_exec(store, "COMMIT");
}

static void
sqlite_rollback(DxStore *store)
{
    if (!sqlite3_get_autocommit(DB(store)))
        sqlite3_exec(DB(store), "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
sqlite_count_tables(DxStore *store, gint64 *n)
{
    DxStmt *st = sqlite_stmt_prepare(store, "SELECT count(*) FROM sqlite_master", FALSE);
    gboolean ok = st != NULL && sqlite_stmt_step(st) == DX_STMT_ROW;

    if (ok)
        *n = sqlite_stmt_column_int64(st, 0);
    sqlite_stmt_finalize(st);
    return ok;
}

static DxStmt *
sqlite_stmt_prepare(DxStore *store, const char *sql, gboolean persistent)
{
    sqlite3_stmt *st = NULL;
    SqliteStmt *w;

    if (sqlite3_prepare_v3(DB(store), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    w = g_new(SqliteStmt, 1);
    w->head.ops = &sqlite_ops;
    w->st = st;
    return &w->head;
}

static void
sqlite_stmt_bind_int64(DxStmt *st, int i, gint64 v)
{
    sqlite3_bind_int64(ST(st), i, v);
}

/* STATIC: the values are borrowed (dx-store-private.h) */
static void
sqlite_stmt_bind_text(DxStmt *st, int i, const char *v, gssize len)
{
    sqlite3_bind_text(ST(st), i, v, len < 0 ? -1 : (int)len, SQLITE_STATIC);
}

static void
sqlite_stmt_bind_blob(DxStmt *st, int i, const void *v, gsize len)
{
    sqlite3_bind_blob64(ST(st), i, v, len, SQLITE_STATIC);
}

static void
sqlite_stmt_bind_null(DxStmt *st, int i)
{
    sqlite3_bind_null(ST(st), i);
}

static DxStmtResult
sqlite_stmt_step(DxStmt *st)
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

static DxStoreType
sqlite_stmt_column_type(DxStmt *st, int col)
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

static gint64
sqlite_stmt_column_int64(DxStmt *st, int col)
{
    return sqlite3_column_int64(ST(st), col);
}

static double
sqlite_stmt_column_double(DxStmt *st, int col)
{
    return sqlite3_column_double(ST(st), col);
}

static const char *
sqlite_stmt_column_text(DxStmt *st, int col)
{
    return (const char *)sqlite3_column_text(ST(st), col);
}

static const void *
sqlite_stmt_column_blob(DxStmt *st, int col)
{
    return sqlite3_column_blob(ST(st), col);
}

static gsize
sqlite_stmt_column_bytes(DxStmt *st, int col)
{
    return (gsize)sqlite3_column_bytes(ST(st), col);
}

static void
sqlite_stmt_reset(DxStmt *st)
{
    sqlite3_reset(ST(st));
    sqlite3_clear_bindings(ST(st));
}

static void
sqlite_stmt_finalize(DxStmt *st)
{
    if (st == NULL)
        return;
    sqlite3_finalize(ST(st));
    g_free(st);
}

static const DxStoreOps sqlite_ops = {
    .kind = DX_STORE_SQLITE,
    .close = sqlite_close,
    .errmsg = sqlite_errmsg,
    .errkind = sqlite_errkind,
    .exec = sqlite_exec,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .count_tables = sqlite_count_tables,
    .configure = sqlite_configure,
    .prepare = sqlite_stmt_prepare,
    .bind_int64 = sqlite_stmt_bind_int64,
    .bind_text = sqlite_stmt_bind_text,
    .bind_blob = sqlite_stmt_bind_blob,
    .bind_null = sqlite_stmt_bind_null,
    .step = sqlite_stmt_step,
    .column_type = sqlite_stmt_column_type,
    .column_int64 = sqlite_stmt_column_int64,
    .column_double = sqlite_stmt_column_double,
    .column_text = sqlite_stmt_column_text,
    .column_blob = sqlite_stmt_column_blob,
    .column_bytes = sqlite_stmt_column_bytes,
    .reset = sqlite_stmt_reset,
    .finalize = sqlite_stmt_finalize,
};

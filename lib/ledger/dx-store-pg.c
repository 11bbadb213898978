/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's store on PostgreSQL, through libpq: with dx-store-sqlite.c
 * the only ledger files that call a database. The ledger's SQL is written
 * once, with SQLite's `?` / `?N` placeholders; here they become $N.
 *
 * Parameters go as binary values with their types (int8, text, bytea)
 * and results come back binary, so a body is its bytes (no hex round
 * trip) and an integer is 8 bytes in network order. A statement runs when
 * it is first stepped; the whole result is then read row by row. The
 * append statement, reused by every entry, is prepared on the server once.
 *
 * Writers (dx_store_begin): a SERIALIZABLE transaction whose first
 * statement is LOCK TABLE entries IN SHARE ROW EXCLUSIVE MODE. That mode
 * conflicts with itself and with INSERT, not with readers, so writers go
 * one at a time while readers go on; and because the lock is taken
 * before the transaction's snapshot is (PostgreSQL freezes it at the
 * first query), everything the writer then reads includes every commit
 * made before it got the lock. docs/ledger.md says why one lock for the
 * whole ledger rather than one per fund: the hash chain is one order of
 * all entries. A serialization failure or deadlock while taking the lock
 * is retried a bounded number of times with growing, jittered sleeps.
 *
 * Messages are libpq's first line, with the connection's password, if it
 * has one, replaced by *** wherever it would appear.
 */
#include "ledger/dx-store-backend-private.h"

#include <libpq-fe.h>
#include <string.h>

/* The type OIDs of pg_type that the ledger binds and reads. */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT8 701

/* As long as SQLite's busy timeout: a writer waits this long for another. */
#define PG_LOCK_TIMEOUT "30s"
#define PG_BEGIN_TRIES 8

typedef struct {
    DxStore head;
    PGconn *conn;
    char *password;     /* to scrub from messages; NULL without one */
    char *errmsg;
    char sqlstate[6];
    guint n_prepared;   /* names of server-side prepared statements */
} PgStore;

typedef struct {
    DxStmt head;
    PgStore *store;
    char *sql;          /* with $N placeholders */
    char *name;         /* prepared on the server, or NULL */
    int n_params;
    Oid *types;
    const char **values;
    int *lengths, *formats;
    guint64 *ints;      /* int8 values in network order, one slot per parameter */
    PGresult *res;
    int row, n_rows;    /* row: the current one, -1 before the first */
    char num[24];       /* an integer column read as text */
} PgStmt;

static const DxStoreOps pg_ops;

static void pg_finalize(DxStmt *s);

#define PG(s) ((PgStore *)(s))
#define PS(s) ((PgStmt *)(s))

/* ----------------------------------------------------------------- errors */

/* Keeps the first line of @msg, without libpq's "ERROR:  " prefix, and with
 * the password scrubbed, as the store's message. */
static void
pg_set_error(PgStore *store, const char *msg, const char *sqlstate)
{
    const char *p = msg != NULL ? msg : "";
    g_autofree char *line = NULL;

    while (*p == '\n' || *p == ' ')
        p++;
    if (g_str_has_prefix(p, "ERROR:  "))
        p += 8;
    else if (g_str_has_prefix(p, "FATAL:  "))
        p += 8;
    line = g_strndup(p, strcspn(p, "\n"));
    g_strchomp(line);
    if (*line == '\0') {
        g_free(line);
        line = g_strdup("the connection to the server was lost");
    }
    if (store->password != NULL && *store->password != '\0') {
        g_auto(GStrv) parts = g_strsplit(line, store->password, -1);

        g_free(line);
        line = g_strjoinv("***", parts);
    }
    g_free(store->errmsg);
    store->errmsg = g_steal_pointer(&line);
    g_strlcpy(store->sqlstate, sqlstate != NULL ? sqlstate : "", sizeof store->sqlstate);
}

static void
pg_set_result_error(PgStore *store, const PGresult *res)
{
    const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    if (PQstatus(store->conn) != CONNECTION_OK)
        pg_set_error(store, PQerrorMessage(store->conn), "08006");
    else if (msg != NULL)
        pg_set_error(store, msg, PQresultErrorField(res, PG_DIAG_SQLSTATE));
    else
        pg_set_error(store, PQerrorMessage(store->conn), NULL);
}

/* Runs @sql without parameters; TRUE when it did. */
static gboolean
pg_exec(DxStore *store, const char *sql)
{
    PGresult *res = PQexec(PG(store)->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    gboolean ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;

    if (!ok)
        pg_set_result_error(PG(store), res);
    PQclear(res);
    return ok;
}

/* Notices (a NOTICE from CREATE ... IF NOT EXISTS and the like) would go
 * to stderr by default; the ledger's messages are its own. */
static void
pg_ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

DxStore *
dx_store_pg_open(const char *conninfo, gboolean readonly, char **errmsg)
{
    PgStore *store;
    char *parse_err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &parse_err);

    if (opts == NULL) {
        /* libpq's message may quote the string, password and all */
        PQfreemem(parse_err);
        *errmsg = g_strdup("malformed connection string (libpq: postgresql://USER@HOST:PORT/DBNAME"
                           " or 'host=HOST dbname=DBNAME')");
        return NULL;
    }
    store = g_new0(PgStore, 1);
    store->head.ops = &pg_ops;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
            store->password = g_strdup(o->val);
    PQconninfoFree(opts);

    store->conn = PQconnectdb(conninfo);
    if (PQstatus(store->conn) != CONNECTION_OK) {
        pg_set_error(store, PQerrorMessage(store->conn), NULL);
        *errmsg = g_steal_pointer(&store->errmsg);
        PQfinish(store->conn);
        g_free(store->password);
        g_free(store);
        return NULL;
    }
    PQsetNoticeProcessor(store->conn, pg_ignore_notice, NULL);
    if (!pg_exec(&store->head, "SET lock_timeout = '" PG_LOCK_TIMEOUT "'; SET application_name = 'duixian'") ||
        (readonly && !pg_exec(&store->head, "SET default_transaction_read_only = on"))) {
        *errmsg = g_steal_pointer(&store->errmsg);
        PQfinish(store->conn);
        g_free(store->password);
        g_free(store);
        return NULL;
    }
    return &store->head;
}

static gboolean
pg_configure(DxStore *store)
{
    /* a commit returns once the server has flushed it, as SQLite's FULL */
    return pg_exec(store, "SET synchronous_commit = on");
}

static void
pg_close(DxStore *store)
{
    PQfinish(PG(store)->conn);
    g_free(PG(store)->password);
    g_free(PG(store)->errmsg);
    g_free(store);
}

static const char *
pg_errmsg(DxStore *store)
{
    return PG(store)->errmsg != NULL ? PG(store)->errmsg : "unknown error";
}

static DxStoreErr
pg_errkind(DxStore *store)
{
    (void)store;
    return DX_STORE_ERR_OTHER;
}

/* ----------------------------------------------------------- transactions */

static gboolean
pg_retryable(const PgStore *store)
{
    /* serialization_failure, deadlock_detected */
    return strcmp(store->sqlstate, "40001") == 0 || strcmp(store->sqlstate, "40P01") == 0;
}

static gboolean
pg_begin(DxStore *store)
{
    PgStore *pg = PG(store);

    for (int attempt = 1;; attempt++) {
        if (!pg_exec(store, "BEGIN ISOLATION LEVEL SERIALIZABLE"))
            return FALSE;
        if (pg_exec(store, "LOCK TABLE entries IN SHARE ROW EXCLUSIVE MODE"))
            return TRUE;
        if (strcmp(pg->sqlstate, "42P01") == 0) {
            /* no entries table yet: a new ledger. Creators take an advisory
             * lock instead, so that two of them do not both create it. READ
             * COMMITTED, since that lock is a query and would freeze a
             * SERIALIZABLE snapshot before the wait: the next statements
             * must see the tables that the creator before us committed */
            pg_exec(store, "ROLLBACK");
            if (!pg_exec(store, "BEGIN ISOLATION LEVEL READ COMMITTED"))
                return FALSE;
            if (pg_exec(store, "SELECT pg_advisory_xact_lock(7140713)"))
                return TRUE;
        }
        {
            g_autofree char *why = g_strdup(pg->errmsg);
            gboolean again = pg_retryable(pg) && attempt < PG_BEGIN_TRIES;
            gboolean timeout = strcmp(pg->sqlstate, "55P03") == 0;

            if (PQstatus(pg->conn) == CONNECTION_OK)
                pg_exec(store, "ROLLBACK");
            if (!again) {
                if (timeout)
                    pg_set_error(pg, "another writer held the ledger for " PG_LOCK_TIMEOUT "; try again", "55P03");
                else if (pg_retryable(pg) || attempt >= PG_BEGIN_TRIES) {
                    g_autofree char *m = g_strdup_printf("%s (gave up after %d tries)", why, attempt);

                    pg_set_error(pg, m, "40001");
                } else {
                    pg_set_error(pg, why, pg->sqlstate);
                }
                return FALSE;
            }
        }
        /* 20, 40, 80, ... ms, with jitter so that retries do not collide */
        g_usleep((gulong)((10000u << MIN(attempt, 7)) + g_random_int_range(0, 10000)));
    }
}

static gboolean
pg_commit(DxStore *store)
{
    PgStore *pg = PG(store);
    PGresult *res = PQexec(pg->conn, "COMMIT");
    gboolean ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (!ok && PQstatus(pg->conn) != CONNECTION_OK) {
        /* the server may have committed before the connection dropped */
        g_autofree char *m = NULL;

        pg_set_error(pg, PQerrorMessage(pg->conn), "08006");
        m = g_strdup_printf("%s (the connection dropped during COMMIT: whether the server committed is"
                            " unknown here; run verify and look at the head)", pg->errmsg);
        pg_set_error(pg, m, "08006");
    } else if (!ok) {
        pg_set_result_error(pg, res);
    }
    PQclear(res);
    return ok;
}

static void
pg_rollback(DxStore *store)
{
    PgStore *pg = PG(store);

    if (PQstatus(pg->conn) == CONNECTION_OK && PQtransactionStatus(pg->conn) != PQTRANS_IDLE) {
        PGresult *res = PQexec(pg->conn, "ROLLBACK");

        PQclear(res);
    }
}

static gboolean
pg_count_tables(DxStore *store, gint64 *n)
{
    PGresult *res = PQexec(PG(store)->conn,
                           "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
    gboolean ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

    if (ok)
        *n = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else
        pg_set_result_error(PG(store), res);
    PQclear(res);
    return ok;
}

/* ------------------------------------------------------------- statements */

static DxStmt *
pg_prepare(DxStore *store, const char *sql, gboolean persistent)
{
    PgStmt *st = g_new0(PgStmt, 1);
    int n;

    st->head.ops = &pg_ops;
    st->store = PG(store);
    st->sql = dx_store_dollar_placeholders(sql, &n);
    st->n_params = n;
    st->types = g_new0(Oid, MAX(n, 1));
    st->values = g_new0(const char *, MAX(n, 1));
    st->lengths = g_new0(int, MAX(n, 1));
    st->formats = g_new0(int, MAX(n, 1));
    st->ints = g_new0(guint64, MAX(n, 1));
    st->row = -1;
    if (persistent) {
        /* the types are the append's: bound the same way every time */
        PGresult *res;

        st->name = g_strdup_printf("dx_stmt_%u", ++PG(store)->n_prepared);
        res = PQprepare(PG(store)->conn, st->name, st->sql, 0, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            pg_set_result_error(PG(store), res);
            PQclear(res);
            g_free(st->name);
            st->name = NULL;
            pg_finalize(&st->head);
            return NULL;
        }
        PQclear(res);
    }
    return &st->head;
}

static gboolean
pg_param_ok(PgStmt *st, int i)
{
    g_return_val_if_fail(i >= 1 && i <= st->n_params, FALSE);
    return TRUE;
}

static void
pg_bind_int64(DxStmt *s, int i, gint64 v)
{
    PgStmt *st = PS(s);

    if (!pg_param_ok(st, i))
        return;
    st->ints[i - 1] = GUINT64_TO_BE((guint64)v);
    st->values[i - 1] = (const char *)&st->ints[i - 1];
    st->lengths[i - 1] = 8;
    st->formats[i - 1] = 1;
    st->types[i - 1] = OID_INT8;
}

static void
pg_bind_text(DxStmt *s, int i, const char *v, gssize len)
{
    PgStmt *st = PS(s);

    if (!pg_param_ok(st, i))
        return;
    /* binary text is its bytes: no NUL needed, any length */
    st->values[i - 1] = v != NULL ? v : "";
    st->lengths[i - 1] = (int)(len < 0 ? strlen(st->values[i - 1]) : (gsize)len);
    st->formats[i - 1] = 1;
    st->types[i - 1] = OID_TEXT;
}

static void
pg_bind_blob(DxStmt *s, int i, const void *v, gsize len)
{
    PgStmt *st = PS(s);

    if (!pg_param_ok(st, i))
        return;
    st->values[i - 1] = len > 0 ? v : "";
    st->lengths[i - 1] = (int)len;
    st->formats[i - 1] = 1;
    st->types[i - 1] = OID_BYTEA;
}

static void
pg_bind_null(DxStmt *s, int i)
{
    PgStmt *st = PS(s);

    if (!pg_param_ok(st, i))
        return;
    st->values[i - 1] = NULL;
    st->lengths[i - 1] = 0;
    st->formats[i - 1] = 0;
    st->types[i - 1] = 0;
}

static DxStmtResult
pg_step(DxStmt *s)
{
    PgStmt *st = PS(s);

    if (st->res == NULL) {
        PGconn *conn = st->store->conn;
        ExecStatusType status;

        if (st->name != NULL)
            st->res = PQexecPrepared(conn, st->name, st->n_params, st->values, st->lengths, st->formats, 1);
        else
            st->res = PQexecParams(conn, st->sql, st->n_params, st->types, st->values, st->lengths, st->formats, 1);
        status = PQresultStatus(st->res);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            pg_set_result_error(st->store, st->res);
            PQclear(st->res);
            st->res = NULL;
            return DX_STMT_ERROR;
        }
        st->n_rows = PQntuples(st->res);
        st->row = -1;
    }
    if (st->row + 1 < st->n_rows) {
        st->row++;
        return DX_STMT_ROW;
    }
    st->row = st->n_rows;
    return DX_STMT_DONE;
}

static DxStoreType
pg_column_type(DxStmt *s, int col)
{
    PgStmt *st = PS(s);

    if (PQgetisnull(st->res, st->row, col))
        return DX_STORE_NULL;
    switch (PQftype(st->res, col)) {
    case OID_INT8:
    case OID_INT4:
    case OID_INT2:
        return DX_STORE_INTEGER;
    case OID_FLOAT8:
        return DX_STORE_FLOAT;
    case OID_BYTEA:
        return DX_STORE_BLOB;
    default:
        return DX_STORE_TEXT;
    }
}

/* 8 bytes in network order */
static guint64
pg_be64(const guint8 *v)
{
    guint64 u = 0;

    for (int i = 0; i < 8; i++)
        u = u << 8 | v[i];
    return u;
}

static gint64
pg_column_int64(DxStmt *s, int col)
{
    PgStmt *st = PS(s);
    const guint8 *v = (const guint8 *)PQgetvalue(st->res, st->row, col);

    if (PQgetisnull(st->res, st->row, col))
        return 0;
    switch (PQftype(st->res, col)) {
    case OID_INT8:
        return (gint64)pg_be64(v);
    case OID_INT4:
        return (gint32)((guint32)v[0] << 24 | (guint32)v[1] << 16 | (guint32)v[2] << 8 | v[3]);
    case OID_INT2:
        return (gint16)((guint16)(v[0] << 8 | v[1]));
    default:
        return g_ascii_strtoll((const char *)v, NULL, 10);
    }
}

/* Only to hash what someone else stored (the chain's 'f' tag): float8 is
 * read exactly, anything else through its integer value. */
static double
pg_column_double(DxStmt *s, int col)
{
    PgStmt *st = PS(s);
    double d;
    guint64 u;

    if (PQftype(st->res, col) != OID_FLOAT8)
        return (double)pg_column_int64(s, col);
    u = pg_be64((const guint8 *)PQgetvalue(st->res, st->row, col));
    memcpy(&d, &u, 8);
    return d;
}

static const char *
pg_column_text(DxStmt *s, int col)
{
    PgStmt *st = PS(s);

    if (PQgetisnull(st->res, st->row, col))
        return NULL;
    if (pg_column_type(s, col) == DX_STORE_INTEGER) {
        gint64 v = pg_column_int64(s, col);

        g_snprintf(st->num, sizeof st->num, "%" G_GINT64_FORMAT, v);
        return st->num;
    }
    /* libpq ends binary values with a NUL too */
    return PQgetvalue(st->res, st->row, col);
}

static const void *
pg_column_blob(DxStmt *s, int col)
{
    PgStmt *st = PS(s);

    if (PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static gsize
pg_column_bytes(DxStmt *s, int col)
{
    PgStmt *st = PS(s);

    if (pg_column_type(s, col) == DX_STORE_INTEGER)
        return strlen(pg_column_text(s, col));
    return (gsize)PQgetlength(st->res, st->row, col);
}

static void
pg_reset(DxStmt *s)
{
    PgStmt *st = PS(s);

    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->n_rows = 0;
    for (int i = 0; i < st->n_params; i++) {
        st->values[i] = NULL;
        st->lengths[i] = st->formats[i] = 0;
        st->types[i] = 0;
    }
}

static void
pg_finalize(DxStmt *s)
{
    PgStmt *st = PS(s);

    if (st->name != NULL && PQstatus(st->store->conn) == CONNECTION_OK) {
        g_autofree char *sql = g_strdup_printf("DEALLOCATE %s", st->name);

        PQclear(PQexec(st->store->conn, sql));
    }
    PQclear(st->res);
    g_free(st->sql);
    g_free(st->name);
    g_free(st->types);
    g_free(st->values);
    g_free(st->lengths);
    g_free(st->formats);
    g_free(st->ints);
    g_free(st);
}

static const DxStoreOps pg_ops = {
    .kind = DX_STORE_POSTGRESQL,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .errkind = pg_errkind,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .count_tables = pg_count_tables,
    .configure = pg_configure,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_type = pg_column_type,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .column_bytes = pg_column_bytes,
    .reset = pg_reset,
    .finalize = pg_finalize,
};

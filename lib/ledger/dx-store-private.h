/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's store: the one place below lib/ledger/ that knows which
 * database holds the entries. Every other ledger file talks to a DxStore
 * and its DxStmt statements only. dx-store.c picks the backend from the
 * ledger's location: a file is SQLite (dx-store-sqlite.c); a postgresql://
 * or postgres:// URI, or a libpq key=value string ("host=... dbname=..."),
 * is PostgreSQL (dx-store-pg.c, built when libpq is found).
 *
 * Why it mirrors the SQLite statement API call for call: ledger code
 * written against sqlite3_* ports to it by renaming (sqlite3_step ->
 * dx_stmt_step, SQLITE_ROW -> DX_STMT_ROW, ...), and a second backend
 * (a server reached over libpq) implements the same calls, with SQL
 * written once with `?` / `?N` placeholders.
 *
 * Values bound with dx_stmt_bind_text/_blob are borrowed: they must stay
 * alive until the statement is stepped and then reset or finalized.
 * Columns read with dx_stmt_column_text/_blob are owned by the statement
 * and valid until its next step, reset or finalize.
 */
#pragma once

#include <glib.h>

typedef struct _DxStore DxStore;
typedef struct _DxStmt DxStmt;

/* What dx_stmt_step() returns. */
typedef enum {
    DX_STMT_ROW,
    DX_STMT_DONE,
    DX_STMT_ERROR
} DxStmtResult;

/* The type of a column's value on the current row. */
typedef enum {
    DX_STORE_INTEGER = 1,
    DX_STORE_FLOAT,
    DX_STORE_TEXT,
    DX_STORE_BLOB,
    DX_STORE_NULL
} DxStoreType;

/* Why the last call failed, where callers word it differently. */
typedef enum {
    DX_STORE_ERR_OTHER,
    DX_STORE_ERR_NOT_A_DATABASE,
    DX_STORE_ERR_CANNOT_OPEN_READONLY
} DxStoreErr;

/* Which backend a store is: the schema text differs between them. */
typedef enum {
    DX_STORE_SQLITE,
    DX_STORE_POSTGRESQL
} DxStoreKind;

/* TRUE when @location names a PostgreSQL server rather than a file. */
G_GNUC_INTERNAL gboolean dx_store_location_is_server(const char *location);
/* @location for messages: a file's display name, or a connection string
 * with its password replaced by "***" (newly allocated). */
G_GNUC_INTERNAL char *dx_store_location_display(const char *location);
G_GNUC_INTERNAL DxStoreKind dx_store_kind(DxStore *store);

/* Opens @path; NULL with *errmsg set (g_free it) when that fails. */
G_GNUC_INTERNAL DxStore *dx_store_open(const char *path, gboolean readonly, char **errmsg);
/* Lets a read-write connection roll back what a killed writer left (a hot
 * journal) before a read-only open; does nothing where it cannot. */
G_GNUC_INTERNAL void dx_store_recover(const char *path);
/* The settings of a writable store (durability, journal); after the schema check. */
G_GNUC_INTERNAL gboolean dx_store_configure(DxStore *store);
G_GNUC_INTERNAL void dx_store_close(DxStore *store);
G_GNUC_INTERNAL const char *dx_store_errmsg(DxStore *store);
G_GNUC_INTERNAL DxStoreErr dx_store_errkind(DxStore *store);
/* Runs @sql (one or more statements, no results). */
G_GNUC_INTERNAL gboolean dx_store_exec(DxStore *store, const char *sql);
/* BEGIN with the write lock taken now (waiting for another writer): on
 * PostgreSQL a SERIALIZABLE transaction holding the ledger's lock. */
G_GNUC_INTERNAL gboolean dx_store_begin(DxStore *store);
G_GNUC_INTERNAL gboolean dx_store_commit(DxStore *store);
/* Rolls back the open transaction, if any; silent. */
G_GNUC_INTERNAL void dx_store_rollback(DxStore *store);
/* The count of tables, to tell a new empty database from a ledger. */
G_GNUC_INTERNAL gboolean dx_store_count_tables(DxStore *store, gint64 *n);

/* @persistent: reused many times (the append statement). */
G_GNUC_INTERNAL DxStmt *dx_stmt_prepare(DxStore *store, const char *sql, gboolean persistent);
G_GNUC_INTERNAL void dx_stmt_bind_int64(DxStmt *st, int i, gint64 v);
/* @len < 0: up to the NUL. */
G_GNUC_INTERNAL void dx_stmt_bind_text(DxStmt *st, int i, const char *v, gssize len);
G_GNUC_INTERNAL void dx_stmt_bind_blob(DxStmt *st, int i, const void *v, gsize len);
G_GNUC_INTERNAL void dx_stmt_bind_null(DxStmt *st, int i);
G_GNUC_INTERNAL DxStmtResult dx_stmt_step(DxStmt *st);
G_GNUC_INTERNAL DxStoreType dx_stmt_column_type(DxStmt *st, int col);
G_GNUC_INTERNAL gint64 dx_stmt_column_int64(DxStmt *st, int col);
G_GNUC_INTERNAL double dx_stmt_column_double(DxStmt *st, int col);
G_GNUC_INTERNAL const char *dx_stmt_column_text(DxStmt *st, int col);
/* Call before dx_stmt_column_bytes for the same column. */
G_GNUC_INTERNAL const void *dx_stmt_column_blob(DxStmt *st, int col);
G_GNUC_INTERNAL gsize dx_stmt_column_bytes(DxStmt *st, int col);
/* Ready to step again; also drops the bindings (they were borrowed). */
G_GNUC_INTERNAL void dx_stmt_reset(DxStmt *st);
/* NULL is fine. */
G_GNUC_INTERNAL void dx_stmt_finalize(DxStmt *st);

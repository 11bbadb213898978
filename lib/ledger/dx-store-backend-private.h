/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a store backend provides (dx-store.c dispatches to it): the calls of
 * dx-store-private.h, one table per backend. Only dx-store.c and the
 * backends (dx-store-sqlite.c, dx-store-pg.c) include this header.
 *
 * Every DxStore and DxStmt a backend hands out starts with a pointer to
 * its table, so that dx-store.c finds the backend from either.
 */
#pragma once

#include "ledger/dx-store-private.h"

typedef struct {
    DxStoreKind kind;
    void (*close)(DxStore *store);
    const char *(*errmsg)(DxStore *store);
    DxStoreErr (*errkind)(DxStore *store);
    gboolean (*exec)(DxStore *store, const char *sql);
    gboolean (*begin)(DxStore *store);
    gboolean (*commit)(DxStore *store);
    void (*rollback)(DxStore *store);
    gboolean (*count_tables)(DxStore *store, gint64 *n);
    gboolean (*configure)(DxStore *store);
    DxStmt *(*prepare)(DxStore *store, const char *sql, gboolean persistent);
    void (*bind_int64)(DxStmt *st, int i, gint64 v);
    void (*bind_text)(DxStmt *st, int i, const char *v, gssize len);
    void (*bind_blob)(DxStmt *st, int i, const void *v, gsize len);
    void (*bind_null)(DxStmt *st, int i);
    DxStmtResult (*step)(DxStmt *st);
    DxStoreType (*column_type)(DxStmt *st, int col);
    gint64 (*column_int64)(DxStmt *st, int col);
    double (*column_double)(DxStmt *st, int col);
    const char *(*column_text)(DxStmt *st, int col);
    const void *(*column_blob)(DxStmt *st, int col);
    gsize (*column_bytes)(DxStmt *st, int col);
    void (*reset)(DxStmt *st);
    void (*finalize)(DxStmt *st);
} DxStoreOps;

/* The head of every DxStore and DxStmt. */
struct _DxStore {
    const DxStoreOps *ops;
};
struct _DxStmt {
    const DxStoreOps *ops;
};

G_GNUC_INTERNAL DxStore *dx_store_sqlite_open(const char *path, gboolean readonly, char **errmsg);
G_GNUC_INTERNAL void dx_store_sqlite_recover(const char *path);
/* @sql with $N for ?N and ?; *n_params: the highest N (newly allocated). */
G_GNUC_INTERNAL char *dx_store_dollar_placeholders(const char *sql, int *n_params);
#ifdef DX_HAVE_POSTGRESQL
/* @conninfo: a postgresql:// URI or a key=value string. */
G_GNUC_INTERNAL DxStore *dx_store_pg_open(const char *conninfo, gboolean readonly, char **errmsg);
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later
 * DxBatch internals shared with the readers and the round. */
#pragma once

#include "duixian/dx-types.h"
#include "duixian/dx-batch.h"
#include "input/dx-csv-private.h"
#include "input/dx-app-reader-private.h"
#include "decide/dx-decision-private.h"

#include <pthread.h>

/* A block of applications decided on a worker thread (dx_batch_set_threads):
 * copies of the applications, then their decisions, merged into the batch's
 * list in block order so the result is the same as on one thread. */
typedef struct _DxBatchBlock DxBatchBlock;

struct _DxBatch {
    DxRuleset *rs;              /* (owned ref) */
    DxDecisionList *list;       /* (owned) decisions so far */
    DxDecideScratch scratch;
    DxApplication *reader_app;  /* reused by the readers */
    guint64 n_rows;
    GPtrArray *warnings;        /* char* */
    DxProgressFunc progress;
    void *progress_data;
    gboolean finished;          /* decided: no more applications */
    GPtrArray *input_hashes;    /* SHA-256 hex of each input, in order */
    gboolean skip_input_hash;   /* dx_batch_set_hash_input(FALSE): nothing will record it */
    char *input_sha256;         /* combined, made on demand */
    guint n_threads;            /* 1: decide on the caller's thread */
    GPtrArray *workers;         /* GThread*, n_threads of them when n_threads > 1 */
    DxBatchBlock *filling;      /* (nullable) block being filled */
    GQueue pending;             /* DxBatchBlock*, submitted, in input order (caller's) */
    GPtrArray *spare;           /* DxBatchBlock*, merged, for reuse */
    /* pthread primitives rather than GMutex/GCond, whose futex code
     * ThreadSanitizer and helgrind cannot see */
    pthread_mutex_t lock;       /* guards todo, stopping and DxBatchBlock.done */
    pthread_cond_t work_cond;   /* todo not empty, or stopping */
    pthread_cond_t done_cond;   /* a block is done */
    GQueue todo;                /* DxBatchBlock*, submitted, not yet taken by a worker */
    gboolean stopping;
};

/* Adds one CSV record: decided at once on one thread, else its cells are
 * copied into a block and parsed and decided by a worker. */
G_GNUC_INTERNAL void dx_batch_add_csv_record(DxBatch *self, const DxCsvColumns *cols, const char *const *cells,
                                             guint n_cells, guint64 line, const char *problem, guint bad_col);
/* On worker threads: hands the whole lines that follow in @reader's block
 * (dx_csv_reader_take_lines()) to a worker, which splits and decides them.
 * Returns FALSE when none could be taken (or on one thread): read the next
 * record with dx_csv_reader_next(). */
G_GNUC_INTERNAL gboolean dx_batch_take_csv_lines(DxBatch *self, const DxCsvColumns *cols, DxCsvReader *reader);
G_GNUC_INTERNAL void dx_batch_add_warning(DxBatch *self, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
G_GNUC_INTERNAL gboolean dx_batch_read_csv(DxBatch *self, DxCsvReader *reader, GError **error);
G_GNUC_INTERNAL gboolean dx_batch_read_yaml(DxBatch *self, const char *name, const char *data, gsize len,
                                            const DxLoadOptions *options, GError **error);
/* Waits for the worker threads and merges their decisions (no-op on one thread). */
G_GNUC_INTERNAL void dx_batch_flush(DxBatch *self);
/* Takes the decisions out of a finished batch for a round to finish. */
G_GNUC_INTERNAL DxDecisionList *dx_batch_steal_list(DxBatch *self);

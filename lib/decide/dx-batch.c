/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxBatch: applications in, decisions out (docs/rules.md §6 steps 1-6). Each added
 * application is decided at once into compact records (dx-decide.c); the
 * batch-wide steps run in dx_batch_decide(). Readers (dx-app-reader.c)
 * stream rows through one reused DxApplication.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-batch-private.h"
#include "base/dx-options-private.h"

#include <string.h>
#include <glib/gstdio.h>
#include <stdio.h>

/* Applications per block on worker threads: large enough that handing a
 * block over costs nothing per application, small enough that a few
 * blocks in flight hold little memory. */
#define DX_BLOCK_APPS 512u

typedef enum {
    BLOCK_APPS,                  /* copies of added applications */
    BLOCK_CSV,                   /* CSV records, and runs of whole lines the worker splits */
    BLOCK_BORROWED,              /* the caller's applications (dx_batch_add_applications) */
} DxBlockKind;

struct _DxBatchBlock {
    DxBatch *owner;
    guint n;                     /* applications in the block */
    guint64 first_seq;           /* input order of the first */
    DxApplication **apps;        /* DX_BLOCK_APPS copies, reused */
    const DxApplication *const *borrowed;   /* BLOCK_BORROWED: n of the caller's */
    GStringChunk *texts;         /* the copies' text values */
    DxDecisionList *list;        /* the block's decisions (worker) */
    DxDecideScratch scratch;
    gboolean done;               /* under owner->lock */
    DxBlockKind kind;
    /* CSV: the worker parses the cells too */
    const DxCsvColumns *cols;    /* the reader's, valid until it flushes */
    DxEncoding encoding;         /* the reader's */
    GString *buf;                /* records' cells, NUL-terminated, and runs of lines */
    GArray *offs;                /* gsize: where each record's cell starts in buf */
    GArray *rows;                /* DxRawRow, in input order */
    GPtrArray *cellp;            /* worker scratch: one record's cells */
};

/* A record split by the reading thread, or a run of whole lines taken
 * unsplit (dx_csv_reader_take_lines), which the worker splits. */
typedef struct {
    guint64 line;                /* of the record, or the first line of the run */
    gsize at;                    /* record: its first cell in offs; run: its first byte in buf */
    gsize len;                   /* record: cells; run: bytes */
    guint bad_col;
    gboolean is_run;
    const char *problem;         /* record: static, or NULL */
} DxRawRow;

static DxBatchBlock *
block_new(DxBatch *self)
{
    DxBatchBlock *b = g_new0(DxBatchBlock, 1);

    b->owner = self;
    b->apps = g_new0(DxApplication *, DX_BLOCK_APPS);   /* made when first used, but the first: */
    b->apps[0] = dx_application_new(self->rs);          /* CSV records and lines are parsed into it */
    b->texts = g_string_chunk_new(64 * 1024);
    dx_decide_scratch_init(&b->scratch, self->rs);
    b->buf = g_string_new(NULL);
    b->offs = g_array_new(FALSE, FALSE, sizeof(gsize));
    b->rows = g_array_new(FALSE, FALSE, sizeof(DxRawRow));
    b->cellp = g_ptr_array_new();
    return b;
}

static void
block_free(DxBatchBlock *b)
{
    for (guint i = 0; i < DX_BLOCK_APPS; i++) {
        if (b->apps[i] != NULL)
            dx_application_free(b->apps[i]);
    }
    g_free(b->apps);
    g_string_chunk_free(b->texts);
    dx_decision_list_unref(b->list);
    dx_decide_scratch_clear(&b->scratch);
    g_string_free(b->buf, TRUE);
    g_array_unref(b->offs);
    g_array_unref(b->rows);
    g_ptr_array_unref(b->cellp);
    g_free(b);
}

/* Copies @src into the block: values, presence, problems; text values
 * into the block's chunk (the reader's buffer is reused for the next row). */
static void
block_add(DxBatchBlock *b, const DxApplication *src)
{
    DxApplication *dst;
    guint n = src->rs->n_fields;

    if (b->apps[b->n] == NULL)
        b->apps[b->n] = dx_application_new(b->owner->rs);
    dst = b->apps[b->n++];

    dx_application_reset(dst);
    memcpy(dst->present, src->present, n);
    for (guint i = 0; i < n; i++) {   /* applications are sparse: copy only what is there */
        if (!src->present[i])
            continue;
        dst->slots[i] = src->slots[i];
        if (dst->slots[i].type == DX_TYPE_TEXT)
            dst->slots[i].u.t.s = g_string_chunk_insert_len(b->texts, src->slots[i].u.t.s, src->slots[i].u.t.len);
    }
    for (guint i = 0; i < src->problems->len; i++) {
        DxCellProblem p = g_array_index(src->problems, DxCellProblem, i);

        p.message = g_strdup(p.message);
        g_array_append_val(dst->problems, p);
    }
    dst->row = src->row;
    dst->policy = src->policy;
}

/* Applications in memory are usually cold: while one is decided, ask for
 * what the next ones will need, each stage one application ahead of the
 * stage that needs its result (header, then values, then the texts they
 * point at), so the waits for memory overlap the work. */
static inline void
borrowed_prefetch(const DxApplication *const *apps, gsize i, gsize n)
{
    if (i + 3 < n)
        __builtin_prefetch(apps[i + 3]);
    if (i + 2 < n) {
        const DxApplication *a = apps[i + 2];
        const char *s = (const char *)a->slots;

        for (gsize off = 0; off < a->rs->n_fields * sizeof(DxValue); off += 64)
            __builtin_prefetch(s + off);
        __builtin_prefetch(a->present);
        __builtin_prefetch(a->problems);
    }
    if (i + 1 < n) {
        const DxApplication *a = apps[i + 1];

        for (guint f = 0; f < a->rs->n_fields; f++) {
            if (a->present[f] && a->slots[f].type == DX_TYPE_TEXT)
                __builtin_prefetch(a->slots[f].u.t.s);
        }
    }
}

/* Splits and decides a run of whole lines, as the reader would have read
 * them one record at a time. Returns the records decided. */
static guint
block_work_run(DxBatchBlock *b, const DxRawRow *r, guint64 seq)
{
    DxCsvTaken t;
    char **cells;
    const char *problem;
    guint n_cells, bad_col, i = 0;
    guint64 line;

    dx_csv_taken_init(&t, b->buf->str + r->at, r->len, r->line, b->encoding, b->cellp);
    while (dx_csv_taken_next(&t, &cells, &n_cells, &line, &problem, &bad_col)) {
        dx_csv_record_to_app(b->apps[0], b->cols, (const char *const *)cells, n_cells, line, problem, bad_col);
        dx_decide_application(b->list, b->apps[0], seq + i++, &b->scratch);
    }
    return i;
}

static void
block_work(DxBatchBlock *b)
{
    for (guint i = 0; i < b->n && b->kind == BLOCK_APPS; i++)
        dx_decide_application(b->list, b->apps[i], b->first_seq + i, &b->scratch);
    for (guint i = 0; i < b->n && b->kind == BLOCK_BORROWED; i++) {
        borrowed_prefetch(b->borrowed, i, b->n);
        dx_decide_application(b->list, b->borrowed[i], b->first_seq + i, &b->scratch);
    }
    for (guint k = 0, i = 0; k < b->rows->len && b->kind == BLOCK_CSV; k++) {
        const DxRawRow *r = &g_array_index(b->rows, DxRawRow, k);

        if (r->is_run) {
            i += block_work_run(b, r, b->first_seq + i);
            continue;
        }
        g_ptr_array_set_size(b->cellp, 0);
        for (gsize c = 0; c < r->len; c++)
            g_ptr_array_add(b->cellp, b->buf->str + g_array_index(b->offs, gsize, r->at + c));
        dx_csv_record_to_app(b->apps[0], b->cols, (const char *const *)b->cellp->pdata, (guint)r->len, r->line,
                             r->problem, r->bad_col);
        dx_decide_application(b->list, b->apps[0], b->first_seq + i++, &b->scratch);
    }
}

/* Decides @b, taken off the todo queue with the lock held; the lock is
 * let go meanwhile and held again on return. */
static void
batch_work_locked(DxBatch *self, DxBatchBlock *b)
{
    pthread_mutex_unlock(&self->lock);
    block_work(b);
    pthread_mutex_lock(&self->lock);
    b->done = TRUE;
    pthread_cond_broadcast(&self->done_cond);
}

/* A worker: takes blocks in submission order until the batch stops and
 * nothing is left to do. */
static gpointer
batch_worker(gpointer data)
{
    DxBatch *self = data;

    pthread_mutex_lock(&self->lock);
    for (;;) {
        DxBatchBlock *b;

        while (g_queue_is_empty(&self->todo) && !self->stopping)
            pthread_cond_wait(&self->work_cond, &self->lock);
        b = g_queue_pop_head(&self->todo);
        if (b == NULL)
            break;
        batch_work_locked(self, b);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* Stops and joins the workers after they finish what was submitted. */
static void
batch_stop_workers(DxBatch *self)
{
    if (self->workers == NULL)
        return;
    pthread_mutex_lock(&self->lock);
    self->stopping = TRUE;
    pthread_cond_broadcast(&self->work_cond);
    pthread_mutex_unlock(&self->lock);
    for (guint i = 0; i < self->workers->len; i++)
        g_thread_join(g_ptr_array_index(self->workers, i));
    g_clear_pointer(&self->workers, g_ptr_array_unref);
    self->stopping = FALSE;
}

static void
batch_submit(DxBatch *self)
{
    DxBatchBlock *b = self->filling;

    self->filling = NULL;
    b->done = FALSE;
    g_queue_push_tail(&self->pending, b);
    pthread_mutex_lock(&self->lock);
    g_queue_push_tail(&self->todo, b);
    pthread_cond_signal(&self->work_cond);
    pthread_mutex_unlock(&self->lock);
}

/* Waits for the oldest block, merges it and keeps it for reuse. */
static void
batch_merge_oldest(DxBatch *self)
{
    DxBatchBlock *b = g_queue_pop_head(&self->pending);

    pthread_mutex_lock(&self->lock);
    while (!b->done) {
        /* rather than wait, do a block nobody has taken yet */
        DxBatchBlock *other = g_queue_pop_head(&self->todo);

        if (other == NULL)
            pthread_cond_wait(&self->done_cond, &self->lock);
        else
            batch_work_locked(self, other);
    }
    pthread_mutex_unlock(&self->lock);
    dx_decision_list_adopt(self->list, b->list);   /* leaves b->list empty, for the block's next use */
    g_string_chunk_clear(b->texts);
    g_string_truncate(b->buf, 0);
    g_array_set_size(b->offs, 0);
    g_array_set_size(b->rows, 0);
    b->n = 0;
    b->borrowed = NULL;
    g_ptr_array_add(self->spare, b);
}

/* The block to add to, of @kind. */
static DxBatchBlock *
batch_filling(DxBatch *self, DxBlockKind kind)
{
    if (self->filling != NULL && self->filling->kind != kind) {
        if (self->filling->n == 0 && self->filling->buf->len == 0)
            self->filling->kind = kind;   /* nothing in it yet: no need to hand over an empty block */
        else
            batch_submit(self);
    }
    if (self->filling == NULL) {
        self->filling = self->spare->len > 0 ? g_ptr_array_steal_index_fast(self->spare, self->spare->len - 1)
                                             : block_new(self);
        self->filling->first_seq = self->n_rows;
        if (self->filling->list == NULL)
            self->filling->list = dx_decision_list_new_small(self->rs);
        self->filling->kind = kind;
    }
    return self->filling;
}

/* Hands the filling block to the workers, merging the oldest while too
 * many are in flight. */
static void
batch_hand_over(DxBatch *self)
{
    batch_submit(self);
    /* a few blocks in flight per worker keep them busy; more would only hold memory */
    while (g_queue_get_length(&self->pending) > 2 * self->n_threads)
        batch_merge_oldest(self);
}

/* Hands a full block to the workers. */
static void
batch_full(DxBatch *self)
{
    if (self->filling->n >= DX_BLOCK_APPS)
        batch_hand_over(self);
}

/* After adding one. */
static void
batch_added(DxBatch *self)
{
    self->n_rows++;
    batch_full(self);
}

gboolean
dx_batch_take_csv_lines(DxBatch *self, const DxCsvColumns *cols, DxCsvReader *reader)
{
    DxBatchBlock *b;
    DxRawRow r = { 0 };
    guint n_records;

    if (self->workers == NULL)
        return FALSE;
    b = batch_filling(self, BLOCK_CSV);
    r.at = b->buf->len;
    r.len = dx_csv_reader_take_lines(reader, b->buf, &r.line, &n_records);
    if (r.len == 0)
        return FALSE;
    r.is_run = TRUE;
    b->cols = cols;
    b->encoding = dx_csv_reader_get_encoding(reader);
    g_array_append_val(b->rows, r);
    b->n += n_records;
    self->n_rows += n_records;
    batch_full(self);
    return TRUE;
}

void
dx_batch_add_csv_record(DxBatch *self, const DxCsvColumns *cols, const char *const *cells, guint n_cells,
                        guint64 line, const char *problem, guint bad_col)
{
    DxBatchBlock *b;
    DxRawRow r = { line, 0, n_cells, bad_col, FALSE, problem };

    if (self->workers == NULL) {
        dx_csv_record_to_app(self->reader_app, cols, cells, n_cells, line, problem, bad_col);
        dx_batch_add_application(self, self->reader_app);
        return;
    }
    b = batch_filling(self, BLOCK_CSV);
    b->cols = cols;
    r.at = b->offs->len;
    for (guint i = 0; i < n_cells; i++) {
        gsize off = b->buf->len;

        g_array_append_val(b->offs, off);
        g_string_append_len(b->buf, cells[i], (gssize)strlen(cells[i]) + 1);   /* with its NUL */
    }
    g_array_append_val(b->rows, r);
    b->n++;
    batch_added(self);
}

void
dx_batch_flush(DxBatch *self)
{
    if (self->filling != NULL && self->filling->n > 0)
        batch_submit(self);
    while (!g_queue_is_empty(&self->pending))
        batch_merge_oldest(self);
}

void
dx_batch_set_threads(DxBatch *self, guint n_threads)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail(self->n_rows == 0 && !self->finished);
    if (n_threads == 0)
        n_threads = (guint)g_get_num_processors();
    self->n_threads = MIN(n_threads, 256u);
    batch_stop_workers(self);
    if (self->n_threads > 1) {
        self->workers = g_ptr_array_new();
        /* the caller's thread is the last one: it decides whenever it would wait */
        for (guint i = 0; i + 1 < self->n_threads; i++)
            g_ptr_array_add(self->workers, g_thread_new("dx-decide", batch_worker, self));
    }
}

guint
dx_batch_get_threads(const DxBatch *self)
{
    g_return_val_if_fail(self != NULL, 1);
    return self->n_threads;
}

DxBatch *
dx_batch_new(DxRuleset *ruleset)
{
    DxBatch *self;

    g_return_val_if_fail(ruleset != NULL, NULL);
    self = g_new0(DxBatch, 1);
    self->rs = dx_ruleset_ref(ruleset);
    self->list = dx_decision_list_new(ruleset);
    dx_decide_scratch_init(&self->scratch, ruleset);
    self->reader_app = dx_application_new(ruleset);
    self->warnings = g_ptr_array_new_with_free_func(g_free);
    self->input_hashes = g_ptr_array_new_with_free_func(g_free);
    self->n_threads = 1;
    g_queue_init(&self->pending);
    self->spare = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->work_cond, NULL);
    pthread_cond_init(&self->done_cond, NULL);
    g_queue_init(&self->todo);
    return self;
}

void
dx_batch_free(DxBatch *self)
{
    if (self == NULL)
        return;
    batch_stop_workers(self);   /* they finish the blocks in flight first */
    g_queue_clear_full(&self->pending, (GDestroyNotify)block_free);
    if (self->filling != NULL)
        block_free(self->filling);
    g_ptr_array_unref(self->spare);
    pthread_mutex_destroy(&self->lock);
    pthread_cond_destroy(&self->work_cond);
    pthread_cond_destroy(&self->done_cond);
    dx_decision_list_unref(self->list);
    dx_decide_scratch_clear(&self->scratch);
    dx_application_free(self->reader_app);
    g_ptr_array_unref(self->warnings);
    g_ptr_array_unref(self->input_hashes);
    g_free(self->input_sha256);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

void
dx_batch_set_progress_func(DxBatch *self, DxProgressFunc func, void *user_data)
{
    g_return_if_fail(self != NULL);
    self->progress = func;
    self->progress_data = user_data;
}

void
dx_batch_add_warning(DxBatch *self, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(self->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

size_t dx_batch_get_n_warnings(const DxBatch *self) { g_return_val_if_fail(self, 0); return self->warnings->len; }
uint64_t dx_batch_get_n_rows(const DxBatch *self) { g_return_val_if_fail(self, 0); return self->n_rows; }

const char *
dx_batch_get_warning(const DxBatch *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->warnings->len, NULL);
    return g_ptr_array_index(self->warnings, index);
}

void
dx_batch_add_application(DxBatch *self, const DxApplication *app)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail(app != NULL && app->rs == self->rs);
    g_return_if_fail(!self->finished);

    if (self->workers == NULL) {
        dx_decide_application(self->list, app, self->n_rows++, &self->scratch);
        return;
    }
    block_add(batch_filling(self, BLOCK_APPS), app);
    batch_added(self);
}

void
dx_batch_add_applications(DxBatch *self, const DxApplication *const *apps, size_t n_apps)
{
    guint per;

    g_return_if_fail(self != NULL);
    g_return_if_fail(apps != NULL || n_apps == 0);
    g_return_if_fail(!self->finished);

    for (size_t i = 0; i < n_apps; i++)
        g_return_if_fail(apps[i] != NULL && apps[i]->rs == self->rs);
    if (self->workers == NULL) {
        for (size_t i = 0; i < n_apps; i++) {
            borrowed_prefetch(apps, i, n_apps);
            dx_decide_application(self->list, apps[i], self->n_rows++, &self->scratch);
        }
        return;
    }
    /* blocks of the caller's own applications, nothing copied; this thread
     * works on them too (batch_merge_oldest) and returns when all are
     * merged. A short array is cut finer, so that every thread gets some. */
    per = (guint)CLAMP(n_apps / (2 * (self->n_threads + 1)), 64, DX_BLOCK_APPS);
    for (size_t i = 0; i < n_apps;) {
        guint n = (guint)MIN(n_apps - i, (size_t)per);
        DxBatchBlock *b = batch_filling(self, BLOCK_BORROWED);

        b->borrowed = apps + i;
        b->n = n;
        self->n_rows += n;
        batch_hand_over(self);
        i += n;
    }
    dx_batch_flush(self);
}

DxDecisionList *
dx_batch_steal_list(DxBatch *self)
{
    DxDecisionList *list;

    dx_batch_flush(self);
    list = self->list;
    self->list = dx_decision_list_new(self->rs);
    self->finished = TRUE;
    return list;
}

DxDecisionList *
dx_batch_decide(DxBatch *self)
{
    DxDecisionList *list;

    g_return_val_if_fail(self != NULL, NULL);
    if (self->finished)
        return dx_decision_list_ref(self->list);
    dx_batch_flush(self);
    dx_decide_batch_steps(self->list, NULL, NULL, NULL, NULL, NULL);
    dx_decide_settle(self->list);
    dx_decision_list_seal(self->list);
    self->finished = TRUE;
    list = dx_decision_list_ref(self->list);
    return list;
}

DxDecisionList *
dx_ruleset_decide(DxRuleset *ruleset, const DxApplication *app)
{
    g_autoptr(DxBatch) batch = NULL;

    g_return_val_if_fail(ruleset != NULL && app != NULL, NULL);
    batch = dx_batch_new(ruleset);
    dx_batch_add_application(batch, app);
    return dx_batch_decide(batch);
}

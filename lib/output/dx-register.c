/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx_register_match(): 免申即享 over a whole enterprise register
 * (include/duixian/dx-register.h). The register has no app_id or
 * submitted_on: the batch needs both, so each record is given them in
 * front (app_id = the enterprise_id cell as written, submitted_on = the
 * date) before the batch reads it. That keeps the batch's own reader, cell
 * grammar and row problems.
 *
 * Why blocks: a register of a million enterprises × 20 policies is 20
 * million decisions. Held at once (as the first version did) that was
 * 649 MiB; in blocks of enterprise_id order it is the register's text and
 * one block, and each block's results go to the caller and are freed. A
 * match couples no two enterprises (no fund, no envelope, no ledger), so
 * a block's decisions are those the whole register would give; the one
 * exception is a format-2 batch-wide policy (ranking compares enterprises,
 * §12), and a ruleset with one is decided in a single block.
 */
#include "duixian/duixian.h"
#include "rules/dx-ruleset-private.h"
#include "decide/dx-decision-private.h"

#include <stdlib.h>
#include <string.h>

/* enterprises per block: ~1.3M decisions with 20 policies, big enough
 * that starting a block's threads costs nothing, small enough to be a
 * few tens of MiB */
#define DX_REGISTER_BLOCK 65536

/* The end of the CSV record starting at @p (past its line end), and the
 * bounds of cell @want in it (raw, quotes included). A quote opens only at
 * the start of a cell, as the batch's reader has it; a record with an
 * unclosed quote runs to the end and the batch reports it. */
static const char *
reg_record(const char *p, const char *end, guint want, const char **cell, const char **cell_end)
{
    guint col = 0;
    gboolean quoted = FALSE, at_start = TRUE;

    *cell = p;
    *cell_end = NULL;
    for (; p < end; p++) {
        char c = *p;

        if (quoted) {
            if (c == '"' && p + 1 < end && p[1] == '"')
                p++;
            else if (c == '"')
                quoted = FALSE;
            continue;
        }
        if (c == '"' && at_start) {
            quoted = TRUE;
            at_start = FALSE;
            continue;
        }
        at_start = FALSE;
        if (c == ',' || c == '\n' || c == '\r') {
            if (col == want && *cell_end == NULL)
                *cell_end = p;
            if (c == ',') {
                col++;
                if (col == want)
                    *cell = p + 1;
                at_start = TRUE;
                continue;
            }
            if (c == '\r' && p + 1 < end && p[1] == '\n')
                p++;
            return p + 1;
        }
    }
    if (col == want && *cell_end == NULL)
        *cell_end = p;
    return p;
}

/* A raw cell without its quotes ("" as "), in @chunk. */
static char *
reg_unquote(GStringChunk *chunk, GString *tmp, const char *a, const char *b)
{
    if (memchr(a, '"', (size_t)(b - a)) == NULL)
        return g_string_chunk_insert_len(chunk, a, b - a);
    g_string_truncate(tmp, 0);
    if (b - a >= 2 && *a == '"') {
        a++;
        b--;
    }
    for (; a < b; a++) {
        g_string_append_c(tmp, *a);
        if (*a == '"' && a + 1 < b && a[1] == '"')
            a++;
    }
    return g_string_chunk_insert_len(chunk, tmp->str, (gssize)tmp->len);
}

typedef struct {
    const char *rec, *cell;   /* the record (to its line end) and its raw enterprise_id cell */
    guint32 rec_len, cell_len;
    guint line;               /* 1-based register line of the record's start */
    guint seq;                /* register order */
    const char *id;           /* unquoted, in the register's string chunk */
} DxRegRow;

static int
reg_row_cmp(const void *pa, const void *pb)
{
    const DxRegRow *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);

    return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

typedef struct {
    const char *name, *date;
    const char *header;       /* the register's header record */
    gsize header_len;
    GArray *rows;             /* DxRegRow, register order, then sorted */
    GStringChunk *ids;
} DxRegister;

/* Splits the register into rows; FALSE on a header that is not a
 * register's or an empty id (the first such problem by line). */
static gboolean
reg_read(DxRegister *reg, const char *data, gsize len, guint *empty_line, GError **error)
{
    const char *p = data, *end = data + len, *a, *b, *next;
    g_autofree char *header = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(GString) tmp = g_string_new(NULL);
    gint eid = -1;
    guint line = 1;   /* a register of 4G lines is not read into memory anyway */

    *empty_line = 0;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    next = reg_record(p, end, 0, &a, &b);
    reg->header = p;
    reg->header_len = (gsize)(next - p);
    header = g_strndup(p, (gsize)(next - p));
    g_strchomp(header);
    names = g_strsplit(header, ",", -1);
    for (guint i = 0; names[i] != NULL; i++) {
        const char *n = g_strstrip(names[i]);

        if (strcmp(n, "policy") == 0 || strcmp(n, "app_id") == 0 || strcmp(n, "submitted_on") == 0) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:1:%u: a register has no %s column (one row per enterprise, matched against every policy)",
                        reg->name, i + 1, n);
            return FALSE;
        }
        if (strcmp(n, "enterprise_id") == 0)
            eid = (gint)i;
    }
    if (eid < 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:1:1: header: a register needs an enterprise_id column",
                    reg->name);
        return FALSE;
    }
    for (p = next; p < end; p = next) {
        DxRegRow row;

        line++;
        next = reg_record(p, end, (guint)eid, &a, &b);
        if (next - p == 1 || (next - p == 2 && *p == '\r'))
            continue;   /* a blank line, as the batch skips it */
        if (b == NULL)
            b = a = p;
        row.rec = p;
        row.rec_len = (guint32)(next - p);
        row.cell = a;
        row.cell_len = (guint32)(b - a);
        row.line = line;
        row.seq = reg->rows->len;
        row.id = reg_unquote(reg->ids, tmp, a, b);
        if (*row.id == '\0' && *empty_line == 0)
            *empty_line = line;
        g_array_append_val(reg->rows, row);
        for (const char *q = p; q < next - 1; q++)
            line += *q == '\n';
    }
    return TRUE;
}

/* The rows @rows[0..n) as the batch reads them: an app_id and the date in
 * front of each record. */
static void
reg_block_csv(const DxRegister *reg, const DxRegRow *rows, gsize n, GString *csv)
{
    gsize date_len = strlen(reg->date);

    g_string_truncate(csv, 0);
    g_string_append(csv, "app_id,submitted_on,");
    g_string_append_len(csv, reg->header, (gssize)reg->header_len);
    for (gsize i = 0; i < n; i++) {
        const DxRegRow *r = &rows[i];

        g_string_append_len(csv, r->cell, r->cell_len);
        g_string_append_c(csv, ',');
        g_string_append_len(csv, reg->date, (gssize)date_len);
        g_string_append_c(csv, ',');
        g_string_append_len(csv, r->rec, r->rec_len);
        if (r->rec_len == 0 || r->rec[r->rec_len - 1] != '\n')
            g_string_append_c(csv, '\n');
    }
}

typedef struct {
    const DxRegRow *rows;
    gsize n;
} DxRegBlock;

static int
reg_id_cmp(const void *key, const void *elt)
{
    return strcmp(key, ((const DxRegRow *)elt)->id);
}

/* One block's deciding, done on a thread of its own while the caller's
 * thread hands the previous block to the callback: writing the results
 * and deciding the next block overlap. */
typedef struct {
    DxRuleset *rs;
    const DxRegister *reg;
    DxRegBlock blk;
    guint threads;
    GString *csv;
    const DxDecision **cell;    /* blk.n x policies */
    DxDecisionList *list;       /* (owned) the block's decisions, NULL on error */
    GError *error;              /* the batch's */
} DxRegJob;

static gpointer
reg_job_run(gpointer data)
{
    DxRegJob *job = data;
    DxRuleset *rs = job->rs;
    DxRegBlock blk = job->blk;
    gsize n_pol = dx_ruleset_get_n_policies(rs), stride = MAX(n_pol, 1);
    const DxDecision **cell = job->cell;
    DxBatch *batch = dx_batch_new(rs);
    DxDecisionList *list;

    dx_batch_set_threads(batch, job->threads);
    reg_block_csv(job->reg, blk.rows, blk.n, job->csv);
    if (!dx_batch_add_csv_data(batch, job->csv->str, (gssize)job->csv->len, job->reg->name, NULL, &job->error)) {
        dx_batch_free(batch);
        return NULL;
    }
    list = dx_batch_decide(batch);
    memset(cell, 0, blk.n * stride * sizeof *cell);
    /* the decision of each enterprise x policy; an invalid row names no
     * policy and stands for every one. The block's ids are sorted, so a
     * decision's enterprise is found by bisection, no hash table. */
    for (gsize i = 0, e = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        const DxRegRow *r;

        /* decisions come in input order: try the last enterprise and the next first */
        if (e < blk.n && strcmp(blk.rows[e].id, d->app_id) == 0)
            r = &blk.rows[e];
        else if (e + 1 < blk.n && strcmp(blk.rows[e + 1].id, d->app_id) == 0)
            r = &blk.rows[e + 1];
        else
            r = bsearch(d->app_id, blk.rows, blk.n, sizeof *blk.rows, reg_id_cmp);
        if (r == NULL)
            continue;
        e = (gsize)(r - blk.rows);
        if (d->policy >= 0) {
            cell[e * stride + (gsize)d->policy] = d;
            continue;
        }
        for (gsize p = 0; p < n_pol; p++)
            if (*d->policy_text == '\0' || strcmp(dx_ruleset_get_policy_id(rs, p), d->policy_text) == 0)
                cell[e * stride + p] = d;
    }
    dx_batch_free(batch);
    job->list = list;
    return NULL;
}

/* The batch's error for the register read whole, in register order, as
 * the first version read it: a record it cannot read is named as it
 * always was, whichever block met it. */
static void
reg_whole_error(DxRuleset *rs, const DxRegister *reg, GArray *by_seq, GError **error)
{
    g_autoptr(GString) csv = g_string_new(NULL);
    g_autoptr(GError) local = NULL;
    DxBatch *batch = dx_batch_new(rs);

    reg_block_csv(reg, (const DxRegRow *)(void *)by_seq->data, by_seq->len, csv);
    if (!dx_batch_add_csv_data(batch, csv->str, (gssize)csv->len, reg->name, NULL, &local))
        g_propagate_error(error, g_steal_pointer(&local));
    dx_batch_free(batch);
}

gboolean
dx_register_match(DxRuleset *rs, const char *name, const char *data, gsize len, const char *date, guint threads,
                  DxRegisterFunc func, void *user_data, GError **error)
{
    DxRegister reg = { name, date, NULL, 0, g_array_new(FALSE, FALSE, sizeof(DxRegRow)), g_string_chunk_new(1 << 20) };
    DxRegJob jobs[2] = { { 0 }, { 0 } };
    GThread *running = NULL;
    DxRegRow *rows = NULL;
    gsize n, block, n_blocks, n_real = dx_ruleset_get_n_policies(rs), n_pol = MAX(n_real, 1);
    guint empty_line, dup_line = 0;
    const DxRegRow *dup = NULL;
    gboolean ok = FALSE;

    g_return_val_if_fail(threads >= 1 && threads <= 64, FALSE);
    if (!reg_read(&reg, data, len, &empty_line, error))
        goto out;
    rows = (DxRegRow *)(void *)reg.rows->data;
    n = reg.rows->len;
    /* enterprise_id order, whatever the register's; equal ids stay in
     * register order, so the later of each pair is the repeat */
    qsort(rows, n, sizeof *rows, reg_row_cmp);
    for (gsize i = 1; i < n; i++)
        if (*rows[i].id != '\0' && strcmp(rows[i].id, rows[i - 1].id) == 0 && (dup == NULL || rows[i].line < dup_line)) {
            dup = &rows[i];
            dup_line = rows[i].line;
        }
    /* the first problem by line, as reading row by row would meet it */
    if (empty_line != 0 && (dup == NULL || empty_line < dup_line)) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%u: enterprise_id is empty", name, empty_line);
        goto out;
    }
    if (dup != NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%u: enterprise_id %s is already on an earlier row",
                    name, dup_line, dup->id);
        goto out;
    }
    block = rs->has_deferred ? MAX(n, 1) : DX_REGISTER_BLOCK;
    n_blocks = n == 0 ? 1 : (n + block - 1) / block;
    for (guint j = 0; j < 2; j++) {
        jobs[j].rs = rs;
        jobs[j].reg = &reg;
        jobs[j].threads = threads;
        jobs[j].csv = g_string_new(NULL);
        jobs[j].cell = g_new(const DxDecision *, MIN(block, MAX(n, 1)) * n_pol);
    }
    for (gsize k = 0; k < n_blocks; k++) {
        DxRegJob *job = &jobs[k % 2], *next = &jobs[(k + 1) % 2];

        if (k == 0) {
            job->blk = (DxRegBlock){ rows, MIN(block, n) };
            running = g_thread_new("dx-register", reg_job_run, job);
        }
        g_thread_join(running);
        running = NULL;
        if (job->list == NULL) {
            /* the batch's own error: named as for the whole register */
            GArray *by_seq = g_array_sized_new(FALSE, FALSE, sizeof(DxRegRow), (guint)n);
            GError *whole = NULL;

            g_array_set_size(by_seq, (guint)n);
            for (gsize i = 0; i < n; i++)
                g_array_index(by_seq, DxRegRow, rows[i].seq) = rows[i];
            reg_whole_error(rs, &reg, by_seq, &whole);
            g_array_unref(by_seq);
            if (whole != NULL) {
                g_clear_error(&job->error);
                job->error = whole;
            }
            g_propagate_error(error, g_steal_pointer(&job->error));
            goto out;
        }
        if (k + 1 < n_blocks) {
            gsize i = (k + 1) * block;

            next->blk = (DxRegBlock){ rows + i, MIN(block, n - i) };
            running = g_thread_new("dx-register", reg_job_run, next);
        }
        for (gsize e = 0; e < job->blk.n; e++)
            if (!func(job->blk.rows[e].id, &job->cell[e * n_pol], n_real, user_data, error))
                goto out;
        dx_decision_list_unref(job->list);
        job->list = NULL;
    }
    ok = TRUE;
out:
    if (running != NULL)
        g_thread_join(running);
    for (guint j = 0; j < 2; j++) {
        if (jobs[j].list != NULL)
            dx_decision_list_unref(jobs[j].list);
        g_clear_error(&jobs[j].error);
        if (jobs[j].csv != NULL)
            g_string_free(jobs[j].csv, TRUE);
        g_free(jobs[j].cell);
    }
    g_array_unref(reg.rows);
    g_string_chunk_free(reg.ids);
    return ok;
}

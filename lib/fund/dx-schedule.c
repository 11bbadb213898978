/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Step 10 (docs/rules.md §5.2, §6): a grant split into installments. Every
 * installment but the last is floor(granted × share) (or min(amount, what
 * is left)); the last takes what remains, so the lines sum to the grant to
 * the fen. A line of 0 fen is not written; the others keep their numbers.
 * Dates: `at: approval` is the approval date; `after: N months` adds
 * months with the day clamped to the month's end; `at: YYYY-MM-DD` is that
 * date, or the approval date if it is earlier (nothing is paid before it is
 * approved). Lines dated after fund.period.to are `future`.
 */
#include "duixian/duixian.h"
#include "fund/dx-round-private.h"
#include "base/dx-out-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gint32
schedule_day(const DxInstallment *ins, gint32 approval_day)
{
    switch (ins->timing) {
    case DX_TIMING_DATE:
        return MAX(ins->date, approval_day);
    case DX_TIMING_AFTER_MONTHS:
        return dx_date_add_months(approval_day, ins->months);
    case DX_TIMING_APPROVAL:
        break;
    }
    return approval_day;
}

guint
dx_schedule_split(const DxRuleset *rs, const DxDecision *d, gint32 approval_day, DxScheduleLine *out)
{
    const DxPolicy *pol = &rs->policies[d->policy];
    int64_t left = d->granted_fen;
    guint n = 0;

    for (guint i = 0; i < pol->n_installments; i++) {
        const DxInstallment *ins = &pol->installments[i];
        int64_t amount;

        if (i + 1 == pol->n_installments) {
            amount = left;
        } else if (pol->installments_by_share) {
            DxRat part;

            dx_rat_mul(dx_rat_int(d->granted_fen), ins->share, &part);
            amount = MIN((int64_t)dx_rat_floor(part), left);
        } else {
            amount = MIN(ins->amount_fen, left);
        }
        left -= amount;
        if (amount == 0)
            continue;
        memset(&out[n], 0, sizeof out[n]);
        out[n].decision = d;
        out[n].installment = i + 1;
        out[n].of = pol->n_installments;
        out[n].amount_fen = amount;
        out[n].day = schedule_day(ins, approval_day);
        out[n].future = out[n].day > rs->period_to;
        n++;
    }
    return n;
}

void
dx_schedule_describe(const DxRuleset *rs, const DxDecision *d, gint32 approval_day, GString *out)
{
    DxScheduleLine lines[64];
    g_autofree DxScheduleLine *heap = NULL;
    DxScheduleLine *l = lines;
    guint n;

    g_string_truncate(out, 0);
    if (d->granted_fen <= 0 || d->policy < 0)
        return;
    if (rs->policies[d->policy].n_installments > G_N_ELEMENTS(lines))
        l = heap = g_new(DxScheduleLine, rs->policies[d->policy].n_installments);
    n = dx_schedule_split(rs, d, approval_day, l);
    for (guint i = 0; i < n; i++) {
        char date[16];

        /* "1/2 2022-06-30 5000000", without printf: this runs once per grant */
        dx_date_format(l[i].day, date);
        if (i > 0)
            g_string_append_c(out, ';');
        dx_out_int(out, l[i].installment);
        g_string_append_c(out, '/');
        dx_out_int(out, l[i].of);
        g_string_append_c(out, ' ');
        g_string_append(out, date);
        g_string_append_c(out, ' ');
        dx_out_int(out, l[i].amount_fen);
    }
}

static const DxRuleset *schedule_rs;

/* schedule.csv order (docs/rules.md §8): date, bureau, app_id, installment, policy_id */
static int
cmp_lines(const void *pa, const void *pb)
{
    const DxScheduleLine *a = pa, *b = pb;
    int c;

    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->bureau_rank != b->bureau_rank)
        return a->bureau_rank < b->bureau_rank ? -1 : 1;
    c = strcmp(a->decision->app_id, b->decision->app_id);
    if (c != 0)
        return c;
    if (a->installment != b->installment)
        return a->installment < b->installment ? -1 : 1;
    return strcmp(schedule_rs->policies[a->decision->policy].id, schedule_rs->policies[b->decision->policy].id);
}

static int
cmp_bureau_keys(const void *pa, const void *pb)
{
    return strcmp(schedule_rs->bureaus[*(const guint *)pa].key, schedule_rs->bureaus[*(const guint *)pb].key);
}

typedef struct {
    gint32 day;
    guint16 bureau_rank;
} DxBucketKey;

static int
cmp_bucket_keys(const void *pa, const void *pb)
{
    const DxBucketKey *a = pa, *b = pb;

    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return (a->bureau_rank > b->bureau_rank) - (a->bureau_rank < b->bureau_rank);
}

/* The lines come out of decisions sorted by (app_id, policy id), so within
 * one (date, bureau) they are already in app_id order except that one
 * application's installments of several policies interleave. So: a stable
 * counting sort into (date, bureau) buckets — there are few — then the full
 * comparison only inside runs of one app_id. Linear, not n log n. */
/* Calls @fn for every installment line of every granted decision, in
 * decision order; lines are made in a small buffer, never all at once. */
static void
schedule_each_line(const DxDecisionList *list, gint32 approval_day, const guint *rank_of_bureau,
                   void (*fn)(DxScheduleLine *l, gpointer user_data), gpointer user_data)
{
    const DxRuleset *rs = list->rs;
    guint max = 1;
    g_autofree DxScheduleLine *buf = NULL;

    for (guint p = 0; p < rs->n_policies; p++)
        max = MAX(max, rs->policies[p].n_installments);
    buf = g_new(DxScheduleLine, max);
    for (guint k = 0; k < list->decisions->len; k++) {
        const DxDecision *d = &g_array_index(list->decisions, DxDecision, k);
        guint n;

        if (d->granted_fen <= 0)
            continue;
        n = dx_schedule_split(rs, d, approval_day, buf);
        for (guint i = 0; i < n; i++) {
            buf[i].bureau_rank = (guint16)rank_of_bureau[rs->policies[d->policy].bureau];
            fn(&buf[i], user_data);
        }
    }
}

typedef struct {
    GHashTable *key_index;      /* (day, bureau rank) -> bucket + 1 */
    GArray *keys;               /* DxBucketKey by bucket */
    GArray *count;              /* guint by bucket */
    guint *next;                /* pass 2: next slot by bucket */
    guint *rank;                /* bucket -> place in (date, bureau) order */
    const char **date, **batch; /* by place */
    GArray *sorted;
} DxScheduleBuild;

static guint
schedule_bucket(DxScheduleBuild *b, const DxScheduleLine *l)
{
    gint64 id = (gint64)l->day * 65536 + l->bureau_rank;
    gpointer v = g_hash_table_lookup(b->key_index, &id);

    if (v == NULL) {
        DxBucketKey bk = { l->day, l->bureau_rank };
        gint64 *key = g_new(gint64, 1);
        guint zero = 0;

        *key = id;
        g_array_append_val(b->keys, bk);
        g_array_append_val(b->count, zero);
        v = GUINT_TO_POINTER(b->keys->len);
        g_hash_table_insert(b->key_index, key, v);
    }
    return GPOINTER_TO_UINT(v) - 1;
}

static void
schedule_count(DxScheduleLine *l, gpointer user_data)
{
    DxScheduleBuild *b = user_data;
    guint bucket = schedule_bucket(b, l);   /* first: it may grow b->count */

    g_array_index(b->count, guint, bucket)++;
}

static void
schedule_scatter(DxScheduleLine *l, gpointer user_data)
{
    DxScheduleBuild *b = user_data;
    guint r = b->rank[schedule_bucket(b, l)];
    DxScheduleLine *out = &g_array_index(b->sorted, DxScheduleLine, b->next[r]++);

    *out = *l;
    out->date = b->date[r];
    out->batch_id = b->batch[r];
}

/* The lines come out of decisions sorted by (app_id, policy id), so within
 * one (date, bureau) they are already in app_id order except that one
 * application's installments of several policies may interleave. So: a
 * stable counting sort into (date, bureau) buckets — there are few — in two
 * passes (count, then place), and the full comparison only inside runs of
 * one app_id. Linear, and only the final array is ever held. */
GArray *
dx_schedule_build(const DxDecisionList *list, gint32 approval_day, GStringChunk *strings)
{
    const DxRuleset *rs = list->rs;
    g_autofree guint *rank_of_bureau = g_new(guint, rs->n_bureaus);
    g_autofree guint *by_key = g_new(guint, rs->n_bureaus);
    DxScheduleBuild b = { 0 };
    guint n_lines = 0, n_buckets;
    g_autofree DxBucketKey *sorted_keys = NULL;

    schedule_rs = rs;
    for (guint i = 0; i < rs->n_bureaus; i++)
        by_key[i] = i;
    qsort(by_key, rs->n_bureaus, sizeof(guint), cmp_bureau_keys);
    for (guint r = 0; r < rs->n_bureaus; r++)
        rank_of_bureau[by_key[r]] = r;

    b.key_index = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    b.keys = g_array_new(FALSE, FALSE, sizeof(DxBucketKey));
    b.count = g_array_new(FALSE, FALSE, sizeof(guint));
    schedule_each_line(list, approval_day, rank_of_bureau, schedule_count, &b);

    n_buckets = b.keys->len;
    b.rank = g_new(guint, n_buckets + 1);
    b.next = g_new(guint, n_buckets + 1);
    b.date = g_new(const char *, n_buckets + 1);
    b.batch = g_new(const char *, n_buckets + 1);
    sorted_keys = g_memdup2(b.keys->data, n_buckets * sizeof(DxBucketKey));
    if (n_buckets > 0)
        qsort(sorted_keys, n_buckets, sizeof(DxBucketKey), cmp_bucket_keys);
    for (guint r = 0; r < n_buckets; r++) {
        const DxBucketKey *bk = &sorted_keys[r];
        gint64 id = (gint64)bk->day * 65536 + bk->bureau_rank;
        guint bucket = GPOINTER_TO_UINT(g_hash_table_lookup(b.key_index, &id)) - 1;
        char date[16], batch[256];

        b.rank[bucket] = r;
        dx_date_format(bk->day, date);
        g_snprintf(batch, sizeof batch, "%.4s%.2s%.2s-%s", date, date + 5, date + 8,
                   rs->bureaus[by_key[bk->bureau_rank]].key);
        b.date[r] = g_string_chunk_insert(strings, date);
        b.batch[r] = g_string_chunk_insert(strings, batch);
    }
    for (guint bucket = 0; bucket < n_buckets; bucket++)
        n_lines += g_array_index(b.count, guint, bucket);
    {
        guint offset = 0;

        for (guint r = 0; r < n_buckets; r++) {
            guint bucket = 0;

            while (b.rank[bucket] != r)
                bucket++;
            b.next[r] = offset;
            offset += g_array_index(b.count, guint, bucket);
        }
    }
    b.sorted = g_array_sized_new(FALSE, FALSE, sizeof(DxScheduleLine), MAX(n_lines, 1));
    g_array_set_size(b.sorted, n_lines);
    schedule_each_line(list, approval_day, rank_of_bureau, schedule_scatter, &b);

    /* runs of one app_id inside a bucket: the full order */
    for (guint i = 0; i < b.sorted->len;) {
        guint j = i + 1;
        const DxScheduleLine *a = &g_array_index(b.sorted, DxScheduleLine, i);

        while (j < b.sorted->len) {
            const DxScheduleLine *c = &g_array_index(b.sorted, DxScheduleLine, j);

            if (c->day != a->day || c->bureau_rank != a->bureau_rank ||
                strcmp(c->decision->app_id, a->decision->app_id) != 0)
                break;
            j++;
        }
        if (j - i > 1)
            qsort(&g_array_index(b.sorted, DxScheduleLine, i), j - i, sizeof(DxScheduleLine), cmp_lines);
        i = j;
    }
    g_hash_table_unref(b.key_index);
    g_array_unref(b.keys);
    g_array_unref(b.count);
    g_free(b.rank);
    g_free(b.next);
    g_free(b.date);
    g_free(b.batch);
    return b.sorted;
}

#define DX_SCHEDULE_CSV_HEADER "batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future\n"

static void
schedule_append_row(GString *out, const DxScheduleLine *l)
{
    const DxDecision *d = l->decision;

    dx_out_cell(out, l->batch_id);
    g_string_append_c(out, ',');
    g_string_append(out, l->date);
    g_string_append_c(out, ',');
    dx_out_cell(out, dx_decision_get_bureau(d));
    g_string_append_c(out, ',');
    dx_out_cell(out, d->enterprise_id);
    g_string_append_c(out, ',');
    dx_out_cell(out, d->app_id);
    g_string_append_c(out, ',');
    dx_out_cell(out, dx_decision_get_policy_id(d));
    g_string_append_c(out, ',');
    dx_out_int(out, l->installment);
    g_string_append_c(out, ',');
    dx_out_int(out, l->of);
    g_string_append_c(out, ',');
    dx_out_int(out, l->amount_fen);   /* installments are never negative */
    g_string_append(out, l->future ? ",true\n" : ",false\n");
}

char *
dx_schedule_to_csv(const GArray *lines)
{
    GString *out = g_string_new(DX_SCHEDULE_CSV_HEADER);

    for (guint i = 0; i < lines->len; i++)
        schedule_append_row(out, &g_array_index(lines, DxScheduleLine, i));
    return g_string_free(out, FALSE);
}

gboolean
dx_schedule_write_csv(const GArray *lines, const char *path, GError **error)
{
    DxOutFile o;

    if (!dx_out_open(&o, path, DX_SCHEDULE_CSV_HEADER, error))
        return FALSE;
    for (guint i = 0; i < lines->len; i++) {
        schedule_append_row(o.buf, &g_array_index(lines, DxScheduleLine, i));
        dx_out_flush(&o, FALSE);
    }
    return dx_out_close(&o, TRUE, error);
}

const char *dx_schedule_line_get_batch_id(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return l->batch_id; }
const char *dx_schedule_line_get_date(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return l->date; }
const char *dx_schedule_line_get_bureau(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return dx_decision_get_bureau(l->decision); }
const char *dx_schedule_line_get_enterprise_id(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return l->decision->enterprise_id; }
const char *dx_schedule_line_get_app_id(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return l->decision->app_id; }
const char *dx_schedule_line_get_policy_id(const DxScheduleLine *l) { g_return_val_if_fail(l, NULL); return dx_decision_get_policy_id(l->decision); }
guint dx_schedule_line_get_installment(const DxScheduleLine *l) { g_return_val_if_fail(l, 0); return l->installment; }
guint dx_schedule_line_get_of(const DxScheduleLine *l) { g_return_val_if_fail(l, 0); return l->of; }
int64_t dx_schedule_line_get_amount_fen(const DxScheduleLine *l) { g_return_val_if_fail(l, 0); return l->amount_fen; }
gboolean dx_schedule_line_get_future(const DxScheduleLine *l) { g_return_val_if_fail(l, FALSE); return l->future; }

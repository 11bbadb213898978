/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Step 10 (spec §5.2, §6): a grant split into installments. Every
 * installment but the last is floor(granted × share) (or min(amount, what
 * is left)); the last takes what remains, so the lines sum to the grant to
 * the fen. A line of 0 fen is not written; the others keep their numbers.
 * Dates: `at: approval` is the approval date; `after: N months` adds
 * months with the day clamped to the month's end; `at: YYYY-MM-DD` is that
 * date, or the approval date if it is earlier (nothing is paid before it is
 * approved). Lines dated after fund.period.to are `future`.
 */
#include "duixian/duixian.h"
#include "dx-round-private.h"

#include <stdlib.h>
#include <string.h>

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
        dx_date_format(out[n].day, out[n].date);
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
    for (guint i = 0; i < n; i++)
        g_string_append_printf(out, "%s%u/%u %s %" G_GINT64_FORMAT, i > 0 ? ";" : "", l[i].installment, l[i].of,
                               l[i].date, l[i].amount_fen);
}

static const DxRuleset *schedule_rs;

static const char *
line_bureau(const DxScheduleLine *l)
{
    return schedule_rs->bureaus[schedule_rs->policies[l->decision->policy].bureau].key;
}

/* schedule.csv order (spec §8): date, bureau, app_id, installment, policy_id */
static int
cmp_lines(const void *pa, const void *pb)
{
    const DxScheduleLine *a = pa, *b = pb;
    int c;

    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    c = strcmp(line_bureau(a), line_bureau(b));
    if (c != 0)
        return c;
    c = strcmp(a->decision->app_id, b->decision->app_id);
    if (c != 0)
        return c;
    if (a->installment != b->installment)
        return a->installment < b->installment ? -1 : 1;
    return strcmp(schedule_rs->policies[a->decision->policy].id, schedule_rs->policies[b->decision->policy].id);
}

GArray *
dx_schedule_build(const DxDecisionList *list, gint32 approval_day, GStringChunk *strings)
{
    const DxRuleset *rs = list->rs;
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(DxScheduleLine));
    g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
    char id[256];

    for (guint k = 0; k < list->decisions->len; k++) {
        const DxDecision *d = &g_array_index(list->decisions, DxDecision, k);
        guint first = lines->len, n;

        if (d->granted_fen <= 0)
            continue;
        g_array_set_size(lines, first + rs->policies[d->policy].n_installments);
        n = dx_schedule_split(rs, d, approval_day, &g_array_index(lines, DxScheduleLine, first));
        g_array_set_size(lines, first + n);
        for (guint i = first; i < lines->len; i++) {
            DxScheduleLine *l = &g_array_index(lines, DxScheduleLine, i);
            const char *bureau = rs->bureaus[rs->policies[d->policy].bureau].key;

            /* batch ids repeat a lot: intern them */
            g_snprintf(id, sizeof id, "%.4s%.2s%.2s-%s", l->date, l->date + 5, l->date + 8, bureau);
            l->batch_id = g_hash_table_lookup(ids, id);
            if (l->batch_id == NULL) {
                l->batch_id = g_string_chunk_insert(strings, id);
                g_hash_table_insert(ids, (gpointer)l->batch_id, (gpointer)l->batch_id);
            }
        }
    }
    schedule_rs = rs;
    qsort(lines->data, lines->len, sizeof(DxScheduleLine), cmp_lines);
    return lines;
}

static void
csv_cell(GString *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

char *
dx_schedule_to_csv(const GArray *lines)
{
    GString *out = g_string_new("batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future\n");

    for (guint i = 0; i < lines->len; i++) {
        const DxScheduleLine *l = &g_array_index(lines, DxScheduleLine, i);
        const DxDecision *d = l->decision;

        csv_cell(out, l->batch_id);
        g_string_append_printf(out, ",%s,", l->date);
        csv_cell(out, dx_decision_get_bureau(d));
        g_string_append_c(out, ',');
        csv_cell(out, d->enterprise_id);
        g_string_append_c(out, ',');
        csv_cell(out, d->app_id);
        g_string_append_c(out, ',');
        csv_cell(out, dx_decision_get_policy_id(d));
        g_string_append_printf(out, ",%u,%u,%" G_GINT64_FORMAT ",%s\n", l->installment, l->of, l->amount_fen,
                               l->future ? "true" : "false");
    }
    return g_string_free(out, FALSE);
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

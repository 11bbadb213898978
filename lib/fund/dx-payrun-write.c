/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The files of a payment run (dx_payrun_write(), docs/rules.md §13):
 * payments.csv and payments.json as §13 has them, payments-explained.csv
 * (the sentence of each line held or forfeited) and the treasury's
 * payment files, one per batch. Deciding is dx-payrun.c's.
 */
#include "duixian/duixian.h"
#include "fund/dx-payrun-private.h"
#include "base/dx-num-private.h"
#include "base/dx-out-private.h"

#include <string.h>

/* payments-explained.csv: the sentence of every line held or forfeited,
 * in payments.csv's order, for the people who answer the enterprise. */
static gboolean
payrun_write_explained(const DxPayrun *self, const char *dir, GError **error)
{
    g_autofree char *path = g_build_filename(dir, "payments-explained.csv", NULL);
    static const char *const status[] = { "held", "paid", "forfeited" };
    DxOutFile o;

    if (!dx_out_open(&o, path, "app_id,enterprise_id,policy_id,installment,of,status,explanation\n", error))
        return FALSE;
    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);

        if (p->kind == DX_SETTLE_PAID)
            continue;
        dx_out_cell(o.buf, p->line->app_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, p->line->enterprise_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, p->line->policy_id);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, p->line->installment);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, p->line->of);
        g_string_append_c(o.buf, ',');
        g_string_append(o.buf, status[p->kind]);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, p->text);
        g_string_append_c(o.buf, '\n');
        dx_out_flush(&o, FALSE);
    }
    return dx_out_close(&o, TRUE, error);
}

#define PAYMENTS_CSV_HEADER "batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,status,reasons\n"

/* The treasury's payment files (国库集中支付): treasury-BATCH.csv per batch_id of the
 * lines paid, in payments.csv's order, with what a payment order needs:
 * the enterprise (its name from the checks row when given), the amount in
 * 元 and in fen, the policy and its basis. */
#define TREASURY_CSV_HEADER \
    "batch_id,date,bureau,enterprise_id,enterprise_name,app_id,policy_id,policy_name,basis,installment,of," \
    "amount_yuan,amount_fen\n"

static void
append_yuan(GString *out, int64_t fen)
{
    /* exact: whole 元, then two digits of fen (amounts are never negative here) */
    dx_out_int(out, fen / 100);
    g_string_append_c(out, '.');
    g_string_append_c(out, (char)('0' + fen % 100 / 10));
    g_string_append_c(out, (char)('0' + fen % 10));
}

static gboolean
payrun_write_treasury(const DxPayrun *self, const char *dir, GError **error)
{
    char batch[64] = "", date[16] = "";
    DxOutFile o = { 0 };
    gboolean open = FALSE;
    const DxLedgerLine *prev = NULL;
    const DxPolicy *pol = NULL;
    gboolean names = self->checks != NULL && dx_checks_has_slot(self->checks, DX_SLOT_ENTERPRISE_NAME);

    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);
        const DxLedgerLine *l = p->line;
        DxChecksRow row;

        if (p->kind != DX_SETTLE_PAID)
            continue;
        /* the line's strings are interned: one pointer per policy id */
        if (pol == NULL || prev == NULL || l->policy_id != prev->policy_id)
            pol = dx_payrun_policy(self->rs, l->policy_id);
        if (!open || l->day != prev->day || l->bureau != prev->bureau) {
            g_autofree char *name = NULL, *path = NULL;
            char id[64];

            dx_date_format(l->day, date);
            g_snprintf(id, sizeof id, "%.4s%.2s%.2s-%s", date, date + 5, date + 8, l->bureau);
            /* schedule order is by date, then bureau: a batch's lines are together */
            if (open && !dx_out_close(&o, TRUE, error))
                return FALSE;
            g_strlcpy(batch, id, sizeof batch);
            /* beside the other files, not in a directory of their own:
             * a command's outputs are staged and renamed one by one */
            name = g_strconcat("treasury-", batch, ".csv", NULL);
            path = g_build_filename(dir, name, NULL);
            if (!dx_out_open(&o, path, TREASURY_CSV_HEADER, error))
                return FALSE;
            open = TRUE;
        }
        prev = l;
        dx_out_cell(o.buf, batch);
        g_string_append_c(o.buf, ',');
        g_string_append(o.buf, date);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->bureau);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->enterprise_id);
        g_string_append_c(o.buf, ',');
        if (names && dx_checks_lookup(self->checks, l->enterprise_id, &row) && row.present[DX_SLOT_ENTERPRISE_NAME])
            dx_out_cell_len(o.buf, row.slots[DX_SLOT_ENTERPRISE_NAME].u.t.s, row.slots[DX_SLOT_ENTERPRISE_NAME].u.t.len);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->app_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->policy_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, pol != NULL ? pol->name : "");
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, pol != NULL ? pol->basis : "");
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->installment);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->of);
        g_string_append_c(o.buf, ',');
        append_yuan(o.buf, l->amount_fen);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->amount_fen);
        g_string_append_c(o.buf, '\n');
        dx_out_flush(&o, FALSE);
    }
    return !open || dx_out_close(&o, TRUE, error);
}

gboolean
dx_payrun_write(DxPayrun *self, const char *dir, GError **error)
{
    g_autofree char *csv_path = NULL, *json_path = NULL;
    DxOutFile o;
    static const char *const status[] = { "held", "paid", "forfeited" };

    g_return_val_if_fail(self != NULL && self->ran && dir != NULL, FALSE);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be created", dir);
        return FALSE;
    }
    csv_path = g_build_filename(dir, "payments.csv", NULL);
    json_path = g_build_filename(dir, "payments.json", NULL);
    if (!dx_out_open(&o, csv_path, PAYMENTS_CSV_HEADER, error))
        return FALSE;
    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);
        const DxLedgerLine *l = p->line;
        char date[16];

        dx_date_format(l->day, date);
        /* batch_id as schedule.csv writes it: YYYYMMDD-bureau */
        g_string_append_len(o.buf, date, 4);
        g_string_append_len(o.buf, date + 5, 2);
        g_string_append_len(o.buf, date + 8, 2);
        g_string_append_c(o.buf, '-');
        dx_out_cell(o.buf, l->bureau);
        g_string_append_c(o.buf, ',');
        g_string_append(o.buf, date);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->bureau);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->enterprise_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->app_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, l->policy_id);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->installment);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->of);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, l->amount_fen);
        g_string_append_c(o.buf, ',');
        g_string_append(o.buf, status[p->kind]);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, p->reasons);
        g_string_append_c(o.buf, '\n');
        dx_out_flush(&o, FALSE);
    }
    if (!dx_out_close(&o, TRUE, error))
        return FALSE;
    if (!dx_out_open(&o, json_path, self->json, error))
        return FALSE;
    if (!dx_out_close(&o, TRUE, error))
        return FALSE;
    return payrun_write_explained(self, dir, error) && payrun_write_treasury(self, dir, error);
}


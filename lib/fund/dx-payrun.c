/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxPayrun (dx-payrun.h): the lines due by D, decided and committed as one
 * payment run (docs/rules.md §13). The ledger keeps the lines and the
 * runs (lib/ledger/dx-ledger-lines.c); this file decides and writes
 * payments.csv and payments.json.
 */
#include "duixian/duixian.h"
#include "ledger/dx-ledger-lines-private.h"
#include "rules/dx-ruleset-private.h"
#include "base/dx-num-private.h"
#include "base/dx-out-private.h"
#include "base/dx-json-private.h"

#include <string.h>

typedef struct {
    const DxLedgerLine *line;
    DxSettleKind kind;
    const char *reasons;
} PayLine;

struct _DxPayrun {
    DxRuleset *rs;
    DxLedger *ledger;
    char *through;
    gint32 day;
    DxLedgerLines lines;
    GArray *out;          /* PayLine, schedule order */
    int64_t paid_fen;
    size_t n_paid;
    gint64 id;
    gboolean ran;
    gboolean pending;     /* decided and appended in the open transaction, not yet committed */
    char *json;           /* payments.json, made once when decided: the ledger keeps it too */
};

DxPayrun *
dx_payrun_new(DxRuleset *rules, DxLedger *ledger, const char *through, GError **error)
{
    DxPayrun *self;
    gint32 day = 0;

    g_return_val_if_fail(rules != NULL && ledger != NULL && through != NULL, NULL);
    if (strlen(through) != 10 || !dx_date_parse(through, 10, &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "payment run: “%s” is not a date (write YYYY-MM-DD)",
                    through);
        return NULL;
    }
    self = g_new0(DxPayrun, 1);
    self->rs = dx_ruleset_ref(rules);
    self->ledger = ledger;
    self->through = g_strdup(through);
    self->day = day;
    dx_ledger_lines_init(&self->lines);
    self->out = g_array_new(FALSE, FALSE, sizeof(PayLine));
    return self;
}

void
dx_payrun_free(DxPayrun *self)
{
    if (self == NULL)
        return;
    if (self->pending)
        dx_ledger_abort_payrun(self->ledger);   /* decided, never committed: the ledger as it was */
    dx_ruleset_unref(self->rs);
    dx_ledger_lines_clear(&self->lines);
    g_array_unref(self->out);
    g_free(self->through);
    g_free(self->json);
    g_free(self);
}

/* schedule.csv's order (§8): date, bureau, app_id, installment, policy_id */
static int
payline_cmp(gconstpointer pa, gconstpointer pb)
{
    const DxLedgerLine *a = ((const PayLine *)pa)->line, *b = ((const PayLine *)pb)->line;
    int c;

    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if ((c = strcmp(a->bureau, b->bureau)) != 0)
        return c;
    if ((c = strcmp(a->app_id, b->app_id)) != 0)
        return c;
    if (a->installment != b->installment)
        return a->installment < b->installment ? -1 : 1;
    return strcmp(a->policy_id, b->policy_id);
}

static char *payrun_json(const DxPayrun *self);

static const DxPolicy *
payrun_policy(const DxRuleset *rs, const char *id)
{
    for (guint i = 0; i < rs->n_policies; i++) {
        if (strcmp(rs->policies[i].id, id) == 0)
            return &rs->policies[i];
    }
    return NULL;
}

/* Every due line, paid: a policy of this release has no `requires`. */
static gboolean
payrun_decide(DxPayrun *self, GError **error)
{
    for (guint i = 0; i < self->lines.lines->len; i++) {
        const DxLedgerLine *l = &g_array_index(self->lines.lines, DxLedgerLine, i);
        const DxPolicy *pol;
        PayLine p = { l, DX_SETTLE_PAID, "" };

        if (l->state != DX_LINE_SCHEDULED || l->day > self->day)
            continue;
        pol = payrun_policy(self->rs, l->policy_id);
        if (pol == NULL || pol->n_installments != l->of) {
            g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                        "%s: payment run: installment %u/%u of %s (%s): %s", self->rs->source_name, l->installment,
                        l->of, l->app_id, l->policy_id,
                        pol == NULL ? "the rules have no such policy"
                                    : "the policy no longer has that many installments in the rules");
            return FALSE;
        }
        g_array_append_val(self->out, p);
        self->paid_fen += l->amount_fen;
        self->n_paid++;
    }
    g_array_sort(self->out, payline_cmp);
    self->json = payrun_json(self);
    return TRUE;
}

static gboolean
payrun_fund_known(DxPayrun *self, GError **error)
{
    size_t n = dx_ledger_get_n_rounds(self->ledger);

    for (size_t i = 0; i < n; i++) {
        g_autofree char *fund = dx_ledger_dup_round_field(self->ledger, i, "fund_id");

        if (g_strcmp0(fund, self->rs->fund_id) == 0)
            return TRUE;
    }
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "payment run: the ledger holds no round of fund %s",
                self->rs->fund_id);
    return FALSE;
}

gboolean
dx_payrun_decide(DxPayrun *self, gboolean dry_run, GError **error)
{
    g_autofree DxLedgerSettle *settles = NULL;
    DxLedgerPayrunInfo info;

    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    if (!payrun_fund_known(self, error))
        return FALSE;
    if (dry_run) {
        if (!dx_ledger_read_lines(self->ledger, self->rs->fund_id, &self->lines, error) || !payrun_decide(self, error))
            return FALSE;
        self->ran = TRUE;
        return TRUE;
    }
    /* read and commit under one write lock: no other run settles a line between */
    if (!dx_ledger_begin_payrun(self->ledger, error))
        return FALSE;
    if (!dx_ledger_read_lines(self->ledger, self->rs->fund_id, &self->lines, error) || !payrun_decide(self, error)) {
        dx_ledger_abort_payrun(self->ledger);
        return FALSE;
    }
    settles = g_new0(DxLedgerSettle, MAX(self->out->len, 1));
    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);

        settles[i] = (DxLedgerSettle){ p->line->ref_seq, p->line->ref_index, p->line->installment, p->kind,
                                       p->line->amount_fen, p->line->enterprise_id, p->line->envelope, p->reasons };
    }
    info = (DxLedgerPayrunInfo){ self->rs->fund_id, self->through, self->rs->sha256, "", self->json };
    if (!dx_ledger_append_payrun(self->ledger, &self->lines, &info, settles, self->out->len, &self->id, error))
        return FALSE;
    self->ran = TRUE;
    self->pending = TRUE;
    return TRUE;
}

gboolean
dx_payrun_commit(DxPayrun *self, GError **error)
{
    g_return_val_if_fail(self != NULL && self->ran, FALSE);
    if (!self->pending)
        return TRUE;
    self->pending = FALSE;
    if (!dx_ledger_finish_payrun(self->ledger, error)) {
        self->id = 0;
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_payrun_run(DxPayrun *self, gboolean dry_run, GError **error)
{
    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    return dx_payrun_decide(self, dry_run, error) && dx_payrun_commit(self, error);
}

/* payments.json (§13): totals per envelope, every envelope of the fund
 * with zeros included; keys sorted. */
static char *
payrun_json(const DxPayrun *self)
{
    GString *j = g_string_new("{\n  \"bureaus\": {");
    g_autofree guint *order = g_new(guint, MAX(self->rs->n_envelopes, 1));

    for (guint e = 0; e < self->rs->n_envelopes; e++)
        order[e] = e;
    for (guint a = 1; a < self->rs->n_envelopes; a++) {   /* by key; envelopes are few */
        for (guint b = a; b > 0 && strcmp(self->rs->envelopes[order[b - 1]].key, self->rs->envelopes[order[b]].key) > 0; b--) {
            guint t = order[b];

            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    }
    for (guint k = 0; k < self->rs->n_envelopes; k++) {
        const char *key = self->rs->envelopes[order[k]].key;
        int64_t paid = 0;
        size_t n = 0;

        for (guint i = 0; i < self->out->len; i++) {
            const PayLine *p = &g_array_index(self->out, PayLine, i);

            if (p->kind == DX_SETTLE_PAID && strcmp(p->line->envelope, key) == 0) {
                paid += p->line->amount_fen;
                n++;
            }
        }
        g_string_append(j, k > 0 ? ",\n    " : "\n    ");
        dx_json_append_string(j, key);
        g_string_append_printf(j, ": {\"forfeited_fen\": 0, \"forfeited_lines\": 0, \"held_fen\": 0, \"held_lines\": 0,"
                                  " \"paid_fen\": %" G_GINT64_FORMAT ", \"paid_lines\": %zu}",
                               paid, n);
    }
    g_string_append(j, "\n  },\n  \"forfeited_fen\": 0,\n  \"format\": \"duixian/2\",\n  \"fund\": ");
    dx_json_append_string(j, self->rs->fund_id);
    g_string_append_printf(j, ",\n  \"held_fen\": 0,\n  \"paid_fen\": %" G_GINT64_FORMAT ",\n  \"through\": \"%s\"\n}\n",
                           self->paid_fen, self->through);
    return g_string_free(j, FALSE);
}

#define PAYMENTS_CSV_HEADER "batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,status,reasons\n"

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
    return dx_out_close(&o, TRUE, error);
}

int64_t
dx_payrun_get_paid_fen(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->paid_fen;
}

size_t
dx_payrun_get_n_paid(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->n_paid;
}

int64_t
dx_payrun_get_id(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->id;
}

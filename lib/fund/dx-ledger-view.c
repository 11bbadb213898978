/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxLedgerView (dx-clawback.h): the ledger's money per envelope as of a
 * date (docs/rules.md §15), summed from the lines and grants that
 * dx_ledger_read_lines() gives, so that it says what the payment runs,
 * claw-backs and receipts say and nothing else. Its net charged is the
 * same number a later round sees (load_prior + load_forfeits); the tests
 * check the two against each other.
 */
#include "duixian/duixian.h"
#include "ledger/dx-ledger-lines-private.h"
#include "base/dx-num-private.h"

#include <string.h>

struct _DxLedgerView {
    char *fund_id;
    GArray *envelopes;     /* DxEnvelopeMoney, by key */
    GArray *refunds;       /* DxRefundOutstanding, by app_id, policy_id */
    GStringChunk *strings;
};

/* The envelope totals the round recorded in its params,
 * {"envelopes":{"k":n,...},...}: the ledger's own compact JSON. */
static void
view_totals(DxLedgerView *self, const char *params)
{
    const char *p = params != NULL ? strstr(params, "\"envelopes\":{") : NULL;
    const char *end;
    g_autofree char *body = NULL;
    g_auto(GStrv) items = NULL;

    if (p == NULL)
        return;
    p += strlen("\"envelopes\":{");
    end = strchr(p, '}');
    if (end == NULL)
        return;
    body = g_strndup(p, (gsize)(end - p));
    items = g_strsplit(body, ",", -1);
    for (char **it = items; *it != NULL && **it != '\0'; it++) {
        const char *colon = strrchr(*it, ':');
        DxEnvelopeMoney m = { 0 };
        gsize klen;

        if (colon == NULL || (*it)[0] != '"' || colon - *it < 2 || colon[-1] != '"')
            continue;
        klen = (gsize)(colon - *it - 2);
        m.key = g_string_chunk_insert_len(self->strings, *it + 1, (gssize)klen);
        m.total_fen = g_ascii_strtoll(colon + 1, NULL, 10);
        g_array_append_val(self->envelopes, m);
    }
}

static DxEnvelopeMoney *
view_envelope(DxLedgerView *self, const char *key)
{
    DxEnvelopeMoney m = { 0 };

    for (guint i = 0; i < self->envelopes->len; i++) {
        DxEnvelopeMoney *e = &g_array_index(self->envelopes, DxEnvelopeMoney, i);

        if (strcmp(e->key, key) == 0)
            return e;
    }
    /* an envelope no longer in the latest round's rules: total 0 */
    m.key = g_string_chunk_insert_const(self->strings, key);
    g_array_append_val(self->envelopes, m);
    return &g_array_index(self->envelopes, DxEnvelopeMoney, self->envelopes->len - 1);
}

static int
envelope_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const DxEnvelopeMoney *)a)->key, ((const DxEnvelopeMoney *)b)->key);
}

static int
refund_cmp(gconstpointer pa, gconstpointer pb)
{
    const DxRefundOutstanding *a = pa, *b = pb;
    int c = strcmp(a->app_id, b->app_id);

    return c != 0 ? c : strcmp(a->policy_id, b->policy_id);
}

DxLedgerView *
dx_ledger_view_new(DxLedger *ledger, const char *date, GError **error)
{
    g_autoptr(DxLedgerView) self = NULL;
    DxLedgerLines lines;
    size_t n;
    gint32 day = 0;

    g_return_val_if_fail(ledger != NULL, NULL);
    if (date == NULL) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");

        dx_date_parse(today, 10, &day);
    } else if (strlen(date) != 10 || !dx_date_parse(date, 10, &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "ledger view: “%s” is not a date (write YYYY-MM-DD)",
                    date);
        return NULL;
    }
    self = g_new0(DxLedgerView, 1);
    self->envelopes = g_array_new(FALSE, FALSE, sizeof(DxEnvelopeMoney));
    self->refunds = g_array_new(FALSE, FALSE, sizeof(DxRefundOutstanding));
    self->strings = g_string_chunk_new(1024);
    n = dx_ledger_get_n_rounds(ledger);
    if (n == 0) {
        self->fund_id = g_strdup("");
        return g_steal_pointer(&self);
    }
    {
        g_autofree char *params = dx_ledger_dup_round_field(ledger, n - 1, "params");

        self->fund_id = dx_ledger_dup_round_field(ledger, n - 1, "fund_id");
        view_totals(self, params);
    }
    dx_ledger_lines_init(&lines);
    if (!dx_ledger_read_lines(ledger, self->fund_id, &lines, error)) {
        dx_ledger_lines_clear(&lines);
        return NULL;
    }
    for (guint i = 0; i < lines.grants->len; i++) {
        const DxLedgerGrant *g = &g_array_index(lines.grants, DxLedgerGrant, i);
        DxEnvelopeMoney *e;

        if (g->revoked)
            continue;   /* a revoked grant counts nowhere (§15) */
        e = view_envelope(self, g->envelope);
        e->granted_fen += g->granted_fen;
        e->refund_due_fen += g->refund_due_fen;
        e->refund_received_fen += g->refund_received_fen;
        for (guint k = 0; k < g->n_lines; k++) {
            const DxLedgerLine *l = &g_array_index(lines.lines, DxLedgerLine, g->first_line + k);

            switch (l->state) {
            case DX_LINE_PAID: e->paid_fen += l->amount_fen; break;
            case DX_LINE_FORFEITED: e->forfeited_fen += l->amount_fen; break;
            case DX_LINE_CANCELLED: e->cancelled_fen += l->amount_fen; break;
            case DX_LINE_SCHEDULED:
                if (l->day > day) {
                    e->scheduled_future_fen += l->amount_fen;
                } else {
                    e->scheduled_due_fen += l->amount_fen;
                    if (lines.last_payrun != 0 && l->held_by == lines.last_payrun)
                        e->held_fen += l->amount_fen;
                }
                break;
            default: break;
            }
        }
        if (g->refund_due_fen > g->refund_received_fen) {
            char d[16];
            DxRefundOutstanding r = {
                .app_id = g_string_chunk_insert_const(self->strings, g->app_id),
                .enterprise_id = g_string_chunk_insert_const(self->strings, g->enterprise_id),
                .policy_id = g_string_chunk_insert_const(self->strings, g->policy_id),
                .bureau = g_string_chunk_insert_const(self->strings, g->bureau),
                .envelope = g_string_chunk_insert_const(self->strings, g->envelope),
                .due_fen = g->refund_due_fen,
                .received_fen = g->refund_received_fen,
            };

            dx_date_format(g->clawed_back_day, d);
            r.date = g_string_chunk_insert_const(self->strings, d);
            g_array_append_val(self->refunds, r);
        }
    }
    dx_ledger_lines_clear(&lines);
    for (guint i = 0; i < self->envelopes->len; i++) {
        DxEnvelopeMoney *e = &g_array_index(self->envelopes, DxEnvelopeMoney, i);

        e->net_charged_fen = e->granted_fen - e->forfeited_fen - e->cancelled_fen - e->refund_received_fen;
        e->remaining_fen = e->total_fen - e->net_charged_fen;
    }
    g_array_sort(self->envelopes, envelope_cmp);
    g_array_sort(self->refunds, refund_cmp);
    return g_steal_pointer(&self);
}

const char *
dx_ledger_view_get_fund_id(const DxLedgerView *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->fund_id;
}

size_t
dx_ledger_view_get_n_envelopes(const DxLedgerView *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->envelopes->len;
}

const DxEnvelopeMoney *
dx_ledger_view_get_envelope(const DxLedgerView *self, size_t i)
{
    g_return_val_if_fail(self != NULL && i < self->envelopes->len, NULL);
    return &g_array_index(self->envelopes, DxEnvelopeMoney, i);
}

size_t
dx_ledger_view_get_n_refunds(const DxLedgerView *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->refunds->len;
}

const DxRefundOutstanding *
dx_ledger_view_get_refund(const DxLedgerView *self, size_t i)
{
    g_return_val_if_fail(self != NULL && i < self->refunds->len, NULL);
    return &g_array_index(self->refunds, DxRefundOutstanding, i);
}

void
dx_ledger_view_free(DxLedgerView *self)
{
    if (self == NULL)
        return;
    g_free(self->fund_id);
    g_clear_pointer(&self->envelopes, g_array_unref);
    g_clear_pointer(&self->refunds, g_array_unref);
    g_clear_pointer(&self->strings, g_string_chunk_free);
    g_free(self);
}

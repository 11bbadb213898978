/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxReview (dx-review.h): a commitment review (docs/rules.md §14). Each
 * live grant of a policy with a commitment, whose enterprise has a checks
 * row and whose period contains D, is judged by dx-review-check.c; the
 * breaches are appended as one `review` entry through the ledger's
 * claw-back records (lib/ledger/dx-ledger-clawback.c), which cancel the
 * grant's scheduled lines and set its refund due.
 */
#include "duixian/duixian.h"
#include "fund/dx-review-private.h"
#include "fund/dx-payrun-private.h"
#include "fund/dx-conditions-private.h"
#include "fund/dx-clawback-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "ledger/dx-ledger-private.h"
#include "input/dx-checks-private.h"
#include "input/dx-history-private.h"
#include "input/dx-prior-private.h"
#include "decide/dx-messages-private.h"
#include "base/dx-num-private.h"
#include "base/dx-out-private.h"
#include "base/dx-json-private.h"

#include <string.h>

typedef struct {
    const DxLedgerGrant *grant;
    DxReviewOutcome outcome;
    int64_t paid_fen, cancelled_fen, refund_due_fen;
    char *codes, *text;
} ReviewRow;

struct _DxReview {
    DxRuleset *rs;
    DxLedger *ledger;
    char *date;
    gint32 day;
    DxChecks *checks;
    DxPriorBook *book;
    DxLedgerLines lines;
    GArray *rows;            /* ReviewRow: breaches and grants not judged, by app_id, policy_id */
    DxReviewTotals total;
    gint64 id;
    gboolean ran, pending;
    char *json;
};

static void
review_row_clear(gpointer p)
{
    ReviewRow *r = p;

    g_free(r->codes);
    g_free(r->text);
}

DxReview *
dx_review_new(DxRuleset *rules, DxLedger *ledger, const char *date, GError **error)
{
    DxReview *self;
    gint32 day = 0;

    g_return_val_if_fail(rules != NULL && ledger != NULL && date != NULL, NULL);
    if (strlen(date) != 10 || !dx_date_parse(date, 10, &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "review: “%s” is not a date (write YYYY-MM-DD)", date);
        return NULL;
    }
    self = g_new0(DxReview, 1);
    self->rs = dx_ruleset_ref(rules);
    self->ledger = ledger;
    self->date = g_strdup(date);
    self->day = day;
    self->book = dx_prior_book_new();
    dx_ledger_lines_init(&self->lines);
    self->rows = g_array_new(FALSE, TRUE, sizeof(ReviewRow));
    g_array_set_clear_func(self->rows, review_row_clear);
    return self;
}

void
dx_review_free(DxReview *self)
{
    if (self == NULL)
        return;
    if (self->pending)
        dx_ledger_abort_clawback(self->ledger);   /* decided, never committed: the ledger as it was */
    dx_ruleset_unref(self->rs);
    dx_checks_free(self->checks);
    dx_prior_book_free(self->book);
    dx_ledger_lines_clear(&self->lines);
    g_array_unref(self->rows);
    g_free(self->date);
    g_free(self->json);
    g_free(self);
}

gboolean
dx_review_set_checks_file(DxReview *self, const char *path, const DxLoadOptions *options, GError **error)
{
    g_return_val_if_fail(self != NULL && path != NULL && !self->ran, FALSE);
    return dx_checks_read_into(&self->checks, self->rs, path, options, error);
}

gboolean
dx_review_add_history_file(DxReview *self, const char *path, GError **error)
{
    g_return_val_if_fail(self != NULL && path != NULL && !self->ran, FALSE);
    return dx_history_load_file(path, self->book, NULL, error);
}

const char *const *
dx_review_get_warnings(const DxReview *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return dx_checks_get_warnings_or_none(self->checks);
}

static int
review_row_cmp(gconstpointer pa, gconstpointer pb)
{
    const DxLedgerGrant *a = ((const ReviewRow *)pa)->grant, *b = ((const ReviewRow *)pb)->grant;
    int c = strcmp(a->app_id, b->app_id);

    return c != 0 ? c : strcmp(a->policy_id, b->policy_id);
}

/* One grant: is it reviewed, and how did it fare. */
static gboolean
review_grant(DxReview *self, const DxLedgerGrant *g, GError **error)
{
    const DxRuleset *rs = self->rs;
    gint pi = dx_ruleset_find_policy(rs, g->policy_id);
    const DxPolicy *pol = pi >= 0 ? &rs->policies[pi] : NULL;
    g_autoptr(GString) codes = g_string_new(NULL), names = g_string_new(NULL);
    g_autoptr(GString) detail = g_string_new(NULL), text = g_string_new(NULL);
    g_autofree int64_t *received = NULL;
    ReviewRow row = { g, DX_REVIEW_KEPT, 0, 0, 0, NULL, NULL };
    DxChecksRow checks;
    gint32 end;

    if (g->revoked || g->clawed_back_by != 0 || pol == NULL || pol->commitment == NULL ||
        !dx_checks_lookup(self->checks, g->enterprise_id, &checks))
        return TRUE;
    end = dx_commitment_period_end(g->approval_day, pol->commitment->months);
    if (self->day < g->approval_day || self->day > end)
        return TRUE;   /* the period is A to E, both days included */
    self->total.reviewed++;
    if (rs->n_received_keys > 0) {
        received = g_new0(int64_t, rs->n_received_keys);
        dx_conditions_received(rs, self->book, g->enterprise_id, received);
    }
    row.outcome = dx_review_judge(rs, pol, &checks, self->day, received, codes, names, detail, text);
    switch (row.outcome) {
    case DX_REVIEW_KEPT:
        self->total.kept++;
        return TRUE;
    case DX_REVIEW_MISSING:
        self->total.missing++;
        break;
    case DX_REVIEW_ERROR:
        self->total.errors++;
        break;
    case DX_REVIEW_BREACHED: {
        g_autofree char *cancelled = NULL, *refund = NULL;
        char from[16], to[16];

        row.paid_fen = g->paid_fen;
        row.cancelled_fen = g->scheduled_fen;
        if (!dx_refund_due(pol->commitment->pro_rata ? DX_REFUND_PRO_RATA : DX_REFUND_PAID, g->paid_fen,
                           g->approval_day, end, self->day, &row.refund_due_fen, error))
            return FALSE;
        self->total.breached++;
        self->total.cancelled_fen += row.cancelled_fen;
        self->total.refund_due_fen += row.refund_due_fen;
        dx_date_format(g->approval_day, from);
        dx_date_format(end, to);
        cancelled = dx_money_format(row.cancelled_fen);
        refund = dx_money_format(row.refund_due_fen);
        DX_MSG_APPEND(text, DX_MSG_COMMITMENT_BREACHED, FALSE, DX_MSG_S("commitment", names->str),
                      DX_MSG_S("from", from), DX_MSG_S("to", to), DX_MSG_S("detail", detail->str),
                      DX_MSG_S("cancelled", cancelled), DX_MSG_S("refund", refund));
        break;
    }
    }
    /* the array owns its rows' strings (review_row_clear) */
    g_array_append_val(self->rows, row);
    g_array_index(self->rows, ReviewRow, self->rows->len - 1).codes = g_strdup(codes->str);
    g_array_index(self->rows, ReviewRow, self->rows->len - 1).text = g_strdup(text->str);
    return TRUE;
}

/* clawbacks.json (§14), keys sorted; the ledger keeps the same text. */
static char *
review_json(const DxReview *self)
{
    const DxReviewTotals *t = &self->total;
    GString *j = g_string_new(NULL);

    g_string_append_printf(j, "{\n  \"breached\": %zu,\n  \"cancelled_fen\": %lld,\n  \"date\": \"%s\",\n"
                              "  \"errors\": %zu,\n  \"format\": \"duixian/2\",\n  \"fund\": ",
                           t->breached, (long long)t->cancelled_fen, self->date, t->errors);
    dx_json_append_string(j, self->rs->fund_id);
    g_string_append_printf(j, ",\n  \"kept\": %zu,\n  \"missing\": %zu,\n  \"refund_due_fen\": %lld,\n"
                              "  \"reviewed\": %zu\n}\n",
                           t->kept, t->missing, (long long)t->refund_due_fen, t->reviewed);
    return g_string_free(j, FALSE);
}

gboolean
dx_review_decide(DxReview *self, gboolean dry_run, GError **error)
{
    g_autofree DxLedgerClawback *items = NULL;
    DxLedgerReviewInfo info;
    gsize n = 0;

    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    if (self->checks == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "review: a checks file is needed (grants whose enterprise has no row are not reviewed)");
        return FALSE;
    }
    if (!dx_payrun_fund_known(self->ledger, self->rs->fund_id, "review", error))
        return FALSE;
    if (!(dry_run ? dx_ledger_begin_read(self->ledger, error) : dx_ledger_begin_clawback(self->ledger, error)))
        return FALSE;
    if (!dx_ledger_read_lines(self->ledger, self->rs->fund_id, &self->lines, error) ||
        (self->rs->n_received_keys > 0 &&
         !dx_ledger_load_prior(self->ledger, self->rs->fund_id, self->book, 0, error)))
        goto fail;
    for (guint i = 0; i < self->lines.grants->len; i++) {
        if (!review_grant(self, &g_array_index(self->lines.grants, DxLedgerGrant, i), error))
            goto fail;
    }
    g_array_sort(self->rows, review_row_cmp);
    self->json = review_json(self);
    if (dry_run) {
        dx_ledger_abort_payrun(self->ledger);   /* the read snapshot */
        self->ran = TRUE;
        return TRUE;
    }
    items = g_new0(DxLedgerClawback, MAX(self->rows->len, 1));
    for (guint i = 0; i < self->rows->len; i++) {
        const ReviewRow *r = &g_array_index(self->rows, ReviewRow, i);

        if (r->outcome == DX_REVIEW_BREACHED)
            items[n++] = (DxLedgerClawback){ r->grant->ref_seq, r->grant->ref_index, r->paid_fen, r->cancelled_fen,
                                             r->refund_due_fen, r->grant->enterprise_id, r->grant->envelope,
                                             r->codes };
    }
    info = (DxLedgerReviewInfo){ self->rs->fund_id, self->date, self->rs->sha256, dx_checks_get_sha256(self->checks),
                                 self->json };
    if (!dx_ledger_append_clawbacks(self->ledger, &self->lines, TRUE, &info, items, n, &self->id, error))
        return FALSE;   /* rolled back by the ledger */
    self->ran = TRUE;
    self->pending = TRUE;
    return TRUE;
fail:
    if (dry_run)
        dx_ledger_abort_payrun(self->ledger);
    else
        dx_ledger_abort_clawback(self->ledger);
    return FALSE;
}

gboolean
dx_review_commit(DxReview *self, GError **error)
{
    g_return_val_if_fail(self != NULL && self->ran, FALSE);
    if (!self->pending)
        return TRUE;
    self->pending = FALSE;
    if (!dx_ledger_finish_clawback(self->ledger, error)) {
        self->id = 0;
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_review_run(DxReview *self, gboolean dry_run, GError **error)
{
    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    return dx_review_decide(self, dry_run, error) && dx_review_commit(self, error);
}

#define CLAWBACKS_CSV_HEADER "app_id,enterprise_id,policy_id,bureau,date,paid_fen,cancelled_fen,refund_due_fen,reasons\n"

gboolean
dx_review_write(DxReview *self, const char *dir, GError **error)
{
    static const char *const status[] = { "kept", "breached", "missing", "error" };
    g_autofree char *csv = NULL, *json = NULL, *expl = NULL;
    DxOutFile o, e;

    g_return_val_if_fail(self != NULL && self->ran && dir != NULL, FALSE);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be created", dir);
        return FALSE;
    }
    csv = g_build_filename(dir, "clawbacks.csv", NULL);
    json = g_build_filename(dir, "clawbacks.json", NULL);
    expl = g_build_filename(dir, "clawbacks-explained.csv", NULL);
    if (!dx_out_open(&o, csv, CLAWBACKS_CSV_HEADER, error))
        return FALSE;
    if (!dx_out_open(&e, expl, "app_id,enterprise_id,policy_id,status,explanation\n", error)) {
        dx_out_close(&o, FALSE, NULL);
        return FALSE;
    }
    for (guint i = 0; i < self->rows->len; i++) {
        const ReviewRow *r = &g_array_index(self->rows, ReviewRow, i);
        const DxLedgerGrant *g = r->grant;

        dx_out_cell(o.buf, g->app_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, g->enterprise_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, g->policy_id);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, g->bureau);
        g_string_append_c(o.buf, ',');
        g_string_append(o.buf, self->date);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, r->paid_fen);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, r->cancelled_fen);
        g_string_append_c(o.buf, ',');
        dx_out_int(o.buf, r->refund_due_fen);
        g_string_append_c(o.buf, ',');
        dx_out_cell(o.buf, r->codes);
        g_string_append_c(o.buf, '\n');
        dx_out_flush(&o, FALSE);
        dx_out_cell(e.buf, g->app_id);
        g_string_append_c(e.buf, ',');
        dx_out_cell(e.buf, g->enterprise_id);
        g_string_append_c(e.buf, ',');
        dx_out_cell(e.buf, g->policy_id);
        g_string_append_c(e.buf, ',');
        g_string_append(e.buf, status[r->outcome]);
        g_string_append_c(e.buf, ',');
        dx_out_cell(e.buf, r->text);
        g_string_append_c(e.buf, '\n');
        dx_out_flush(&e, FALSE);
    }
    if (!dx_out_close(&o, TRUE, error)) {
        dx_out_close(&e, FALSE, NULL);
        return FALSE;
    }
    if (!dx_out_close(&e, TRUE, error))
        return FALSE;
    return dx_out_open(&o, json, self->json, error) && dx_out_close(&o, TRUE, error);
}

void
dx_review_get_totals(const DxReview *self, DxReviewTotals *totals)
{
    g_return_if_fail(self != NULL && totals != NULL);
    *totals = self->total;
}

int64_t
dx_review_get_id(const DxReview *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->id;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxPayrun (dx-payrun.h): the lines due by D, decided and committed as one
 * payment run (docs/rules.md §13). The ledger keeps the lines and the
 * runs (lib/ledger/dx-ledger-lines.c); this file decides, in schedule
 * order, and writes payments.csv, payments.json and payments-explained.csv.
 * A line's conditions are checked in dx-payrun-check.c.
 */
#include "duixian/duixian.h"
#include "fund/dx-payrun-private.h"
#include "fund/dx-conditions-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "ledger/dx-ledger-private.h"
#include "input/dx-checks-private.h"
#include "input/dx-history-private.h"
#include "input/dx-prior-private.h"
#include "rules/dx-ruleset-private.h"
#include "decide/dx-messages-private.h"
#include "base/dx-num-private.h"
#include "base/dx-out-private.h"
#include "base/dx-json-private.h"

#include <string.h>


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
    self->book = dx_prior_book_new();
    self->history_hashes = g_ptr_array_new_with_free_func(g_free);
    self->received = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    self->strings = g_string_chunk_new(4096);
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
    dx_checks_free(self->checks);
    dx_prior_book_free(self->book);
    g_ptr_array_unref(self->history_hashes);
    g_hash_table_unref(self->received);
    g_string_chunk_free(self->strings);
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
    if (a->bureau != b->bureau && (c = strcmp(a->bureau, b->bureau)) != 0)   /* interned: equal is one pointer */
        return c;
    if ((c = strcmp(a->app_id, b->app_id)) != 0)
        return c;
    if (a->installment != b->installment)
        return a->installment < b->installment ? -1 : 1;
    return strcmp(a->policy_id, b->policy_id);
}

static char *payrun_json(const DxPayrun *self);

const DxPolicy *
dx_payrun_policy(const DxRuleset *rs, const char *id)
{
    for (guint i = 0; i < rs->n_policies; i++) {
        if (strcmp(rs->policies[i].id, id) == 0)
            return &rs->policies[i];
    }
    return NULL;
}

/* What the line's enterprise received under each received() key (§11):
 * history and the ledger as it stands, the grant being paid included. */
static const int64_t *
payrun_received(DxPayrun *self, const char *enterprise_id)
{
    const DxRuleset *rs = self->rs;
    int64_t *v = g_hash_table_lookup(self->received, enterprise_id);

    if (v != NULL || rs->n_received_keys == 0)
        return v;
    v = g_new0(int64_t, rs->n_received_keys);
    dx_conditions_received(rs, self->book, enterprise_id, v);
    g_hash_table_insert(self->received, (gpointer)enterprise_id, v);
    return v;
}

static void
payline_settle(DxPayrun *self, PayLine *p, DxSettleKind kind, const char *codes, const char *text)
{
    p->kind = kind;
    /* most lines are paid, with nothing to say */
    p->reasons = *codes != '\0' ? g_string_chunk_insert_const(self->strings, codes) : "";
    p->text = *text != '\0' ? g_string_chunk_insert_const(self->strings, text) : "";
    p->decided = TRUE;
}

/* The place + 1 in self->out of each line of self->lines (0: not taken),
 * by the line's place in self->lines. */
static guint *
payrun_slot(guint *slots, const DxPayrun *self, const DxLedgerLine *l)
{
    return &slots[l - (const DxLedgerLine *)(void *)self->lines.lines->data];
}

/* §13 forfeit_rest: every higher-numbered line of the grant still
 * scheduled is forfeited now, whatever its date; one this run paid stays
 * paid, one it held (or has yet to reach) is forfeited. @slots: see
 * payrun_slot(). */
static void
payrun_forfeit_rest(DxPayrun *self, const DxLedgerLine *l, guint *slots)
{
    for (guint32 j = l->installment + 1; j <= l->of; j++) {
        DxLedgerLine *later = dx_ledger_lines_find(&self->lines, l->ref_seq, l->ref_index, j);
        g_autofree char *text = NULL;
        guint at;

        if (later == NULL || later->state != DX_LINE_SCHEDULED)
            continue;
        at = *payrun_slot(slots, self, later);
        if (at == 0) {
            PayLine p = { later, DX_SETTLE_FORFEITED, "", "", FALSE };

            g_array_append_val(self->out, p);
            at = *payrun_slot(slots, self, later) = self->out->len;
        }
        if (g_array_index(self->out, PayLine, at - 1).decided &&
            g_array_index(self->out, PayLine, at - 1).kind == DX_SETTLE_PAID)
            continue;
        text = DX_MSG_DUP(DX_MSG_REQUIREMENT_FORFEIT_REST, FALSE, DX_MSG_I("line", j), DX_MSG_I("of", l->of),
                          DX_MSG_I("by", l->installment));
        payline_settle(self, &g_array_index(self->out, PayLine, at - 1), DX_SETTLE_FORFEITED, "requirement_failed",
                       text);
    }
}

static void
payrun_count(DxPayrunTotals *t, const PayLine *p)
{
    switch (p->kind) {
    case DX_SETTLE_PAID:
        t->paid_fen += p->line->amount_fen;
        t->paid_lines++;
        break;
    case DX_SETTLE_FORFEITED:
        t->forfeited_fen += p->line->amount_fen;
        t->forfeited_lines++;
        break;
    case DX_SETTLE_HELD:
        t->held_fen += p->line->amount_fen;
        t->held_lines++;
        break;
    }
}

/* Every scheduled line due by D, in schedule order, checked against its
 * installment's requires in the given ruleset (§13). */
static gboolean
payrun_decide(DxPayrun *self, GError **error)
{
    g_autofree guint *slots = g_new0(guint, MAX(self->lines.lines->len, 1));
    g_autoptr(GString) codes = g_string_new(NULL);
    g_autoptr(GString) text = g_string_new(NULL);

    /* at most every line: one allocation instead of twenty doublings */
    g_array_set_size(self->out, self->lines.lines->len);
    g_array_set_size(self->out, 0);

    for (guint i = 0; i < self->lines.lines->len; i++) {
        const DxLedgerLine *l = &g_array_index(self->lines.lines, DxLedgerLine, i);
        const DxPolicy *pol;
        PayLine p = { l, DX_SETTLE_PAID, "", "", FALSE };

        if (l->state != DX_LINE_SCHEDULED || l->day > self->day)
            continue;
        pol = dx_payrun_policy(self->rs, l->policy_id);
        if (pol == NULL || pol->n_installments != l->of) {
            g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                        "%s: payment run: installment %u/%u of %s (%s): %s", self->rs->source_name, l->installment,
                        l->of, l->app_id, l->policy_id,
                        pol == NULL ? "the rules have no such policy"
                                    : "the policy no longer has that many installments in the rules");
            return FALSE;
        }
        g_array_append_val(self->out, p);
    }
    g_array_sort(self->out, payline_cmp);
    for (guint i = 0; i < self->out->len; i++)
        *payrun_slot(slots, self, g_array_index(self->out, PayLine, i).line) = i + 1;
    /* forfeit_rest may append later lines: they are decided already */
    for (guint i = 0; i < self->out->len; i++) {
        PayLine *p = &g_array_index(self->out, PayLine, i);
        const DxLedgerLine *l = p->line;
        const DxPolicy *pol;
        gboolean rest = FALSE, have_row;
        DxChecksRow row;
        DxSettleKind kind;

        if (p->decided)
            continue;
        pol = dx_payrun_policy(self->rs, l->policy_id);
        g_string_truncate(codes, 0);
        g_string_truncate(text, 0);
        /* parameters in force on the line's own date, not the run's */
        have_row = dx_checks_lookup(self->checks, l->enterprise_id, &row);
        kind = dx_payrun_check_line(self->rs, pol, l->installment, l->of, have_row ? &row : NULL, l->day,
                                    payrun_received(self, l->enterprise_id), codes, text, &rest);
        payline_settle(self, p, kind, codes->str, text->str);
        if (rest)
            payrun_forfeit_rest(self, l, slots);   /* may move self->out: p is not used after */
    }
    g_array_sort(self->out, payline_cmp);
    memset(&self->total, 0, sizeof self->total);
    for (guint i = 0; i < self->out->len; i++)
        payrun_count(&self->total, &g_array_index(self->out, PayLine, i));
    self->json = payrun_json(self);
    return TRUE;
}

gboolean
dx_payrun_fund_known(DxLedger *ledger, const char *fund_id, const char *what, GError **error)
{
    size_t n = dx_ledger_get_n_rounds(ledger);

    for (size_t i = 0; i < n; i++) {
        g_autofree char *fund = dx_ledger_dup_round_field(ledger, i, "fund_id");

        if (g_strcmp0(fund, fund_id) == 0)
            return TRUE;
    }
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the ledger holds no round of fund %s", what, fund_id);
    return FALSE;
}

gboolean
dx_payrun_set_checks_file(DxPayrun *self, const char *path, const DxLoadOptions *options, GError **error)
{
    g_return_val_if_fail(self != NULL && path != NULL && !self->ran, FALSE);
    return dx_checks_read_into(&self->checks, self->rs, path, options, error);
}

gboolean
dx_payrun_add_history_file(DxPayrun *self, const char *path, GError **error)
{
    char *sha = NULL;

    g_return_val_if_fail(self != NULL && path != NULL && !self->ran, FALSE);
    if (!dx_history_load_file(path, self->book, &sha, error))
        return FALSE;
    g_ptr_array_add(self->history_hashes, sha);
    return TRUE;
}

const char *const *
dx_payrun_get_warnings(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return dx_checks_get_warnings_or_none(self->checks);
}

/* Under the write lock (or a dry run's snapshot): the lines, and what
 * received() reads (§11). */
static gboolean
payrun_read_and_decide(DxPayrun *self, GError **error)
{
    return dx_ledger_read_lines(self->ledger, self->rs->fund_id, &self->lines, error) &&
           (self->rs->n_received_keys == 0 ||
            dx_ledger_load_prior(self->ledger, self->rs->fund_id, self->book, 0, error)) &&
           payrun_decide(self, error);
}

gboolean
dx_payrun_decide(DxPayrun *self, gboolean dry_run, GError **error)
{
    g_autofree DxLedgerSettle *settles = NULL;
    DxLedgerPayrunInfo info;

    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    if (!dx_payrun_fund_known(self->ledger, self->rs->fund_id, "payment run", error))
        return FALSE;
    /* read and commit under one write lock: no other run settles a line
     * between; a dry run reads one snapshot, without the lock */
    if (!(dry_run ? dx_ledger_begin_read(self->ledger, error) : dx_ledger_begin_payrun(self->ledger, error)))
        return FALSE;
    if (!payrun_read_and_decide(self, error)) {
        dx_ledger_abort_payrun(self->ledger);
        return FALSE;
    }
    if (dry_run) {
        dx_ledger_abort_payrun(self->ledger);
        self->ran = TRUE;
        return TRUE;
    }
    settles = g_new0(DxLedgerSettle, MAX(self->out->len, 1));
    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);

        settles[i] = (DxLedgerSettle){ p->line->ref_seq, p->line->ref_index, p->line->installment, p->kind,
                                       p->line->amount_fen, p->line->enterprise_id, p->line->envelope, p->reasons };
    }
    info = (DxLedgerPayrunInfo){ self->rs->fund_id, self->through, self->rs->sha256,
                                 self->checks != NULL ? dx_checks_get_sha256(self->checks) : "", self->json };
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

static void
json_totals(GString *j, const DxPayrunTotals *t)
{
    g_string_append_printf(j,
                           "{\"forfeited_fen\": %lld, \"forfeited_lines\": %zu, \"held_fen\": %lld, \"held_lines\": %zu,"
                           " \"paid_fen\": %lld, \"paid_lines\": %zu}",
                           (long long)t->forfeited_fen, t->forfeited_lines, (long long)t->held_fen, t->held_lines,
                           (long long)t->paid_fen, t->paid_lines);
}

static void
payrun_envelope_totals(const DxPayrun *self, const char *key, DxPayrunTotals *t)
{
    memset(t, 0, sizeof *t);
    for (guint i = 0; i < self->out->len; i++) {
        const PayLine *p = &g_array_index(self->out, PayLine, i);

        if (key == NULL || strcmp(p->line->envelope, key) == 0)
            payrun_count(t, p);
    }
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
        DxPayrunTotals t;

        payrun_envelope_totals(self, key, &t);
        g_string_append(j, k > 0 ? ",\n    " : "\n    ");
        dx_json_append_string(j, key);
        g_string_append(j, ": ");
        json_totals(j, &t);
    }
    g_string_append_printf(j, "\n  },\n  \"forfeited_fen\": %lld,\n  \"format\": \"duixian/2\",\n  \"fund\": ",
                           (long long)self->total.forfeited_fen);
    dx_json_append_string(j, self->rs->fund_id);
    g_string_append_printf(j, ",\n  \"held_fen\": %lld,\n  \"paid_fen\": %lld,\n  \"through\": \"%s\"\n}\n",
                           (long long)self->total.held_fen, (long long)self->total.paid_fen, self->through);
    return g_string_free(j, FALSE);
}

int64_t
dx_payrun_get_paid_fen(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->total.paid_fen;
}

size_t
dx_payrun_get_n_paid(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->total.paid_lines;
}

gboolean
dx_payrun_get_totals(const DxPayrun *self, const char *envelope, DxPayrunTotals *totals)
{
    g_return_val_if_fail(self != NULL && totals != NULL, FALSE);
    memset(totals, 0, sizeof *totals);
    if (!self->ran)
        return FALSE;
    if (envelope == NULL) {
        *totals = self->total;
        return TRUE;
    }
    for (guint e = 0; e < self->rs->n_envelopes; e++) {
        if (strcmp(self->rs->envelopes[e].key, envelope) == 0) {
            payrun_envelope_totals(self, envelope, totals);
            return TRUE;
        }
    }
    return FALSE;
}

int64_t
dx_payrun_get_id(const DxPayrun *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->id;
}

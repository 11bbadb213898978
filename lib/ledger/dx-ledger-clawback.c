/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Claw-backs, commitment reviews and refund receipts in the ledger
 * (docs/rules.md §14, §15; the entries' format: dx-ledger-lines-private.h).
 * Deciding what to claw back is the fund layer's (lib/fund/): this file
 * checks what it is given against the lines read under the same write
 * lock, appends, and says what the entries give back to later rounds.
 */
#include "ledger/dx-ledger-impl-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "base/dx-num-private.h"

#include <string.h>

const char *
dx_ledger_get_name(const DxLedger *self)
{
    return self->name;
}

/* The grants are appended in (seq, index) order, like their lines. */
DxLedgerGrant *
dx_ledger_lines_find_grant(const DxLedgerLines *lines, gint64 ref_seq, guint32 ref_index)
{
    guint lo = 0, hi = lines->grants->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        DxLedgerGrant *g = &g_array_index(lines->grants, DxLedgerGrant, mid);
        int c = g->ref_seq != ref_seq ? (g->ref_seq < ref_seq ? -1 : 1)
                : g->ref_index != ref_index ? (g->ref_index < ref_index ? -1 : 1) : 0;

        if (c == 0)
            return g;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ------------------------------------------------------------- the body */

/* A claw-back record: every line of its grant still scheduled is
 * cancelled, and the claim is set. */
gboolean
dx_ledger_lines_apply_clawback(const DxLedgerClawback *c, gint64 seq, gint32 day, gpointer user_data, GError **error)
{
    DxLedgerLines *lines = user_data;
    DxLedgerGrant *g = dx_ledger_lines_find_grant(lines, c->ref_seq, c->ref_index);

    if (g == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "entry %" G_GINT64_FORMAT " claws back a grant the ledger does not hold (run verify)", seq);
        return FALSE;
    }
    if (g->clawed_back_by != 0)
        return TRUE;   /* once: the first claw-back stands */
    g->clawed_back_by = seq;
    g->clawed_back_day = day;
    g->clawback_reasons = g_string_chunk_insert(lines->strings, c->reasons);
    g->refund_due_fen = c->refund_due_fen;
    for (guint i = 0; i < g->n_lines; i++) {
        DxLedgerLine *l = &g_array_index(lines->lines, DxLedgerLine, g->first_line + i);

        if (l->state == DX_LINE_SCHEDULED) {
            l->state = DX_LINE_CANCELLED;
            l->settled_by = seq;
        }
    }
    return TRUE;
}

/* Each grant's sums, from its lines' states. */
void
dx_ledger_lines_sum_grants(DxLedgerLines *lines)
{
    for (guint i = 0; i < lines->grants->len; i++) {
        DxLedgerGrant *g = &g_array_index(lines->grants, DxLedgerGrant, i);

        g->paid_fen = g->forfeited_fen = g->cancelled_fen = g->scheduled_fen = 0;
        for (guint k = 0; k < g->n_lines; k++) {
            const DxLedgerLine *l = &g_array_index(lines->lines, DxLedgerLine, g->first_line + k);

            switch (l->state) {
            case DX_LINE_SCHEDULED: g->scheduled_fen += l->amount_fen; break;
            case DX_LINE_PAID: g->paid_fen += l->amount_fen; break;
            case DX_LINE_FORFEITED: g->forfeited_fen += l->amount_fen; break;
            case DX_LINE_CANCELLED: g->cancelled_fen += l->amount_fen; break;
            default: break;
            }
        }
    }
}


gboolean
dx_ledger_clawback_walk_body(DxLedger *self, DxStmt *st, int seq_col, int n_col, int body_col, int date_col,
                             LedgerClawbackFunc func, gpointer user_data, GError **error)
{
    gint64 seq = dx_stmt_column_int64(st, seq_col);
    gint64 n = dx_stmt_column_int64(st, n_col);
    const char *date = dx_stmt_column_text(st, date_col);
    const void *body = dx_stmt_column_blob(st, body_col);   /* before _bytes, as SQLite asks */
    gint32 day = 0;
    LedgerReader r;

    if (date == NULL || strlen(date) != 10 || !dx_date_parse(date, 10, &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: entry %" G_GINT64_FORMAT ": its date cannot be read (run verify)", self->name, seq);
        return FALSE;
    }
    dx_ledger_reader_init(&r, self, body, (gsize)dx_stmt_column_bytes(st, body_col));
    for (gint64 i = 0; i < n; i++) {
        guint64 ref_seq, ref_index, paid, cancelled, due;
        LedgerStr ent, env, reasons;
        DxLedgerClawback c;
        g_autofree char *e = NULL, *v = NULL, *why = NULL;

        if (!dx_ledger_read_uint(&r, &ref_seq) || !dx_ledger_read_uint(&r, &ref_index) ||
            !dx_ledger_read_amount(&r, &paid) || !dx_ledger_read_amount(&r, &cancelled) ||
            !dx_ledger_read_amount(&r, &due) || !dx_ledger_read_str(&r, &ent) || !dx_ledger_read_str(&r, &env) ||
            !dx_ledger_read_str(&r, &reasons) || ref_seq > (guint64)G_MAXINT64 || ref_index > G_MAXUINT32) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                        "%s: entry %" G_GINT64_FORMAT ": claw-back record %" G_GINT64_FORMAT " cannot be decoded"
                        " (run verify)",
                        self->name, seq, i + 1);
            return FALSE;
        }
        e = g_strndup(ent.str, ent.len);
        v = g_strndup(env.str, env.len);
        why = g_strndup(reasons.str, reasons.len);
        c = (DxLedgerClawback){
            .ref_seq = (gint64)ref_seq, .ref_index = (guint32)ref_index, .paid_fen = (int64_t)paid,
            .cancelled_fen = (int64_t)cancelled, .refund_due_fen = (int64_t)due, .enterprise_id = e,
            .envelope = v, .reasons = why,
        };
        if (!func(&c, seq, day, user_data, error))
            return FALSE;
    }
    if (r.p != r.end) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: entry %" G_GINT64_FORMAT ": bytes follow its last claw-back record (run verify)",
                    self->name, seq);
        return FALSE;
    }
    return TRUE;
}

static void
clawback_encode(LedgerBuf *b, const DxLedgerClawback *c)
{
    dx_ledger_buf_put_uint(b, (guint64)c->ref_seq);
    dx_ledger_buf_put_uint(b, c->ref_index);
    dx_ledger_buf_put_uint(b, (guint64)c->paid_fen);
    dx_ledger_buf_put_uint(b, (guint64)c->cancelled_fen);
    dx_ledger_buf_put_uint(b, (guint64)c->refund_due_fen);
    dx_ledger_buf_put_str(b, c->enterprise_id);
    dx_ledger_buf_put_str(b, c->envelope);
    dx_ledger_buf_put_str(b, c->reasons);
}

/* ------------------------------------------------------------ committing */

gboolean
dx_ledger_begin_clawback(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL && !self->in_round, FALSE);
    if (!dx_ledger_begin(self, error))
        return FALSE;
    self->in_payrun = TRUE;   /* a review reads what received() counts (load_prior) under the lock */
    return TRUE;
}

void
dx_ledger_abort_clawback(DxLedger *self)
{
    g_return_if_fail(self != NULL);
    self->in_payrun = FALSE;
    dx_ledger_rollback(self);
}

static gboolean
clawback_check(DxLedger *self, const DxLedgerLines *lines, gboolean review, const DxLedgerClawback *items, gsize n,
               GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);

    if (!review && n != 1) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: a manual claw-back names exactly one grant", self->name);
        return FALSE;
    }
    for (gsize i = 0; i < n; i++) {
        const DxLedgerClawback *c = &items[i];
        DxLedgerGrant *g = dx_ledger_lines_find_grant(lines, c->ref_seq, c->ref_index);
        const char *why = NULL;

        if (g == NULL)
            why = "no such grant";
        else if (g->revoked)
            why = "the grant was revoked";
        else if (g->clawed_back_by != 0)
            why = "the grant was clawed back already";
        else if (c->paid_fen != g->paid_fen || c->cancelled_fen != g->scheduled_fen || c->refund_due_fen < 0 ||
                 c->refund_due_fen > c->paid_fen || (!review && c->refund_due_fen != c->paid_fen) ||
                 g_strcmp0(c->enterprise_id, g->enterprise_id) != 0 || g_strcmp0(c->envelope, g->envelope) != 0)
            why = "the record does not match the grant";
        else if (!g_hash_table_add(seen, g))
            why = "the grant is named twice";
        if (why != NULL) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: claw-back: grant %" G_GINT64_FORMAT "/%u%s%s: %s",
                        self->name, c->ref_seq, c->ref_index, g != NULL ? " of " : "", g != NULL ? g->app_id : "",
                        why);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
dx_ledger_commit_clawbacks(DxLedger *self, const DxLedgerLines *lines, gboolean review, const DxLedgerReviewInfo *info,
                           const DxLedgerClawback *items, gsize n, gint64 *id, GError **error)
{
    gint64 seq = 0;

    if (!dx_ledger_append_clawbacks(self, lines, review, info, items, n, &seq, error) || !dx_ledger_commit(self, error))
        return FALSE;
    if (id != NULL)
        *id = seq;
    return TRUE;
}

gboolean
dx_ledger_finish_clawback(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return dx_ledger_commit(self, error);
}

gboolean
dx_ledger_append_clawbacks(DxLedger *self, const DxLedgerLines *lines, gboolean review, const DxLedgerReviewInfo *info,
                           const DxLedgerClawback *items, gsize n, gint64 *id, GError **error)
{
    g_autofree char *now = NULL;
    LedgerBuf body = { 0 };
    int64_t due = 0, cancelled = 0;
    const DxLedgerGrant *one = NULL;
    gint64 seq = 0;
    LedgerEntry e;

    g_return_val_if_fail(self != NULL && lines != NULL && info != NULL, FALSE);
    g_return_val_if_fail(info->fund_id != NULL && info->date != NULL, FALSE);
    g_return_val_if_fail(items != NULL || n == 0, FALSE);

    self->in_payrun = FALSE;   /* nothing more is read before the commit */

    if (!clawback_check(self, lines, review, items, n, error))
        goto fail;
    for (gsize i = 0; i < n; i++) {
        clawback_encode(&body, &items[i]);
        due += items[i].refund_due_fen;
        cancelled += items[i].cancelled_fen;
    }
    if (!review)
        one = dx_ledger_lines_find_grant(lines, items[0].ref_seq, items[0].ref_index);
    now = dx_ledger_now_utc();
    e = (LedgerEntry){
        .round_id = self->head_seq + 1,
        .kind = review ? "review" : "clawback",
        .fund_id = info->fund_id,
        .created_at = now,
        .approval_date = info->date,
        .app_id = one != NULL ? one->app_id : "",
        .enterprise_id = one != NULL ? one->enterprise_id : "",
        .policy_id = one != NULL ? one->policy_id : "",
        .bureau = one != NULL ? one->bureau : "",
        .envelope = one != NULL ? one->envelope : "",
        .award_fen = due,
        .granted_fen = cancelled,
        .detail = info->detail != NULL ? info->detail : "",
        .ruleset_sha256 = info->ruleset_sha256 != NULL ? info->ruleset_sha256 : "",
        .input_sha256 = info->checks_sha256 != NULL ? info->checks_sha256 : "",
        .n_decisions = (gint64)n,
        .body = body.data != NULL ? body.data : ledger_empty_body,
        .body_len = body.len,
    };
    if (!dx_ledger_append(self, &e, &seq, error))
        goto fail;
    dx_ledger_buf_clear(&body);
    if (id != NULL)
        *id = seq;
    return TRUE;
fail:
    dx_ledger_buf_clear(&body);
    dx_ledger_rollback(self);
    return FALSE;
}

gboolean
dx_ledger_commit_refund(DxLedger *self, const DxLedgerLines *lines, const DxLedgerGrant *grant, const char *fund_id,
                        int64_t amount_fen, const char *date, const char *reference, gint64 *id, GError **error)
{
    g_autofree char *now = NULL;
    const DxLedgerGrant *g;
    gint64 seq = 0;

    g_return_val_if_fail(self != NULL && lines != NULL && grant != NULL && fund_id != NULL, FALSE);
    g_return_val_if_fail(date != NULL && reference != NULL, FALSE);

    self->in_payrun = FALSE;

    /* the lines are the ones read under this lock: check against them */
    g = dx_ledger_lines_find_grant(lines, grant->ref_seq, grant->ref_index);
    if (g == NULL || g->clawed_back_by == 0 || amount_fen <= 0 ||
        amount_fen > g->refund_due_fen - g->refund_received_fen) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                    "%s: refund receipt: grant %" G_GINT64_FORMAT "/%u has no refund due of that amount", self->name,
                    grant->ref_seq, grant->ref_index);
        dx_ledger_rollback(self);
        return FALSE;
    }
    now = dx_ledger_now_utc();
    {
        LedgerEntry e = {
            .round_id = g->clawed_back_by,
            .kind = "refund",
            .ref_seq = g->ref_seq,
            .ref_index = g->ref_index,
            .fund_id = fund_id,
            .created_at = now,
            .approval_date = date,
            .app_id = g->app_id,
            .enterprise_id = g->enterprise_id,
            .policy_id = g->policy_id,
            .bureau = g->bureau,
            .envelope = g->envelope,
            .award_fen = amount_fen,
            .detail = reference,
        };

        if (!dx_ledger_append(self, &e, &seq, error)) {
            dx_ledger_rollback(self);
            return FALSE;
        }
    }
    if (!dx_ledger_commit(self, error))
        return FALSE;
    if (id != NULL)
        *id = seq;
    return TRUE;
}

/* ------------------------------------------------ what comes back (§15) */

static gboolean
clawback_credit(const DxLedgerClawback *c, gint64 seq, gint32 day, gpointer user_data, GError **error)
{
    DxPriorBook *book = user_data;

    (void)seq, (void)day, (void)error;
    dx_prior_book_add_envelope_charge(book, c->envelope, -c->cancelled_fen);
    dx_prior_book_add_fund_credit(book, c->enterprise_id, c->cancelled_fen);
    return TRUE;
}

gboolean
dx_ledger_load_clawback_credits(DxLedger *self, const char *fund_id, DxPriorBook *book, gint64 before,
                                GError **error)
{
    /* only entries that cancelled something: granted_fen is that sum */
    static const char clawbacks_sql[] =
        "SELECT seq, n_decisions, body, approval_date FROM entries " LEDGER_GRANTS_WHERE
        " AND kind IN ('clawback', 'review') AND seq < ?2 ORDER BY seq";
    static const char refunds_sql[] =
        "SELECT envelope, enterprise_id, award_fen FROM entries WHERE kind = 'refund' AND fund_id = ?1 AND seq < ?2"
        " ORDER BY seq";
    DxStmt *st;
    gboolean ok = TRUE;
    int rc;

    st = dx_ledger_prepare(self, clawbacks_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    while (ok && (rc = dx_stmt_step(st)) == DX_STMT_ROW)
        ok = dx_ledger_clawback_walk_body(self, st, 0, 1, 2, 3, clawback_credit, book, error);
    dx_stmt_finalize(st);
    if (!ok)
        return FALSE;
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");

    st = dx_ledger_prepare(self, refunds_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        int64_t fen = dx_stmt_column_int64(st, 2);

        dx_prior_book_add_envelope_charge(book, dx_stmt_column_text(st, 0), -fen);
        dx_prior_book_add_fund_credit(book, dx_stmt_column_text(st, 1), fen);
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

/* ------------------------------------------------------ revoke's question */

typedef struct {
    gint64 ref_seq, ref_index;
    gboolean found;
} ClawedScan;

static gboolean
clawed_scan(const DxLedgerClawback *c, gint64 seq, gint32 day, gpointer user_data, GError **error)
{
    ClawedScan *s = user_data;

    (void)seq, (void)day, (void)error;
    if (c->ref_seq == s->ref_seq && (gint64)c->ref_index == s->ref_index)
        s->found = TRUE;
    return TRUE;
}

gboolean
dx_ledger_grant_clawed_back(DxLedger *self, gint64 ref_seq, gint64 ref_index, gboolean *clawed, GError **error)
{
    DxStmt *st = dx_ledger_prepare(self,
                                   "SELECT seq, n_decisions, body, approval_date FROM entries"
                                   " WHERE kind IN ('clawback', 'review') AND n_decisions > 0 ORDER BY seq",
                                   error);
    ClawedScan s = { ref_seq, ref_index, FALSE };
    gboolean ok = TRUE;
    int rc = DX_STMT_DONE;

    if (st == NULL)
        return FALSE;
    while (ok && !s.found && (rc = dx_stmt_step(st)) == DX_STMT_ROW)
        ok = dx_ledger_clawback_walk_body(self, st, 0, 1, 2, 3, clawed_scan, &s, error);
    dx_stmt_finalize(st);
    if (ok && !s.found && rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    *clawed = s.found;
    return ok;
}

/* ----------------------------------------------------------------- verify */

static gint64
grant_key(gint64 ref_seq, gint64 ref_index)
{
    return ref_seq * LEDGER_CHUNK + ref_index;   /* ref_index < LEDGER_CHUNK */
}

typedef struct {
    GHashTable *due;
    int64_t due_sum, cancelled_sum;
    gboolean bad;
} VerifyClawback;

static gboolean
verify_clawback(const DxLedgerClawback *c, gint64 seq, gint32 day, gpointer user_data, GError **error)
{
    VerifyClawback *v = user_data;
    gint64 *key = g_new(gint64, 1);
    int64_t *left = g_new(int64_t, 1);

    (void)seq, (void)day, (void)error;
    if (c->refund_due_fen > c->paid_fen || c->cancelled_fen > G_MAXINT64 - v->cancelled_sum ||
        c->refund_due_fen > G_MAXINT64 - v->due_sum)
        v->bad = TRUE;
    else {
        v->due_sum += c->refund_due_fen;
        v->cancelled_sum += c->cancelled_fen;
    }
    *key = grant_key(c->ref_seq, c->ref_index);
    *left = c->refund_due_fen;
    if (g_hash_table_contains(v->due, key))
        v->bad = TRUE;   /* a grant is clawed back once */
    g_hash_table_insert(v->due, key, left);
    return TRUE;
}

gboolean
dx_ledger_check_clawback(DxLedger *self, DxStmt *st, GHashTable *due, GString *what)
{
    g_autoptr(GError) local = NULL;
    VerifyClawback v = { due, 0, 0, FALSE };
    gboolean manual = g_strcmp0(dx_stmt_column_text(st, COL_KIND), "clawback") == 0;

    if (!dx_ledger_clawback_walk_body(self, st, COL_SEQ, COL_N_DECISIONS, COL_BODY, COL_APPROVAL_DATE,
                                      verify_clawback, &v, &local)) {
        const char *m = strstr(local->message, ": claw-back");
        const char *b = strstr(local->message, ": bytes");
        const char *d = strstr(local->message, ": its date");

        g_string_append(what, m != NULL ? m + 2 : b != NULL ? b + 2 : d != NULL ? d + 2 : local->message);
        return FALSE;
    }
    if (v.bad) {
        g_string_append(what, "a record claws back more than was paid, or a grant clawed back before");
        return FALSE;
    }
    if (manual && dx_stmt_column_int64(st, COL_N_DECISIONS) != 1) {
        g_string_append(what, "a manual claw-back holds one record");
        return FALSE;
    }
    if (v.due_sum != dx_stmt_column_int64(st, COL_AWARD_FEN) ||
        v.cancelled_sum != dx_stmt_column_int64(st, COL_GRANTED_FEN)) {
        g_string_append(what, "its records do not add up to its award_fen (refund due) and granted_fen (cancelled)");
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_ledger_check_refund(DxLedger *self, DxStmt *st, GHashTable *due, GString *what)
{
    gint64 key = grant_key(dx_stmt_column_int64(st, COL_REF_SEQ), dx_stmt_column_int64(st, COL_REF_INDEX));
    gint64 amount = dx_stmt_column_int64(st, COL_AWARD_FEN);
    int64_t *left = g_hash_table_lookup(due, &key);

    (void)self;
    if (amount <= 0 || dx_stmt_column_int64(st, COL_GRANTED_FEN) != 0 || dx_stmt_column_int64(st, COL_N_DECISIONS) != 0 ||
        dx_stmt_column_bytes(st, COL_BODY) != 0) {
        g_string_append(what, "a refund receipt holds an amount above 0 and nothing else");
        return FALSE;
    }
    if (left == NULL) {
        g_string_append(what, "a refund receipt on a grant that was never clawed back");
        return FALSE;
    }
    if (amount > *left) {
        g_string_append(what, "the receipts on its grant add up to more than the refund due");
        return FALSE;
    }
    *left -= amount;
    return TRUE;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Installment lines and payment runs in the ledger (what and why:
 * dx-ledger-lines-private.h): reading every line with its state,
 * appending a payment run, and what forfeits give back to a later round.
 */
#include "ledger/dx-ledger-impl-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "base/dx-num-private.h"

#include <string.h>

/* ------------------------------------------------------------- the lines */

typedef struct {
    DxLedger *ledger;
    DxLedgerLines *lines;
    gint64 payrun;
} LinesApply;

void
dx_ledger_lines_init(DxLedgerLines *lines)
{
    memset(lines, 0, sizeof *lines);
    lines->lines = g_array_new(FALSE, FALSE, sizeof(DxLedgerLine));
    lines->grants = g_array_new(FALSE, FALSE, sizeof(DxLedgerGrant));
    lines->strings = g_string_chunk_new(64 * 1024);
    lines->last_payrun = 0;
}

void
dx_ledger_lines_clear(DxLedgerLines *lines)
{
    g_clear_pointer(&lines->lines, g_array_unref);
    g_clear_pointer(&lines->grants, g_array_unref);
    g_clear_pointer(&lines->strings, g_string_chunk_free);
}

static int
line_cmp_key(const DxLedgerLine *l, gint64 ref_seq, guint32 ref_index, guint32 installment)
{
    if (l->ref_seq != ref_seq)
        return l->ref_seq < ref_seq ? -1 : 1;
    if (l->ref_index != ref_index)
        return l->ref_index < ref_index ? -1 : 1;
    if (l->installment != installment)
        return l->installment < installment ? -1 : 1;
    return 0;
}

/* The lines are appended in (seq, index, installment) order, which is
 * the order of the entries and of the grants and installments in them. */
DxLedgerLine *
dx_ledger_lines_find(const DxLedgerLines *lines, gint64 ref_seq, guint32 ref_index, guint32 installment)
{
    guint lo = 0, hi = lines->lines->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        DxLedgerLine *l = &g_array_index(lines->lines, DxLedgerLine, mid);
        int c = line_cmp_key(l, ref_seq, ref_index, installment);

        if (c == 0)
            return l;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* "1/2 2022-06-30 5000000": reads one line of a grant's schedule at *p. */
static gboolean
parse_schedule_line(const char **p, const char *end, guint32 *k, guint32 *of, gint32 *day, int64_t *fen)
{
    const char *s = *p;
    guint64 v = 0;

    for (*k = 0; s < end && *s >= '0' && *s <= '9' && *k < 100000; s++)
        *k = *k * 10 + (guint32)(*s - '0');
    if (s >= end || *s++ != '/')
        return FALSE;
    for (*of = 0; s < end && *s >= '0' && *s <= '9' && *of < 100000; s++)
        *of = *of * 10 + (guint32)(*s - '0');
    if (s >= end || *s++ != ' ' || end - s < 11 || !dx_date_parse(s, 10, day) || s[10] != ' ')
        return FALSE;
    s += 11;
    if (s >= end || *s < '0' || *s > '9')
        return FALSE;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (v > (guint64)(G_MAXINT64 - 9) / 10)
            return FALSE;
        v = v * 10 + (guint64)(*s - '0');
    }
    if (s < end && *s++ != ';')
        return FALSE;
    *fen = (int64_t)v;
    *p = s;
    return *k >= 1 && *k <= *of;
}

static const char *
lines_intern(DxLedgerLines *lines, const char **last, const char *s)
{
    if (*last == NULL || strcmp(*last, s) != 0)
        *last = g_string_chunk_insert_const(lines->strings, s);
    return *last;
}

static gboolean
lines_add_grant(DxLedger *self, DxStmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                GError **error)
{
    DxLedgerLines *lines = user_data;
    const char *p = d->schedule.str, *end = d->schedule.str + d->schedule.len;
    gint32 approval_day = 0;
    const char *approval = dx_stmt_column_text(st, CHUNK_APPROVAL_DATE);
    DxLedgerLine l = {
        .ref_seq = dx_stmt_column_int64(st, CHUNK_SEQ),
        .ref_index = (guint32)index,
        .round_id = dx_stmt_column_int64(st, CHUNK_ROUND_ID),
        .app_id = g_string_chunk_insert_len(lines->strings, d->app_id.str, (gssize)d->app_id.len),
        .enterprise_id = g_string_chunk_insert_len(lines->strings, d->enterprise_id.str, (gssize)d->enterprise_id.len),
    };

    /* interned strings are compared by pointer later (one per policy,
     * bureau, envelope); a string compare is cheaper than the chunk's hash */
    l.policy_id = lines_intern(lines, &lines->last_policy, d->cls->c[CLASS_POLICY_ID]);
    l.bureau = lines_intern(lines, &lines->last_bureau, d->cls->c[CLASS_BUREAU]);
    l.envelope = lines_intern(lines, &lines->last_envelope, d->cls->c[CLASS_ENVELOPE]);
    if (approval != NULL && strcmp(approval, lines->last_approval) == 0) {
        approval_day = lines->last_approval_day;
    } else {
        if (approval == NULL || !dx_date_parse(approval, strlen(approval), &approval_day))
            approval_day = 0;
        g_strlcpy(lines->last_approval, approval != NULL ? approval : "", sizeof lines->last_approval);
        lines->last_approval_day = approval_day;
    }
    l.approval_day = approval_day;
    {
        DxLedgerGrant g = {
            .ref_seq = l.ref_seq, .ref_index = l.ref_index, .approval_day = approval_day, .round_id = l.round_id,
            .granted_fen = (int64_t)d->granted_fen, .app_id = l.app_id, .enterprise_id = l.enterprise_id,
            .policy_id = l.policy_id, .bureau = l.bureau, .envelope = l.envelope, .first_line = lines->lines->len,
        };

        g_array_append_val(lines->grants, g);
    }
    while (p < end) {
        if (!parse_schedule_line(&p, end, &l.installment, &l.of, &l.day, &l.amount_fen)) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                        "%s: entry %" G_GINT64_FORMAT ": the schedule of grant %" G_GUINT64_FORMAT
                        " cannot be read (run verify)",
                        self->name, l.ref_seq, index + 1);
            return FALSE;
        }
        g_array_append_val(lines->lines, l);
        g_array_index(lines->grants, DxLedgerGrant, lines->grants->len - 1).n_lines++;
    }
    return TRUE;
}

/* Decodes the records of the payments entry on @st's current row (body in
 * column @body_col, count in @n_col), calling @func on each; FALSE with
 * @error set when the body is malformed or @func says stop. */
typedef gboolean (*SettleFunc)(const DxLedgerSettle *s, gpointer user_data, GError **error);

static gboolean
payments_walk_body(DxLedger *self, DxStmt *st, int seq_col, int n_col, int body_col, SettleFunc func,
                   gpointer user_data, GError **error)
{
    gint64 n = dx_stmt_column_int64(st, n_col);
    const void *body = dx_stmt_column_blob(st, body_col);   /* before _bytes, as SQLite asks */
    LedgerReader r;

    dx_ledger_reader_init(&r, self, body, (gsize)dx_stmt_column_bytes(st, body_col));
    for (gint64 i = 0; i < n; i++) {
        guint64 ref_seq, ref_index, k, kind, amount;
        LedgerStr ent, env, reasons;
        DxLedgerSettle s;
        g_autofree char *e = NULL, *v = NULL, *why = NULL;

        if (!dx_ledger_read_uint(&r, &ref_seq) || !dx_ledger_read_uint(&r, &ref_index) ||
            !dx_ledger_read_uint(&r, &k) || !dx_ledger_read_uint(&r, &kind) || !dx_ledger_read_amount(&r, &amount) ||
            !dx_ledger_read_str(&r, &ent) || !dx_ledger_read_str(&r, &env) || !dx_ledger_read_str(&r, &reasons) ||
            ref_seq > (guint64)G_MAXINT64 || ref_index > G_MAXUINT32 || k > G_MAXUINT32 || kind > DX_SETTLE_FORFEITED) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                        "%s: entry %" G_GINT64_FORMAT ": payment record %" G_GINT64_FORMAT " cannot be decoded"
                        " (run verify)",
                        self->name, (gint64)dx_stmt_column_int64(st, seq_col), i + 1);
            return FALSE;
        }
        e = g_strndup(ent.str, ent.len);
        v = g_strndup(env.str, env.len);
        why = g_strndup(reasons.str, reasons.len);
        s = (DxLedgerSettle){
            .ref_seq = (gint64)ref_seq, .ref_index = (guint32)ref_index, .installment = (guint32)k,
            .kind = (DxSettleKind)kind, .amount_fen = (int64_t)amount, .enterprise_id = e, .envelope = v,
            .reasons = why,
        };
        if (!func(&s, user_data, error))
            return FALSE;
    }
    if (r.p != r.end) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: entry %" G_GINT64_FORMAT ": bytes follow its last payment record (run verify)", self->name,
                    (gint64)dx_stmt_column_int64(st, seq_col));
        return FALSE;
    }
    return TRUE;
}


static gboolean
lines_apply_settle(const DxLedgerSettle *s, gpointer user_data, GError **error)
{
    LinesApply *a = user_data;
    DxLedgerLine *l = dx_ledger_lines_find(a->lines, s->ref_seq, s->ref_index, s->installment);

    if (l == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: payment run %" G_GINT64_FORMAT " settles a line no grant has (run verify)", a->ledger->name,
                    a->payrun);
        return FALSE;
    }
    if (s->kind == DX_SETTLE_HELD) {
        l->held_by = a->payrun;
    } else if (l->state == DX_LINE_SCHEDULED) {
        l->state = s->kind == DX_SETTLE_PAID ? DX_LINE_PAID : DX_LINE_FORFEITED;
        l->settled_by = a->payrun;
    }
    return TRUE;
}

gboolean
dx_ledger_read_lines(DxLedger *self, const char *fund_id, DxLedgerLines *lines, GError **error)
{
    static const char grants_sql[] =
        "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries " LEDGER_GRANTS_WHERE " AND kind = 'decisions' ORDER BY seq";
    /* revocations, payment runs, claw-backs and receipts in the order they happened */
    static const char after_sql[] =
        "SELECT seq, kind, round_id, ref_seq, ref_index, n_decisions, body, award_fen, approval_date FROM entries"
        " WHERE kind IN ('revoke', 'payrun', 'payments', 'clawback', 'review', 'refund') AND fund_id = ?1 ORDER BY seq";
    DxStmt *st;
    gboolean ok = TRUE;
    int rc;

    g_return_val_if_fail(self != NULL && fund_id != NULL && lines != NULL, FALSE);

    st = dx_ledger_prepare(self, grants_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    ok = dx_ledger_walk_grants(self, st, lines_add_grant, lines, error);
    dx_stmt_finalize(st);
    if (!ok)
        return FALSE;

    st = dx_ledger_prepare(self, after_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    while (ok && (rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        const char *kind = dx_stmt_column_text(st, 1);

        if (g_strcmp0(kind, "payrun") == 0) {
            /* the latest run, even one that settled and held nothing */
            lines->last_payrun = MAX(lines->last_payrun, dx_stmt_column_int64(st, 0));
        } else if (g_strcmp0(kind, "clawback") == 0 || g_strcmp0(kind, "review") == 0) {
            ok = dx_ledger_clawback_walk_body(self, st, 0, 5, 6, 8, dx_ledger_lines_apply_clawback, lines, error);
        } else if (g_strcmp0(kind, "refund") == 0) {
            DxLedgerGrant *g = dx_ledger_lines_find_grant(lines, dx_stmt_column_int64(st, 3),
                                                          (guint32)dx_stmt_column_int64(st, 4));

            if (g != NULL)
                g->refund_received_fen += dx_stmt_column_int64(st, 7);
        } else if (g_strcmp0(kind, "revoke") == 0) {
            /* a revocation cancels every line of its grant still open */
            gint64 ref_seq = dx_stmt_column_int64(st, 3);
            guint32 ref_index = (guint32)dx_stmt_column_int64(st, 4);
            DxLedgerGrant *g = dx_ledger_lines_find_grant(lines, ref_seq, ref_index);

            if (g != NULL)
                g->revoked = TRUE;

            for (guint32 k = 1;; k++) {
                DxLedgerLine *l = dx_ledger_lines_find(lines, ref_seq, ref_index, k);

                if (l == NULL)
                    break;
                if (l->state == DX_LINE_SCHEDULED) {
                    l->state = DX_LINE_CANCELLED;
                    l->settled_by = dx_stmt_column_int64(st, 0);
                }
            }
        } else {
            LinesApply a = { self, lines, dx_stmt_column_int64(st, 2) };

            lines->last_payrun = MAX(lines->last_payrun, a.payrun);
            ok = payments_walk_body(self, st, 0, 5, 6, lines_apply_settle, &a, error);
        }
    }
    dx_stmt_finalize(st);
    if (ok && rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    if (ok)
        dx_ledger_lines_sum_grants(lines);
    return ok;
}

/* ----------------------------------------------------------- a payment run */

gboolean
dx_ledger_begin_payrun(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL && !self->in_round, FALSE);
    if (!dx_ledger_begin(self, error))
        return FALSE;
    self->in_payrun = TRUE;
    return TRUE;
}

gboolean
dx_ledger_begin_read(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL && !self->in_round, FALSE);
    /* deferred: the first read takes a snapshot, and no write lock is
     * needed, so a read-only ledger can be read this way */
    if (!dx_store_exec(self->store, "BEGIN"))
        return dx_ledger_fail(self, error, "cannot read the ledger");
    self->in_payrun = TRUE;
    return TRUE;
}

void
dx_ledger_abort_payrun(DxLedger *self)
{
    g_return_if_fail(self != NULL);
    self->in_payrun = FALSE;
    dx_ledger_rollback(self);
}

static void
payments_encode(LedgerBuf *b, const DxLedgerSettle *s)
{
    dx_ledger_buf_put_uint(b, (guint64)s->ref_seq);
    dx_ledger_buf_put_uint(b, s->ref_index);
    dx_ledger_buf_put_uint(b, s->installment);
    dx_ledger_buf_put_uint(b, (guint64)s->kind);
    dx_ledger_buf_put_uint(b, (guint64)s->amount_fen);
    dx_ledger_buf_put_str(b, s->enterprise_id);
    dx_ledger_buf_put_str(b, s->envelope);
    dx_ledger_buf_put_str(b, s->reasons);
}

/* Every settlement names a line of the ledger that is still scheduled,
 * with its own amount, enterprise and envelope, at most once per run. */
static gboolean
payrun_check(DxLedger *self, const DxLedgerLines *lines, const DxLedgerSettle *settles, gsize n, GError **error)
{
    /* by the line's place in @lines: a million settlements, one allocation */
    g_autofree guint8 *seen = g_new0(guint8, MAX(lines->lines->len, 1));
    const DxLedgerLine *first = (const DxLedgerLine *)(void *)lines->lines->data;

    for (gsize i = 0; i < n; i++) {
        const DxLedgerSettle *s = &settles[i];
        DxLedgerLine *l = dx_ledger_lines_find(lines, s->ref_seq, s->ref_index, s->installment);
        const char *why = NULL;

        if (l == NULL)
            why = "no such line";
        else if (l->state != DX_LINE_SCHEDULED)
            why = "the line is settled already";
        else if (s->amount_fen != l->amount_fen || g_strcmp0(s->enterprise_id, l->enterprise_id) != 0 ||
                 g_strcmp0(s->envelope, l->envelope) != 0)
            why = "the record does not match the line";
        else if (seen[l - first]++)
            why = "the line is settled twice in the run";
        if (why != NULL) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: payment run: line %u of grant %" G_GINT64_FORMAT "/%u: %s", self->name, s->installment,
                        s->ref_seq, s->ref_index, why);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
dx_ledger_append_payrun(DxLedger *self, const DxLedgerLines *lines, const DxLedgerPayrunInfo *info,
                        const DxLedgerSettle *settles, gsize n_settles, gint64 *payrun_id, GError **error)
{
    g_autofree char *now = NULL;
    LedgerBuf body = { 0 };
    int64_t paid = 0, forfeited = 0;
    gint64 header = 0;

    g_return_val_if_fail(self != NULL && lines != NULL && info != NULL, FALSE);
    g_return_val_if_fail(info->fund_id != NULL && info->through != NULL, FALSE);
    g_return_val_if_fail(settles != NULL || n_settles == 0, FALSE);

    self->in_payrun = FALSE;   /* nothing more is read before the commit */
    if (!payrun_check(self, lines, settles, n_settles, error))
        goto fail;
    for (gsize i = 0; i < n_settles; i++) {
        if (settles[i].kind == DX_SETTLE_PAID)
            paid += settles[i].amount_fen;
        else if (settles[i].kind == DX_SETTLE_FORFEITED)
            forfeited += settles[i].amount_fen;
    }

    now = dx_ledger_now_utc();
    {
        LedgerEntry e = {
            .round_id = self->head_seq + 1,
            .kind = "payrun",
            .fund_id = info->fund_id,
            .created_at = now,
            .approval_date = info->through,
            .award_fen = paid,
            .granted_fen = forfeited,
            .detail = info->detail != NULL ? info->detail : "",
            .ruleset_sha256 = info->ruleset_sha256 != NULL ? info->ruleset_sha256 : "",
            .input_sha256 = info->checks_sha256 != NULL ? info->checks_sha256 : "",
            .n_decisions = (gint64)n_settles,
        };

        if (!dx_ledger_append(self, &e, &header, error))
            goto fail;
    }
    for (gsize at = 0; at < n_settles; at += LEDGER_CHUNK) {
        gsize n = MIN((gsize)LEDGER_CHUNK, n_settles - at);
        int64_t cp = 0, cf = 0;
        LedgerEntry e = {
            .round_id = header,
            .kind = "payments",
            .fund_id = info->fund_id,
            .created_at = now,
            .approval_date = info->through,
            .n_decisions = (gint64)n,
        };

        body.len = 0;
        for (gsize i = at; i < at + n; i++) {
            payments_encode(&body, &settles[i]);
            if (settles[i].kind == DX_SETTLE_PAID)
                cp += settles[i].amount_fen;
            else if (settles[i].kind == DX_SETTLE_FORFEITED)
                cf += settles[i].amount_fen;
        }
        e.award_fen = cp;
        e.granted_fen = cf;
        e.body = body.data;
        e.body_len = body.len;
        if (!dx_ledger_append(self, &e, NULL, error))
            goto fail;
    }
    dx_ledger_buf_clear(&body);
    if (payrun_id != NULL)
        *payrun_id = header;
    return TRUE;
fail:
    dx_ledger_buf_clear(&body);
    dx_ledger_rollback(self);
    return FALSE;
}

gboolean
dx_ledger_finish_payrun(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return dx_ledger_commit(self, error);
}

gboolean
dx_ledger_commit_payrun(DxLedger *self, const DxLedgerLines *lines, const DxLedgerPayrunInfo *info,
                        const DxLedgerSettle *settles, gsize n_settles, gint64 *payrun_id, GError **error)
{
    gint64 id = 0;

    if (!dx_ledger_append_payrun(self, lines, info, settles, n_settles, &id, error) ||
        !dx_ledger_finish_payrun(self, error))
        return FALSE;
    if (payrun_id != NULL)
        *payrun_id = id;
    return TRUE;
}

/* ------------------------------------------------ what forfeits give back */

static gint64
grant_key(gint64 ref_seq, gint64 ref_index)
{
    return ref_seq * LEDGER_CHUNK + ref_index;   /* ref_index < LEDGER_CHUNK */
}

typedef struct {
    GHashTable *revoked;   /* grant_key -> itself, boxed */
    DxPriorBook *book;
} ForfeitScan;

static gboolean
forfeit_credit(const DxLedgerSettle *s, gpointer user_data, GError **error)
{
    ForfeitScan *f = user_data;
    gint64 key = grant_key(s->ref_seq, s->ref_index);

    (void)error;
    /* a revoked grant gives back all it had, in its revoke entry */
    if (s->kind != DX_SETTLE_FORFEITED || g_hash_table_contains(f->revoked, &key))
        return TRUE;
    dx_prior_book_add_envelope_charge(f->book, s->envelope, -s->amount_fen);
    dx_prior_book_add_fund_credit(f->book, s->enterprise_id, s->amount_fen);
    return TRUE;
}

gboolean
dx_ledger_load_forfeits(DxLedger *self, const char *fund_id, DxPriorBook *book, gint64 before, GError **error)
{
    static const char revoked_sql[] =
        "SELECT ref_seq, ref_index FROM entries WHERE kind = 'revoke' AND fund_id = ?1 AND seq < ?2";
    /* only entries with forfeits: granted_fen is their forfeited sum */
    static const char payments_sql[] =
        "SELECT seq, n_decisions, body FROM entries " LEDGER_GRANTS_WHERE " AND kind = 'payments' AND seq < ?2"
        " ORDER BY seq";
    g_autoptr(GHashTable) revoked = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    ForfeitScan f = { revoked, book };
    DxStmt *st;
    gboolean ok = TRUE;
    int rc;

    st = dx_ledger_prepare(self, revoked_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        gint64 *key = g_new(gint64, 1);

        *key = grant_key(dx_stmt_column_int64(st, 0), dx_stmt_column_int64(st, 1));
        g_hash_table_add(revoked, key);
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");

    st = dx_ledger_prepare(self, payments_sql, error);
    if (st == NULL)
        return FALSE;
    dx_stmt_bind_text(st, 1, fund_id, -1);
    dx_stmt_bind_int64(st, 2, before);
    while (ok && (rc = dx_stmt_step(st)) == DX_STMT_ROW)
        ok = payments_walk_body(self, st, 0, 1, 2, forfeit_credit, &f, error);
    dx_stmt_finalize(st);
    if (ok && rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    /* cancelled lines and refunds received come back the same way */
    return ok && dx_ledger_load_clawback_credits(self, fund_id, book, before, error);
}

/* ------------------------------------------------------ revoke's question */

typedef struct {
    gint64 ref_seq, ref_index;
    gboolean paid;
} PaidScan;

static gboolean
paid_scan(const DxLedgerSettle *s, gpointer user_data, GError **error)
{
    PaidScan *p = user_data;

    (void)error;
    if (s->kind == DX_SETTLE_PAID && s->ref_seq == p->ref_seq && (gint64)s->ref_index == p->ref_index)
        p->paid = TRUE;
    return TRUE;
}

gboolean
dx_ledger_grant_has_paid_line(DxLedger *self, gint64 ref_seq, gint64 ref_index, gboolean *paid, GError **error)
{
    /* award_fen of a payments entry is what it paid: entries that paid
     * nothing are skipped unread */
    DxStmt *st = dx_ledger_prepare(self,
                                         "SELECT seq, n_decisions, body FROM entries"
                                         " WHERE kind = 'payments' AND award_fen > 0 ORDER BY seq",
                                         error);
    PaidScan p = { ref_seq, ref_index, FALSE };
    gboolean ok = TRUE;
    int rc;

    if (st == NULL)
        return FALSE;
    while (ok && !p.paid && (rc = dx_stmt_step(st)) == DX_STMT_ROW)
        ok = payments_walk_body(self, st, 0, 1, 2, paid_scan, &p, error);
    dx_stmt_finalize(st);
    if (ok && !p.paid && rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    *paid = p.paid;
    return ok;
}

/* ----------------------------------------------------------------- verify */

typedef struct {
    int64_t paid, forfeited;
} VerifySums;

static gboolean
verify_sum(const DxLedgerSettle *s, gpointer user_data, GError **error)
{
    VerifySums *v = user_data;

    (void)error;
    if (s->kind == DX_SETTLE_PAID)
        v->paid += s->amount_fen;
    else if (s->kind == DX_SETTLE_FORFEITED)
        v->forfeited += s->amount_fen;
    return TRUE;
}

gboolean
dx_ledger_check_payments(DxLedger *self, DxStmt *st, GString *what)
{
    g_autoptr(GError) local = NULL;
    VerifySums v = { 0 };

    if (!payments_walk_body(self, st, COL_SEQ, COL_N_DECISIONS, COL_BODY, verify_sum, &v, &local)) {
        const char *m = strstr(local->message, ": payment");
        const char *b = strstr(local->message, ": bytes");

        g_string_append(what, m != NULL ? m + 2 : b != NULL ? b + 2 : local->message);
        return FALSE;
    }
    if (v.paid != dx_stmt_column_int64(st, COL_AWARD_FEN) || v.forfeited != dx_stmt_column_int64(st, COL_GRANTED_FEN)) {
        g_string_append(what, "its records do not add up to its award_fen (paid) and granted_fen (forfeited)");
        return FALSE;
    }
    return TRUE;
}

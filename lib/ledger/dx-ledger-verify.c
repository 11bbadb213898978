/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * verify: the chain recomputed from the stored columns, every body
 * decoded, every round checked against its header.
 */
#include "ledger/dx-ledger-impl-private.h"
#include "base/dx-out-private.h"
#include "base/dx-num-private.h"
#include "output/dx-summary-private.h"
#include "decide/dx-decision-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ----------------------------------------------------------------- verify */

/* "entry 42 (round 3, revoke WC-0007 FIN-HQ)"; a decisions entry names
 * its decisions by their place in the round, from @first. */
static void
ledger_describe(GString *out, DxStmt *st, guint64 first)
{
    const char *kind = dx_stmt_column_text(st, COL_KIND);
    const int cols[] = { COL_KIND, COL_APP_ID, COL_POLICY_ID };

    g_string_append_printf(out, "entry %" G_GINT64_FORMAT " (round %" G_GINT64_FORMAT ",",
                           (gint64)dx_stmt_column_int64(st, COL_SEQ), (gint64)dx_stmt_column_int64(st, COL_ROUND_ID));
    if (g_strcmp0(kind, "decisions") == 0) {
        gint64 n = dx_stmt_column_int64(st, COL_N_DECISIONS);

        if (n > 0)
            g_string_append_printf(out, " decisions %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")", first,
                                   first + (guint64)n - 1);
        else
            g_string_append(out, " decisions)");
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(cols); i++) {
        const char *t = dx_stmt_column_text(st, cols[i]);

        if (t != NULL && *t != '\0')
            g_string_append_printf(out, " %s", t);
    }
    g_string_append(out, ")");
}

/* Adds @v to @sum unless that overflows or @v is negative. */
static gboolean
ledger_sum(gint64 *sum, gint64 v)
{
    if (v < 0 || *sum > G_MAXINT64 - v)
        return FALSE;
    *sum += v;
    return TRUE;
}

/* Decodes the body of the decisions entry on the current row; on failure
 * appends why to @what (which the caller prefixed), naming the decision
 * by its place in the round (from @first). */
static gboolean
ledger_check_chunk(DxLedger *self, DxStmt *st, guint64 first, GString *what)
{
    gint64 n = dx_stmt_column_int64(st, COL_N_DECISIONS);
    gint64 award = 0, granted = 0;
    gboolean overflow = FALSE;
    const void *body;
    LedgerReader r;
    LedgerRecord d;

    body = dx_stmt_column_blob(st, COL_BODY);   /* before _bytes, as SQLite asks */
    dx_ledger_reader_init(&r, self, body, (gsize)dx_stmt_column_bytes(st, COL_BODY));
    for (gint64 i = 0; i < n; i++) {
        const guint8 *at = r.p;

        if (!dx_ledger_read_decision(&r, &d)) {
            g_string_append_printf(what, "decision %" G_GUINT64_FORMAT " cannot be decoded at byte %" G_GSIZE_FORMAT
                                   " of the body",
                                   first + (guint64)i, (gsize)(at - r.start));
            return FALSE;
        }
        overflow |= !ledger_sum(&award, (gint64)d.award_fen) || !ledger_sum(&granted, (gint64)d.granted_fen);
    }
    if (r.p != r.end) {
        g_string_append_printf(what, "bytes follow its last decision, from byte %" G_GSIZE_FORMAT " of the body",
                               (gsize)(r.p - r.start));
        return FALSE;
    }
    if (overflow || award != dx_stmt_column_int64(st, COL_AWARD_FEN) ||
        granted != dx_stmt_column_int64(st, COL_GRANTED_FEN)) {
        g_string_append(what, "its decisions do not add up to its award_fen and granted_fen");
        return FALSE;
    }
    return TRUE;
}

/* What verify knows of the round whose decisions entries it is reading. */
typedef struct {
    gboolean open;             /* a header was read, and no other kind since */
    gboolean payrun;           /* the header is a payment run's: payments entries follow it */
    gint64 id;
    char *describe;            /* its header's "entry N (...)" */
    gint64 declared_n, declared_granted;
    gint64 n, granted;         /* in its decisions entries so far */
    gboolean overflow;
} LedgerVerifyRound;

/* The round ends (another kind of entry, or the end): its entries must
 * hold what its header declares. */
static gboolean
ledger_close_round(LedgerVerifyRound *round, GString **what)
{
    gboolean ok = !round->open ||
                  (!round->overflow && round->n == round->declared_n && round->granted == round->declared_granted);

    if (!ok)
        *what = g_string_new(NULL);
    if (!ok && round->overflow)
        g_string_printf(*what, "%s: its decisions entries overflow their sums", round->describe);
    else if (!ok && round->payrun)
        g_string_printf(*what,
                        "%s: the payment run declares %" G_GINT64_FORMAT " records forfeiting %" G_GINT64_FORMAT
                        " fen, but the payments entries after it hold %" G_GINT64_FORMAT " forfeiting %" G_GINT64_FORMAT
                        " fen",
                        round->describe, round->declared_n, round->declared_granted, round->n, round->granted);
    else if (!ok)
        g_string_printf(*what,
                        "%s: the round declares %" G_GINT64_FORMAT " decisions granting %" G_GINT64_FORMAT
                        " fen, but the decisions entries after it hold %" G_GINT64_FORMAT " granting %" G_GINT64_FORMAT
                        " fen",
                        round->describe, round->declared_n, round->declared_granted, round->n, round->granted);
    round->open = FALSE;
    g_clear_pointer(&round->describe, g_free);
    return ok;
}

/* The walk behind dx_ledger_verify() and dx_ledger_verify_through():
 * with @expect_head, the chain must also pass through that hash, which a
 * truncated or recomputed ledger does not (the head was kept elsewhere). */
static gboolean
ledger_verify_walk(DxLedger *self, const char *expect_head, uint64_t *n_entries, GError **error)
{
    gboolean seen_head = FALSE;
    g_autoptr(GString) sql = g_string_new("SELECT ");
    g_autoptr(GString) what = NULL;
    LedgerVerifyRound round = { 0 };
    /* each clawed-back grant's claim left, for its receipts */
    g_autoptr(GHashTable) due = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    char prev[65], hash[65];
    gint64 expected = 1;
    uint64_t n = 0;
    DxStmt *st;
    int rc;

    for (int i = 0; i < N_COLS; i++)
        g_string_append_printf(sql, "%s%s", i > 0 ? ", " : "", ledger_columns[i]);
    g_string_append(sql, " FROM entries ORDER BY seq");
    st = dx_ledger_prepare(self, sql->str, error);
    if (st == NULL)
        return FALSE;
    memcpy(prev, LEDGER_ZERO_HASH, 65);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        gint64 seq = dx_stmt_column_int64(st, COL_SEQ);
        const char *prev_hash = dx_stmt_column_text(st, COL_PREV_HASH);
        const char *kind = dx_stmt_column_text(st, COL_KIND);
        gboolean is_payments = g_strcmp0(kind, "payments") == 0;
        gboolean is_chunk = g_strcmp0(kind, "decisions") == 0 || is_payments;
        guint64 first = round.open ? (guint64)round.n + 1 : 1;
        const char *stored;

        if (seq != expected) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            if (seq > expected)
                g_string_append_printf(what, ": entry %" G_GINT64_FORMAT " is missing", expected);
            else
                g_string_append_printf(what, ": out of sequence (expected entry %" G_GINT64_FORMAT ")", expected);
            break;
        }
        if (dx_stmt_column_type(st, COL_PREV_HASH) != DX_STORE_TEXT || strcmp(prev_hash, prev) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, expected == 1 ? ": prev_hash is not the chain's start"
                                                : ": prev_hash does not match the previous entry's hash");
            break;
        }
        dx_ledger_canon_begin(self);
        for (int c = 0; c < N_COLS; c++) {
            if (c != COL_HASH)
                dx_ledger_canon_column(self, st, c);
        }
        dx_ledger_canon_end(self, hash);
        stored = dx_stmt_column_text(st, COL_HASH);
        if (dx_stmt_column_type(st, COL_HASH) != DX_STORE_TEXT || strcmp(stored, hash) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, ": hash does not match");
            if (is_chunk && !is_payments) {
                /* a hint at where, if the edit broke the encoding */
                g_autoptr(GString) hint = g_string_new(" (");

                if (!ledger_check_chunk(self, st, first, hint))
                    g_string_append_printf(what, "%s)", hint->str);
            }
            break;
        }
        if (is_chunk) {
            if (!round.open || dx_stmt_column_int64(st, COL_ROUND_ID) != round.id || round.payrun != is_payments) {
                what = g_string_new(NULL);
                ledger_describe(what, st, first);
                g_string_append(what, ": not part of the round before it");
                break;
            }
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, ": ");
            if (is_payments ? !dx_ledger_check_payments(self, st, what) : !ledger_check_chunk(self, st, first, what))
                break;
            g_string_free(g_steal_pointer(&what), TRUE);
            round.overflow |= !ledger_sum(&round.n, dx_stmt_column_int64(st, COL_N_DECISIONS)) ||
                              !ledger_sum(&round.granted, dx_stmt_column_int64(st, COL_GRANTED_FEN));
        } else {
            if (!ledger_close_round(&round, &what))
                break;
            if (g_strcmp0(kind, "clawback") == 0 || g_strcmp0(kind, "review") == 0 ||
                g_strcmp0(kind, "refund") == 0) {
                what = g_string_new(NULL);
                ledger_describe(what, st, 1);
                g_string_append(what, ": ");
                if (g_strcmp0(kind, "refund") == 0 ? !dx_ledger_check_refund(self, st, due, what)
                                                   : !dx_ledger_check_clawback(self, st, due, what))
                    break;
                g_string_free(g_steal_pointer(&what), TRUE);
            }
            if (g_strcmp0(kind, "round") == 0 || g_strcmp0(kind, "payrun") == 0) {
                g_autoptr(GString) d = g_string_new(NULL);

                ledger_describe(d, st, 1);
                round = (LedgerVerifyRound){
                    .open = TRUE,
                    .payrun = g_strcmp0(kind, "payrun") == 0,
                    .id = seq,
                    .describe = g_string_free(g_steal_pointer(&d), FALSE),
                    .declared_n = dx_stmt_column_int64(st, COL_N_DECISIONS),
                    .declared_granted = dx_stmt_column_int64(st, COL_GRANTED_FEN),
                };
            }
        }
        if (expect_head != NULL && g_ascii_strcasecmp(hash, expect_head) == 0)
            seen_head = TRUE;
        memcpy(prev, hash, 65);
        expected++;
        n++;
    }
    dx_stmt_finalize(st);
    if (what == NULL && rc == DX_STMT_DONE)
        ledger_close_round(&round, &what);
    g_clear_pointer(&round.describe, g_free);
    if (n_entries != NULL)
        *n_entries = n;
    if (what != NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT, "%s: %s", self->name, what->str);
        return FALSE;
    }
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    if (expect_head != NULL && !seen_head) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: the chain does not pass through the expected head %s (entries were dropped, or the "
                    "ledger was rewritten)",
                    self->name, expect_head);
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_ledger_verify(DxLedger *self, uint64_t *n_entries, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    return ledger_verify_walk(self, NULL, n_entries, error);
}

gboolean
dx_ledger_verify_through(DxLedger *self, const char *expect_head, uint64_t *n_entries, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(expect_head != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    return ledger_verify_walk(self, expect_head, n_entries, error);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Claw-backs, reviews and refund receipts in the ledger
 * (lib/ledger/dx-ledger-clawback.c) and their public face
 * (lib/fund/dx-clawback-run.c, dx-ledger-view.c), on the 0.1 release's
 * ledger (tests/data/ledger/wuchang-2022-v3.db, schema 3: opening it for
 * writing migrates it, and the new kinds must then be accepted).
 *
 * Hand-worked from its schedule.csv: WC2022-00003 and WC2022-00009 each
 * hold a COM-XS grant of 1/3 5000000 fen on 2022-06-30, 2/3 2000000 on
 * 2023-06-30 and 3/3 2178418 on 2024-06-30, in the commerce envelope. A
 * payment run through 2022-12-31 pays each 1/3 line. A review breach of
 * WC2022-00009 on 2023-06-30 under a 60-month pro_rata commitment
 * (2022-06-30 to 2027-06-30: 1826 days, 1461 left) asks back
 * floor(5000000 × 1461 / 1826) = 4000547 fen (python's integer division).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "duixian/duixian.h"
#include "ledger/dx-ledger-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "fund/dx-clawback-private.h"
#include "input/dx-prior-private.h"
#include "base/dx-num-private.h"
#include "dx-test-helpers.h"

#define FUND "GZXX/344001/004"

typedef struct {
    char *dir, *path;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    g_autofree char *src = dx_test_data_path("ledger", "wuchang-2022-v3.db");
    g_autofree char *bytes = NULL;
    gsize len = 0;

    f->dir = g_dir_make_tmp("dx-clawback-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "ledger.db", NULL);
    bytes = dx_test_read_file(src, &len);
    assert_true(g_file_set_contents(f->path, bytes, (gssize)len, NULL));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
    g_free(f);
    return 0;
}

static DxLedger *
open_rw(const Fixture *f)
{
    g_autoptr(GError) error = NULL;
    DxLedger *l = dx_ledger_open(f->path, &error);

    if (l == NULL)
        fail_msg("%s", error->message);
    return l;
}

/* Pays every line dated on or before @through. */
static void
pay_through(DxLedger *l, const char *through)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) s = g_array_new(FALSE, TRUE, sizeof(DxLedgerSettle));
    DxLedgerPayrunInfo info = { FUND, through, "", "", "{}" };
    DxLedgerLines lines;
    gint32 day = 0;

    assert_true(dx_date_parse(through, 10, &day));
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_payrun(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    for (guint i = 0; i < lines.lines->len; i++) {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, i);
        DxLedgerSettle one = { x->ref_seq, x->ref_index, x->installment, DX_SETTLE_PAID, x->amount_fen,
                               x->enterprise_id, x->envelope, "" };

        if (x->state == DX_LINE_SCHEDULED && x->day <= day)
            g_array_append_val(s, one);
    }
    assert_true(dx_ledger_commit_payrun(l, &lines, &info, (const DxLedgerSettle *)(void *)s->data, s->len, NULL,
                                        &error));
    dx_ledger_lines_clear(&lines);
}

static const DxLedgerGrant *
find(const DxLedgerLines *lines, const char *app, const char *policy)
{
    for (guint i = 0; i < lines->grants->len; i++) {
        const DxLedgerGrant *g = &g_array_index(lines->grants, DxLedgerGrant, i);

        if (strcmp(g->app_id, app) == 0 && strcmp(g->policy_id, policy) == 0)
            return g;
    }
    fail_msg("no grant %s %s", app, policy);
    return NULL;
}

static void
assert_verifies(DxLedger *l)
{
    g_autoptr(GError) error = NULL;
    uint64_t n = 0;

    if (!dx_ledger_verify(l, &n, &error))
        fail_msg("%s", error->message);
}

/* What a round would see: envelope and fund-cap charges, policy use. */
static void
prior(DxLedger *l, DxPriorBook *book)
{
    g_autoptr(GError) error = NULL;

    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_load_prior(l, FUND, book, 0, &error));
    dx_ledger_abort_round(l);
}

/* A review with two breaches, one paid (pro_rata) and one unpaid-but-
 * scheduled, then the refusals; the grants' state, what a later round
 * sees, and verify. */
static void
test_review_breaches(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxPriorBook) before = dx_prior_book_new();
    g_autoptr(DxPriorBook) after = dx_prior_book_new();
    g_autofree char *head = NULL, *head2 = NULL;
    DxLedgerLines lines;
    const DxLedgerGrant *g3, *g9;
    DxLedgerClawback items[2];
    DxLedgerReviewInfo info = { FUND, "2023-06-30", "rules-sha", "checks-sha", "{\"reviewed\": 5}" };
    int64_t due9 = 0, r0, r1;
    gboolean t0, t1;
    gint64 id = 0;
    gint32 a = 0, e = 0, d = 0;

    pay_through(l, "2022-12-31");
    prior(l, before);

    /* the pro-rata claim, by the fund layer's arithmetic: 4000547 by hand */
    assert_true(dx_date_parse("2022-06-30", 10, &a));
    assert_true(dx_date_parse("2023-06-30", 10, &d));
    e = dx_commitment_period_end(a, 60);
    assert_true(dx_refund_due(DX_REFUND_PRO_RATA, 5000000, a, e, d, &due9, &error));
    assert_int_equal(due9, 4000547);

    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_clawback(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    g3 = find(&lines, "WC2022-00003", "COM-XS");
    g9 = find(&lines, "WC2022-00009", "COM-XS");
    assert_int_equal(g9->paid_fen, 5000000);
    assert_int_equal(g9->scheduled_fen, 4178418);
    items[0] = (DxLedgerClawback){ g9->ref_seq, g9->ref_index, 5000000, 4178418, due9, g9->enterprise_id,
                                   g9->envelope, "commitment_breached" };
    items[1] = (DxLedgerClawback){ g3->ref_seq, g3->ref_index, 5000000, 4178418, 5000000, g3->enterprise_id,
                                   g3->envelope, "commitment_breached" };
    assert_true(dx_ledger_commit_clawbacks(l, &lines, TRUE, &info, items, 2, &id, &error));
    dx_ledger_lines_clear(&lines);
    assert_true(id > 0);
    assert_verifies(l);

    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    g9 = find(&lines, "WC2022-00009", "COM-XS");
    assert_int_equal(g9->clawed_back_by, id);
    assert_int_equal(g9->refund_due_fen, 4000547);
    assert_int_equal(g9->cancelled_fen, 4178418);
    assert_int_equal(g9->scheduled_fen, 0);
    assert_int_equal(g9->paid_fen, 5000000);
    for (guint k = 0; k < g9->n_lines; k++) {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, g9->first_line + k);

        assert_int_equal(x->state, x->installment == 1 ? DX_LINE_PAID : DX_LINE_CANCELLED);
    }
    dx_ledger_lines_clear(&lines);

    /* §15: both grants' cancelled lines go back to commerce and to each
     * enterprise's room; policy use (once) stays */
    prior(l, after);
    assert_int_equal(dx_prior_book_get_envelope_charged(after, "commerce"),
                     dx_prior_book_get_envelope_charged(before, "commerce") - 2 * 4178418);
    assert_int_equal(dx_prior_book_get_fund_charged(after, "914201060XQXJBUTC2"),
                     dx_prior_book_get_fund_charged(before, "914201060XQXJBUTC2") - 4178418);
    dx_prior_book_get_policy(before, "914201060XQXJBUTC2", "COM-XS", &r0, &t0);
    dx_prior_book_get_policy(after, "914201060XQXJBUTC2", "COM-XS", &r1, &t1);
    assert_int_equal(r0, r1);
    assert_true(t0 && t1);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"),
                     dx_prior_book_get_envelope_charged(after, "commerce"));

    /* refusals, each leaving the head where it was */
    head = dx_ledger_dup_head_hash(l);
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_clawback(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    assert_false(dx_ledger_commit_clawbacks(l, &lines, TRUE, &info, items, 1, NULL, &error));
    assert_non_null(strstr(error->message, "clawed back already"));
    g_clear_error(&error);
    dx_ledger_lines_clear(&lines);
    {
        const DxLedgerGrant *g30;
        DxLedgerClawback bad;

        dx_ledger_lines_init(&lines);
        assert_true(dx_ledger_begin_clawback(l, &error));
        assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
        g30 = find(&lines, "WC2022-00030", "COM-XS");
        /* the cancelled sum must be the grant's scheduled lines */
        bad = (DxLedgerClawback){ g30->ref_seq, g30->ref_index, 5000000, 4178417, 5000000, g30->enterprise_id,
                                  g30->envelope, "x" };
        assert_false(dx_ledger_commit_clawbacks(l, &lines, TRUE, &info, &bad, 1, NULL, &error));
        assert_non_null(strstr(error->message, "does not match"));
        g_clear_error(&error);
        dx_ledger_lines_clear(&lines);
        /* a manual claw-back asks back all that was paid */
        dx_ledger_lines_init(&lines);
        assert_true(dx_ledger_begin_clawback(l, &error));
        assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
        g30 = find(&lines, "WC2022-00030", "COM-XS");
        bad = (DxLedgerClawback){ g30->ref_seq, g30->ref_index, 5000000, 4178418, 4000000, g30->enterprise_id,
                                  g30->envelope, "x" };
        assert_false(dx_ledger_commit_clawbacks(l, &lines, FALSE, &info, &bad, 1, NULL, &error));
        g_clear_error(&error);
        dx_ledger_lines_clear(&lines);
        /* the same grant twice in one review */
        dx_ledger_lines_init(&lines);
        assert_true(dx_ledger_begin_clawback(l, &error));
        assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
        g30 = find(&lines, "WC2022-00030", "COM-XS");
        bad = (DxLedgerClawback){ g30->ref_seq, g30->ref_index, 5000000, 4178418, 5000000, g30->enterprise_id,
                                  g30->envelope, "x" };
        {
            DxLedgerClawback two[2] = { bad, bad };

            assert_false(dx_ledger_commit_clawbacks(l, &lines, TRUE, &info, two, 2, NULL, &error));
            assert_non_null(strstr(error->message, "named twice"));
            g_clear_error(&error);
        }
        dx_ledger_lines_clear(&lines);
    }
    head2 = dx_ledger_dup_head_hash(l);
    assert_string_equal(head, head2);

    /* a review that breaches nothing is still an entry */
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_clawback(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    assert_true(dx_ledger_commit_clawbacks(l, &lines, TRUE, &info, NULL, 0, NULL, &error));
    dx_ledger_lines_clear(&lines);
    g_free(head2);
    head2 = dx_ledger_dup_head_hash(l);
    assert_string_not_equal(head, head2);
    assert_verifies(l);
}

/* The public API: a manual claw-back, receipts, the view (whose net
 * charged is what a round sees), and the refusals. */
static void
test_public_clawback_and_refund(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxClawback) cb = NULL;
    g_autoptr(DxLedgerView) view = NULL;
    g_autoptr(DxPriorBook) book = dx_prior_book_new();
    g_autofree char *head = NULL;
    int64_t still = -1;

    pay_through(l, "2022-12-31");
    cb = dx_clawback_manual(l, "WC2022-00003", "COM-XS", "2023-03-01", "企业迁出本区", &error);
    if (cb == NULL)
        fail_msg("%s", error->message);
    assert_int_equal(dx_clawback_get_paid_fen(cb), 5000000);
    assert_int_equal(dx_clawback_get_cancelled_fen(cb), 4178418);
    assert_int_equal(dx_clawback_get_refund_due_fen(cb), 5000000);
    head = dx_ledger_dup_head_hash(l);
    assert_string_equal(dx_clawback_get_head(cb), head);

    assert_false(dx_ledger_refund(l, "WC2022-00003", "COM-XS", 5000001, "2023-03-02", "R1", NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    assert_true(dx_ledger_refund(l, "WC2022-00003", "COM-XS", 1200000, "2023-03-02", "R1", &still, &error));
    assert_int_equal(still, 3800000);
    assert_false(dx_ledger_refund(l, "WC2022-00009", "COM-XS", 1, "2023-03-02", "R1", NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_null(dx_clawback_manual(l, "WC2022-00003", "COM-XS", "2023-03-05", "again", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_null(dx_clawback_manual(l, "WC2022-00009", "COM-XS", "2023-03-05", "  ", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    assert_false(dx_ledger_revoke(l, "WC2022-00003", "x", &error));
    assert_non_null(strstr(error->message, "clawed back"));
    g_clear_error(&error);
    assert_verifies(l);

    view = dx_ledger_view_new(l, "2023-03-02", &error);
    assert_non_null(view);
    assert_string_equal(dx_ledger_view_get_fund_id(view), FUND);
    assert_int_equal(dx_ledger_view_get_n_envelopes(view), 2);
    prior(l, book);
    for (size_t i = 0; i < dx_ledger_view_get_n_envelopes(view); i++) {
        const DxEnvelopeMoney *e = dx_ledger_view_get_envelope(view, i);

        assert_int_equal(e->net_charged_fen, dx_ledger_get_charged_fen(l, FUND, e->key));
        assert_int_equal(e->net_charged_fen, dx_prior_book_get_envelope_charged(book, e->key));
        assert_int_equal(e->granted_fen, e->paid_fen + e->scheduled_due_fen + e->scheduled_future_fen +
                                             e->forfeited_fen + e->cancelled_fen);
        if (strcmp(e->key, "commerce") == 0) {
            assert_int_equal(e->total_fen, 3000000000);
            assert_int_equal(e->cancelled_fen, 4178418);
            assert_int_equal(e->refund_due_fen, 5000000);
            assert_int_equal(e->refund_received_fen, 1200000);
            assert_int_equal(e->net_charged_fen, 3000000000 - 4178418 - 1200000);
        }
    }
    assert_int_equal(dx_ledger_view_get_n_refunds(view), 1);
    assert_string_equal(dx_ledger_view_get_refund(view, 0)->app_id, "WC2022-00003");
    assert_string_equal(dx_ledger_view_get_refund(view, 0)->date, "2023-03-01");
    assert_int_equal(dx_ledger_view_get_refund(view, 0)->received_fen, 1200000);
    assert_null(dx_ledger_view_new(l, "2023-02-29", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);

    /* in two steps: a prepared claw-back that is freed uncommitted leaves
     * nothing; committed, it leaves the head it announced */
    {
        g_autofree char *h0 = dx_ledger_dup_head_hash(l), *h1 = NULL, *h2 = NULL;
        DxClawback *p = dx_clawback_prepare(l, "WC2022-00009", "COM-XS", "2023-03-03", "x", &error);

        assert_non_null(p);
        assert_string_not_equal(dx_clawback_get_head(p), h0);
        dx_clawback_free(p);
        h1 = dx_ledger_dup_head_hash(l);
        assert_string_equal(h1, h0);
        p = dx_clawback_prepare(l, "WC2022-00009", "COM-XS", "2023-03-03", "x", &error);
        assert_non_null(p);
        assert_true(dx_clawback_commit(p, &error));
        h2 = dx_ledger_dup_head_hash(l);
        assert_string_equal(h2, dx_clawback_get_head(p));
        dx_clawback_free(p);
        assert_verifies(l);
    }
}

/* A v3 file takes the new kinds once migrated (the CHECK on kind), and a
 * read-only open of it refuses nothing it can read. */
static void
test_v3_migrates_and_takes_the_kinds(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;

    {
        g_autoptr(DxLedger) ro = dx_ledger_open_readonly(f->path, &error);
        g_autoptr(DxLedgerView) view = NULL;

        assert_non_null(ro);
        view = dx_ledger_view_new(ro, "2022-06-30", &error);
        assert_non_null(view);
        assert_int_equal(dx_ledger_view_get_n_refunds(view), 0);
        assert_verifies(ro);
    }
    {
        g_autoptr(DxLedger) l = open_rw(f);
        g_autoptr(DxClawback) cb = dx_clawback_manual(l, "WC2022-00003", "COM-XS", "2022-07-01", "x", &error);

        assert_non_null(cb);
        assert_int_equal(dx_clawback_get_refund_due_fen(cb), 0);
        assert_int_equal(dx_clawback_get_cancelled_fen(cb), 9178418);
        assert_verifies(l);
    }
}

/* held: the lines due by the view's date that the latest payment run
 * held; a later run that holds nothing clears it. */
static int64_t
commerce_held(DxLedger *l, const char *date)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedgerView) view = dx_ledger_view_new(l, date, &error);

    assert_non_null(view);
    for (size_t i = 0; i < dx_ledger_view_get_n_envelopes(view); i++) {
        if (strcmp(dx_ledger_view_get_envelope(view, i)->key, "commerce") == 0)
            return dx_ledger_view_get_envelope(view, i)->held_fen;
    }
    fail_msg("no commerce envelope");
    return -1;
}

static void
test_view_held(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    DxLedgerPayrunInfo info = { FUND, "2022-06-30", "", "", "{}" };
    DxLedgerLines lines;
    const DxLedgerGrant *g9;
    DxLedgerSettle hold;

    assert_int_equal(commerce_held(l, "2022-06-30"), 0);
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_payrun(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    g9 = find(&lines, "WC2022-00009", "COM-XS");
    hold = (DxLedgerSettle){ g9->ref_seq, g9->ref_index, 1, DX_SETTLE_HELD, 5000000, g9->enterprise_id,
                             g9->envelope, "requirement_missing" };
    assert_true(dx_ledger_commit_payrun(l, &lines, &info, &hold, 1, NULL, &error));
    dx_ledger_lines_clear(&lines);
    assert_int_equal(commerce_held(l, "2022-06-30"), 5000000);
    assert_int_equal(commerce_held(l, "2022-06-29"), 0);   /* not due by that date */
    /* the next run holds nothing: nothing is held now */
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_payrun(l, &error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    assert_true(dx_ledger_commit_payrun(l, &lines, &info, NULL, 0, NULL, &error));
    dx_ledger_lines_clear(&lines);
    assert_int_equal(commerce_held(l, "2022-06-30"), 0);
    assert_verifies(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_review_breaches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_clawback_and_refund, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v3_migrates_and_takes_the_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_held, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

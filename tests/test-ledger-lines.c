/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Installment lines and payment runs in the ledger
 * (lib/ledger/dx-ledger-lines.c), on a ledger written by the 0.1 release
 * (schema version 3: tests/data/ledger/wuchang-2022-v3.db, the README's
 * demo round, whose schedule.csv is kept beside it). The expected lines
 * and sums are read from that schedule.csv, not computed by the code
 * under test: opening the file migrates it to version 4 in one
 * transaction with every hash kept; each schedule line is a ledger line,
 * scheduled; a payment run settles lines once; a forfeit gives its fen
 * back to the envelope but not to `once`; a grant with a paid line cannot
 * be revoked; verify covers payment runs and finds an edit in one.
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

#include "duixian/dx-error.h"
#include "duixian/dx-ledger.h"
#include "ledger/dx-ledger-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "input/dx-prior-private.h"
#include "base/dx-num-private.h"
#include "dx-test-helpers.h"

#define V3_HEAD "0de28adcf8798beccc190de8f32ad748cac5ba3ae50f60fb26bb39aab7ad7c30"
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

    f->dir = g_dir_make_tmp("dx-lines-XXXXXX", NULL);
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

/* schedule.csv's lines: "app_id installment" -> amount, and the sums. */
typedef struct {
    GHashTable *amount;     /* "app_id/policy/k" -> int64 boxed */
    int64_t total, due_2022;
    guint n;
} Expected;

static void
expected_read(Expected *e)
{
    g_autofree char *path = dx_test_data_path("ledger", "wuchang-2022-v3-schedule.csv");
    g_autofree char *text = dx_test_read_file(path, NULL);
    g_auto(GStrv) rows = g_strsplit(text, "\n", -1);

    e->amount = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    e->total = e->due_2022 = 0;
    e->n = 0;
    for (guint i = 1; rows[i] != NULL && rows[i][0] != '\0'; i++) {
        /* batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future */
        g_auto(GStrv) c = g_strsplit(rows[i], ",", -1);
        int64_t *v = g_new(int64_t, 1);

        assert_int_equal(g_strv_length(c), 10);
        *v = g_ascii_strtoll(c[8], NULL, 10);
        g_hash_table_insert(e->amount, g_strdup_printf("%s/%s/%s", c[4], c[5], c[6]), v);
        e->total += *v;
        if (strcmp(c[1], "2022-12-31") <= 0)
            e->due_2022 += *v;
        e->n++;
    }
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

static char *
meta_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *v = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'version'", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void
test_lines_v3_read_then_migrated(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *v = NULL, *head = NULL;
    uint64_t n = 0;

    {
        /* read-only: read as it is, left at version 3 */
        g_autoptr(DxLedger) ro = dx_ledger_open_readonly(f->path, &error);

        assert_non_null(ro);
        assert_true(dx_ledger_verify(ro, &n, &error));
        v = meta_version(f->path);
        assert_string_equal(v, "3");
        g_clear_pointer(&v, g_free);
    }
    {
        g_autoptr(DxLedger) l = open_rw(f);

        v = meta_version(f->path);
        assert_string_equal(v, "4");
        assert_true(dx_ledger_verify(l, &n, &error));
        head = dx_ledger_dup_head_hash(l);
        assert_string_equal(head, V3_HEAD);
    }
    {
        /* a second open finds nothing to do */
        g_autoptr(DxLedger) l = open_rw(f);

        assert_non_null(l);
        g_clear_pointer(&v, g_free);
        v = meta_version(f->path);
        assert_string_equal(v, "4");
    }
}

static void
test_lines_are_the_schedule(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    DxLedgerLines lines;
    Expected e;
    int64_t sum = 0;

    expected_read(&e);
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    assert_int_equal(lines.lines->len, e.n);
    for (guint i = 0; i < lines.lines->len; i++) {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, i);
        g_autofree char *key = g_strdup_printf("%s/%s/%u", x->app_id, x->policy_id, x->installment);
        const int64_t *want = g_hash_table_lookup(e.amount, key);

        if (want == NULL)
            fail_msg("line %s is not in schedule.csv", key);
        assert_int_equal(x->amount_fen, *want);
        assert_int_equal(x->state, DX_LINE_SCHEDULED);
        sum += x->amount_fen;
    }
    assert_int_equal(sum, e.total);
    dx_ledger_lines_clear(&lines);
    g_hash_table_unref(e.amount);
}

/* Settles every line due by @through as @kind; returns the sum. */
static int64_t
run_payrun(DxLedger *l, const char *through, DxSettleKind kind, gsize max, GError **error)
{
    DxLedgerLines lines;
    g_autoptr(GArray) s = g_array_new(FALSE, TRUE, sizeof(DxLedgerSettle));
    DxLedgerPayrunInfo info = { FUND, through, "", "", "{}" };
    gint32 day = 0;
    int64_t sum = 0;
    gboolean ok;

    assert_true(dx_date_parse(through, 10, &day));
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_begin_payrun(l, error));
    assert_true(dx_ledger_read_lines(l, FUND, &lines, error));
    for (guint i = 0; i < lines.lines->len && s->len < max; i++) {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, i);
        DxLedgerSettle one = { x->ref_seq, x->ref_index, x->installment, kind, x->amount_fen,
                               x->enterprise_id, x->envelope, kind == DX_SETTLE_PAID ? "" : "requirement_failed" };

        if (x->state != DX_LINE_SCHEDULED || x->day > day)
            continue;
        g_array_append_val(s, one);
        sum += x->amount_fen;
    }
    ok = dx_ledger_commit_payrun(l, &lines, &info, (const DxLedgerSettle *)(void *)s->data, s->len, NULL, error);
    dx_ledger_lines_clear(&lines);
    return ok ? sum : -1;
}

static void
test_lines_paid_once(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    DxLedgerLines lines;
    Expected e;
    int64_t paid = 0;
    uint64_t n = 0;

    expected_read(&e);
    assert_int_equal(run_payrun(l, "2022-12-31", DX_SETTLE_PAID, G_MAXSIZE, &error), e.due_2022);
    /* the same date again: nothing left to pay */
    assert_int_equal(run_payrun(l, "2022-12-31", DX_SETTLE_PAID, G_MAXSIZE, &error), 0);
    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    for (guint i = 0; i < lines.lines->len; i++) {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, i);

        if (x->state == DX_LINE_PAID)
            paid += x->amount_fen;
        else
            assert_int_equal(x->state, DX_LINE_SCHEDULED);
    }
    assert_int_equal(paid, e.due_2022);
    assert_true(lines.last_payrun > 0);

    /* a line settled already is refused, and nothing is committed */
    {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, 0);
        DxLedgerSettle again = { x->ref_seq, x->ref_index, x->installment, DX_SETTLE_PAID, x->amount_fen,
                                 x->enterprise_id, x->envelope, "" };
        DxLedgerPayrunInfo info = { FUND, "2023-01-01", "", "", "{}" };
        g_autofree char *before = dx_ledger_dup_head_hash(l), *after = NULL;

        assert_int_equal(x->state, DX_LINE_PAID);
        DxLedgerLines now;

        dx_ledger_lines_init(&now);
        assert_true(dx_ledger_begin_payrun(l, &error));
        assert_true(dx_ledger_read_lines(l, FUND, &now, &error));
        assert_false(dx_ledger_commit_payrun(l, &now, &info, &again, 1, NULL, &error));
        dx_ledger_lines_clear(&now);
        assert_non_null(strstr(error->message, "settled already"));
        g_clear_error(&error);
        after = dx_ledger_dup_head_hash(l);
        assert_string_equal(before, after);
    }
    /* a grant with a paid line cannot be revoked */
    {
        const DxLedgerLine *x = &g_array_index(lines.lines, DxLedgerLine, 0);

        assert_false(dx_ledger_revoke(l, x->app_id, "test", &error));
        assert_non_null(strstr(error->message, "clawed back"));
        g_clear_error(&error);
    }
    assert_true(dx_ledger_verify(l, &n, &error));
    dx_ledger_lines_clear(&lines);
    g_hash_table_unref(e.amount);
}

/* A forfeit gives its fen back to the envelope (and the enterprise's room
 * under the fund's cap), never to `once`. */
static void
test_lines_forfeit_credits_the_envelope(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_rw(f);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxPriorBook) before = dx_prior_book_new();
    g_autoptr(DxPriorBook) after = dx_prior_book_new();
    DxLedgerLines lines;
    const DxLedgerLine *x;
    int64_t commerce0, commerce1, forfeited;
    uint64_t n = 0;
    int64_t r0, r1;
    gboolean t0, t1;

    dx_ledger_lines_init(&lines);
    assert_true(dx_ledger_read_lines(l, FUND, &lines, &error));
    /* the first later line (a 2/3 installment) */
    x = NULL;
    for (guint i = 0; i < lines.lines->len && x == NULL; i++) {
        if (g_array_index(lines.lines, DxLedgerLine, i).installment == 2)
            x = &g_array_index(lines.lines, DxLedgerLine, i);
    }
    assert_non_null(x);
    commerce0 = dx_ledger_get_charged_fen(l, FUND, x->envelope);
    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_load_prior(l, FUND, before, 0, &error));
    dx_ledger_abort_round(l);
    {
        DxLedgerSettle one = { x->ref_seq, x->ref_index, x->installment, DX_SETTLE_FORFEITED, x->amount_fen,
                               x->enterprise_id, x->envelope, "requirement_failed" };
        DxLedgerPayrunInfo info = { FUND, "2023-06-30", "", "", "{}" };

        forfeited = x->amount_fen;
        DxLedgerLines now;

        dx_ledger_lines_init(&now);
        assert_true(dx_ledger_begin_payrun(l, &error));
        assert_true(dx_ledger_read_lines(l, FUND, &now, &error));
        assert_true(dx_ledger_commit_payrun(l, &now, &info, &one, 1, NULL, &error));
        dx_ledger_lines_clear(&now);
    }
    commerce1 = dx_ledger_get_charged_fen(l, FUND, x->envelope);
    assert_int_equal(commerce1, commerce0 - forfeited);
    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_load_prior(l, FUND, after, 0, &error));
    dx_ledger_abort_round(l);
    assert_int_equal(dx_prior_book_get_envelope_charged(after, x->envelope),
                     dx_prior_book_get_envelope_charged(before, x->envelope) - forfeited);
    assert_int_equal(dx_prior_book_get_fund_charged(after, x->enterprise_id),
                     dx_prior_book_get_fund_charged(before, x->enterprise_id) - forfeited);
    dx_prior_book_get_policy(before, x->enterprise_id, x->policy_id, &r0, &t0);
    dx_prior_book_get_policy(after, x->enterprise_id, x->policy_id, &r1, &t1);
    assert_int_equal(r0, r1);
    assert_true(t0 && t1);
    assert_true(dx_ledger_verify(l, &n, &error));
    dx_ledger_lines_clear(&lines);
}

/* An edit of a payments entry's body is found by verify (the chain), and a
 * rewritten one with its hash recomputed is found by its sums. */
static void
test_lines_verify_finds_an_edit(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    uint64_t n = 0;

    {
        g_autoptr(DxLedger) l = open_rw(f);

        assert_true(run_payrun(l, "2022-06-30", DX_SETTLE_PAID, 3, &error) > 0);
    }
    {
        sqlite3 *db = NULL;

        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "DROP TRIGGER entries_no_update;"
                                      "UPDATE entries SET award_fen = award_fen + 1 WHERE kind = 'payments';",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
    }
    {
        g_autoptr(DxLedger) l = dx_ledger_open_readonly(f->path, &error);

        assert_non_null(l);
        assert_false(dx_ledger_verify(l, &n, &error));
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT));
        assert_non_null(strstr(error->message, "payments"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lines_v3_read_then_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_are_the_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_paid_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_forfeit_credits_the_envelope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_verify_finds_an_edit, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

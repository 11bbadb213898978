/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the ledger (lib/dx-ledger.c): creating and reopening a file,
 * refusing files that are not ledgers, a round written and read back
 * through dx_ledger_load_prior() into a DxPriorBook, abort and a header
 * that does not describe its entries, revocation, the public getters, the
 * read-only handle, two handles racing for one file, and the hash chain:
 * verify must name the first bad entry after an edit to any column of a
 * row (the test lists the columns from the file itself, so a column added
 * later is covered too), a deleted row or a relinked prev_hash, all made
 * with the append-only triggers dropped. One test recomputes a stored
 * hash from the documented canonical form, pinning that form.
 *
 * The tamper tests reach the file through the sqlite3 API directly, as
 * someone editing the file would.
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
#include "dx-ledger-private.h"
#include "dx-prior-private.h"

#define FUND "GZXX/344001/004"
#define OTHER_FUND "GZXX/344001/005"

/* ------------------------------------------------------------------ fixture */

typedef struct {
    char *dir;
    char *path;    /* dir/ledger.db, not yet created */
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->dir = g_dir_make_tmp("dx-ledger-XXXXXX", NULL);
    assert_non_null(f->dir);
    f->path = g_build_filename(f->dir, "ledger.db", NULL);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        g_unlink(p);
    }
    if (d != NULL)
        g_dir_close(d);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
    g_free(f);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

typedef struct {
    const char *app_id, *enterprise_id, *policy_id, *envelope, *group_key, *status;
    int64_t award_fen, granted_fen;
} Dec;

/* Writes one committed round of @fund with @decs; returns its id. */
static gint64
write_round(DxLedger *l, const char *fund, const Dec *decs, guint n)
{
    g_autoptr(GError) error = NULL;
    DxLedgerRoundInfo info = {
        .fund_id = fund,
        .approval_date = "2022-06-30",
        .ruleset_sha256 = "aaaa",
        .input_sha256 = "bbbb",
        .params_json = "{\"shortfall\":\"pro_rata\"}",
        .n_decisions = n,
    };
    gint64 round_id = 0;

    for (guint i = 0; i < n; i++)
        info.granted_fen += decs[i].granted_fen;
    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_add_round(l, &info, &round_id, &error));
    assert_true(round_id > 0);
    for (guint i = 0; i < n; i++) {
        DxLedgerDecisionInfo di = {
            .app_id = decs[i].app_id,
            .enterprise_id = decs[i].enterprise_id,
            .policy_id = decs[i].policy_id,
            .bureau = "finance",
            .envelope = decs[i].envelope,
            .group_key = decs[i].group_key,
            .status = decs[i].status,
            .reasons = decs[i].granted_fen > 0 ? "award_fixed" : "clause_failed",
            .award_fen = decs[i].award_fen,
            .granted_fen = decs[i].granted_fen,
            .schedule = decs[i].granted_fen > 0 ? "2022-06-30:1" : "",
        };

        assert_true(dx_ledger_add_decision(l, round_id, &di, &error));
    }
    assert_true(dx_ledger_commit_round(l, &error));
    assert_null(error);
    return round_id;
}

/* Round 1 of FUND: entries 1 (header) to 5. */
static const Dec round1[] = {
    { "A1", "E1", "P1", "finance", "g1", "approved", 1000, 500 },
    { "A2", "E1", "P2", "finance", "", "reduced", 300, 300 },
    { "A3", "E2", "P1", "finance", "g1", "rejected", 0, 0 },
    { "A4", "E2", "P3", "commerce", "", "approved", 200, 100 },
};
/* Round 2, another fund in the same file: entries 6 and 7. */
static const Dec round2[] = {
    { "A1", "E1", "P1", "*", "g1", "approved", 7000, 7000 },
};

static DxLedger *
open_with_rounds(const char *path)
{
    g_autoptr(GError) error = NULL;
    DxLedger *l = dx_ledger_open(path, &error);

    assert_non_null(l);
    write_round(l, FUND, round1, G_N_ELEMENTS(round1));
    write_round(l, OTHER_FUND, round2, G_N_ELEMENTS(round2));
    return l;
}

/* Runs load_prior for @fund in a round that is then abandoned. */
static DxPriorBook *
load_book(DxLedger *l, const char *fund)
{
    g_autoptr(GError) error = NULL;
    DxPriorBook *book = dx_prior_book_new();

    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_load_prior(l, fund, book, &error));
    dx_ledger_abort_round(l);
    assert_null(error);
    return book;
}

static void
assert_policy(DxPriorBook *book, const char *ent, const char *pol, int64_t received, gboolean taken)
{
    int64_t r = -1;
    gboolean t = !taken;

    dx_prior_book_get_policy(book, ent, pol, &r, &t);
    assert_int_equal(r, received);
    assert_int_equal(t, taken);
}

static sqlite3 *
raw_open(const char *path)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static void
raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path);
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static void
drop_triggers(const char *path)
{
    raw_exec(path, "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;");
}

/* Asserts that verify fails with DX_ERROR_LEDGER_CORRUPT and that the
 * message names @entry first, and contains @what. */
static void
assert_corrupt(const char *path, const char *entry, const char *what)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open_readonly(path, &error);
    g_autofree char *prefix = g_strdup_printf(": %s (", entry);

    assert_non_null(l);
    assert_false(dx_ledger_verify(l, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT));
    if (strstr(error->message, prefix) == NULL || strstr(error->message, what) == NULL)
        fail_msg("expected “%s…%s” in: %s", prefix, what, error->message);
}

/* --------------------------------------------------------------- open/guard */

static void
test_ledger_open_create_reopen(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    uint64_t n = 99;

    {
        g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
        g_autofree char *head = NULL;

        assert_non_null(l);
        assert_true(g_file_test(f->path, G_FILE_TEST_EXISTS));
        assert_int_equal(dx_ledger_get_n_rounds(l), 0);
        head = dx_ledger_dup_head_hash(l);
        assert_string_equal(head, "");
        assert_true(dx_ledger_verify(l, &n, &error));
        assert_int_equal(n, 0);
        write_round(l, FUND, round1, G_N_ELEMENTS(round1));
    }
    {
        g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);

        assert_non_null(l);
        assert_int_equal(dx_ledger_get_n_rounds(l), 1);
        assert_true(dx_ledger_verify(l, &n, &error));
        assert_int_equal(n, 5);
    }
    {
        g_autoptr(DxLedger) l = dx_ledger_open_readonly(f->path, &error);

        assert_non_null(l);
        assert_int_equal(dx_ledger_get_n_rounds(l), 1);
        assert_true(dx_ledger_verify(l, &n, &error));
        assert_int_equal(n, 5);
    }
    assert_null(error);
}

static void
test_ledger_open_readonly_never_creates(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open_readonly(f->path, &error);

    assert_null(l);
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
}

static void
test_ledger_refuses_other_files(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *sql;    /* builds the file with sqlite3; NULL: write @text instead */
        const char *text;
        const char *expect;
    } cases[] = {
        { NULL, "app_id,enterprise_id\nA1,E1\n", "not a duixian ledger" },
        { NULL, "\x01\x02 not sqlite at all, but long enough to have a header of sorts............",
          "not a duixian ledger" },
        { "CREATE TABLE t (x);", NULL, "not a duixian ledger" },
        { "CREATE TABLE meta (key TEXT, value TEXT);"
          "INSERT INTO meta VALUES ('format', 'someone-else'), ('version', '1');",
          NULL, "not a duixian ledger" },
        { "CREATE TABLE meta (key TEXT, value TEXT);"
          "INSERT INTO meta VALUES ('format', 'duixian-ledger'), ('version', '2');",
          NULL, "newer duixian" },
        { "CREATE TABLE meta (key TEXT, value TEXT);"
          "INSERT INTO meta VALUES ('format', 'duixian-ledger'), ('version', 'one');",
          NULL, "unknown ledger schema version" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_unlink(f->path);
        if (cases[i].sql != NULL) {
            sqlite3 *db = NULL;

            assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
            assert_int_equal(sqlite3_exec(db, cases[i].sql, NULL, NULL, NULL), SQLITE_OK);
            sqlite3_close(db);
        } else {
            assert_true(g_file_set_contents(f->path, cases[i].text, -1, NULL));
        }
        for (int ro = 0; ro < 2; ro++) {
            g_autoptr(GError) error = NULL;
            g_autoptr(DxLedger) l = ro ? dx_ledger_open_readonly(f->path, &error) : dx_ledger_open(f->path, &error);

            assert_null(l);
            assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
            if (strstr(error->message, cases[i].expect) == NULL)
                fail_msg("case %u: expected “%s” in: %s", i, cases[i].expect, error->message);
        }
    }
}

static void
test_ledger_readonly_cannot_write(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) rw = open_with_rounds(f->path);
    g_autoptr(DxLedger) ro = NULL;
    g_autofree char *before = dx_ledger_dup_head_hash(rw);
    g_autofree char *after = NULL;

    dx_ledger_free(g_steal_pointer(&rw));
    ro = dx_ledger_open_readonly(f->path, &error);
    assert_non_null(ro);
    assert_false(dx_ledger_begin_round(ro, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_false(dx_ledger_revoke(ro, "A1", "test", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    after = dx_ledger_dup_head_hash(ro);
    assert_string_equal(before, after);
    assert_int_equal(dx_ledger_get_charged_fen(ro, FUND, "finance"), 800);
}

/* ------------------------------------------------------------ round, prior */

static void
test_ledger_round_getters(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    static const struct {
        size_t index;
        const char *field, *value;
    } fields[] = {
        { 0, "fund_id", FUND },
        { 1, "fund_id", OTHER_FUND },
        { 0, "approval_date", "2022-06-30" },
        { 0, "ruleset_sha256", "aaaa" },
        { 0, "input_sha256", "bbbb" },
        { 0, "params", "{\"shortfall\":\"pro_rata\"}" },
    };

    assert_int_equal(dx_ledger_get_n_rounds(l), 2);
    assert_int_equal(dx_ledger_get_round_id(l, 0), 1);
    assert_int_equal(dx_ledger_get_round_id(l, 1), 6);
    assert_int_equal(dx_ledger_get_round_granted_fen(l, 0), 900);
    assert_int_equal(dx_ledger_get_round_granted_fen(l, 1), 7000);
    assert_int_equal(dx_ledger_get_round_n_decisions(l, 0), 4);
    assert_int_equal(dx_ledger_get_round_n_decisions(l, 1), 1);
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_autofree char *v = dx_ledger_dup_round_field(l, fields[i].index, fields[i].field);

        assert_non_null(v);
        assert_string_equal(v, fields[i].value);
    }
    {
        g_autofree char *created = dx_ledger_dup_round_field(l, 0, "created_at");
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(created, NULL);

        assert_non_null(dt);
        assert_int_equal(strlen(created), strlen("2022-06-30T12:00:00Z"));
        assert_true(g_str_has_suffix(created, "Z"));
    }
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 800);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"), 100);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "*"), 0);
    assert_int_equal(dx_ledger_get_charged_fen(l, OTHER_FUND, "*"), 7000);
    assert_int_equal(dx_ledger_get_charged_fen(l, "nope", "finance"), 0);
}

static void
test_ledger_load_prior(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    g_autoptr(DxPriorBook) book = load_book(l, FUND);
    g_autoptr(DxPriorBook) other = load_book(l, OTHER_FUND);

    /* only grants are paid apps; A3 was rejected and may apply again */
    assert_true(dx_prior_book_has_paid_app(book, "A1"));
    assert_true(dx_prior_book_has_paid_app(book, "A2"));
    assert_false(dx_prior_book_has_paid_app(book, "A3"));
    assert_true(dx_prior_book_has_paid_app(book, "A4"));
    /* award units, not the charged amounts, and only this fund's */
    assert_policy(book, "E1", "P1", 1000, TRUE);
    assert_policy(book, "E1", "P2", 300, TRUE);
    assert_policy(book, "E2", "P1", 0, FALSE);
    assert_policy(book, "E2", "P3", 200, TRUE);
    assert_int_equal(dx_prior_book_get_group_held(book, "E1", "g1"), 1000);
    assert_int_equal(dx_prior_book_get_group_held(book, "E2", "g1"), 0);
    assert_int_equal(dx_prior_book_get_fund_charged(book, "E1"), 800);
    assert_int_equal(dx_prior_book_get_fund_charged(book, "E2"), 100);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "finance"), 800);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "commerce"), 100);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "*"), 0);

    assert_true(dx_prior_book_has_paid_app(other, "A1"));
    assert_false(dx_prior_book_has_paid_app(other, "A2"));
    assert_policy(other, "E1", "P1", 7000, TRUE);
    assert_int_equal(dx_prior_book_get_fund_charged(other, "E1"), 7000);
    assert_int_equal(dx_prior_book_get_envelope_charged(other, "*"), 7000);
}

static void
test_ledger_abort_leaves_nothing(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
    DxLedgerRoundInfo info = { .fund_id = FUND, .approval_date = "2022-06-30", .n_decisions = 1, .granted_fen = 5 };
    DxLedgerDecisionInfo di = { .app_id = "A1", .enterprise_id = "E1", .policy_id = "P1", .envelope = "finance",
                                .status = "approved", .award_fen = 5, .granted_fen = 5 };
    gint64 id = 0;
    uint64_t n = 99;
    g_autofree char *head = NULL;

    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_add_round(l, &info, &id, &error));
    assert_true(dx_ledger_add_decision(l, id, &di, &error));
    dx_ledger_abort_round(l);
    assert_int_equal(dx_ledger_get_n_rounds(l), 0);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 0);
    head = dx_ledger_dup_head_hash(l);
    assert_string_equal(head, "");
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 0);
    /* the chain restarts where it was: the next round is entry 1 again */
    assert_int_equal(write_round(l, FUND, round1, G_N_ELEMENTS(round1)), 1);
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 5);
}

static void
test_ledger_commit_refuses_a_wrong_header(void **state)
{
    Fixture *f = *state;
    static const struct {
        uint64_t n_decisions;
        int64_t granted_fen;
    } cases[] = { { 2, 5 }, { 1, 6 }, { 0, 0 } };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
    DxLedgerDecisionInfo di = { .app_id = "A1", .enterprise_id = "E1", .policy_id = "P1", .envelope = "finance",
                                .status = "approved", .award_fen = 5, .granted_fen = 5 };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxLedgerRoundInfo info = { .fund_id = FUND, .approval_date = "2022-06-30",
                                   .n_decisions = cases[i].n_decisions, .granted_fen = cases[i].granted_fen };
        gint64 id = 0;

        assert_true(dx_ledger_begin_round(l, &error));
        assert_true(dx_ledger_add_round(l, &info, &id, &error));
        assert_true(dx_ledger_add_decision(l, id, &di, &error));
        assert_false(dx_ledger_commit_round(l, &error));
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
        g_clear_error(&error);
        dx_ledger_abort_round(l);   /* what a caller does after a failed commit: harmless */
        assert_int_equal(dx_ledger_get_n_rounds(l), 0);
    }
}

/* A write that fails mid-round (here a trigger stands in for a full disk)
 * fails that call, and the round cannot commit any part of itself. */
static void
test_ledger_failed_append_commits_nothing(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
    DxLedgerRoundInfo info = { .fund_id = FUND, .approval_date = "2022-06-30", .n_decisions = 2, .granted_fen = 10 };
    DxLedgerDecisionInfo di = { .app_id = "A1", .enterprise_id = "E1", .policy_id = "P1", .envelope = "finance",
                                .status = "approved", .award_fen = 5, .granted_fen = 5 };
    gint64 id = 0;
    uint64_t n = 99;

    raw_exec(f->path, "CREATE TRIGGER fail_a2 BEFORE INSERT ON entries WHEN NEW.app_id = 'A2'"
                      " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;");
    assert_true(dx_ledger_begin_round(l, &error));
    assert_true(dx_ledger_add_round(l, &info, &id, &error));
    assert_true(dx_ledger_add_decision(l, id, &di, &error));
    di.app_id = "A2";
    assert_false(dx_ledger_add_decision(l, id, &di, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    assert_non_null(strstr(error->message, "simulated write failure"));
    g_clear_error(&error);
    assert_false(dx_ledger_commit_round(l, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    dx_ledger_abort_round(l);
    assert_int_equal(dx_ledger_get_n_rounds(l), 0);
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 0);
}

/* ---------------------------------------------------------------- revoke */

static void
test_ledger_revoke(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    g_autofree char *head_before = dx_ledger_dup_head_hash(l);
    g_autofree char *head_after = NULL;
    uint64_t n = 0;

    assert_true(dx_ledger_revoke(l, "A1", "企业迁出本区，追回奖励", &error));
    assert_null(error);
    head_after = dx_ledger_dup_head_hash(l);
    assert_string_not_equal(head_before, head_after);
    /* A1 had a grant in each fund: two reversing entries */
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 9);
    assert_int_equal(dx_ledger_get_n_rounds(l), 2);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 300);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"), 100);
    assert_int_equal(dx_ledger_get_charged_fen(l, OTHER_FUND, "*"), 0);
    /* the round's own record is history and stays as it was */
    assert_int_equal(dx_ledger_get_round_granted_fen(l, 0), 900);
    {
        g_autoptr(DxPriorBook) book = load_book(l, FUND);

        assert_true(dx_prior_book_has_paid_app(book, "A1"));   /* still a duplicate */
        assert_policy(book, "E1", "P1", 0, FALSE);              /* no longer counts for once */
        assert_policy(book, "E1", "P2", 300, TRUE);
        assert_int_equal(dx_prior_book_get_group_held(book, "E1", "g1"), 0);
        assert_int_equal(dx_prior_book_get_fund_charged(book, "E1"), 300);
        assert_int_equal(dx_prior_book_get_envelope_charged(book, "finance"), 300);
        assert_int_equal(dx_prior_book_get_envelope_charged(book, "commerce"), 100);
    }

    /* the second revocation of the same app finds nothing live */
    assert_false(dx_ledger_revoke(l, "A1", "again", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    assert_non_null(strstr(error->message, "nothing to revoke for app_id A1"));
    g_clear_error(&error);
    /* an app that was decided but never granted, and one never seen */
    assert_false(dx_ledger_revoke(l, "A3", "x", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_false(dx_ledger_revoke(l, "NOPE", "x", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 9);

    /* a later grant to the same enterprise and policy is revocable on its own */
    {
        static const Dec later[] = { { "A9", "E1", "P1", "finance", "g1", "approved", 40, 40 } };
        g_autoptr(DxPriorBook) book = NULL;

        write_round(l, FUND, later, 1);
        assert_true(dx_ledger_revoke(l, "A9", "x", &error));
        book = load_book(l, FUND);
        assert_policy(book, "E1", "P1", 0, FALSE);
        assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 300);
    }
}

/* A1 has two live grants; the second reversal fails, so neither stays. */
static void
test_ledger_failed_revoke_writes_nothing(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    uint64_t n = 0;

    raw_exec(f->path, "CREATE TRIGGER fail_revoke BEFORE INSERT ON entries"
                      " WHEN NEW.kind = 'revoke' AND NEW.fund_id = '" OTHER_FUND "'"
                      " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;");
    assert_false(dx_ledger_revoke(l, "A1", "x", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 800);
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 7);
    raw_exec(f->path, "DROP TRIGGER fail_revoke");
    assert_true(dx_ledger_revoke(l, "A1", "x", &error));
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 300);
}

/* -------------------------------------------------------- the hash chain */

static void
test_ledger_triggers_block_edits(void **state)
{
    Fixture *f = *state;
    static const char *const sql[] = {
        "UPDATE entries SET granted_fen = 0 WHERE seq = 2",
        "DELETE FROM entries WHERE seq = 5",
        "DELETE FROM entries",
        "UPDATE meta SET value = '2' WHERE key = 'version'",
    };
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    sqlite3 *db = raw_open(f->path);
    uint64_t n = 0;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(sql); i++) {
        char *msg = NULL;

        assert_int_not_equal(sqlite3_exec(db, sql[i], NULL, NULL, &msg), SQLITE_OK);
        assert_non_null(msg);
        assert_non_null(strstr(msg, "ledger"));
        sqlite3_free(msg);
    }
    sqlite3_close(db);
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 7);
}

/* Every column of a middle row, one at a time, found from the file's own
 * schema; plus edits that change only a value's storage type. */
static void
test_ledger_verify_finds_any_column_edit(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) expects = g_ptr_array_new();
    guint n_columns = 0;

    {
        g_autoptr(DxLedger) l = open_with_rounds(f->path);
        sqlite3 *db = raw_open(f->path);
        sqlite3_stmt *st = NULL;

        assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info('entries')", -1, &st, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            const char *type = (const char *)sqlite3_column_text(st, 1);

            n_columns++;
            if (strcmp(name, "seq") == 0) {
                /* moving the row away leaves a gap before entry 4 */
                g_ptr_array_add(edits, g_strdup("seq = 100"));
                g_ptr_array_add(expects, "entry 4\0entry 3 is missing");
            } else if (strcmp(name, "kind") == 0) {
                /* the CHECK constraint allows only the three kinds */
                g_ptr_array_add(edits, g_strdup("kind = 'revoke'"));
                g_ptr_array_add(expects, "entry 3\0hash does not match");
            } else if (strcmp(name, "prev_hash") == 0) {
                g_ptr_array_add(edits, g_strdup("prev_hash = (SELECT hash FROM entries WHERE seq = 1)"));
                g_ptr_array_add(expects, "entry 3\0prev_hash");
            } else if (strcmp(type, "INTEGER") == 0) {
                g_ptr_array_add(edits, g_strdup_printf("%s = %s + 1", name, name));
                g_ptr_array_add(expects, "entry 3\0hash does not match");
            } else {
                g_ptr_array_add(edits, g_strdup_printf("%s = %s || 'x'", name, name));
                g_ptr_array_add(expects, "entry 3\0hash does not match");
            }
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    assert_true(n_columns >= 20);
    /* same bytes, another storage type */
    g_ptr_array_add(edits, g_strdup("app_id = CAST(app_id AS BLOB)"));
    g_ptr_array_add(expects, "entry 3\0hash does not match");
    g_ptr_array_add(edits, g_strdup("award_fen = 'zero'"));   /* reads as 0 through sqlite3_column_int64 */
    g_ptr_array_add(expects, "entry 3\0hash does not match");
    g_ptr_array_add(edits, g_strdup("granted_fen = 0.0"));
    g_ptr_array_add(expects, "entry 3\0hash does not match");

    for (guint i = 0; i < edits->len; i++) {
        const char *expect = g_ptr_array_index(expects, i);
        g_autofree char *sql = g_strdup_printf("UPDATE entries SET %s WHERE seq = 3",
                                               (char *)g_ptr_array_index(edits, i));

        g_unlink(f->path);
        dx_ledger_free(open_with_rounds(f->path));
        drop_triggers(f->path);
        raw_exec(f->path, sql);
        assert_corrupt(f->path, expect, expect + strlen(expect) + 1);
    }
}

static void
test_ledger_verify_finds_deleted_rows(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *sql, *entry, *what;
    } cases[] = {
        { "DELETE FROM entries WHERE seq = 3", "entry 4", "entry 3 is missing" },
        { "DELETE FROM entries WHERE seq = 1", "entry 2", "entry 1 is missing" },
        /* deleting and renumbering still breaks the chain */
        { "DELETE FROM entries WHERE seq = 3; UPDATE entries SET seq = seq - 1 WHERE seq > 3", "entry 3",
          "hash does not match" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_unlink(f->path);
        dx_ledger_free(open_with_rounds(f->path));
        drop_triggers(f->path);
        raw_exec(f->path, cases[i].sql);
        assert_corrupt(f->path, cases[i].entry, cases[i].what);
    }
}

/* A forger who recomputes the edited entry's hash still breaks the link
 * from the next entry. */
static void
test_ledger_verify_finds_a_rehashed_edit(void **state)
{
    Fixture *f = *state;

    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    raw_exec(f->path, "UPDATE entries SET hash = '" "1111111111111111111111111111111111111111111111111111111111111111"
                      "' WHERE seq = 3");
    assert_corrupt(f->path, "entry 3", "hash does not match");
}

/* The canonical form as dx-ledger.c documents it, rebuilt here from the
 * stored row of every entry. */
static void
test_ledger_hash_is_the_documented_form(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    sqlite3 *db = raw_open(f->path);
    sqlite3_stmt *st = NULL;
    g_autofree char *last = NULL;
    guint rows = 0;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM entries ORDER BY seq", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        g_autoptr(GString) c = g_string_new("duixian-ledger/1\n");
        int n = sqlite3_column_count(st);
        int hash_col = n - 1;

        assert_string_equal(sqlite3_column_name(st, hash_col), "hash");
        for (int i = 0; i < hash_col; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
                g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64(st, i));
                g_string_append_printf(c, "i%zu:%s", strlen(v), v);
            } else {
                assert_int_equal(sqlite3_column_type(st, i), SQLITE_TEXT);
                g_string_append_printf(c, "t%d:", sqlite3_column_bytes(st, i));
                g_string_append_len(c, (const char *)sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
            }
        }
        {
            g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)c->str, c->len);

            assert_string_equal((const char *)sqlite3_column_text(st, hash_col), want);
            g_free(last);
            last = g_steal_pointer(&want);
        }
        rows++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(rows, 7);
    {
        g_autofree char *head = dx_ledger_dup_head_hash(l);
        assert_string_equal(head, last);
    }
}

/* ------------------------------------------------------- two handles */

typedef struct {
    DxLedger *ledger;
    gboolean ok;
    gint done;
    GError *error;
} Waiter;

static gpointer
waiter_run(gpointer data)
{
    Waiter *w = data;

    w->ok = dx_ledger_begin_round(w->ledger, &w->error);
    g_atomic_int_set(&w->done, 1);
    return NULL;
}

static void
test_ledger_second_writer_waits(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) a = dx_ledger_open(f->path, &error);
    g_autoptr(DxLedger) b = dx_ledger_open(f->path, &error);
    g_autoptr(DxPriorBook) book_a = dx_prior_book_new();
    g_autoptr(DxPriorBook) book_b = dx_prior_book_new();
    DxLedgerRoundInfo info = { .fund_id = FUND, .approval_date = "2022-06-30", .n_decisions = 1, .granted_fen = 70 };
    DxLedgerDecisionInfo di = { .app_id = "A1", .enterprise_id = "E1", .policy_id = "P1", .envelope = "finance",
                                .status = "approved", .award_fen = 70, .granted_fen = 70 };
    Waiter w = { .ledger = b };
    GThread *t;
    gint64 id = 0;

    assert_non_null(a);
    assert_non_null(b);
    assert_true(dx_ledger_begin_round(a, &error));
    assert_true(dx_ledger_load_prior(a, FUND, book_a, &error));
    assert_int_equal(dx_prior_book_get_envelope_charged(book_a, "finance"), 0);

    t = g_thread_new("waiter", waiter_run, &w);
    g_usleep(300 * 1000);
    assert_int_equal(g_atomic_int_get(&w.done), 0);   /* still waiting for a's lock */

    assert_true(dx_ledger_add_round(a, &info, &id, &error));
    assert_true(dx_ledger_add_decision(a, id, &di, &error));
    assert_true(dx_ledger_commit_round(a, &error));
    g_thread_join(t);
    assert_true(w.ok);
    assert_null(w.error);

    /* b computes against what a committed, never against the old envelope */
    assert_true(dx_ledger_load_prior(b, FUND, book_b, &error));
    assert_int_equal(dx_prior_book_get_envelope_charged(book_b, "finance"), 70);
    assert_true(dx_prior_book_has_paid_app(book_b, "A1"));
    dx_ledger_abort_round(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ledger_open_create_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_open_readonly_never_creates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_refuses_other_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_readonly_cannot_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_round_getters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_load_prior, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_commit_refuses_a_wrong_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_failed_append_commits_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_failed_revoke_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_triggers_block_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_any_column_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_deleted_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_a_rehashed_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_hash_is_the_documented_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_second_writer_waits, setup, teardown),
    };
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the ledger (lib/ledger/dx-ledger.c): creating and reopening a file,
 * refusing files that are not ledgers (or an older or newer version), a
 * round written and read back through dx_ledger_load_prior() into a
 * DxPriorBook, abort and a header that does not describe its entries, a
 * write that fails at commit or mid-round, rounds big enough to need
 * several decisions entries, revocation, the public getters, the
 * read-only handle, two handles racing for one file, and the hash chain:
 * verify must name the first bad entry after an edit to any column of a
 * round, decisions or revoke row (the test lists the columns from the file
 * itself, so a column added later is covered too), to one byte inside a
 * decisions entry's body, a deleted row, a relinked prev_hash, a cut-off
 * round, or an edit whose hash was recomputed, all made with the
 * append-only triggers dropped. Two tests rebuild the documented forms
 * independently: the canonical form behind every stored hash, and the
 * encoding of a decisions entry's body.
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
#include "ledger/dx-ledger-private.h"
#include "input/dx-prior-private.h"
#include "dx-test-helpers.h"

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

/* Round 1 of FUND: entry 1 (header) and entry 2 (its decisions). */
static const Dec round1[] = {
    { "A1", "E1", "P1", "finance", "g1", "approved", 1000, 500 },
    { "A2", "E1", "P2", "finance", "", "reduced", 300, 300 },
    { "A3", "E2", "P1", "finance", "g1", "rejected", 0, 0 },
    { "A4", "E2", "P3", "commerce", "", "approved", 200, 100 },
};
/* Round 2, another fund in the same file: entries 3 and 4. */
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
    assert_true(dx_ledger_load_prior(l, fund, book, 0, &error));
    dx_ledger_abort_round(l);
    assert_null(error);
    return book;
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

/* @n decisions B00000, B00001, ...: even ones granted 10 + i fen to
 * enterprise E<i % 100> under P<i % 3>, odd ones rejected; in a
 * GStringChunk the caller frees. */
static Dec *
many_decisions(guint n, GStringChunk *strings)
{
    static const char *const policies[] = { "P0", "P1", "P2" };
    Dec *decs = g_new0(Dec, n);

    for (guint i = 0; i < n; i++) {
        char buf[32];

        g_snprintf(buf, sizeof buf, "B%05u", i);
        decs[i].app_id = g_string_chunk_insert(strings, buf);
        g_snprintf(buf, sizeof buf, "E%u", i % 100);
        decs[i].enterprise_id = g_string_chunk_insert(strings, buf);
        decs[i].policy_id = policies[i % 3];
        decs[i].envelope = i % 3 == 2 ? "commerce" : "finance";
        decs[i].group_key = i % 3 == 0 ? "g1" : "";
        decs[i].status = i % 2 == 0 ? "approved" : "rejected";
        decs[i].award_fen = i % 2 == 0 ? 20 + i : 0;
        decs[i].granted_fen = i % 2 == 0 ? 10 + i : 0;
    }
    return decs;
}

static void
copy_file(const char *from, const char *to)
{
    g_autofree char *bytes = NULL;
    gsize len = 0;

    bytes = dx_test_read_file(from, &len);
    assert_true(g_file_set_contents(to, bytes, (gssize)len, NULL));
}

/* The body of entry @seq. */
static GByteArray *
get_body(const char *path, gint64 seq)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;
    GByteArray *body = g_byte_array_new();

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT body FROM entries WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_BLOB);
    g_byte_array_append(body, sqlite3_column_blob(st, 0), (guint)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return body;
}

/* Stores @body as the body of entry @seq (triggers dropped). */
static void
set_body(const char *path, gint64 seq, const GByteArray *body)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE entries SET body = ?2 WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_blob(st, 2, body->len > 0 ? body->data : (const guint8 *)"", (int)body->len, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The hash of the row @st is on (SELECT * FROM entries), rebuilt from the
 * canonical form exactly as dx-ledger.c documents it. */
static char *
canonical_hash(sqlite3_stmt *st)
{
    g_autoptr(GString) c = g_string_new("duixian-ledger/2\n");

    for (int i = 0; i < sqlite3_column_count(st); i++) {
        int type = sqlite3_column_type(st, i);

        if (strcmp(sqlite3_column_name(st, i), "hash") == 0)
            continue;
        if (type == SQLITE_INTEGER) {
            g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64(st, i));

            g_string_append_printf(c, "i%zu:%s", strlen(v), v);
        } else if (type == SQLITE_TEXT) {
            g_string_append_printf(c, "t%d:", sqlite3_column_bytes(st, i));
            g_string_append_len(c, (const char *)sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
        } else {
            assert_int_equal(type, SQLITE_BLOB);
            g_string_append_printf(c, "b%d:", sqlite3_column_bytes(st, i));
            if (sqlite3_column_bytes(st, i) > 0)
                g_string_append_len(c, sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
        }
    }
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)c->str, c->len);
}

/* Recomputes and stores the hash of entry @seq, as a forger would. */
static void
rehash(const char *path, gint64 seq)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;
    g_autofree char *hash = NULL, *sql = NULL;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM entries WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    hash = canonical_hash(st);
    sqlite3_finalize(st);
    sqlite3_close(db);
    sql = g_strdup_printf("UPDATE entries SET hash = '%s' WHERE seq = %" G_GINT64_FORMAT, hash, seq);
    raw_exec(path, sql);
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
        assert_int_equal(n, 2);   /* the header and one decisions entry */
    }
    {
        g_autoptr(DxLedger) l = dx_ledger_open_readonly(f->path, &error);

        assert_non_null(l);
        assert_int_equal(dx_ledger_get_n_rounds(l), 1);
        assert_true(dx_ledger_verify(l, &n, &error));
        assert_int_equal(n, 2);   /* the header and one decisions entry */
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
          "INSERT INTO meta VALUES ('format', 'duixian-ledger'), ('version', '5');",
          NULL, "newer duixian" },
        /* version 1 kept one row per decision; it is refused, not misread */
        { "CREATE TABLE meta (key TEXT, value TEXT);"
          "INSERT INTO meta VALUES ('format', 'duixian-ledger'), ('version', '1');"
          "CREATE TABLE entries (seq INTEGER PRIMARY KEY, kind TEXT);"
          "INSERT INTO entries VALUES (1, 'decision');",
          NULL, "older format" },
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
    assert_int_equal(dx_ledger_get_round_id(l, 1), 3);
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
    dx_test_assert_policy(book, "E1", "P1", 1000, TRUE);
    dx_test_assert_policy(book, "E1", "P2", 300, TRUE);
    dx_test_assert_policy(book, "E2", "P1", 0, FALSE);
    dx_test_assert_policy(book, "E2", "P3", 200, TRUE);
    assert_int_equal(dx_prior_book_get_group_held(book, "E1", "g1"), 1000);
    assert_int_equal(dx_prior_book_get_group_held(book, "E2", "g1"), 0);
    assert_int_equal(dx_prior_book_get_fund_charged(book, "E1"), 800);
    assert_int_equal(dx_prior_book_get_fund_charged(book, "E2"), 100);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "finance"), 800);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "commerce"), 100);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "*"), 0);

    assert_true(dx_prior_book_has_paid_app(other, "A1"));
    assert_false(dx_prior_book_has_paid_app(other, "A2"));
    dx_test_assert_policy(other, "E1", "P1", 7000, TRUE);
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
    assert_int_equal(n, 2);
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

/* A write that fails (here a trigger stands in for a full disk) fails the
 * call that makes it, and the round cannot commit any part of itself.
 * Decisions are written LEDGER_CHUNK (4096) at a time: by commit for a
 * small round, by the 4096th add_decision for a big one. */
static void
test_ledger_failed_append_commits_nothing(void **state)
{
    Fixture *f = *state;
    static const guint sizes[] = { 2, 5000 };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
    DxLedgerDecisionInfo di = { .app_id = "A1", .enterprise_id = "E1", .policy_id = "P1", .envelope = "finance",
                                .status = "approved", .award_fen = 5, .granted_fen = 5 };

    raw_exec(f->path, "CREATE TRIGGER fail_decisions BEFORE INSERT ON entries WHEN NEW.kind = 'decisions'"
                      " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;");
    for (guint c = 0; c < G_N_ELEMENTS(sizes); c++) {
        DxLedgerRoundInfo info = { .fund_id = FUND, .approval_date = "2022-06-30", .n_decisions = sizes[c],
                                   .granted_fen = 5 * (int64_t)sizes[c] };
        gint64 id = 0;
        uint64_t n = 99;
        g_autofree char *head = NULL;

        assert_true(dx_ledger_begin_round(l, &error));
        assert_true(dx_ledger_add_round(l, &info, &id, &error));
        for (guint i = 0; i < sizes[c]; i++) {
            gboolean ok = dx_ledger_add_decision(l, id, &di, &error);

            if (i + 1 < 4096) {
                assert_true(ok);
                continue;
            }
            /* the 4096th writes the first decisions entry; every later call
             * fails too, and says so */
            assert_false(ok);
            assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
            if (i + 1 == 4096)
                assert_non_null(strstr(error->message, "simulated write failure"));
            g_clear_error(&error);
        }
        assert_false(dx_ledger_commit_round(l, &error));
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
        if (sizes[c] < 4096)
            assert_non_null(strstr(error->message, "simulated write failure"));
        g_clear_error(&error);
        dx_ledger_abort_round(l);
        assert_int_equal(dx_ledger_get_n_rounds(l), 0);
        head = dx_ledger_dup_head_hash(l);
        assert_string_equal(head, "");
        assert_true(dx_ledger_verify(l, &n, &error));
        assert_int_equal(n, 0);
    }
}

/* A round of 10000 decisions takes three decisions entries (4096, 4096,
 * 1808) and reads back like a small one. */
static void
test_ledger_many_decisions(void **state)
{
    Fixture *f = *state;
    const guint n = 10000;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = dx_ledger_open(f->path, &error);
    GStringChunk *strings = g_string_chunk_new(4096);
    g_autofree Dec *decs = many_decisions(n, strings);
    int64_t granted = 0, finance = 0, e8_fund = 0, e8_p1 = 0;
    uint64_t n_entries = 0;

    for (guint i = 0; i < n; i++) {
        granted += decs[i].granted_fen;
        if (strcmp(decs[i].envelope, "finance") == 0)
            finance += decs[i].granted_fen;
        if (i % 100 == 8)
            e8_fund += decs[i].granted_fen;
        if (i % 100 == 8 && i % 3 == 1)
            e8_p1 += decs[i].award_fen;
    }
    assert_int_equal(write_round(l, FUND, decs, n), 1);
    assert_true(dx_ledger_verify(l, &n_entries, &error));
    assert_int_equal(n_entries, 4);
    assert_int_equal(dx_ledger_get_round_n_decisions(l, 0), n);
    assert_int_equal(dx_ledger_get_round_granted_fen(l, 0), granted);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), finance);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"), granted - finance);
    {
        g_autoptr(DxPriorBook) book = load_book(l, FUND);

        assert_true(dx_prior_book_has_paid_app(book, "B00000"));
        assert_true(dx_prior_book_has_paid_app(book, "B09998"));
        assert_false(dx_prior_book_has_paid_app(book, "B09999"));   /* rejected */
        assert_int_equal(dx_prior_book_get_fund_charged(book, "E8"), e8_fund);
        dx_test_assert_policy(book, "E8", "P1", e8_p1, TRUE);
        assert_int_equal(dx_prior_book_get_envelope_charged(book, "finance"), finance);
    }

    /* B05000 (granted 5010) sits in the second decisions entry, at 904 */
    assert_true(dx_ledger_revoke(l, "B05000", "x", &error));
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"), granted - finance - 5010);
    {
        g_autoptr(DxPriorBook) book = load_book(l, FUND);
        sqlite3 *db = raw_open(f->path);
        sqlite3_stmt *st = NULL;

        assert_true(dx_prior_book_has_paid_app(book, "B05000"));
        assert_int_equal(dx_prior_book_get_envelope_charged(book, "commerce"), granted - finance - 5010);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, ref_seq, ref_index, round_id, granted_fen, award_fen,"
                                                " enterprise_id, policy_id, envelope FROM entries WHERE kind = 'revoke'",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 5);
        assert_int_equal(sqlite3_column_int64(st, 1), 3);
        assert_int_equal(sqlite3_column_int64(st, 2), 5000 - 4096);
        assert_int_equal(sqlite3_column_int64(st, 3), 1);
        assert_int_equal(sqlite3_column_int64(st, 4), 5010);
        assert_int_equal(sqlite3_column_int64(st, 5), 5020);
        assert_string_equal((const char *)sqlite3_column_text(st, 6), "E0");
        assert_string_equal((const char *)sqlite3_column_text(st, 7), "P2");
        assert_string_equal((const char *)sqlite3_column_text(st, 8), "commerce");
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    assert_true(dx_ledger_verify(l, &n_entries, &error));
    assert_int_equal(n_entries, 5);
    g_string_chunk_free(strings);
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
    /* A1 had a grant in each fund: two reversing entries, each naming the
     * decisions entry and the place there of the grant it reverses */
    assert_true(dx_ledger_verify(l, &n, &error));
    assert_int_equal(n, 6);
    {
        sqlite3 *db = raw_open(f->path);
        sqlite3_stmt *st = NULL;
        static const gint64 want[][4] = { { 5, 2, 0, 1 }, { 6, 4, 0, 3 } };   /* seq, ref_seq, ref_index, round_id */

        assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, ref_seq, ref_index, round_id FROM entries"
                                                " WHERE kind = 'revoke' ORDER BY seq",
                                            -1, &st, NULL),
                         SQLITE_OK);
        for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            for (int c = 0; c < 4; c++)
                assert_int_equal(sqlite3_column_int64(st, c), want[i][c]);
        }
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    assert_int_equal(dx_ledger_get_n_rounds(l), 2);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "finance"), 300);
    assert_int_equal(dx_ledger_get_charged_fen(l, FUND, "commerce"), 100);
    assert_int_equal(dx_ledger_get_charged_fen(l, OTHER_FUND, "*"), 0);
    /* the round's own record is history and stays as it was */
    assert_int_equal(dx_ledger_get_round_granted_fen(l, 0), 900);
    {
        g_autoptr(DxPriorBook) book = load_book(l, FUND);

        assert_true(dx_prior_book_has_paid_app(book, "A1"));   /* still a duplicate */
        dx_test_assert_policy(book, "E1", "P1", 0, FALSE);              /* no longer counts for once */
        dx_test_assert_policy(book, "E1", "P2", 300, TRUE);
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
    assert_int_equal(n, 6);

    /* a later grant to the same enterprise and policy is revocable on its own */
    {
        static const Dec later[] = { { "A9", "E1", "P1", "finance", "g1", "approved", 40, 40 } };
        g_autoptr(DxPriorBook) book = NULL;

        write_round(l, FUND, later, 1);
        assert_true(dx_ledger_revoke(l, "A9", "x", &error));
        book = load_book(l, FUND);
        dx_test_assert_policy(book, "E1", "P1", 0, FALSE);
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
    assert_int_equal(n, 4);
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
        "UPDATE entries SET body = X'00' WHERE seq = 2",
        "DELETE FROM entries WHERE seq = 4",
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
    assert_int_equal(n, 4);
}

/* Every column, one at a time, found from the file's own schema, of a
 * decisions entry, a round header and a revocation; plus edits that
 * change only a value's storage type. */
static void
test_ledger_verify_finds_any_column_edit(void **state)
{
    Fixture *f = *state;
    static const struct {
        gint64 seq;
        const char *other_kind;   /* the CHECK constraint allows only the three kinds */
    } rows[] = { { 2, "round" }, { 3, "decisions" }, { 5, "round" } };
    g_autofree char *pristine = g_build_filename(f->dir, "pristine.db", NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func(g_free);

    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxLedger) l = open_with_rounds(pristine);
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        assert_true(dx_ledger_revoke(l, "A1", "x", &error));   /* entries 5 and 6 */
        db = raw_open(pristine);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info('entries')", -1, &st, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            g_ptr_array_add(names, g_strdup((const char *)sqlite3_column_text(st, 0)));
            g_ptr_array_add(types, g_strdup((const char *)sqlite3_column_text(st, 1)));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    assert_true(names->len >= 20);
    drop_triggers(pristine);

    for (guint r = 0; r < G_N_ELEMENTS(rows); r++) {
        gint64 seq = rows[r].seq;
        g_autofree char *entry = g_strdup_printf("entry %" G_GINT64_FORMAT, seq);
        g_autofree char *next = g_strdup_printf("entry %" G_GINT64_FORMAT, seq + 1);
        g_autofree char *missing = g_strdup_printf("entry %" G_GINT64_FORMAT " is missing", seq);
        g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) expects = g_ptr_array_new();   /* pairs: entry named, what */

        for (guint c = 0; c < names->len; c++) {
            const char *name = g_ptr_array_index(names, c);
            const char *type = g_ptr_array_index(types, c);

            if (strcmp(name, "seq") == 0) {
                /* moving the row away leaves a gap before the next */
                g_ptr_array_add(edits, g_strdup("seq = 100"));
                g_ptr_array_add(expects, next);
                g_ptr_array_add(expects, missing);
                continue;
            }
            if (strcmp(name, "kind") == 0)
                g_ptr_array_add(edits, g_strdup_printf("kind = '%s'", rows[r].other_kind));
            else if (strcmp(name, "prev_hash") == 0)
                g_ptr_array_add(edits, g_strdup("prev_hash = hash"));
            else if (strcmp(type, "INTEGER") == 0)
                g_ptr_array_add(edits, g_strdup_printf("%s = %s + 1", name, name));
            else if (strcmp(type, "BLOB") == 0)
                g_ptr_array_add(edits, g_strdup_printf("%s = CAST(%s || 'x' AS BLOB)", name, name));
            else
                g_ptr_array_add(edits, g_strdup_printf("%s = %s || 'x'", name, name));
            g_ptr_array_add(expects, entry);
            g_ptr_array_add(expects, strcmp(name, "prev_hash") == 0 ? "prev_hash" : "hash does not match");
        }
        /* same bytes, another storage type */
        {
            static const char *const retype[] = {
                "app_id = CAST(app_id AS BLOB)",
                "award_fen = 'zero'",   /* reads as 0 through sqlite3_column_int64 */
                "granted_fen = 0.5",
                "body = CAST(body AS TEXT)",
            };

            for (guint i = 0; i < G_N_ELEMENTS(retype); i++) {
                g_ptr_array_add(edits, g_strdup(retype[i]));
                g_ptr_array_add(expects, entry);
                g_ptr_array_add(expects, "hash does not match");
            }
        }

        for (guint i = 0; i < edits->len; i++) {
            g_autofree char *sql = g_strdup_printf("UPDATE entries SET %s WHERE seq = %" G_GINT64_FORMAT,
                                                   (char *)g_ptr_array_index(edits, i), seq);

            copy_file(pristine, f->path);
            raw_exec(f->path, sql);
            assert_corrupt(f->path, g_ptr_array_index(expects, 2 * i), g_ptr_array_index(expects, 2 * i + 1));
        }
    }
    g_unlink(pristine);
}

/* One byte inside a body is enough, and verify says which decisions
 * entry, and which decision when the edit breaks the encoding. */
static void
test_ledger_verify_finds_body_edits(void **state)
{
    Fixture *f = *state;
    g_autofree char *pristine = g_build_filename(f->dir, "pristine.db", NULL);
    g_autoptr(GByteArray) body = NULL;
    static const struct {
        const char *what;
        enum { EDIT_APP_ID, EDIT_CUT, EDIT_APPEND, EDIT_APPEND_DECISION, EDIT_EMPTY, EDIT_CLASS } edit;
    } cases[] = {
        /* A3 -> A9: the body still decodes */
        { "decisions 1-4): hash does not match", EDIT_APP_ID },
        { "hash does not match (decision 4 cannot be decoded at byte ", EDIT_CUT },
        { "hash does not match (bytes follow its last decision, from byte ", EDIT_APPEND },
        /* a whole fifth decision, of class 1, is one too many */
        { "hash does not match (bytes follow its last decision, from byte ", EDIT_APPEND_DECISION },
        { "hash does not match (decision 1 cannot be decoded at byte 0 of the body)", EDIT_EMPTY },
        /* decision 1's class reference is the byte after "A1" "E1" */
        { "hash does not match (decision 1 cannot be decoded at byte 0 of the body)", EDIT_CLASS },
    };

    dx_ledger_free(open_with_rounds(pristine));
    drop_triggers(pristine);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        guint8 *at;

        g_clear_pointer(&body, g_byte_array_unref);
        body = get_body(pristine, 2);
        switch (cases[i].edit) {
        case EDIT_APP_ID:
            at = memmem(body->data, body->len, "\002A3", 3);
            assert_non_null(at);
            at[2] = '9';
            break;
        case EDIT_CUT:
            g_byte_array_set_size(body, body->len - 1);
            break;
        case EDIT_APPEND:
            g_byte_array_append(body, (const guint8 *)"", 1);
            break;
        case EDIT_APPEND_DECISION:
            g_byte_array_append(body, (const guint8 *)"\002A5\002E5\001\000\000\000", 10);
            break;
        case EDIT_EMPTY:
            g_byte_array_set_size(body, 0);
            break;
        case EDIT_CLASS:
            assert_memory_equal(body->data, "\002A1\002E1\000", 7);
            body->data[6] = 9;   /* class 9: there is none yet */
            break;
        }
        copy_file(pristine, f->path);
        set_body(f->path, 2, body);
        assert_corrupt(f->path, "entry 2", cases[i].what);
    }

    /* in a round of three decisions entries, the second */
    g_unlink(pristine);
    {
        GStringChunk *strings = g_string_chunk_new(4096);
        g_autofree Dec *decs = many_decisions(10000, strings);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxLedger) l = dx_ledger_open(pristine, &error);
        guint8 *at;

        write_round(l, FUND, decs, 10000);
        g_string_chunk_free(strings);
        drop_triggers(pristine);
        g_clear_pointer(&body, g_byte_array_unref);
        body = get_body(pristine, 3);
        at = memmem(body->data, body->len, "\006B05000", 7);
        assert_non_null(at);
        at[6] = '1';
        copy_file(pristine, f->path);
        set_body(f->path, 3, body);
        assert_corrupt(f->path, "entry 3", "(round 1, decisions 4097-8192): hash does not match");
    }
    g_unlink(pristine);
}

/* What reads decisions back refuses a body it cannot decode, rather than
 * count part of it. */
static void
test_ledger_readers_refuse_a_bad_body(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    g_autoptr(GByteArray) body = get_body(f->path, 2);
    g_autoptr(DxPriorBook) book = dx_prior_book_new();
    g_autofree char *head = dx_ledger_dup_head_hash(l);
    g_autofree char *head_after = NULL;

    drop_triggers(f->path);
    g_byte_array_set_size(body, body->len - 1);
    set_body(f->path, 2, body);

    assert_true(dx_ledger_begin_round(l, &error));
    assert_false(dx_ledger_load_prior(l, FUND, book, 0, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT));
    assert_non_null(strstr(error->message, "entry 2: decision 4 of the entry cannot be decoded"));
    g_clear_error(&error);
    dx_ledger_abort_round(l);

    assert_false(dx_ledger_revoke(l, "A1", "x", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT));
    g_clear_error(&error);
    head_after = dx_ledger_dup_head_hash(l);
    assert_string_equal(head, head_after);
    /* revoke reads every fund's grants; a getter of another fund does not
     * read the bad entry */
    assert_int_equal(dx_ledger_get_charged_fen(l, OTHER_FUND, "*"), 7000);
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
        { "DELETE FROM entries WHERE seq = 2; UPDATE entries SET seq = seq - 1 WHERE seq > 2", "entry 2",
          "prev_hash does not match" },
        /* the chain is intact up to the cut, but the round is not */
        { "DELETE FROM entries WHERE seq = 4", "entry 3",
          "the round declares 1 decisions granting 7000 fen, but the decisions entries after it hold 0 granting 0" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_unlink(f->path);
        dx_ledger_free(open_with_rounds(f->path));
        drop_triggers(f->path);
        raw_exec(f->path, cases[i].sql);
        assert_corrupt(f->path, cases[i].entry, cases[i].what);
    }
}

/* Relinks and rehashes every entry from @from on, as a forger rewriting
 * the rest of the chain would. */
static void
rechain(const char *path, gint64 from, gint64 to)
{
    for (gint64 seq = from; seq <= to; seq++) {
        g_autofree char *sql = g_strdup_printf("UPDATE entries SET prev_hash = (SELECT hash FROM entries WHERE"
                                               " seq = %" G_GINT64_FORMAT ") WHERE seq = %" G_GINT64_FORMAT,
                                               seq - 1, seq);

        if (seq > 1)
            raw_exec(path, sql);
        rehash(path, seq);
    }
}

/* A forger who recomputes the edited entry's hash still breaks the link
 * from the next entry; one who rewrites the rest of the chain too is
 * caught by the round's own sums, or else only by the head hash kept
 * outside the file. */
static void
test_ledger_verify_finds_a_rehashed_edit(void **state)
{
    Fixture *f = *state;
    g_autoptr(GByteArray) body = NULL;
    guint8 *at;

    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    raw_exec(f->path, "UPDATE entries SET hash = '" "1111111111111111111111111111111111111111111111111111111111111111"
                      "' WHERE seq = 3");
    assert_corrupt(f->path, "entry 3", "hash does not match");

    /* A3 -> A9 inside entry 2, whose hash is then recomputed */
    g_unlink(f->path);
    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    body = get_body(f->path, 2);
    at = memmem(body->data, body->len, "\002A3", 3);
    assert_non_null(at);
    at[2] = '9';
    set_body(f->path, 2, body);
    rehash(f->path, 2);
    assert_corrupt(f->path, "entry 3", "prev_hash does not match");

    /* a decision's award changed (A1: 1000 fen, "\350\007"), the chain rewritten */
    g_unlink(f->path);
    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    g_clear_pointer(&body, g_byte_array_unref);
    body = get_body(f->path, 2);
    at = memmem(body->data, body->len, "\350\007\364\003", 4);   /* award 1000, granted 500 */
    assert_non_null(at);
    at[1] = 8;   /* 1000 -> 1128 */
    set_body(f->path, 2, body);
    rechain(f->path, 2, 4);
    assert_corrupt(f->path, "entry 2", "its decisions do not add up to its award_fen and granted_fen");

    /* round 2's decisions filed under round 1 */
    g_unlink(f->path);
    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    raw_exec(f->path, "UPDATE entries SET round_id = 1 WHERE seq = 4");
    rehash(f->path, 4);
    assert_corrupt(f->path, "entry 4", "not part of the round before it");

    /* round 1's decisions entry dropped, the chain renumbered and rewritten */
    g_unlink(f->path);
    dx_ledger_free(open_with_rounds(f->path));
    drop_triggers(f->path);
    raw_exec(f->path, "DELETE FROM entries WHERE seq = 2; UPDATE entries SET seq = seq - 1 WHERE seq > 2");
    rechain(f->path, 2, 3);
    assert_corrupt(f->path, "entry 1", "the round declares 4 decisions granting 900 fen, but the decisions entries"
                                       " after it hold 0 granting 0 fen");
}

/* The canonical form as dx-ledger.c documents it, rebuilt here from the
 * stored row of every entry, of every kind. */
static void
test_ledger_hash_is_the_documented_form(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) l = open_with_rounds(f->path);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_autofree char *last = NULL;
    guint rows = 0;

    assert_true(dx_ledger_revoke(l, "A1", "x", &error));
    db = raw_open(f->path);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM entries ORDER BY seq", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        g_autofree char *want = canonical_hash(st);
        int hash_col = -1;

        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (strcmp(sqlite3_column_name(st, i), "hash") == 0)
                hash_col = i;
        }
        assert_true(hash_col >= 0);
        assert_string_equal((const char *)sqlite3_column_text(st, hash_col), want);
        g_free(last);
        last = g_steal_pointer(&want);
        rows++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(rows, 6);
    {
        g_autofree char *head = dx_ledger_dup_head_hash(l);
        assert_string_equal(head, last);
    }
}

/* ---- the body encoding, decoded here from its documentation ---- */

typedef struct {
    const guint8 *p, *end;
} Cursor;

static guint64
cursor_uint(Cursor *c)
{
    guint64 v = 0;

    for (int shift = 0;; shift += 7) {
        guint8 b;

        assert_true(shift < 64 && c->p < c->end);
        b = *c->p++;
        v |= (guint64)(b & 0x7f) << shift;
        if (b < 0x80)
            return v;
    }
}

static char *
cursor_str(Cursor *c, GStringChunk *strings)
{
    guint64 len = cursor_uint(c);
    char *s;

    assert_true(len <= (guint64)(c->end - c->p));
    assert_null(memchr(c->p, '\0', (size_t)len));
    s = g_string_chunk_insert_len(strings, (const char *)c->p, (gssize)len);
    c->p += len;
    return s;
}

/* Decodes entry @seq's body into @out (DxLedgerDecisionInfo, strings in
 * @strings); returns how many classes it defined. */
static guint
decode_body(const char *path, gint64 seq, GArray *out, GStringChunk *strings)
{
    g_autoptr(GByteArray) body = get_body(path, seq);
    g_autoptr(GPtrArray) classes = g_ptr_array_new();   /* six strings per class */
    Cursor c = { body->data, body->data + body->len };

    while (c.p < c.end) {
        DxLedgerDecisionInfo d = { 0 };
        guint64 k;

        d.app_id = cursor_str(&c, strings);
        d.enterprise_id = cursor_str(&c, strings);
        k = cursor_uint(&c);
        if (k == 0) {
            for (int i = 0; i < 6; i++)
                g_ptr_array_add(classes, cursor_str(&c, strings));
            k = classes->len / 6;
        }
        assert_true(k >= 1 && k <= classes->len / 6);
        d.policy_id = g_ptr_array_index(classes, 6 * (k - 1));
        d.bureau = g_ptr_array_index(classes, 6 * (k - 1) + 1);
        d.envelope = g_ptr_array_index(classes, 6 * (k - 1) + 2);
        d.group_key = g_ptr_array_index(classes, 6 * (k - 1) + 3);
        d.status = g_ptr_array_index(classes, 6 * (k - 1) + 4);
        d.reasons = g_ptr_array_index(classes, 6 * (k - 1) + 5);
        d.award_fen = (int64_t)cursor_uint(&c);
        d.granted_fen = (int64_t)cursor_uint(&c);
        d.computed_fen = (int64_t)cursor_uint(&c);   /* format 3 */
        d.schedule = cursor_str(&c, strings);
        g_array_append_val(out, d);
    }
    return classes->len / 6;
}

static void
assert_decision(const DxLedgerDecisionInfo *got, const Dec *want)
{
    assert_string_equal(got->app_id, want->app_id);
    assert_string_equal(got->enterprise_id, want->enterprise_id);
    assert_string_equal(got->policy_id, want->policy_id);
    assert_string_equal(got->bureau, "finance");
    assert_string_equal(got->envelope, want->envelope);
    assert_string_equal(got->group_key, want->group_key);
    assert_string_equal(got->status, want->status);
    assert_string_equal(got->reasons, want->granted_fen > 0 ? "award_fixed" : "clause_failed");
    assert_int_equal(got->award_fen, want->award_fen);
    assert_int_equal(got->granted_fen, want->granted_fen);
    assert_string_equal(got->schedule, want->granted_fen > 0 ? "2022-06-30:1" : "");
}

/* The decisions entries' bodies, decoded by the grammar in dx-ledger.c's
 * top comment, hold every field of every decision in order, and the
 * entries' counts and sums match. */
static void
test_ledger_body_is_the_documented_form(void **state)
{
    Fixture *f = *state;
    GStringChunk *strings = g_string_chunk_new(4096);
    g_autofree Dec *decs = many_decisions(5000, strings);
    g_autoptr(GArray) got = g_array_new(FALSE, TRUE, sizeof(DxLedgerDecisionInfo));

    {
        g_autoptr(DxLedger) l = open_with_rounds(f->path);

        write_round(l, FUND, decs, 5000);   /* entries 5 (header), 6 and 7 */
    }
    /* four distinct classes in round 1: each defined where first used */
    assert_int_equal(decode_body(f->path, 2, got, strings), 4);
    assert_int_equal(got->len, G_N_ELEMENTS(round1));
    for (guint i = 0; i < got->len; i++)
        assert_decision(&g_array_index(got, DxLedgerDecisionInfo, i), &round1[i]);
    g_array_set_size(got, 0);
    assert_int_equal(decode_body(f->path, 4, got, strings), 1);
    assert_int_equal(got->len, 1);
    assert_decision(&g_array_index(got, DxLedgerDecisionInfo, 0), &round2[0]);

    /* 3 policies x 2 outcomes: six classes per entry, then references */
    g_array_set_size(got, 0);
    assert_int_equal(decode_body(f->path, 6, got, strings), 6);
    assert_int_equal(got->len, 4096);
    assert_int_equal(decode_body(f->path, 7, got, strings), 6);
    assert_int_equal(got->len, 5000);
    for (guint i = 0; i < got->len; i++)
        assert_decision(&g_array_index(got, DxLedgerDecisionInfo, i), &decs[i]);
    {
        sqlite3 *db = raw_open(f->path);
        sqlite3_stmt *st = NULL;
        int64_t award = 0, granted = 0;

        for (guint i = 0; i < 4096; i++) {
            award += decs[i].award_fen;
            granted += decs[i].granted_fen;
        }
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT round_id, n_decisions, award_fen, granted_fen, fund_id"
                                                " FROM entries WHERE seq = 6",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 5);
        assert_int_equal(sqlite3_column_int64(st, 1), 4096);
        assert_int_equal(sqlite3_column_int64(st, 2), award);
        assert_int_equal(sqlite3_column_int64(st, 3), granted);
        assert_string_equal((const char *)sqlite3_column_text(st, 4), FUND);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    g_string_chunk_free(strings);
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
    assert_true(dx_ledger_load_prior(a, FUND, book_a, 0, &error));
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
    assert_true(dx_ledger_load_prior(b, FUND, book_b, 0, &error));
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
        cmocka_unit_test_setup_teardown(test_ledger_many_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_failed_revoke_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_triggers_block_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_any_column_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_body_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_readers_refuse_a_bad_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_deleted_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify_finds_a_rehashed_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_hash_is_the_documented_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_body_is_the_documented_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_second_writer_waits, setup, teardown),
    };
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}

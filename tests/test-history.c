/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the history file (lib/input/dx-history.c, docs/rules.md §6): the good
 * fixtures in tests/data/history/ load into a DxPriorBook as award units
 * that count for `once` and groups and are never charged; every bad
 * fixture fails with DX_ERROR_HISTORY_INVALID at its line:col and column,
 * and adds nothing, not even the good row each one starts with. Every
 * bad-*.csv in the directory must be listed here, so a new fixture cannot
 * go unchecked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/dx-error.h"
#include "input/dx-history-private.h"
#include "input/dx-prior-private.h"
#include "dx-test-helpers.h"

/* `sha256sum tests/data/history/ok-basic.csv` */
#define OK_BASIC_SHA256 "22640107c6a215d5f9e88410c51da0ee7aa092127eda7f3a34be11e0ba459958"

static void
test_history_loads_good_file(void **state)
{
    g_autofree char *path = dx_test_data_path("history", "ok-basic.csv");
    g_autoptr(DxPriorBook) book = dx_prior_book_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *sha = NULL;

    (void)state;
    assert_true(dx_history_load_file(path, book, &sha, &error));
    assert_null(error);
    assert_string_equal(sha, OK_BASIC_SHA256);

    dx_test_assert_policy(book, "E1", "P1", 1500, TRUE);            /* two rows add up */
    assert_int_equal(dx_prior_book_get_group_held(book, "E1", "g1"), 1500);
    dx_test_assert_policy(book, "E1", "OTHER-P", 700, TRUE);        /* empty group: no group */
    dx_test_assert_policy(book, "E,2", "P2", 0, TRUE);              /* quoted comma; 0 still counts for once */
    assert_int_equal(dx_prior_book_get_group_held(book, "E,2", "g2"), 0);
    dx_test_assert_policy(book, "E3", "P3", 1000000000000000, TRUE);   /* trimmed; the largest amount */
    dx_test_assert_policy(book, "E4", "P4", 5, TRUE);               /* leading zeros; after a blank line */
    /* history never reaches the fund's own charges or envelopes */
    assert_int_equal(dx_prior_book_get_fund_charged(book, "E1"), 0);
    assert_int_equal(dx_prior_book_get_envelope_charged(book, "*"), 0);
    assert_false(dx_prior_book_has_paid_app(book, "E1"));
}

static void
test_history_bom_crlf_and_several_files(void **state)
{
    g_autofree char *basic = dx_test_data_path("history", "ok-basic.csv");
    g_autofree char *bom = dx_test_data_path("history", "ok-bom-crlf.csv");
    g_autofree char *empty = dx_test_data_path("history", "ok-header-only.csv");
    g_autoptr(DxPriorBook) book = dx_prior_book_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *sha_bom = NULL, *sha_empty = NULL;

    (void)state;
    assert_true(dx_history_load_file(basic, book, NULL, &error));
    assert_true(dx_history_load_file(bom, book, &sha_bom, &error));
    assert_true(dx_history_load_file(empty, book, &sha_empty, &error));
    assert_null(error);
    assert_int_equal(strlen(sha_bom), 64);
    assert_string_not_equal(sha_bom, OK_BASIC_SHA256);
    dx_test_assert_policy(book, "E1", "P1", 2500, TRUE);            /* 1500 + 1000 from the second file */
    dx_test_assert_policy(book, "企业甲", "FIN-HQ", 250, TRUE);
    assert_int_equal(dx_prior_book_get_group_held(book, "企业甲", "hq-landing"), 250);
}

static void
test_history_missing_file(void **state)
{
    g_autofree char *path = dx_test_data_path("history", "no-such-file.csv");
    g_autoptr(DxPriorBook) book = dx_prior_book_new();
    g_autoptr(GError) error = NULL;

    (void)state;
    assert_false(dx_history_load_file(path, book, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
}

static const struct {
    const char *file;
    const char *at;        /* ":line:col: column" after the path */
} bad_cases[] = {
    { "bad-empty.csv", ":1:1: header" },
    { "bad-header-name.csv", ":1:4: header" },
    { "bad-header-extra.csv", ":1:6: header" },
    { "bad-header-short.csv", ":1:5: header" },
    { "bad-header-bom-twice.csv", ":1:1: header" },
    { "bad-row-short.csv", ":3:5: row" },
    { "bad-row-long.csv", ":3:6: row" },
    { "bad-enterprise-empty.csv", ":3:1: enterprise_id" },
    { "bad-policy-empty.csv", ":3:2: policy_id" },
    { "bad-amount-negative.csv", ":3:4: amount_fen" },
    { "bad-amount-decimal.csv", ":3:4: amount_fen" },
    { "bad-amount-unit.csv", ":3:4: amount_fen" },
    { "bad-amount-separator.csv", ":3:4: amount_fen" },
    { "bad-amount-empty.csv", ":3:4: amount_fen" },
    { "bad-amount-too-large.csv", ":3:4: amount_fen" },
    { "bad-amount-overflow.csv", ":3:4: amount_fen" },
    { "bad-date-impossible.csv", ":3:5: date" },
    { "bad-date-format.csv", ":3:5: date" },
    { "bad-date-empty.csv", ":3:5: date" },
    { "bad-utf8.csv", ":3:2: policy_id" },
    { "bad-quote-unterminated.csv", ":3:4:" },   /* the reader's own message follows */
};

static void
test_history_bad_rows(void **state)
{
    (void)state;
    for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = dx_test_data_path("history", bad_cases[i].file);
        g_autofree char *prefix = g_strconcat(bad_cases[i].file, bad_cases[i].at, NULL);
        g_autoptr(DxPriorBook) book = dx_prior_book_new();
        g_autoptr(GError) error = NULL;
        char *sha = NULL;

        assert_false(dx_history_load_file(path, book, &sha, &error));
        assert_null(sha);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_HISTORY_INVALID));
        if (!g_str_has_prefix(error->message, path) || strstr(error->message, prefix) == NULL)
            fail_msg("%s: expected “%s” in: %s", bad_cases[i].file, prefix, error->message);
        /* all or nothing: not even the good row before the bad one */
        dx_test_assert_policy(book, "E1", "P1", 0, FALSE);
        assert_int_equal(dx_prior_book_get_group_held(book, "E1", "g1"), 0);
    }
}

static void
test_history_every_bad_fixture_is_listed(void **state)
{
    g_autofree char *dir = dx_test_data_path("history", "");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint n = 0;

    (void)state;
    assert_non_null(d);
    while ((name = g_dir_read_name(d)) != NULL) {
        gboolean listed = FALSE;

        if (!g_str_has_prefix(name, "bad-"))
            continue;
        for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++)
            listed = listed || strcmp(name, bad_cases[i].file) == 0;
        if (!listed)
            fail_msg("%s is not in bad_cases", name);
        n++;
    }
    assert_int_equal(n, G_N_ELEMENTS(bad_cases));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_loads_good_file),
        cmocka_unit_test(test_history_bom_crlf_and_several_files),
        cmocka_unit_test(test_history_missing_file),
        cmocka_unit_test(test_history_bad_rows),
        cmocka_unit_test(test_history_every_bad_fixture_is_listed),
    };
    return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}

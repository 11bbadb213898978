/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx_register_match() (include/duixian/dx-register.h) over a register of
 * 140,000 enterprises written in a scrambled order, so it crosses blocks
 * (65,536 enterprises each): every enterprise comes once, in byte order of
 * enterprise_id, on 1 and 2 threads, and each policy's answer is the one
 * worked out here from the row's own values with docs/rules.md's
 * three-valued clauses (missing is not false, an error outranks a false
 * clause), independently of the engine. The rules are
 * tests/data/match-prefilter's (C-RATIO has a clause that can divide by
 * zero; D-SAFE has only clauses the prefilter may take). Also: a repeated or
 * empty id stops before the callback is called for anyone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

#define N_ENT 140000u

typedef enum { NONE, QUALIFIED, MISSING, ERROR } Want;

/* The row of enterprise k: district by k % 3 (江岸区, 武昌区, empty),
 * revenue empty when k % 5 == 0 else (k % 7 + 1) × 100万元, headcount 0
 * when k % 11 == 0 else 40 + k % 30. */
static const char *
row_district(guint k)
{
    static const char *const d[] = { "江岸区", "武昌区", "" };

    return d[k % 3];
}

static gint64
row_revenue_yuan(guint k)   /* -1: empty */
{
    return k % 5 == 0 ? -1 : (gint64)(k % 7 + 1) * 1000000;
}

static guint
row_headcount(guint k)
{
    return k % 11 == 0 ? 0 : 40 + k % 30;
}

/* Three-valued: 1 true, 0 false, -1 missing, -2 error. */
static int
clause_district(guint k)
{
    return *row_district(k) == '\0' ? -1 : strcmp(row_district(k), "武昌区") == 0;
}

static Want
combine(const int *c, guint n)
{
    gboolean any_false = FALSE, any_missing = FALSE;

    for (guint i = 0; i < n; i++) {
        if (c[i] == -2)
            return ERROR;
        any_false |= c[i] == 0;
        any_missing |= c[i] == -1;
    }
    return any_false ? NONE : any_missing ? MISSING : QUALIFIED;
}

static Want
want_c_ratio(guint k)
{
    int c[3] = { clause_district(k), row_headcount(k) >= 50, 0 };

    if (row_revenue_yuan(k) < 0)
        c[2] = -1;   /* a missing operand outranks division by zero */
    else if (row_headcount(k) == 0)
        c[2] = -2;
    else
        c[2] = row_revenue_yuan(k) >= (gint64)100000 * row_headcount(k);
    return combine(c, 3);
}

static Want
want_d_safe(guint k)
{
    int c[2] = { clause_district(k), row_headcount(k) >= 50 };

    return combine(c, 2);
}

static char *
make_register(void)
{
    GString *csv = g_string_new("enterprise_id,district,revenue,headcount\n");

    /* 7919 is prime and does not divide N_ENT: i -> i * 7919 mod N_ENT is a
     * permutation, so the register is in no useful order */
    for (guint i = 0; i < N_ENT; i++) {
        guint k = (guint)(((guint64)i * 7919u) % N_ENT);

        g_string_append_printf(csv, "F%06u,%s,", k, row_district(k));
        if (row_revenue_yuan(k) >= 0)
            g_string_append_printf(csv, "%" G_GINT64_FORMAT, row_revenue_yuan(k));
        g_string_append_printf(csv, ",%u\n", row_headcount(k));
    }
    return g_string_free(csv, FALSE);
}

typedef struct {
    DxRuleset *rs;
    guint seen;
    guint n_bad;
    char last[16];
    guint counts[2][4];
} Check;

static gboolean
check_one(const DxDecision *d, Want want, int64_t fen)
{
    if (want == NONE)
        return d == NULL;
    if (d == NULL)
        return FALSE;
    switch (want) {
    case QUALIFIED:
        return (dx_decision_get_status(d) == DX_STATUS_APPROVED || dx_decision_get_status(d) == DX_STATUS_REDUCED ||
                dx_decision_get_status(d) == DX_STATUS_UNFUNDED) &&
               dx_decision_get_computed_fen(d) == fen;
    case MISSING:
        return dx_decision_get_status(d) == DX_STATUS_INCOMPLETE;
    case ERROR:
        return dx_decision_get_status(d) == DX_STATUS_ERROR;
    default:
        return FALSE;
    }
}

static gboolean
on_enterprise(const char *id, const DxDecision *const *ds, gsize n_pol, void *user_data, GError **error)
{
    Check *c = user_data;
    guint k = (guint)g_ascii_strtoull(id + 1, NULL, 10);
    Want w[2] = { want_c_ratio(k), want_d_safe(k) };
    const int64_t fen[2] = { 1000000, 2000000 };

    (void)error;
    if (n_pol != 2 || (c->seen > 0 && strcmp(c->last, id) >= 0))
        c->n_bad++;
    g_strlcpy(c->last, id, sizeof c->last);
    c->seen++;
    for (guint p = 0; p < 2; p++) {
        /* the ruleset's order: C-RATIO then D-SAFE */
        if (!check_one(ds[p], w[p], fen[p]))
            c->n_bad++;
        c->counts[p][w[p]]++;
    }
    return TRUE;
}

static DxRuleset *
load_rules(void)
{
    g_autofree char *path = dx_test_source_path("tests", "data", "match-prefilter", "rules.yaml", NULL);
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(path, NULL, &error);

    assert_non_null(rs);
    assert_string_equal(dx_ruleset_get_policy_id(rs, 0), "C-RATIO");
    assert_string_equal(dx_ruleset_get_policy_id(rs, 1), "D-SAFE");
    return rs;
}

static void
test_register_blocks(void **state)
{
    DxRuleset *rs = load_rules();
    g_autofree char *csv = make_register();

    (void)state;
    for (guint threads = 1; threads <= 2; threads++) {
        Check c = { rs, 0, 0, "", { { 0 } } };
        g_autoptr(GError) error = NULL;

        assert_true(dx_register_match(rs, "reg.csv", csv, strlen(csv), "2022-06-30", threads, on_enterprise, &c,
                                      &error));
        assert_null(error);
        assert_int_equal(c.seen, N_ENT);
        assert_int_equal(c.n_bad, 0);
        /* every kind of answer happened, or the checks above prove little */
        for (guint p = 0; p < 2; p++)
            for (guint w = NONE; w <= (p == 0 ? ERROR : MISSING); w++)
                assert_true(c.counts[p][w] > 0);
    }
    dx_ruleset_unref(rs);
}

static gboolean
count_calls(const char *id, const DxDecision *const *ds, gsize n_pol, void *user_data, GError **error)
{
    (void)id;
    (void)ds;
    (void)n_pol;
    (void)error;
    (*(guint *)user_data)++;
    return TRUE;
}

static void
test_register_bad_ids(void **state)
{
    DxRuleset *rs = load_rules();
    static const struct {
        const char *csv, *message;
    } cases[] = {
        { "enterprise_id,district\nE1,武昌区\nE2,武昌区\nE1,江岸区\n", "reg.csv:4: enterprise_id E1 is already on an earlier row" },
        { "enterprise_id,district\nE2,武昌区\n,武昌区\nE2,江岸区\n", "reg.csv:3: enterprise_id is empty" },
        { "enterprise_id,district\nE2,武昌区\nE2,武昌区\n,江岸区\n", "reg.csv:3: enterprise_id E2 is already on an earlier row" },
        { "district,headcount\n武昌区,1\n", "reg.csv:1:1: header: a register needs an enterprise_id column" },
        { "enterprise_id,policy\nE1,C-RATIO\n", "reg.csv:1:2: a register has no policy column" },
    };

    (void)state;
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        guint calls = 0;
        g_autoptr(GError) error = NULL;

        assert_false(dx_register_match(rs, "reg.csv", cases[i].csv, strlen(cases[i].csv), "2022-06-30", 2,
                                       count_calls, &calls, &error));
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
        assert_non_null(strstr(error->message, cases[i].message));
        assert_int_equal(calls, 0);
    }
    dx_ruleset_unref(rs);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_blocks),
        cmocka_unit_test(test_register_bad_ids),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

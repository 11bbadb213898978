/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for name binding and type checking (lib/expr/dx-expr-check.c) against
 * the type rules of docs/rules.md §3: money ± money, money × number, money / number,
 * money / money, no money against a bare number, text and bool only with
 * == and !=, `in` lists of the left side's type, if/min/max/steps/...
 * signatures, table/marginal rows (constant, at least one, strictly
 * increasing `from` of x's type), unknown fields and functions, and the
 * expected type of the whole expression. Errors carry "col N:".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "expr/dx-expr-private.h"

/* ------------------------------------------------------------------ helpers */

static const DxFieldRef test_fields[] = {
    { "营业收入", 0, DX_TYPE_MONEY, FALSE },
    { "实缴资本", 1, DX_TYPE_MONEY, FALSE },
    { "growth", 2, DX_TYPE_NUMBER, FALSE },
    { "employees", 3, DX_TYPE_NUMBER, TRUE },   /* declared integer: a number here */
    { "established_on", 4, DX_TYPE_DATE, FALSE },
    { "submitted_on", 5, DX_TYPE_DATE, FALSE },
    { "district", 6, DX_TYPE_TEXT, FALSE },
    { "industry", 7, DX_TYPE_TEXT, FALSE },
    { "blacklisted", 8, DX_TYPE_BOOL, FALSE },
    { "revenue", 9, DX_TYPE_MONEY, FALSE },
};

static const DxFieldRef *
lookup(const char *name, gpointer user_data)
{
    guint *calls = user_data;

    if (calls != NULL)
        (*calls)++;
    for (gsize i = 0; i < G_N_ELEMENTS(test_fields); i++) {
        if (strcmp(test_fields[i].name, name) == 0)
            return &test_fields[i];
    }
    return NULL;
}

static DxExprNode *
parse_ok(const char *src)
{
    g_autoptr(GError) error = NULL;
    DxExprNode *node = dx_expr_parse(src, -1, NULL, &error);

    if (node == NULL)
        fail_msg("“%s” does not parse: %s", src, error->message);
    return node;
}

/* -------------------------------------------------------------------- tests */

static void
test_expr_check_well_typed(void **state)
{
    static const struct {
        const char *in;
        DxType expect, type;
    } cases[] = {
        /* money arithmetic */
        { "revenue + 实缴资本", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "revenue - 1万元", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "revenue * 30%", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "30% * revenue", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "revenue * employees", DX_TYPE_MONEY, DX_TYPE_MONEY },   /* integer is a number */
        { "revenue / 2", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "revenue / 实缴资本", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "-revenue", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "0.015元 * 1000", DX_TYPE_MONEY, DX_TYPE_MONEY },
        /* numbers */
        { "growth / 2", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "growth * growth - employees", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "-growth", DX_TYPE_NONE, DX_TYPE_NUMBER },
        /* comparisons */
        { "revenue >= 1亿元", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "营业收入 >= 2000万元", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "growth >= 15%", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "employees > 10", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "revenue / 实缴资本 > 2", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "established_on < 2022-03-01", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "established_on != submitted_on", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "district == \"南京\"", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "district != industry", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "blacklisted == false", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "blacklisted != true", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "not blacklisted", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "revenue > 1亿元 and growth >= 15% or not blacklisted", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "true", DX_TYPE_BOOL, DX_TYPE_BOOL },
        /* in */
        { "district in [\"a\", \"b\"]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "district not in [\"F52\"]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "employees in [1, 2, 3]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "employees in [-1, 0.5, 15%]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "revenue in [1元, 2万]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "established_on not in [2022-01-01]", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "district in []", DX_TYPE_BOOL, DX_TYPE_BOOL },
        /* functions */
        { "if(blacklisted, 0元, revenue)", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "if(growth > 0, 1, 2)", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "if(true, district, \"x\")", DX_TYPE_NONE, DX_TYPE_TEXT },
        { "if(true, blacklisted, false)", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "min(revenue, 500万元)", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "max(growth, 1, 2, employees)", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "min(established_on, 2022-01-01)", DX_TYPE_DATE, DX_TYPE_DATE },
        { "steps(revenue, 1亿元)", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "steps(growth, 5%)", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "years_between(established_on, submitted_on)", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "months_between(established_on, 2022-03-01) >= 6", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "starts_with(industry, \"F5\")", DX_TYPE_BOOL, DX_TYPE_BOOL },
        { "table(revenue, [[0元, 1万元], [1亿元, 5万元]])", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "table(employees, [[0, 0.1], [100, 0.2]])", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "table(established_on, [[2020-01-01, 1万元], [2021-01-01, 2万元]])", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "table(revenue, [[-1万元, 0], [0元, 1]])", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "table(revenue, [[0元, 1万元]])", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "marginal(revenue, [[0元, 5%], [1亿元, 3%]])", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "marginal(growth, [[0, 1], [1, 2]])", DX_TYPE_NUMBER, DX_TYPE_NUMBER },
        { "30万元 + steps(revenue - 1亿元, 1亿元) * 30万元", DX_TYPE_MONEY, DX_TYPE_MONEY },
        { "min(revenue * 30%, 500万元) + if(growth > 0, 50万元, 0元)", DX_TYPE_MONEY, DX_TYPE_MONEY },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxExprNode) node = parse_ok(cases[i].in);
        g_autoptr(GError) error = NULL;

        if (!dx_expr_check(node, cases[i].expect, lookup, NULL, &error))
            fail_msg("“%s”: %s", cases[i].in, error->message);
        assert_null(error);
        if (node->type != cases[i].type)
            fail_msg("“%s”: type %s, expected %s", cases[i].in, dx_type_name(node->type),
                     dx_type_name(cases[i].type));
    }
}

static void
test_expr_check_errors(void **state)
{
    static const struct {
        const char *in;
        DxType expect;
        DxError code;
        const char *prefix;
    } cases[] = {
        /* money against a bare number */
        { "revenue > 100000000", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "revenue == 0", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "revenue + 1", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "1 - revenue", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 3:" },
        { "revenue in [1, 2]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 13:" },
        /* found by fuzz-expr: a list on the left of `in` used to pass the
         * checker and reach an assertion in the evaluator */
        { "[] in []", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "[1] not in [1]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "min([1], 2)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 5:" },
        { "min(revenue, 1)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 14:" },
        { "min(revenue, growth, 1元)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 14:" },
        /* what money arithmetic does not allow */
        { "revenue * revenue", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "growth / revenue", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 8:" },
        { "1 / revenue", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 3:" },
        /* text, bool, date */
        { "district < \"b\"", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 10:" },
        { "district >= industry", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 10:" },
        { "blacklisted > false", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 13:" },
        { "district == 1", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 10:" },
        { "blacklisted == 1", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 13:" },
        { "blacklisted + 1", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 13:" },
        { "district + \"x\"", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 10:" },
        { "established_on + 1", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 16:" },
        { "established_on - submitted_on", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 16:" },
        { "established_on > 2022", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 16:" },
        { "established_on > \"2022-01-01\"", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 16:" },
        { "not revenue", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "revenue and blacklisted", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "blacklisted or 1", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 13:" },
        { "-district", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "-blacklisted", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        /* in lists */
        { "district in [1, 2]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 14:" },
        { "employees in [1, \"a\"]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 18:" },
        { "established_on in [\"2022-01-01\"]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 20:" },
        { "employees in [growth]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 15:" },
        { "blacklisted in [true]", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 13:" },
        /* lists elsewhere */
        { "[1, 2]", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "revenue + [1元]", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 11:" },
        { "min([1], [2])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 5:" },
        /* if */
        { "if(growth, 1, 2)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 4:" },
        { "if(blacklisted, 1, 1元)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 20:" },
        { "if(blacklisted, district, 0元)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 27:" },
        { "if(blacklisted, 1)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        /* min / max */
        { "min(district, \"a\")", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 5:" },
        { "max(blacklisted, true)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 5:" },
        { "max(established_on, 1)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 21:" },
        { "min(revenue)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "max()", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        /* steps / years_between / months_between / starts_with */
        { "steps(revenue, 5)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "steps(growth, 1元)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "steps(established_on, 1)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "steps(revenue)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "steps(revenue, 1元, 1元)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "years_between(established_on, 1)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "months_between(growth, submitted_on)", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "years_between(established_on)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "starts_with(industry, 1)", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "starts_with(employees, \"1\")", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        /* table / marginal rows */
        { "table(revenue, [[0, 1万元]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 18:" },
        { "table(revenue, [[0元, 1万元], [0元, 2万元]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 29:" },
        { "table(revenue, [[1亿元, 1万元], [0元, 2万元]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 30:" },
        { "table(established_on, [[2021-01-01, 1], [2020-01-01, 2]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col " },
        { "table(revenue, [[growth, 1万元]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 17:" },
        { "table(revenue, [[0元, revenue]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 17:" },
        { "table(revenue, [[0元, 1万元 + 1元]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 17:" },
        { "table(revenue, [])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 16:" },
        { "table(revenue, [[0元]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 17:" },
        { "table(revenue, [0元, 1元])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 17:" },
        { "table(revenue, growth)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 16:" },
        { "table(revenue, [[0元, 1万元], [1亿元, 1]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 34:" },
        { "table(revenue, [[0元, \"a\"]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 22:" },
        { "table(district, [[\"a\", 1]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 7:" },
        { "table(revenue)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "marginal(revenue, [[0元, 1万元]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 25:" },
        { "marginal(established_on, [[2020-01-01, 1%]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 10:" },
        { "marginal(revenue, [[0, 5%]])", DX_TYPE_NONE, DX_ERROR_EXPR_TYPE, "col 21:" },
        { "marginal(revenue, [[1亿元, 5%], [0元, 3%]])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 32:" },
        { "marginal(revenue, [])", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 19:" },
        /* names */
        { "nosuch > 1", DX_TYPE_BOOL, DX_ERROR_EXPR_UNKNOWN_FIELD, "col 1:" },
        { "revenue > 1亿元 and 营业利润 > 0元", DX_TYPE_BOOL, DX_ERROR_EXPR_UNKNOWN_FIELD, "col 19:" },
        { "min(revenue, Revenue)", DX_TYPE_NONE, DX_ERROR_EXPR_UNKNOWN_FIELD, "col 14:" },
        { "district in [\"a\"] and x", DX_TYPE_BOOL, DX_ERROR_EXPR_UNKNOWN_FIELD, "col 23:" },
        { "foo(1)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "revenue > 1亿元 or bar(revenue)", DX_TYPE_BOOL, DX_ERROR_EXPR_SYNTAX, "col 18:" },
        { "Min(1, 2)", DX_TYPE_NONE, DX_ERROR_EXPR_SYNTAX, "col 1:" },
        /* the expected type of the whole expression */
        { "revenue * 2", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "growth", DX_TYPE_MONEY, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "100000", DX_TYPE_MONEY, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "revenue > 0元", DX_TYPE_MONEY, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "revenue", DX_TYPE_NUMBER, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "revenue / 实缴资本", DX_TYPE_MONEY, DX_ERROR_EXPR_TYPE, "col 9:" },
        { "district", DX_TYPE_BOOL, DX_ERROR_EXPR_TYPE, "col 1:" },
        { "steps(revenue, 1亿元)", DX_TYPE_MONEY, DX_ERROR_EXPR_TYPE, "col 1:" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxExprNode) node = parse_ok(cases[i].in);
        g_autoptr(GError) error = NULL;

        if (dx_expr_check(node, cases[i].expect, lookup, NULL, &error))
            fail_msg("“%s” checked as %s", cases[i].in, dx_type_name(node->type));
        assert_non_null(error);
        if (!g_error_matches(error, DX_ERROR, cases[i].code))
            fail_msg("“%s”: code %d, expected %d (%s)", cases[i].in, error->code, cases[i].code,
                     error->message);
        if (!g_str_has_prefix(error->message, cases[i].prefix))
            fail_msg("“%s”: message “%s” does not start with “%s”", cases[i].in, error->message,
                     cases[i].prefix);
    }
}

static void
test_expr_check_money_vs_number_hint(void **state)
{
    /* docs/rules.md §3: "write 1亿元, not 100000000" */
    g_autoptr(DxExprNode) node = parse_ok("revenue > 100000000");
    g_autoptr(GError) error = NULL;

    (void)state;
    assert_false(dx_expr_check(node, DX_TYPE_BOOL, lookup, NULL, &error));
    assert_non_null(strstr(error->message, "1亿元"));
}

static void
test_expr_check_binds_slots(void **state)
{
    g_autoptr(DxExprNode) node = parse_ok("revenue + 实缴资本 * growth + revenue > 营业收入");
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) slots = g_array_new(FALSE, FALSE, sizeof(guint));
    guint calls = 0;

    (void)state;
    assert_true(dx_expr_check(node, DX_TYPE_BOOL, lookup, &calls, &error));
    assert_int_equal(calls, 5);
    dx_expr_collect_slots(node, slots);
    assert_int_equal(slots->len, 4);
    assert_int_equal(g_array_index(slots, guint, 0), 9);
    assert_int_equal(g_array_index(slots, guint, 1), 1);
    assert_int_equal(g_array_index(slots, guint, 2), 2);
    assert_int_equal(g_array_index(slots, guint, 3), 0);
    assert_false(dx_expr_is_constant(node));
}

static void
test_expr_check_constants(void **state)
{
    static const struct {
        const char *in;
        gboolean constant;
    } cases[] = {
        { "1 + 2 * 3", TRUE },
        { "if(true, 1元, 2元)", TRUE },
        { "table(5, [[0, 1], [3, 2]])", TRUE },
        { "table(employees, [[0, 1], [3, 2]])", FALSE },
        { "max(1, growth)", FALSE },
        { "\"a\" in [\"a\"]", TRUE },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxExprNode) node = parse_ok(cases[i].in);
        g_autoptr(GError) error = NULL;

        assert_true(dx_expr_check(node, DX_TYPE_NONE, lookup, NULL, &error));
        if (dx_expr_is_constant(node) != cases[i].constant)
            fail_msg("“%s”: is_constant should be %d", cases[i].in, cases[i].constant);
    }
}

static void
test_expr_check_table_rows_are_copied(void **state)
{
    g_autoptr(DxExprNode) node = parse_ok("table(revenue, [[-1万元, 0元], [0元, 1万元], [1亿元, 5万元]])");
    g_autoptr(GError) error = NULL;

    (void)state;
    assert_true(dx_expr_check(node, DX_TYPE_MONEY, lookup, NULL, &error));
    assert_int_equal(node->func, DX_FUNC_TABLE);
    assert_int_equal(node->n_rows, 3);
    assert_true(node->row_from[0].u.r.num == -1000000 && node->row_from[0].u.r.den == 1);
    assert_true(node->row_from[2].u.r.num == 10000000000LL);
    assert_true(node->row_value[1].u.r.num == 1000000);
    assert_int_equal(node->row_value[2].type, DX_TYPE_MONEY);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_check_well_typed),
        cmocka_unit_test(test_expr_check_errors),
        cmocka_unit_test(test_expr_check_money_vs_number_hint),
        cmocka_unit_test(test_expr_check_binds_slots),
        cmocka_unit_test(test_expr_check_constants),
        cmocka_unit_test(test_expr_check_table_rows_are_copied),
    };
    return cmocka_run_group_tests_name("expr-check", tests, NULL, NULL);
}

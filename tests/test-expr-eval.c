/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for evaluation (lib/expr/dx-expr-eval.c) against docs/rules.md §3: results equal
 * exact rational arithmetic (expected values worked out with Python's
 * fractions.Fraction; money is counted in fen), three-valued logic for
 * missing fields, lazy and/or/if, a missing operand outranking an error,
 * and run-time errors (division by zero, steps() unit <= 0, money beyond
 * 10^13 元, 128-bit overflow) with the column of the failing node.
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

/* ------------------------------------------------------------------ fixture */

enum {
    S_REVENUE_CN, S_CAPITAL, S_GROWTH, S_EMPLOYEES, S_ESTABLISHED, S_SUBMITTED, S_DISTRICT,
    S_INDUSTRY, S_BLACKLISTED, S_REVENUE, S_X, S_M_MONEY, S_M_NUM, S_M_BOOL, S_M_DATE, S_M_TEXT,
    S_BIG, S_HUGE, N_SLOTS
};

static const DxFieldRef eval_fields[] = {
    { "营业收入", S_REVENUE_CN, DX_TYPE_MONEY, FALSE },
    { "实缴资本", S_CAPITAL, DX_TYPE_MONEY, FALSE },
    { "growth", S_GROWTH, DX_TYPE_NUMBER, FALSE },
    { "employees", S_EMPLOYEES, DX_TYPE_NUMBER, TRUE },
    { "established_on", S_ESTABLISHED, DX_TYPE_DATE, FALSE },
    { "submitted_on", S_SUBMITTED, DX_TYPE_DATE, FALSE },
    { "district", S_DISTRICT, DX_TYPE_TEXT, FALSE },
    { "industry", S_INDUSTRY, DX_TYPE_TEXT, FALSE },
    { "blacklisted", S_BLACKLISTED, DX_TYPE_BOOL, FALSE },
    { "revenue", S_REVENUE, DX_TYPE_MONEY, FALSE },
    { "X", S_X, DX_TYPE_MONEY, FALSE },
    { "m_money", S_M_MONEY, DX_TYPE_MONEY, FALSE },
    { "m_num", S_M_NUM, DX_TYPE_NUMBER, FALSE },
    { "m_bool", S_M_BOOL, DX_TYPE_BOOL, FALSE },
    { "m_date", S_M_DATE, DX_TYPE_DATE, FALSE },
    { "m_text", S_M_TEXT, DX_TYPE_TEXT, FALSE },
    { "big", S_BIG, DX_TYPE_MONEY, FALSE },
    { "huge", S_HUGE, DX_TYPE_NUMBER, FALSE },
};

static const DxFieldRef *
lookup(const char *name, gpointer user_data)
{
    (void)user_data;
    for (gsize i = 0; i < G_N_ELEMENTS(eval_fields); i++) {
        if (strcmp(eval_fields[i].name, name) == 0)
            return &eval_fields[i];
    }
    return NULL;
}

static DxValue slots[N_SLOTS];
static guint8 present[N_SLOTS];

static DxValue
money_fen(int64_t fen)
{
    DxValue v = { .type = DX_TYPE_MONEY };

    v.u.r = dx_rat_int(fen);
    return v;
}

static DxValue
number(int64_t num, int64_t den)
{
    DxValue v = { .type = DX_TYPE_NUMBER };

    assert_int_equal(dx_rat_make(num, den, &v.u.r), DX_NUM_OK);
    return v;
}

static DxValue
date(int y, int m, int d)
{
    DxValue v = { .type = DX_TYPE_DATE };

    v.u.date = dx_date_from_ymd(y, m, d);
    return v;
}

static DxValue
text(const char *s)
{
    DxValue v = { .type = DX_TYPE_TEXT };

    v.u.t.s = s;
    v.u.t.len = (guint32)strlen(s);
    return v;
}

static DxValue
boolean(gboolean b)
{
    DxValue v = { .type = DX_TYPE_BOOL };

    v.u.b = b;
    return v;
}

static int
setup_application(void **state)
{
    (void)state;
    memset(present, 0, sizeof present);
    slots[S_REVENUE_CN] = money_fen(2500000000LL);        /* 2500万元 */
    slots[S_CAPITAL] = money_fen(61771050);               /* 617,710.50元 */
    slots[S_GROWTH] = number(3, 20);                      /* 0.15 */
    slots[S_EMPLOYEES] = number(120, 1);
    slots[S_ESTABLISHED] = date(2019, 6, 1);
    slots[S_SUBMITTED] = date(2022, 5, 31);
    slots[S_DISTRICT] = text("南京");
    slots[S_INDUSTRY] = text("F5211");
    slots[S_BLACKLISTED] = boolean(FALSE);
    slots[S_REVENUE] = money_fen(15000000000LL);          /* 1.5亿元 */
    slots[S_X] = money_fen(35000000000LL);                /* 3.5亿元 */
    slots[S_BIG] = money_fen(1000000000000000LL);         /* 10^13 元, the largest allowed */
    {
        DxValue huge = { .type = DX_TYPE_NUMBER };

        huge.u.r.num = (dx_i128)1000000000000000LL * 1000000000000000LL;   /* 10^30 */
        huge.u.r.den = 1;
        slots[S_HUGE] = huge;
    }
    for (guint i = 0; i < N_SLOTS; i++)
        present[i] = !(i == S_M_MONEY || i == S_M_NUM || i == S_M_BOOL || i == S_M_DATE || i == S_M_TEXT);
    return 0;
}

/* "true"/"false", "n:<exact>" for numbers, "fen:<exact>" for money,
 * "YYYY-MM-DD" for dates, "t:<text>" for text. */
static char *
value_repr(const DxValue *v)
{
    g_autofree char *r = NULL;
    char buf[16];

    switch ((DxType)v->type) {
    case DX_TYPE_BOOL:
        return g_strdup(v->u.b ? "true" : "false");
    case DX_TYPE_NUMBER:
        r = dx_rat_to_string(v->u.r);
        return g_strdup_printf("n:%s", r);
    case DX_TYPE_MONEY:
        r = dx_rat_to_string(v->u.r);
        return g_strdup_printf("fen:%s", r);
    case DX_TYPE_DATE:
        dx_date_format(v->u.date, buf);
        return g_strdup(buf);
    case DX_TYPE_TEXT:
        return g_strdup_printf("t:%.*s", (int)v->u.t.len, v->u.t.s);
    default:
        return g_strdup("?");
    }
}

static DxExprNode *
compile(const char *src)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxExprNode) node = dx_expr_parse(src, -1, NULL, &error);

    if (node == NULL)
        fail_msg("“%s” does not parse: %s", src, error->message);
    if (!dx_expr_check(node, DX_TYPE_NONE, lookup, NULL, &error))
        fail_msg("“%s” does not check: %s", src, error->message);
    return g_steal_pointer(&node);
}

static DxEvalState
run(const char *src, DxEvalCtx *ctx, char **repr)
{
    g_autoptr(DxExprNode) node = compile(src);
    DxValue out;
    DxEvalState st;

    memset(&out, 0, sizeof out);
    memset(ctx, 0, sizeof *ctx);
    ctx->slots = slots;
    ctx->present = present;
    st = dx_expr_eval(node, ctx, &out);
    if (st == DX_EVAL_OK && out.type != node->type)
        fail_msg("“%s”: value of type %s, node type %s", src, dx_type_name(out.type),
                 dx_type_name(node->type));
    *repr = st == DX_EVAL_OK ? value_repr(&out) : NULL;
    return st;
}

/* -------------------------------------------------------------------- tests */

static void
test_expr_eval_exact_values(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* exactness */
        { "0.15 >= 15%", "true" },
        { "0.15 == 15%", "true" },
        { "0.1 + 0.2 == 0.3", "true" },
        { "1/3 + 1/3 + 1/3 == 1", "true" },
        { "1/3 * 3 == 1", "true" },
        { "2/3 > 0.6666666666666666666666666666", "true" },
        { "1/3", "n:1/3" },
        { "2‰ * 1000", "n:2" },
        { "growth >= 15%", "true" },
        { "growth > 15%", "false" },
        { "growth == 0.150", "true" },
        { "growth in [15%]", "true" },
        /* money × rates, money / number, money / money */
        { "revenue * 3%", "fen:450000000" },                    /* 450万元 */
        { "实缴资本 * 1.5‰", "fen:92656.575" },                  /* Fraction 3706263/40 fen */
        { "实缴资本 * 30% / 7", "fen:18531315/7" },
        { "实缴资本 * 1 / 3", "fen:20590350" },
        { "revenue / 营业收入", "n:6" },
        { "实缴资本 / revenue", "n:0.00411807" },
        { "revenue + 实缴资本", "fen:15061771050" },
        { "营业收入 - revenue", "fen:-12500000000" },
        { "-revenue", "fen:-15000000000" },
        { "-growth", "n:-0.15" },
        { "0.015元 * 1000", "fen:1500" },                        /* 15元 */
        { "0.015元 * 7", "fen:10.5" },
        { "revenue >= 1亿元", "true" },
        { "营业收入 >= 2000万元", "true" },
        { "营业收入 > 2500万元", "false" },
        /* marginal: Σ slice × rate; nothing below the first bound */
        { "marginal(revenue, [[0元, 5%], [1亿元, 3%]])", "fen:650000000" },    /* 500万 + 150万 = 650万 */
        { "marginal(1亿元, [[0元, 5%], [1亿元, 3%]])", "fen:500000000" },
        { "marginal(0.5亿, [[0元, 5%], [1亿元, 3%]])", "fen:250000000" },
        { "marginal(-1元, [[0元, 5%], [1亿元, 3%]])", "fen:0" },
        { "marginal(revenue, [[1000万元, 10%]])", "fen:1400000000" },
        { "marginal(500万元, [[1000万元, 10%]])", "fen:0" },
        { "marginal(growth, [[0, 1], [0.1, 2]])", "n:0.2" },
        { "marginal(X, [[0元, 5%], [1亿元, 3%]]) / 3", "fen:1250000000/3" },  /* (500万 + 750万) / 3 */
        /* table: the row with the greatest from <= x, else 0 */
        { "table(revenue, [[0元, 1万元], [1亿元, 5万元], [2亿元, 9万元]])", "fen:5000000" },
        { "table(1亿元, [[0元, 1万元], [1亿元, 5万元], [2亿元, 9万元]])", "fen:5000000" },
        { "table(0.99亿, [[0元, 1万元], [1亿元, 5万元], [2亿元, 9万元]])", "fen:1000000" },
        { "table(5亿元, [[0元, 1万元], [1亿元, 5万元], [2亿元, 9万元]])", "fen:9000000" },
        { "table(revenue, [[2亿元, 9万元]])", "fen:0" },
        { "table(-1元, [[0元, 1]])", "n:0" },
        { "table(employees, [[0, 0.1], [100, 0.2], [121, 0.3]])", "n:0.2" },
        { "table(established_on, [[2019-01-01, 1万元], [2019-06-01, 2万元], [2020-01-01, 3万元]])", "fen:2000000" },
        { "table(established_on, [[2020-01-01, 1]])", "n:0" },
        /* steps = ⌊x / unit⌋, also below zero */
        { "steps(revenue, 1亿元)", "n:1" },
        { "steps(revenue - 2亿元, 1亿元)", "n:-1" },
        { "steps(0元 - 1亿元, 3000万元)", "n:-4" },
        { "steps(-0.5, 1)", "n:-1" },
        { "steps(-2, 1)", "n:-2" },
        { "steps(growth, 5%)", "n:3" },
        { "steps(7, 7)", "n:1" },
        { "steps(1, 3)", "n:0" },
        /* the per-form 宁德 award: 30万 + steps(X - 1亿, 1亿) × 30万 */
        { "30万元 + steps(X - 1亿元, 1亿元) * 30万元", "fen:90000000" },          /* X = 3.5亿 */
        { "30万元 + steps(revenue - 1亿元, 1亿元) * 30万元", "fen:30000000" },
        { "30万元 + steps(0.5亿 - 1亿元, 1亿元) * 30万元", "fen:0" },
        /* min / max / if */
        { "min(revenue * 30%, 500万元)", "fen:500000000" },
        { "max(growth, 10%, 1/3)", "n:1/3" },
        { "min(established_on, submitted_on)", "2019-06-01" },
        { "max(2022-01-01, submitted_on)", "2022-05-31" },
        { "if(blacklisted, 0元, 实缴资本)", "fen:61771050" },
        { "if(growth > 0.2, 1, 2)", "n:2" },
        { "if(true, district, \"x\")", "t:南京" },
        /* dates */
        { "years_between(established_on, submitted_on)", "n:2" },
        { "months_between(established_on, submitted_on)", "n:35" },
        { "months_between(2020-01-31, 2020-02-29)", "n:1" },
        { "years_between(submitted_on, established_on)", "n:-3" },
        { "established_on < 2020-01-01", "true" },
        { "established_on == 2019-06-01", "true" },
        /* text, bool, in */
        { "starts_with(industry, \"F52\")", "true" },
        { "starts_with(industry, \"F5211x\")", "false" },
        { "starts_with(industry, \"\")", "true" },
        { "starts_with(district, \"南\")", "true" },
        { "starts_with(district, \"京\")", "false" },
        { "district == \"南京\"", "true" },
        { "district != \"南京\"", "false" },
        { "industry == \"F52\"", "false" },
        { "district in [\"苏州\", \"南京\"]", "true" },
        { "district not in [\"南京\"]", "false" },
        { "district in []", "false" },
        { "employees in [5, 120]", "true" },
        { "employees in [120.5]", "false" },
        { "revenue in [1.5亿]", "true" },
        { "established_on in [2019-06-01]", "true" },
        { "blacklisted == false", "true" },
        { "not blacklisted", "true" },
        { "big * 1", "fen:1000000000000000" },
        { "-big", "fen:-1000000000000000" },
        { "huge / huge", "n:1" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxEvalCtx ctx;
        g_autofree char *got = NULL;
        DxEvalState st = run(cases[i].in, &ctx, &got);

        if (st != DX_EVAL_OK)
            fail_msg("“%s”: state %d (err %d at col %u)", cases[i].in, st, ctx.err, ctx.err_col);
        assert_int_equal(ctx.err, DX_EVAL_ERR_NONE);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("“%s”: got %s, expected %s", cases[i].in, got, cases[i].want);
    }
}

static void
test_expr_eval_three_valued(void **state)
{
    /* want NULL: the result is unknown (MISSING) */
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "true or m_bool", "true" },
        { "m_bool or true", "true" },
        { "false and m_bool", "false" },
        { "m_bool and false", "false" },
        { "true and m_bool", NULL },
        { "m_bool and true", NULL },
        { "m_bool or false", NULL },
        { "false or m_bool", NULL },
        { "not m_bool", NULL },
        { "not not m_bool", NULL },
        { "m_bool and m_bool", NULL },
        { "m_num > 1 or employees > 100", "true" },
        { "m_num > 1 and employees > 1000", "false" },
        { "(m_num > 1 or m_bool) or district == \"南京\"", "true" },
        { "if(true, 1, m_num)", "n:1" },
        { "if(false, m_num, 2)", "n:2" },
        { "if(m_bool, 1, 2)", NULL },
        { "if(true, m_num, 2)", NULL },
        { "false and 1/0 > 0", "false" },                      /* stops before the error */
        { "true or 1/0 > 0", "true" },
        { "if(true, 1, 1/0)", "n:1" },
        { "if(false, steps(1, 0), 2)", "n:2" },
        /* a missing operand outranks an error, in either order */
        { "m_num + 1/0", NULL },
        { "1/0 + m_num", NULL },
        { "m_money * 1 / 0 > 0元", NULL },
        { "(1/0) * m_num", NULL },
        { "big + 1元 + m_money", NULL },
        { "min(m_money, 1元)", NULL },
        { "min(1/0, m_num)", NULL },
        { "max(1, m_num)", NULL },
        { "steps(m_money, 0元)", NULL },
        { "steps(1元, m_money)", NULL },
        { "-m_num", NULL },
        { "m_bool == true", NULL },
        { "m_text == \"a\"", NULL },
        { "m_text in [\"a\"]", NULL },
        { "m_text not in [\"a\"]", NULL },
        { "starts_with(m_text, \"a\")", NULL },
        { "years_between(m_date, submitted_on)", NULL },
        { "months_between(established_on, m_date)", NULL },
        { "table(m_money, [[0元, 1元]])", NULL },
        { "marginal(m_money, [[0元, 5%]])", NULL },
        { "m_date < 2022-01-01", NULL },
        { "30万元 + steps(m_money - 1亿元, 1亿元) * 30万元", NULL },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxEvalCtx ctx;
        g_autofree char *got = NULL;
        DxEvalState st = run(cases[i].in, &ctx, &got);

        if (cases[i].want == NULL) {
            if (st != DX_EVAL_MISSING)
                fail_msg("“%s”: state %d (%s), expected MISSING", cases[i].in, st, got ? got : "");
        } else {
            if (st != DX_EVAL_OK)
                fail_msg("“%s”: state %d, expected %s", cases[i].in, st, cases[i].want);
            if (strcmp(got, cases[i].want) != 0)
                fail_msg("“%s”: got %s, expected %s", cases[i].in, got, cases[i].want);
        }
        if (ctx.err != DX_EVAL_ERR_NONE)
            fail_msg("“%s”: err %d left set", cases[i].in, ctx.err);
    }
}

static void
test_expr_eval_errors(void **state)
{
    static const struct {
        const char *in;
        DxEvalError err;
        guint32 col;
    } cases[] = {
        { "1/0", DX_EVAL_ERR_DIV_ZERO, 2 },
        { "1/0 > 0", DX_EVAL_ERR_DIV_ZERO, 2 },
        { "employees / (growth - 15%)", DX_EVAL_ERR_DIV_ZERO, 11 },
        { "revenue / 0元", DX_EVAL_ERR_DIV_ZERO, 9 },
        { "revenue / (employees - 120)", DX_EVAL_ERR_DIV_ZERO, 9 },
        { "employees + 1/0", DX_EVAL_ERR_DIV_ZERO, 14 },
        { "1/0 > 0 or true", DX_EVAL_ERR_DIV_ZERO, 2 },         /* left to right */
        { "true and 1/0 > 0", DX_EVAL_ERR_DIV_ZERO, 11 },
        { "if(1/0 > 0, 1, 2)", DX_EVAL_ERR_DIV_ZERO, 5 },
        { "if(true, 1/0, 2)", DX_EVAL_ERR_DIV_ZERO, 11 },
        { "min(1/0, 1)", DX_EVAL_ERR_DIV_ZERO, 6 },
        { "steps(1/0, 1)", DX_EVAL_ERR_DIV_ZERO, 8 },
        { "table(1/0, [[0, 1]])", DX_EVAL_ERR_DIV_ZERO, 8 },
        { "-(1/0)", DX_EVAL_ERR_DIV_ZERO, 4 },
        { "not (1/0 > 0)", DX_EVAL_ERR_DIV_ZERO, 7 },
        { "1/0 in [1]", DX_EVAL_ERR_DIV_ZERO, 2 },
        /* steps() unit <= 0 */
        { "steps(revenue, 0元)", DX_EVAL_ERR_BAD_UNIT, 1 },
        { "steps(1, -1)", DX_EVAL_ERR_BAD_UNIT, 1 },
        { "steps(growth, 0)", DX_EVAL_ERR_BAD_UNIT, 1 },
        { "1 + steps(revenue, revenue - 2亿元)", DX_EVAL_ERR_BAD_UNIT, 5 },
        /* money beyond 10^13 元 */
        { "big + 1元", DX_EVAL_ERR_OVERFLOW, 5 },
        { "big + 0.001元 > 0元", DX_EVAL_ERR_OVERFLOW, 5 },
        { "big * 2", DX_EVAL_ERR_OVERFLOW, 5 },
        { "big * 1.0000001", DX_EVAL_ERR_OVERFLOW, 5 },
        { "-big - 0.01元", DX_EVAL_ERR_OVERFLOW, 6 },
        { "big + 1元 - 1元", DX_EVAL_ERR_OVERFLOW, 5 },         /* the intermediate counts */
        { "big / 0.5", DX_EVAL_ERR_OVERFLOW, 5 },
        { "10000000000000元 * 2", DX_EVAL_ERR_OVERFLOW, 17 },
        { "revenue * 100000 / 100000", DX_EVAL_ERR_OVERFLOW, 9 },
        { "marginal(big, [[0元, 200%]])", DX_EVAL_ERR_OVERFLOW, 1 },
        { "min(big * 2, 1元)", DX_EVAL_ERR_OVERFLOW, 9 },
        /* 128-bit overflow */
        { "huge * huge", DX_EVAL_ERR_OVERFLOW, 6 },
        { "huge * huge > 0", DX_EVAL_ERR_OVERFLOW, 6 },
        { "1/huge/huge", DX_EVAL_ERR_OVERFLOW, 7 },
        { "revenue * huge", DX_EVAL_ERR_OVERFLOW, 9 },
        { "huge * huge * 0 == 0", DX_EVAL_ERR_OVERFLOW, 6 },
        { "steps(huge * huge, 1)", DX_EVAL_ERR_OVERFLOW, 12 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxEvalCtx ctx;
        g_autofree char *got = NULL;
        DxEvalState st = run(cases[i].in, &ctx, &got);

        if (st != DX_EVAL_ERROR)
            fail_msg("“%s”: state %d (%s), expected ERROR", cases[i].in, st, got ? got : "");
        if (ctx.err != cases[i].err || ctx.err_col != cases[i].col)
            fail_msg("“%s”: err %d at col %u, expected %d at col %u", cases[i].in, ctx.err,
                     ctx.err_col, cases[i].err, cases[i].col);
        assert_non_null(dx_eval_error_to_string(ctx.err));
    }
}

static void
test_expr_eval_tree_is_reusable(void **state)
{
    /* one checked tree, many applications: nothing is cached between runs */
    g_autoptr(DxExprNode) node = compile("30万元 + steps(X - 1亿元, 1亿元) * 30万元");
    static const struct {
        int64_t x_fen;
        const char *want;
    } cases[] = {
        { 35000000000LL, "fen:90000000" },   /* 3.5亿 -> 90万 */
        { 10000000000LL, "fen:30000000" },   /* 1亿 -> 30万 */
        { 9999999999LL, "fen:0" },           /* just under 1亿 -> steps = -1 */
        { 0, "fen:0" },
        { 100000000000LL, "fen:300000000" }, /* 10亿 -> 30万 + 9 × 30万 */
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxEvalCtx ctx = { .slots = slots, .present = present };
        DxValue out;
        g_autofree char *got = NULL;

        slots[S_X] = money_fen(cases[i].x_fen);
        assert_int_equal(dx_expr_eval(node, &ctx, &out), DX_EVAL_OK);
        got = value_repr(&out);
        assert_string_equal(got, cases[i].want);
    }
    present[S_X] = 0;
    {
        DxEvalCtx ctx = { .slots = slots, .present = present };
        DxValue out;

        assert_int_equal(dx_expr_eval(node, &ctx, &out), DX_EVAL_MISSING);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_expr_eval_exact_values, setup_application),
        cmocka_unit_test_setup(test_expr_eval_three_valued, setup_application),
        cmocka_unit_test_setup(test_expr_eval_errors, setup_application),
        cmocka_unit_test_setup(test_expr_eval_tree_is_reusable, setup_application),
    };
    return cmocka_run_group_tests_name("expr-eval", tests, NULL, NULL);
}

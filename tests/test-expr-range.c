/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the range analysis of lib/expr/dx-expr-range.c and the int64
 * fast path it enables in dx-expr-eval.c: one test per rule (constants,
 * money fields, parameters' absence here, + - × and unary minus), a node at
 * the edge of int64 that must stay on the rationals and still be exact, a
 * node just inside that takes the fast path, and an operand outside the
 * type's limit that must fall back. The expected values are worked out by
 * hand (products of the literals), not by the code under test. meson runs
 * this file twice, once with DUIXIAN_EXACT_SLOW=1, so every result is
 * checked on both paths.
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

enum { S_X, S_N, N_SLOTS };

static const DxFieldRef fields[] = {
    { "X", S_X, DX_TYPE_MONEY, FALSE },
    { "n", S_N, DX_TYPE_NUMBER, FALSE },
};

static const DxFieldRef *
lookup(const char *name, gpointer user_data)
{
    (void)user_data;
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    }
    return NULL;
}

static DxValue slots[N_SLOTS];
static guint8 present[N_SLOTS] = { 1, 1 };

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

/* Evaluates @src with X = @x_fen; the result as "n:…"/"fen:…" or "error". */
static char *
run(const char *src, int64_t x_fen)
{
    g_autoptr(DxExprNode) node = compile(src);
    DxEvalCtx ctx;
    DxValue out;
    g_autofree char *r = NULL;

    memset(&ctx, 0, sizeof ctx);
    memset(&out, 0, sizeof out);
    slots[S_X].type = DX_TYPE_MONEY;
    slots[S_X].u.r = dx_rat_int(x_fen);
    slots[S_N].type = DX_TYPE_NUMBER;
    slots[S_N].u.r = dx_rat_int(7);
    ctx.slots = slots;
    ctx.present = present;
    if (dx_expr_eval(node, &ctx, &out) != DX_EVAL_OK)
        return g_strdup_printf("error:%d", (int)ctx.err);
    r = dx_rat_to_string(out.u.r);
    return g_strdup_printf("%s:%s", out.type == DX_TYPE_MONEY ? "fen" : "n", r);
}

static void
assert_run(const char *src, int64_t x_fen, const char *expect)
{
    g_autofree char *got = run(src, x_fen);

    if (strcmp(got, expect) != 0)
        fail_msg("“%s” with X = %" G_GINT64_FORMAT " fen: %s, expected %s", src, x_fen, got, expect);
}

static void
test_range_leaves(void **state)
{
    g_autoptr(DxExprNode) whole = compile("3");
    g_autoptr(DxExprNode) frac = compile("0.5");
    g_autoptr(DxExprNode) money = compile("X");
    g_autoptr(DxExprNode) num = compile("n");

    (void)state;
    assert_true(whole->ranged);
    assert_int_equal(whole->lo, 3);
    assert_int_equal(whole->hi, 3);
    assert_false(frac->ranged);              /* not a whole number */
    assert_true(money->ranged);              /* ±10^13 元 in fen */
    assert_int_equal(money->lo, -1000000000000000LL);
    assert_int_equal(money->hi, 1000000000000000LL);
    assert_false(num->ranged);               /* a number field has no limit */
}

static void
test_range_arithmetic(void **state)
{
    g_autoptr(DxExprNode) add = compile("X + X");
    g_autoptr(DxExprNode) sub = compile("X - 5元");
    g_autoptr(DxExprNode) neg = compile("-X");
    g_autoptr(DxExprNode) mul = compile("X * -3");
    g_autoptr(DxExprNode) div = compile("X / 3");
    g_autoptr(DxExprNode) num = compile("n + 1");

    (void)state;
    assert_true(add->fast);
    assert_int_equal(add->lo, -2000000000000000LL);
    assert_int_equal(add->hi, 2000000000000000LL);
    assert_true(sub->fast);
    assert_int_equal(sub->lo, -1000000000000500LL);
    assert_int_equal(sub->hi, 999999999999500LL);
    assert_true(neg->fast);
    assert_int_equal(neg->lo, -1000000000000000LL);
    assert_true(mul->fast);
    assert_int_equal(mul->lo, -3000000000000000LL);
    assert_int_equal(mul->hi, 3000000000000000LL);
    assert_false(div->fast);                 /* division stays on the rationals */
    assert_false(num->fast);                 /* an unbounded operand */
    assert_run("X + X", 123456, "fen:246912");
    assert_run("X - 5元", 100, "fen:-400");
    assert_run("-X", 42, "fen:-42");
    assert_run("X * -3", 7, "fen:-21");
    assert_run("X * 3", 1000000000000000LL, "error:2");   /* beyond 10^13 元: overflow */
}

/* 3037000499² = 9223372030926249001 fits in int64; 3037000500² =
 * 9223372037000250000 does not: the first is fast, the second stays on
 * the rationals and is still exact. */
static void
test_range_edge(void **state)
{
    g_autoptr(DxExprNode) inside = compile("3037000499 * 3037000499");
    g_autoptr(DxExprNode) beyond = compile("3037000500 * 3037000500");
    g_autoptr(DxExprNode) m_inside = compile("X * 9223");
    g_autoptr(DxExprNode) m_beyond = compile("X * 9224");

    (void)state;
    assert_true(inside->fast);
    assert_false(beyond->fast);
    assert_true(m_inside->fast);             /* 10^15 × 9223 < 2^63 */
    assert_false(m_beyond->fast);            /* 10^15 × 9224 > 2^63 */
    assert_run("3037000499 * 3037000499", 0, "n:9223372030926249001");
    assert_run("3037000500 * 3037000500", 0, "n:9223372037000250000");
    assert_run("X * 9223", 3, "fen:27669");
    assert_run("X * 9224", 3, "fen:27672");
}

/* A caller that puts a money value beyond the type's limit in a slot: the
 * operand is outside the node's bounds, so the fast path must not be taken
 * (X × 9000 would wrap to 2 fen in int64); the rationals report overflow. */
static void
test_range_operand_outside_bounds(void **state)
{
    (void)state;
    assert_run("X * 9000", 2049638230412172402LL, "error:2");
}

static void
test_range_switch(void **state)
{
    const char *slow = g_getenv("DUIXIAN_EXACT_SLOW");

    (void)state;
    assert_int_equal(dx_expr_fast_enabled(), !(slow != NULL && strcmp(slow, "1") == 0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_leaves),
        cmocka_unit_test(test_range_arithmetic),
        cmocka_unit_test(test_range_edge),
        cmocka_unit_test(test_range_operand_outside_bounds),
        cmocka_unit_test(test_range_switch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for exact rationals (lib/base/dx-num.c). Every expected value was worked
 * out by hand or with Python's fractions.Fraction, the reference the spec
 * names (§3), never by running this code. Overflow must be reported, never
 * wrapped; comparisons must be exact even when cross-multiplying overflows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "base/dx-num-private.h"

/* ------------------------------------------------------------------ helpers */

#define I128_MAX ((dx_i128)(((unsigned __int128)1 << 127) - 1))
#define P2(k) ((dx_i128)1 << (k))

static dx_i128
pow10_i128(int k)
{
    dx_i128 v = 1;

    while (k-- > 0)
        v *= 10;
    return v;
}

/* A normalised rational; the test's own input, so it must be valid. */
static DxRat
rat(dx_i128 num, dx_i128 den)
{
    DxRat r;

    assert_int_equal(dx_rat_make(num, den, &r), DX_NUM_OK);
    return r;
}

static void
assert_rat_equal(DxRat got, dx_i128 num, dx_i128 den, const char *what)
{
    if (got.num != num || got.den != den) {
        g_autofree char *gn = dx_i128_to_string(got.num), *gd = dx_i128_to_string(got.den);
        g_autofree char *en = dx_i128_to_string(num), *ed = dx_i128_to_string(den);

        fail_msg("%s: got %s/%s, expected %s/%s", what, gn, gd, en, ed);
    }
}

static void
assert_i128_equal(dx_i128 got, dx_i128 want, const char *what)
{
    if (got != want) {
        g_autofree char *g = dx_i128_to_string(got), *w = dx_i128_to_string(want);

        fail_msg("%s: got %s, expected %s", what, g, w);
    }
}

/* -------------------------------------------------------------------- tests */

static void
test_num_make_normalises(void **state)
{
    static const struct {
        gint64 num, den, want_num, want_den;
    } cases[] = {
        { 15, 100, 3, 20 },
        { -6, -4, 3, 2 },
        { 4, -6, -2, 3 },
        { 0, -5, 0, 1 },
        { 0, 7, 0, 1 },
        { 10, 5, 2, 1 },
        { -10, 5, -2, 1 },
        { 7, 1, 7, 1 },
    };
    DxRat r;

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        assert_int_equal(dx_rat_make(cases[i].num, cases[i].den, &r), DX_NUM_OK);
        assert_rat_equal(r, cases[i].want_num, cases[i].want_den, "make");
    }
    assert_int_equal(dx_rat_make(1, 0, &r), DX_NUM_DIV_ZERO);
    assert_int_equal(dx_rat_make(-(I128_MAX)-1, 1, &r), DX_NUM_OVERFLOW);
    assert_int_equal(dx_rat_make(1, -(I128_MAX)-1, &r), DX_NUM_OVERFLOW);
}

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV } NumOp;

static DxNumStatus
num_apply(NumOp op, DxRat a, DxRat b, DxRat *out)
{
    switch (op) {
    case OP_ADD: return dx_rat_add(a, b, out);
    case OP_SUB: return dx_rat_sub(a, b, out);
    case OP_MUL: return dx_rat_mul(a, b, out);
    case OP_DIV: return dx_rat_div(a, b, out);
    }
    return DX_NUM_OVERFLOW;
}

static void
test_num_arithmetic_is_exact(void **state)
{
    /* expected = Fraction(an, ad) <op> Fraction(bn, bd) */
    static const struct {
        NumOp op;
        gint64 an, ad, bn, bd, rn, rd;
    } cases[] = {
        { OP_ADD, 1, 3, 1, 6, 1, 2 },
        { OP_ADD, 1, 2, 1, 2, 1, 1 },          /* same denominator, normalised to an integer */
        { OP_ADD, -1, 2, 1, 3, -1, 6 },
        { OP_ADD, 1, 10, 2, 10, 3, 10 },
        { OP_ADD, 7, 10, 3, 10, 1, 1 },
        { OP_ADD, 0, 1, -5, 7, -5, 7 },
        { OP_ADD, 3, 20, 17, 20, 1, 1 },
        { OP_SUB, 3, 10, 1, 10, 1, 5 },
        { OP_SUB, 1, 3, 1, 3, 0, 1 },
        { OP_SUB, 1, 4, 3, 4, -1, 2 },
        { OP_SUB, -2, 1, -5, 1, 3, 1 },
        { OP_SUB, 1, 6, 1, 3, -1, 6 },
        { OP_MUL, 2, 3, 3, 4, 1, 2 },
        { OP_MUL, -2, 3, -3, 4, 1, 2 },
        { OP_MUL, 3, 20, 1000000, 1, 150000, 1 },  /* 15% of 1万元 in fen */
        { OP_MUL, 3, 2, 2, 3, 1, 1 },
        { OP_MUL, 0, 1, 5, 7, 0, 1 },
        { OP_MUL, 7, 1, -6, 1, -42, 1 },
        { OP_DIV, 1, 2, 1, 4, 2, 1 },
        { OP_DIV, 3, 1, -6, 1, -1, 2 },
        { OP_DIV, -1, 2, -1, 4, 2, 1 },
        { OP_DIV, 0, 1, -3, 1, 0, 1 },
        { OP_DIV, 10000000000LL, 1, 10000000000LL, 1, 1, 1 },
        { OP_DIV, 150000000000LL, 1, 100, 1, 1500000000, 1 },
        { OP_DIV, 2, 3, 4, 9, 3, 2 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxRat out = { 0, 0 };
        g_autofree char *what = g_strdup_printf("case %" G_GSIZE_FORMAT, i);

        assert_int_equal(num_apply(cases[i].op, rat(cases[i].an, cases[i].ad),
                                   rat(cases[i].bn, cases[i].bd), &out),
                         DX_NUM_OK);
        assert_rat_equal(out, cases[i].rn, cases[i].rd, what);
    }
}

static void
test_num_div_by_zero(void **state)
{
    DxRat out;

    (void)state;
    assert_int_equal(dx_rat_div(rat(1, 1), rat(0, 1), &out), DX_NUM_DIV_ZERO);
    assert_int_equal(dx_rat_div(rat(0, 1), rat(0, 1), &out), DX_NUM_DIV_ZERO);
    assert_int_equal(dx_rat_div(rat(-3, 7), rat(0, 5), &out), DX_NUM_DIV_ZERO);
}

static void
test_num_overflow_is_reported(void **state)
{
    static const struct {
        NumOp op;
        DxRat a, b;
    } cases[] = {
        { OP_ADD, { I128_MAX, 1 }, { 1, 1 } },
        { OP_ADD, { I128_MAX, 1 }, { I128_MAX, 1 } },
        { OP_ADD, { -I128_MAX, 1 }, { -1, 1 } },        /* -2^127 is not representable as |v| */
        { OP_SUB, { -I128_MAX, 1 }, { 2, 1 } },
        { OP_SUB, { I128_MAX, 1 }, { -1, 1 } },
        { OP_MUL, { P2(64), 1 }, { P2(63), 1 } },      /* 2^127 */
        { OP_MUL, { P2(100), 1 }, { -P2(100), 1 } },
        { OP_MUL, { 1, P2(70) }, { 1, P2(70) } },       /* denominator 2^140 */
        { OP_MUL, { 3, P2(70) }, { 1, (P2(70) - 1) } }, /* no common factor: 2^140-ish den */
        { OP_DIV, { 1, P2(100) }, { P2(30), 1 } },
        { OP_DIV, { P2(100), 1 }, { 1, P2(30) } },
        { OP_ADD, { 1, (P2(70) - 1) }, { 1, P2(70) } }, /* exact den (2^70-1)*2^70 does not fit */
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        DxRat out = { 12345, 1 };

        if (num_apply(cases[i].op, cases[i].a, cases[i].b, &out) != DX_NUM_OVERFLOW)
            fail_msg("case %" G_GSIZE_FORMAT ": expected DX_NUM_OVERFLOW", i);
    }
}

static void
test_num_large_exact_results_fit(void **state)
{
    DxRat out;

    (void)state;
    /* Fraction(2**100, 3) * Fraction(3, 2**99) == 2: cross-reduction avoids a spurious overflow */
    assert_int_equal(dx_rat_mul(rat(P2(100), 3), rat(3, P2(99)), &out), DX_NUM_OK);
    assert_rat_equal(out, 2, 1, "cross-reduced mul");
    /* Fraction(2**100, 7) / Fraction(2**99, 7) == 2 */
    assert_int_equal(dx_rat_div(rat(P2(100), 7), rat(P2(99), 7), &out), DX_NUM_OK);
    assert_rat_equal(out, 2, 1, "cross-reduced div");
    /* Fraction(1, 2**64) + Fraction(1, 2**63) == Fraction(3, 2**64): the exact
     * result fits, only the naive product of denominators (2**127) does not */
    assert_int_equal(dx_rat_add(rat(1, P2(64)), rat(1, P2(63)), &out), DX_NUM_OK);
    assert_rat_equal(out, 3, P2(64), "add with large common factor");
    /* Fraction(1, 2**63) - Fraction(1, 2**64) == Fraction(1, 2**64) */
    assert_int_equal(dx_rat_sub(rat(1, P2(63)), rat(1, P2(64)), &out), DX_NUM_OK);
    assert_rat_equal(out, 1, P2(64), "sub with large common factor");
    /* 2^126 + 2^126 - 1 == 2^127 - 1, the largest value */
    assert_int_equal(dx_rat_add(rat(P2(126), 1), rat(P2(126) - 1, 1), &out), DX_NUM_OK);
    assert_rat_equal(out, I128_MAX, 1, "largest sum");
    assert_int_equal(dx_rat_neg(rat(I128_MAX, 1), &out), DX_NUM_OK);
    assert_rat_equal(out, -I128_MAX, 1, "neg");
}

static void
test_num_cmp(void **state)
{
    const dx_i128 e30 = pow10_i128(30);
    /* expected = sign(Fraction(a) - Fraction(b)) */
    const struct {
        DxRat a, b;
        int want;
    } cases[] = {
        { rat(1, 3), rat(1, 2), -1 },
        { rat(1, 2), rat(1, 3), 1 },
        { rat(-1, 2), rat(-1, 3), -1 },
        { rat(2, 4), rat(1, 2), 0 },
        { rat(0, 1), rat(0, 7), 0 },
        { rat(-1, 1000000), rat(0, 1), -1 },
        { rat(3, 20), rat(15, 100), 0 },
        { rat(7, 1), rat(7, 1), 0 },
        { rat(-7, 2), rat(-3, 1), -1 },
        /* slow path: cross products overflow int128 */
        { rat(e30 + 1, e30), rat(e30 + 2, e30 + 1), 1 },       /* difference 1/(10^30(10^30+1)) */
        { rat(e30 + 2, e30 + 1), rat(e30 + 1, e30), -1 },
        { rat(-(e30 + 1), e30), rat(-(e30 + 2), e30 + 1), -1 },
        { rat(-(e30 + 2), e30 + 1), rat(-(e30 + 1), e30), 1 },
        { rat(I128_MAX, I128_MAX - 1), rat(I128_MAX - 1, I128_MAX - 2), -1 },
        { rat(I128_MAX - 1, I128_MAX - 2), rat(I128_MAX, I128_MAX - 1), 1 },
        { rat(3 * e30 + 1, e30), rat(2 * e30 + 7, e30 + 3), 1 },  /* integer parts 3 vs 1 */
        { rat(e30, e30 + 1), rat(e30 + 1, e30 + 2), -1 },         /* both below 1 */
        { rat(I128_MAX, 3), rat(I128_MAX - 1, 3), 1 },            /* same denominator */
        { rat(I128_MAX, 2), rat(I128_MAX, 3), 1 },                /* the pair 1/2 vs 1/3 scaled */
        { rat(I128_MAX, P2(64)), rat(I128_MAX - 2, P2(64) - 1), -1 },
        { rat(-I128_MAX, 1), rat(I128_MAX, 1), -1 },
        { rat(1, I128_MAX), rat(1, I128_MAX - 1), -1 },
        { rat(2, I128_MAX), rat(1, (I128_MAX - 1) / 2), -1 },     /* 2/M vs 2/(M-1) */
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        int got = dx_rat_cmp(cases[i].a, cases[i].b);

        if (got != cases[i].want)
            fail_msg("case %" G_GSIZE_FORMAT ": cmp = %d, expected %d", i, got, cases[i].want);
    }
    assert_int_equal(dx_rat_sign(rat(-1, 9)), -1);
    assert_int_equal(dx_rat_sign(rat(0, 9)), 0);
    assert_int_equal(dx_rat_sign(rat(1, 9)), 1);
}

static void
test_num_floor_and_floor_div(void **state)
{
    static const struct {
        gint64 num, den, want;
    } floors[] = {
        { 7, 2, 3 }, { -7, 2, -4 }, { -1, 2, -1 }, { -1, 3, -1 }, { 1, 3, 0 },
        { -3, 1, -3 }, { 0, 1, 0 }, { 5, 1, 5 }, { -10, 5, -2 }, { -11, 5, -3 },
        { -15000000000LL, 10000000000LL, -2 },  /* steps(-1.5亿, 1亿) */
    };
    static const struct {
        gint64 a, b, want;
    } divs[] = {
        { 7, 2, 3 }, { -7, 2, -4 }, { 7, -2, -4 }, { -7, -2, 3 },
        { 6, 3, 2 }, { -6, 3, -2 }, { 0, 5, 0 }, { -1, 100, -1 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(floors); i++)
        assert_i128_equal(dx_rat_floor(rat(floors[i].num, floors[i].den)), floors[i].want, "floor");
    for (gsize i = 0; i < G_N_ELEMENTS(divs); i++)
        assert_i128_equal(dx_i128_floor_div(divs[i].a, divs[i].b), divs[i].want, "floor_div");
    assert_i128_equal(dx_rat_floor(rat(-I128_MAX, 2)), -(I128_MAX / 2) - 1, "floor huge");
}

static void
test_num_round_half_up(void **state)
{
    /* half-up = away from zero at exactly .5 */
    static const struct {
        gint64 num, den, want;
    } cases[] = {
        { 5, 2, 3 }, { -5, 2, -3 }, { 1, 2, 1 }, { -1, 2, -1 },
        { 1235421, 2, 617711 },        /* 617710.5 */
        { -1235421, 2, -617711 },
        { 61771049, 100, 617710 },     /* 617710.49 */
        { 61771051, 100, 617711 },
        { -61771049, 100, -617710 },
        { 1, 3, 0 }, { 2, 3, 1 }, { -1, 3, 0 }, { -2, 3, -1 },
        { 3, 2, 2 },                   /* 0.015元 = 1.5 fen -> 2 fen */
        { 7, 1, 7 }, { -7, 1, -7 }, { 0, 1, 0 },
        { 49999, 100000, 0 }, { 50001, 100000, 1 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *what = g_strdup_printf("round case %" G_GSIZE_FORMAT, i);

        assert_i128_equal(dx_rat_round_half_up(rat(cases[i].num, cases[i].den)), cases[i].want, what);
    }
    /* huge denominators: 2^126 / (2^127-1) is just above one half */
    assert_i128_equal(dx_rat_round_half_up(rat(P2(126), I128_MAX)), 1, "just above half");
    assert_i128_equal(dx_rat_round_half_up(rat(-P2(126), I128_MAX)), -1, "just below -half");
    assert_i128_equal(dx_rat_round_half_up(rat(P2(126) - 1, I128_MAX)), 0, "just below half");
    assert_i128_equal(dx_rat_round_half_up(rat(I128_MAX - 1, I128_MAX)), 1, "nearly one");
    assert_i128_equal(dx_rat_round_half_up(rat(I128_MAX, 2)), I128_MAX / 2 + 1, "huge .5");
}

static void
test_num_money_range(void **state)
{
    static const struct {
        dx_i128 num, den;
        gboolean in;
    } cases[] = {
        { 1000000000000000LL, 1, TRUE },          /* exactly 10^13 元 */
        { -1000000000000000LL, 1, TRUE },
        { 1000000000000001LL, 1, FALSE },
        { -1000000000000001LL, 1, FALSE },
        { 2000000000000001LL, 2, FALSE },         /* 10^15 + 0.5 fen */
        { 1999999999999999LL, 2, TRUE },
        { -2000000000000001LL, 2, FALSE },
        { 0, 1, TRUE },
        { 3, 2, TRUE },
        { (dx_i128)1 << 100, 3, FALSE },
        { -((dx_i128)1 << 100), 3, FALSE },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (dx_rat_money_in_range(rat(cases[i].num, cases[i].den)) != cases[i].in)
            fail_msg("case %" G_GSIZE_FORMAT ": expected in_range = %d", i, cases[i].in);
    }
}

static void
test_num_parse_decimal(void **state)
{
    static const struct {
        const char *s;
        guint max_frac;
        gboolean ok;
        gint64 num, den;
    } cases[] = {
        { "123", 9, TRUE, 123, 1 },
        { "0.15", 9, TRUE, 3, 20 },
        { "1.234567", 9, TRUE, 1234567, 1000000 },
        { "007", 9, TRUE, 7, 1 },
        { "0", 9, TRUE, 0, 1 },
        { "0.0", 9, TRUE, 0, 1 },
        { "2.50", 2, TRUE, 5, 2 },
        { "1.234", 3, TRUE, 617, 500 },
        { "1.234", 2, FALSE, 0, 0 },
        { "0.123456789", 9, TRUE, 123456789, 1000000000 },
        { "0.1234567891", 9, FALSE, 0, 0 },
        { "", 9, FALSE, 0, 0 },
        { ".", 9, FALSE, 0, 0 },
        { "1.", 9, FALSE, 0, 0 },
        { ".5", 9, FALSE, 0, 0 },
        { "1.2.3", 9, FALSE, 0, 0 },
        { "-1", 9, FALSE, 0, 0 },
        { "+1", 9, FALSE, 0, 0 },
        { "1e5", 9, FALSE, 0, 0 },
        { "1E5", 9, FALSE, 0, 0 },
        { " 1", 9, FALSE, 0, 0 },
        { "1 ", 9, FALSE, 0, 0 },
        { "1,000", 9, FALSE, 0, 0 },
        { "0x10", 9, FALSE, 0, 0 },
        { "１", 9, FALSE, 0, 0 },                 /* full-width digit */
        { "1/2", 9, FALSE, 0, 0 },
        { "1%", 9, FALSE, 0, 0 },
    };
    DxRat r;

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        gboolean ok = dx_rat_parse_decimal(cases[i].s, strlen(cases[i].s), cases[i].max_frac, &r);

        if (ok != cases[i].ok)
            fail_msg("“%s”: parse returned %d, expected %d", cases[i].s, ok, cases[i].ok);
        if (ok)
            assert_rat_equal(r, cases[i].num, cases[i].den, cases[i].s);
    }
    /* only @len bytes are read */
    assert_true(dx_rat_parse_decimal("12abc", 2, 9, &r));
    assert_rat_equal(r, 12, 1, "prefix");
    assert_false(dx_rat_parse_decimal("12abc", 3, 9, &r));
    /* 2^127 - 1 fits, 2^127 does not */
    assert_true(dx_rat_parse_decimal("170141183460469231731687303715884105727", 39, 0, &r));
    assert_rat_equal(r, I128_MAX, 1, "max");
    assert_false(dx_rat_parse_decimal("170141183460469231731687303715884105728", 39, 0, &r));
    assert_false(dx_rat_parse_decimal("999999999999999999999999999999999999999999", 42, 0, &r));
    /* a denominator of 10^40 does not fit */
    assert_false(dx_rat_parse_decimal("0.0000000000000000000000000000000000000001", 42, 40, &r));
}

static void
test_num_to_string(void **state)
{
    const struct {
        DxRat r;
        const char *want;
    } cases[] = {
        { rat(0, 1), "0" },
        { rat(-7, 1), "-7" },
        { rat(3, 20), "0.15" },
        { rat(-1, 2), "-0.5" },
        { rat(5, 2), "2.5" },
        { rat(-5, 2), "-2.5" },
        { rat(1, 1000), "0.001" },
        { rat(-1, 500), "-0.002" },
        { rat(1234567, 1000), "1234.567" },
        { rat(1, 3), "1/3" },
        { rat(-2, 3), "-2/3" },
        { rat(7, 6), "7/6" },
        { rat(1, P2(18)), "0.000003814697265625" },
        { rat(1, 1000000000), "0.000000001" },
        { rat(I128_MAX, 1), "170141183460469231731687303715884105727" },
        { rat(-I128_MAX, 1), "-170141183460469231731687303715884105727" },
        { rat(100000, 1), "100000" },
        { rat(12345678901LL, 100), "123456789.01" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = dx_rat_to_string(cases[i].r);

        assert_string_equal(got, cases[i].want);
    }
    {
        g_autofree char *s = dx_i128_to_string(-I128_MAX - 1);

        assert_string_equal(s, "-170141183460469231731687303715884105728");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_make_normalises),
        cmocka_unit_test(test_num_arithmetic_is_exact),
        cmocka_unit_test(test_num_div_by_zero),
        cmocka_unit_test(test_num_overflow_is_reported),
        cmocka_unit_test(test_num_large_exact_results_fit),
        cmocka_unit_test(test_num_cmp),
        cmocka_unit_test(test_num_floor_and_floor_div),
        cmocka_unit_test(test_num_round_half_up),
        cmocka_unit_test(test_num_money_range),
        cmocka_unit_test(test_num_parse_decimal),
        cmocka_unit_test(test_num_to_string),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}

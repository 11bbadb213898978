/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for money text (lib/base/dx-money.c): the data-cell grammar of docs/rules.md §2
 * (units 元/万元/万/亿元/亿, proper thousands groups, whole fen after the
 * unit, |value| <= 10^13 元, never rounded) and the human formats
 * documented in include/duixian/dx-money.h. Expected fen were computed by
 * hand: 1元 = 100, 1万 = 10^6, 1亿 = 10^10 fen.
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
#include "duixian/dx-money.h"
#include "base/dx-num-private.h"

static const struct {
    const char *text;
    int64_t fen;
} money_good[] = {
    { "1234.56", 123456 },
    { "5,000万元", 5000000000LL },
    { "5000万", 5000000000LL },
    { "1.2亿", 12000000000LL },
    { "1.2亿元", 12000000000LL },
    { "1.234567万", 1234567 },              /* = 12,345.67 元 */
    { "-300元", -30000 },
    { "300元", 30000 },
    { "1,234,567.89", 123456789 },
    { "12,345.6", 1234560 },
    { "999", 99900 },
    { "0", 0 },
    { "-0", 0 },
    { "0.01", 1 },
    { "0.1元", 10 },
    { "0.5万元", 500000 },
    { "37.5万", 37500000 },
    { "0.000001亿", 10000 },                /* 100 元 */
    { "10000000000000元", 1000000000000000LL },   /* exactly 10^13 元 */
    { "-10000000000000", -1000000000000000LL },
    { "10,000,000,000,000.00元", 1000000000000000LL },
    { "100000亿", 1000000000000000LL },
    { "1,000亿元", 10000000000000LL },
    { "-1.2亿", -12000000000LL },
    { "617710.50", 61771050 },
    { "123,456", 12345600 },
};

static void
test_money_parse_accepts(void **state)
{
    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(money_good); i++) {
        g_autoptr(GError) error = NULL;
        int64_t fen = 42;
        const char *why = NULL;

        if (!dx_money_parse(money_good[i].text, &fen, &error))
            fail_msg("“%s” rejected: %s", money_good[i].text, error->message);
        if (fen != money_good[i].fen)
            fail_msg("“%s”: %" G_GINT64_FORMAT " fen, expected %" G_GINT64_FORMAT,
                     money_good[i].text, fen, money_good[i].fen);
        fen = 42;
        assert_true(dx_money_parse_cell(money_good[i].text, strlen(money_good[i].text), &fen, &why));
        assert_true(fen == money_good[i].fen);
    }
}

static void
test_money_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "1,23万元",                  /* group of two */
        "12,3456",                   /* group of four */
        "1234,567",                  /* first group of four */
        ",123", "1,,234", "1,234,", "1,2345.6", "12.345,6", "1,234.5,6",
        "1.234元",                   /* three decimals of 元 */
        "1.001",
        "1.2345678万",               /* 12345.678 元 */
        "1.23456789012亿",           /* 123456789.012 元 */
        "abc", "5万美元", "", "-", "--1", "+5", "1e5", "1E5", "0x10",
        "1.", ".5", "1.2.3", "万元", "元", "1万万", "1元元", "1万元元",
        "1 234", "1.2 亿", "100 元", "¥100", "１２", "1.5%", "12‰",
        "10000000000000.01元",       /* just above 10^13 元 */
        "-10000000000000.01",
        "10000000000001",
        "100000.0001亿",
        "100000000000000000000元",   /* 10^20 元 */
        "100000000000000000000000000000000000000000000000000",
        "1,000,000,000,000,000,000,000元",
        "1美元", "1yuan", "1万 元", "1亿万",
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        int64_t fen = 42;
        const char *why = NULL;

        if (dx_money_parse(bad[i], &fen, &error))
            fail_msg("“%s” accepted as %" G_GINT64_FORMAT " fen", bad[i], fen);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
        assert_false(dx_money_parse_cell(bad[i], strlen(bad[i]), &fen, &why));
        assert_non_null(why);
    }
}

static void
test_money_parse_trims_ascii_whitespace(void **state)
{
    g_autoptr(GError) error = NULL;
    int64_t fen = 0;

    (void)state;
    assert_true(dx_money_parse("  37.5万 \t", &fen, &error));
    assert_null(error);
    assert_true(fen == 37500000);
    assert_false(dx_money_parse("   ", &fen, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    /* only @len bytes are a cell */
    assert_true(dx_money_parse_cell("300元xyz", strlen("300元"), &fen, &(const char *){ NULL }));
    assert_true(fen == 30000);
}

static void
test_money_format(void **state)
{
    static const struct {
        int64_t fen;
        const char *human, *yuan, *wan;
    } cases[] = {
        { 10000000000LL, "1亿元", "100,000,000.00", "10,000" },
        { 12000000000LL, "1.2亿元", "120,000,000.00", "12,000" },
        { 12300000000LL, "1.23亿元", "123,000,000.00", "12,300" },
        { 10100000000LL, "1.01亿元", "101,000,000.00", "10,100" },
        { 8000000000LL, "8,000万元", "80,000,000.00", "8,000" },
        { 37500000, "37.5万元", "375,000.00", "37.5" },
        { 1000000, "1万元", "10,000.00", "1" },
        { 1500000, "1.5万元", "15,000.00", "1.5" },
        { 1250000, "1.25万元", "12,500.00", "1.25" },
        { 12345600000LL, "12,345.6万元", "123,456,000.00", "12,345.6" },  /* not whole 0.01亿 */
        { 61771050, "617,710.50元", "617,710.50", "61.77105" },
        { 123542100, "1,235,421元", "1,235,421.00", "123.5421" },
        { 1000100, "10,001元", "10,001.00", "1.0001" },
        { 999900, "9,999元", "9,999.00", "0.9999" },
        { 10000000100LL, "100,000,001元", "100,000,001.00", "10,000.0001" },
        { 12345, "123.45元", "123.45", "0.012345" },
        { 100, "1元", "1.00", "0.0001" },
        { 10, "0.10元", "0.10", "0.00001" },
        { 1, "0.01元", "0.01", "0.000001" },
        { 0, "0元", "0.00", "0" },
        { 1000000000000000LL, "100,000亿元", "10,000,000,000,000.00", "1,000,000,000" },
        { -12000000000LL, "-1.2亿元", "-120,000,000.00", "-12,000" },
        { -61771050, "-617,710.50元", "-617,710.50", "-61.77105" },
        { -1500000, "-1.5万元", "-15,000.00", "-1.5" },
        { -5, "-0.05元", "-0.05", "-0.000005" },
        { 12345678901234LL, "123,456,789,012.34元", "123,456,789,012.34", "12,345,678.901234" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *h = dx_money_format(cases[i].fen);
        g_autofree char *y = dx_money_format_yuan(cases[i].fen);
        g_autofree char *w = dx_money_format_wan(cases[i].fen);

        assert_string_equal(h, cases[i].human);
        assert_string_equal(y, cases[i].yuan);
        assert_string_equal(w, cases[i].wan);
    }
}

static void
test_money_format_parses_back(void **state)
{
    /* what dx_money_format writes is a valid money cell of the same value */
    static const int64_t values[] = {
        10000000000LL, 12000000000LL, 8000000000LL, 37500000, 61771050, 0, -12000000000LL,
        -61771050, 1, 99, 12345600000LL, 1000000000000000LL, -1000000000000000LL, 123456789,
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autofree char *s = dx_money_format(values[i]);
        g_autoptr(GError) error = NULL;
        int64_t back = 42;

        if (!dx_money_parse(s, &back, &error))
            fail_msg("“%s” does not parse back: %s", s, error->message);
        assert_true(back == values[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_parse_accepts),
        cmocka_unit_test(test_money_parse_rejects),
        cmocka_unit_test(test_money_parse_trims_ascii_whitespace),
        cmocka_unit_test(test_money_format),
        cmocka_unit_test(test_money_format_parses_back),
    };
    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}

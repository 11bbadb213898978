/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for calendar dates (lib/base/dx-date.c): strict YYYY-MM-DD parsing,
 * days since 1970-01-01, month arithmetic that clamps to the month's end
 * (docs/rules.md §5.2), and the floored months_between / years_between of docs/rules.md §3.
 * Day numbers were taken from Python's datetime; the round trip walks every
 * day of years 1-9999 with a calendar counted independently here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "base/dx-num-private.h"

/* ------------------------------------------------------------------ helpers */

static gint32
day(const char *s)
{
    gint32 d = 0;

    if (!dx_date_parse(s, strlen(s), &d))
        fail_msg("test date “%s” does not parse", s);
    return d;
}

static void
assert_date_equal(gint32 got, const char *want, const char *what)
{
    char buf[16];

    dx_date_format(got, buf);
    if (strcmp(buf, want) != 0)
        fail_msg("%s: got %s, expected %s", what, buf, want);
}

/* -------------------------------------------------------------------- tests */

static void
test_date_parse_known_days(void **state)
{
    /* (date.fromisoformat(s) - date(1970, 1, 1)).days */
    static const struct {
        const char *s;
        gint32 days;
    } cases[] = {
        { "1970-01-01", 0 },       { "1969-12-31", -1 },      { "2000-01-01", 10957 },
        { "2000-03-01", 11017 },   { "2020-02-29", 18321 },   { "2022-03-01", 19052 },
        { "1900-03-01", -25508 },  { "1600-02-29", -135081 }, { "0001-01-01", -719162 },
        { "9999-12-31", 2932896 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        gint32 d = 12345;

        assert_true(dx_date_parse(cases[i].s, strlen(cases[i].s), &d));
        assert_int_equal(d, cases[i].days);
        assert_int_equal(dx_date_from_ymd(atoi(cases[i].s), atoi(cases[i].s + 5), atoi(cases[i].s + 8)),
                         cases[i].days);
    }
}

static void
test_date_parse_is_strict(void **state)
{
    static const char *const bad[] = {
        "2022-02-30", "2021-02-29", "1900-02-29", "2022-04-31", "2022-13-01", "2022-00-10",
        "2022-01-00", "2022-01-32", "0000-01-01", "2022-1-01",  "2022-01-1",  "22-01-01",
        "2022/01/01", "2022.01.01", "20220101",   " 2022-01-01", "2022-01-01 ", "2022-01-01T00",
        "-022-01-01", "+2022-01-01", "2022-01-0a", "２０２２-01-01", "",          "2022-01--1",
        "2022--01-01", "12022-01-01", "2022_01_01",
    };
    static const char *const good[] = {
        "2020-02-29", "2000-02-29", "2022-12-31", "2022-01-01", "0001-01-01", "9999-12-31",
        "2024-02-29", "1600-02-29",
    };
    gint32 d;

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (dx_date_parse(bad[i], strlen(bad[i]), &d))
            fail_msg("“%s” should not parse", bad[i]);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        if (!dx_date_parse(good[i], strlen(good[i]), &d))
            fail_msg("“%s” should parse", good[i]);
    }
    /* only @len bytes count */
    assert_true(dx_date_parse("2022-03-01xyz", 10, &d));
    assert_int_equal(d, 19052);
    assert_false(dx_date_parse("2022-03-01", 9, &d));

    assert_true(dx_date_valid_ymd(2020, 2, 29));
    assert_false(dx_date_valid_ymd(2100, 2, 29));
    assert_true(dx_date_valid_ymd(2000, 2, 29));
    assert_false(dx_date_valid_ymd(2022, 6, 31));
}

static gboolean
ref_leap(int y)
{
    return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0);
}

static int
ref_days_in_month(int y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && ref_leap(y) ? 29 : dim[m - 1];
}

static void
test_date_round_trip_every_day(void **state)
{
    gint32 expect = -719162;   /* 0001-01-01 */

    (void)state;
    for (int y = 1; y <= 9999; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= ref_days_in_month(y, m); d++, expect++) {
                int yy, mm, dd;
                gint32 got = dx_date_from_ymd(y, m, d);

                if (got != expect)
                    fail_msg("%04d-%02d-%02d: from_ymd %d, expected %d", y, m, d, got, expect);
                dx_date_to_ymd(expect, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("%d: to_ymd %04d-%02d-%02d, expected %04d-%02d-%02d", expect, yy, mm,
                             dd, y, m, d);
                if (expect % 97 == 0 || (y >= 1999 && y <= 2031)) {
                    char buf[16];
                    gint32 back = 0;

                    dx_date_format(expect, buf);
                    assert_int_equal(strlen(buf), 10);
                    if (!dx_date_parse(buf, 10, &back) || back != expect)
                        fail_msg("%s does not parse back to %d", buf, expect);
                }
            }
        }
    }
    assert_int_equal(expect, 2932897);   /* one past 9999-12-31 */
}

static void
test_date_add_months_clamps(void **state)
{
    static const struct {
        const char *from;
        int n;
        const char *want;
    } cases[] = {
        { "2020-01-31", 1, "2020-02-29" },
        { "2021-01-31", 1, "2021-02-28" },
        { "2020-01-31", 13, "2021-02-28" },
        { "2020-01-30", 1, "2020-02-29" },
        { "2020-05-31", 1, "2020-06-30" },
        { "2020-08-31", 6, "2021-02-28" },
        { "2020-12-15", 1, "2021-01-15" },
        { "2020-11-30", 3, "2021-02-28" },
        { "2020-02-29", 12, "2021-02-28" },
        { "2020-02-29", 48, "2024-02-29" },
        { "2020-02-29", 1, "2020-03-29" },
        { "2020-03-31", 0, "2020-03-31" },
        { "2020-03-31", -1, "2020-02-29" },
        { "2020-03-31", -13, "2019-02-28" },
        { "2021-01-15", -1, "2020-12-15" },
        { "2020-01-15", -13, "2018-12-15" },
        { "2020-01-15", -12, "2019-01-15" },
        { "2020-01-15", -24, "2018-01-15" },
        { "2000-02-29", -1200, "1900-02-28" },
        { "1970-01-01", -1, "1969-12-01" },
        { "1970-03-31", -1, "1970-02-28" },
        { "0001-01-31", 1, "0001-02-28" },
        { "2022-10-31", 4, "2023-02-28" },
        { "2023-12-31", 2, "2024-02-29" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *what = g_strdup_printf("%s %+d months", cases[i].from, cases[i].n);

        assert_date_equal(dx_date_add_months(day(cases[i].from), cases[i].n), cases[i].want, what);
    }
}

static void
test_date_months_and_years_between(void **state)
{
    /* whole units, floored: the largest n with add_months(d1, n) <= d2 */
    static const struct {
        const char *d1, *d2;
        int months, years;
    } cases[] = {
        { "2020-01-31", "2020-02-29", 1, 0 },   /* the spec's example */
        { "2020-01-31", "2020-02-28", 0, 0 },
        { "2021-01-31", "2021-02-28", 1, 0 },
        { "2020-01-15", "2020-02-14", 0, 0 },
        { "2020-01-15", "2020-02-15", 1, 0 },
        { "2020-01-15", "2021-01-14", 11, 0 },
        { "2020-01-15", "2021-01-15", 12, 1 },
        { "2020-01-15", "2020-01-15", 0, 0 },
        { "2020-02-29", "2020-03-29", 1, 0 },
        { "2020-02-29", "2020-03-28", 0, 0 },
        { "2020-02-29", "2021-02-28", 12, 1 },  /* 2020-02-29 + 1 year clamps to 02-28 */
        { "2020-02-29", "2021-02-27", 11, 0 },
        { "2019-06-01", "2022-05-31", 35, 2 },
        { "2019-06-01", "2022-06-01", 36, 3 },
        { "2000-01-01", "2022-12-31", 275, 22 },
        /* negative when d2 < d1, still floored */
        { "2020-02-15", "2020-01-16", -1, -1 },
        { "2020-02-15", "2020-01-15", -1, -1 },
        { "2020-02-15", "2020-01-14", -2, -1 },
        { "2020-03-31", "2020-02-29", -1, -1 },
        { "2020-03-31", "2020-03-30", -1, -1 },
        { "2021-01-01", "2020-12-31", -1, -1 },
        { "2022-06-01", "2019-06-01", -36, -3 },
        { "2022-06-01", "2019-06-02", -36, -3 },
        { "2022-06-01", "2019-05-31", -37, -4 },
        { "2022-06-01", "2021-06-01", -12, -1 },
        { "2022-06-01", "2021-06-02", -12, -1 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        gint32 a = day(cases[i].d1), b = day(cases[i].d2);
        int m = dx_date_months_between(a, b), y = dx_date_years_between(a, b);

        if (m != cases[i].months || y != cases[i].years)
            fail_msg("%s -> %s: %d months %d years, expected %d months %d years", cases[i].d1,
                     cases[i].d2, m, y, cases[i].months, cases[i].years);
    }
}

static void
test_date_months_between_matches_definition(void **state)
{
    /* For a sweep of pairs, months_between is the largest n with
     * add_months(d1, n) <= d2; checked here by a linear search. */
    gint32 start = day("2019-11-28");

    (void)state;
    for (gint32 a = start; a < start + 130; a += 3) {
        for (gint32 b = start - 400; b < start + 800; b += 11) {
            int n = -40;

            while (dx_date_add_months(a, n + 1) <= b)
                n++;
            if (dx_date_months_between(a, b) != n)
                fail_msg("months_between(%d, %d) = %d, expected %d", a, b,
                         dx_date_months_between(a, b), n);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_known_days),
        cmocka_unit_test(test_date_parse_is_strict),
        cmocka_unit_test(test_date_round_trip_every_day),
        cmocka_unit_test(test_date_add_months_clamps),
        cmocka_unit_test(test_date_months_and_years_between),
        cmocka_unit_test(test_date_months_between_matches_definition),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}

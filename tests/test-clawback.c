/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the claw-back arithmetic (lib/fund/dx-clawback.c, docs/rules.md
 * §14): the commitment period's end, the refund due by mode, and the check
 * on a refund receipt. Expected values were worked by hand (see each test);
 * the overflow case is checked against 128-bit arithmetic done here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/duixian.h"
#include "base/dx-num-private.h"
#include "fund/dx-clawback-private.h"

static gint32
day(const char *s)
{
    gint32 d = 0;

    if (!dx_date_parse(s, strlen(s), &d))
        fail_msg("test date “%s” does not parse", s);
    return d;
}

/* 60 months from 2022-06-30 is 2027-06-30; from 2024-02-29, 12 months
 * clamp to 2025-02-28. */
static void
test_period_end(void **state)
{
    (void) state;
    assert_int_equal(dx_commitment_period_end(day("2022-06-30"), 60), day("2027-06-30"));
    assert_int_equal(dx_commitment_period_end(day("2024-02-29"), 12), day("2025-02-28"));
    assert_int_equal(dx_commitment_period_end(day("2023-01-31"), 1), day("2023-02-28"));
}

/* 150万元 paid, period 2022-06-30..2027-06-30 = 1826 days (2024 is leap),
 * breach 2024-06-30 leaves 1095 days: 150000000 × 1095 / 1826 =
 * 89950711.9..., floor 89950711 (1826 × 89950711 = 164249998286, remainder
 * 1714). */
static void
test_refund_pro_rata_by_days(void **state)
{
    int64_t out = -1;
    GError *error = NULL;

    (void) state;
    assert_true(dx_refund_due(DX_REFUND_PRO_RATA, 150000000, day("2022-06-30"), day("2027-06-30"),
                              day("2024-06-30"), &out, &error));
    assert_null(error);
    assert_int_equal(out, 89950711);
    /* a breach on E refunds 0, on A everything */
    assert_true(dx_refund_due(DX_REFUND_PRO_RATA, 150000000, day("2022-06-30"), day("2027-06-30"),
                              day("2027-06-30"), &out, NULL));
    assert_int_equal(out, 0);
    assert_true(dx_refund_due(DX_REFUND_PRO_RATA, 150000000, day("2022-06-30"), day("2027-06-30"),
                              day("2022-06-30"), &out, NULL));
    assert_int_equal(out, 150000000);
    /* one day short of the end: 150000000 / 1826 = 82146.77, floor 82146 */
    assert_true(dx_refund_due(DX_REFUND_PRO_RATA, 150000000, day("2022-06-30"), day("2027-06-30"),
                              day("2027-06-29"), &out, NULL));
    assert_int_equal(out, 82146);
}

static void
test_refund_paid(void **state)
{
    int64_t out = -1;

    (void) state;
    /* `paid` asks everything back whatever the date, even outside the period */
    assert_true(dx_refund_due(DX_REFUND_PAID, 150000000, day("2022-06-30"), day("2027-06-30"),
                              day("2030-01-01"), &out, NULL));
    assert_int_equal(out, 150000000);
    assert_true(dx_refund_due(DX_REFUND_PAID, 0, 0, 0, 0, &out, NULL));
    assert_int_equal(out, 0);
}

static void
test_refund_refused(void **state)
{
    int64_t out = 7;
    GError *error = NULL;

    (void) state;
    assert_false(dx_refund_due(DX_REFUND_PRO_RATA, 100, day("2022-06-30"), day("2027-06-30"),
                               day("2027-07-01"), &out, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    assert_non_null(strstr(error->message, "2027-07-01"));
    g_clear_error(&error);
    assert_false(dx_refund_due(DX_REFUND_PRO_RATA, 100, day("2022-06-30"), day("2022-06-30"),
                               day("2022-06-30"), &out, &error));
    g_clear_error(&error);
    assert_false(dx_refund_due(DX_REFUND_PAID, -1, 0, 0, 0, &out, &error));
    g_clear_error(&error);
    assert_int_equal(out, 7);   /* untouched on error */
}

/* The exact floor for amounts whose product with the days overflows int64. */
static void
test_refund_no_overflow(void **state)
{
    const int64_t paids[] = { INT64_MAX, INT64_MAX - 1, (int64_t) 1 << 62, 999999999999999 };
    gint32 from = day("2000-01-01"), to = day("2099-12-31");

    (void) state;
    for (gsize i = 0; i < G_N_ELEMENTS(paids); i++) {
        for (gint32 d = from; d <= to; d += 997) {
            int64_t out = -1;
            __int128 want = (__int128) paids[i] * (to - d) / (to - from);

            assert_true(dx_refund_due(DX_REFUND_PRO_RATA, paids[i], from, to, d, &out, NULL));
            assert_true((__int128) out == want);
        }
    }
}

/* Due 150万元, 100万元 received: 50万元 is accepted, 50万元 + 1 fen, 0 and
 * −1 fen are refused. */
static void
test_receipt(void **state)
{
    GError *error = NULL;

    (void) state;
    assert_true(dx_refund_receipt_check(50000000, 150000000, 100000000, &error));
    assert_null(error);
    assert_false(dx_refund_receipt_check(50000001, 150000000, 100000000, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    assert_non_null(strstr(error->message, "still due"));
    g_clear_error(&error);
    assert_false(dx_refund_receipt_check(0, 150000000, 0, &error));
    assert_non_null(strstr(error->message, "more than 0"));
    g_clear_error(&error);
    assert_false(dx_refund_receipt_check(-1, 150000000, 0, &error));
    g_clear_error(&error);
    /* nothing due at all */
    assert_false(dx_refund_receipt_check(1, 0, 0, &error));
    g_clear_error(&error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_end),
        cmocka_unit_test(test_refund_pro_rata_by_days),
        cmocka_unit_test(test_refund_paid),
        cmocka_unit_test(test_refund_refused),
        cmocka_unit_test(test_refund_no_overflow),
        cmocka_unit_test(test_receipt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

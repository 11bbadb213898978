/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One installment line against its requires (lib/fund/dx-payrun-check.c,
 * docs/rules.md §13), case by case: the order in which errors, false and
 * unknown clauses decide; the codes (one per clause in error, per false
 * clause, per missing field); forfeit_rest only with on_fail; parameters
 * read on the line's date; received() from what the caller gives.
 * Expected values are written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>
#include <glib.h>

#include "duixian/duixian.h"
#include "fund/dx-payrun-private.h"
#include "input/dx-application-private.h"
#include "base/dx-num-private.h"

static const char rules[] =
    "format: duixian/2\n"
    "fund: {id: T/PC, name: 测试, total: 100万元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
    "bureaus: {commerce: 区商务局}\n"
    "fields:\n"
    "  up: {type: bool, label: 是否限上企业}\n"
    "  sales: {type: money, label: 本年零售额}\n"
    "  staff: {type: integer, label: 从业人数, default: 0}\n"
    "  seats: {type: integer, label: 座位数}\n"
    "params:\n"
    "  min_sales: {type: money, label: 限上零售额标准, values: {2023-01-01: 500万元, 2024-01-01: 600万元}}\n"
    "policies:\n"
    "  - id: P\n"
    "    name: 测试奖励\n"
    "    bureau: commerce\n"
    "    basis: 测试\n"
    "    award: {fixed: 3万元}\n"
    "    installments:\n"
    "      - {amount: 1万元, at: approval}\n"
    "      - {amount: 1万元, after: 12 months, requires: [仍为限上: up, 零售额达标: sales >= min_sales,\n"
    "                                                     人均座位: seats / staff >= 1], on_fail: forfeit_rest}\n"
    "      - {rest: true, after: 24 months, requires: [已获: received(\"P\") >= 3万元]}\n";

typedef struct {
    DxRuleset *rs;
    GString *codes, *text;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    GError *error = NULL;

    f->rs = dx_ruleset_load_data(rules, -1, "t.yaml", NULL, &error);
    if (f->rs == NULL)
        fail_msg("%s", error->message);
    f->codes = g_string_new(NULL);
    f->text = g_string_new(NULL);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    dx_ruleset_unref(f->rs);
    g_string_free(f->codes, TRUE);
    g_string_free(f->text, TRUE);
    g_free(f);
    return 0;
}

static gint32
day(const char *s)
{
    gint32 d = 0;

    assert_true(dx_date_parse(s, strlen(s), &d));
    return d;
}

/* A checks row: NULL cells stay empty. */
static DxApplication *
row(Fixture *f, const char *up, const char *sales, const char *staff, const char *seats)
{
    DxApplication *app = dx_application_new(f->rs);
    const char *names[] = { "up", "sales", "staff", "seats" };
    const char *cells[] = { up, sales, staff, seats };

    assert_true(dx_application_set(app, "enterprise_id", "E1", NULL));
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (cells[i] != NULL)
            assert_true(dx_application_set(app, names[i], cells[i], NULL));
    }
    return app;
}

static DxSettleKind
check(Fixture *f, guint k, const DxApplication *app, const char *on, int64_t received, gboolean *rest)
{
    const DxPolicy *pol = &f->rs->policies[0];
    int64_t rec[1] = { received };
    DxChecksRow r = { app != NULL ? app->slots : NULL, app != NULL ? app->present : NULL, 2 };

    g_string_truncate(f->codes, 0);
    g_string_truncate(f->text, 0);
    return dx_payrun_check_line(f->rs, pol, k, pol->n_installments, app != NULL ? &r : NULL, day(on), rec, f->codes,
                                f->text, rest);
}

static void
test_no_requires_is_paid(void **state)
{
    Fixture *f = *state;
    gboolean rest = TRUE;

    assert_int_equal(check(f, 1, NULL, "2022-06-30", 0, &rest), DX_SETTLE_PAID);
    assert_false(rest);
    assert_string_equal(f->codes->str, "");
}

static void
test_no_row_is_held(void **state)
{
    Fixture *f = *state;
    gboolean rest;

    assert_int_equal(check(f, 2, NULL, "2023-06-30", 0, &rest), DX_SETTLE_HELD);
    assert_string_equal(f->codes->str, "requirement_missing");
    assert_string_equal(f->text->str, "第 2/3 期暂缓拨付：核查数据中没有该企业");
}

static void
test_all_true_is_paid(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxApplication) app = row(f, "true", "500万元", "10", "10");
    gboolean rest;

    /* 500万 >= 500万 on 2023-06-30 (the 2023 value); 10 / 10 >= 1 */
    assert_int_equal(check(f, 2, app, "2023-06-30", 0, &rest), DX_SETTLE_PAID);
    assert_string_equal(f->codes->str, "");
    assert_false(rest);
}

static void
test_parameter_on_the_line_date(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxApplication) app = row(f, "true", "550万元", "10", "10");
    gboolean rest;

    assert_int_equal(check(f, 2, app, "2023-12-31", 0, &rest), DX_SETTLE_PAID);
    assert_int_equal(check(f, 2, app, "2024-01-01", 0, &rest), DX_SETTLE_FORFEITED);
    assert_string_equal(f->codes->str, "requirement_failed");
    assert_string_equal(f->text->str, "第 2/3 期拨付条件「零售额达标」不满足：本年零售额为 550万元，要求 ≥ 600万元；"
                                      "本期及以后各期不再拨付");
    assert_true(rest);
    /* before the parameter's first date there is no value: held, eval_error */
    assert_int_equal(check(f, 2, app, "2022-12-31", 0, &rest), DX_SETTLE_HELD);
    assert_string_equal(f->codes->str, "eval_error");
    assert_false(rest);
    assert_non_null(strstr(f->text->str, "第 2/3 期拨付条件「零售额达标」无法计算：参数「限上零售额标准」在 2022-12-31 尚无取值"));
}

static void
test_error_before_false_before_unknown(void **state)
{
    Fixture *f = *state;
    /* up false, sales missing, seats / 0 staff: an error wins over a false clause */
    g_autoptr(DxApplication) a = row(f, "false", NULL, "0", "5");
    /* up false and sales missing: false wins over unknown */
    g_autoptr(DxApplication) b = row(f, "false", NULL, "1", "5");
    /* all known true except sales and seats missing: unknown, naming both by label */
    g_autoptr(DxApplication) c = row(f, "true", NULL, "1", NULL);
    gboolean rest;

    assert_int_equal(check(f, 2, a, "2023-06-30", 0, &rest), DX_SETTLE_HELD);
    assert_string_equal(f->codes->str, "eval_error");
    assert_int_equal(check(f, 2, b, "2023-06-30", 0, &rest), DX_SETTLE_FORFEITED);
    assert_string_equal(f->codes->str, "requirement_failed");
    assert_string_equal(f->text->str, "第 2/3 期拨付条件「仍为限上」不满足：是否限上企业为 否，要求为 是；本期及以后各期不再拨付");
    assert_int_equal(check(f, 2, c, "2023-06-30", 0, &rest), DX_SETTLE_HELD);
    assert_string_equal(f->codes->str, "requirement_missing;requirement_missing");
    assert_string_equal(f->text->str, "第 2/3 期拨付条件所需「本年零售额、座位数」缺失，暂缓拨付");
}

static void
test_a_field_with_a_default_is_never_missing(void **state)
{
    Fixture *f = *state;
    /* staff is empty but defaults to 0; seats is missing: only seats is named */
    g_autoptr(DxApplication) app = row(f, "true", "600万元", NULL, NULL);
    gboolean rest;

    assert_int_equal(check(f, 2, app, "2023-06-30", 0, &rest), DX_SETTLE_HELD);
    assert_string_equal(f->codes->str, "requirement_missing");
    assert_string_equal(f->text->str, "第 2/3 期拨付条件所需「座位数」缺失，暂缓拨付");
}

static void
test_one_code_per_false_clause(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxApplication) app = row(f, "false", "100万元", "2", "1");
    gboolean rest;

    assert_int_equal(check(f, 2, app, "2023-06-30", 0, &rest), DX_SETTLE_FORFEITED);
    assert_string_equal(f->codes->str, "requirement_failed;requirement_failed;requirement_failed");
}

static void
test_received_and_plain_forfeit(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxApplication) app = row(f, "true", NULL, NULL, NULL);
    gboolean rest = TRUE;

    assert_int_equal(check(f, 3, app, "2024-06-30", 3000000, &rest), DX_SETTLE_PAID);
    assert_int_equal(check(f, 3, app, "2024-06-30", 2999999, &rest), DX_SETTLE_FORFEITED);
    assert_false(rest);   /* no on_fail: forfeit this line only */
    assert_non_null(strstr(f->text->str, "；本期不再拨付"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_requires_is_paid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_row_is_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_true_is_paid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parameter_on_the_line_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_before_false_before_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_field_with_a_default_is_never_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_code_per_false_clause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_received_and_plain_forfeit, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

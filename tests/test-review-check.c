/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One grant's commitment judged in a review (lib/fund/dx-review-check.c,
 * docs/rules.md §14): kept, breached (the false clauses named with their
 * values), missing (no change, the fields named) and in error (no
 * change), in that order of precedence: error, false, unknown. The
 * expected sentences are written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>
#include <glib.h>

#include "duixian/duixian.h"
#include "fund/dx-review-private.h"
#include "input/dx-application-private.h"
#include "base/dx-num-private.h"

static const char rules[] =
    "format: duixian/2\n"
    "fund: {id: T/RV, name: 测试, total: 100万元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
    "bureaus: {finance: 区金融局}\n"
    "fields:\n"
    "  district: {type: text, label: 注册地}\n"
    "  tax_district: {type: text, label: 纳税地}\n"
    "params:\n"
    "  本区: {type: text, values: {2023-01-01: 武昌区}}\n"
    "policies:\n"
    "  - id: FIN-HQ\n"
    "    name: 金融机构落户奖励\n"
    "    bureau: finance\n"
    "    basis: 测试\n"
    "    award: {fixed: 30万元}\n"
    "    commitment:\n"
    "      months: 60\n"
    "      keep: [注册在本区: district == 本区, 纳税在本区: tax_district == \"武昌区\"]\n"
    "      refund: pro_rata\n";

static DxRuleset *rs;

static int
setup(void **state)
{
    GError *error = NULL;

    (void)state;
    rs = dx_ruleset_load_data(rules, -1, "t.yaml", NULL, &error);
    if (rs == NULL)
        fail_msg("%s", error->message);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    dx_ruleset_unref(rs);
    return 0;
}

typedef struct {
    DxReviewOutcome out;
    GString *codes, *names, *detail, *text;
} Judged;

static Judged
judge(const char *district, const char *tax, const char *on)
{
    g_autoptr(DxApplication) app = dx_application_new(rs);
    DxChecksRow row;
    gint32 day = 0;
    Judged j = { 0, g_string_new(NULL), g_string_new(NULL), g_string_new(NULL), g_string_new(NULL) };

    assert_true(dx_application_set(app, "enterprise_id", "F1", NULL));
    if (district != NULL)
        assert_true(dx_application_set(app, "district", district, NULL));
    if (tax != NULL)
        assert_true(dx_application_set(app, "tax_district", tax, NULL));
    row = (DxChecksRow){ app->slots, app->present, 2 };
    assert_true(dx_date_parse(on, strlen(on), &day));
    j.out = dx_review_judge(rs, &rs->policies[0], &row, day, NULL, j.codes, j.names, j.detail, j.text);
    return j;
}

static void
judged_free(Judged *j)
{
    g_string_free(j->codes, TRUE);
    g_string_free(j->names, TRUE);
    g_string_free(j->detail, TRUE);
    g_string_free(j->text, TRUE);
}

static void
test_kept(void **state)
{
    Judged j = judge("武昌区", "武昌区", "2024-06-30");

    (void)state;
    assert_int_equal(j.out, DX_REVIEW_KEPT);
    assert_string_equal(j.codes->str, "");
    judged_free(&j);
}

static void
test_breached_names_each_false_clause(void **state)
{
    Judged j = judge("东湖高新区", "洪山区", "2024-06-30");

    (void)state;
    assert_int_equal(j.out, DX_REVIEW_BREACHED);
    assert_string_equal(j.codes->str, "commitment_breached;commitment_breached");
    assert_string_equal(j.names->str, "注册在本区」「纳税在本区");
    assert_string_equal(j.detail->str, "注册地为 “东湖高新区”，要求为 “武昌区”；纳税地为 “洪山区”，要求为 “武昌区”");
    judged_free(&j);
}

static void
test_false_wins_over_unknown(void **state)
{
    Judged j = judge("东湖高新区", NULL, "2024-06-30");

    (void)state;
    assert_int_equal(j.out, DX_REVIEW_BREACHED);
    assert_string_equal(j.names->str, "注册在本区");
    judged_free(&j);
}

static void
test_missing_is_no_change(void **state)
{
    Judged j = judge("武昌区", NULL, "2024-06-30");

    (void)state;
    assert_int_equal(j.out, DX_REVIEW_MISSING);
    assert_string_equal(j.codes->str, "commitment_missing");
    assert_string_equal(j.text->str, "承诺「纳税在本区」所需「纳税地」缺失，本次未复核");
    judged_free(&j);
}

static void
test_error_wins_and_names_the_parameter(void **state)
{
    /* 本区 has no value before 2023-01-01: the review date reads it */
    Judged j = judge("东湖高新区", "洪山区", "2022-12-31");

    (void)state;
    assert_int_equal(j.out, DX_REVIEW_ERROR);
    assert_string_equal(j.codes->str, "eval_error");
    assert_string_equal(j.text->str, "承诺「注册在本区」无法计算：参数「本区」在 2022-12-31 尚无取值，无法计算，本次未复核");
    judged_free(&j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_breached_names_each_false_clause),
        cmocka_unit_test(test_false_wins_over_unknown),
        cmocka_unit_test(test_missing_is_no_change),
        cmocka_unit_test(test_error_wins_and_names_the_parameter),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for format duixian/2 (spec §9-§12) through the public API: field
 * bounds, labels as column titles and 是/否 cells (§9), effective-dated
 * parameters (§10), what an enterprise already received (§11) and
 * competitive selection (§12), plus the properties the spec promises
 * (a later-dated parameter value changes no earlier decision; ranking does
 * not depend on input order). Every expected amount was worked out by
 * hand; the arithmetic is in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/duixian.h"

/* ---- helpers ---- */

#define HEAD2                                                                             \
    "format: duixian/2\n"                                                                 \
    "fund: {id: T/F2, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, " \
    "shortfall: fcfs}\n"                                                                  \
    "bureaus: {commerce: 区商务局}\n"

static DxRuleset *
load_ok(const char *yaml)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_data(yaml, -1, "t.yaml", NULL, &error);

    if (rs == NULL)
        fail_msg("want the rules to load: %s", error->message);
    return rs;
}

static char *
load_error(const char *yaml)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_data(yaml, -1, "t.yaml", NULL, &error);

    if (rs != NULL) {
        dx_ruleset_unref(rs);
        fail_msg("want a load error for:\n%s", yaml);
    }
    return g_strdup(error->message);
}

static void
assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        fail_msg("“%s” does not contain “%s”", haystack, needle);
}

/* An application from "field=cell" pairs (NULL-terminated); setting a cell
 * that is invalid is allowed (it becomes invalid_field). */
static DxApplication *
app_new(DxRuleset *rs, const char *const *pairs)
{
    DxApplication *app = dx_application_new(rs);

    for (; *pairs != NULL; pairs++) {
        const char *eq = strchr(*pairs, '=');
        g_autofree char *k = g_strndup(*pairs, (gsize)(eq - *pairs));
        g_autoptr(GError) error = NULL;

        dx_application_set(app, k, eq + 1, &error);
    }
    return app;
}

/* "status reason;reason" of the decision for @policy (or of the only one). */
static char *
describe(const DxDecisionList *list, const char *app_id, const char *policy)
{
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        GString *s;

        if (strcmp(dx_decision_get_app_id(d), app_id) != 0 ||
            (policy != NULL && strcmp(dx_decision_get_policy_id(d), policy) != 0))
            continue;
        s = g_string_new(dx_status_to_string(dx_decision_get_status(d)));
        g_string_append_printf(s, " %" G_GINT64_FORMAT " ", (gint64)dx_decision_get_granted_fen(d));
        for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++)
            g_string_append_printf(s, "%s%s", r > 0 ? ";" : "", dx_reason_code_to_string(dx_decision_get_reason_code(d, r)));
        return g_string_free(s, FALSE);
    }
    return g_strdup("(none)");
}

/* The message of the first reason of @code in the decision for @app_id/@policy. */
static char *
message_of(const DxDecisionList *list, const char *app_id, const char *policy, const char *code)
{
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        if (strcmp(dx_decision_get_app_id(d), app_id) != 0 ||
            (policy != NULL && strcmp(dx_decision_get_policy_id(d), policy) != 0))
            continue;
        for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++) {
            if (strcmp(dx_reason_code_to_string(dx_decision_get_reason_code(d, r)), code) == 0)
                return dx_decision_dup_reason_message(d, r);
        }
    }
    return g_strdup("(none)");
}

static DxDecisionList *
decide_one(DxRuleset *rs, const char *const *pairs)
{
    g_autoptr(DxApplication) app = app_new(rs, pairs);

    return dx_ruleset_decide(rs, app);
}

/* ---- §9 fields ---- */

static const char bounds_yaml[] = HEAD2
    "fields:\n"
    "  employees: {type: integer, label: 从业人数, min: 0, max: 1000}\n"
    "  growth:    {type: number,  label: 增速, min: -100%, max: 500%}\n"
    "  revenue:   {type: money,   label: 上年营业收入, min: 0元, aliases: [营收]}\n"
    "  founded:   {type: date,    label: 成立日期, min: 1949-10-01, max: 2022-12-31}\n"
    "  listed:    {type: bool,    label: 已上市}\n"
    "policies:\n"
    "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: {fixed: 1万元}}\n";

static void
test_field_bounds_every_type(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(bounds_yaml);
    static const struct {
        const char *field, *cell, *want;   /* want: "" accepted, else the sentence's tail */
    } cases[] = {
        { "employees", "0", "" },                 /* the bounds themselves are inside */
        { "employees", "1000", "" },
        { "employees", "-1", "「从业人数」为 -1，不得小于 0" },
        { "employees", "1001", "「从业人数」为 1001，不得大于 1000" },
        { "growth", "-100%", "" },
        { "growth", "500%", "" },
        { "growth", "-100.5%", "「增速」为 -1.005，不得小于 -1" },   /* -100.5% = -1.005 */
        { "growth", "5.01", "「增速」为 5.01，不得大于 5" },
        { "revenue", "0", "" },
        { "revenue", "-301,800万元", "「上年营业收入」为 -301,800万元，不得小于 0元" },   /* the §9 sentence */
        { "revenue", "-0.01", "「上年营业收入」为 -0.01元，不得小于 0元" },
        { "founded", "1949-10-01", "" },
        { "founded", "1949-09-30", "「成立日期」为 1949-09-30，不得小于 1949-10-01" },
        { "founded", "2023-01-01", "「成立日期」为 2023-01-01，不得大于 2022-12-31" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *pair = g_strdup_printf("%s=%s", cases[i].field, cases[i].cell);
        const char *pairs[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01", pair, NULL };
        g_autoptr(DxDecisionList) list = decide_one(rs, pairs);
        g_autofree char *got = describe(list, "A1", NULL);

        if (*cases[i].want == '\0') {
            if (!g_str_has_prefix(got, "approved"))
                fail_msg("%s=%s: want approved, got %s", cases[i].field, cases[i].cell, got);
        } else {
            g_autofree char *msg = message_of(list, "A1", NULL, "invalid_field");

            if (!g_str_has_prefix(got, "invalid 0 invalid_field"))
                fail_msg("%s=%s: want invalid, got %s", cases[i].field, cases[i].cell, got);
            assert_contains(msg, cases[i].want);
        }
    }
}

static void
test_field_default_out_of_bounds(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(HEAD2
        "fields:\n"
        "  employees: {type: integer, label: 从业人数, min: 10, default: 5}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: {fixed: 1万元}}\n");
    const char *empty[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01", NULL };
    const char *given[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01", "employees=12", NULL };
    g_autoptr(DxDecisionList) l1 = decide_one(rs, empty);
    g_autoptr(DxDecisionList) l2 = decide_one(rs, given);
    g_autofree char *d1 = describe(l1, "A1", NULL), *d2 = describe(l2, "A1", NULL);
    g_autofree char *m1 = message_of(l1, "A1", NULL, "invalid_field");

    (void)state;
    /* the empty cell takes the default 5 < min 10: invalid; a given 12 is fine */
    assert_string_equal(d1, "invalid 0 invalid_field");
    assert_contains(m1, "不得小于 10");
    assert_string_equal(d2, "approved 1000000 award_fixed");
}

static void
test_field_label_column_and_bool_zh(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(bounds_yaml);
    g_autoptr(DxRuleset) v1 = load_ok("format: duixian/1\n"
        "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
        "bureaus: {commerce: 区商务局}\n"
        "fields:\n"
        "  listed: {type: bool, label: 已上市}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: {fixed: 1万元}}\n");
    g_autoptr(DxApplication) app = dx_application_new(rs);
    g_autoptr(DxApplication) app1 = dx_application_new(v1);
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

    (void)state;
    /* format 2: the label names the column; 是/否 are bool cells */
    assert_true(dx_application_set(app, "上年营业收入", "5万元", &e1));
    assert_true(dx_application_set(app, "已上市", "是", &e2));
    assert_true(dx_application_set(app, "listed", "否", &e3));
    /* format 1 keeps its grammar: the label is no column, 是 is no bool */
    assert_false(dx_application_set(app1, "已上市", "true", &e4));
    assert_false(dx_application_set(app1, "listed", "是", &e5));
}

static void
test_format1_rejects_format2_keys(void **state)
{
    static const char *const v1_fields[] = {
        "  x: {type: money, min: 0元}\n",
        "  x: {type: money, max: 1亿元}\n",
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(v1_fields); i++) {
        g_autofree char *yaml = g_strconcat("format: duixian/1\n"
            "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
            "bureaus: {commerce: 区商务局}\n"
            "fields:\n", v1_fields[i],
            "policies:\n"
            "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: {fixed: 1万元}}\n", NULL);
        g_autofree char *msg = load_error(yaml);

        assert_contains(msg, "t.yaml:5:");
        assert_contains(msg, "needs format: duixian/2");
    }
}

/* ---- main ---- */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_bounds_every_type),
        cmocka_unit_test(test_field_default_out_of_bounds),
        cmocka_unit_test(test_field_label_column_and_bool_zh),
        cmocka_unit_test(test_format1_rejects_format2_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for format duixian/2 (docs/rules.md §9-§12) through the public API: field
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
    assert_null(strstr(m1, "minimum"));   /* Chinese throughout */
    {
        /* and English throughout in English */
        g_autofree char *en = dx_decision_dup_explanation(dx_decision_list_get_item(l1, 0), NULL, "en");

        assert_contains(en, "“从业人数” is 5 (its default), below the minimum 10");
        assert_null(strstr(en, "不得小于"));
    }
    {
        /* a given cell below the bound: the same, in each language */
        const char *low[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01", "employees=2", NULL };
        g_autoptr(DxDecisionList) l3 = decide_one(rs, low);
        g_autofree char *zh = dx_decision_dup_explanation(dx_decision_list_get_item(l3, 0), NULL, "zh");
        g_autofree char *en = dx_decision_dup_explanation(dx_decision_list_get_item(l3, 0), NULL, "en");

        assert_contains(zh, "「从业人数」为 2，不得小于 10");
        assert_null(strstr(zh, "minimum"));
        assert_contains(en, "“从业人数” is 2, below the minimum 10");
        assert_null(strstr(en, "不得小于"));
    }
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


/* ---- §10 parameters ---- */

static const char params_yaml[] = HEAD2
    "fields:\n"
    "  capital: {type: money, label: 实缴资本}\n"
    "params:\n"
    "  hq_rate: {type: number, label: 落户奖励比例, values: {2021-06-16: 2%, 2022-07-01: 1.5%}}\n"
    "  hq_cap:  {type: money,  label: 落户奖励上限, values: {2021-06-16: 1亿元}}\n"
    "policies:\n"
    "  - id: FIN-HQ\n"
    "    name: 落户奖励\n"
    "    bureau: commerce\n"
    "    basis: 武政规〔2021〕8号\n"
    "    award: {rate: hq_rate, of: capital}\n"
    "    cap: hq_cap\n";

static DxDecisionList *
decide_rows(DxRuleset *rs, const char *const *const *rows, gsize n)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);

    for (gsize i = 0; i < n; i++) {
        g_autoptr(DxApplication) app = app_new(rs, rows[i]);

        dx_batch_add_application(batch, app);
    }
    return dx_batch_decide(batch);
}

static void
test_param_switches_between_dates(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(params_yaml);
    const char *a1[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-06-30", "capital=1亿元", NULL };
    const char *a2[] = { "app_id=A2", "enterprise_id=E2", "submitted_on=2022-07-01", "capital=1亿元", NULL };
    const char *a3[] = { "app_id=A3", "enterprise_id=E3", "submitted_on=2021-06-15", "capital=1亿元", NULL };
    const char *const *rows[] = { a1, a2, a3 };
    g_autoptr(DxDecisionList) list = decide_rows(rs, rows, 3);
    g_autofree char *d1 = describe(list, "A1", NULL), *d2 = describe(list, "A2", NULL), *d3 = describe(list, "A3", NULL);
    g_autofree char *m2 = message_of(list, "A2", NULL, "award_rate");
    g_autofree char *m3 = message_of(list, "A3", NULL, "eval_error");

    (void)state;
    /* A1 on 2022-06-30: 2% in force; 1亿元 = 10^10 fen × 2% = 2×10^8 fen (200万元) */
    assert_string_equal(d1, "approved 200000000 award_rate");
    /* A2 on 2022-07-01: 1.5% from that day; 10^10 × 1.5% = 1.5×10^8 fen (150万元) */
    assert_string_equal(d2, "approved 150000000 award_rate");
    assert_contains(m2, "落户奖励比例 1.5%（2022-07-01 起）");
    /* A3 on 2021-06-15, the day before the first date: no value → error */
    assert_string_equal(d3, "error 0 eval_error");
    assert_contains(m3, "落户奖励比例");
    assert_contains(m3, "2021-06-15");
}

static const DxDecision *
find(const DxDecisionList *list, const char *app_id)
{
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        if (strcmp(dx_decision_get_app_id(d), app_id) == 0)
            return d;
    }
    fail_msg("no decision %s", app_id);
    return NULL;
}

/* The parameters through the C API: names, labels, types, dated values as
 * the explanations write them, and which value each decision read. */
static void
test_param_api(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(params_yaml);
    const char *a1[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-06-30", "capital=1亿元", NULL };
    const char *a2[] = { "app_id=A2", "enterprise_id=E2", "submitted_on=2022-07-01", "capital=1亿元", NULL };
    const char *a3[] = { "app_id=A3", "enterprise_id=E3", "submitted_on=2021-06-15", "capital=1亿元", NULL };
    const char *const *rows[] = { a1, a2, a3 };
    g_autoptr(DxDecisionList) list = decide_rows(rs, rows, 3);
    g_autofree char *v0 = NULL, *v1 = NULL, *c0 = NULL, *f0 = NULL, *f1 = NULL, *fc = NULL;

    (void)state;
    assert_int_equal(dx_ruleset_get_n_params(rs), 2);
    assert_string_equal(dx_ruleset_get_param_name(rs, 0), "hq_rate");
    assert_string_equal(dx_ruleset_get_param_label(rs, 0), "落户奖励比例");
    assert_int_equal(dx_ruleset_get_param_type(rs, 0), DX_FIELD_NUMBER);
    assert_int_equal(dx_ruleset_get_param_type(rs, 1), DX_FIELD_MONEY);
    assert_int_equal(dx_ruleset_get_param_n_values(rs, 0), 2);
    assert_int_equal(dx_ruleset_get_param_n_values(rs, 1), 1);
    v0 = dx_ruleset_dup_param_value(rs, 0, 0, &f0);
    v1 = dx_ruleset_dup_param_value(rs, 0, 1, &f1);
    c0 = dx_ruleset_dup_param_value(rs, 1, 0, &fc);
    assert_string_equal(v0, "2%");
    assert_string_equal(f0, "2021-06-16");
    assert_string_equal(v1, "1.5%");
    assert_string_equal(f1, "2022-07-01");
    assert_string_equal(c0, "1亿元");
    assert_string_equal(fc, "2021-06-16");
    /* A1 (06-30) read 2%, A2 (07-01) 1.5%; both the one cap; A3 is before
     * every date: no value */
    assert_int_equal(dx_decision_get_param_value_index(find(list, "A1"), 0), 0);
    assert_int_equal(dx_decision_get_param_value_index(find(list, "A2"), 0), 1);
    assert_int_equal(dx_decision_get_param_value_index(find(list, "A2"), 1), 0);
    assert_int_equal(dx_decision_get_param_value_index(find(list, "A3"), 0), -1);
    assert_int_equal(dx_decision_get_rank(find(list, "A1")), 0);   /* not a ranked policy */
}

/* Adding a value dated 2022-07-01 changes no decision whose reference date
 * is before it (§10 replay), and does change those on or after it. */
static void
test_param_later_value_changes_nothing_before(void **state)
{
    g_autoptr(DxRuleset) before = load_ok(HEAD2
        "fields: {capital: {type: money}}\n"
        "params: {r: {type: number, values: {2021-01-01: 2%}}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: capital * r}\n");
    g_autoptr(DxRuleset) after = load_ok(HEAD2
        "fields: {capital: {type: money}}\n"
        "params: {r: {type: number, values: {2021-01-01: 2%, 2022-07-01: 1.5%}}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: capital * r}\n");
    static const char *const days[] = { "2021-01-01", "2021-12-31", "2022-03-15", "2022-06-30" };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(days); i++) {
        g_autofree char *sub = g_strdup_printf("submitted_on=%s", days[i]);
        const char *a[] = { "app_id=A", "enterprise_id=E", sub, "capital=1234.57万元", NULL };
        const char *const *rows[] = { a };
        g_autoptr(DxDecisionList) l1 = decide_rows(before, rows, 1);
        g_autoptr(DxDecisionList) l2 = decide_rows(after, rows, 1);
        g_autofree char *c1 = dx_decision_list_dup_csv(l1), *c2 = dx_decision_list_dup_csv(l2);

        assert_string_equal(c1, c2);
    }
    {
        const char *a[] = { "app_id=A", "enterprise_id=E", "submitted_on=2022-07-01", "capital=1万元", NULL };
        const char *const *rows[] = { a };
        g_autoptr(DxDecisionList) l1 = decide_rows(before, rows, 1);
        g_autoptr(DxDecisionList) l2 = decide_rows(after, rows, 1);
        g_autofree char *d1 = describe(l1, "A", NULL), *d2 = describe(l2, "A", NULL);

        /* 1万元 = 10^6 fen: × 2% = 20000, × 1.5% = 15000 */
        assert_string_equal(d1, "approved 20000 award_formula");
        assert_string_equal(d2, "approved 15000 award_formula");
    }
}

static void
test_param_load_errors(void **state)
{
    static const struct {
        const char *params, *policy, *want;
    } cases[] = {
        { "r: {type: number, values: {2022-01-01: 1 + 1}}", "award: {fixed: 1万元}", "one literal of its type" },
        { "r: {type: number, values: {2022-01-01: 1万元}}", "award: {fixed: 1万元}", "is money, but the parameter is number" },
        { "r: {type: number, values: {2022-02-01: 1%, 2022-01-01: 2%}}", "award: {fixed: 1万元}", "strictly increasing" },
        { "r: {type: number, values: {}}", "award: {fixed: 1万元}", "at least one value" },
        { "r: {type: integer, values: {2022-01-01: 1.5}}", "award: {fixed: 1万元}", "whole" },
        { "x: {type: money, values: {2022-01-01: 1万元}}", "award: {fixed: 1万元}", "name of a field" },
        { "m: {type: number, values: {2022-01-01: 50%}}", "award: {fixed: 1万元}\n    fund_share: m", "must be a constant" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: {fixed: 1万元}\n    per_enterprise_cap: m", "must be a constant" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: {table: x, rows: [[m, 1万元]]}", "constants" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    rank: {by: x, top: m}", "whole number from 1 to 1000000" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    rank: {by: x, top: 1000001}", "whole number from 1 to 1000000" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    params_on: decision", "expected submitted_on or approval" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 60}", "keep" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 0, keep: [a: x > 0元]}", "from 1 to 1200" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 60, keep: [a: x > 0元], refund: all}", "expected paid or pro_rata" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 60, keep: []}", "at least one" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 60, keep: [a: x > 0元, a: x > 1元]}", "used twice in this commitment's keep" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    commitment: {months: 60, keep: [a: x > 0元], until: 2027-01-01}", "until" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    installments: [{share: 100%, at: approval, on_fail: forfeit}]", "on_fail is allowed only with requires" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    installments: [{share: 100%, at: approval, requires: [a: x > 0元], on_fail: stop}]", "expected forfeit or forfeit_rest" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    installments: [{share: 100%, at: approval, requires: []}]", "at least one" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    installments: [{share: 100%, at: approval, requires: [a: x]}]", "expected a condition (true or false), found money" },
{ "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    installments: [{share: 100%, at: approval, requires: [a: rank > 1]}]", "only in the award and cap of a ranked policy" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: x\n    eligible: [a: rank > 1]", "only in the award and cap of a ranked policy" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: received_group(\"nope\")", "declared group" },
        { "m: {type: money, values: {2022-01-01: 1万元}}", "award: received(P)", "one string literal" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *yaml = g_strdup_printf(HEAD2 "fields: {x: {type: money}}\nparams: {%s}\npolicies:\n"
                                                "  - id: P\n    name: 测试\n    bureau: commerce\n    basis: 测试\n    %s\n",
                                                cases[i].params, cases[i].policy);
        g_autofree char *msg = load_error(yaml);

        assert_contains(msg, "t.yaml:");
        assert_contains(msg, cases[i].want);
    }
}

static void
test_format1_rejects_received_and_params(void **state)
{
    g_autofree char *m1 = load_error("format: duixian/1\n"
        "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
        "bureaus: {commerce: 区商务局}\n"
        "fields: {x: {type: money}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: received(\"Q\")}\n");
    g_autofree char *m2 = load_error("format: duixian/1\n"
        "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
        "bureaus: {commerce: 区商务局}\n"
        "fields: {x: {type: money}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: x, rank: {by: x, top: 1}}\n");
    g_autofree char *m3 = load_error("format: duixian/1\n"
        "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
        "bureaus: {commerce: 区商务局}\n"
        "fields: {x: {type: money}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: x, commitment: {months: 1}}\n");
    g_autofree char *m4 = load_error("format: duixian/1\n"
        "fund: {id: T/F1, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}\n"
        "bureaus: {commerce: 区商务局}\n"
        "fields: {x: {type: money}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, award: x,\n"
        "     installments: [{share: 100%, at: approval, requires: [a: x > 0元]}]}\n");

    (void)state;
    assert_contains(m1, "received() needs format: duixian/2");
    assert_contains(m2, "“rank” needs format: duixian/2");
    assert_contains(m3, "“commitment” needs format: duixian/2");
    assert_contains(m4, "“requires” needs format: duixian/2");
}

/* ---- §11 received ---- */

static const char received_yaml[] = HEAD2
    "fields: {opened: {type: money, label: 开业投资}}\n"
    "groups: {ipo: {name: 上市奖励, mode: stack, cap: 350万元}}\n"
    "policies:\n"
    "  - {id: SHOP-OPEN, name: 首店开业, bureau: commerce, basis: 测试, award: {fixed: 10万元}}\n"
    "  - id: SHOP-GROW\n"
    "    name: 首店增长奖励\n"
    "    bureau: commerce\n"
    "    basis: 测试\n"
    "    award: received(\"SHOP-OPEN\") * 30%\n"
    "  - id: IPO-LIST\n"
    "    name: 上市奖励\n"
    "    bureau: commerce\n"
    "    basis: 测试\n"
    "    group: ipo\n"
    "    award: min(600万元, 800万元 - received(\"IPO-ADV\"))\n"
    "    cap: 350万元 - received_group(\"ipo\")\n";

static void
test_received_history_not_batch(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(received_yaml);
    g_autofree char *dir = g_dir_make_tmp("dx-format2-XXXXXX", NULL);
    g_autofree char *hist = g_build_filename(dir, "history.csv", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    const char *a1[] = { "app_id=A1", "enterprise_id=E1", "policy=SHOP-GROW", "submitted_on=2022-05-01", NULL };
    const char *a2[] = { "app_id=A2", "enterprise_id=E1", "policy=SHOP-OPEN", "submitted_on=2022-04-01", NULL };
    const char *a3[] = { "app_id=A3", "enterprise_id=E2", "policy=SHOP-GROW", "submitted_on=2022-05-01", NULL };
    const char *a4[] = { "app_id=A4", "enterprise_id=E1", "policy=IPO-LIST", "submitted_on=2022-05-01", NULL };
    const char *const *rows[] = { a1, a2, a3, a4 };
    DxDecisionList *list;

    (void)state;
    /* E1 had SHOP-OPEN 150万元 (1.5×10^8 fen) and IPO-ADV 100万元 (10^8 fen, group ipo) before */
    assert_true(g_file_set_contents(hist, "enterprise_id,policy_id,group,amount_fen,date\n"
                                          "E1,SHOP-OPEN,,150000000,2021-03-01\n"
                                          "E1,IPO-ADV,ipo,100000000,2021-09-01\n", -1, NULL));
    round = dx_round_new(rs, "2022-06-30", &error);
    assert_non_null(round);
    assert_true(dx_round_add_history_file(round, hist, &error));
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autoptr(DxApplication) app = app_new(rs, rows[i]);

        dx_batch_add_application(batch, app);
    }
    assert_true(dx_round_run(round, batch, &error));
    list = dx_round_get_decisions(round);
    {
        g_autofree char *d1 = describe(list, "A1", NULL), *d2 = describe(list, "A2", NULL);
        g_autofree char *d3 = describe(list, "A3", NULL), *d4 = describe(list, "A4", NULL);
        g_autofree char *m1 = message_of(list, "A1", NULL, "award_formula");
        g_autofree char *m4 = message_of(list, "A4", NULL, "award_formula");

        /* A1: received counts the history's 150万元, not A2's 10万元 of this batch:
         * 1.5×10^8 × 30% = 4.5×10^7 fen (45万元) */
        assert_string_equal(d1, "approved 45000000 award_formula");
        assert_contains(m1, "已获「SHOP-OPEN」奖励 150万元");
        assert_string_equal(d2, "approved 10000000 award_fixed");
        /* A3: E2 received nothing: 0元 × 30% = 0 → award_zero */
        assert_string_equal(d3, "rejected 0 award_zero");
        /* A4: min(600万, 800万 − 100万) = 600万元; cap 350万 − 100万 (group ipo) = 250万元;
         * the stack group's cap 350万 with 100万 held leaves 250万: 2.5×10^8 fen */
        assert_string_equal(d4, "reduced 250000000 award_formula;capped");
        assert_contains(m4, "已获「IPO-ADV」奖励 100万元");
        assert_contains(m4, "已获「ipo」合计 100万元");
    }
    g_unlink(hist);
    g_rmdir(dir);
}

/* Runs one round of @rows on @ledger_path; returns its decisions (a ref). */
static DxDecisionList *
run_on_ledger(DxRuleset *rs, const char *ledger_path, const char *date, const char *const *const *rows, gsize n)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) ledger = dx_ledger_open(ledger_path, &error);
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(rs);

    assert_non_null(ledger);
    round = dx_round_new(rs, date, &error);
    assert_non_null(round);
    dx_round_set_ledger(round, ledger);
    for (gsize i = 0; i < n; i++) {
        g_autoptr(DxApplication) app = app_new(rs, rows[i]);

        dx_batch_add_application(batch, app);
    }
    if (!dx_round_run(round, batch, &error))
        fail_msg("round: %s", error->message);
    return dx_decision_list_ref(dx_round_get_decisions(round));
}

/* received() reads live grants of the ledger (earlier rounds), not this
 * batch; a revoked grant is not live, so it stops counting. */
static void
test_received_from_ledger_and_revoke(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(received_yaml);
    g_autofree char *dir = g_dir_make_tmp("dx-format2-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "ledger.db", NULL);
    const char *open1[] = { "app_id=O1", "enterprise_id=E1", "policy=SHOP-OPEN", "submitted_on=2022-03-01", NULL };
    const char *grow2[] = { "app_id=G2", "enterprise_id=E1", "policy=SHOP-GROW", "submitted_on=2022-05-01", NULL };
    const char *grow3[] = { "app_id=G3", "enterprise_id=E1", "policy=SHOP-GROW", "submitted_on=2022-08-01", NULL };
    const char *const *r1[] = { open1 }, *const *r2[] = { grow2 }, *const *r3[] = { grow3 };
    g_autoptr(DxDecisionList) l1 = run_on_ledger(rs, path, "2022-03-31", r1, 1);
    g_autoptr(DxDecisionList) l2 = run_on_ledger(rs, path, "2022-06-30", r2, 1);
    g_autoptr(DxDecisionList) l3 = NULL;
    g_autofree char *d1 = describe(l1, "O1", NULL), *d2 = describe(l2, "G2", NULL), *d3 = NULL;
    g_autofree char *m2 = message_of(l2, "G2", NULL, "award_formula");
    g_autoptr(GError) error = NULL;

    (void)state;
    /* round 1: SHOP-OPEN fixed 10万元 (10^7 fen); round 2: 30% of what the
     * ledger says E1 received under it: 10^7 × 30% = 3×10^6 fen (3万元) */
    assert_string_equal(d1, "approved 10000000 award_fixed");
    assert_string_equal(d2, "approved 3000000 award_formula");
    assert_contains(m2, "已获「SHOP-OPEN」奖励 10万元");
    {
        g_autoptr(DxLedger) ledger = dx_ledger_open(path, &error);

        assert_non_null(ledger);
        assert_true(dx_ledger_revoke(ledger, "O1", "测试追回", &error));
    }
    /* round 3, after O1 was revoked: nothing live under SHOP-OPEN → 0 → award_zero */
    l3 = run_on_ledger(rs, path, "2022-09-30", r3, 1);
    d3 = describe(l3, "G3", NULL);
    assert_string_equal(d3, "rejected 0 award_zero");
    g_unlink(path);
    g_rmdir(dir);
}

/* params_on: approval reads the round's approval date, whatever the
 * submission date; without a round (steps 1-6 alone) there is no approval
 * date, so reading the parameter is an eval_error (a reading of ours). */
static void
test_params_on_approval(void **state)
{
    static const char yaml[] = HEAD2
        "fields: {capital: {type: money}}\n"
        "params:\n"
        "  r: {type: number, label: 比例, values: {2022-01-01: 2%, 2022-07-01: 1%}}\n"
        "policies:\n"
        "  - {id: P, name: 测试, bureau: commerce, basis: 测试, params_on: approval, award: {rate: r, of: capital}}\n";
    g_autoptr(DxRuleset) rs = load_ok(yaml);
    const char *a1[] = { "app_id=A1", "enterprise_id=E1", "policy=P", "submitted_on=2022-03-01", "capital=1000万元", NULL };
    const char *const *rows[] = { a1 };
    g_autoptr(DxDecisionList) plain = decide_rows(rs, rows, 1);
    g_autofree char *dp = describe(plain, "A1", NULL);
    g_autofree char *mp = message_of(plain, "A1", NULL, "eval_error");
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRound) before = dx_round_new(rs, "2022-06-30", &error), after = dx_round_new(rs, "2022-07-01", &error);

    (void)state;
    assert_string_equal(dp, "error 0 eval_error");
    assert_contains(mp, "无核定日期");
    assert_int_equal(dx_decision_get_param_value_index(dx_decision_list_get_item(plain, 0), 0), -1);
    for (int k = 0; k < 2; k++) {
        DxRound *round = k == 0 ? before : after;
        g_autoptr(DxBatch) batch = dx_batch_new(rs);
        g_autoptr(DxApplication) app = app_new(rs, a1);
        const DxDecision *d;

        dx_batch_add_application(batch, app);
        assert_true(dx_round_run(round, batch, &error));
        d = dx_decision_list_get_item(dx_round_get_decisions(round), 0);
        /* submitted 03-01 either way; approved 06-30: 2% of 10^9 fen = 2×10^7;
         * approved 07-01: 1% = 10^7 */
        assert_int_equal(dx_decision_get_granted_fen(d), k == 0 ? 20000000 : 10000000);
        assert_int_equal(dx_decision_get_param_value_index(d, 0), k);
    }
}

/* ---- §12 rank ---- */

static const char rank_yaml[] = HEAD2
    "fields: {growth: {type: number, label: 零售额增速}}\n"
    "policies:\n"
    "  - id: COM-TOP\n"
    "    name: 增长贡献奖（择优前2名）\n"
    "    bureau: commerce\n"
    "    basis: 测试\n"
    "    eligible:\n"
    "      - 正增长: growth > 0\n"
    "    rank: {by: growth, top: 2, label: 零售额增速}\n"
    "    award: {table: rank, rows: [[1, 50万元], [2, 30万元]]}\n";

static const char *const rank_a[] = { "app_id=RA", "enterprise_id=EA", "submitted_on=2022-05-03", "growth=30%", NULL };
static const char *const rank_b[] = { "app_id=RB", "enterprise_id=EB", "submitted_on=2022-05-01", "growth=20%", NULL };
static const char *const rank_c[] = { "app_id=RC", "enterprise_id=EC", "submitted_on=2022-05-02", "growth=20%", NULL };
static const char *const rank_d[] = { "app_id=RD", "enterprise_id=ED", "submitted_on=2022-05-01", "growth=10%", NULL };
static const char *const rank_e[] = { "app_id=RE", "enterprise_id=EE", "submitted_on=2022-05-01", "growth=-5%", NULL };

static void
test_rank_ties_at_cutoff_canonical(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(rank_yaml);
    const char *const *rows[] = { rank_d, rank_c, rank_e, rank_b, rank_a };
    g_autoptr(DxDecisionList) list = decide_rows(rs, rows, G_N_ELEMENTS(rows));
    g_autofree char *da = describe(list, "RA", NULL), *db = describe(list, "RB", NULL);
    g_autofree char *dc = describe(list, "RC", NULL), *dd = describe(list, "RD", NULL);
    g_autofree char *de = describe(list, "RE", NULL);
    g_autofree char *mc = message_of(list, "RC", NULL, "rank_out");

    (void)state;
    /* candidates RA 30%, RB 20%, RC 20%, RD 10% (RE fails its clause): RB and
     * RC tie at the cut-off; canonical order puts RB (submitted 05-01) before
     * RC (05-02): places RA 1 → 50万元, RB 2 → 30万元, RC 3 and RD 4 out */
    assert_string_equal(da, "approved 50000000 award_table");
    assert_string_equal(db, "approved 30000000 award_table");
    assert_string_equal(dc, "rejected 0 rank_out");
    assert_string_equal(dd, "rejected 0 rank_out");
    assert_string_equal(de, "(none)");   /* matching mode: a failed clause is no row */
    assert_string_equal(mc, "择优排名第 3 名（按「零售额增速」20%），本轮择优前 2 名");
    /* the places through the API: placed ones and ranked-out ones */
    assert_int_equal(dx_decision_get_rank(find(list, "RA")), 1);
    assert_int_equal(dx_decision_get_rank(find(list, "RB")), 2);
    assert_int_equal(dx_decision_get_rank(find(list, "RC")), 3);
    assert_int_equal(dx_decision_get_rank(find(list, "RD")), 4);
}

static void
test_rank_independent_of_input_order(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(rank_yaml);
    const char *const *rows[] = { rank_a, rank_b, rank_c, rank_d, rank_e };
    g_autofree char *first = NULL;
    GRand *rnd = g_rand_new_with_seed(20220630);

    (void)state;
    for (guint t = 0; t < 30; t++) {
        g_autoptr(DxDecisionList) list = NULL;
        g_autofree char *csv = NULL;

        for (gsize i = G_N_ELEMENTS(rows) - 1; i > 0; i--) {   /* Fisher-Yates */
            gsize j = (gsize)g_rand_int_range(rnd, 0, (gint32)i + 1);
            const char *const *tmp = rows[i];

            rows[i] = rows[j];
            rows[j] = tmp;
        }
        list = decide_rows(rs, rows, G_N_ELEMENTS(rows));
        csv = dx_decision_list_dup_csv(list);
        if (first == NULL)
            first = g_strdup(csv);
        assert_string_equal(csv, first);
    }
    g_rand_free(rnd);
}

static void
test_rank_missing_and_matching(void **state)
{
    g_autoptr(DxRuleset) rs = load_ok(HEAD2
        "fields: {growth: {type: number, label: 零售额增速}, sales: {type: money, label: 零售额}}\n"
        "policies:\n"
        "  - id: TOP\n"
        "    name: 择优\n"
        "    bureau: commerce\n"
        "    basis: 测试\n"
        "    rank: {by: sales, top: 1}\n"
        "    award: {fixed: 10万元}\n");
    const char *a[] = { "app_id=M1", "enterprise_id=E1", "submitted_on=2022-05-01", "sales=100万元", NULL };
    const char *b[] = { "app_id=M2", "enterprise_id=E2", "submitted_on=2022-05-01", "sales=200万元", NULL };
    const char *c[] = { "app_id=M3", "enterprise_id=E3", "submitted_on=2022-05-01", NULL };
    const char *const *rows[] = { a, b, c };
    g_autoptr(DxDecisionList) list = decide_rows(rs, rows, 3);
    g_autofree char *d1 = describe(list, "M1", NULL), *d2 = describe(list, "M2", NULL), *d3 = describe(list, "M3", NULL);
    g_autofree char *m1 = message_of(list, "M1", NULL, "rank_out");

    (void)state;
    /* matching mode (no policy column): M2's 200万元 takes the one place; M1
     * is ranked out but still a row; M3 has no sales: incomplete, no place */
    assert_string_equal(d2, "approved 10000000 award_fixed");
    assert_string_equal(d1, "rejected 0 rank_out");
    assert_string_equal(m1, "择优排名第 2 名（按「sales」100万元），本轮择优前 1 名");
    assert_string_equal(d3, "incomplete 0 missing_field");
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
        cmocka_unit_test(test_param_switches_between_dates),
        cmocka_unit_test(test_param_later_value_changes_nothing_before),
        cmocka_unit_test(test_param_api),
        cmocka_unit_test(test_param_load_errors),
        cmocka_unit_test(test_format1_rejects_received_and_params),
        cmocka_unit_test(test_received_history_not_batch),
        cmocka_unit_test(test_received_from_ledger_and_revoke),
        cmocka_unit_test(test_params_on_approval),
        cmocka_unit_test(test_rank_ties_at_cutoff_canonical),
        cmocka_unit_test(test_rank_independent_of_input_order),
        cmocka_unit_test(test_rank_missing_and_matching),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

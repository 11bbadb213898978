/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for deciding (lib/decide/dx-decide.c, input/dx-application.c, decide/dx-batch.c,
 * decide/dx-decision.c) through the public API: building applications with the
 * setters, docs/rules.md §6 steps 1-6 on one application and on batches, matching
 * mode (免申即享), canonical order for `once` and the policy per-enterprise
 * cap whatever the input order, duplicates (first row in input order
 * wins), three-valued logic, run-time errors, award rounding and
 * fund_share, and the list getters. Every expected amount was worked out
 * by hand from the spec; the arithmetic is in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

static const char rules_yaml[] =
    "format: duixian/1\n"
    "fund:\n"
    "  id: TEST/DECIDE\n"
    "  name: 决策测试经费\n"
    "  total: 1亿元\n"
    "  period: {from: 2022-01-01, to: 2022-12-31}\n"
    "  envelopes: {commerce: 6000万元, finance: 4000万元}\n"
    "  shortfall: pro_rata\n"
    "bureaus:\n"
    "  commerce: 区商务局\n"
    "  finance: 区金融局\n"
    "fields:\n"
    "  district:    {type: text,    label: 注册地}\n"
    "  capital:     {type: money,   label: 实缴资本, aliases: [实缴资本（元）]}\n"
    "  revenue:     {type: money,   label: 营业收入}\n"
    "  growth:      {type: number,  label: 营业收入增速}\n"
    "  employees:   {type: integer, label: 从业人数}\n"
    "  flag:        {type: bool,    label: 高新技术企业}\n"
    "  blacklisted: {type: bool,    label: 失信主体, default: false}\n"
    "  founded:     {type: date,    label: 成立日期}\n"
    "  x:           {type: number,  label: 系数}\n"
    "policies:\n"
    "  - id: FIN-HQ\n"
    "    name: 金融机构总部落户奖励\n"
    "    bureau: finance\n"
    "    basis: 武政规〔2021〕8号 第三条\n"
    "    window: {from: 2022-03-01, to: 2022-11-30}\n"
    "    eligible:\n"
    "      - 注册在本区: district == \"武昌区\"\n"
    "      - 非失信主体: not blacklisted\n"
    "      - 实缴资本达到1亿元: capital >= 1亿元\n"
    "    award: capital * 2%\n"
    "    cap: 1000万元\n"
    "    fund_share: 50%\n"
    "    once: true\n"
    "    priority: 10\n"
    "  - id: HALF\n"
    "    name: 半额计入\n"
    "    bureau: commerce\n"
    "    basis: 测试 fund_share\n"
    "    award: revenue\n"
    "    fund_share: 50%\n"
    "  - id: ONCE\n"
    "    name: 一次性奖励\n"
    "    bureau: commerce\n"
    "    basis: 测试 once\n"
    "    eligible:\n"
    "      - 增速达标: growth >= 10%\n"
    "    award: {fixed: 10万元}\n"
    "    once: true\n"
    "  - id: PCAP\n"
    "    name: 单户封顶奖励\n"
    "    bureau: commerce\n"
    "    basis: 测试 per_enterprise_cap\n"
    "    eligible:\n"
    "      - 规模达标: revenue >= 100万元\n"
    "    award: {rate: 10%, of: revenue}\n"
    "    per_enterprise_cap: 25万元\n"
    "  - id: OR1\n"
    "    name: 或\n"
    "    bureau: commerce\n"
    "    basis: 三值逻辑\n"
    "    eligible:\n"
    "      - 或: flag or growth >= 10%\n"
    "    award: {fixed: 1万元}\n"
    "  - id: AND1\n"
    "    name: 且\n"
    "    bureau: commerce\n"
    "    basis: 三值逻辑\n"
    "    eligible:\n"
    "      - 且: flag and growth >= 10%\n"
    "    award: {fixed: 1万元}\n"
    "  - id: NOT1\n"
    "    name: 非\n"
    "    bureau: commerce\n"
    "    basis: 三值逻辑\n"
    "    eligible:\n"
    "      - 非: not flag\n"
    "    award: {fixed: 1万元}\n"
    "  - id: IF1\n"
    "    name: 条件\n"
    "    bureau: commerce\n"
    "    basis: 三值逻辑\n"
    "    eligible:\n"
    "      - 条件: if(flag, growth >= 10%, revenue >= 1万元)\n"
    "    award: {fixed: 1万元}\n"
    "  - id: TWO\n"
    "    name: 两条\n"
    "    bureau: commerce\n"
    "    basis: 三值逻辑\n"
    "    eligible:\n"
    "      - 高新: flag\n"
    "      - 增速: growth >= 10%\n"
    "    award: {fixed: 1万元}\n"
    "  - id: DIV\n"
    "    name: 除法\n"
    "    bureau: commerce\n"
    "    basis: 运行错误\n"
    "    eligible:\n"
    "      - 短路: flag and revenue / x > 1元\n"
    "    award: revenue / x\n"
    "  - id: DIVA\n"
    "    name: 除法奖励\n"
    "    bureau: commerce\n"
    "    basis: 运行错误\n"
    "    award: revenue / x\n"
    "  - id: ZERO\n"
    "    name: 千分之一\n"
    "    bureau: commerce\n"
    "    basis: 测算为零\n"
    "    award: revenue * 1‰\n";

/* For matching mode: an application without `policy` meets every policy. */
static const char match_yaml[] =
    "format: duixian/1\n"
    "fund:\n"
    "  id: TEST/MATCH\n"
    "  name: 免申即享测试\n"
    "  total: 1亿元\n"
    "  period: {from: 2022-01-01, to: 2022-12-31}\n"
    "  shortfall: priority\n"
    "bureaus:\n"
    "  commerce: 区商务局\n"
    "fields:\n"
    "  district: {type: text,   label: 注册地}\n"
    "  revenue:  {type: money,  label: 营业收入}\n"
    "  growth:   {type: number, label: 营业收入增速}\n"
    "  x:        {type: number, label: 系数}\n"
    "policies:\n"
    "  - id: M-A\n"
    "    name: 规模\n"
    "    bureau: commerce\n"
    "    basis: 甲\n"
    "    eligible:\n"
    "      - 规模: revenue >= 100万元\n"
    "    award: {fixed: 1万元}\n"
    "  - id: M-B\n"
    "    name: 本区\n"
    "    bureau: commerce\n"
    "    basis: 乙\n"
    "    window: {from: 2022-06-01}\n"
    "    eligible:\n"
    "      - 本区: district == \"武昌区\"\n"
    "    award: {fixed: 2万元}\n"
    "  - id: M-C\n"
    "    name: 增速\n"
    "    bureau: commerce\n"
    "    basis: 丙\n"
    "    eligible:\n"
    "      - 增速: growth >= 10%\n"
    "    award: {fixed: 3万元}\n"
    "  - id: M-D\n"
    "    name: 系数\n"
    "    bureau: commerce\n"
    "    basis: 丁\n"
    "    eligible:\n"
    "      - 系数: revenue / x >= 1元\n"
    "    award: {fixed: 4万元}\n"
    "    once: true\n";

typedef struct {
    DxRuleset *rs;
    DxRuleset *match;
} Fixture;

static DxRuleset *
load_rules(const char *text, const char *name)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_data(text, -1, name, NULL, &error);

    if (rs == NULL)
        fail_msg("%s", error->message);
    return rs;
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->rs = load_rules(rules_yaml, "rules.yaml");
    f->match = load_rules(match_yaml, "match.yaml");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    dx_ruleset_unref(f->rs);
    dx_ruleset_unref(f->match);
    g_free(f);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

/* Sets "field=cell" pairs (NULL-terminated) on a fresh application; every set must succeed. */
static DxApplication *
app_new_with(DxRuleset *rs, const char *const *pairs)
{
    DxApplication *app = dx_application_new(rs);

    for (size_t i = 0; pairs[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;
        const char *eq = strchr(pairs[i], '=');
        g_autofree char *field = g_strndup(pairs[i], (gsize)(eq - pairs[i]));

        if (!dx_application_set(app, field, eq + 1, &error))
            fail_msg("%s: %s", pairs[i], error->message);
    }
    return app;
}

/* Decides one application and checks its only decision. */
static void
assert_one(DxRuleset *rs, const DxApplication *app, const char *policy, DxStatus status, int64_t computed,
           int64_t granted, const char *codes)
{
    g_autoptr(DxDecisionList) list = dx_ruleset_decide(rs, app);
    const DxDecision *d;
    g_autofree char *got = NULL;

    assert_int_equal(dx_decision_list_get_n_items(list), 1);
    d = dx_decision_list_get_item(list, 0);
    got = dx_test_reason_codes(d);
    if (dx_decision_get_status(d) != status || strcmp(got, codes) != 0 ||
        dx_decision_get_computed_fen(d) != computed || dx_decision_get_granted_fen(d) != granted ||
        strcmp(dx_decision_get_policy_id(d), policy) != 0)
        fail_msg("%s/%s: got %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s, want %s %" G_GINT64_FORMAT
                 " %" G_GINT64_FORMAT " %s",
                 dx_decision_get_app_id(d), dx_decision_get_policy_id(d),
                 dx_status_to_string(dx_decision_get_status(d)), dx_decision_get_computed_fen(d),
                 dx_decision_get_granted_fen(d), got, dx_status_to_string(status), computed, granted, codes);
}

static char *
decide_csv_text(DxRuleset *rs, const char *csv)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxDecisionList) list = NULL;

    if (!dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error))
        fail_msg("%s", error->message);
    list = dx_batch_decide(batch);
    return dx_decision_list_dup_csv(list);
}

/* ------------------------------------------------------------------ the application API */

static void
test_decide_application_set_errors(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxApplication) app = dx_application_new(f->rs);
    g_autoptr(GError) error = NULL;

    /* unknown field: an error, nothing recorded */
    assert_false(dx_application_set(app, "no_such_field", "1", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_UNKNOWN_FIELD));
    g_clear_error(&error);
    assert_false(dx_application_set_money_fen(app, "no_such_field", 1, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_UNKNOWN_FIELD));
    g_clear_error(&error);
    /* not money, or beyond 10^13 元 */
    assert_false(dx_application_set_money_fen(app, "growth", 1, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    assert_false(dx_application_set_money_fen(app, "revenue", INT64_C(1000000000000001), &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    assert_true(dx_application_set_money_fen(app, "revenue", INT64_C(1000000000000000), &error));
    assert_true(dx_application_set_money_fen(app, "revenue", -INT64_C(1000000000000000), &error));

    assert_true(dx_application_set(app, "app_id", "A1", NULL));
    assert_true(dx_application_set(app, "enterprise_id", "E1", NULL));
    assert_true(dx_application_set(app, "submitted_on", "2022-05-01", NULL));
    assert_true(dx_application_set(app, "policy", "HALF", NULL));
    assert_true(dx_application_set_money_fen(app, "revenue", 100, NULL));
    assert_null(error);
    assert_one(f->rs, app, "HALF", DX_STATUS_APPROVED, 50, 50, "award_formula");

    /* a bad cell: the setter fails and the application decides invalid, naming the field */
    assert_false(dx_application_set(app, "revenue", "12.345", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID));
    g_clear_error(&error);
    assert_one(f->rs, app, "HALF", DX_STATUS_INVALID, 0, 0, "invalid_field");
    {
        g_autoptr(DxDecisionList) list = dx_ruleset_decide(f->rs, app);
        const DxDecision *d = dx_decision_list_get_item(list, 0);
        g_autofree char *msg = dx_decision_dup_reason_message(d, 0);

        assert_non_null(strstr(msg, "营业收入"));
        assert_int_equal(dx_decision_get_row(d), 0);   /* from the API */
    }
    /* clear forgets values and problems */
    dx_application_clear(app);
    assert_true(dx_application_set(app, "app_id", "A2", NULL));
    assert_true(dx_application_set(app, "enterprise_id", "E2", NULL));
    assert_true(dx_application_set(app, "submitted_on", "2022-05-01", NULL));
    assert_true(dx_application_set(app, "policy", "HALF", NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_INCOMPLETE, 0, 0, "missing_field");
    assert_true(dx_application_set(app, "revenue", "1,000", NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_APPROVED, 50000, 50000, "award_formula");
    /* NULL or blank = missing again */
    assert_true(dx_application_set(app, "revenue", NULL, NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_INCOMPLETE, 0, 0, "missing_field");
    assert_true(dx_application_set(app, "revenue", "  ", NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_INCOMPLETE, 0, 0, "missing_field");
}

static void
test_decide_application_set_replaces(void **state)
{
    /* Setting a field again replaces its value, a bad one included: the
     * application decides on what it holds now. */
    Fixture *f = *state;
    static const char *const base[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01",
                                        "policy=HALF", NULL };
    g_autoptr(DxApplication) app = app_new_with(f->rs, base);

    assert_false(dx_application_set(app, "revenue", "1.001", NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_INVALID, 0, 0, "invalid_field");
    assert_true(dx_application_set(app, "revenue", "1.01", NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_APPROVED, 51, 51, "award_formula");   /* 101 × 50% = 50.5 → 51 */
    assert_false(dx_application_set(app, "revenue", "x", NULL));
    assert_true(dx_application_set_money_fen(app, "revenue", 200, NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_APPROVED, 100, 100, "award_formula");
    assert_false(dx_application_set(app, "revenue", "x", NULL));
    assert_true(dx_application_set(app, "revenue", NULL, NULL));
    assert_one(f->rs, app, "HALF", DX_STATUS_INCOMPLETE, 0, 0, "missing_field");
}

static void
test_decide_application_aliases_and_text(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *capital_field;
        const char *district;
        DxStatus status;
        const char *codes;
    } cases[] = {
        { "capital", "武昌区", DX_STATUS_APPROVED, "award_formula" },
        { "实缴资本（元）", "武昌区", DX_STATUS_APPROVED, "award_formula" },
        /* text cells are taken verbatim: a trailing space is another district */
        { "capital", "武昌区 ", DX_STATUS_REJECTED, "clause_failed" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        static const char *const base[] = { "app_id=A1", "enterprise_id=E1", "submitted_on=2022-05-01",
                                            "policy=FIN-HQ", NULL };
        g_autoptr(DxApplication) app = app_new_with(f->rs, base);

        assert_true(dx_application_set(app, cases[i].capital_field, "1亿元", NULL));
        assert_true(dx_application_set(app, "district", cases[i].district, NULL));
        /* 1亿 × 2% = 200万 = 200,000,000 fen; × 50% = 100,000,000 */
        if (cases[i].status == DX_STATUS_APPROVED)
            assert_one(f->rs, app, "FIN-HQ", cases[i].status, 100000000, 100000000, cases[i].codes);
        else
            assert_one(f->rs, app, "FIN-HQ", cases[i].status, 0, 0, cases[i].codes);
    }
}

/* ------------------------------------------------------------------ one application, steps 1-5 */

static const struct {
    const char *cells[10];
    const char *policy;
    DxStatus status;
    int64_t computed, granted;
    const char *codes;
} single_cases[] = {
    /* FIN-HQ: 1亿 × 2% = 200万 → × 50% = 100万 = 100,000,000 fen */
    { { "policy=FIN-HQ", "district=武昌区", "capital=1亿元" }, "FIN-HQ", DX_STATUS_APPROVED, 100000000, 100000000,
      "award_formula" },
    /* 6亿 × 2% = 1200万 > cap 1000万: computed 600万, granted 500万 */
    { { "policy=FIN-HQ", "district=武昌区", "capital=6亿" }, "FIN-HQ", DX_STATUS_REDUCED, 600000000, 500000000,
      "award_formula;capped" },
    /* (1亿 + 0.25元) × 2% = 200万 + 0.005元 = 200,000,000.5 fen → 200,000,001 (step 4);
     * × 50% = 100,000,000.5 → 100,000,001 (step 8 rounding, once more) */
    { { "policy=FIN-HQ", "district=武昌区", "capital=100000000.25" }, "FIN-HQ", DX_STATUS_APPROVED, 100000001,
      100000001, "award_formula" },
    /* 一次告知: every failing clause */
    { { "policy=FIN-HQ", "district=洪山区", "capital=8000万元", "blacklisted=true" }, "FIN-HQ", DX_STATUS_REJECTED, 0,
      0, "clause_failed;clause_failed;clause_failed" },
    /* false beats unknown: the missing capital is not reported */
    { { "policy=FIN-HQ", "district=洪山区" }, "FIN-HQ", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=FIN-HQ" }, "FIN-HQ", DX_STATUS_INCOMPLETE, 0, 0, "missing_field;missing_field" },
    /* the window is inclusive and comes before the clauses */
    { { "policy=FIN-HQ", "submitted_on=2022-02-28", "district=洪山区" }, "FIN-HQ", DX_STATUS_REJECTED, 0, 0,
      "outside_window" },
    { { "policy=FIN-HQ", "submitted_on=2022-11-30", "district=武昌区", "capital=1亿" }, "FIN-HQ",
      DX_STATUS_APPROVED, 100000000, 100000000, "award_formula" },
    { { "policy=FIN-HQ", "submitted_on=2022-12-01" }, "FIN-HQ", DX_STATUS_REJECTED, 0, 0, "outside_window" },
    /* HALF: 1,235,421元 = 123,542,100 fen × 50% = 61,771,050 */
    { { "policy=HALF", "revenue=1,235,421元" }, "HALF", DX_STATUS_APPROVED, 61771050, 61771050, "award_formula" },
    /* 1,235,421.01元 → 61,771,050.5 fen → 61,771,051 (half up) */
    { { "policy=HALF", "revenue=1235421.01" }, "HALF", DX_STATUS_APPROVED, 61771051, 61771051, "award_formula" },
    /* -0.01元 × 50% is not reached: award ≤ 0 stops at step 4 */
    { { "policy=HALF", "revenue=-0.01" }, "HALF", DX_STATUS_REJECTED, 0, 0, "award_zero" },
    { { "policy=HALF", "revenue=0" }, "HALF", DX_STATUS_REJECTED, 0, 0, "award_zero" },
    /* ZERO: revenue × 1‰; 4元 → 0.4 fen → 0 → award_zero; 5元 → 0.5 fen → 1 */
    { { "policy=ZERO", "revenue=4" }, "ZERO", DX_STATUS_REJECTED, 0, 0, "award_zero" },
    { { "policy=ZERO", "revenue=5" }, "ZERO", DX_STATUS_APPROVED, 1, 1, "award_formula" },
    { { "policy=ZERO", "revenue=-5万" }, "ZERO", DX_STATUS_REJECTED, 0, 0, "award_zero" },
    /* three-valued logic: true or ? = true; false and ? = false; not ? = ?; lazy if */
    { { "policy=OR1", "flag=true" }, "OR1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=OR1", "growth=12%" }, "OR1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=OR1", "flag=false" }, "OR1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=OR1", "growth=5%" }, "OR1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=OR1", "flag=false", "growth=5%" }, "OR1", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=AND1", "flag=false" }, "AND1", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=AND1", "growth=0.0999" }, "AND1", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=AND1", "flag=TRUE" }, "AND1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=AND1", "flag=True", "growth=0.1" }, "AND1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=NOT1" }, "NOT1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=NOT1", "flag=true" }, "NOT1", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=NOT1", "flag=false" }, "NOT1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=IF1", "flag=true", "growth=12%" }, "IF1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=IF1", "flag=false", "revenue=1万" }, "IF1", DX_STATUS_APPROVED, 1000000, 1000000, "award_fixed" },
    { { "policy=IF1", "flag=false", "growth=12%" }, "IF1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=IF1", "growth=12%", "revenue=1万" }, "IF1", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    /* two clauses: one false, one unknown → rejected naming only the false one */
    { { "policy=TWO", "flag=false" }, "TWO", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=TWO", "growth=1%" }, "TWO", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=TWO", "flag=false", "growth=1%" }, "TWO", DX_STATUS_REJECTED, 0, 0, "clause_failed;clause_failed" },
    { { "policy=TWO" }, "TWO", DX_STATUS_INCOMPLETE, 0, 0, "missing_field;missing_field" },
    /* run-time errors: short-circuit first, then division by zero */
    { { "policy=DIV", "flag=false", "revenue=1万", "x=0" }, "DIV", DX_STATUS_REJECTED, 0, 0, "clause_failed" },
    { { "policy=DIV", "flag=true", "revenue=1万", "x=0" }, "DIV", DX_STATUS_ERROR, 0, 0, "eval_error" },
    { { "policy=DIV", "flag=true", "revenue=1万", "x=3" }, "DIV", DX_STATUS_APPROVED, 333333, 333333,
      "award_formula" },   /* 1,000,000 fen / 3 = 333,333.33 → 333,333 */
    { { "policy=DIVA", "revenue=1万", "x=0" }, "DIVA", DX_STATUS_ERROR, 0, 0, "eval_error" },
    { { "policy=DIVA", "x=0" }, "DIVA", DX_STATUS_INCOMPLETE, 0, 0, "missing_field" },
    { { "policy=DIVA", "revenue=2", "x=-1" }, "DIVA", DX_STATUS_REJECTED, 0, 0, "award_zero" },
    /* step 1: unknown policy; a bad cell wins over everything after it */
    { { "policy=NOPE" }, "NOPE", DX_STATUS_INVALID, 0, 0, "unknown_policy" },
    { { "policy=FIN-HQ", "submitted_on=2022-01-01", "employees=1.5" }, "FIN-HQ", DX_STATUS_INVALID, 0, 0,
      "invalid_field" },
};

static void
test_decide_single_applications(void **state)
{
    Fixture *f = *state;

    for (size_t i = 0; i < G_N_ELEMENTS(single_cases); i++) {
        g_autoptr(DxApplication) app = dx_application_new(f->rs);
        g_autofree char *id = g_strdup_printf("S%02zu", i);

        assert_true(dx_application_set(app, "app_id", id, NULL));
        assert_true(dx_application_set(app, "enterprise_id", "E1", NULL));
        assert_true(dx_application_set(app, "submitted_on", "2022-05-01", NULL));
        for (size_t k = 0; k < G_N_ELEMENTS(single_cases[i].cells) && single_cases[i].cells[k] != NULL; k++) {
            const char *eq = strchr(single_cases[i].cells[k], '=');
            g_autofree char *field = g_strndup(single_cases[i].cells[k], (gsize)(eq - single_cases[i].cells[k]));

            dx_application_set(app, field, eq + 1, NULL);   /* may fail on purpose */
        }
        assert_one(f->rs, app, single_cases[i].policy, single_cases[i].status, single_cases[i].computed,
                   single_cases[i].granted, single_cases[i].codes);
    }
}

static void
test_decide_missing_built_ins(void **state)
{
    Fixture *f = *state;
    static const char *const cases[][4] = {
        { "enterprise_id=E1", "submitted_on=2022-05-01", "policy=HALF", NULL },
        { "app_id=A1", "submitted_on=2022-05-01", "policy=HALF", NULL },
        { "app_id=A1", "enterprise_id=E1", "policy=HALF", NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxApplication) app = app_new_with(f->rs, cases[i]);

        assert_true(dx_application_set(app, "revenue", "100", NULL));
        assert_one(f->rs, app, "HALF", DX_STATUS_INVALID, 0, 0, "invalid_field");
    }
}

static void
test_decide_matching_mode(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *cells[6];
        const char *expect;   /* policy:status:codes, joined by ' ' in output order */
    } cases[] = {
        /* M-A matches; M-B is outside its window (no row); M-C needs growth
         * (incomplete row); M-D divides by zero (error row) */
        { { "district=武昌区", "revenue=200万", "x=0", NULL },
          "M-A:approved:award_fixed M-C:incomplete:missing_field M-D:error:eval_error" },
        /* M-A and M-B false (no rows); M-C and M-D match */
        { { "submitted_on=2022-07-01", "district=洪山区", "revenue=50万", "growth=20%", "x=1", NULL },
          "M-C:approved:award_fixed M-D:approved:award_fixed" },
        /* nothing matches: no row at all (M-C false too) */
        { { "district=洪山区", "revenue=1万", "growth=1%", "x=-1", NULL }, "" },
        /* M-B in its window and true */
        { { "submitted_on=2022-06-01", "district=武昌区", "revenue=1元", "growth=0", "x=-1", NULL },
          "M-B:approved:award_fixed" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxApplication) app = dx_application_new(f->match);
        g_autoptr(DxDecisionList) list = NULL;
        g_autoptr(GString) got = g_string_new(NULL);

        assert_true(dx_application_set(app, "app_id", "A1", NULL));
        assert_true(dx_application_set(app, "enterprise_id", "E1", NULL));
        assert_true(dx_application_set(app, "submitted_on", "2022-05-01", NULL));
        for (size_t k = 0; cases[i].cells[k] != NULL; k++) {
            const char *eq = strchr(cases[i].cells[k], '=');
            g_autofree char *field = g_strndup(cases[i].cells[k], (gsize)(eq - cases[i].cells[k]));

            assert_true(dx_application_set(app, field, eq + 1, NULL));
        }
        list = dx_ruleset_decide(f->match, app);
        for (size_t k = 0; k < dx_decision_list_get_n_items(list); k++) {
            const DxDecision *d = dx_decision_list_get_item(list, k);
            g_autofree char *codes = dx_test_reason_codes(d);

            assert_string_equal(dx_decision_get_app_id(d), "A1");
            g_string_append_printf(got, "%s%s:%s:%s", k > 0 ? " " : "", dx_decision_get_policy_id(d),
                                   dx_status_to_string(dx_decision_get_status(d)), codes);
        }
        assert_string_equal(got->str, cases[i].expect);
    }
}

static void
test_decide_matching_once_no_row(void **state)
{
    /* In matching mode a `once` policy the enterprise already took earlier
     * in the batch is no match: no row (it is a row when named). */
    Fixture *f = *state;
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,revenue,x,growth\n"
        "B2,E1,2022-05-02,,1元,1,1%\n"
        "B1,E1,2022-05-01,,1元,1,1%\n"
        "B3,E1,2022-05-03,M-D,1元,1,1%\n";
    g_autofree char *got = decide_csv_text(f->match, csv);

    assert_string_equal(got, "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
                             "B1,E1,M-D,commerce,approved,4000000,4000000,award_fixed\n"
                             "B3,E1,M-D,commerce,rejected,0,0,once_only\n");
}

/* ------------------------------------------------------------------ batch-wide steps */

/* Rows whose decisions depend on canonical order, not input order. */
static const char *const order_rows[] = {
    /* ONCE (10万 = 10,000,000 fen, once): O2 is first in canonical order
     * (2022-05-01, and O0 < O2 fails its clause, so it takes nothing); O5
     * (growth missing) is once_only, not incomplete; O1 is once_only; O4
     * is another enterprise. */
    "O1,E1,2022-05-03,ONCE,12%,",
    "O2,E1,2022-05-01,ONCE,12%,",
    "O0,E1,2022-05-01,ONCE,5%,",
    "O4,E2,2022-05-09,ONCE,10%,",
    "O5,E1,2022-05-02,ONCE,,",
    /* PCAP (10% of revenue, 25万 per enterprise): canonical order P2 (05-01,
     * 12万 → 12), P1 (05-02, 10万 → 22), P3 (05-02, 15万 → room 3万,
     * reduced), P4 (05-03, 20万 → room 0, rejected). P5 is E2. P0 fails
     * its clause and counts for nothing. */
    "P1,E1,2022-05-02,PCAP,,100万",
    "P4,E1,2022-05-03,PCAP,,200万",
    "P2,E1,2022-05-01,PCAP,,120万",
    "P3,E1,2022-05-02,PCAP,,150万",
    "P5,E2,2022-05-03,PCAP,,300万",     /* 30万 > 25万 on its own */
    "P0,E1,2022-04-01,PCAP,,99万",
};

static const char order_expected[] =
    "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
    "O0,E1,ONCE,commerce,rejected,0,0,clause_failed\n"
    "O1,E1,ONCE,commerce,rejected,0,0,once_only\n"
    "O2,E1,ONCE,commerce,approved,10000000,10000000,award_fixed\n"
    "O4,E2,ONCE,commerce,approved,10000000,10000000,award_fixed\n"
    "O5,E1,ONCE,commerce,rejected,0,0,once_only\n"
    "P0,E1,PCAP,commerce,rejected,0,0,clause_failed\n"
    "P1,E1,PCAP,commerce,approved,10000000,10000000,award_rate\n"
    "P2,E1,PCAP,commerce,approved,12000000,12000000,award_rate\n"
    "P3,E1,PCAP,commerce,reduced,15000000,3000000,award_rate;policy_enterprise_cap\n"
    "P4,E1,PCAP,commerce,rejected,20000000,0,award_rate;policy_enterprise_cap\n"
    "P5,E2,PCAP,commerce,reduced,30000000,25000000,award_rate;policy_enterprise_cap\n";

static char *
order_csv(const guint *perm, guint n)
{
    GString *csv = g_string_new("app_id,enterprise_id,submitted_on,policy,growth,revenue\n");

    for (guint i = 0; i < n; i++)
        g_string_append_printf(csv, "%s\n", order_rows[perm[i]]);
    return g_string_free(csv, FALSE);
}

static void
test_decide_canonical_order_independent_of_input(void **state)
{
    Fixture *f = *state;
    const guint n = G_N_ELEMENTS(order_rows);
    g_autofree guint *perm = g_new(guint, n);
    g_autoptr(GRand) rand = g_rand_new_with_seed(20220501);

    for (guint round = 0; round < 24; round++) {
        g_autofree char *csv = NULL;
        g_autofree char *got = NULL;

        for (guint i = 0; i < n; i++)
            perm[i] = round == 1 ? n - 1 - i : i;   /* as written, then reversed */
        if (round >= 2) {
            for (guint i = n - 1; i > 0; i--) {   /* Fisher-Yates */
                guint j = (guint)g_rand_int_range(rand, 0, (gint32)i + 1), t = perm[i];

                perm[i] = perm[j];
                perm[j] = t;
            }
        }
        csv = order_csv(perm, n);
        got = decide_csv_text(f->rs, csv);
        assert_string_equal(got, order_expected);
    }
}

static void
test_decide_duplicates_first_row_wins(void **state)
{
    Fixture *f = *state;
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,growth,revenue\n"
        "D1,E3,2022-05-05,ONCE,12%,\n"        /* first: wins though submitted later */
        "D1,E4,2022-05-01,ONCE,12%,\n"        /* duplicate */
        "D2,E5,2022-05-01,PCAP,,1.001\n"      /* first: invalid, still wins */
        "D2,E5,2022-05-01,PCAP,,100万\n"      /* duplicate of an invalid row */
        "D1,E3,2022-05-01,NOPE,x,\n"          /* duplicate, whatever else is wrong */
        "D3,E6,2022-05-01,,12%,100万\n"       /* matching mode: several decisions */
        "D3,E6,2022-05-01,,12%,100万\n";      /* one duplicate decision, no policy */
    g_autofree char *got = decide_csv_text(f->rs, csv);
    g_autoptr(GString) want = g_string_new(
        "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
        "D1,E3,NOPE,,duplicate,0,0,duplicate_app_id\n"
        "D1,E3,ONCE,commerce,approved,10000000,10000000,award_fixed\n"
        "D1,E4,ONCE,commerce,duplicate,0,0,duplicate_app_id\n"
        "D2,E5,PCAP,commerce,invalid,0,0,invalid_field\n"
        "D2,E5,PCAP,commerce,duplicate,0,0,duplicate_app_id\n");

    /* D3 without policy: HALF needs revenue only (100万 → 50万 = 50,000,000);
     * ONCE, PCAP match; OR1 true (growth); AND1, IF1, TWO, NOT1 need flag
     * (incomplete); DIV needs flag, x; DIVA needs x; ZERO: 100,000,000 × 1‰ = 100,000 fen;
     * FIN-HQ needs district and capital. */
    g_string_append(want, "D3,E6,,,duplicate,0,0,duplicate_app_id\n");
    g_string_append(want,
                    "D3,E6,AND1,commerce,incomplete,0,0,missing_field\n"
                    "D3,E6,DIV,commerce,incomplete,0,0,missing_field;missing_field\n"
                    "D3,E6,DIVA,commerce,incomplete,0,0,missing_field\n"
                    "D3,E6,FIN-HQ,finance,incomplete,0,0,missing_field;missing_field\n"
                    "D3,E6,HALF,commerce,approved,50000000,50000000,award_formula\n"
                    "D3,E6,IF1,commerce,incomplete,0,0,missing_field\n"
                    "D3,E6,NOT1,commerce,incomplete,0,0,missing_field\n"
                    "D3,E6,ONCE,commerce,approved,10000000,10000000,award_fixed\n"
                    "D3,E6,OR1,commerce,approved,1000000,1000000,award_fixed\n"
                    "D3,E6,PCAP,commerce,approved,10000000,10000000,award_rate\n"
                    "D3,E6,TWO,commerce,incomplete,0,0,missing_field\n"
                    "D3,E6,ZERO,commerce,approved,100000,100000,award_formula\n");
    assert_string_equal(got, want->str);
}

static void
test_decide_duplicate_of_a_row_without_decisions(void **state)
{
    /* The first row used the app_id even though, in matching mode, it
     * matched nothing and so yields no decision: a later row with that
     * app_id is still a duplicate (docs/rules.md §6 step 1). */
    Fixture *f = *state;
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,district,revenue,growth,x\n"
        "A1,E1,2022-05-01,,洪山区,1万,1%,-1\n"     /* matches nothing: no row */
        "A1,E1,2022-05-01,M-A,,200万,,\n"          /* duplicate */
        "A1,E1,2022-05-01,,洪山区,200万,1%,-1\n"   /* duplicate (would match M-A) */
        "B1,E1,2022-05-01,M-A,,200万,,\n"
        "B1,E1,2022-05-01,,洪山区,1万,1%,-1\n";    /* matches nothing, still one duplicate row */
    g_autofree char *got = decide_csv_text(f->match, csv);

    assert_string_equal(got, "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
                             "A1,E1,,,duplicate,0,0,duplicate_app_id\n"
                             "A1,E1,M-A,commerce,duplicate,0,0,duplicate_app_id\n"
                             "B1,E1,,,duplicate,0,0,duplicate_app_id\n"
                             "B1,E1,M-A,commerce,approved,1000000,1000000,award_fixed\n");
}

static void
test_decide_batch_decide_twice(void **state)
{
    Fixture *f = *state;
    g_autoptr(DxBatch) batch = dx_batch_new(f->rs);
    g_autoptr(DxApplication) app = dx_application_new(f->rs);
    g_autoptr(DxDecisionList) first = NULL;
    g_autoptr(DxDecisionList) second = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    /* one application object reused for every row */
    for (guint i = 0; i < G_N_ELEMENTS(order_rows); i++) {
        g_auto(GStrv) cells = g_strsplit(order_rows[i], ",", -1);
        static const char *const fields[] = { "app_id", "enterprise_id", "submitted_on", "policy", "growth",
                                              "revenue" };

        dx_application_clear(app);
        for (guint k = 0; k < G_N_ELEMENTS(fields); k++)
            assert_true(dx_application_set(app, fields[k], cells[k], NULL));
        dx_batch_add_application(batch, app);
    }
    assert_int_equal(dx_batch_get_n_rows(batch), G_N_ELEMENTS(order_rows));
    first = dx_batch_decide(batch);
    second = dx_batch_decide(batch);
    a = dx_decision_list_dup_csv(first);
    b = dx_decision_list_dup_csv(second);
    assert_string_equal(a, order_expected);
    assert_string_equal(a, b);
    assert_int_equal(dx_decision_list_get_n_items(first), dx_decision_list_get_n_items(second));
    for (size_t i = 0; i < dx_decision_list_get_n_items(first); i++)
        assert_int_equal(dx_decision_get_row(dx_decision_list_get_item(first, i)), 0);
}

/* ------------------------------------------------------------------ the list and its getters */

static void
test_decide_list_getters(void **state)
{
    Fixture *f = *state;
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,district,capital\n"
        "G2,E2,2022-05-01,NOPE,,\n"
        "G1,E1,2022-05-01,FIN-HQ,武昌区,6亿\n"
        "G3,E3,2022-05-01,,,\n";
    g_autoptr(DxBatch) batch = dx_batch_new(f->rs);
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(DxDecisionList) ref = NULL;
    const DxDecision *d;

    assert_true(dx_batch_add_csv_data(batch, csv, -1, NULL, NULL, NULL));
    list = dx_batch_decide(batch);
    ref = dx_decision_list_ref(list);
    assert_ptr_equal(ref, list);
    /* G3 without policy and without data: every one of the 12 policies
     * needs a field it lacks and none can be false without one, so 12
     * incomplete rows; G1 and G2 one each. */
    assert_int_equal(dx_decision_list_get_n_items(list), 14);

    d = dx_decision_list_get_item(list, 0);
    assert_string_equal(dx_decision_get_app_id(d), "G1");
    assert_string_equal(dx_decision_get_enterprise_id(d), "E1");
    assert_string_equal(dx_decision_get_policy_id(d), "FIN-HQ");
    assert_string_equal(dx_decision_get_bureau(d), "finance");
    assert_string_equal(dx_decision_get_basis(d), "武政规〔2021〕8号 第三条");
    assert_int_equal(dx_decision_get_status(d), DX_STATUS_REDUCED);
    assert_int_equal(dx_decision_get_computed_fen(d), 600000000);
    assert_int_equal(dx_decision_get_granted_fen(d), 500000000);
    assert_int_equal(dx_decision_get_row(d), 3);
    assert_int_equal(dx_decision_get_n_reasons(d), 2);
    assert_int_equal(dx_decision_get_reason_code(d, 0), DX_REASON_AWARD_FORMULA);
    assert_int_equal(dx_decision_get_reason_code(d, 1), DX_REASON_CAPPED);

    d = dx_decision_list_get_item(list, 1);
    assert_string_equal(dx_decision_get_app_id(d), "G2");
    assert_string_equal(dx_decision_get_policy_id(d), "NOPE");   /* the row names it */
    assert_string_equal(dx_decision_get_bureau(d), "");
    assert_string_equal(dx_decision_get_basis(d), "");
    assert_int_equal(dx_decision_get_status(d), DX_STATUS_INVALID);
    assert_int_equal(dx_decision_get_n_reasons(d), 1);
    assert_int_equal(dx_decision_get_reason_code(d, 0), DX_REASON_UNKNOWN_POLICY);
    assert_int_equal(dx_decision_get_row(d), 2);

    /* G3: matching mode, every row incomplete, policy ids ascending */
    for (size_t i = 2; i < dx_decision_list_get_n_items(list); i++) {
        d = dx_decision_list_get_item(list, i);
        assert_string_equal(dx_decision_get_app_id(d), "G3");
        assert_int_equal(dx_decision_get_status(d), DX_STATUS_INCOMPLETE);
        assert_string_not_equal(dx_decision_get_policy_id(d), "");
        if (i > 2)
            assert_true(strcmp(dx_decision_get_policy_id(dx_decision_list_get_item(list, i - 1)),
                               dx_decision_get_policy_id(d)) < 0);
        for (size_t k = 0; k < dx_decision_get_n_reasons(d); k++)
            assert_int_equal(dx_decision_get_reason_code(d, k), DX_REASON_MISSING_FIELD);
    }
}

static void
test_decide_enum_strings(void **state)
{
    static const char *const statuses[] = {
        "approved", "reduced", "rejected", "incomplete", "invalid", "duplicate", "unfunded", "error",
    };
    static const struct {
        DxReasonCode code;
        const char *name;
    } reasons[] = {
        { DX_REASON_INVALID_FIELD, "invalid_field" },
        { DX_REASON_DUPLICATE_APP_ID, "duplicate_app_id" },
        { DX_REASON_UNKNOWN_POLICY, "unknown_policy" },
        { DX_REASON_OUTSIDE_WINDOW, "outside_window" },
        { DX_REASON_CLAUSE_FAILED, "clause_failed" },
        { DX_REASON_MISSING_FIELD, "missing_field" },
        { DX_REASON_EVAL_ERROR, "eval_error" },
        { DX_REASON_ONCE_ONLY, "once_only" },
        { DX_REASON_AWARD_ZERO, "award_zero" },
        { DX_REASON_CAPPED, "capped" },
        { DX_REASON_POLICY_ENTERPRISE_CAP, "policy_enterprise_cap" },
        { DX_REASON_GROUP_HIGHEST, "group_highest" },
        { DX_REASON_GROUP_TOPUP, "group_topup" },
        { DX_REASON_GROUP_STACK_CAP, "group_stack_cap" },
        { DX_REASON_FUND_ENTERPRISE_CAP, "fund_enterprise_cap" },
        { DX_REASON_RATIONED, "rationed" },
        { DX_REASON_UNFUNDED, "unfunded" },
        { DX_REASON_AWARD_FIXED, "award_fixed" },
        { DX_REASON_AWARD_TABLE, "award_table" },
        { DX_REASON_AWARD_RATE, "award_rate" },
        { DX_REASON_AWARD_PER, "award_per" },
        { DX_REASON_AWARD_MARGINAL, "award_marginal" },
        { DX_REASON_AWARD_FORMULA, "award_formula" },
    };
    (void)state;

    assert_int_equal(DX_STATUS_ERROR + 1, G_N_ELEMENTS(statuses));
    for (int s = DX_STATUS_APPROVED; s <= DX_STATUS_ERROR; s++)
        assert_string_equal(dx_status_to_string((DxStatus)s), statuses[s]);
    assert_int_equal(DX_REASON_AWARD_FORMULA + 1, G_N_ELEMENTS(reasons));
    for (size_t i = 0; i < G_N_ELEMENTS(reasons); i++) {
        assert_int_equal(reasons[i].code, (DxReasonCode)i);
        assert_string_equal(dx_reason_code_to_string(reasons[i].code), reasons[i].name);
    }
}

/* The input's SHA-256, which a round records in the ledger, is computed by
 * default and can be switched off by callers that record nothing. The
 * expected digest was computed with Python's hashlib over the same bytes. */
static void
test_decide_input_hash(void **state)
{
    static const char csv[] = "app_id,enterprise_id,submitted_on\nA1,E1,2022-05-01\n";
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) with_hash = dx_batch_new(f->rs);
    g_autoptr(DxBatch) without = dx_batch_new(f->rs);

    assert_true(dx_batch_add_csv_data(with_hash, csv, -1, "h.csv", NULL, &error));
    assert_string_equal(dx_batch_get_input_sha256(with_hash),
                        "3a8e14b3f975d1a463f223e9a4906bb59b86e76b35aee5e713f97cab62bbda76");
    dx_batch_set_hash_input(without, FALSE);
    assert_true(dx_batch_add_csv_data(without, csv, -1, "h.csv", NULL, &error));
    assert_string_equal(dx_batch_get_input_sha256(without), "");
    assert_int_equal(dx_batch_get_n_rows(without), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide_application_set_errors),
        cmocka_unit_test(test_decide_application_set_replaces),
        cmocka_unit_test(test_decide_application_aliases_and_text),
        cmocka_unit_test(test_decide_single_applications),
        cmocka_unit_test(test_decide_missing_built_ins),
        cmocka_unit_test(test_decide_matching_mode),
        cmocka_unit_test(test_decide_matching_once_no_row),
        cmocka_unit_test(test_decide_canonical_order_independent_of_input),
        cmocka_unit_test(test_decide_duplicates_first_row_wins),
        cmocka_unit_test(test_decide_duplicate_of_a_row_without_decisions),
        cmocka_unit_test(test_decide_batch_decide_twice),
        cmocka_unit_test(test_decide_list_getters),
        cmocka_unit_test(test_decide_enum_strings),
        cmocka_unit_test(test_decide_input_hash),
    };

    return cmocka_run_group_tests_name("decide", tests, setup, teardown);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What-if settings (dx_load_options_add_override(), `--set NAME=VALUE`):
 * a parameter set to one value for every date, an envelope set to another
 * total (the fund's total moving with it), the errors for a setting that
 * names nothing or has a value of the wrong type, the ruleset listing what
 * was set, summary.json and the explanations saying so, and a round that
 * refuses to commit a what-if. Every expected amount is worked by hand.
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

static const char rules_yaml[] =
    "format: duixian/2\n"
    "fund: {id: T/W, name: 测试, total: 1000万元, period: {from: 2022-01-01, to: 2022-12-31},\n"
    "       envelopes: {commerce: 600万元, finance: 400万元}, shortfall: pro_rata}\n"
    "bureaus: {commerce: 区商务局, finance: 区金融局}\n"
    "fields: {capital: {type: money}}\n"
    "params:\n"
    "  rate: {type: number, label: 比例, values: {2022-01-01: 2%, 2022-07-01: 1%}}\n"
    "policies:\n"
    "  - {id: P, name: 测试, bureau: finance, basis: 文件, award: {rate: rate, of: capital}}\n";

static DxRuleset *
load_with(const char *const *sets, GError **error)
{
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();

    for (; sets != NULL && *sets != NULL; sets++)
        assert_true(dx_load_options_add_override(opts, *sets, NULL));
    return dx_ruleset_load_data(rules_yaml, -1, "w.yaml", opts, error);
}

/* One application of 1亿元 capital submitted on @day, through a round of
 * @date; returns the round (the caller frees it). */
static DxRound *
round_of(DxRuleset *rs, const char *day, const char *date)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(DxApplication) app = dx_application_new(rs);
    DxRound *round = dx_round_new(rs, date, &error);

    assert_true(dx_application_set(app, "app_id", "A1", &error));
    assert_true(dx_application_set(app, "enterprise_id", "E1", &error));
    assert_true(dx_application_set(app, "policy", "P", &error));
    assert_true(dx_application_set(app, "submitted_on", day, &error));
    assert_true(dx_application_set(app, "capital", "1亿元", &error));
    dx_batch_add_application(batch, app);
    assert_true(dx_round_run(round, batch, &error));
    return round;
}

static int64_t
granted(DxRound *round)
{
    return dx_decision_get_granted_fen(dx_decision_list_get_item(dx_round_get_decisions(round), 0));
}

static void
test_param_set_for_every_date(void **state)
{
    const char *const sets[] = { "rate=3%", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) plain = load_with(NULL, &error);
    g_autoptr(DxRuleset) rs = load_with(sets, &error);
    DxRound *a = round_of(plain, "2022-03-01", "2022-06-30"), *b = round_of(rs, "2022-03-01", "2022-06-30");
    DxRound *c = round_of(rs, "2022-09-01", "2022-09-30");
    g_autofree char *v = NULL, *from = NULL;

    (void)state;
    /* 1亿元 = 10^10 fen: 2% as published = 2×10^8; set to 3% = 3×10^8, also after 07-01 */
    assert_int_equal(granted(a), 200000000);
    assert_int_equal(granted(b), 300000000);
    assert_int_equal(granted(c), 300000000);
    assert_int_equal(dx_ruleset_get_n_overrides(plain), 0);
    assert_int_equal(dx_ruleset_get_n_overrides(rs), 1);
    assert_string_equal(dx_ruleset_get_override(rs, 0), "rate=3%");
    assert_int_equal(dx_ruleset_get_param_n_values(rs, 0), 1);
    v = dx_ruleset_dup_param_value(rs, 0, 0, &from);
    assert_string_equal(v, "3%");
    assert_string_equal(from, "0001-01-01");
    dx_round_free(a);
    dx_round_free(b);
    dx_round_free(c);
}

static void
test_outputs_say_what_if(void **state)
{
    const char *const sets[] = { "rate=3%", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = load_with(sets, &error);
    g_autoptr(DxRuleset) plain = load_with(NULL, &error);
    DxRound *round = round_of(rs, "2022-03-01", "2022-06-30"), *p = round_of(plain, "2022-03-01", "2022-06-30");
    g_autofree char *summary = dx_round_dup_summary_json(round), *psummary = dx_round_dup_summary_json(p);
    const DxDecision *d = dx_decision_list_get_item(dx_round_get_decisions(round), 0);
    g_autofree char *msg = dx_decision_dup_reason_message(d, 0);

    (void)state;
    assert_non_null(strstr(summary, "\"overrides\": [\"rate=3%\"],"));
    assert_null(strstr(psummary, "overrides"));
    assert_non_null(strstr(msg, "比例 3%（试算设定）"));
    dx_round_free(round);
    dx_round_free(p);
}

static void
test_envelope_set_moves_the_fund(void **state)
{
    const char *const sets[] = { "envelope.finance=100万元", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = load_with(sets, &error);
    DxRound *round;

    (void)state;
    assert_non_null(rs);
    /* finance 400万 → 100万: the fund 1000万 → 700万; commerce untouched */
    assert_int_equal(dx_ruleset_get_envelope_total_fen(rs, 0), 600000000);
    assert_int_equal(dx_ruleset_get_envelope_total_fen(rs, 1), 100000000);
    assert_int_equal(dx_ruleset_get_fund_total_fen(rs), 700000000);
    /* 2×10^8 fen requested, 10^8 available: granted 10^8 */
    round = round_of(rs, "2022-03-01", "2022-06-30");
    assert_int_equal(granted(round), 100000000);
    dx_round_free(round);
}

static void
test_bad_settings(void **state)
{
    static const struct {
        const char *set, *want;
    } cases[] = {
        { "nope=1%", "--set nope=1%: w.yaml has no parameter of that name and no envelope.KEY" },
        { "rate=1万元", "--set rate=1万元: “1万元” is money, but the parameter is number" },
        { "rate=1 + 1", "--set rate=1 + 1: a parameter value is one literal" },
        { "envelope.nope=1万元", "--set envelope.nope=1万元: w.yaml has no parameter" },
        { "envelope.finance=2%", "--set envelope.finance=2%: an envelope is an amount of money" },
        { "envelope.finance=0.001元", "an envelope is an amount of money of 0元 or more, in whole fen" },
    };
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) form = NULL;

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *const sets[] = { cases[i].set, NULL };
        g_autoptr(GError) error = NULL;
        DxRuleset *rs = load_with(sets, &error);

        if (rs != NULL)
            fail_msg("--set %s loaded", cases[i].set);
        assert_int_equal(error->code, DX_ERROR_VALUE_INVALID);
        if (strstr(error->message, cases[i].want) == NULL)
            fail_msg("“%s” does not contain “%s”", error->message, cases[i].want);
    }
    /* the form is checked when the setting is added */
    assert_false(dx_load_options_add_override(opts, "rate", &form));
    assert_non_null(strstr(form->message, "write NAME=VALUE"));
}

static void
test_round_refuses_to_commit(void **state)
{
    const char *const sets[] = { "rate=3%", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = load_with(sets, &error);
    g_autofree char *dir = g_dir_make_tmp("dx-whatif-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "ledger.db", NULL);
    g_autoptr(DxLedger) ledger = dx_ledger_open(path, &error);
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    DxRound *round = dx_round_new(rs, "2022-06-30", &error);

    (void)state;
    dx_round_set_ledger(round, ledger);
    assert_false(dx_round_run(round, batch, &error));
    assert_non_null(strstr(error->message, "what-if settings (rate=3% …)"));
    assert_int_equal(dx_ledger_get_n_rounds(ledger), 0);
    dx_round_free(round);
    g_clear_error(&error);
    /* a dry run against the ledger is allowed */
    round = dx_round_new(rs, "2022-06-30", &error);
    dx_round_set_ledger(round, ledger);
    dx_round_set_dry_run(round, TRUE);
    {
        g_autoptr(DxBatch) b2 = dx_batch_new(rs);

        assert_true(dx_round_run(round, b2, &error));
    }
    assert_int_equal(dx_ledger_get_n_rounds(ledger), 0);
    dx_round_free(round);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_param_set_for_every_date),
        cmocka_unit_test(test_outputs_say_what_if),
        cmocka_unit_test(test_envelope_set_moves_the_fund),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_round_refuses_to_commit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

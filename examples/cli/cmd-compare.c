/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian compare BASE REFORM APPS --approval-date D --out DIR
 *     [--ledger FILE] [--set NAME=VALUE]... : the same applications as two
 * rounds, under BASE and under REFORM (the same file with --set, or
 * another), written side by side by dx_compare_write(): compare.csv,
 * compare.json, compare.html. Nothing is committed: with --ledger both
 * rounds are dry runs against it.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

/* One round of APPS under @rs, a dry run against @ledger when given. */
static DxRound *
compare_round(DxRuleset *rs, const char *apps, const char *date, DxLedger *ledger, const DxLoadOptions *opts, int *rc)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    DxRound *round = dx_round_new(rs, date, &error);

    if (round == NULL) {
        *rc = dx_cli_fail(DX_EXIT_USAGE, "%s", error->message);
        return NULL;
    }
    if (!dx_cli_read_apps(batch, apps, opts, &error)) {
        *rc = dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
        dx_round_free(round);
        return NULL;
    }
    if (ledger != NULL) {
        dx_round_set_ledger(round, ledger);
        dx_round_set_dry_run(round, TRUE);
    }
    if (!dx_round_run(round, batch, &error)) {
        *rc = dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
        dx_round_free(round);
        return NULL;
    }
    return round;
}

static int64_t
compare_granted(DxRound *round)
{
    DxDecisionList *list = dx_round_get_decisions(round);
    int64_t sum = 0;

    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++)
        sum += dx_decision_get_granted_fen(dx_decision_list_get_item(list, i));
    return sum;
}

static int
cmd_compare(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *date = NULL, *out = NULL, *ledger_path = NULL, *encoding = NULL;
    g_auto(GStrv) sets = NULL;
    const GOptionEntry entries[] = {
        { "approval-date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The rounds' approval date"), "YYYY-MM-DD" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write compare.csv, compare.json and compare.html to DIR"), "DIR" },
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("Run both as dry runs against the ledger FILE"), "FILE" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        DX_CLI_SET_ENTRY(sets),
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(DxRuleset) base_rs = NULL, reform_rs = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxRound) base = NULL, reform = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *b = NULL, *r = NULL, *d = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (argc != 4 || date == NULL || out == NULL)
        return dx_cli_usage_error(cmd, _("compare takes BASE REFORM APPS --approval-date D --out DIR"));
    base_rs = dx_cli_load_rules(argv[1]);
    if (base_rs == NULL)
        return DX_EXIT_RULES;
    /* the settings are the reform's: BASE stays the rules as published */
    reform_rs = dx_cli_load_rules_set(argv[2], sets, &rc);
    if (reform_rs == NULL)
        return rc;
    if (ledger_path != NULL) {
        /* a dry run takes the write lock while it reads, as run --dry-run does */
        ledger = dx_ledger_open(ledger_path, &error);
        if (ledger == NULL)
            return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    }
    if ((base = compare_round(base_rs, argv[3], date, ledger, opts, &rc)) == NULL ||
        (reform = compare_round(reform_rs, argv[3], date, ledger, opts, &rc)) == NULL)
        return rc;
    if (!dx_compare_write(base, reform, out, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    b = dx_money_format(compare_granted(base));
    r = dx_money_format(compare_granted(reform));
    d = dx_money_format(compare_granted(reform) - compare_granted(base));
    printf("granted: base %s, reform %s, change %s\n", b, r, d);
    printf("files in %s: compare.csv, compare.json, compare.html\n", out);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_compare = {
    "compare", "BASE REFORM APPS", N_("the same applications under two rulesets: who gains, who loses, by how much"),
    "usage: duixian compare BASE REFORM APPS --approval-date YYYY-MM-DD --out DIR\n"
    "                       [--ledger FILE] [--set NAME=VALUE]... [--encoding auto|utf8|gb18030]\n",
    N_("Run APPS as a round under BASE and under REFORM (another rules file, or the\n"
    "same one with --set: the settings apply to REFORM only) and write side by\n"
    "side: DIR/compare.csv (per enterprise: granted under each and the change),\n"
    "compare.json (per envelope the demand and what was granted, per policy the\n"
    "decisions and what was granted) and compare.html (the rationing factors, a\n"
    "chart per policy, the enterprises that gain or lose). With --ledger both\n"
    "rounds are dry runs against it; nothing is committed."),
    "examples:\n"
    "  duixian compare rules/wuchang-2023.yaml rules/wuchang-2023.yaml apps.csv \\\n"
    "      --approval-date 2023-06-30 --set hq_rate=1% --out compare\n",
    cmd_compare,
};

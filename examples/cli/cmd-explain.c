/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian explain RULES APPS --app ID: one application's decisions in
 * full, for the enterprise: clauses with their values, the award step by
 * step, reasons and payments. With --approval-date the round is rerun as a
 * dry run (against --ledger, as if it ran now). The clause values come
 * from the application's CSV row, read back through
 * dx_application_read_row().
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static void
explain_print_schedule(DxRound *round, const DxDecision *d, gboolean en)
{
    gboolean any = FALSE;

    for (size_t i = 0; round != NULL && i < dx_round_get_n_schedule_lines(round); i++) {
        const DxScheduleLine *l = dx_round_get_schedule_line(round, i);
        g_autofree char *amount = NULL;

        if (strcmp(dx_schedule_line_get_app_id(l), dx_decision_get_app_id(d)) != 0 ||
            strcmp(dx_schedule_line_get_policy_id(l), dx_decision_get_policy_id(d)) != 0)
            continue;
        if (!any)
            fputs(en ? "\nPayments\n" : "\n拨付计划\n", stdout);
        any = TRUE;
        amount = dx_money_format(dx_schedule_line_get_amount_fen(l));
        printf(en ? "  %s  installment %u of %u  %s  batch %s%s\n" : "  %s  第 %u/%u 期  %s  批次 %s%s\n",
               dx_schedule_line_get_date(l), dx_schedule_line_get_installment(l), dx_schedule_line_get_of(l), amount,
               dx_schedule_line_get_batch_id(l),
               dx_schedule_line_get_future(l) ? (en ? "  (after the fund period)" : "  （资金期后，跨年支付）") : "");
    }
}

/* Reruns the round as a dry run (against @ledger_path if given); its
 * decisions are the round's. Returns an exit code, DX_CLI_CONTINUE on success. */
static int
explain_run_round(DxRound *round, DxBatch *batch, const char *ledger_path, DxLedger **ledger)
{
    g_autoptr(GError) error = NULL;

    if (ledger_path != NULL) {
        /* a dry run still takes the write lock while it reads, as run --dry-run does */
        if (!dx_cli_ledger_exists(ledger_path))
            return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), ledger_path);
        *ledger = dx_ledger_open(ledger_path, &error);
        if (*ledger == NULL)
            return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
        dx_round_set_ledger(round, *ledger);
    }
    dx_round_set_dry_run(round, TRUE);   /* explaining never commits */
    if (!dx_round_run(round, batch, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    return DX_CLI_CONTINUE;
}

static int
cmd_explain(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *app_id = NULL, *date = NULL, *ledger_path = NULL, *lang = NULL, *format = NULL;
    g_autofree char *encoding = NULL;
    g_auto(GStrv) history = NULL;
    g_auto(GStrv) sets = NULL;
    const GOptionEntry entries[] = {
        { "app", 0, 0, G_OPTION_ARG_FILENAME, &app_id, N_("The application to explain"), "APP_ID" },
        { "approval-date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("Rerun the round of this date (a dry run)"), "YYYY-MM-DD" },
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("Run against the ledger FILE as it is now"), "FILE" },
        { "history", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &history, N_("Awards from outside this fund (repeatable)"), "FILE" },
        { "lang", 0, 0, G_OPTION_ARG_FILENAME, &lang, N_("The language of the text (default zh)"), "zh|en" },
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print (default text)"), "text|json" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        DX_CLI_SET_ENTRY(sets),
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxDecisionList) decided = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;
    DxDecisionList *list;
    gboolean en, json, found = FALSE;
    const char *apps;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (argc != 3 || app_id == NULL)
        return dx_cli_usage_error(cmd, _("explain takes RULES APPS --app APP_ID"));
    if (lang != NULL && !dx_cli_one_of(lang, "zh", "en", NULL))
        return dx_cli_usage_error(cmd, _("--lang is zh or en"));
    if (format != NULL && !dx_cli_one_of(format, "text", "json", NULL))
        return dx_cli_usage_error(cmd, _("explain: --format is text or json"));
    if (ledger_path != NULL && date == NULL)
        return dx_cli_usage_error(cmd, _("explain: --ledger needs --approval-date"));
    en = lang != NULL && strcmp(lang, "en") == 0;
    json = format != NULL && strcmp(format, "json") == 0;
    apps = argv[2];
    rs = dx_cli_load_rules_set(argv[1], sets, &rc);
    if (rs == NULL)
        return rc;
    if (date != NULL) {
        round = dx_round_new(rs, date, &error);
        if (round == NULL)
            return dx_cli_usage_error(cmd, "%s", error->message);
        for (guint h = 0; history != NULL && history[h] != NULL; h++) {
            if (!dx_round_add_history_file(round, history[h], &error))
                return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
        }
    } else if (history != NULL && history[0] != NULL) {
        return dx_cli_usage_error(cmd, _("explain: --history needs --approval-date"));
    }
    batch = dx_batch_new(rs);
    dx_batch_set_hash_input(batch, FALSE);   /* explain never commits */
    if (!dx_cli_read_apps(batch, apps, opts, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    if (round != NULL) {
        rc = explain_run_round(round, batch, ledger_path, &ledger);
        if (rc != DX_CLI_CONTINUE)
            return rc;
        list = dx_round_get_decisions(round);
    } else {
        decided = dx_batch_decide(batch);
        list = decided;
    }
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        g_autoptr(DxApplication) app = NULL;
        g_autofree char *text = NULL;

        if (strcmp(dx_decision_get_app_id(d), app_id) != 0)
            continue;
        if (json) {
            text = dx_decision_dup_json(d);
            printf("%s\n", text);
            found = TRUE;
            continue;
        }
        if (found)
            fputs("\n────────────────────────────────────────\n\n", stdout);
        found = TRUE;
        /* YAML/JSON rows are not read back: the explanation shows what the
         * decision recorded (and so it does if the row cannot be read) */
        if (!dx_cli_is_yaml_path(apps) && dx_decision_get_row(d) >= 2)
            app = dx_application_read_row(rs, apps, dx_decision_get_row(d), opts, NULL);
        text = dx_decision_dup_explanation(d, app, en ? "en" : "zh");
        fputs(text, stdout);
        explain_print_schedule(round, d, en);
    }
    if (!found)
        return dx_cli_fail(DX_EXIT_INPUT, _("%s: no application %s"), apps, app_id);
    if (!json && ledger != NULL) {
        /* what the ledger already holds of this application's money:
         * lines paid, held, cancelled; a claw-back and its refunds */
        g_autofree char *money = dx_ledger_dup_app_money(ledger, app_id, en ? "en" : "zh", &error);

        if (money == NULL)
            return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
        if (*money != '\0') {
            fputs("\n", stdout);
            fputs(money, stdout);
        }
    }
    if (!json && round == NULL)
        fputs(en ? "\n(steps 1-6 only: without --approval-date, groups, the fund's cap and envelopes are not applied)\n"
                 : "\n（仅第 1–6 步：未给 --approval-date，未计算分组、资金单户上限与额度核减）\n",
              stdout);
    else if (!json && ledger != NULL)
        fputs(en ? "\n(a dry run against the ledger: as if the round ran now; nothing committed)\n"
                 : "\n（按台账试算：如同现在运行本轮，未写入台账）\n",
              stdout);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_explain = {
    "explain", "RULES APPS", N_("one application in full: clauses, the award step by step, reasons, payments"),
    "usage: duixian explain RULES APPS --app APP_ID [--approval-date YYYY-MM-DD]\n"
    "                       [--ledger FILE] [--history FILE]... [--lang zh|en]\n"
    "                       [--format text|json] [--encoding auto|utf8|gb18030]\n",
    N_("One application's decisions in full: every clause with its actual and\n"
    "required values, the award step by step (form, base, rate or table row, cap,\n"
    "groups, fund share, rationing factor), the reasons, installments with dates\n"
    "and the policy's basis. With --approval-date it reruns the round (a dry run:\n"
    "nothing is committed; with --ledger, as if the round ran now against it, so an\n"
    "application the ledger already paid shows as duplicate). Without it, steps 1-6."),
    "examples:\n"
    "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date 2022-06-30 --app WC2022-00002\n"
    "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date=2022-06-30 --app=WC2022-00026 --lang=en\n",
    cmd_explain,
};

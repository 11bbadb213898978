/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian clawback --ledger FILE --app ID --policy P --date D --reason TEXT
 * --out DIR (追回): a manual claw-back of one grant (docs/rules.md §14):
 * its scheduled lines are cancelled, what was paid is due back.
 */
#include "dx-cli-private.h"

#include <stdio.h>

static int
cmd_clawback(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *ledger_path = NULL, *app = NULL, *policy = NULL, *date = NULL, *reason = NULL, *out = NULL;
    const GOptionEntry entries[] = {
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("The ledger holding the grant (required)"), "FILE" },
        { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, N_("The application whose grant to claw back (required)"),
          "APP_ID" },
        { "policy", 0, 0, G_OPTION_ARG_FILENAME, &policy, N_("The policy of the grant (required)"), "POLICY_ID" },
        { "date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The claw-back's date (required)"), "YYYY-MM-DD" },
        { "reason", 0, 0, G_OPTION_ARG_FILENAME, &reason, N_("Why (recorded in the ledger; required)"), "TEXT" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write clawbacks.csv and clawbacks.json here (required)"),
          "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxCliStage) stage = NULL;   /* freed after cb: a held signal waits for the rollback */
    g_autoptr(DxClawback) cb = NULL;
    g_autofree char *what = NULL, *restore = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *paid = NULL, *cancelled = NULL, *due = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 1 || ledger_path == NULL || app == NULL || policy == NULL || date == NULL || reason == NULL ||
        out == NULL)
        return dx_cli_usage_error(cmd, _("clawback takes --ledger FILE --app APP_ID --policy POLICY_ID --date "
                                         "YYYY-MM-DD --reason TEXT --out DIR"));
    if (!g_file_test(ledger_path, G_FILE_TEST_EXISTS))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), ledger_path);
    ledger = dx_ledger_open(ledger_path, &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    /* as run and pay do (docs/cli.md, "Outputs and the commit"): the files
     * go into a staging directory in DIR, the claw-back is committed, then
     * they are renamed into place */
    stage = dx_cli_stage_new(out, &error);
    if (stage == NULL)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    cb = dx_clawback_prepare(ledger, app, policy, date, reason, &error);
    if (cb == NULL && g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID))
        return dx_cli_usage_error(cmd, "%s", error->message);
    if (cb == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_clawback_write(cb, dx_cli_stage_get_path(stage), &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    what = g_strdup_printf(_("the claw-back of the %s grant of %s (ledger entry %lld of %s)"), policy, app,
                           (long long)dx_clawback_get_id(cb), ledger_path);
    restore = g_strdup_printf(_("no command re-creates a claw-back's files yet; duixian ledger %s lists it"),
                              ledger_path);
    if (!dx_cli_stage_note_commit(stage, ledger_path, dx_clawback_get_head(cb), what, restore, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    dx_cli_stage_hold_signals(stage);   /* from here a signal waits until the files are in place */
    if (!dx_clawback_commit(cb, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_cli_stage_publish(stage, "ledger-head.txt", &error)) {
        g_autofree char *m = dx_cli_stage_committed_message(what, restore);

        dx_cli_stage_mark_incomplete(stage);
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s; %s", error->message, m);
    }
    paid = dx_money_format(dx_clawback_get_paid_fen(cb));
    cancelled = dx_money_format(dx_clawback_get_cancelled_fen(cb));
    due = dx_money_format(dx_clawback_get_refund_due_fen(cb));
    printf(_("clawed back the %s grant of %s on %s: %s paid, %s cancelled, %s due back (ledger entry %lld); files "
             "in %s\n"),
           policy, app, date, paid, cancelled, due, (long long)dx_clawback_get_id(cb), out);
    printf("ledger head: %s\n", dx_clawback_get_head(cb));
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_clawback = {
    "clawback", "", N_("追回: claw back one grant: scheduled lines cancelled, what was paid due back"),
    "usage: duixian clawback --ledger FILE --app APP_ID --policy POLICY_ID --date YYYY-MM-DD --reason TEXT --out DIR\n",
    N_("追回: every installment line of the grant still scheduled is cancelled (its money\n"
    "goes back to the envelope), everything paid on it is due back, and the grant is\n"
    "clawed back for good: one ledger entry. Writes clawbacks.csv and clawbacks.json\n"
    "into --out. Refused for a revoked grant or one clawed back already."),
    "examples:\n"
    "  duixian clawback --ledger out/ledger.db --app WC2022-00003 --policy COM-XS --date 2023-03-01 \\\n"
    "      --reason \"企业迁出本区\" --out out/clawback-00003\n",
    cmd_clawback,
};

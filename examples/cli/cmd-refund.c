/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian refund --ledger FILE --app ID --policy P --amount M --date D
 * --ref TEXT (退回): a refund receipt on a clawed-back grant
 * (docs/rules.md §14); the money goes back to its envelope.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static int
cmd_refund(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *ledger_path = NULL, *app = NULL, *policy = NULL, *amount = NULL, *date = NULL, *ref = NULL;
    const GOptionEntry entries[] = {
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("The ledger holding the grant (required)"), "FILE" },
        { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, N_("The application whose grant was clawed back (required)"),
          "APP_ID" },
        { "policy", 0, 0, G_OPTION_ARG_FILENAME, &policy, N_("The policy of the grant (required)"), "POLICY_ID" },
        { "amount", 0, 0, G_OPTION_ARG_FILENAME, &amount, N_("The money paid back, as 150万元 or 1,500,000元 (required)"),
          "MONEY" },
        { "date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The receipt's date (required)"), "YYYY-MM-DD" },
        { "ref", 0, 0, G_OPTION_ARG_FILENAME, &ref, N_("The receipt's reference, a bank slip number say (required)"),
          "TEXT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL, *got = NULL, *left = NULL;
    int64_t fen = 0, still = 0;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 1 || ledger_path == NULL || app == NULL || policy == NULL || amount == NULL || date == NULL ||
        ref == NULL)
        return dx_cli_usage_error(cmd, _("refund takes --ledger FILE --app APP_ID --policy POLICY_ID --amount MONEY "
                                         "--date YYYY-MM-DD --ref TEXT"));
    if (!dx_money_parse(amount, &fen, &error))
        return dx_cli_usage_error(cmd, "--amount: %s", error->message);
    if (!g_file_test(ledger_path, G_FILE_TEST_EXISTS))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), ledger_path);
    ledger = dx_ledger_open(ledger_path, &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_ledger_refund(ledger, app, policy, fen, date, ref, &still, &error)) {
        /* a date or reference that is none is usage; an amount the claim
         * does not allow is the ledger's refusal (its message names the grant) */
        if (g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) && g_str_has_prefix(error->message, "refund receipt:"))
            return dx_cli_usage_error(cmd, "%s", error->message);
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    }
    head = dx_ledger_dup_head_hash(ledger);
    got = dx_money_format(fen);
    left = dx_money_format(still);
    printf(_("refund of %s received on the %s grant of %s (%s); still due %s\n"), got, policy, app, date, left);
    printf("ledger head: %s\n", head);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_refund = {
    "refund", "", N_("退回: record money paid back on a clawed-back grant"),
    "usage: duixian refund --ledger FILE --app APP_ID --policy POLICY_ID --amount MONEY --date YYYY-MM-DD --ref TEXT\n",
    N_("退回: a refund receipt on a clawed-back grant, one ledger entry: the amount (whole\n"
    "fen, above 0, at most what is still due) goes back to the envelope."),
    "examples:\n"
    "  duixian refund --ledger out/ledger.db --app WC2022-00003 --policy COM-XS --amount 5万元 \\\n"
    "      --date 2023-04-15 --ref \"退款回单 2023-0415-001\"\n",
    cmd_refund,
};

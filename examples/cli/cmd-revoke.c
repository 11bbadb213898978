/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian revoke FILE --app ID --reason TEXT (撤销/追回): appends a
 * reversing entry for every live grant of the application; the money
 * returns to its envelope. A reason is required.
 */
#include "dx-cli-private.h"

#include <stdio.h>

static int
cmd_revoke(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *app = NULL, *reason = NULL;
    const GOptionEntry entries[] = {
        { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, N_("The application whose grants to reverse"), "APP_ID" },
        { "reason", 0, 0, G_OPTION_ARG_FILENAME, &reason, N_("Why (recorded in the ledger; required)"), "TEXT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL, *name = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2 || app == NULL || reason == NULL || *reason == '\0')
        return dx_cli_usage_error(cmd, _("revoke takes FILE --app APP_ID --reason TEXT (a reason is required)"));
    if (!dx_cli_ledger_exists(argv[1]))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), argv[1]);
    ledger = dx_ledger_open(argv[1], &error);
    if (ledger == NULL || !dx_ledger_revoke(ledger, app, reason, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    head = dx_ledger_dup_head_hash(ledger);
    name = dx_ledger_location_display(argv[1]);   /* never a password */
    printf("revoked the grants of %s in %s\n", app, name);
    printf("ledger head: %s\n", head);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_revoke = {
    "revoke", "FILE", N_("撤销/追回: reverse every live grant of APP_ID, money back to its envelope"),
    "usage: duixian revoke FILE --app APP_ID --reason TEXT\n",
    N_("撤销/追回: append a reversing entry for every live grant of APP_ID; the money\n"
    "returns to its envelope."),
    "examples:\n"
    "  duixian revoke out/ledger.db --app WC2022-00007 --reason \"企业迁出本区，追回奖励\"\n"
    "  duixian revoke out/ledger.db --app=WC2022-00007 --reason=\"企业迁出本区，追回奖励\"\n",
    cmd_revoke,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian verify FILE: walks the ledger's hash chain and names the first
 * entry that does not match (exit 6).
 */
#include "dx-cli-private.h"

#include <stdio.h>

static int
cmd_verify(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL;
    uint64_t n = 0;
    int rc = dx_cli_parse(cmd, NULL, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2)
        return dx_cli_usage_error(cmd, _("verify takes one argument: FILE"));
    ledger = dx_ledger_open_readonly(argv[1], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_ledger_verify(ledger, &n, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? DX_EXIT_CORRUPT : DX_EXIT_LEDGER,
                           "%s: %s", argv[1], error->message);
    head = dx_ledger_dup_head_hash(ledger);
    printf("%s: ok, %" G_GUINT64_FORMAT " entries, head %s\n", argv[1], n, head);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_verify = {
    "verify", "FILE", N_("walk the ledger's hash chain; name the first entry that does not match"),
    "usage: duixian verify FILE\n",
    N_("Walk the ledger's hash chain; name the first entry that does not match (exit 6)."),
    "examples:\n"
    "  duixian verify out/ledger.db\n",
    cmd_verify,
};

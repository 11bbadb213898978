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
    g_autofree char *expect = NULL;
    const GOptionEntry entries[] = {
        { "expect-head", 0, 0, G_OPTION_ARG_STRING, &expect,
          N_("Fail (exit 6) unless the chain passes through this head hash, kept from an earlier commit"), "HASH" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL, *name = NULL;
    uint64_t n = 0;
    gboolean ok;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2)
        return dx_cli_usage_error(cmd, _("verify takes one argument: FILE"));
    ledger = dx_ledger_open_readonly(argv[1], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (expect != NULL && *expect == '\0')
        return dx_cli_usage_error(cmd, _("--expect-head takes a head hash"));
    name = dx_ledger_location_display(argv[1]);   /* never a password */
    ok = expect != NULL ? dx_ledger_verify_through(ledger, expect, &n, &error) : dx_ledger_verify(ledger, &n, &error);
    if (!ok)
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? DX_EXIT_CORRUPT : DX_EXIT_LEDGER,
                           "%s: %s", name, error->message);
    head = dx_ledger_dup_head_hash(ledger);
    printf("%s: ok, %" G_GUINT64_FORMAT " entries, head %s\n", name, n, head);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_verify = {
    "verify", "FILE", N_("walk the ledger's hash chain; name the first entry that does not match"),
    "usage: duixian verify FILE [--expect-head HASH]\n",
    N_("Walk the ledger's hash chain; name the first entry that does not match (exit 6).\n"
       "With --expect-head, also exit 6 unless the chain passes through HASH (a head\n"
       "kept from an earlier commit): a truncated or rewritten ledger fails."),
    "examples:\n"
    "  duixian verify out/ledger.db\n"
    "  duixian verify out/ledger.db --expect-head 3f1c...e9\n",
    cmd_verify,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian pay RULES --ledger FILE --through D --out DIR [--dry-run] (拨付):
 * a payment run over the ledger's installment lines (docs/rules.md §13).
 */
#include "dx-cli-private.h"

#include <stdio.h>

static int
cmd_pay(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *ledger_path = NULL, *through = NULL, *out = NULL;
    gboolean dry_run = FALSE;
    const GOptionEntry entries[] = {
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("The ledger holding the rounds (required)"), "FILE" },
        { "through", 0, 0, G_OPTION_ARG_FILENAME, &through, N_("Pay the lines due on or before this date (required)"),
          "YYYY-MM-DD" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write payments.csv and payments.json here (required)"), "DIR" },
        { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Decide and write the files; commit nothing"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxPayrun) run = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *paid = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2 || ledger_path == NULL || through == NULL || out == NULL)
        return dx_cli_usage_error(cmd, _("pay takes RULES --ledger FILE --through YYYY-MM-DD --out DIR"));
    rs = dx_cli_load_rules(argv[1]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    if (!dx_cli_ledger_exists(ledger_path))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger (a payment run pays what rounds committed)"),
                           ledger_path);
    /* a dry run only reads: it neither migrates nor locks the file */
    ledger = dry_run ? dx_ledger_open_readonly(ledger_path, &error) : dx_ledger_open(ledger_path, &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    run = dx_payrun_new(rs, ledger, through, &error);
    if (run == NULL)
        return dx_cli_usage_error(cmd, "%s", error->message);
    if (!dx_payrun_run(run, dry_run, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) ? DX_EXIT_RULES : DX_EXIT_LEDGER,
                           "%s", error->message);
    if (!dx_payrun_write(run, out, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    paid = dx_money_format(dx_payrun_get_paid_fen(run));
    if (dry_run)
        printf(_("dry run through %s: would pay %zu lines, %s (nothing committed); files in %s\n"), through,
               dx_payrun_get_n_paid(run), paid, out);
    else
        printf(_("paid through %s: %zu lines, %s (payment run, ledger entry %lld); files in %s\n"), through,
               dx_payrun_get_n_paid(run), paid, (long long)dx_payrun_get_id(run), out);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_pay = {
    "pay", "RULES", N_("拨付: pay the installments due by a date, as one ledger entry"),
    "usage: duixian pay RULES --ledger FILE --through YYYY-MM-DD --out DIR [--dry-run]\n",
    N_("拨付: every installment line of the ledger still scheduled and dated on or before\n"
    "--through is paid, in schedule order, as one payment run committed to the ledger.\n"
    "A second run with the same date pays nothing twice. Writes payments.csv and\n"
    "payments.json (totals per envelope) into --out."),
    "examples:\n"
    "  duixian pay rules/wuchang-2022.yaml --ledger out/ledger.db --through 2022-12-31 --out out/pay-2022\n"
    "  duixian pay rules/wuchang-2022.yaml --ledger=out/ledger.db --through=2023-06-30 --out=out/pay --dry-run\n",
    cmd_pay,
};

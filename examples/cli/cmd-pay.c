/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian pay RULES --ledger FILE --through D [--checks FILE] [--history FILE]...
 *             --out DIR [--dry-run] (拨付): a payment run over the ledger's
 * installment lines (docs/rules.md §13). The files are staged, the run
 * committed, then the files renamed into DIR (dx-cli-stage.c), as run does.
 */
#include "dx-cli-private.h"

#include <stdio.h>

/* paid / forfeited / held per bureau, in 万元 with exact decimals */
static void
pay_print_table(DxRuleset *rs, const DxPayrun *run)
{
    size_t n = dx_ruleset_get_n_envelopes(rs);

    printf("%-12s %16s %16s %16s\n", _("envelope"), _("paid 万元"), _("forfeited 万元"), _("held 万元"));
    for (size_t e = 0; e <= n; e++) {
        const char *key = e < n ? dx_ruleset_get_envelope_key(rs, e) : NULL;
        g_autofree char *p = NULL, *f = NULL, *h = NULL;
        DxPayrunTotals t;

        if (!dx_payrun_get_totals(run, key, &t))
            continue;
        p = dx_money_format_wan(t.paid_fen);
        f = dx_money_format_wan(t.forfeited_fen);
        h = dx_money_format_wan(t.held_fen);
        printf("%-12s %16s %16s %16s\n", key != NULL ? key : _("total"), p, f, h);
    }
}

static int
cmd_pay(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *ledger_path = NULL, *through = NULL, *out = NULL, *checks = NULL;
    g_auto(GStrv) history = NULL;
    gboolean dry_run = FALSE, xlsx = FALSE;
    const GOptionEntry entries[] = {
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("The ledger holding the rounds (required)"), "FILE" },
        { "through", 0, 0, G_OPTION_ARG_FILENAME, &through, N_("Pay the lines due on or before this date (required)"),
          "YYYY-MM-DD" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write payments.csv and payments.json here (required)"), "DIR" },
        { "checks", 0, 0, G_OPTION_ARG_FILENAME, &checks,
          N_("The enterprises' data the installment conditions are checked on (CSV, YAML or JSON)"), "FILE" },
        { "history", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &history,
          N_("Awards from outside this fund, for received() (repeatable)"), "FILE" },
        { "xlsx", 0, 0, G_OPTION_ARG_NONE, &xlsx,
          N_("Also write each treasury payment file as Excel (treasury-BATCH.xlsx)"), NULL },
        { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Decide and write the files; commit nothing"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxCliStage) stage = NULL;   /* freed last: a held signal waits for the rollback */
    g_autoptr(DxLedger) ledger = NULL;    /* freed after the run, which may roll back on it */
    g_autoptr(DxPayrun) run = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *paid = NULL, *what = NULL, *restore = NULL;
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
    if (checks != NULL && !dx_payrun_set_checks_file(run, checks, NULL, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    for (guint h = 0; history != NULL && history[h] != NULL; h++) {
        if (!dx_payrun_add_history_file(run, history[h], &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    }
    for (const char *const *w = dx_payrun_get_warnings(run); *w != NULL; w++)
        fprintf(stderr, "duixian: warning: %s\n", *w);
    /* (after the usage errors) the files go into a staging directory in DIR, the run is committed,
     * then they are renamed into place (docs/cli.md, "Outputs and the
     * commit"); a DIR where a killed run left a committed run without its
     * files is refused */
    stage = dx_cli_stage_new(out, &error);
    if (stage == NULL)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (!dx_payrun_decide(run, dry_run, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) ? DX_EXIT_RULES : DX_EXIT_LEDGER,
                           "%s", error->message);
    if (!dx_payrun_write(run, dx_cli_stage_get_path(stage), &error) ||
        (xlsx && !dx_cli_write_treasury_xlsx(dx_cli_stage_get_path(stage), &error)))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (!dry_run) {
        g_autofree char *head = dx_ledger_dup_head_hash(ledger);

        what = g_strdup_printf(_("the payment run through %s (ledger entry %lld of %s)"), through,
                               (long long)dx_payrun_get_id(run), ledger_path);
        /* no command re-creates a payment run's files yet (a second run of
         * the same date pays nothing): say so rather than name one */
        restore = g_strdup_printf(_("no command re-creates a payment run's files yet; do not pay through %s again "
                                    "(it would pay nothing)"), through);
        if (!dx_cli_stage_note_commit(stage, ledger_path, head, what, restore, &error))
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    }
    dx_cli_stage_hold_signals(stage);   /* from here a signal waits until the files are in place */
    if (!dx_payrun_commit(run, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_cli_stage_publish(stage, "payments.json", &error)) {
        g_autofree char *m = what != NULL ? dx_cli_stage_committed_message(what, restore) : NULL;

        if (m == NULL)
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
        dx_cli_stage_mark_incomplete(stage);
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s; %s", error->message, m);
    }
    paid = dx_money_format(dx_payrun_get_paid_fen(run));
    if (dry_run)
        printf(_("dry run through %s: would pay %zu lines, %s (nothing committed); files in %s\n"), through,
               dx_payrun_get_n_paid(run), paid, out);
    else
        printf(_("paid through %s: %zu lines, %s (payment run, ledger entry %lld); files in %s\n"), through,
               dx_payrun_get_n_paid(run), paid, (long long)dx_payrun_get_id(run), out);
    pay_print_table(rs, run);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_pay = {
    "pay", "RULES", N_("拨付: pay the installments due by a date, as one ledger entry"),
    "usage: duixian pay RULES --ledger FILE --through YYYY-MM-DD [--checks FILE] [--history FILE]...\n"
    "                   --out DIR [--xlsx] [--dry-run]\n",
    N_("拨付: every installment line of the ledger still scheduled and dated on or before\n"
    "--through is taken in schedule order, as one payment run committed to the ledger.\n"
    "A line whose installment has requires is checked on the enterprise's row of\n"
    "--checks: paid when every condition holds, forfeited when one fails (forfeit_rest:\n"
    "the grant's later lines too), held when data is missing. A second run with the\n"
    "same date pays nothing twice. Writes payments.csv, payments.json (totals per\n"
    "envelope), payments-explained.csv (why each line was held or forfeited) and\n"
    "treasury-BATCH.csv per batch of the lines paid, for the treasury (--xlsx: also .xlsx)."),
    "examples:\n"
    "  duixian pay rules/wuchang-2022.yaml --ledger out/ledger.db --through 2022-12-31 --out out/pay-2022\n"
    "  duixian pay rules/wuchang-2022.yaml --ledger out/ledger.db --through 2023-06-30 --checks checks-2023.csv --out out/pay-2023\n"
    "  duixian pay rules/wuchang-2022.yaml --ledger=out/ledger.db --through=2023-06-30 --out=out/pay --dry-run\n",
    cmd_pay,
};

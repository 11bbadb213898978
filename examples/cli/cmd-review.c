/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian review RULES --ledger FILE --checks FILE --date D [--history FILE]...
 *                --out DIR [--dry-run] (承诺复核): every live grant whose
 * commitment period contains D is judged on its enterprise's checks row
 * (docs/rules.md §14); a broken commitment claws the grant back. The files
 * are staged, the review committed, then the files renamed into DIR.
 */
#include "dx-cli-private.h"

#include <stdio.h>

static int
cmd_review(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *ledger_path = NULL, *checks = NULL, *date = NULL, *out = NULL;
    g_auto(GStrv) history = NULL;
    gboolean dry_run = FALSE;
    const GOptionEntry entries[] = {
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("The ledger holding the grants (required)"), "FILE" },
        { "checks", 0, 0, G_OPTION_ARG_FILENAME, &checks,
          N_("The enterprises' data the commitments are judged on (required; CSV, YAML or JSON)"), "FILE" },
        { "date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The review's date (required)"), "YYYY-MM-DD" },
        { "history", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &history,
          N_("Awards from outside this fund, for received() (repeatable)"), "FILE" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write clawbacks.csv and clawbacks.json here (required)"),
          "DIR" },
        { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Decide and write the files; commit nothing"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxCliStage) stage = NULL;   /* freed after rv: a held signal waits for the rollback */
    g_autoptr(DxReview) rv = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *what = NULL, *restore = NULL, *cancelled = NULL, *due = NULL, *head = NULL;
    DxReviewTotals t;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2 || ledger_path == NULL || checks == NULL || date == NULL || out == NULL)
        return dx_cli_usage_error(cmd, _("review takes RULES --ledger FILE --checks FILE --date YYYY-MM-DD --out DIR"));
    rs = dx_cli_load_rules(argv[1]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    if (!dx_cli_ledger_exists(ledger_path))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), ledger_path);
    ledger = dry_run ? dx_ledger_open_readonly(ledger_path, &error) : dx_ledger_open(ledger_path, &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    rv = dx_review_new(rs, ledger, date, &error);
    if (rv == NULL)
        return dx_cli_usage_error(cmd, "%s", error->message);
    if (!dx_review_set_checks_file(rv, checks, NULL, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    for (guint h = 0; history != NULL && history[h] != NULL; h++) {
        if (!dx_review_add_history_file(rv, history[h], &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    }
    for (const char *const *w = dx_review_get_warnings(rv); *w != NULL; w++)
        fprintf(stderr, "duixian: warning: %s\n", *w);
    stage = dx_cli_stage_new(out, &error);
    if (stage == NULL)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (!dx_review_decide(rv, dry_run, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) ? DX_EXIT_RULES : DX_EXIT_LEDGER,
                           "%s", error->message);
    if (!dx_review_write(rv, dx_cli_stage_get_path(stage), &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (!dry_run) {
        g_autofree char *head_file = g_build_filename(dx_cli_stage_get_path(stage), "ledger-head.txt", NULL);
        g_autofree char *head_line = NULL;

        head = dx_ledger_dup_head_hash(ledger);   /* the head the commit leaves */
        head_line = g_strconcat(head, "\n", NULL);
        what = g_strdup_printf(_("the review of %s (ledger entry %lld of %s)"), date, (long long)dx_review_get_id(rv),
                               ledger_path);
        restore = g_strdup_printf(_("no command re-creates a review's files yet; duixian ledger %s lists it"),
                                  ledger_path);
        if (!g_file_set_contents(head_file, head_line, -1, &error) ||
            !dx_cli_stage_note_commit(stage, ledger_path, head, what, restore, &error))
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    }
    dx_cli_stage_hold_signals(stage);   /* from here a signal waits until the files are in place */
    if (!dx_review_commit(rv, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_cli_stage_publish(stage, dry_run ? "clawbacks.json" : "ledger-head.txt", &error)) {
        g_autofree char *m = what != NULL ? dx_cli_stage_committed_message(what, restore) : NULL;

        if (m == NULL)
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
        dx_cli_stage_mark_incomplete(stage);
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s; %s", error->message, m);
    }
    dx_review_get_totals(rv, &t);
    cancelled = dx_money_format(t.cancelled_fen);
    due = dx_money_format(t.refund_due_fen);
    printf(_("%s %s: %zu grants reviewed, %zu kept, %zu breached (%s cancelled, %s due back), %zu not judged for "
             "missing data, %zu for errors; files in %s\n"),
           dry_run ? _("dry run of the review of") : _("reviewed on"), date, t.reviewed, t.kept, t.breached,
           cancelled, due, t.missing, t.errors, out);
    if (!dry_run)
        printf("ledger head: %s\n", head);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_review = {
    "review", "RULES", N_("承诺复核: judge the commitments of live grants; claw back those broken"),
    "usage: duixian review RULES --ledger FILE --checks FILE --date YYYY-MM-DD [--history FILE]...\n"
    "                      --out DIR [--dry-run]\n",
    N_("承诺复核: every live grant of a policy with a commitment, whose enterprise has a\n"
    "row in --checks and whose period contains --date, is judged on that row with\n"
    "the parameters in force on the date. A broken commitment cancels the grant's\n"
    "scheduled lines, sets the refund due (all paid, or pro rata by days) and claws\n"
    "the grant back; missing data or an error changes nothing and is listed. One\n"
    "ledger entry. Writes clawbacks.csv, clawbacks.json and clawbacks-explained.csv."),
    "examples:\n"
    "  duixian review rules/wuchang-2022.yaml --ledger out/ledger.db --checks checks-2024.csv \\\n"
    "      --date 2024-06-30 --out out/review-2024\n",
    cmd_review,
};

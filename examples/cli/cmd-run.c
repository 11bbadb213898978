/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian run RULES APPS --approval-date D --out DIR: a whole round (spec
 * §6 steps 1-10) into DIR/decisions.csv, schedule.csv and summary.json
 * (and report.html), committed to --ledger unless --dry-run, then the
 * closing table per bureau. The files are written into a staging
 * directory first, the round is committed, then they are renamed into DIR
 * (dx-cli-stage.c). What is left in each envelope comes from the
 * round itself (dx_round_get_envelope_remaining_fen()), not from reading
 * summary.json back.
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The table's status columns, in this order after "applied": each status
 * has its own, so an all-invalid batch does not read as "rejected". */
static const DxStatus run_columns[] = {
    DX_STATUS_APPROVED, DX_STATUS_REDUCED, DX_STATUS_REJECTED, DX_STATUS_INCOMPLETE, DX_STATUS_INVALID,
    DX_STATUS_DUPLICATE, DX_STATUS_ERROR, DX_STATUS_UNFUNDED,
};
#define RUN_N_COLUMNS G_N_ELEMENTS(run_columns)

/* Per bureau: applied, one count per run_columns entry, and granted. */
typedef struct {
    size_t applied;
    size_t n[RUN_N_COLUMNS];
    int64_t granted;
} RunTally;

static void
run_tally(DxRuleset *rs, DxDecisionList *list, RunTally *tally, int64_t *total_granted)
{
    size_t nb = dx_ruleset_get_n_bureaus(rs);

    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        DxStatus st = dx_decision_get_status(d);

        *total_granted += dx_decision_get_granted_fen(d);
        for (size_t b = 0; b < nb; b++) {
            RunTally *t = &tally[b];

            if (strcmp(dx_ruleset_get_bureau_key(rs, b), dx_decision_get_bureau(d)) != 0)
                continue;
            t->applied++;
            for (size_t c = 0; c < RUN_N_COLUMNS; c++)
                t->n[c] += st == run_columns[c];
            t->granted += dx_decision_get_granted_fen(d);
        }
    }
}

/* The closing table of a round: per bureau, what happened and what is left
 * in its envelope (its own, or the shared "*"). */
static void
run_print_table(DxRuleset *rs, DxRound *round, DxBatch *batch, const char *out_dir, gboolean no_ledger,
                gboolean dry_run, const char *format)
{
    gboolean text = strcmp(format, "text") == 0, csv = strcmp(format, "csv") == 0;
    g_autoptr(GString) json = g_string_new("{\"bureaus\": [");
    size_t nb = dx_ruleset_get_n_bureaus(rs);
    g_autofree RunTally *tally = g_new0(RunTally, MAX(nb, 1));
    int64_t total_granted = 0;

    run_tally(rs, dx_round_get_decisions(round), tally, &total_granted);
    if (text) {
        printf("%-10s %-12s %8s", "bureau", "name", "applied");
        for (size_t c = 0; c < RUN_N_COLUMNS; c++)
            printf(" %10s", dx_status_to_string(run_columns[c]));
        printf(" %16s %16s\n", "granted 万元", "remaining 万元");
    } else if (csv) {
        fputs("bureau,name,applied", stdout);
        for (size_t c = 0; c < RUN_N_COLUMNS; c++)
            printf(",%s", dx_status_to_string(run_columns[c]));
        puts(",granted_fen,remaining_fen");
    }
    for (size_t b = 0; b < nb; b++) {
        const char *key = dx_ruleset_get_bureau_key(rs, b), *env = "*";
        const RunTally *t = &tally[b];
        int64_t remaining = 0;   /* no envelope of its own and no shared one */
        g_autofree char *g = dx_money_format_wan(t->granted), *left = NULL;

        for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
            if (strcmp(dx_ruleset_get_envelope_key(rs, e), key) == 0)
                env = key;
        }
        for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
            if (strcmp(dx_ruleset_get_envelope_key(rs, e), env) == 0)
                remaining = dx_round_get_envelope_remaining_fen(round, e);
        }
        left = dx_money_format_wan(remaining);
        if (text) {
            printf("%-10s %-12s %8zu", key, dx_ruleset_get_bureau_name(rs, b), t->applied);
            for (size_t c = 0; c < RUN_N_COLUMNS; c++)
                printf(" %10zu", t->n[c]);
            printf(" %16s %16s\n", g, left);
        } else if (csv) {
            printf("%s,%s,%zu", key, dx_ruleset_get_bureau_name(rs, b), t->applied);
            for (size_t c = 0; c < RUN_N_COLUMNS; c++)
                printf(",%zu", t->n[c]);
            printf(",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", t->granted, remaining);
        }
        /* keys sorted; remaining_fen is the bureau's envelope's */
        g_string_append_printf(json, "%s\n  {\"applied\": %zu, \"approved\": %zu, \"bureau\": ", b > 0 ? "," : "",
                               t->applied, t->n[0]);
        dx_cli_json_string(json, key);
        g_string_append_printf(json, ", \"duplicate\": %zu, \"envelope\": ", t->n[5]);
        dx_cli_json_string(json, env);
        g_string_append_printf(json, ", \"error\": %zu, \"granted_fen\": %" G_GINT64_FORMAT
                                     ", \"incomplete\": %zu, \"invalid\": %zu, \"name\": ",
                               t->n[6], t->granted, t->n[3], t->n[4]);
        dx_cli_json_string(json, dx_ruleset_get_bureau_name(rs, b));
        g_string_append_printf(json, ", \"reduced\": %zu, \"rejected\": %zu, \"remaining_fen\": %" G_GINT64_FORMAT
                                     ", \"unfunded\": %zu}",
                               t->n[1], t->n[2], remaining, t->n[7]);
    }
    if (csv)
        return;
    if (!text) {
        g_string_append_printf(json, "],\n \"committed\": %s, \"granted_fen\": %" G_GINT64_FORMAT ", \"out\": ",
                               dry_run || no_ledger ? "false" : "true", total_granted);
        dx_cli_json_string(json, out_dir);
        g_string_append_printf(json, ", \"round_id\": %" G_GINT64_FORMAT ", \"warnings\": [",
                               dry_run || no_ledger ? 0 : dx_round_get_round_id(round));
        for (size_t w = 0; w < dx_batch_get_n_warnings(batch); w++) {
            if (w > 0)
                g_string_append(json, ", ");
            dx_cli_json_string(json, dx_batch_get_warning(batch, w));
        }
        g_string_append(json, "]}");
        puts(json->str);
        return;
    }
    {
        g_autofree char *t = dx_money_format(total_granted);
        /* "dry run" only for --dry-run: without --ledger there is nothing
         * the round could have been committed to */
        printf("granted in this round: %s%s; files in %s (amounts in fen)\n", t,
               dry_run ? " (dry run: nothing committed)" : no_ledger ? " (no ledger given: nothing committed)" : "",
               out_dir);
    }
    dx_cli_print_warning_note(batch);
}

static int
cmd_run(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *out = NULL, *date = NULL, *ledger_path = NULL, *format = NULL, *threads_s = NULL;
    g_autofree char *encoding = NULL, *out_enc = NULL;
    g_auto(GStrv) history = NULL;
    gboolean dry_run = FALSE, report = FALSE, xlsx = FALSE, gb18030 = FALSE;
    g_auto(GStrv) sets = NULL;
    const GOptionEntry entries[] = {
        { "approval-date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The round's approval date"), "YYYY-MM-DD" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the round's files to DIR"), "DIR" },
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("Commit the round to the ledger FILE"), "FILE" },
        { "history", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &history, N_("Awards from outside this fund (repeatable)"), "FILE" },
        { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Compute against the ledger, commit nothing"), NULL },
        { "report", 0, 0, G_OPTION_ARG_NONE, &report, N_("Also write DIR/report.html"), NULL },
        { "xlsx", 0, 0, G_OPTION_ARG_NONE, &xlsx, N_("Also write DIR/decisions.xlsx and DIR/schedule.xlsx"), NULL },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        { "output-encoding", 0, 0, G_OPTION_ARG_FILENAME, &out_enc, N_("The CSVs' encoding (default utf8)"), "utf8|gb18030" },
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("How to print the table (default text)"), "text|csv|json" },
        { "threads", 0, 0, G_OPTION_ARG_FILENAME, &threads_s, N_("Decide on N threads (0: one per processor)"), "N" },
        DX_CLI_SET_ENTRY(sets),
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxCliStage) stage = NULL;   /* freed after the round: a held signal waits for the rollback */
    g_autoptr(DxLedger) ledger = NULL;    /* freed after the round, which may roll back on it */
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;
    const char *sdir;
    g_autofree char *head = NULL, *head_line = NULL, *what = NULL, *restore = NULL;
    guint threads = 1;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (format == NULL)
        format = g_strdup("text");
    if (!dx_cli_one_of(format, "text", "csv", "json", NULL))
        return dx_cli_usage_error(cmd, _("run: --format is text, csv or json"));
    if (threads_s != NULL && !dx_cli_parse_threads(threads_s, &threads))
        return dx_cli_usage_error(cmd, _("--threads is a number from 0 (one per processor) to 256"));
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (out_enc != NULL && !dx_cli_parse_output_encoding(out_enc, &gb18030))
        return dx_cli_usage_error(cmd, _("--output-encoding is utf8 or gb18030"));
    if (argc != 3 || out == NULL || date == NULL)
        return dx_cli_usage_error(cmd, _("run takes RULES APPS --approval-date D --out DIR"));
    if (sets != NULL && ledger_path != NULL && !dry_run)
        return dx_cli_usage_error(cmd, _("--set is a what-if: add --dry-run to run it against a ledger"));
    rs = dx_cli_load_rules_set(argv[1], sets, &rc);
    if (rs == NULL)
        return rc;
    round = dx_round_new(rs, date, &error);
    if (round == NULL)
        return dx_cli_usage_error(cmd, "%s", error->message);
    for (guint h = 0; history != NULL && history[h] != NULL; h++) {
        if (!dx_round_add_history_file(round, history[h], &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    }
    batch = dx_batch_new(rs);
    dx_batch_set_threads(batch, threads);
    /* the input's SHA-256 is recorded only by a committed round */
    dx_batch_set_hash_input(batch, ledger_path != NULL && !dry_run);
    if (!dx_cli_read_apps(batch, argv[2], opts, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    /* every file is written into a staging directory in DIR, the round is
     * committed, then the files are renamed into place (docs/cli.md,
     * "Outputs and the commit"); this also checks DIR before anything is
     * decided, and refuses a DIR where a killed run left a committed round
     * without its files */
    stage = dx_cli_stage_new(out, &error);
    if (stage == NULL)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    sdir = dx_cli_stage_get_path(stage);
    if (ledger_path != NULL) {
        ledger = dx_ledger_open(ledger_path, &error);
        if (ledger == NULL)
            return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
        dx_round_set_ledger(round, ledger);
    }
    dx_round_set_dry_run(round, dry_run);
    /* a failure from here to dx_round_commit() rolls the round back when
     * `round` is freed (before `ledger`, declared earlier) */
    if (!dx_round_decide(round, batch, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    if (!dx_round_write_outputs(round, sdir, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (report) {
        g_autofree char *html = g_build_filename(sdir, "report.html", NULL);

        if (!dx_report_write_html(rs, sdir, html, &error))
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    }
    /* before --output-encoding recodes the CSVs: the workbooks read them as UTF-8 */
    if (xlsx && !dx_cli_write_round_xlsx(rs, sdir, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (gb18030 && (!dx_cli_recode_output(sdir, "decisions.csv", &error) ||
                    !dx_cli_recode_output(sdir, "schedule.csv", &error)))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    if (ledger != NULL && !dry_run) {
        /* the head kept outside the ledger (verify --expect-head); not in
         * summary.json, whose keys rules.md §8 fixes and which
         * report --ledger re-creates byte for byte. The round is sealed:
         * the head is already the one the commit leaves. */
        g_autofree char *head_file = g_build_filename(sdir, "ledger-head.txt", NULL);
        g_autofree char *r = dx_cli_shell_word(argv[1]), *l = dx_cli_shell_word(ledger_path);
        g_autofree char *o = dx_cli_shell_word(out), *cmd_line = NULL;

        head = dx_ledger_dup_head_hash(ledger);
        head_line = g_strconcat(head, "\n", NULL);
        cmd_line = g_strdup_printf("duixian report %s --ledger %s --round %lld --out-dir %s", r, l,
                                   (long long)dx_round_get_round_id(round), o);
        what = g_strdup_printf(_("round %lld of %s"), (long long)dx_round_get_round_id(round), ledger_path);
        restore = g_strdup_printf(_("restore them with: %s"), cmd_line);
        if (!g_file_set_contents(head_file, head_line, -1, &error) ||
            !dx_cli_stage_note_commit(stage, ledger_path, head, what, restore, &error))
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    }
    /* from here a signal waits until the files are in place */
    dx_cli_stage_hold_signals(stage);
    if (!dx_round_commit(round, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    /* ledger-head.txt last: a directory that has it has the round's other files */
    if (!dx_cli_stage_publish(stage, "ledger-head.txt", &error)) {
        g_autofree char *m = what != NULL ? dx_cli_stage_committed_message(what, restore) : NULL;

        if (m == NULL)
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
        dx_cli_stage_mark_incomplete(stage);
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s; %s", error->message, m);
    }
    run_print_table(rs, round, batch, out, ledger == NULL, dry_run, format);
    if (ledger != NULL && !dry_run && strcmp(format, "text") == 0) {
        g_autofree char *name = dx_ledger_location_display(ledger_path);   /* never a password */

        printf("committed as round %" G_GINT64_FORMAT " of %s\n", dx_round_get_round_id(round), name);
        printf("ledger head: %s\n", head);
    }
    if (report && strcmp(format, "text") == 0)
        printf("report: %s/report.html\n", out);
    if (xlsx && strcmp(format, "text") == 0)
        printf("excel: %s/decisions.xlsx, %s/schedule.xlsx\n", out, out);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_run = {
    "run", "RULES APPS", N_("a whole round (steps 1-10): decisions, schedule and summary; --ledger commits it"),
    "usage: duixian run RULES APPS --approval-date YYYY-MM-DD --out DIR\n"
    "                   [--ledger FILE] [--history FILE]... [--dry-run] [--report] [--xlsx]\n"
    "                   [--encoding auto|utf8|gb18030] [--output-encoding utf8|gb18030]\n"
    "                   [--format text|csv|json] [--threads N]\n",
    N_("A whole round (steps 1-10): DIR/decisions.csv, schedule.csv, summary.json and,\n"
    "with --report, DIR/report.html; with --xlsx, DIR/decisions.xlsx and\n"
    "schedule.xlsx (Excel: amounts in yuan, a sheet per bureau and a summary).\n"
    "With --ledger the round is committed (or not, with --dry-run). Prints a\n"
    "table per bureau, one column per status; --format csv prints it as\n"
    "bureau,name,applied,approved,reduced,rejected,incomplete,invalid,duplicate,\n"
    "error,unfunded,granted_fen,remaining_fen, --format json as one object\n"
    "{bureaus, committed, granted_fen, out, round_id, warnings}."),
    "examples:\n"
    "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date 2022-06-30 --ledger out/ledger.db --out out --report\n"
    "  duixian run rules/wuchang-2022.yaml more.csv --approval-date=2022-09-30 \\\n"
    "      --ledger=out/ledger.db --dry-run --out=what-if\n",
    cmd_run,
};

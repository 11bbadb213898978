/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian report RULES DIR, or RULES --ledger FILE [--round N]: one
 * self-contained report.html of a round, from its output directory or
 * from the ledger alone (the round's three files re-created byte for byte,
 * in a temporary directory or, with --out-dir, kept).
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static int
report_from_ledger(DxRuleset *rs, const char *ledger_path, gint64 round, const char *path, const char *keep_dir,
                   gboolean xlsx)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autofree char *tmp = keep_dir != NULL ? g_strdup(keep_dir) : g_dir_make_tmp("duixian-report-XXXXXX", NULL);
    static const char *const files[] = { "decisions.csv", "schedule.csv", "summary.json" };
    int rc = DX_EXIT_OK;

    if (tmp == NULL || g_mkdir_with_parents(tmp, 0755) != 0)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s: %s", tmp != NULL ? tmp : "temporary directory", g_strerror(errno));
    /* --out-dir is how a round's files are restored after a run was killed
     * between its commit and its renames: clear what the dead run left,
     * saying so, but go on (this is the restore) */
    if (keep_dir != NULL)
        dx_cli_stage_sweep(keep_dir, FALSE, NULL);
    ledger = dx_ledger_open_readonly(ledger_path, &error);
    if (ledger == NULL || !dx_ledger_export_round(ledger, rs, round, tmp, &error))
        rc = dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_IO) ? DX_EXIT_OUTPUT : DX_EXIT_LEDGER, "%s",
                         error->message);
    else if (!dx_report_write_html(rs, tmp, path, &error) || (xlsx && !dx_cli_write_round_xlsx(rs, tmp, &error)))
        rc = dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    for (guint i = 0; keep_dir == NULL && i < G_N_ELEMENTS(files); i++) {
        g_autofree char *f = g_build_filename(tmp, files[i], NULL);

        g_unlink(f);
    }
    if (keep_dir == NULL)
        g_rmdir(tmp);
    return rc;
}

static int
cmd_report(const DxCliCommand *cmd, int argc, char **argv)
{
    gboolean xlsx = FALSE;
    g_autofree char *out = NULL, *ledger_path = NULL, *out_dir = NULL, *round_s = NULL, *path = NULL;
    const GOptionEntry entries[] = {
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the report to FILE"), "FILE" },
        { "ledger", 0, 0, G_OPTION_ARG_FILENAME, &ledger_path, N_("Report a round of the ledger FILE"), "FILE" },
        { "round", 0, 0, G_OPTION_ARG_FILENAME, &round_s, N_("The round id (default the latest)"), "N" },
        { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Re-create the round's files and the report in DIR"), "DIR" },
        { "xlsx", 0, 0, G_OPTION_ARG_NONE, &xlsx, N_("Also write decisions.xlsx and schedule.xlsx beside the round's files"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(GError) error = NULL;
    const char *dir;
    gint64 round = 0;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (round_s != NULL) {
        guint64 n = 0;

        if (!g_ascii_string_to_unsigned(round_s, 10, 1, G_MAXINT64, &n, NULL))
            return dx_cli_usage_error(cmd, _("--round is a round id (see duixian ledger FILE)"));
        round = (gint64)n;
    }
    dir = argc >= 3 ? argv[2] : NULL;
    if (argc < 2 || argc > 3 || (dir == NULL) == (ledger_path == NULL) ||
        ((round != 0 || out_dir != NULL) && ledger_path == NULL) || (xlsx && ledger_path != NULL && out_dir == NULL))
        return dx_cli_usage_error(cmd, _("report takes RULES DIR [--out FILE] [--xlsx], or RULES --ledger FILE [--round N] [--out FILE] [--out-dir DIR [--xlsx]]"));
    rs = dx_cli_load_rules(argv[1]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    if (ledger_path != NULL) {
        path = out != NULL ? g_strdup(out) : out_dir != NULL ? g_build_filename(out_dir, "report.html", NULL)
                                                             : g_strdup("report.html");
        rc = report_from_ledger(rs, ledger_path, round, path, out_dir, xlsx);
        if (rc == DX_EXIT_OK)
            printf("report: %s\n", path);
        return rc;
    }
    path = out != NULL ? g_strdup(out) : g_build_filename(dir, "report.html", NULL);
    if (!dx_report_write_html(rs, dir, path, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_IO) && !g_file_test(dir, G_FILE_TEST_IS_DIR)
                               ? DX_EXIT_INPUT
                               : DX_EXIT_OUTPUT,
                           "%s", error->message);
    if (xlsx && !dx_cli_write_round_xlsx(rs, dir, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    printf("report: %s\n", path);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_report = {
    "report", "RULES [DIR]", N_("DIR/report.html: charts and tables of a round, self-contained"),
    "usage: duixian report RULES DIR [--out FILE] [--xlsx]\n"
    "       duixian report RULES --ledger FILE [--round N] [--out FILE] [--out-dir DIR [--xlsx]]\n",
    N_("Write DIR/report.html (or FILE) from a round's output directory, or\n"
    "report.html (or FILE) from a round of a ledger (default the latest; --out-dir DIR\n"
    "also re-creates the round's decisions.csv, schedule.csv and summary.json in\n"
    "DIR, byte for byte, and puts the report there): one\n"
    "self-contained page with inline SVG charts (fund use per envelope, payouts per\n"
    "month, per policy, top reasons), the performance targets and printable tables.\n"
    "--xlsx also writes decisions.xlsx and schedule.xlsx (Excel) beside the files."),
    "examples:\n"
    "  duixian report rules/wuchang-2022.yaml out\n"
    "  duixian report rules/wuchang-2022.yaml --ledger out/ledger.db --round 1 --out round1.html\n",
    cmd_report,
};

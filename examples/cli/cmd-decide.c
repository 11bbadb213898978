/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian decide RULES APPS --out DIR: docs/rules.md §6 steps 1-6 for every
 * application (no groups, fund cap or envelopes) into DIR/decisions.csv,
 * then the status counts (as text, status,count rows or one JSON object).
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* --format csv|json: the status counts (DxStatus order in CSV, keys sorted in JSON). */
static void
decide_print_counts(DxBatch *batch, const char *format, guint64 n_apps, size_t n_decisions, const size_t counts[8], int64_t granted,
                    const char *path)
{
    static const DxStatus sorted[] = {
        DX_STATUS_APPROVED, DX_STATUS_DUPLICATE, DX_STATUS_ERROR, DX_STATUS_INCOMPLETE,
        DX_STATUS_INVALID, DX_STATUS_REDUCED, DX_STATUS_REJECTED, DX_STATUS_UNFUNDED,
    };
    g_autoptr(GString) json = g_string_new(NULL);

    if (strcmp(format, "csv") == 0) {
        puts("status,count");
        for (int s = 0; s < 8; s++)
            printf("%s,%zu\n", dx_status_to_string((DxStatus)s), counts[s]);
        return;
    }
    g_string_append_printf(json, "{\"applications\": %" G_GUINT64_FORMAT ", \"decisions\": %zu, \"decisions_csv\": ",
                           n_apps, n_decisions);
    dx_cli_json_string(json, path);
    g_string_append_printf(json, ", \"granted_fen\": %" G_GINT64_FORMAT ", \"status_counts\": {", granted);
    for (guint i = 0; i < G_N_ELEMENTS(sorted); i++)
        g_string_append_printf(json, "%s\"%s\": %zu", i > 0 ? ", " : "", dx_status_to_string(sorted[i]),
                               counts[sorted[i]]);
    g_string_append(json, "}, \"warnings\": [");
    for (size_t w = 0; w < dx_batch_get_n_warnings(batch); w++) {
        if (w > 0)
            g_string_append(json, ", ");
        dx_cli_json_string(json, dx_batch_get_warning(batch, w));
    }
    g_string_append(json, "]}");
    puts(json->str);
}

static int
cmd_decide(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *out = NULL, *format = NULL, *threads_s = NULL, *encoding = NULL, *out_enc = NULL;
    g_auto(GStrv) sets = NULL;
    const GOptionEntry entries[] = {
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write DIR/decisions.csv"), "DIR" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        { "output-encoding", 0, 0, G_OPTION_ARG_FILENAME, &out_enc, N_("The CSV's encoding (default utf8)"), "utf8|gb18030" },
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("How to print the counts (default text)"), "text|csv|json" },
        { "threads", 0, 0, G_OPTION_ARG_FILENAME, &threads_s, N_("Decide on N threads (0: one per processor)"), "N" },
        DX_CLI_SET_ENTRY(sets),
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL, *total = NULL;
    size_t counts[8] = { 0 };
    int64_t granted = 0;
    gboolean gb18030 = FALSE;
    guint threads = 1;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (format != NULL && !dx_cli_one_of(format, "text", "csv", "json", NULL))
        return dx_cli_usage_error(cmd, _("decide: --format is text, csv or json"));
    if (threads_s != NULL && !dx_cli_parse_threads(threads_s, &threads))
        return dx_cli_usage_error(cmd, _("--threads is a number from 0 (one per processor) to 256"));
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (out_enc != NULL && !dx_cli_parse_output_encoding(out_enc, &gb18030))
        return dx_cli_usage_error(cmd, _("--output-encoding is utf8 or gb18030"));
    if (argc != 3 || out == NULL)
        return dx_cli_usage_error(cmd, _("decide takes RULES APPS --out DIR"));
    rs = dx_cli_load_rules_set(argv[1], sets, &rc);
    if (rs == NULL)
        return rc;
    batch = dx_batch_new(rs);
    dx_batch_set_threads(batch, threads);
    dx_batch_set_hash_input(batch, FALSE);   /* nothing records it: save the CPU */
    if (!dx_cli_read_apps(batch, argv[2], opts, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    list = dx_batch_decide(batch);
    if (g_mkdir_with_parents(out, 0755) != 0)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s: %s", out, g_strerror(errno));
    path = g_build_filename(out, "decisions.csv", NULL);
    if (!dx_decision_list_write_csv(list, path, &error) || (gb18030 && !dx_cli_recode_output(out, "decisions.csv", &error)))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        counts[dx_decision_get_status(d)]++;
        granted += dx_decision_get_granted_fen(d);
    }
    if (format != NULL && strcmp(format, "text") != 0) {
        decide_print_counts(batch, format, dx_batch_get_n_rows(batch), dx_decision_list_get_n_items(list), counts, granted,
                            path);
        return DX_EXIT_OK;
    }
    total = dx_money_format(granted);
    printf("%" G_GUINT64_FORMAT " applications, %zu decisions → %s\n", dx_batch_get_n_rows(batch),
           dx_decision_list_get_n_items(list), path);
    for (int s = 0; s < 8; s++)
        printf("  %-10s %zu\n", dx_status_to_string((DxStatus)s), counts[s]);
    printf("  granted before fund limits: %s\n", total);
    dx_cli_print_warning_note(batch);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_decide = {
    "decide", "RULES APPS", N_("decide every application in APPS (docs/rules.md §6 steps 1-6) into DIR/decisions.csv"),
    "usage: duixian decide RULES APPS --out DIR [--encoding auto|utf8|gb18030]\n"
    "                      [--output-encoding utf8|gb18030] [--format text|csv|json] [--threads N]\n",
    N_("Decide every application (docs/rules.md §6 steps 1-6: no groups, fund cap or\n"
    "envelopes) and write DIR/decisions.csv. APPS is CSV, or a YAML/JSON list of\n"
    "maps (.yaml, .yml, .json). --encoding is the input's; --output-encoding\n"
    "gb18030 writes the CSV for Excel in China. --format csv|json prints the\n"
    "status counts as status,count rows or one JSON object (reading warnings in\n"
    "its \"warnings\" list). --threads N decides on N threads (0: one per\n"
    "processor); the result is byte-identical to one thread."),
    "examples:\n"
    "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out out\n"
    "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out=out --threads=0\n",
    cmd_decide,
};

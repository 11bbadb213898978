/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian ledger FILE [--format text|csv|json]: per envelope the total,
 * what is charged and what remains; the rounds; the head hash.
 * duixian ledger copy SRC DST: the ledger moved to another store (SQLite
 * file or PostgreSQL server), its head unchanged.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

/* The envelope totals a round recorded in its params,
 * {"envelopes":{"k":n,...},...}: "\"key\":fen" items. The params are the
 * ledger's own compact JSON, with keys that are envelope names. */
static GPtrArray *
ledger_params_envelopes(const char *params)
{
    GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
    const char *p = params != NULL ? strstr(params, "\"envelopes\":{") : NULL;
    const char *end;

    if (p == NULL)
        return pairs;
    p += strlen("\"envelopes\":{");
    end = strchr(p, '}');
    if (end != NULL) {
        g_autofree char *body = g_strndup(p, (gsize)(end - p));
        g_auto(GStrv) items = g_strsplit(body, ",", -1);

        for (char **it = items; *it != NULL && **it != '\0'; it++)
            g_ptr_array_add(pairs, g_strdup(*it));
    }
    return pairs;
}

/* ledger copy SRC DST */
static int
ledger_copy(char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autofree char *dst = dx_ledger_location_display(argv[3]);
    g_autofree char *head = NULL;
    uint64_t n = 0;

    if (!dx_cli_ledger_exists(argv[2]))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), argv[2]);
    if (!dx_ledger_copy(argv[2], argv[3], &n, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? DX_EXIT_CORRUPT : DX_EXIT_LEDGER,
                           "%s", error->message);
    ledger = dx_ledger_open_readonly(argv[3], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    head = dx_ledger_dup_head_hash(ledger);
    printf("copied %llu entries to %s, head %s\n", (unsigned long long)n, dst, head);
    return DX_EXIT_OK;
}

static int
cmd_ledger(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *format = NULL;
    const GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print (default text)"), "text|csv|json" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL, *fund = NULL;
    g_autoptr(GString) json = g_string_new(NULL);
    gboolean text, csv;
    size_t n;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc >= 2 && strcmp(argv[1], "copy") == 0 && !g_file_test(argv[1], G_FILE_TEST_EXISTS)) {
        if (argc != 4 || format != NULL)
            return dx_cli_usage_error(cmd, _("ledger copy takes two arguments: SRC DST"));
        return ledger_copy(argv);
    }
    if (argc != 2)
        return dx_cli_usage_error(cmd, _("ledger takes one argument: FILE"));
    if (format != NULL && !dx_cli_one_of(format, "text", "csv", "json", NULL))
        return dx_cli_usage_error(cmd, _("ledger: --format is text, csv or json"));
    text = format == NULL || strcmp(format, "text") == 0;
    csv = format != NULL && strcmp(format, "csv") == 0;
    ledger = dx_ledger_open_readonly(argv[1], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    n = dx_ledger_get_n_rounds(ledger);
    head = dx_ledger_dup_head_hash(ledger);
    if (csv)
        puts("envelope,total_fen,charged_fen,remaining_fen");
    g_string_append(json, "{\"envelopes\": [");
    if (n > 0) {
        g_autofree char *params = dx_ledger_dup_round_field(ledger, n - 1, "params");
        g_autoptr(GPtrArray) envs = ledger_params_envelopes(params);

        fund = dx_ledger_dup_round_field(ledger, n - 1, "fund_id");
        if (text)
            printf("fund %s\n%-10s %16s %16s %16s\n", fund, "envelope", "total 万元", "charged 万元", "remaining 万元");
        for (guint i = 0; i < envs->len; i++) {
            g_auto(GStrv) kv = g_strsplit(g_ptr_array_index(envs, i), ":", 2);
            g_autofree char *key = NULL, *t = NULL, *c = NULL, *r = NULL;
            int64_t total, charged;

            if (kv[0] == NULL || kv[1] == NULL)
                continue;
            key = g_strndup(kv[0] + 1, strlen(kv[0]) - 2);
            total = g_ascii_strtoll(kv[1], NULL, 10);
            charged = dx_ledger_get_charged_fen(ledger, fund, key);
            t = dx_money_format_wan(total);
            c = dx_money_format_wan(charged);
            r = dx_money_format_wan(total - charged);
            if (text)
                printf("%-10s %16s %16s %16s\n", key, t, c, r);
            else if (csv)
                printf("%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", key, total, charged,
                       total - charged);
            g_string_append(json, i > 0 ? ", {\"charged_fen\": " : "{\"charged_fen\": ");
            g_string_append_printf(json, "%" G_GINT64_FORMAT ", \"key\": ", charged);
            dx_cli_json_string(json, key);
            g_string_append_printf(json, ", \"remaining_fen\": %" G_GINT64_FORMAT ", \"total_fen\": %" G_GINT64_FORMAT "}",
                                   total - charged, total);
        }
    }
    g_string_append(json, "],\n \"fund\": ");
    dx_cli_json_string(json, fund != NULL ? fund : "");
    g_string_append_printf(json, ", \"head\": \"%s\",\n \"rounds\": [", head);
    if (text)
        printf("%zu round%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        g_autofree char *created = dx_ledger_dup_round_field(ledger, i, "created_at");
        g_autofree char *approval = dx_ledger_dup_round_field(ledger, i, "approval_date");
        g_autofree char *g = dx_money_format(dx_ledger_get_round_granted_fen(ledger, i));

        if (text)
            printf("  round %-6" G_GINT64_FORMAT " created %s  approval %s  %" G_GUINT64_FORMAT " decisions  granted %s\n",
                   dx_ledger_get_round_id(ledger, i), created, approval, dx_ledger_get_round_n_decisions(ledger, i), g);
        g_string_append_printf(json, "%s\n  {\"approval_date\": \"%s\", \"created_at\": \"%s\", \"decisions\": %" G_GUINT64_FORMAT
                                     ", \"granted_fen\": %" G_GINT64_FORMAT ", \"round_id\": %" G_GINT64_FORMAT "}",
                               i > 0 ? "," : "", approval, created, dx_ledger_get_round_n_decisions(ledger, i),
                               dx_ledger_get_round_granted_fen(ledger, i), dx_ledger_get_round_id(ledger, i));
    }
    g_string_append(json, "]}");
    if (text)
        printf("head %s\n", head);
    else if (!csv)
        puts(json->str);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_ledger = {
    "ledger", "FILE", N_("per envelope: total, charged, remaining; the rounds; the head hash"),
    "usage: duixian ledger FILE [--format text|csv|json]\n"
    "       duixian ledger copy SRC DST\n",
    N_("Per envelope: total, charged, remaining; the rounds; the head hash. ledger copy SRC DST copies a ledger"
       " between stores (a file, or a PostgreSQL server: postgresql://USER@HOST/DB), its head unchanged."),
    "examples:\n"
    "  duixian ledger out/ledger.db\n"
    "  duixian ledger out/ledger.db --format csv\n"
    "  duixian ledger copy out/ledger.db postgresql://duixian@db.example/fund\n",
    cmd_ledger,
};

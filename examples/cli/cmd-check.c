/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian check RULES [--format text|json]: validates a ruleset and prints
 * its fund, envelopes and the policies of each bureau (or, as JSON, the
 * same with keys sorted). A bad file is one line file:line:col, exit 2.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static int
check_json(DxRuleset *rs)
{
    g_autoptr(GString) out = g_string_new("{\"envelopes\": [");
    g_autofree char *from = NULL, *to = NULL;

    for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
        g_string_append(out, e > 0 ? ", {\"key\": " : "{\"key\": ");
        dx_cli_json_string(out, dx_ruleset_get_envelope_key(rs, e));
        g_string_append_printf(out, ", \"total_fen\": %" G_GINT64_FORMAT "}", dx_ruleset_get_envelope_total_fen(rs, e));
    }
    dx_ruleset_dup_fund_period(rs, &from, &to);
    g_string_append(out, "],\n \"fund\": ");
    dx_cli_json_string(out, dx_ruleset_get_fund_id(rs));
    g_string_append(out, ", \"fund_name\": ");
    dx_cli_json_string(out, dx_ruleset_get_fund_name(rs));
    g_string_append_printf(out, ", \"per_enterprise_cap_fen\": %" G_GINT64_FORMAT ", \"period_from\": \"%s\", \"period_to\": \"%s\",\n \"policies\": [",
                           dx_ruleset_get_fund_enterprise_cap_fen(rs), from, to);
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        g_string_append(out, p > 0 ? ",\n  {\"basis\": " : "\n  {\"basis\": ");
        dx_cli_json_string(out, dx_ruleset_get_policy_basis(rs, p));
        g_string_append(out, ", \"bureau\": ");
        dx_cli_json_string(out, dx_ruleset_get_policy_bureau(rs, p));
        g_string_append(out, ", \"id\": ");
        dx_cli_json_string(out, dx_ruleset_get_policy_id(rs, p));
        g_string_append(out, ", \"name\": ");
        dx_cli_json_string(out, dx_ruleset_get_policy_name(rs, p));
        g_string_append(out, "}");
    }
    if (dx_ruleset_get_n_params(rs) > 0) {
        /* a format-2 ruleset's parameters, in file order: the key exists only
         * when there are some, so a format-1 file prints what it always did */
        g_string_append(out, "],\n \"params\": [");
        for (size_t i = 0; i < dx_ruleset_get_n_params(rs); i++) {
            g_string_append(out, i > 0 ? ",\n  {\"label\": " : "\n  {\"label\": ");
            dx_cli_json_string(out, dx_ruleset_get_param_label(rs, i));
            g_string_append(out, ", \"name\": ");
            dx_cli_json_string(out, dx_ruleset_get_param_name(rs, i));
            g_string_append(out, ", \"values\": [");
            for (size_t j = 0; j < dx_ruleset_get_param_n_values(rs, i); j++) {
                g_autofree char *since = NULL;
                g_autofree char *v = dx_ruleset_dup_param_value(rs, i, j, &since);

                g_string_append_printf(out, "%s{\"from\": \"%s\", \"value\": ", j > 0 ? ", " : "", since);
                dx_cli_json_string(out, v);
                g_string_append(out, "}");
            }
            g_string_append(out, "]}");
        }
    }
    g_string_append_printf(out, "],\n \"sha256\": \"%s\", \"shortfall\": \"%s\", \"total_fen\": %" G_GINT64_FORMAT
                                ",\n \"warnings\": [",
                           dx_ruleset_get_sha256(rs), dx_ruleset_get_shortfall(rs), dx_ruleset_get_fund_total_fen(rs));
    /* the lint lines (docs/rules.md, "Warnings"): always a list, empty for a clean file */
    for (size_t w = 0; w < dx_ruleset_get_n_warnings(rs); w++) {
        g_string_append(out, w > 0 ? ",\n  " : "\n  ");
        dx_cli_json_string(out, dx_ruleset_get_warning(rs, w));
    }
    g_string_append(out, "]}");
    puts(out->str);
    return DX_EXIT_OK;
}

static void
check_text(DxRuleset *rs, const char *path)
{
    g_autofree char *total = dx_money_format(dx_ruleset_get_fund_total_fen(rs)), *from = NULL, *to = NULL;

    dx_ruleset_dup_fund_period(rs, &from, &to);
    printf("%s: ok\n", path);
    printf("fund      %s (%s)\n", dx_ruleset_get_fund_name(rs), dx_ruleset_get_fund_id(rs));
    printf("total     %s, %s to %s, shortfall %s\n", total, from, to, dx_ruleset_get_shortfall(rs));
    if (dx_ruleset_get_fund_enterprise_cap_fen(rs) >= 0) {
        g_autofree char *cap = dx_money_format(dx_ruleset_get_fund_enterprise_cap_fen(rs));
        printf("cap       %s per enterprise\n", cap);
    }
    for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
        g_autofree char *amount = dx_money_format(dx_ruleset_get_envelope_total_fen(rs, e));
        const char *key = dx_ruleset_get_envelope_key(rs, e);
        const char *name = "(all bureaus)";

        for (size_t b = 0; b < dx_ruleset_get_n_bureaus(rs); b++) {
            if (strcmp(dx_ruleset_get_bureau_key(rs, b), key) == 0)
                name = dx_ruleset_get_bureau_name(rs, b);
        }
        printf("envelope  %-10s %s %s\n", key, name, amount);
    }
    for (size_t b = 0; b < dx_ruleset_get_n_bureaus(rs); b++) {
        const char *key = dx_ruleset_get_bureau_key(rs, b);
        size_t n = 0;

        for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++)
            n += strcmp(dx_ruleset_get_policy_bureau(rs, p), key) == 0;
        printf("bureau    %-10s %s: %zu polic%s\n", key, dx_ruleset_get_bureau_name(rs, b), n, n == 1 ? "y" : "ies");
        for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
            if (strcmp(dx_ruleset_get_policy_bureau(rs, p), key) == 0)
                printf("          %-16s %s\n", dx_ruleset_get_policy_id(rs, p), dx_ruleset_get_policy_name(rs, p));
        }
    }
    /* format 2 (docs/rules.md §10): each parameter with its dated values */
    for (size_t i = 0; i < dx_ruleset_get_n_params(rs); i++) {
        printf("param     %-10s %s:", dx_ruleset_get_param_name(rs, i), dx_ruleset_get_param_label(rs, i));
        for (size_t j = 0; j < dx_ruleset_get_param_n_values(rs, i); j++) {
            g_autofree char *since = NULL;
            g_autofree char *v = dx_ruleset_dup_param_value(rs, i, j, &since);

            printf("%s %s from %s", j > 0 ? "," : "", v, since);
        }
        putchar('\n');
    }
}

static int
cmd_check(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *format = NULL;
    gboolean strict = FALSE;
    const GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print: text (default) or json"), "text|json" },
        { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, N_("Treat warnings as errors (exit 2)"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 2)
        return dx_cli_usage_error(cmd, _("check takes one argument: RULES"));
    if (format != NULL && !dx_cli_one_of(format, "text", "json", NULL))
        return dx_cli_usage_error(cmd, _("check: --format is text or json"));
    rs = dx_cli_load_rules(argv[1]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    /* the warnings go to stderr in every format, so a script that reads
     * the JSON still shows them to whoever runs it */
    for (size_t w = 0; w < dx_ruleset_get_n_warnings(rs); w++)
        fprintf(stderr, "duixian: %s%s\n", strict ? "" : "warning: ", dx_ruleset_get_warning(rs, w));
    if (strict && dx_ruleset_get_n_warnings(rs) > 0)
        return DX_EXIT_RULES;
    if (format != NULL && strcmp(format, "json") == 0)
        return check_json(rs);
    check_text(rs, argv[1]);
    if (dx_ruleset_get_n_warnings(rs) > 0)
        printf("%zu warning%s, on stderr (--strict makes them errors)\n", dx_ruleset_get_n_warnings(rs),
               dx_ruleset_get_n_warnings(rs) == 1 ? "" : "s");
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_check = {
    "check", "RULES", N_("validate RULES and print the fund, its envelopes and the policies of each bureau"),
    "usage: duixian check RULES [--format text|json] [--strict]\n",
    N_("Validate RULES (YAML, format duixian/1 or duixian/2) and print the fund, its\n"
    "envelopes and the policies of each bureau. A bad file: one line\nfile:line:col, exit 2.\n"
    "What loads but is likely a slip (a rate without a percent sign, a window\n"
    "past the fund period, a policy nothing can reach, an envelope below one\n"
    "award) is a warning on stderr and in the JSON's \"warnings\"; --strict: exit 2."),
    "examples:\n"
    "  duixian check rules/wuchang-2022.yaml\n"
    "  duixian check rules/wuchang-2022.yaml --format json\n"
    "  duixian check rules/wuchang-2023.yaml --strict\n",
    cmd_check,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian fit RULES APPS --param NAME (--envelope KEY | --budget AMOUNT)
 *     [--approval-date D] [--step S] [--format text|json]:
 * the value of a parameter at which the demand on the envelope (or the
 * fund) is as large as possible without exceeding it (dx-fit.h). Prints
 * the value, the demand, the headroom and the demand around the value.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static void
fit_print_text(DxFit *fit, const char *param, const char *target)
{
    g_autofree char *demand = dx_money_format(dx_fit_get_demand_fen(fit));
    g_autofree char *budget = dx_money_format(dx_fit_get_budget_fen(fit));
    g_autofree char *headroom = dx_money_format(dx_fit_get_budget_fen(fit) - dx_fit_get_demand_fen(fit));
    gssize r = dx_fit_get_result_index(fit);

    printf("%s = %s (step %s), fitted to %s of %s\n", param, dx_fit_get_value(fit), dx_fit_get_step(fit), target,
           budget);
    printf("demand    %s\nheadroom  %s\n", demand, headroom);
    puts("around it:");
    for (gssize i = MAX(r - 2, 0); i < (gssize)dx_fit_get_n_probes(fit) && i <= r + 2; i++) {
        int64_t d = 0;
        const char *v = dx_fit_get_probe(fit, (size_t)i, &d);
        g_autofree char *ds = dx_money_format(d);

        printf("  %-14s %-16s %s\n", v, ds,
               i == r ? "← fitted" : d > dx_fit_get_budget_fen(fit) ? "over" : "within");
    }
    printf("%zu values tried; the demand was %s in %s\n", dx_fit_get_n_probes(fit),
           dx_fit_get_monotone(fit) ? "monotone" : "NOT monotone", param);
}

static void
fit_print_json(DxFit *fit, const char *param)
{
    g_autoptr(GString) out = g_string_new("{\"budget_fen\": ");

    g_string_append_printf(out, "%" G_GINT64_FORMAT ", \"demand_fen\": %" G_GINT64_FORMAT
                           ", \"headroom_fen\": %" G_GINT64_FORMAT ", \"param\": ",
                           dx_fit_get_budget_fen(fit), dx_fit_get_demand_fen(fit),
                           dx_fit_get_budget_fen(fit) - dx_fit_get_demand_fen(fit));
    dx_cli_json_string(out, param);
    g_string_append(out, ", \"step\": ");
    dx_cli_json_string(out, dx_fit_get_step(fit));
    g_string_append(out, ", \"value\": ");
    dx_cli_json_string(out, dx_fit_get_value(fit));
    g_string_append(out, "}");
    puts(out->str);
}

static int
cmd_fit(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *param = NULL, *envelope = NULL, *budget = NULL, *date = NULL, *step = NULL;
    g_autofree char *format = NULL, *encoding = NULL;
    const GOptionEntry entries[] = {
        { "param", 0, 0, G_OPTION_ARG_FILENAME, &param, N_("The parameter to fit (money, number or integer)"), "NAME" },
        { "envelope", 0, 0, G_OPTION_ARG_FILENAME, &envelope, N_("Fit the demand on this envelope to its total"), "KEY" },
        { "budget", 0, 0, G_OPTION_ARG_FILENAME, &budget, N_("Fit the demand on the whole fund to AMOUNT"), "AMOUNT" },
        { "approval-date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The rounds' approval date (default the fund's last day)"), "YYYY-MM-DD" },
        { "step", 0, 0, G_OPTION_ARG_FILENAME, &step, N_("The precision (default 1 fen, 0.01%, 1)"), "VALUE" },
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print (default text)"), "text|json" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(DxFit) fit = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *target = NULL;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (format != NULL && !dx_cli_one_of(format, "text", "json", NULL))
        return dx_cli_usage_error(cmd, _("fit: --format is text or json"));
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (argc != 3 || param == NULL || (envelope == NULL) == (budget == NULL))
        return dx_cli_usage_error(cmd, _("fit takes RULES APPS --param NAME and one of --envelope KEY, --budget AMOUNT"));
    if (date == NULL) {
        g_autoptr(DxRuleset) rs = dx_cli_load_rules(argv[1]);
        g_autofree char *from = NULL;

        if (rs == NULL)
            return DX_EXIT_RULES;
        dx_ruleset_dup_fund_period(rs, &from, &date);
    }
    fit = dx_fit_new(argv[1], param, date, &error);
    if (fit == NULL)
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) ? DX_EXIT_USAGE : DX_EXIT_RULES,
                           "%s", error->message);
    if (step != NULL && !dx_fit_set_step(fit, step, &error))
        return dx_cli_fail(DX_EXIT_USAGE, "%s", error->message);
    if (envelope != NULL) {
        if (!dx_fit_set_envelope(fit, envelope, &error))
            return dx_cli_fail(DX_EXIT_USAGE, "%s", error->message);
        target = g_strdup_printf("envelope %s", envelope);
    } else {
        int64_t fen = 0;

        if (!dx_money_parse(budget, &fen, NULL) || fen < 0)
            return dx_cli_usage_error(cmd, _("--budget is an amount of money, e.g. 5000万元"));
        dx_fit_set_budget_fen(fit, fen);
        target = g_strdup("the fund");
    }
    if (!dx_fit_run(fit, argv[2], opts, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID) ? DX_EXIT_DIFFERENT : DX_EXIT_INPUT,
                           "%s", error->message);
    if (!dx_fit_get_monotone(fit))
        fprintf(stderr, _("duixian: the demand is not monotone in %s: another value further away may fit too\n"), param);
    if (format != NULL && strcmp(format, "json") == 0)
        fit_print_json(fit, param);
    else
        fit_print_text(fit, param, target);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_fit = {
    "fit", "RULES APPS", N_("the value of a parameter that makes the demand fit an envelope or a budget"),
    "usage: duixian fit RULES APPS --param NAME (--envelope KEY | --budget AMOUNT)\n"
    "                   [--approval-date YYYY-MM-DD] [--step VALUE] [--format text|json]\n",
    N_("Find the value of a money, number or integer parameter at which the demand\n"
    "on an envelope (its requests before rationing) or on the whole fund is as\n"
    "large as possible without exceeding the envelope's total or the budget:\n"
    "exact to the step (1 fen, 0.01%, 1 by default), by search over whole steps,\n"
    "each a full round on APPS with the parameter set. Prints the value, the\n"
    "demand, the headroom and the demand just around the value; says so when the\n"
    "demand is not monotone in the parameter. Exit 7 when no value fits."),
    "examples:\n"
    "  duixian fit rules/wuchang-2023.yaml apps.csv --param hq_rate --envelope finance --approval-date 2023-06-30\n"
    "  duixian fit rules/wuchang-2023.yaml apps.csv --param=hq_cap --budget=5000万元 --step=1万元 --format=json\n",
    cmd_fit,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian test RULES TESTS.yaml... [--junit FILE] [--coverage]: the rule
 * tests a policy analyst writes (dx-rule-tests.h). One line per failing
 * case with its file:line, then "N passed, N failed"; exit 1 when a case
 * fails (or, with --coverage, when something is not covered).
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static int
cmd_test(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *junit = NULL;
    gboolean coverage = FALSE;
    const GOptionEntry entries[] = {
        { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, N_("Also write the results as JUnit XML to FILE"), "FILE" },
        { "coverage", 0, 0, G_OPTION_ARG_NONE, &coverage, N_("List what no case reached; fail if anything"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleTests) tests = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *report = NULL, *cover = NULL;
    size_t n_uncovered = 0;
    gboolean passed;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc < 3)
        return dx_cli_usage_error(cmd, _("test takes RULES and one or more TESTS files"));
    tests = dx_rule_tests_new(argv[1], &error);
    if (tests == NULL)
        return dx_cli_fail(DX_EXIT_RULES, "%s", error->message);
    for (int i = 2; i < argc; i++) {
        if (!dx_rule_tests_add_file(tests, argv[i], &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    }
    passed = dx_rule_tests_run(tests);
    report = dx_rule_tests_dup_report(tests);
    fputs(report, stdout);
    if (coverage) {
        cover = dx_rule_tests_dup_coverage(tests, &n_uncovered);
        fputs(cover, stdout);
        printf("coverage: %zu item%s not reached\n", n_uncovered, n_uncovered == 1 ? "" : "s");
    }
    if (junit != NULL) {
        g_autofree char *xml = dx_rule_tests_dup_junit(tests);

        if (!g_file_set_contents(junit, xml, -1, &error))
            return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    }
    return passed && n_uncovered == 0 ? DX_EXIT_OK : DX_EXIT_USAGE;
}

const DxCliCommand dx_cli_test = {
    "test", "RULES TESTS...", N_("run the rule tests of TESTS files against RULES; --coverage lists what none reached"),
    "usage: duixian test RULES TESTS.yaml... [--junit FILE] [--coverage]\n",
    N_("Run rule tests: each case in the TESTS files (YAML) is an application and\n"
    "what its decision must be (status, computed and granted amounts in 元 or\n"
    "万元, reason codes, parts of the sentences); optionally an approval date (a\n"
    "whole round), history and what-if settings. Prints one line per failing\n"
    "case with its file:line, then \"N passed, N failed\"; exit 1 if any failed.\n"
    "--coverage also lists every policy, award, cap and clause (true and false)\n"
    "that no case reached, and fails unless everything was."),
    "examples:\n"
    "  duixian test rules/wuchang-2023.yaml rules/wuchang-2023.tests.yaml\n"
    "  duixian test rules/wuchang-2023.yaml rules/wuchang-2023.tests.yaml --coverage --junit=tests.xml\n",
    cmd_test,
};

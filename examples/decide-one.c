/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The smallest program that links the installed libduixian: it loads a
 * ruleset, builds one application through the API and prints its decision
 * with the reasons. Build it against an installed library with
 *
 *   cc decide-one.c $(pkg-config --cflags --libs duixian) -o decide-one
 *   ./decide-one rules/wuchang-2022.yaml
 */
#include <duixian/duixian.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rules = NULL;
    g_autoptr(DxApplication) app = NULL;
    g_autoptr(DxDecisionList) decisions = NULL;
    /* a 武昌 financial institution applying for the HQ landing award */
    static const char *const cells[][2] = {
        { "app_id", "DEMO-0001" },
        { "enterprise_id", "91420106DEMO00001X" },
        { "policy", "FIN-HQ" },
        { "submitted_on", "2022-05-10" },
        { "注册地", "武昌区" },
        { "institution_type", "银行" },
        { "org_form", "法人总部" },
        { "established_on", "2022-01-18" },
        { "实缴资本（元）", "12亿元" },
    };

    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES\n", argv[0]);
        return 1;
    }
    rules = dx_ruleset_load_file(argv[1], NULL, &error);
    if (rules == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 2;
    }
    app = dx_application_new(rules);
    for (size_t i = 0; i < G_N_ELEMENTS(cells); i++) {
        if (!dx_application_set(app, cells[i][0], cells[i][1], &error)) {
            fprintf(stderr, "%s\n", error->message);
            return 3;
        }
    }
    decisions = dx_ruleset_decide(rules, app);
    for (size_t i = 0; i < dx_decision_list_get_n_items(decisions); i++) {
        const DxDecision *d = dx_decision_list_get_item(decisions, i);
        g_autofree char *granted = dx_money_format(dx_decision_get_granted_fen(d));

        printf("%s %s: %s, %s (%s)\n", dx_decision_get_app_id(d), dx_decision_get_policy_id(d),
               dx_status_to_string(dx_decision_get_status(d)), granted, dx_decision_get_basis(d));
        for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++) {
            g_autofree char *msg = dx_decision_dup_reason_message(d, r);
            printf("  %s: %s\n", dx_reason_code_to_string(dx_decision_get_reason_code(d, r)), msg);
        }
    }
    return 0;
}

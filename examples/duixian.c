/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian: the command-line program bureau staff run.
 *
 *   duixian check RULES                     validate a ruleset and summarise it
 *   duixian decide RULES APPS --out DIR     spec §6 steps 1-6 → DIR/decisions.csv
 *
 * Exit codes: 0 success; 1 usage; 2 the ruleset is invalid; 3 the
 * applications file cannot be read as a whole; 4 an output cannot be
 * written. Errors go to stderr, one line each; results to stdout.
 */
#include <duixian/duixian.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,
    EXIT_RULES = 2,
    EXIT_INPUT = 3,
    EXIT_OUTPUT = 4,
};

static const char usage_text[] =
    "usage: duixian check RULES\n"
    "       duixian decide RULES APPS --out DIR [--encoding auto|utf8|gb18030]\n"
    "\n"
    "  check    validate RULES (YAML, format duixian/1) and print the fund, its\n"
    "           envelopes and the policies of each bureau\n"
    "  decide   decide every application in APPS (CSV, or YAML/JSON list of maps)\n"
    "           against RULES (spec §6 steps 1-6) and write DIR/decisions.csv\n"
    "\n"
    "examples:\n"
    "  duixian check rules/wuchang-2022.yaml\n"
    "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out out\n"
    "\n"
    "exit codes: 0 ok, 1 usage, 2 invalid rules, 3 unreadable applications, 4 output error\n";

static int
usage_error(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "duixian: %s\n", msg);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

static DxRuleset *
load_rules(const char *path)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(path, NULL, &error);

    if (rs == NULL)
        fprintf(stderr, "duixian: %s\n", error->message);
    return rs;
}

static int
cmd_check(int argc, char **argv)
{
    g_autoptr(DxRuleset) rs = NULL;
    g_autofree char *total = NULL, *from = NULL, *to = NULL;

    if (argc != 1)
        return usage_error("check takes one argument: RULES");
    rs = load_rules(argv[0]);
    if (rs == NULL)
        return EXIT_RULES;
    total = dx_money_format(dx_ruleset_get_fund_total_fen(rs));
    dx_ruleset_dup_fund_period(rs, &from, &to);
    printf("%s: ok\n", argv[0]);
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
        printf("bureau    %-10s %s: %zu policies\n", key, dx_ruleset_get_bureau_name(rs, b), n);
        for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
            if (strcmp(dx_ruleset_get_policy_bureau(rs, p), key) == 0)
                printf("          %-16s %s\n", dx_ruleset_get_policy_id(rs, p), dx_ruleset_get_policy_name(rs, p));
        }
    }
    return EXIT_OK;
}

static void
show_progress(uint64_t done, uint64_t total, void *user_data)
{
    (void)user_data;
    if (total > 0)
        fprintf(stderr, "\rreading applications: %3d%%", (int)(done * 100 / total));
    else
        fprintf(stderr, "\rreading applications: %" G_GUINT64_FORMAT " bytes", done);
}

static gboolean
has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

static int
cmd_decide(int argc, char **argv)
{
    const char *rules = NULL, *apps = NULL, *out = NULL;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL, *total = NULL;
    gboolean ok, tty = isatty(STDERR_FILENO);
    size_t counts[8] = { 0 };
    int64_t granted = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            const char *e = argv[++i];

            if (strcmp(e, "auto") == 0)
                dx_load_options_set_encoding(opts, DX_ENCODING_AUTO);
            else if (strcmp(e, "utf8") == 0 || strcmp(e, "utf-8") == 0)
                dx_load_options_set_encoding(opts, DX_ENCODING_UTF8);
            else if (strcmp(e, "gb18030") == 0)
                dx_load_options_set_encoding(opts, DX_ENCODING_GB18030);
            else
                return usage_error("--encoding is auto, utf8 or gb18030");
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (rules == NULL) {
            rules = argv[i];
        } else if (apps == NULL) {
            apps = argv[i];
        } else {
            return usage_error("decide takes RULES APPS --out DIR");
        }
    }
    if (rules == NULL || apps == NULL || out == NULL)
        return usage_error("decide takes RULES APPS --out DIR");
    rs = load_rules(rules);
    if (rs == NULL)
        return EXIT_RULES;
    batch = dx_batch_new(rs);
    if (tty)
        dx_batch_set_progress_func(batch, show_progress, NULL);
    if (has_suffix_ci(apps, ".yaml") || has_suffix_ci(apps, ".yml") || has_suffix_ci(apps, ".json"))
        ok = dx_batch_add_yaml_file(batch, apps, opts, &error);
    else
        ok = dx_batch_add_csv_file(batch, apps, opts, &error);
    if (tty)
        fputs("\r\033[K", stderr);
    if (!ok) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_INPUT;
    }
    for (size_t w = 0; w < dx_batch_get_n_warnings(batch); w++)
        fprintf(stderr, "duixian: warning: %s\n", dx_batch_get_warning(batch, w));
    list = dx_batch_decide(batch);
    if (g_mkdir_with_parents(out, 0755) != 0) {
        fprintf(stderr, "duixian: %s: %s\n", out, g_strerror(errno));
        return EXIT_OUTPUT;
    }
    path = g_build_filename(out, "decisions.csv", NULL);
    if (!dx_decision_list_write_csv(list, path, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_OUTPUT;
    }
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        counts[dx_decision_get_status(d)]++;
        granted += dx_decision_get_granted_fen(d);
    }
    total = dx_money_format(granted);
    printf("%" G_GUINT64_FORMAT " applications, %zu decisions → %s\n", dx_batch_get_n_rows(batch),
           dx_decision_list_get_n_items(list), path);
    for (int s = 0; s < 8; s++)
        printf("  %-10s %zu\n", dx_status_to_string((DxStatus)s), counts[s]);
    printf("  granted before fund limits: %s\n", total);
    return EXIT_OK;
}

int
main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "decide") == 0)
        return cmd_decide(argc - 2, argv + 2);
    {
        g_autofree char *msg = g_strdup_printf("unknown command “%s”", argv[1]);
        return usage_error(msg);
    }
}

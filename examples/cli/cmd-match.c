/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian match RULES PROFILE: the policy calculator (免申即享 / 政策计算器).
 * PROFILE is one enterprise, a CSV with a header and one row (read through
 * dx_application_read_row(), as a batch reads a row) or a flat YAML map
 * of field: value; it is matched against every policy, and the command
 * prints what it qualifies for, what is missing for some, and why the
 * rest do not apply.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

/* A flat YAML map "key: value" per line (comments, blank lines and a
 * leading "---" skipped; values may be quoted) or a JSON object of scalars,
 * into @app. Returns FALSE on a line that is not "key: value". */
static gboolean
match_profile_from_yaml(DxApplication *app, const char *text, GError **error)
{
    g_autofree char *copy = g_strdup(text);
    g_auto(GStrv) lines = NULL;
    char *t = g_strstrip(copy);
    guint n = 0;

    if (*t == '{') {   /* JSON object: one pair per comma, good enough for scalar profiles */
        char *end = strrchr(t, '}');

        if (end != NULL)
            *end = '\0';
        t++;
        lines = g_strsplit_set(t, ",\n", -1);
    } else {
        lines = g_strsplit(t, "\n", -1);
    }
    for (guint i = 0; lines[i] != NULL; i++) {
        char *line = g_strstrip(lines[i]);
        char *colon, *key, *value;
        size_t vl;

        if (*line == '\0' || *line == '#' || strcmp(line, "---") == 0)
            continue;
        colon = strstr(line, ": ");
        if (colon == NULL && g_str_has_suffix(line, ":"))
            colon = line + strlen(line) - 1;
        if (colon == NULL) {
            g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "line %u: not “key: value”: %s", i + 1, line);
            return FALSE;
        }
        *colon = '\0';
        key = g_strstrip(line);
        value = g_strstrip(colon + 1);
        if (*key == '"' && strlen(key) >= 2 && key[strlen(key) - 1] == '"') {
            key[strlen(key) - 1] = '\0';
            key++;
        }
        vl = strlen(value);
        if (vl >= 2 && ((value[0] == '"' && value[vl - 1] == '"') || (value[0] == '\'' && value[vl - 1] == '\''))) {
            value[vl - 1] = '\0';
            value++;
        } else if (strcmp(value, "~") == 0 || strcmp(value, "null") == 0) {
            continue;
        }
        if (*value != '\0' && !dx_application_set(app, key, value, NULL))
            fprintf(stderr, "duixian: warning: %s: not a field of the rules (ignored)\n", key);
        n++;
    }
    if (n == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "no “key: value” in the profile");
        return FALSE;
    }
    return TRUE;
}

/* The CSV profile's row, with the stand-ins for what a profile need not
 * give (a value in the row wins, as it does in a YAML profile). */
static DxApplication *
match_profile_from_csv(DxRuleset *rs, const char *path, const char *date)
{
    g_autoptr(GError) error = NULL;
    DxApplication *app = dx_application_read_row(rs, path, 0, NULL, &error);

    if (app == NULL) {
        if (g_error_matches(error, DX_ERROR, DX_ERROR_FAILED))
            fprintf(stderr, "duixian: %s: a profile CSV has a header and one row\n", path);
        else
            fprintf(stderr, "duixian: %s\n", error->message);
        return NULL;
    }
    if (!dx_application_has_value(app, "app_id"))
        dx_application_set(app, "app_id", "PROFILE", NULL);
    if (!dx_application_has_value(app, "enterprise_id"))
        dx_application_set(app, "enterprise_id", "PROFILE", NULL);
    if (!dx_application_has_value(app, "submitted_on"))
        dx_application_set(app, "submitted_on", date, NULL);
    return app;
}

/* Why a policy does not apply: its reasons' sentences, "；"-separated,
 * each naming the clause and the values (不满足「实缴资本达到1亿元」：实缴资本为
 * 8,000万元，要求 ≥ 1亿元), the window, once, …; the award's own steps are
 * not reasons against. Empty for a policy that applies. */
static char *
match_why(const DxDecision *d)
{
    GString *why = g_string_new(NULL);
    DxStatus st = dx_decision_get_status(d);

    if (st == DX_STATUS_APPROVED || st == DX_STATUS_REDUCED || st == DX_STATUS_INCOMPLETE)
        return g_string_free(why, FALSE);
    for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++) {
        DxReasonCode code = dx_decision_get_reason_code(d, r);
        g_autofree char *msg = NULL;

        if (code >= DX_REASON_AWARD_FIXED && code <= DX_REASON_AWARD_FORMULA)
            continue;
        msg = dx_decision_dup_reason_message(d, r);
        if (why->len > 0)
            g_string_append(why, "；");
        g_string_append(why, msg);
    }
    return g_string_free(why, FALSE);
}

/* A CSV cell, quoted when it must be (a sentence may hold a comma or a quote). */
static void
match_csv_cell(const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* The policy's name and its bureau's name. */
static void
match_policy_names(DxRuleset *rs, const char *pid, const char **name, const char **bureau)
{
    *name = *bureau = "";
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        if (strcmp(dx_ruleset_get_policy_id(rs, p), pid) != 0)
            continue;
        *name = dx_ruleset_get_policy_name(rs, p);
        for (size_t b = 0; b < dx_ruleset_get_n_bureaus(rs); b++)
            if (strcmp(dx_ruleset_get_bureau_key(rs, b), dx_ruleset_get_policy_bureau(rs, p)) == 0)
                *bureau = dx_ruleset_get_bureau_name(rs, b);
    }
}

static void
match_print(DxRuleset *rs, GPtrArray *lists, const char *format)
{
    gboolean text = strcmp(format, "text") == 0, csv = strcmp(format, "csv") == 0;
    g_autoptr(GString) json = g_string_new("[");
    size_t n_ok = 0, n_missing = 0, n_no = 0;
    int64_t total = 0;

    static const char *const heads[] = {
        "可享受的政策（按申报日期和已填数据测算，未计额度核减）", "\n补充以下数据后可能享受", "\n不适用的政策及原因",
    };

    if (csv)
        puts("policy_id,name,bureau,status,amount_fen,missing,why");
    /* pass 0: what applies; 1: what lacks data; 2: what does not apply, and why */
    for (int pass = 0; pass < 3; pass++) {
        if (text)
            puts(heads[pass]);
        for (guint l = 0; l < lists->len; l++)
        for (size_t i = 0; i < dx_decision_list_get_n_items(lists->pdata[l]); i++) {
            const DxDecision *d = dx_decision_list_get_item(lists->pdata[l], i);
            DxStatus st = dx_decision_get_status(d);
            const char *pid = dx_decision_get_policy_id(d), *name, *bureau;
            gboolean ok = st == DX_STATUS_APPROVED || st == DX_STATUS_REDUCED;
            int in = ok ? 0 : st == DX_STATUS_INCOMPLETE ? 1 : 2;
            g_autofree char *missing = NULL, *why = NULL;

            if (in != pass)
                continue;
            match_policy_names(rs, pid, &name, &bureau);
            missing = dx_cli_missing_labels(d);
            why = match_why(d);
            if (ok) {
                n_ok++;
                total += dx_decision_get_granted_fen(d);
            } else if (in == 1) {
                n_missing++;
            } else {
                n_no++;
            }
            if (!text && !csv) {
                if (json->len > 1)
                    g_string_append_c(json, ',');
                g_string_append_printf(json, "\n  {\"amount_fen\":%" G_GINT64_FORMAT ",\"bureau\":",
                                       dx_decision_get_granted_fen(d));
                dx_cli_json_string(json, dx_decision_get_bureau(d));
                g_string_append(json, ",\"missing\":");
                dx_cli_json_string(json, missing);
                g_string_append(json, ",\"name\":");
                dx_cli_json_string(json, name);
                g_string_append(json, ",\"policy_id\":");
                dx_cli_json_string(json, pid);
                g_string_append(json, ",\"status\":");
                dx_cli_json_string(json, dx_status_to_string(st));
                g_string_append(json, ",\"why\":");
                dx_cli_json_string(json, why);
                g_string_append_c(json, '}');
            } else if (csv) {
                printf("%s,%s,%s,%s,%" G_GINT64_FORMAT ",%s,", pid, name, dx_decision_get_bureau(d),
                       dx_status_to_string(st), dx_decision_get_granted_fen(d), missing);
                match_csv_cell(why);
                putchar('\n');
            } else if (ok) {
                g_autofree char *amount = dx_money_format(dx_decision_get_granted_fen(d));

                printf("  %-16s %s（%s）  %s\n", pid, name, bureau, amount);
            } else if (in == 1) {
                printf("  %-16s %s（%s）  缺少：%s\n", pid, name, bureau, missing);
            } else {
                printf("  %-16s %s（%s）\n      %s\n", pid, name, bureau, why);
            }
        }
        if (text && (pass == 0 ? n_ok : pass == 1 ? n_missing : n_no) == 0)
            puts("  （无）");
    }
    if (!text && !csv) {
        g_string_append(json, "\n]");
        puts(json->str);
    } else if (text) {
        g_autofree char *t = dx_money_format(total);

        printf("\n合计可享受 %zu 项，测算 %s（本资金承担部分；就高不重复、额度核减在兑现时计算）\n", n_ok, t);
    }
}

static int
cmd_match(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *date = NULL, *format = NULL, *out = NULL;
    g_auto(GStrv) sets = NULL;
    gint threads = 2;
    const GOptionEntry entries[] = {
        { "date", 0, 0, G_OPTION_ARG_FILENAME, &date, N_("The submission date (default today)"), "YYYY-MM-DD" },
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print (default text)"), "text|csv|json" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Match a register (one row per enterprise): one CSV per policy and summary.json into DIR"), "DIR" },
        { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads deciding a register (default 2)"), "N" },
        DX_CLI_SET_ENTRY(sets),
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxApplication) app = NULL;
    g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func((GDestroyNotify)dx_decision_list_unref);
    DxDecisionList *list;
    g_autoptr(GError) error = NULL;
    const char *profile;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 3)
        return dx_cli_usage_error(cmd, _("match takes RULES PROFILE"));
    if (threads < 1 || threads > 64)
        return dx_cli_usage_error(cmd, _("match: --threads is 1 to 64"));
    if (out != NULL && format != NULL)
        return dx_cli_usage_error(cmd, _("match: --format is for a profile, not with --out"));
    if (format == NULL)
        format = g_strdup("text");
    if (!dx_cli_one_of(format, "text", "csv", "json", NULL))
        return dx_cli_usage_error(cmd, _("match: --format is text, csv or json"));
    profile = argv[2];
    rs = dx_cli_load_rules_set(argv[1], sets, &rc);
    if (rs == NULL)
        return rc;
    if (date == NULL) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();

        date = g_date_time_format(now, "%Y-%m-%d");
    }
    if (out != NULL) {
        g_autoptr(DxApplication) probe = dx_application_new(rs);

        /* the date is checked as a profile's is, before the register is read */
        if (!dx_application_set(probe, "submitted_on", date, NULL))
            return dx_cli_usage_error(cmd, _("--date is YYYY-MM-DD"));
        return dx_cli_match_register(rs, profile, date, out, (guint)threads);
    }
    app = dx_application_new(rs);
    /* a profile needs no application number: these stand in unless it has them */
    dx_application_set(app, "app_id", "PROFILE", NULL);
    dx_application_set(app, "enterprise_id", "PROFILE", NULL);
    if (!dx_application_set(app, "submitted_on", date, NULL))
        return dx_cli_usage_error(cmd, _("--date is YYYY-MM-DD"));
    if (dx_cli_has_suffix_ci(profile, ".csv")) {
        g_clear_pointer(&app, dx_application_free);
        app = match_profile_from_csv(rs, profile, date);
        if (app == NULL)
            return DX_EXIT_INPUT;
    } else {
        g_autofree char *text = NULL;

        if (!g_file_get_contents(profile, &text, NULL, &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
        if (!match_profile_from_yaml(app, text, &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s: %s", profile, error->message);
    }
    dx_application_set(app, "policy", NULL, NULL);   /* matching mode: every policy */
    list = dx_ruleset_decide(rs, app);
    g_ptr_array_add(lists, list);
    /* matching mode leaves out what does not match; each such policy is
     * decided on its own as well, so its reasons say why (the clause and
     * its values, the window, once) */
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        const char *pid = dx_ruleset_get_policy_id(rs, p);
        gboolean found = FALSE;

        for (size_t i = 0; i < dx_decision_list_get_n_items(list) && !found; i++)
            found = strcmp(dx_decision_get_policy_id(dx_decision_list_get_item(list, i)), pid) == 0;
        if (found || !dx_application_set(app, "policy", pid, NULL))
            continue;
        g_ptr_array_add(lists, dx_ruleset_decide(rs, app));
    }
    match_print(rs, lists, format);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_match = {
    "match", "RULES PROFILE", N_("the policy calculator: what one enterprise profile qualifies for, what is missing"),
    "usage: duixian match RULES PROFILE [--date YYYY-MM-DD] [--format text|csv|json]\n"
    "       duixian match RULES REGISTER.csv --out DIR [--date YYYY-MM-DD] [--threads N]\n",
    N_("The policy calculator (免申即享): PROFILE is one enterprise, a CSV with a\n"
    "header and one row or a YAML map of field: value, without `policy`. Prints\n"
    "the policies it qualifies for with the amount (caps and fund share applied;\n"
    "groups and envelopes are applied when a round runs), those it could\n"
    "qualify for with the fields still missing, and those that do not apply with\n"
    "why (the clause and the values, the window). --date is the submission date\n"
    "(default today), which decides the application windows. With --out DIR,\n"
    "PROFILE is a register, a CSV of one row per enterprise (enterprise_id, no\n"
    "policy, app_id or submitted_on): DIR gets POLICY.csv for every policy\n"
    "(enterprise_id,status,amount_fen,missing,reasons, by enterprise_id) and\n"
    "summary.json."),
    "examples:\n"
    "  duixian match rules/wuchang-2022.yaml examples/profile-bank.yaml --date 2022-06-30\n"
    "  duixian match rules/wuchang-2022.yaml examples/profile-bank.yaml --date=2022-06-30 --format=json\n",
    cmd_match,
};

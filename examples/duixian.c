/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian: the command-line program bureau staff run.
 *
 *   duixian check RULES                     validate a ruleset and summarise it
 *   duixian decide RULES APPS --out DIR     spec §6 steps 1-6 → DIR/decisions.csv
 *   duixian run RULES APPS --approval-date D [--ledger F] [--history F] [--dry-run] --out DIR
 *                                           a whole round → decisions, schedule, summary
 *   duixian ledger FILE                     envelopes and rounds of a ledger
 *   duixian verify FILE                     check the ledger's hash chain
 *   duixian revoke FILE --app ID --reason TEXT
 *
 * Exit codes: 0 success; 1 usage; 2 the ruleset is invalid; 3 the
 * applications or history file cannot be read as a whole; 4 an output
 * cannot be written; 5 the ledger cannot be opened, read or written;
 * 6 the ledger does not verify. Errors go to stderr, one line each;
 * results to stdout. Amounts for people are in 元/万元, in files in fen.
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
    EXIT_LEDGER = 5,
    EXIT_CORRUPT = 6,
};

static const char usage_text[] =
    "usage: duixian check RULES\n"
    "       duixian decide RULES APPS --out DIR [--encoding auto|utf8|gb18030]\n"
    "       duixian run RULES APPS --approval-date YYYY-MM-DD --out DIR\n"
    "                   [--ledger FILE] [--history FILE] [--dry-run] [--encoding E]\n"
    "       duixian ledger FILE\n"
    "       duixian verify FILE\n"
    "       duixian revoke FILE --app APP_ID --reason TEXT\n"
    "\n"
    "  check    validate RULES (YAML, format duixian/1) and print the fund, its\n"
    "           envelopes and the policies of each bureau\n"
    "  decide   decide every application in APPS (CSV, or YAML/JSON list of maps)\n"
    "           against RULES (spec §6 steps 1-6) and write DIR/decisions.csv\n"
    "  run      a whole round (steps 1-10) against the fund: writes DIR/decisions.csv,\n"
    "           DIR/schedule.csv and DIR/summary.json; with --ledger, commits the round\n"
    "           (or, with --dry-run, only computes against it)\n"
    "  ledger   per envelope: total, charged, remaining; the rounds; the head hash\n"
    "  verify   walk the ledger's hash chain; name the first entry that does not match\n"
    "  revoke   撤销/追回: reverse every live grant of APP_ID, money back to its envelope\n"
    "\n"
    "examples:\n"
    "  duixian check rules/wuchang-2022.yaml\n"
    "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out out\n"
    "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date 2022-06-30 --ledger out/ledger.db --out out\n"
    "  duixian ledger out/ledger.db\n"
    "  duixian revoke out/ledger.db --app WC2022-00007 --reason \"企业迁出本区，追回奖励\"\n"
    "\n"
    "exit codes: 0 ok, 1 usage, 2 invalid rules, 3 unreadable applications or history,\n"
    "            4 output error, 5 ledger error, 6 ledger does not verify\n";

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

/* Reads APPS into @batch by its file name: .yaml/.yml/.json or CSV. */
static gboolean
read_apps(DxBatch *batch, const char *apps, const DxLoadOptions *opts, GError **error)
{
    gboolean ok, tty = isatty(STDERR_FILENO);

    if (tty)
        dx_batch_set_progress_func(batch, show_progress, NULL);
    if (has_suffix_ci(apps, ".yaml") || has_suffix_ci(apps, ".yml") || has_suffix_ci(apps, ".json"))
        ok = dx_batch_add_yaml_file(batch, apps, opts, error);
    else
        ok = dx_batch_add_csv_file(batch, apps, opts, error);
    if (tty)
        fputs("\r\033[K", stderr);
    for (size_t w = 0; ok && w < dx_batch_get_n_warnings(batch); w++)
        fprintf(stderr, "duixian: warning: %s\n", dx_batch_get_warning(batch, w));
    return ok;
}

static gboolean
parse_encoding(const char *e, DxLoadOptions *opts)
{
    if (strcmp(e, "auto") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_AUTO);
    else if (strcmp(e, "utf8") == 0 || strcmp(e, "utf-8") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_UTF8);
    else if (strcmp(e, "gb18030") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_GB18030);
    else
        return FALSE;
    return TRUE;
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
    size_t counts[8] = { 0 };
    int64_t granted = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            if (!parse_encoding(argv[++i], opts))
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
    if (!read_apps(batch, apps, opts, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_INPUT;
    }
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

/* The closing table of a round: per bureau, what happened and what is left. */
static void
print_round_table(DxRuleset *rs, DxRound *round, const char *out_dir, gboolean dry_run)
{
    DxDecisionList *list = dx_round_get_decisions(round);
    size_t nb = dx_ruleset_get_n_bureaus(rs);
    g_autofree size_t *counts = g_new0(size_t, nb * 5);   /* applied approved reduced rejected unfunded */
    g_autofree int64_t *granted = g_new0(int64_t, nb);
    g_autofree char *summary = dx_round_dup_summary_json(round);
    int64_t total_granted = 0;

    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        const char *bureau = dx_decision_get_bureau(d);

        total_granted += dx_decision_get_granted_fen(d);
        for (size_t b = 0; b < nb; b++) {
            DxStatus st = dx_decision_get_status(d);

            if (strcmp(dx_ruleset_get_bureau_key(rs, b), bureau) != 0)
                continue;
            counts[b * 5 + 0]++;
            counts[b * 5 + 1] += st == DX_STATUS_APPROVED;
            counts[b * 5 + 2] += st == DX_STATUS_REDUCED;
            counts[b * 5 + 3] += st == DX_STATUS_REJECTED || st == DX_STATUS_INCOMPLETE || st == DX_STATUS_INVALID ||
                                 st == DX_STATUS_DUPLICATE || st == DX_STATUS_ERROR;
            counts[b * 5 + 4] += st == DX_STATUS_UNFUNDED;
            granted[b] += dx_decision_get_granted_fen(d);
        }
    }
    printf("%-10s %-12s %8s %8s %8s %8s %8s %16s\n", "bureau", "name", "applied", "approved", "reduced", "rejected",
           "unfunded", "granted 万元");
    for (size_t b = 0; b < nb; b++) {
        g_autofree char *g = dx_money_format_wan(granted[b]);

        printf("%-10s %-12s %8zu %8zu %8zu %8zu %8zu %16s\n", dx_ruleset_get_bureau_key(rs, b),
               dx_ruleset_get_bureau_name(rs, b), counts[b * 5], counts[b * 5 + 1], counts[b * 5 + 2],
               counts[b * 5 + 3], counts[b * 5 + 4], g);
    }
    {
        g_autofree char *t = dx_money_format(total_granted);
        printf("granted in this round: %s%s; files in %s (amounts in fen)\n", t,
               dry_run ? " (dry run: nothing committed)" : "", out_dir);
    }
    (void)summary;
}

static int
cmd_run(int argc, char **argv)
{
    const char *rules = NULL, *apps = NULL, *out = NULL, *date = NULL, *ledger_path = NULL;
    g_autoptr(GPtrArray) history = g_ptr_array_new();
    gboolean dry_run = FALSE;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--approval-date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (strcmp(argv[i], "--ledger") == 0 && i + 1 < argc)
            ledger_path = argv[++i];
        else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
            g_ptr_array_add(history, argv[++i]);
        else if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = TRUE;
        else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            if (!parse_encoding(argv[++i], opts))
                return usage_error("--encoding is auto, utf8 or gb18030");
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (rules == NULL)
            rules = argv[i];
        else if (apps == NULL)
            apps = argv[i];
        else
            return usage_error("run takes RULES APPS --approval-date D --out DIR");
    }
    if (rules == NULL || apps == NULL || out == NULL || date == NULL)
        return usage_error("run takes RULES APPS --approval-date D --out DIR");
    rs = load_rules(rules);
    if (rs == NULL)
        return EXIT_RULES;
    round = dx_round_new(rs, date, &error);
    if (round == NULL)
        return usage_error(error->message);
    for (guint h = 0; h < history->len; h++) {
        if (!dx_round_add_history_file(round, g_ptr_array_index(history, h), &error)) {
            fprintf(stderr, "duixian: %s\n", error->message);
            return EXIT_INPUT;
        }
    }
    batch = dx_batch_new(rs);
    if (!read_apps(batch, apps, opts, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_INPUT;
    }
    /* check the output directory before committing anything */
    if (g_mkdir_with_parents(out, 0755) != 0 || access(out, W_OK) != 0) {
        fprintf(stderr, "duixian: %s: %s\n", out, g_strerror(errno));
        return EXIT_OUTPUT;
    }
    if (ledger_path != NULL) {
        ledger = dx_ledger_open(ledger_path, &error);
        if (ledger == NULL) {
            fprintf(stderr, "duixian: %s\n", error->message);
            return EXIT_LEDGER;
        }
        dx_round_set_ledger(round, ledger);
    }
    dx_round_set_dry_run(round, dry_run);
    if (!dx_round_run(round, batch, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_LEDGER;
    }
    if (!dx_round_write_outputs(round, out, &error)) {
        fprintf(stderr, "duixian: %s%s\n", error->message,
                ledger != NULL && !dry_run ? " (the round IS committed to the ledger)" : "");
        return EXIT_OUTPUT;
    }
    print_round_table(rs, round, out, dry_run || ledger == NULL);
    if (ledger != NULL && !dry_run)
        printf("committed as round %" G_GINT64_FORMAT " of %s\n", dx_round_get_round_id(round), ledger_path);
    return EXIT_OK;
}

static DxLedger *
open_ledger_readonly(const char *path, int *rc)
{
    g_autoptr(GError) error = NULL;
    DxLedger *ledger = dx_ledger_open_readonly(path, &error);

    if (ledger == NULL) {
        fprintf(stderr, "duixian: %s\n", error->message);
        *rc = EXIT_LEDGER;
    }
    return ledger;
}

/* Envelope totals recorded in a round's params: {"envelopes":{"k":n,...},...} */
static GPtrArray *
params_envelopes(const char *params)
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
            g_ptr_array_add(pairs, g_strdup(*it));   /* "\"key\":fen" */
    }
    return pairs;
}

static int
cmd_ledger(int argc, char **argv)
{
    g_autoptr(DxLedger) ledger = NULL;
    g_autofree char *head = NULL;
    int rc = EXIT_OK;
    size_t n;

    if (argc != 1)
        return usage_error("ledger takes one argument: FILE");
    ledger = open_ledger_readonly(argv[0], &rc);
    if (ledger == NULL)
        return rc;
    n = dx_ledger_get_n_rounds(ledger);
    if (n > 0) {
        g_autofree char *fund = dx_ledger_dup_round_field(ledger, n - 1, "fund_id");
        g_autofree char *params = dx_ledger_dup_round_field(ledger, n - 1, "params");
        g_autoptr(GPtrArray) envs = params_envelopes(params);

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
            printf("%-10s %16s %16s %16s\n", key, t, c, r);
        }
    }
    printf("%zu rounds\n", n);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *created = dx_ledger_dup_round_field(ledger, i, "created_at");
        g_autofree char *approval = dx_ledger_dup_round_field(ledger, i, "approval_date");
        g_autofree char *g = dx_money_format(dx_ledger_get_round_granted_fen(ledger, i));

        printf("  round %-6" G_GINT64_FORMAT " created %s  approval %s  %" G_GUINT64_FORMAT " decisions  granted %s\n",
               dx_ledger_get_round_id(ledger, i), created, approval, dx_ledger_get_round_n_decisions(ledger, i), g);
    }
    head = dx_ledger_dup_head_hash(ledger);
    printf("head %s\n", head);
    return EXIT_OK;
}

static int
cmd_verify(int argc, char **argv)
{
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL;
    uint64_t n = 0;
    int rc = EXIT_OK;

    if (argc != 1)
        return usage_error("verify takes one argument: FILE");
    ledger = open_ledger_readonly(argv[0], &rc);
    if (ledger == NULL)
        return rc;
    if (!dx_ledger_verify(ledger, &n, &error)) {
        fprintf(stderr, "duixian: %s: %s\n", argv[0], error->message);
        return g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? EXIT_CORRUPT : EXIT_LEDGER;
    }
    head = dx_ledger_dup_head_hash(ledger);
    printf("%s: ok, %" G_GUINT64_FORMAT " entries, head %s\n", argv[0], n, head);
    return EXIT_OK;
}

static int
cmd_revoke(int argc, char **argv)
{
    const char *file = NULL, *app = NULL, *reason = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(GError) error = NULL;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--app") == 0 && i + 1 < argc)
            app = argv[++i];
        else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
            reason = argv[++i];
        else if (file == NULL && argv[i][0] != '-')
            file = argv[i];
        else
            return usage_error("revoke takes FILE --app APP_ID --reason TEXT");
    }
    if (file == NULL || app == NULL || reason == NULL || *reason == '\0')
        return usage_error("revoke takes FILE --app APP_ID --reason TEXT (a reason is required)");
    if (!g_file_test(file, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "duixian: %s: no such ledger\n", file);
        return EXIT_LEDGER;
    }
    ledger = dx_ledger_open(file, &error);
    if (ledger == NULL || !dx_ledger_revoke(ledger, app, reason, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_LEDGER;
    }
    printf("revoked the grants of %s in %s\n", app, file);
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
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "ledger") == 0)
        return cmd_ledger(argc - 2, argv + 2);
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 2, argv + 2);
    if (strcmp(argv[1], "revoke") == 0)
        return cmd_revoke(argc - 2, argv + 2);
    {
        g_autofree char *msg = g_strdup_printf("unknown command “%s”", argv[1]);
        return usage_error(msg);
    }
}

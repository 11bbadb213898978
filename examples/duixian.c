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
    "       duixian decide RULES APPS --out DIR [--encoding auto|utf8|gb18030] [--threads N]\n"
    "       duixian run RULES APPS --approval-date YYYY-MM-DD --out DIR\n"
    "                   [--ledger FILE] [--history FILE] [--dry-run] [--report]\n"
    "                   [--encoding E] [--output-encoding utf8|gb18030] [--threads N]\n"
    "                   [--format text|csv|json]   (also for decide: the counts it prints)\n"
    "       duixian explain RULES APPS --app APP_ID [--approval-date D] [--ledger FILE] [--lang zh|en]\n"
    "       duixian match RULES PROFILE [--date D] [--format text|csv|json]\n"
    "       duixian report RULES DIR [--out FILE]\n"
    "       duixian report RULES --ledger FILE [--round N] [--out FILE] [--out-dir DIR]\n"
    "       duixian ledger FILE [--format text|csv|json]\n"
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
    "  explain  one application in full: clauses, the award step by step, reasons, payments\n"
    "  match    the policy calculator: what one enterprise profile qualifies for, what is missing\n"
    "  report   DIR/report.html: charts and tables of a round, self-contained\n"
    "  duixian COMMAND --help shows each command's options and examples.\n"
    "\n"
    "examples:\n"
    "  duixian check rules/wuchang-2022.yaml\n"
    "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out out\n"
    "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date 2022-06-30 --ledger out/ledger.db --out out\n"
    "  duixian report rules/wuchang-2022.yaml out\n"
    "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
    "      --approval-date 2022-06-30 --app WC2022-00002\n"
    "  duixian ledger out/ledger.db\n"
    "  duixian revoke out/ledger.db --app WC2022-00007 --reason \"企业迁出本区，追回奖励\"\n"
    "\n"
    "exit codes: 0 ok, 1 usage, 2 invalid rules, 3 unreadable applications, history,\n"
    "            profile or round directory, or no such application (explain),\n"
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

static void json_string(GString *out, const char *s);

/* check --format json: the fund, envelopes and policies, keys sorted. */
static int
check_json(DxRuleset *rs)
{
    g_autoptr(GString) out = g_string_new("{\"envelopes\": [");
    g_autofree char *from = NULL, *to = NULL;

    for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
        g_string_append(out, e > 0 ? ", {\"key\": " : "{\"key\": ");
        json_string(out, dx_ruleset_get_envelope_key(rs, e));
        g_string_append_printf(out, ", \"total_fen\": %" G_GINT64_FORMAT "}", dx_ruleset_get_envelope_total_fen(rs, e));
    }
    dx_ruleset_dup_fund_period(rs, &from, &to);
    g_string_append(out, "],\n \"fund\": ");
    json_string(out, dx_ruleset_get_fund_id(rs));
    g_string_append(out, ", \"fund_name\": ");
    json_string(out, dx_ruleset_get_fund_name(rs));
    g_string_append_printf(out, ", \"per_enterprise_cap_fen\": %" G_GINT64_FORMAT ", \"period_from\": \"%s\", \"period_to\": \"%s\",\n \"policies\": [",
                           dx_ruleset_get_fund_enterprise_cap_fen(rs), from, to);
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        g_string_append(out, p > 0 ? ",\n  {\"basis\": " : "\n  {\"basis\": ");
        json_string(out, dx_ruleset_get_policy_basis(rs, p));
        g_string_append(out, ", \"bureau\": ");
        json_string(out, dx_ruleset_get_policy_bureau(rs, p));
        g_string_append(out, ", \"id\": ");
        json_string(out, dx_ruleset_get_policy_id(rs, p));
        g_string_append(out, ", \"name\": ");
        json_string(out, dx_ruleset_get_policy_name(rs, p));
        g_string_append(out, "}");
    }
    g_string_append_printf(out, "],\n \"sha256\": \"%s\", \"shortfall\": \"%s\", \"total_fen\": %" G_GINT64_FORMAT "}",
                           dx_ruleset_get_sha256(rs), dx_ruleset_get_shortfall(rs), dx_ruleset_get_fund_total_fen(rs));
    puts(out->str);
    return EXIT_OK;
}

static int
cmd_check(int argc, char **argv)
{
    g_autoptr(DxRuleset) rs = NULL;
    g_autofree char *total = NULL, *from = NULL, *to = NULL;

    const char *format = "text", *path = NULL;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (path == NULL)
            path = argv[i];
        else
            return usage_error("check takes one argument: RULES");
    }
    if (path == NULL)
        return usage_error("check takes one argument: RULES");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return usage_error("check: --format is text or json");
    rs = load_rules(path);
    if (rs == NULL)
        return EXIT_RULES;
    if (strcmp(format, "json") == 0)
        return check_json(rs);
    total = dx_money_format(dx_ruleset_get_fund_total_fen(rs));
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

/* ---- one application row, read back for explain and match ---- */

/* The records of a CSV text (RFC 4180: quotes, "" inside quotes, line
 * breaks inside quotes), each a NULL-terminated GStrv, and the 1-based line
 * each record starts on (the row number decisions carry). */
static void
csv_split(const char *text, GPtrArray *records, GArray *lines)
{
    const char *p = text;
    guint64 line = 1;

    while (*p != '\0') {
        GPtrArray *cells = g_ptr_array_new();
        guint64 start = line;

        for (;;) {
            GString *cell = g_string_new(NULL);

            if (*p == '"') {
                p++;
                while (*p != '\0') {
                    if (*p == '"' && p[1] == '"') {
                        g_string_append_c(cell, '"');
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        line += *p == '\n';
                        g_string_append_c(cell, *p++);
                    }
                }
            }
            while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r')
                g_string_append_c(cell, *p++);
            g_ptr_array_add(cells, g_string_free(cell, FALSE));
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == '\r')
                p++;
            if (*p == '\n') {
                p++;
                line++;
            }
            break;
        }
        g_ptr_array_add(cells, NULL);
        g_ptr_array_add(records, g_ptr_array_free(cells, FALSE));
        g_array_append_val(lines, start);
    }
}

/* Reads a CSV file as UTF-8 (a BOM dropped; GB18030 converted when the
 * bytes are not UTF-8, as the library does). */
static char *
csv_read_text(const char *path, GError **error)
{
    g_autofree char *raw = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &raw, &len, error))
        return NULL;
    if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        return g_strdup(raw + 3);
    if (!g_utf8_validate(raw, (gssize)len, NULL))
        return g_convert(raw, (gssize)len, "UTF-8", "GB18030", NULL, NULL, error);
    return g_steal_pointer(&raw);
}

/* An application from a header and one record: every cell whose column is
 * a field (unknown columns are skipped, as the reader warns about them). */
static DxApplication *
app_from_record(DxRuleset *rs, char **header, char **row)
{
    DxApplication *app = dx_application_new(rs);

    for (guint i = 0; header[i] != NULL && row[i] != NULL; i++) {
        if (*row[i] != '\0')
            dx_application_set(app, header[i], row[i], NULL);
    }
    return app;
}

/* The application on source line @line of the CSV file @path, or NULL
 * (YAML/JSON files, or no such line). */
static DxApplication *
app_from_csv_line(DxRuleset *rs, const char *path, guint64 line)
{
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(guint64));

    if (line < 2 || has_suffix_ci(path, ".yaml") || has_suffix_ci(path, ".yml") || has_suffix_ci(path, ".json"))
        return NULL;
    text = csv_read_text(path, NULL);
    if (text == NULL)
        return NULL;
    csv_split(text, records, lines);
    for (guint i = 1; i < records->len; i++) {
        if (g_array_index(lines, guint64, i) == line)
            return app_from_record(rs, g_ptr_array_index(records, 0), g_ptr_array_index(records, i));
    }
    return NULL;
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

/* --threads N: 0 = one per processor (dx_batch_set_threads) */
static gboolean
parse_threads(const char *s, guint *out)
{
    guint64 n;

    if (!g_ascii_string_to_unsigned(s, 10, 0, 256, &n, NULL))
        return FALSE;
    *out = (guint)n;
    return TRUE;
}

/* --output-encoding gb18030: rewrites DIR/NAME from UTF-8 to GB18030, for
 * Excel users in China (the files stay UTF-8 unless asked). */
static gboolean
recode_output(const char *dir, const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = NULL, *gb = NULL;
    gsize len = 0, out_len = 0;

    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    gb = g_convert(text, (gssize)len, "GB18030", "UTF-8", NULL, &out_len, error);
    if (gb == NULL) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return g_file_set_contents(path, gb, (gssize)out_len, error);
}

static gboolean
parse_output_encoding(const char *e, gboolean *gb18030)
{
    if (strcmp(e, "utf8") == 0 || strcmp(e, "utf-8") == 0)
        *gb18030 = FALSE;
    else if (strcmp(e, "gb18030") == 0)
        *gb18030 = TRUE;
    else
        return FALSE;
    return TRUE;
}

/* --format of decide and run: text (the default), csv or json */
static gboolean
is_table_format(const char *f)
{
    return strcmp(f, "text") == 0 || strcmp(f, "csv") == 0 || strcmp(f, "json") == 0;
}

/* decide --format csv|json: the status counts (DxStatus order in CSV,
 * keys sorted in JSON). */
static void
print_status_counts(const char *format, guint64 n_apps, size_t n_decisions, const size_t counts[8], int64_t granted,
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
    json_string(json, path);
    g_string_append_printf(json, ", \"granted_fen\": %" G_GINT64_FORMAT ", \"status_counts\": {", granted);
    for (guint i = 0; i < G_N_ELEMENTS(sorted); i++)
        g_string_append_printf(json, "%s\"%s\": %zu", i > 0 ? ", " : "", dx_status_to_string(sorted[i]),
                               counts[sorted[i]]);
    g_string_append(json, "}}");
    puts(json->str);
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
    gboolean gb18030 = FALSE;
    guint threads = 1;
    const char *format = "text";

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
            if (!is_table_format(format))
                return usage_error("decide: --format is text, csv or json");
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!parse_threads(argv[++i], &threads))
                return usage_error("--threads is a number from 0 (one per processor) to 256");
        } else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            if (!parse_encoding(argv[++i], opts))
                return usage_error("--encoding is auto, utf8 or gb18030");
        } else if (strcmp(argv[i], "--output-encoding") == 0 && i + 1 < argc) {
            if (!parse_output_encoding(argv[++i], &gb18030))
                return usage_error("--output-encoding is utf8 or gb18030");
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
    dx_batch_set_threads(batch, threads);
    dx_batch_set_hash_input(batch, FALSE);   /* nothing records it: save the CPU */
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
    if (!dx_decision_list_write_csv(list, path, &error) || (gb18030 && !recode_output(out, "decisions.csv", &error))) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_OUTPUT;
    }
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        counts[dx_decision_get_status(d)]++;
        granted += dx_decision_get_granted_fen(d);
    }
    if (strcmp(format, "text") != 0) {
        print_status_counts(format, dx_batch_get_n_rows(batch), dx_decision_list_get_n_items(list), counts, granted,
                            path);
        return EXIT_OK;
    }
    total = dx_money_format(granted);
    printf("%" G_GUINT64_FORMAT " applications, %zu decisions → %s\n", dx_batch_get_n_rows(batch),
           dx_decision_list_get_n_items(list), path);
    for (int s = 0; s < 8; s++)
        printf("  %-10s %zu\n", dx_status_to_string((DxStatus)s), counts[s]);
    printf("  granted before fund limits: %s\n", total);
    return EXIT_OK;
}

/* envelopes.KEY.remaining of summary.json (our own format: one envelope per line). */
static int64_t
summary_remaining(const char *summary, const char *key)
{
    g_autofree char *pat = g_strdup_printf("\"%s\": {", key);
    const char *env = strstr(summary, "\"envelopes\"");
    const char *hit = env != NULL ? strstr(env, pat) : NULL;
    const char *r = hit != NULL ? strstr(hit, "\"remaining\": ") : NULL;

    return r != NULL ? g_ascii_strtoll(r + strlen("\"remaining\": "), NULL, 10) : 0;
}

/* The closing table of a round: per bureau, what happened and what is left. */
static void
print_round_table(DxRuleset *rs, DxRound *round, const char *out_dir, gboolean dry_run, const char *format)
{
    gboolean text = strcmp(format, "text") == 0, csv = strcmp(format, "csv") == 0;
    g_autoptr(GString) json = g_string_new("{\"bureaus\": [");
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
    if (text)
        printf("%-10s %-12s %8s %8s %8s %8s %8s %16s %16s\n", "bureau", "name", "applied", "approved", "reduced",
               "rejected", "unfunded", "granted 万元", "remaining 万元");
    else if (csv)
        puts("bureau,name,applied,approved,reduced,rejected,unfunded,granted_fen,remaining_fen");
    for (size_t b = 0; b < nb; b++) {
        const char *key = dx_ruleset_get_bureau_key(rs, b), *env = "*";
        g_autofree char *g = dx_money_format_wan(granted[b]), *left = NULL;

        for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
            if (strcmp(dx_ruleset_get_envelope_key(rs, e), key) == 0)
                env = key;
        }
        left = dx_money_format_wan(summary_remaining(summary, env));
        if (text)
            printf("%-10s %-12s %8zu %8zu %8zu %8zu %8zu %16s %16s\n", key, dx_ruleset_get_bureau_name(rs, b),
                   counts[b * 5], counts[b * 5 + 1], counts[b * 5 + 2], counts[b * 5 + 3], counts[b * 5 + 4], g, left);
        else if (csv)
            printf("%s,%s,%zu,%zu,%zu,%zu,%zu,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", key,
                   dx_ruleset_get_bureau_name(rs, b), counts[b * 5], counts[b * 5 + 1], counts[b * 5 + 2],
                   counts[b * 5 + 3], counts[b * 5 + 4], granted[b], summary_remaining(summary, env));
        /* keys sorted; remaining_fen is the bureau's envelope's */
        g_string_append_printf(json, "%s\n  {\"applied\": %zu, \"approved\": %zu, \"bureau\": ", b > 0 ? "," : "",
                               counts[b * 5], counts[b * 5 + 1]);
        json_string(json, key);
        g_string_append_printf(json, ", \"envelope\": ");
        json_string(json, env);
        g_string_append_printf(json, ", \"granted_fen\": %" G_GINT64_FORMAT ", \"name\": ", granted[b]);
        json_string(json, dx_ruleset_get_bureau_name(rs, b));
        g_string_append_printf(json, ", \"reduced\": %zu, \"rejected\": %zu, \"remaining_fen\": %" G_GINT64_FORMAT
                                     ", \"unfunded\": %zu}",
                               counts[b * 5 + 2], counts[b * 5 + 3], summary_remaining(summary, env), counts[b * 5 + 4]);
    }
    if (!text) {
        if (!csv) {
            g_string_append_printf(json, "],\n \"committed\": %s, \"granted_fen\": %" G_GINT64_FORMAT
                                         ", \"out\": ",
                                   dry_run ? "false" : "true", total_granted);
            json_string(json, out_dir);
            g_string_append(json, ", \"round_id\": ");
            g_string_append_printf(json, "%" G_GINT64_FORMAT "}", dry_run ? 0 : dx_round_get_round_id(round));
            puts(json->str);
        }
        return;
    }
    {
        g_autofree char *t = dx_money_format(total_granted);
        printf("granted in this round: %s%s; files in %s (amounts in fen)\n", t,
               dry_run ? " (dry run: nothing committed)" : "", out_dir);
    }
}

static int
cmd_run(int argc, char **argv)
{
    const char *rules = NULL, *apps = NULL, *out = NULL, *date = NULL, *ledger_path = NULL;
    g_autoptr(GPtrArray) history = g_ptr_array_new();
    gboolean dry_run = FALSE, report = FALSE, gb18030 = FALSE;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;

    guint threads = 1;
    const char *format = "text";

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
            if (!is_table_format(format))
                return usage_error("run: --format is text, csv or json");
        }
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!parse_threads(argv[++i], &threads))
                return usage_error("--threads is a number from 0 (one per processor) to 256");
        }
        else if (strcmp(argv[i], "--approval-date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (strcmp(argv[i], "--ledger") == 0 && i + 1 < argc)
            ledger_path = argv[++i];
        else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
            g_ptr_array_add(history, argv[++i]);
        else if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = TRUE;
        else if (strcmp(argv[i], "--report") == 0)
            report = TRUE;
        else if (strcmp(argv[i], "--output-encoding") == 0 && i + 1 < argc) {
            if (!parse_output_encoding(argv[++i], &gb18030))
                return usage_error("--output-encoding is utf8 or gb18030");
        }
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
    dx_batch_set_threads(batch, threads);
    /* the input's SHA-256 is recorded only by a committed round */
    dx_batch_set_hash_input(batch, ledger_path != NULL && !dry_run);
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
    if (report) {
        g_autofree char *html = g_build_filename(out, "report.html", NULL);

        if (!dx_report_write_html(rs, out, html, &error)) {
            fprintf(stderr, "duixian: %s%s\n", error->message,
                    ledger != NULL && !dry_run ? " (the round IS committed to the ledger)" : "");
            return EXIT_OUTPUT;
        }
    }
    if (gb18030 && (!recode_output(out, "decisions.csv", &error) || !recode_output(out, "schedule.csv", &error))) {
        fprintf(stderr, "duixian: %s%s\n", error->message,
                ledger != NULL && !dry_run ? " (the round IS committed to the ledger)" : "");
        return EXIT_OUTPUT;
    }
    print_round_table(rs, round, out, dry_run || ledger == NULL, format);
    if (ledger != NULL && !dry_run && strcmp(format, "text") == 0)
        printf("committed as round %" G_GINT64_FORMAT " of %s\n", dx_round_get_round_id(round), ledger_path);
    if (report && strcmp(format, "text") == 0)
        printf("report: %s/report.html\n", out);
    return EXIT_OK;
}

/* ---- explain ---- */

static void
print_schedule_of(DxRound *round, const DxDecision *d, gboolean en)
{
    gboolean any = FALSE;

    for (size_t i = 0; round != NULL && i < dx_round_get_n_schedule_lines(round); i++) {
        const DxScheduleLine *l = dx_round_get_schedule_line(round, i);
        g_autofree char *amount = NULL;

        if (strcmp(dx_schedule_line_get_app_id(l), dx_decision_get_app_id(d)) != 0 ||
            strcmp(dx_schedule_line_get_policy_id(l), dx_decision_get_policy_id(d)) != 0)
            continue;
        if (!any)
            fputs(en ? "\nPayments\n" : "\n拨付计划\n", stdout);
        any = TRUE;
        amount = dx_money_format(dx_schedule_line_get_amount_fen(l));
        printf(en ? "  %s  installment %u of %u  %s  batch %s%s\n" : "  %s  第 %u/%u 期  %s  批次 %s%s\n",
               dx_schedule_line_get_date(l), dx_schedule_line_get_installment(l), dx_schedule_line_get_of(l), amount,
               dx_schedule_line_get_batch_id(l),
               dx_schedule_line_get_future(l) ? (en ? "  (after the fund period)" : "  （资金期后，跨年支付）") : "");
    }
}

static int
cmd_explain(int argc, char **argv)
{
    const char *rules = NULL, *apps = NULL, *app_id = NULL, *date = NULL, *ledger_path = NULL, *lang = "zh";
    const char *format = "text";
    g_autoptr(GPtrArray) history = g_ptr_array_new();
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxDecisionList) decided = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(GError) error = NULL;
    DxDecisionList *list;
    gboolean en, found = FALSE;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--app") == 0 && i + 1 < argc)
            app_id = argv[++i];
        else if (strcmp(argv[i], "--approval-date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (strcmp(argv[i], "--ledger") == 0 && i + 1 < argc)
            ledger_path = argv[++i];
        else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
            g_ptr_array_add(history, argv[++i]);
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
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
            return usage_error("explain takes RULES APPS --app APP_ID");
    }
    if (rules == NULL || apps == NULL || app_id == NULL)
        return usage_error("explain takes RULES APPS --app APP_ID");
    if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
        return usage_error("--lang is zh or en");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return usage_error("explain: --format is text or json");
    if (ledger_path != NULL && date == NULL)
        return usage_error("explain: --ledger needs --approval-date");
    en = strcmp(lang, "en") == 0;
    rs = load_rules(rules);
    if (rs == NULL)
        return EXIT_RULES;
    if (date != NULL) {
        round = dx_round_new(rs, date, &error);
        if (round == NULL)
            return usage_error(error->message);
        for (guint h = 0; h < history->len; h++) {
            if (!dx_round_add_history_file(round, g_ptr_array_index(history, h), &error)) {
                fprintf(stderr, "duixian: %s\n", error->message);
                return EXIT_INPUT;
            }
        }
    } else if (history->len > 0) {
        return usage_error("explain: --history needs --approval-date");
    }
    batch = dx_batch_new(rs);
    dx_batch_set_hash_input(batch, FALSE);   /* explain never commits */
    if (!read_apps(batch, apps, opts, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return EXIT_INPUT;
    }
    if (round != NULL) {
        if (ledger_path != NULL) {
            /* a dry run still takes the write lock while it reads, as run --dry-run does */
            if (!g_file_test(ledger_path, G_FILE_TEST_EXISTS)) {
                fprintf(stderr, "duixian: %s: no such ledger\n", ledger_path);
                return EXIT_LEDGER;
            }
            ledger = dx_ledger_open(ledger_path, &error);
            if (ledger == NULL) {
                fprintf(stderr, "duixian: %s\n", error->message);
                return EXIT_LEDGER;
            }
            dx_round_set_ledger(round, ledger);
        }
        dx_round_set_dry_run(round, TRUE);   /* explaining never commits */
        if (!dx_round_run(round, batch, &error)) {
            fprintf(stderr, "duixian: %s\n", error->message);
            return EXIT_LEDGER;
        }
        list = dx_round_get_decisions(round);
    } else {
        decided = dx_batch_decide(batch);
        list = decided;
    }
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        g_autoptr(DxApplication) app = NULL;
        g_autofree char *text = NULL;

        if (strcmp(dx_decision_get_app_id(d), app_id) != 0)
            continue;
        if (strcmp(format, "json") == 0) {
            text = dx_decision_dup_json(d);
            printf("%s\n", text);
            found = TRUE;
            continue;
        }
        if (found)
            fputs("\n────────────────────────────────────────\n\n", stdout);
        found = TRUE;
        app = app_from_csv_line(rs, apps, dx_decision_get_row(d));
        text = dx_decision_dup_explanation(d, app, lang);
        fputs(text, stdout);
        print_schedule_of(round, d, en);
    }
    if (!found) {
        fprintf(stderr, "duixian: %s: no application %s\n", apps, app_id);
        return EXIT_INPUT;
    }
    if (strcmp(format, "text") == 0 && round == NULL)
        fputs(en ? "\n(steps 1-6 only: without --approval-date, groups, the fund's cap and envelopes are not applied)\n"
                 : "\n（仅第 1–6 步：未给 --approval-date，未计算分组、资金单户上限与额度核减）\n",
              stdout);
    else if (strcmp(format, "text") == 0 && ledger != NULL)
        fputs(en ? "\n(a dry run against the ledger: as if the round ran now; nothing committed)\n"
                 : "\n（按台账试算：如同现在运行本轮，未写入台账）\n",
              stdout);
    return EXIT_OK;
}

/* ---- match (免申即享 / 政策计算器) ---- */

/* A flat YAML map "key: value" per line (comments, blank lines and a
 * leading "---" skipped; values may be quoted) or a JSON object of scalars,
 * into @app. Returns FALSE on a line that is not "key: value". */
static gboolean
profile_from_yaml(DxApplication *app, const char *text, GError **error)
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

static void
json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_c(out, '\\');
        if ((unsigned char)*s < 0x20)
            g_string_append_printf(out, "\\u%04x", (unsigned char)*s);
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static int
cmd_match(int argc, char **argv)
{
    const char *rules = NULL, *profile = NULL, *date = NULL, *format = "text";
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxApplication) app = NULL;
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL, *today = NULL;
    int64_t total = 0;
    size_t n_ok = 0, n_missing = 0;
    GString *json = NULL;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (rules == NULL)
            rules = argv[i];
        else if (profile == NULL)
            profile = argv[i];
        else
            return usage_error("match takes RULES PROFILE");
    }
    if (rules == NULL || profile == NULL)
        return usage_error("match takes RULES PROFILE");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return usage_error("match: --format is text, csv or json");
    rs = load_rules(rules);
    if (rs == NULL)
        return EXIT_RULES;
    app = dx_application_new(rs);
    if (date == NULL) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();

        today = g_date_time_format(now, "%Y-%m-%d");
        date = today;
    }
    /* a profile needs no application number: these stand in unless it has them */
    dx_application_set(app, "app_id", "PROFILE", NULL);
    dx_application_set(app, "enterprise_id", "PROFILE", NULL);
    if (!dx_application_set(app, "submitted_on", date, NULL))
        return usage_error("--date is YYYY-MM-DD");
    if (has_suffix_ci(profile, ".csv")) {
        g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(guint64));
        char **header, **row;

        text = csv_read_text(profile, &error);
        if (text == NULL) {
            fprintf(stderr, "duixian: %s\n", error->message);
            return EXIT_INPUT;
        }
        csv_split(text, records, lines);
        if (records->len < 2) {
            fprintf(stderr, "duixian: %s: a profile CSV has a header and one row\n", profile);
            return EXIT_INPUT;
        }
        header = g_ptr_array_index(records, 0);
        row = g_ptr_array_index(records, 1);
        for (guint i = 0; header[i] != NULL && row[i] != NULL; i++) {
            if (*row[i] != '\0')
                dx_application_set(app, header[i], row[i], NULL);
        }
    } else {
        if (!g_file_get_contents(profile, &text, NULL, &error)) {
            fprintf(stderr, "duixian: %s\n", error->message);
            return EXIT_INPUT;
        }
        if (!profile_from_yaml(app, text, &error)) {
            fprintf(stderr, "duixian: %s: %s\n", profile, error->message);
            return EXIT_INPUT;
        }
    }
    dx_application_set(app, "policy", NULL, NULL);   /* matching mode: every policy */
    list = dx_ruleset_decide(rs, app);
    if (strcmp(format, "json") == 0)
        json = g_string_new("[");
    else if (strcmp(format, "csv") == 0)
        puts("policy_id,name,bureau,status,amount_fen,missing");
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 && strcmp(format, "text") == 0)
            puts("可享受的政策（按申报日期和已填数据测算，未计额度核减）");
        if (pass == 1 && strcmp(format, "text") == 0)
            puts("\n补充以下数据后可能享受");
        for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
            const DxDecision *d = dx_decision_list_get_item(list, i);
            DxStatus st = dx_decision_get_status(d);
            const char *pid = dx_decision_get_policy_id(d);
            const char *name = "", *bureau = "";
            gboolean ok = st == DX_STATUS_APPROVED || st == DX_STATUS_REDUCED;
            g_autoptr(GString) missing = g_string_new(NULL);

            if ((pass == 0) != ok || (pass == 1 && st != DX_STATUS_INCOMPLETE))
                continue;
            for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
                if (strcmp(dx_ruleset_get_policy_id(rs, p), pid) == 0) {
                    name = dx_ruleset_get_policy_name(rs, p);
                    for (size_t b = 0; b < dx_ruleset_get_n_bureaus(rs); b++)
                        if (strcmp(dx_ruleset_get_bureau_key(rs, b), dx_ruleset_get_policy_bureau(rs, p)) == 0)
                            bureau = dx_ruleset_get_bureau_name(rs, b);
                }
            }
            for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++) {
                g_autofree char *msg = NULL;
                const char *a, *b;

                if (dx_decision_get_reason_code(d, r) != DX_REASON_MISSING_FIELD)
                    continue;
                msg = dx_decision_dup_reason_message(d, r);   /* 缺少「X」，… */
                a = strstr(msg, "「");
                b = a != NULL ? strstr(a, "」") : NULL;
                if (missing->len > 0)
                    g_string_append(missing, "、");
                if (a != NULL && b != NULL)
                    g_string_append_len(missing, a + strlen("「"), b - a - (gssize)strlen("「"));
                else
                    g_string_append(missing, msg);
            }
            if (ok) {
                n_ok++;
                total += dx_decision_get_granted_fen(d);
            } else {
                n_missing++;
            }
            if (json != NULL) {
                if (json->len > 1)
                    g_string_append_c(json, ',');
                g_string_append_printf(json, "\n  {\"amount_fen\":%" G_GINT64_FORMAT ",\"bureau\":",
                                       dx_decision_get_granted_fen(d));
                json_string(json, dx_decision_get_bureau(d));
                g_string_append(json, ",\"missing\":");
                json_string(json, missing->str);
                g_string_append(json, ",\"name\":");
                json_string(json, name);
                g_string_append(json, ",\"policy_id\":");
                json_string(json, pid);
                g_string_append(json, ",\"status\":");
                json_string(json, dx_status_to_string(st));
                g_string_append_c(json, '}');
            } else if (strcmp(format, "csv") == 0) {
                printf("%s,%s,%s,%s,%" G_GINT64_FORMAT ",%s\n", pid, name, dx_decision_get_bureau(d),
                       dx_status_to_string(st), dx_decision_get_granted_fen(d), missing->str);
            } else if (ok) {
                g_autofree char *amount = dx_money_format(dx_decision_get_granted_fen(d));

                printf("  %-16s %s（%s）  %s\n", pid, name, bureau, amount);
            } else {
                printf("  %-16s %s（%s）  缺少：%s\n", pid, name, bureau, missing->str);
            }
        }
        if (pass == 0 && strcmp(format, "text") == 0 && n_ok == 0)
            puts("  （无）");
        if (pass == 1 && strcmp(format, "text") == 0 && n_missing == 0)
            puts("  （无）");
    }
    if (json != NULL) {
        g_string_append(json, "\n]");
        puts(json->str);
        g_string_free(json, TRUE);
    } else if (strcmp(format, "text") == 0) {
        g_autofree char *t = dx_money_format(total);

        printf("\n合计可享受 %zu 项，测算 %s（本资金承担部分；就高不重复、额度核减在兑现时计算）\n", n_ok, t);
    }
    return EXIT_OK;
}

/* ---- report ---- */

/* report RULES --ledger FILE [--round N]: the round's three files are
 * exported from the ledger into a temporary directory, and the report is
 * written from there. */
static int
report_from_ledger(DxRuleset *rs, const char *ledger_path, gint64 round, const char *path, const char *keep_dir)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autofree char *tmp = keep_dir != NULL ? g_strdup(keep_dir) : g_dir_make_tmp("duixian-report-XXXXXX", NULL);
    static const char *const files[] = { "decisions.csv", "schedule.csv", "summary.json" };
    int rc = EXIT_OK;

    if (tmp == NULL || g_mkdir_with_parents(tmp, 0755) != 0) {
        fprintf(stderr, "duixian: %s: %s\n", tmp != NULL ? tmp : "temporary directory", g_strerror(errno));
        return EXIT_OUTPUT;
    }
    ledger = dx_ledger_open_readonly(ledger_path, &error);
    if (ledger == NULL || !dx_ledger_export_round(ledger, rs, round, tmp, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        rc = g_error_matches(error, DX_ERROR, DX_ERROR_IO) ? EXIT_OUTPUT : EXIT_LEDGER;
    } else if (!dx_report_write_html(rs, tmp, path, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        rc = EXIT_OUTPUT;
    }
    for (guint i = 0; keep_dir == NULL && i < G_N_ELEMENTS(files); i++) {
        g_autofree char *f = g_build_filename(tmp, files[i], NULL);

        g_unlink(f);
    }
    if (keep_dir == NULL)
        g_rmdir(tmp);
    return rc;
}

static int
cmd_report(int argc, char **argv)
{
    const char *rules = NULL, *dir = NULL, *out = NULL, *ledger_path = NULL, *out_dir = NULL;
    gint64 round = 0;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--ledger") == 0 && i + 1 < argc)
            ledger_path = argv[++i];
        else if (strcmp(argv[i], "--out-dir") == 0 && i + 1 < argc)
            out_dir = argv[++i];
        else if (strcmp(argv[i], "--round") == 0 && i + 1 < argc) {
            guint64 n = 0;

            if (!g_ascii_string_to_unsigned(argv[++i], 10, 1, G_MAXINT64, &n, NULL))
                return usage_error("--round is a round id (see duixian ledger FILE)");
            round = (gint64)n;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (rules == NULL)
            rules = argv[i];
        else if (dir == NULL)
            dir = argv[i];
        else
            return usage_error("report takes RULES DIR [--out FILE], or RULES --ledger FILE [--round N] [--out FILE]");
    }
    if (rules == NULL || (dir == NULL) == (ledger_path == NULL) ||
        ((round != 0 || out_dir != NULL) && ledger_path == NULL))
        return usage_error("report takes RULES DIR [--out FILE], or RULES --ledger FILE [--round N] [--out FILE]");
    rs = load_rules(rules);
    if (rs == NULL)
        return EXIT_RULES;
    if (ledger_path != NULL) {
        int rc;

        path = out != NULL ? g_strdup(out) : out_dir != NULL ? g_build_filename(out_dir, "report.html", NULL)
                                                             : g_strdup("report.html");
        rc = report_from_ledger(rs, ledger_path, round, path, out_dir);
        if (rc == EXIT_OK)
            printf("report: %s\n", path);
        return rc;
    }
    path = out != NULL ? g_strdup(out) : g_build_filename(dir, "report.html", NULL);
    if (!dx_report_write_html(rs, dir, path, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        return g_error_matches(error, DX_ERROR, DX_ERROR_IO) && !g_file_test(dir, G_FILE_TEST_IS_DIR) ? EXIT_INPUT
               : EXIT_OUTPUT;
    }
    printf("report: %s\n", path);
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
    g_autofree char *head = NULL, *fund = NULL;
    g_autoptr(GString) json = g_string_new(NULL);
    const char *format = "text", *path = NULL;
    gboolean text, csv;
    int rc = EXIT_OK;
    size_t n;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            g_autofree char *msg = g_strdup_printf("unknown option %s", argv[i]);
            return usage_error(msg);
        } else if (path == NULL)
            path = argv[i];
        else
            return usage_error("ledger takes one argument: FILE");
    }
    if (path == NULL)
        return usage_error("ledger takes one argument: FILE");
    if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return usage_error("ledger: --format is text, csv or json");
    text = strcmp(format, "text") == 0;
    csv = strcmp(format, "csv") == 0;
    ledger = open_ledger_readonly(path, &rc);
    if (ledger == NULL)
        return rc;
    n = dx_ledger_get_n_rounds(ledger);
    head = dx_ledger_dup_head_hash(ledger);
    if (csv)
        puts("envelope,total_fen,charged_fen,remaining_fen");
    g_string_append(json, "{\"envelopes\": [");
    if (n > 0) {
        g_autofree char *params = dx_ledger_dup_round_field(ledger, n - 1, "params");
        g_autoptr(GPtrArray) envs = params_envelopes(params);

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
            json_string(json, key);
            g_string_append_printf(json, ", \"remaining_fen\": %" G_GINT64_FORMAT ", \"total_fen\": %" G_GINT64_FORMAT "}",
                                   total - charged, total);
        }
    }
    g_string_append(json, "],\n \"fund\": ");
    json_string(json, fund != NULL ? fund : "");
    g_string_append_printf(json, ", \"head\": \"%s\",\n \"rounds\": [", head);
    if (text)
        printf("%zu rounds\n", n);
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

/* Per-command help: duixian COMMAND --help. */
typedef struct {
    const char *name;
    const char *text;
} CommandHelp;

static const CommandHelp command_help[] = {
    { "check",
      "usage: duixian check RULES [--format text|json]\n"
      "Validate RULES (YAML, format duixian/1) and print the fund, its envelopes\n"
      "and the policies of each bureau. A bad file: one line file:line:col, exit 2.\n"
      "examples:\n"
      "  duixian check rules/wuchang-2022.yaml\n"
      "  duixian check rules/wuchang-2022.yaml --format json\n" },
    { "decide",
      "usage: duixian decide RULES APPS --out DIR [--encoding auto|utf8|gb18030]\n"
      "                      [--output-encoding utf8|gb18030] [--threads N]\n"
      "Decide every application (spec §6 steps 1-6: no groups, fund cap or\n"
      "envelopes) and write DIR/decisions.csv. --encoding is the input's;\n"
      "--output-encoding gb18030 writes the CSV for Excel in China. --format csv|json\n"
      "prints the status counts as status,count rows or one JSON object.\n"
      "--threads N decides on N threads (0: one per processor); the result is\n"
      "byte-identical to one thread.\n"
      "examples:\n"
      "  duixian decide rules/wuchang-2022.yaml examples/applications-2022.csv --out out\n" },
    { "run",
      "usage: duixian run RULES APPS --approval-date YYYY-MM-DD --out DIR\n"
      "                   [--ledger FILE] [--history FILE]... [--dry-run] [--report]\n"
      "                   [--encoding auto|utf8|gb18030] [--output-encoding utf8|gb18030]\n"
      "                   [--threads N]\n"
      "A whole round (steps 1-10): DIR/decisions.csv, schedule.csv, summary.json and,\n"
      "with --report, DIR/report.html. With --ledger the round is committed (or not,\n"
      "with --dry-run). Prints a table per bureau; --format csv prints it as\n"
      "bureau,name,applied,approved,reduced,rejected,unfunded,granted_fen,remaining_fen,\n"
      "--format json as one object {bureaus, committed, granted_fen, out, round_id}.\n"
      "examples:\n"
      "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
      "      --approval-date 2022-06-30 --ledger out/ledger.db --out out --report\n"
      "  duixian run rules/wuchang-2022.yaml more.csv --approval-date 2022-09-30 \\\n"
      "      --ledger out/ledger.db --dry-run --out what-if\n" },
    { "explain",
      "usage: duixian explain RULES APPS --app APP_ID [--approval-date YYYY-MM-DD]\n"
      "                       [--ledger FILE] [--history FILE]... [--lang zh|en]\n"
      "                       [--format text|json] [--encoding auto|utf8|gb18030]\n"
      "One application's decisions in full: every clause with its actual and\n"
      "required values, the award step by step (form, base, rate or table row, cap,\n"
      "groups, fund share, rationing factor), the reasons, installments with dates\n"
      "and the policy's basis. With --approval-date it reruns the round (a dry run:\n"
      "nothing is committed; with --ledger, as if the round ran now against it, so an\n"
      "application the ledger already paid shows as duplicate). Without it, steps 1-6.\n"
      "examples:\n"
      "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
      "      --approval-date 2022-06-30 --app WC2022-00002\n"
      "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
      "      --approval-date 2022-06-30 --app WC2022-00026 --lang en\n" },
    { "match",
      "usage: duixian match RULES PROFILE [--date YYYY-MM-DD] [--format text|csv|json]\n"
      "The policy calculator (免申即享): PROFILE is one enterprise, a CSV with a\n"
      "header and one row or a YAML map of field: value, without `policy`. Prints\n"
      "the policies it qualifies for with the amount (caps and fund share applied;\n"
      "groups and envelopes are applied when a round runs) and those it could\n"
      "qualify for with the fields still missing. --date is the submission date\n"
      "(default today), which decides the application windows.\n"
      "examples:\n"
      "  duixian match rules/wuchang-2022.yaml examples/profile-bank.yaml --date 2022-06-30\n" },
    { "report",
      "usage: duixian report RULES DIR [--out FILE]\n"
      "       duixian report RULES --ledger FILE [--round N] [--out FILE] [--out-dir DIR]\n"
      "Write DIR/report.html (or FILE) from a round's output directory, or\n"
      "report.html (or FILE) from a round of a ledger (default the latest; --out-dir DIR\n"
      "also re-creates the round's decisions.csv, schedule.csv and summary.json in\n"
      "DIR, byte for byte, and puts the report there): one\n"
      "self-contained page with inline SVG charts (fund use per envelope, payouts per\n"
      "month, per policy, top reasons), the performance targets and printable tables.\n"
      "examples:\n"
      "  duixian report rules/wuchang-2022.yaml out\n"
      "  duixian report rules/wuchang-2022.yaml --ledger out/ledger.db --round 1 --out round1.html\n" },
    { "ledger",
      "usage: duixian ledger FILE [--format text|csv|json]\n"
      "Per envelope: total, charged, remaining; the rounds; the head hash.\n"
      "examples:\n"
      "  duixian ledger out/ledger.db\n"
      "  duixian ledger out/ledger.db --format csv\n" },
    { "verify",
      "usage: duixian verify FILE\n"
      "Walk the ledger's hash chain; name the first entry that does not match (exit 6).\n"
      "examples:\n"
      "  duixian verify out/ledger.db\n" },
    { "revoke",
      "usage: duixian revoke FILE --app APP_ID --reason TEXT\n"
      "撤销/追回: append a reversing entry for every live grant of APP_ID; the money\n"
      "returns to its envelope.\n"
      "examples:\n"
      "  duixian revoke out/ledger.db --app WC2022-00007 --reason \"企业迁出本区，追回奖励\"\n" },
};

static gboolean
wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return TRUE;
    }
    return FALSE;
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && wants_help(argc - 2, argv + 2)) {
        for (gsize i = 0; i < G_N_ELEMENTS(command_help); i++) {
            if (strcmp(argv[1], command_help[i].name) == 0) {
                fputs(command_help[i].text, stdout);
                return EXIT_OK;
            }
        }
    }
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
    if (strcmp(argv[1], "explain") == 0)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(argv[1], "match") == 0)
        return cmd_match(argc - 2, argv + 2);
    if (strcmp(argv[1], "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    {
        g_autofree char *msg = g_strdup_printf("unknown command “%s”", argv[1]);
        return usage_error(msg);
    }
}

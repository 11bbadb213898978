/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Golden rounds (tests/golden-rounds/<case>/): rules.yaml and one directory
 * per round (r1/, r2/, ...), each with apps.csv, approval-date, an optional
 * history.csv and the expected decisions.csv, schedule.csv and summary.json.
 * The rounds of a case share one ledger, in order. Every expected file was
 * worked out by hand from docs/rules.md (the case's NOTES.md shows
 * the arithmetic), never produced by this code.
 *
 * Checked here, all through the public API:
 * - every round of every case gives the three files byte for byte, both as
 *   strings and as written by dx_round_write_outputs();
 * - the same with the data rows of every round reversed (results do not
 *   depend on input order), unless the case's NOTES.md says
 *   `order-sensitive`;
 * - dry runs: twice dry before each real round, each giving the expected
 *   files and leaving the ledger exactly as it was;
 * - a second run of a round's batch grants nothing new (app_ids granted
 *   before are duplicates);
 * - revocation returns the money to its envelope and frees once/caps, while
 *   the app_id stays used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib/gstdio.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

/* ------------------------------------------------------------------ helpers */

static char *
golden_root(void)
{
    return dx_test_source_path("tests", "golden-rounds", NULL);
}

/* The case directories (those with a rules.yaml), sorted. */
static GPtrArray *
golden_cases(void)
{
    g_autofree char *root = golden_root();
    g_autoptr(GDir) dir = g_dir_open(root, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    assert_non_null(dir);
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *p = g_build_filename(root, name, "rules.yaml", NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, dx_test_cmp_strings);
    return names;
}

static char *
case_dir(const char *name)
{
    g_autofree char *root = golden_root();

    return g_build_filename(root, name, NULL);
}

/* r1, r2, ... while they exist. */
static guint
case_n_rounds(const char *dir)
{
    guint n = 0;

    for (;;) {
        g_autofree char *r = g_strdup_printf("r%u", n + 1);
        g_autofree char *p = g_build_filename(dir, r, "apps.csv", NULL);

        if (!g_file_test(p, G_FILE_TEST_EXISTS))
            return n;
        n++;
    }
}

static char *
read_file(const char *dir, const char *round, const char *file)
{
    g_autofree char *p = g_build_filename(dir, round, file, NULL);
    char *text = NULL;

    if (!g_file_get_contents(p, &text, NULL, NULL))
        return NULL;
    return text;
}

static gboolean
case_order_sensitive(const char *dir)
{
    g_autofree char *notes = read_file(dir, "", "NOTES.md");

    return notes != NULL && strstr(notes, "order-sensitive") != NULL;
}

static char *
rm_rf_dir(char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *p = g_build_filename(path, name, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            g_free(rm_rf_dir(g_strdup(p)));
        else
            g_unlink(p);
    }
    if (d != NULL)
        g_dir_close(d);
    g_rmdir(path);
    return path;
}

static void
rm_tmp(char *path)
{
    if (path != NULL)
        g_free(rm_rf_dir(path));
}

static DxRuleset *
load_rules(const char *dir)
{
    g_autofree char *p = g_build_filename(dir, "rules.yaml", NULL);
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(p, NULL, &error);

    if (rs == NULL)
        fail_msg("%s", error->message);
    return rs;
}

/* The outputs of one round. */
typedef struct {
    char *decisions, *schedule, *summary;
    int64_t granted;          /* Σ granted_fen */
    int64_t remaining[8];     /* dx_round_get_envelope_remaining_fen(), by envelope index */
} Outputs;

static void
outputs_clear(Outputs *o)
{
    g_clear_pointer(&o->decisions, g_free);
    g_clear_pointer(&o->schedule, g_free);
    g_clear_pointer(&o->summary, g_free);
    o->granted = 0;
}

/* Runs round @round of case @dir against @ledger. @csv overrides apps.csv.
 * Returns FALSE (with @why) if the round could not run. */
static gboolean
run_round(DxRuleset *rs, const char *dir, const char *round, DxLedger *ledger, gboolean dry,
          const char *csv, const char *write_dir, Outputs *out, char **why)
{
    g_autofree char *date_text = read_file(dir, round, "approval-date");
    g_autofree char *apps = g_build_filename(dir, round, "apps.csv", NULL);
    g_autofree char *history = g_build_filename(dir, round, "history.csv", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) r = NULL;
    DxDecisionList *list;

    memset(out, 0, sizeof *out);
    if (date_text == NULL) {
        *why = g_strdup_printf("%s/%s: no approval-date", dir, round);
        return FALSE;
    }
    g_strstrip(date_text);
    batch = dx_batch_new(rs);
    if (csv != NULL ? !dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error)
                    : !dx_batch_add_csv_file(batch, apps, NULL, &error))
        goto fail;
    r = dx_round_new(rs, date_text, &error);
    if (r == NULL)
        goto fail;
    if (g_file_test(history, G_FILE_TEST_EXISTS) && !dx_round_add_history_file(r, history, &error))
        goto fail;
    dx_round_set_ledger(r, ledger);
    dx_round_set_dry_run(r, dry);
    if (!dx_round_run(r, batch, &error))
        goto fail;
    list = dx_round_get_decisions(r);
    out->decisions = dx_decision_list_dup_csv(list);
    out->schedule = dx_round_dup_schedule_csv(r);
    out->summary = dx_round_dup_summary_json(r);
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++)
        out->granted += dx_decision_get_granted_fen(dx_decision_list_get_item(list, i));
    for (size_t e = 0; e < MIN(dx_ruleset_get_n_envelopes(rs), G_N_ELEMENTS(out->remaining)); e++)
        out->remaining[e] = dx_round_get_envelope_remaining_fen(r, e);
    if (!dry)
        assert_true(dx_round_get_round_id(r) > 0);
    else
        assert_int_equal(dx_round_get_round_id(r), 0);
    if (write_dir != NULL && !dx_round_write_outputs(r, write_dir, &error))
        goto fail;
    return TRUE;
fail:
    *why = g_strdup_printf("%s/%s: %s", dir, round, error != NULL ? error->message : "failed");
    return FALSE;
}

/* Appends a difference report for @file to @report; TRUE if they match. */
static gboolean
compare(GString *report, const char *label, const char *file, const char *expected, const char *got)
{
    if (expected == NULL) {
        g_string_append_printf(report, "%s: %s: expected file missing\n", label, file);
        return FALSE;
    }
    if (got != NULL && strcmp(expected, got) == 0)
        return TRUE;
    g_string_append_printf(report, "%s: %s differs\n--- expected\n%s--- got\n%s", label, file, expected,
                           got != NULL ? got : "(null)\n");
    return FALSE;
}

/* Compares a round's outputs with the expected files; TRUE if all match. */
static gboolean
compare_round(GString *report, const char *label, const char *dir, const char *round, const Outputs *o)
{
    g_autofree char *exp_d = read_file(dir, round, "expected-decisions.csv");
    g_autofree char *exp_s = read_file(dir, round, "expected-schedule.csv");
    g_autofree char *exp_j = read_file(dir, round, "expected-summary.json");
    gboolean ok = TRUE;

    ok &= compare(report, label, "decisions.csv", exp_d, o->decisions);
    ok &= compare(report, label, "schedule.csv", exp_s, o->schedule);
    ok &= compare(report, label, "summary.json", exp_j, o->summary);
    return ok;
}

/* Compares the files dx_round_write_outputs() wrote to @wdir. */
static gboolean
compare_written(GString *report, const char *label, const char *dir, const char *round, const char *wdir)
{
    static const char *const files[][2] = {
        { "decisions.csv", "expected-decisions.csv" },
        { "schedule.csv", "expected-schedule.csv" },
        { "summary.json", "expected-summary.json" },
    };
    gboolean ok = TRUE;

    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *expected = read_file(dir, round, files[i][1]);
        g_autofree char *got = read_file(wdir, "", files[i][0]);
        g_autofree char *l = g_strdup_printf("%s (written)", label);

        ok &= compare(report, l, files[i][0], expected, got);
    }
    return ok;
}

static DxLedger *
open_ledger(const char *tmp)
{
    g_autofree char *path = g_build_filename(tmp, "ledger.db", NULL);
    g_autoptr(GError) error = NULL;
    DxLedger *ledger = dx_ledger_open(path, &error);

    if (ledger == NULL)
        fail_msg("%s", error->message);
    return ledger;
}

/* Runs every round of case @name on a fresh ledger; @reverse reverses the
 * data rows of each round. Appends differences to @report. */
static gboolean
run_case(const char *name, gboolean reverse, GString *report)
{
    g_autofree char *dir = case_dir(name);
    g_autoptr(DxRuleset) rs = load_rules(dir);
    char *tmp = g_dir_make_tmp("dx-round-XXXXXX", NULL);
    DxLedger *ledger;
    guint n = case_n_rounds(dir);
    gboolean ok = TRUE;

    assert_non_null(tmp);
    assert_true(n >= 1);
    ledger = open_ledger(tmp);
    for (guint i = 1; i <= n; i++) {
        g_autofree char *round = g_strdup_printf("r%u", i);
        g_autofree char *label = g_strdup_printf("%s/%s%s", name, round, reverse ? " (rows reversed)" : "");
        g_autofree char *csv = NULL, *why = NULL;
        g_autofree char *wdir = g_build_filename(tmp, round, NULL);
        Outputs o;

        if (reverse) {
            g_autofree char *orig = read_file(dir, round, "apps.csv");

            csv = dx_test_reverse_rows(orig);
        }
        g_mkdir(wdir, 0700);
        if (!run_round(rs, dir, round, ledger, FALSE, csv, reverse ? NULL : wdir, &o, &why)) {
            g_string_append_printf(report, "%s: %s\n", label, why);
            ok = FALSE;
            break;    /* later rounds depend on this one */
        }
        ok &= compare_round(report, label, dir, round, &o);
        if (!reverse)
            ok &= compare_written(report, label, dir, round, wdir);
        outputs_clear(&o);
    }
    assert_int_equal(dx_ledger_get_n_rounds(ledger), ok ? n : dx_ledger_get_n_rounds(ledger));
    dx_ledger_free(ledger);
    rm_tmp(tmp);
    return ok;
}

/* Prints @report as TAP comments (cmocka truncates long failure messages). */
static void
print_report(const GString *report)
{
    g_auto(GStrv) lines = g_strsplit(report->str, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++) {
        if (lines[i][0] != '\0' || lines[i + 1] != NULL)
            print_message("# %s\n", lines[i]);
    }
}

/* ------------------------------------------------------------------ tests */

static void
test_golden_rounds(void **state)
{
    g_autoptr(GPtrArray) names = golden_cases();
    g_autoptr(GString) report = g_string_new(NULL);
    guint failed = 0;

    (void)state;
    assert_true(names->len >= 8);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        gboolean ok = run_case(name, FALSE, report);

        print_message("# golden round %s: %s\n", name, ok ? "ok" : "FAILED");
        failed += !ok;
    }
    if (failed > 0) {
        print_report(report);
        fail_msg("%u golden round case(s) differ (see above)", failed);
    }
}

static void
test_golden_rounds_reversed(void **state)
{
    g_autoptr(GPtrArray) names = golden_cases();
    g_autoptr(GString) report = g_string_new(NULL);
    guint failed = 0;

    (void)state;
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *dir = case_dir(name);

        if (case_order_sensitive(dir))
            continue;
        failed += !run_case(name, TRUE, report);
    }
    if (failed > 0) {
        print_report(report);
        fail_msg("%u golden round case(s) depend on input order (see above)", failed);
    }
}

/* Twice dry before every real round: each dry run gives the expected files
 * and leaves the ledger as it was (rounds, head hash, envelope charges). */
static void
test_dry_run(void **state)
{
    g_autoptr(GPtrArray) names = golden_cases();
    g_autoptr(GString) report = g_string_new(NULL);
    gboolean ok = TRUE;

    (void)state;
    for (guint c = 0; c < names->len; c++) {
        const char *name = g_ptr_array_index(names, c);
        g_autofree char *dir = case_dir(name);
        g_autoptr(DxRuleset) rs = load_rules(dir);
        const char *fund = dx_ruleset_get_fund_id(rs);
        char *tmp = g_dir_make_tmp("dx-round-XXXXXX", NULL);
        DxLedger *ledger = open_ledger(tmp);
        guint n = case_n_rounds(dir);

        for (guint i = 1; i <= n && ok; i++) {
            g_autofree char *round = g_strdup_printf("r%u", i);
            g_autofree char *head = dx_ledger_dup_head_hash(ledger);
            size_t n_rounds = dx_ledger_get_n_rounds(ledger);
            size_t n_env = dx_ruleset_get_n_envelopes(rs);
            g_autofree int64_t *charged = g_new0(int64_t, MAX(n_env, 1));

            for (size_t e = 0; e < n_env; e++)
                charged[e] = dx_ledger_get_charged_fen(ledger, fund, dx_ruleset_get_envelope_key(rs, e));
            for (int pass = 0; pass < 3; pass++) {
                gboolean dry = pass < 2;
                g_autofree char *label = g_strdup_printf("%s/%s %s", name, round, dry ? "dry" : "after dry runs");
                g_autofree char *why = NULL;
                Outputs o;

                if (!run_round(rs, dir, round, ledger, dry, NULL, NULL, &o, &why)) {
                    g_string_append_printf(report, "%s: %s\n", label, why);
                    ok = FALSE;
                    break;
                }
                ok &= compare_round(report, label, dir, round, &o);
                outputs_clear(&o);
                if (dry) {
                    g_autofree char *head2 = dx_ledger_dup_head_hash(ledger);

                    assert_string_equal(head, head2);
                    assert_int_equal(dx_ledger_get_n_rounds(ledger), n_rounds);
                    for (size_t e = 0; e < n_env; e++)
                        assert_int_equal(dx_ledger_get_charged_fen(ledger, fund, dx_ruleset_get_envelope_key(rs, e)),
                                         charged[e]);
                } else {
                    assert_int_equal(dx_ledger_get_n_rounds(ledger), n_rounds + 1);
                }
            }
        }
        assert_true(dx_ledger_verify(ledger, NULL, NULL));
        dx_ledger_free(ledger);
        rm_tmp(tmp);
    }
    if (!ok) {
        print_report(report);
        fail_msg("dry runs differ (see above)");
    }
}

/* Round 1 of every case, then the same batch again: nothing new is granted,
 * every app_id granted the first time is a duplicate now, the envelopes
 * do not move. Case 10 (everything approved) is all duplicates. */
static void
test_second_run_grants_nothing(void **state)
{
    g_autoptr(GPtrArray) names = golden_cases();

    (void)state;
    for (guint c = 0; c < names->len; c++) {
        const char *name = g_ptr_array_index(names, c);
        g_autofree char *dir = case_dir(name);
        g_autoptr(DxRuleset) rs = load_rules(dir);
        char *tmp = g_dir_make_tmp("dx-round-XXXXXX", NULL);
        DxLedger *ledger = open_ledger(tmp);
        g_autoptr(GHashTable) granted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autofree char *date = read_file(dir, "r1", "approval-date");
        g_autofree char *apps = g_build_filename(dir, "r1", "apps.csv", NULL);
        g_autofree char *history = g_build_filename(dir, "r1", "history.csv", NULL);
        size_t n_dup = 0, n_items = 0;

        g_strstrip(date);
        for (int pass = 0; pass < 2; pass++) {
            g_autoptr(GError) error = NULL;
            g_autoptr(DxBatch) batch = dx_batch_new(rs);
            g_autoptr(DxRound) r = dx_round_new(rs, date, &error);
            DxDecisionList *list;
            int64_t total = 0;

            assert_non_null(r);
            assert_true(dx_batch_add_csv_file(batch, apps, NULL, &error));
            if (g_file_test(history, G_FILE_TEST_EXISTS))
                assert_true(dx_round_add_history_file(r, history, &error));
            dx_round_set_ledger(r, ledger);
            if (!dx_round_run(r, batch, &error))
                fail_msg("%s pass %d: %s", name, pass, error->message);
            list = dx_round_get_decisions(r);
            n_items = dx_decision_list_get_n_items(list);
            for (size_t i = 0; i < n_items; i++) {
                const DxDecision *d = dx_decision_list_get_item(list, i);

                total += dx_decision_get_granted_fen(d);
                if (pass == 0 && dx_decision_get_granted_fen(d) > 0)
                    g_hash_table_add(granted, g_strdup(dx_decision_get_app_id(d)));
                if (pass == 1 && g_hash_table_contains(granted, dx_decision_get_app_id(d))) {
                    if (dx_decision_get_status(d) != DX_STATUS_DUPLICATE)
                        fail_msg("%s: %s granted in the first run is %s in the second", name,
                                 dx_decision_get_app_id(d), dx_status_to_string(dx_decision_get_status(d)));
                    n_dup++;
                }
            }
            if (pass == 1) {
                if (total != 0)
                    fail_msg("%s: the second run of round 1 granted %" G_GINT64_FORMAT " fen", name, total);
                assert_int_equal(dx_round_get_n_schedule_lines(r), 0);
            }
        }
        assert_true(g_hash_table_size(granted) > 0);
        if (strncmp(name, "10-", 3) == 0)
            assert_int_equal(n_dup, n_items);    /* every row was granted: all duplicate */
        dx_ledger_free(ledger);
        rm_tmp(tmp);
    }
}

/* Case 09: revoking D01 (40万, commerce) after round 1 returns its money to
 * the envelope; round 2 sees charged_before 30,000,000 instead of
 * 70,000,000, can pay everyone in full, and D01 is still a duplicate. */
static void
test_revoke_restores_envelope(void **state)
{
    g_autofree char *dir = case_dir("09-rounds-envelopes-duplicates");
    g_autoptr(DxRuleset) rs = load_rules(dir);
    char *tmp = g_dir_make_tmp("dx-round-XXXXXX", NULL);
    DxLedger *ledger = open_ledger(tmp);
    g_autoptr(GError) error = NULL;
    g_autofree char *why = NULL;
    Outputs o;

    (void)state;
    assert_true(run_round(rs, dir, "r1", ledger, FALSE, NULL, NULL, &o, &why));
    outputs_clear(&o);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/09", "commerce"), 70000000);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/09", "finance"), 20000000);

    /* nothing to revoke: D03 was never granted; NOPE does not exist */
    assert_false(dx_ledger_revoke(ledger, "D03", "测试", &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER));
    g_clear_error(&error);
    assert_false(dx_ledger_revoke(ledger, "NOPE", "测试", &error));
    g_clear_error(&error);

    if (!dx_ledger_revoke(ledger, "D01", "材料不实，撤销兑现", &error))
        fail_msg("%s", error->message);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/09", "commerce"), 30000000);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/09", "finance"), 20000000);
    /* revoked once: nothing left to revoke */
    assert_false(dx_ledger_revoke(ledger, "D01", "again", &error));
    g_clear_error(&error);
    assert_true(dx_ledger_verify(ledger, NULL, NULL));

    /* round 2: commerce R = 100,000,000 − 30,000,000 = 70,000,000 ≥ S = 62,000,000 */
    assert_true(run_round(rs, dir, "r2", ledger, FALSE, NULL, NULL, &o, &why));
    assert_non_null(strstr(o.summary, "\"commerce\": {\"charged_before\": 30000000, \"granted\": 62000000, "
                                      "\"remaining\": 8000000, \"requested\": 62000000, \"total\": 100000000}"));
    /* the getter says what summary.json says, envelope by envelope (commerce
     * 100,000,000 − 30,000,000 − 62,000,000; finance 50,000,000 − 20,000,000 − D07's 10,000,000) */
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 0), "commerce");
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 1), "finance");
    assert_int_equal(o.remaining[0], 8000000);
    assert_int_equal(o.remaining[1], 20000000);
    assert_non_null(strstr(o.decisions, "\nD01,E1,COM,commerce,duplicate,0,0,duplicate_app_id\n"));
    assert_non_null(strstr(o.decisions, "\nD03,E3,COM,commerce,approved,20000000,20000000,award_formula\n"));
    assert_non_null(strstr(o.decisions, "\nD05,E5,COM,commerce,approved,2000000,2000000,award_formula\n"));
    assert_non_null(strstr(o.decisions, "\nD06,E6,COM,commerce,approved,40000000,40000000,award_formula\n"));
    outputs_clear(&o);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/09", "commerce"), 92000000);
    dx_ledger_free(ledger);
    rm_tmp(tmp);
}

/* Case 08: revoking N04 (E4's ONCE, 10万) frees `once` for E4 and 10万 of
 * the envelope: in round 2 M01 (E4 ONCE) and M04 (E6 ONCE) share R =
 * 10,000,000 pro rata (5,000,000 each) instead of once_only / unfunded. */
static void
test_revoke_frees_once(void **state)
{
    g_autofree char *dir = case_dir("08-history-once-caps");
    g_autoptr(DxRuleset) rs = load_rules(dir);
    char *tmp = g_dir_make_tmp("dx-round-XXXXXX", NULL);
    DxLedger *ledger = open_ledger(tmp);
    g_autoptr(GError) error = NULL;
    g_autofree char *why = NULL;
    Outputs o;

    (void)state;
    assert_true(run_round(rs, dir, "r1", ledger, FALSE, NULL, NULL, &o, &why));
    outputs_clear(&o);
    if (!dx_ledger_revoke(ledger, "N04", "撤销", &error))
        fail_msg("%s", error->message);
    assert_int_equal(dx_ledger_get_charged_fen(ledger, "GR/08", "*"), 90000000);
    assert_true(run_round(rs, dir, "r2", ledger, FALSE, NULL, NULL, &o, &why));
    assert_non_null(strstr(o.decisions, "\nM01,E4,ONCE,commerce,reduced,10000000,5000000,award_fixed;rationed\n"));
    assert_non_null(strstr(o.decisions, "\nM04,E6,ONCE,commerce,reduced,10000000,5000000,award_fixed;rationed\n"));
    /* E2 and E5 still at their PCAP caps */
    assert_non_null(strstr(o.decisions, "\nM02,E2,PCAP,commerce,rejected,30000000,0,"));
    assert_non_null(strstr(o.decisions, "\nM03,E5,PCAP,commerce,rejected,30000000,0,"));
    assert_non_null(strstr(o.summary, "\"*\": {\"charged_before\": 90000000, \"granted\": 10000000, "
                                      "\"remaining\": 0, \"requested\": 20000000, \"total\": 100000000}"));
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 0), "*");
    assert_int_equal(o.remaining[0], 0);
    outputs_clear(&o);
    dx_ledger_free(ledger);
    rm_tmp(tmp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_rounds),
        cmocka_unit_test(test_golden_rounds_reversed),
        cmocka_unit_test(test_dry_run),
        cmocka_unit_test(test_second_run_grants_nothing),
        cmocka_unit_test(test_revoke_restores_envelope),
        cmocka_unit_test(test_revoke_frees_once),
    };
    return cmocka_run_group_tests_name("round", tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx_batch_set_threads(): deciding on 2 or 4 threads gives the same
 * decisions.csv and the same decisions as JSON (every reason's sentence),
 * byte for byte, as one thread — for the example batch
 * (invalid, incomplete, duplicate and 免申即享 rows included), for 50,000
 * rows made from it (many blocks, duplicates across blocks), through the
 * CSV reader, through applications added one by one or in arrays
 * (dx_batch_add_applications), and through a whole round (decisions,
 * schedule, summary).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

static DxRuleset *
load_rules(void)
{
    g_autofree char *rules = dx_test_source_path("rules", "wuchang-2022.yaml", NULL);
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(rules, NULL, &error);

    assert_non_null(rs);
    return rs;
}

static char *
example_csv(void)
{
    g_autofree char *path = dx_test_source_path("examples", "applications-2022.csv", NULL);

    return dx_test_read_file(path, NULL);
}

/* n rows: the example's rows again and again, each copy with its own
 * app_ids (WC2022-xxxxx -> R<copy>-xxxxx) but the same enterprises, so
 * `once`, caps and groups work across copies; every 7th copy keeps the
 * original ids, so its rows are duplicates of the first copy's. */
static char *
generated_csv(guint n)
{
    g_autofree char *text = example_csv();
    const char *body = strchr(text, '\n') + 1;
    g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
    guint n_lines = g_strv_length(lines);
    GString *out = g_string_new_len(text, body - text);
    guint rows = 0;

    for (guint copy = 0; rows < n; copy++) {
        for (guint i = 0; i < n_lines && rows < n; i++) {
            if (*lines[i] == '\0')
                continue;
            if (copy % 7 == 0 || !g_str_has_prefix(lines[i], "WC2022-"))
                g_string_append(out, lines[i]);
            else
                g_string_append_printf(out, "R%u-%s", copy, lines[i] + strlen("WC2022-"));
            g_string_append_c(out, '\n');
            rows++;
        }
    }
    return g_string_free(out, FALSE);
}

/* decisions.csv, then every decision as JSON (reasons with their
 * sentences, so the values behind failed clauses are compared too). */
static char *
dump(const DxDecisionList *list)
{
    GString *out = g_string_new(NULL);
    g_autofree char *csv = dx_decision_list_dup_csv(list);

    g_string_append(out, csv);
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        g_autofree char *json = dx_decision_dup_json(dx_decision_list_get_item(list, i));

        g_string_append_printf(out, "%s\n", json);
    }
    return g_string_free(out, FALSE);
}

static char *
decide_csv(DxRuleset *rs, const char *csv, guint threads)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(GError) error = NULL;

    dx_batch_set_threads(batch, threads);
    assert_int_equal(dx_batch_get_threads(batch), threads);
    assert_true(dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error));
    list = dx_batch_decide(batch);
    return dump(list);
}

/* The lines of @csv. (Not g_strsplit: its strstr() is quadratic under
 * ThreadSanitizer, whose interceptor measures the rest of the text each time.) */
static GStrv
split_lines(const char *csv)
{
    GPtrArray *lines = g_ptr_array_new();
    const char *p = csv, *end = csv + strlen(csv);

    for (;;) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));

        if (nl == NULL) {
            g_ptr_array_add(lines, g_strdup(p));
            break;
        }
        g_ptr_array_add(lines, g_strndup(p, (gsize)(nl - p)));
        p = nl + 1;
    }
    g_ptr_array_add(lines, NULL);
    return (GStrv)g_ptr_array_free(lines, FALSE);
}

/* The same rows, added as applications built through the API: one by one
 * (@many 0), or @many at a time with dx_batch_add_applications() and every
 * 7th of those one by one in between. */
static char *
decide_apps(DxRuleset *rs, const char *csv, guint threads, guint many)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(DxDecisionList) list = NULL;
    g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func((GDestroyNotify)dx_application_free);
    g_auto(GStrv) lines = split_lines(csv);
    g_auto(GStrv) header = g_strsplit(lines[0], ",", -1);
    guint used = 0;

    dx_batch_set_threads(batch, threads);
    for (guint i = 0; i < MAX(many, 1); i++)
        g_ptr_array_add(apps, dx_application_new(rs));
    for (guint i = 1; lines[i] != NULL; i++) {
        g_auto(GStrv) cells = NULL;
        DxApplication *app = g_ptr_array_index(apps, used);

        if (*lines[i] == '\0' || strchr(lines[i], '"') != NULL)   /* quoted cells: the CSV test covers them */
            continue;
        cells = g_strsplit(lines[i], ",", -1);
        dx_application_clear(app);
        for (guint c = 0; header[c] != NULL && cells[c] != NULL; c++)
            dx_application_set(app, header[c], cells[c], NULL);
        if (many == 0) {
            dx_batch_add_application(batch, app);
        } else if (i % 7 == 0) {   /* the ones before it first: input order is kept */
            dx_batch_add_applications(batch, (const DxApplication *const *)apps->pdata, used);
            dx_batch_add_application(batch, app);
            used = 0;
        } else if (++used == many) {
            dx_batch_add_applications(batch, (const DxApplication *const *)apps->pdata, used);
            used = 0;
        }
    }
    dx_batch_add_applications(batch, (const DxApplication *const *)apps->pdata, used);
    list = dx_batch_decide(batch);
    return dump(list);
}

static void
check_same(DxRuleset *rs, const char *csv)
{
    g_autofree char *one = decide_csv(rs, csv, 1);
    g_autofree char *apps_one = decide_apps(rs, csv, 1, 0);

    for (guint t = 1; t <= 4; t++) {
        g_autofree char *many = decide_csv(rs, csv, t);
        g_autofree char *apps_many = decide_apps(rs, csv, t, 0);
        g_autofree char *arrays = decide_apps(rs, csv, t, 1500);

        assert_string_equal(one, many);
        assert_string_equal(apps_one, apps_many);
        assert_string_equal(apps_one, arrays);   /* in arrays or one by one: the same */
    }
}

static void
test_example_batch(void **state)
{
    g_autoptr(DxRuleset) rs = load_rules();
    g_autofree char *csv = example_csv();

    (void)state;
    check_same(rs, csv);
}

static void
test_generated_50000(void **state)
{
    g_autoptr(DxRuleset) rs = load_rules();
    g_autofree char *csv = generated_csv(50000);

    (void)state;
    check_same(rs, csv);
}

/* Failed clauses keep their actual values, packed; a value too large to
 * pack is kept whole in a side array, which each block has its own of until
 * it is merged. Every row here fails with a different such value, across
 * several blocks, so a merged index that pointed at the wrong one would
 * show the wrong number in some sentence. */
static void
test_huge_values(void **state)
{
    g_autoptr(DxRuleset) rs = load_rules();
    GString *csv = g_string_new("app_id,enterprise_id,policy,submitted_on,注册地,institution_type,office_area\n");
    g_autofree char *text = NULL;

    (void)state;
    for (guint i = 0; i < 3000; i++)   /* office_area > 0 fails */
        g_string_append_printf(csv, "H%05u,E%u,FIN-BUY,2022-06-01,武昌区,银行,-12345678901234567890%04u.5\n", i, i, i);
    text = g_string_free(csv, FALSE);
    check_same(rs, text);
}

/* A whole round: the decisions after rationing, the schedule and the summary. */
static char *
round_files(DxRuleset *rs, const char *csv, guint threads)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(DxRound) round = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *decisions = NULL, *schedule = NULL, *summary = NULL;

    dx_batch_set_threads(batch, threads);
    assert_true(dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error));
    round = dx_round_new(rs, "2022-06-30", &error);
    assert_non_null(round);
    assert_true(dx_round_run(round, batch, &error));
    decisions = dump(dx_round_get_decisions(round));
    schedule = dx_round_dup_schedule_csv(round);
    summary = dx_round_dup_summary_json(round);
    return g_strconcat(decisions, schedule, summary, NULL);
}

static void
test_round(void **state)
{
    g_autoptr(DxRuleset) rs = load_rules();
    g_autofree char *csv = generated_csv(20000);
    g_autofree char *one = round_files(rs, csv, 1);
    g_autofree char *two = round_files(rs, csv, 2);

    (void)state;
    assert_string_equal(one, two);
}

/* Zero means one thread per processor; a batch freed before deciding
 * waits for its workers. */
static void
test_defaults_and_free(void **state)
{
    g_autoptr(DxRuleset) rs = load_rules();
    g_autofree char *csv = generated_csv(10000);
    DxBatch *batch = dx_batch_new(rs);

    (void)state;
    assert_int_equal(dx_batch_get_threads(batch), 1);
    dx_batch_set_threads(batch, 0);
    assert_int_equal(dx_batch_get_threads(batch), (guint)g_get_num_processors());
    dx_batch_set_threads(batch, 3);
    assert_true(dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, NULL));
    assert_int_equal(dx_batch_get_n_rows(batch), 10000);
    dx_batch_free(batch);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_batch),
        cmocka_unit_test(test_generated_50000),
        cmocka_unit_test(test_huge_values),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_defaults_and_free),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

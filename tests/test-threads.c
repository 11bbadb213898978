/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A ruleset is immutable once loaded and may be shared by threads (the
 * promise in dx-ruleset.h): four threads decide the example batch against
 * one DxRuleset at the same time, each with its own batch, and each must
 * produce exactly the decisions.csv one thread alone produces. Under
 * ThreadSanitizer or helgrind this is also a data-race check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

typedef struct {
    DxRuleset *rs;
    const char *csv;
    char *out;
} DxThreadJob;

static char *
decide_csv(DxRuleset *rs, const char *csv)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(DxDecisionList) list = NULL;

    if (!dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, NULL))
        return NULL;
    list = dx_batch_decide(batch);
    return dx_decision_list_dup_csv(list);
}

static gpointer
thread_main(gpointer data)
{
    DxThreadJob *job = data;

    for (int i = 0; i < 5; i++) {
        g_free(job->out);
        job->out = decide_csv(job->rs, job->csv);
    }
    return NULL;
}

static void
test_threads_share_a_ruleset(void **state)
{
    g_autofree char *rules = dx_test_source_path("rules", "wuchang-2022.yaml", NULL);
    g_autofree char *apps = dx_test_source_path("examples", "applications-2022.csv", NULL);
    g_autofree char *csv = NULL, *expected = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(rules, NULL, &error);
    DxThreadJob jobs[4];
    GThread *threads[4];

    (void)state;
    assert_non_null(rs);
    csv = dx_test_read_file(apps, NULL);
    expected = decide_csv(rs, csv);
    assert_non_null(expected);
    assert_true(strlen(expected) > 1000);
    for (int t = 0; t < 4; t++) {
        jobs[t] = (DxThreadJob){ rs, csv, NULL };
        threads[t] = g_thread_new("decide", thread_main, &jobs[t]);
    }
    for (int t = 0; t < 4; t++) {
        g_thread_join(threads[t]);
        assert_non_null(jobs[t].out);
        assert_string_equal(jobs[t].out, expected);
        g_free(jobs[t].out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_a_ruleset),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}

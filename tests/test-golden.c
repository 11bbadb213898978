/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Golden cases (tests/golden/<case>/): rules.yaml + apps.csv must decide
 * to exactly expected-decisions.csv, byte for byte. The expected files
 * were worked out by hand from the policy texts (each case's NOTES.md
 * shows the arithmetic), never produced by this code. Each case is also
 * decided with its rows reversed, which must give the same file, except
 * for cases whose NOTES.md says `order-sensitive` (duplicate app_ids:
 * the first row in input order wins).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

static char *
golden_decide(const char *dir, const char *csv_text)
{
    g_autofree char *rules = g_build_filename(dir, "rules.yaml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(rules, NULL, &error);
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = NULL;

    if (rs == NULL)
        fail_msg("%s", error->message);
    batch = dx_batch_new(rs);
    if (!dx_batch_add_csv_data(batch, csv_text, -1, "apps.csv", NULL, &error))
        fail_msg("%s", error->message);
    list = dx_batch_decide(batch);
    return dx_decision_list_dup_csv(list);
}

static void
test_golden_cases(void **state)
{
    g_autofree char *golden = dx_test_source_path("tests", "golden", NULL);
    g_autoptr(GDir) dir = g_dir_open(golden, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    (void)state;
    assert_non_null(dir);
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *p = g_build_filename(golden, name, "expected-decisions.csv", NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, dx_test_cmp_strings);
    assert_true(names->len >= 14);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *d = g_build_filename(golden, g_ptr_array_index(names, i), NULL);
        g_autofree char *apps = g_build_filename(d, "apps.csv", NULL);
        g_autofree char *exp_path = g_build_filename(d, "expected-decisions.csv", NULL);
        g_autofree char *notes_path = g_build_filename(d, "NOTES.md", NULL);
        g_autofree char *csv = NULL, *expected = NULL, *got = NULL, *notes = NULL;

        csv = dx_test_read_file(apps, NULL);
        expected = dx_test_read_file(exp_path, NULL);
        got = golden_decide(d, csv);
        if (strcmp(got, expected) != 0)
            fail_msg("golden case %s differs:\n--- expected\n%s--- got\n%s", (char *)g_ptr_array_index(names, i),
                     expected, got);
        g_file_get_contents(notes_path, &notes, NULL, NULL);
        if (notes == NULL || strstr(notes, "order-sensitive") == NULL) {
            g_autofree char *rev = dx_test_reverse_rows(csv);
            g_autofree char *got_rev = golden_decide(d, rev);

            if (strcmp(got_rev, expected) != 0)
                fail_msg("golden case %s depends on input order:\n%s", (char *)g_ptr_array_index(names, i), got_rev);
        }
        print_message("# golden %s: ok\n", (char *)g_ptr_array_index(names, i));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases),
    };
    return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}

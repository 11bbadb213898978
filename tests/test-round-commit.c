/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The commit split off a round and a payment run (dx_round_decide /
 * dx_round_commit / dx_round_abort, dx_payrun_decide / dx_payrun_commit),
 * which lets a caller write the files between (docs/cli.md, "Outputs and
 * the commit"), through the public API:
 * - after dx_round_decide() the round's id and the ledger's head are the
 *   ones the commit leaves: the head read before the commit is the head
 *   after it (ledger-head.txt is written from it);
 * - dx_round_abort(), and freeing a decided round, leave the ledger as it
 *   was (no round, the same head) and the round id 0;
 * - the same for a payment run: freed before dx_payrun_commit() it pays
 *   nothing; committed, a second run of the same date pays nothing;
 * - without a ledger, or as a dry run, dx_round_commit() has nothing to do.
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

typedef struct {
    char *tmp;
    DxRuleset *rs;
    DxLedger *ledger;
} Fixture;

static int
setup(void **state)
{
    g_autofree char *rules = dx_test_source_path("rules", "wuchang-2022.yaml", NULL);
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    Fixture *f = g_new0(Fixture, 1);

    f->tmp = g_dir_make_tmp("dx-round-commit-XXXXXX", NULL);
    assert_non_null(f->tmp);
    f->rs = dx_ruleset_load_file(rules, NULL, &error);
    if (f->rs == NULL)
        fail_msg("%s", error->message);
    path = g_build_filename(f->tmp, "ledger.db", NULL);
    f->ledger = dx_ledger_open(path, &error);
    if (f->ledger == NULL)
        fail_msg("%s", error->message);
    *state = f;
    return 0;
}

static void
rm_dir(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *p = g_build_filename(path, name, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            rm_dir(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    dx_ledger_free(f->ledger);
    dx_ruleset_unref(f->rs);
    rm_dir(f->tmp);
    g_free(f->tmp);
    g_free(f);
    return 0;
}

/* A round of examples/applications-2022.csv on @ledger (nullable), decided, not committed. */
static DxRound *
decided_round(Fixture *f, DxLedger *ledger, const char *date)
{
    g_autofree char *apps = dx_test_source_path("examples", "applications-2022.csv", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(f->rs);
    DxRound *r = dx_round_new(f->rs, date, &error);

    assert_non_null(r);
    assert_true(dx_batch_add_csv_file(batch, apps, NULL, &error));
    dx_round_set_ledger(r, ledger);
    if (!dx_round_decide(r, batch, &error))
        fail_msg("%s", error->message);
    return r;
}

static void
test_abort_leaves_the_ledger(void **state)
{
    Fixture *f = *state;
    g_autofree char *before = dx_ledger_dup_head_hash(f->ledger), *pending = NULL, *after = NULL;
    DxRound *r = decided_round(f, f->ledger, "2022-06-30");

    assert_true(dx_round_get_round_id(r) > 0);
    pending = dx_ledger_dup_head_hash(f->ledger);
    assert_string_not_equal(pending, before);   /* the entries are there, uncommitted */
    assert_true(dx_decision_list_get_n_items(dx_round_get_decisions(r)) > 0);
    dx_round_abort(r);
    assert_int_equal(dx_round_get_round_id(r), 0);
    after = dx_ledger_dup_head_hash(f->ledger);
    assert_string_equal(after, before);
    assert_int_equal(dx_ledger_get_n_rounds(f->ledger), 0);
    /* still readable after the abort; a second abort and a commit have nothing to do */
    assert_true(dx_round_get_n_schedule_lines(r) > 0);
    dx_round_abort(r);
    assert_true(dx_round_commit(r, NULL));
    assert_int_equal(dx_ledger_get_n_rounds(f->ledger), 0);
    dx_round_free(r);
}

static void
test_free_rolls_back(void **state)
{
    Fixture *f = *state;
    g_autofree char *before = dx_ledger_dup_head_hash(f->ledger), *after = NULL;

    dx_round_free(decided_round(f, f->ledger, "2022-06-30"));
    after = dx_ledger_dup_head_hash(f->ledger);
    assert_string_equal(after, before);
    assert_int_equal(dx_ledger_get_n_rounds(f->ledger), 0);
}

static void
test_pending_head_is_the_committed_head(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *pending = NULL, *committed = NULL;
    g_autoptr(DxRound) r = decided_round(f, f->ledger, "2022-06-30");
    int64_t id = dx_round_get_round_id(r);

    pending = dx_ledger_dup_head_hash(f->ledger);
    assert_true(dx_round_commit(r, &error));
    committed = dx_ledger_dup_head_hash(f->ledger);
    assert_string_equal(pending, committed);
    assert_int_equal(dx_round_get_round_id(r), id);
    assert_int_equal(dx_ledger_get_n_rounds(f->ledger), 1);
    assert_int_equal(dx_ledger_get_round_id(f->ledger, 0), id);
    assert_true(dx_ledger_verify_through(f->ledger, pending, NULL, &error));
    assert_true(dx_round_commit(r, &error));   /* committed already: nothing more */
    assert_int_equal(dx_ledger_get_n_rounds(f->ledger), 1);
}

static void
test_no_ledger_or_dry_run(void **state)
{
    Fixture *f = *state;
    g_autofree char *before = dx_ledger_dup_head_hash(f->ledger), *after = NULL;
    g_autoptr(DxRound) alone = decided_round(f, NULL, "2022-06-30");
    g_autoptr(DxRound) dry = dx_round_new(f->rs, "2022-06-30", NULL);
    g_autofree char *apps = dx_test_source_path("examples", "applications-2022.csv", NULL);
    g_autoptr(DxBatch) batch = dx_batch_new(f->rs);

    assert_true(dx_round_commit(alone, NULL));
    assert_int_equal(dx_round_get_round_id(alone), 0);
    assert_true(dx_batch_add_csv_file(batch, apps, NULL, NULL));
    dx_round_set_ledger(dry, f->ledger);
    dx_round_set_dry_run(dry, TRUE);
    assert_true(dx_round_decide(dry, batch, NULL));
    assert_true(dx_round_commit(dry, NULL));
    after = dx_ledger_dup_head_hash(f->ledger);
    assert_string_equal(after, before);
    assert_int_equal(dx_round_get_round_id(dry), 0);
}

static void
test_payrun_decide_commit(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRound) r = decided_round(f, f->ledger, "2022-06-30");
    g_autofree char *round_head = NULL, *after = NULL, *paid_head = NULL;
    g_autofree char *out = g_build_filename(f->tmp, "pay", NULL), *csv = NULL;
    DxPayrun *run;
    size_t n_paid;

    assert_true(dx_round_commit(r, &error));
    round_head = dx_ledger_dup_head_hash(f->ledger);

    /* decided, never committed: freed, it paid nothing */
    run = dx_payrun_new(f->rs, f->ledger, "2022-12-31", &error);
    assert_non_null(run);
    assert_true(dx_payrun_decide(run, FALSE, &error));
    assert_true(dx_payrun_get_n_paid(run) > 0);
    assert_true(dx_payrun_get_id(run) > 0);
    dx_payrun_free(run);
    after = dx_ledger_dup_head_hash(f->ledger);
    assert_string_equal(after, round_head);

    /* decided, written, committed */
    run = dx_payrun_new(f->rs, f->ledger, "2022-12-31", &error);
    assert_true(dx_payrun_decide(run, FALSE, &error));
    n_paid = dx_payrun_get_n_paid(run);
    assert_true(dx_payrun_write(run, out, &error));
    assert_true(dx_payrun_commit(run, &error));
    dx_payrun_free(run);
    paid_head = dx_ledger_dup_head_hash(f->ledger);
    assert_string_not_equal(paid_head, round_head);
    csv = g_build_filename(out, "payments.csv", NULL);
    assert_true(g_file_test(csv, G_FILE_TEST_EXISTS));

    /* the same date again pays nothing: the first run is committed */
    run = dx_payrun_new(f->rs, f->ledger, "2022-12-31", &error);
    assert_true(dx_payrun_run(run, FALSE, &error));
    assert_int_equal(dx_payrun_get_n_paid(run), 0);
    assert_true(n_paid > 0);
    dx_payrun_free(run);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_abort_leaves_the_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_head_is_the_committed_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_ledger_or_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_payrun_decide_commit, setup, teardown),
    };
    return cmocka_run_group_tests_name("round-commit", tests, NULL, NULL);
}

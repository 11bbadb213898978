/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Ledger locations (docs/ledger.md): which strings name a PostgreSQL
 * server rather than a file, and how every message shows them, never
 * with a password. The expected strings are written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <glib.h>

#include "duixian/dx-ledger.h"

static void
test_location_is_server(void **state)
{
    (void)state;
    assert_true(dx_ledger_location_is_server("postgresql://db/fund"));
    assert_true(dx_ledger_location_is_server("postgres://u@db:5433/fund"));
    assert_true(dx_ledger_location_is_server("host=db dbname=fund"));
    assert_true(dx_ledger_location_is_server("  dbname = fund"));
    assert_true(dx_ledger_location_is_server("service=fund"));
    assert_false(dx_ledger_location_is_server("out/ledger.db"));
    assert_false(dx_ledger_location_is_server("ledger.db"));
    assert_false(dx_ledger_location_is_server("./host=db"));
    assert_false(dx_ledger_location_is_server("/srv/a=b/ledger.db"));
    assert_false(dx_ledger_location_is_server("postgresql:/db"));
    assert_false(dx_ledger_location_is_server(""));
}

static void
assert_display(const char *location, const char *want)
{
    g_autofree char *got = dx_ledger_location_display(location);

    assert_string_equal(got, want);
}

static void
test_location_display_redacts(void **state)
{
    (void)state;
    assert_display("postgresql://dx:dx-secret@127.0.0.1:5432/fund", "postgresql://dx:***@127.0.0.1:5432/fund");
    assert_display("postgres://dx:p%40ss@db/fund", "postgres://dx:***@db/fund");
    /* no password: as it is */
    assert_display("postgresql://dx@db/fund", "postgresql://dx@db/fund");
    assert_display("postgresql://db", "postgresql://db");
    /* '@' in the path or query is not the userinfo's */
    assert_display("postgresql://db/fund?application_name=a@b", "postgresql://db/fund?application_name=a@b");
    assert_display("postgresql://dx@db/fund?password=s3cret&sslmode=disable",
                   "postgresql://dx@db/fund?password=***&sslmode=disable");
    assert_display("postgresql://u:a@db/f?sslmode=require&password=x",
                   "postgresql://u:***@db/f?sslmode=require&password=***");
    assert_display("host=db user=dx password=s3cret dbname=fund", "host=db user=dx password=*** dbname=fund");
    assert_display("host=db password = 's3 cr\\'et' dbname=fund", "host=db password = *** dbname=fund");
    assert_display("password=x", "password=***");
    /* passfile is another keyword; its value is a path, not a secret */
    assert_display("passfile=/home/dx/.pgpass dbname=f", "passfile=/home/dx/.pgpass dbname=f");
    /* a file: its display name */
    assert_display("out/ledger.db", "out/ledger.db");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_location_is_server),
        cmocka_unit_test(test_location_display_redacts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

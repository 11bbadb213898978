/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers the tests share, so that each exists once: where the fixtures
 * are (DX_SOURCE_ROOT and DX_TEST_DATA, set by tests/meson.build), reading
 * a fixture whole, the golden files' rows reversed, sorting names, a
 * decision's reason codes, and, for the tests linked to the internals
 * (DX_COMPILATION), what a DxPriorBook holds for one policy.
 *
 * Include after <cmocka.h>: a helper that cannot go on fails the test
 * with a message instead of handing back NULL to crash on later.
 */
#pragma once

#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include "duixian/duixian.h"
#ifdef DX_COMPILATION
#include "input/dx-prior-private.h"
#endif

/* A path under the source root, from DX_SOURCE_ROOT; "." (the source root
 * itself) when a test is run by hand from there. Free with g_free(). */
static inline char *dx_test_source_path(const char *first, ...) G_GNUC_NULL_TERMINATED;

static inline char *
dx_test_source_path(const char *first, ...)
{
    const char *root = g_getenv("DX_SOURCE_ROOT");
    g_autofree char *rest = NULL;
    va_list ap;

    va_start(ap, first);
    rest = g_build_filename_valist(first, &ap);
    va_end(ap);
    return g_build_filename(root != NULL ? root : ".", rest, NULL);
}

/* tests/data/<kind>/<name> (DX_TEST_DATA, else under the source root);
 * @name "" is the directory itself. */
static inline char *
dx_test_data_path(const char *kind, const char *name)
{
    const char *dir = g_getenv("DX_TEST_DATA");
    g_autofree char *fallback = dir != NULL ? NULL : dx_test_source_path("tests", "data", NULL);

    return g_build_filename(dir != NULL ? dir : fallback, kind, name, NULL);
}

/* The whole file at @path (NUL-terminated; its length in *@len if not
 * NULL); fails the test when it cannot be read. */
static inline char *
dx_test_read_file(const char *path, gsize *len)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, len, &error))
        fail_msg("%s", error->message);
    /* Stealing (not returning text itself) also tells gcc 12 that no pointer
     * to this frame leaves it: -Wdangling-pointer otherwise warns when it is
     * inlined. */
    return g_steal_pointer(&text);
}

/* The same CSV with its data rows in reverse order, the header first
 * (rows are one line each in the golden files; blank lines dropped). */
static inline char *
dx_test_reverse_rows(const char *csv)
{
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    guint n = g_strv_length(lines);
    GString *out = g_string_new(lines[0]);

    g_string_append_c(out, '\n');
    for (guint i = n; i-- > 1;) {
        if (*lines[i] == '\0')
            continue;
        g_string_append(out, lines[i]);
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}

/* For g_ptr_array_sort() of strings: byte order, the same on every machine. */
static inline gint
dx_test_cmp_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A decision's reason codes joined with ';' ("" when none). */
static inline char *
dx_test_reason_codes(const DxDecision *d)
{
    GString *out = g_string_new(NULL);

    for (size_t i = 0; i < dx_decision_get_n_reasons(d); i++) {
        if (i > 0)
            g_string_append_c(out, ';');
        g_string_append(out, dx_reason_code_to_string(dx_decision_get_reason_code(d, i)));
    }
    return g_string_free(out, FALSE);
}

#ifdef DX_COMPILATION
/* @book holds @received fen for @ent under @pol, and counts it as taken
 * (for `once`) exactly when @taken. */
static inline void
dx_test_assert_policy(DxPriorBook *book, const char *ent, const char *pol, int64_t received,
                      gboolean taken)
{
    int64_t r = -1;
    gboolean t = !taken;

    dx_prior_book_get_policy(book, ent, pol, &r, &t);
    assert_int_equal(r, received);
    assert_int_equal(t, taken);
}
#endif

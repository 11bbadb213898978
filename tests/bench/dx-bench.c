/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx-bench: measures the engine, never asserts (no timed unit tests).
 *
 *   dx-bench load RULES [N]            median time of N loads of RULES
 *   dx-bench decide RULES CSV [N [T]]  decide N applications held in memory
 *                                      on T threads (default 1)
 *   dx-bench read CSV                  the CSV reader alone: every record of
 *                                      CSV split into cells, nothing decided
 *
 * `read` is the floor under an end-to-end run (bench_peers.py's "csv-reader"
 * row): the same reader the batch uses (dx_csv_reader_next(): encoding,
 * quotes, record problems), with nothing done with the cells but counting.
 *
 * `decide` reads the rows of CSV into in-memory applications (templates;
 * the file again and again until there are at least 4,096, so they do not
 * all sit in cache), then adds N applications to a batch, all the templates
 * at a time with dx_batch_add_applications(), each time with new app_ids
 * and enterprise ids (two applications per enterprise). It reports the
 * per-application phase (steps 1-5) and the batch-wide phase (duplicates,
 * once, caps, sorting) apart.
 * Wall times are from the monotonic clock, peak memory from getrusage.
 * Floating point here only prints measurements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-batch-private.h"
#include "input/dx-csv-private.h"

static int
cmp_i64(const void *a, const void *b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return (x > y) - (x < y);
}

static long
peak_rss_kib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int
bench_load(const char *rules, int n)
{
    gint64 *t = g_new(gint64, n);

    for (int i = 0; i < n; i++) {
        g_autoptr(GError) error = NULL;
        gint64 t0 = g_get_monotonic_time();
        DxRuleset *rs = dx_ruleset_load_file(rules, NULL, &error);

        t[i] = g_get_monotonic_time() - t0;
        if (rs == NULL) {
            fprintf(stderr, "%s\n", error->message);
            return 1;
        }
        dx_ruleset_unref(rs);
    }
    qsort(t, n, sizeof *t, cmp_i64);
    printf("load %s: median %.3f ms, min %.3f ms, max %.3f ms over %d loads\n", rules, t[n / 2] / 1000.0,
           t[0] / 1000.0, t[n - 1] / 1000.0, n);
    g_free(t);
    return 0;
}

/* Reads every data row of @csv into its own application (text copied). */
static GPtrArray *
read_templates(DxRuleset *rs, const char *csv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxCsvReader) r = dx_csv_reader_new_file(csv, DX_ENCODING_AUTO, NULL, &error);
    GPtrArray *apps = g_ptr_array_new_with_free_func((GDestroyNotify)dx_application_free);
    char **cells, **header = NULL;
    guint n, n_header = 0;

    if (r == NULL) {
        fprintf(stderr, "%s\n", error->message);
        exit(1);
    }
    while (dx_csv_reader_next(r, &cells, &n, &error)) {
        DxApplication *app;

        if (header == NULL) {
            header = g_new0(char *, n + 1);
            for (guint i = 0; i < n; i++)
                header[i] = g_strdup(cells[i]);
            n_header = n;
            continue;
        }
        app = dx_application_new(rs);
        for (guint i = 0; i < MIN(n, n_header); i++) {
            g_autoptr(GError) e = NULL;
            dx_application_set(app, header[i], cells[i], &e);   /* bad cells stay recorded, as in a file */
        }
        g_ptr_array_add(apps, app);
    }
    g_strfreev(header);
    return apps;
}

static int
bench_read(const char *csv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxCsvReader) r = dx_csv_reader_new_file(csv, DX_ENCODING_AUTO, NULL, &error);
    char **cells;
    guint n;
    guint64 records = 0, n_cells = 0, bytes = 0;

    if (r == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    while (dx_csv_reader_next(r, &cells, &n, &error)) {
        records++;
        n_cells += n;
        for (guint i = 0; i < n; i++)
            bytes += strlen(cells[i]);   /* touch every cell, as a caller would */
    }
    if (error != NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    printf("read %s: %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " cells, %" G_GUINT64_FORMAT
           " bytes of cell text\n", csv, records, n_cells, bytes);
    return 0;
}

static double
cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
bench_decide(const char *rules, const char *csv, guint64 n, guint threads)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(rules, NULL, &error);
    g_autoptr(GPtrArray) apps = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = NULL;
    char *ids;
    gint64 t0, t1, t2;
    double c0, c1;
    guint64 decisions;

    if (rs == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    apps = read_templates(rs, csv);
    while (apps->len < 4096) {   /* enough distinct applications that a call keeps every thread busy */
        g_autoptr(GPtrArray) more = read_templates(rs, csv);

        while (more->len > 0)
            g_ptr_array_add(apps, g_ptr_array_steal_index(more, 0));
    }
    /* distinct app_ids and enterprise ids (as in a real batch, where an
     * enterprise applies a few times at most), made before timing starts */
    ids = g_malloc(n * 32);
    for (guint64 i = 0; i < n; i++) {
        g_snprintf(ids + i * 32, 16, "B%014" G_GUINT64_FORMAT, i);
        g_snprintf(ids + i * 32 + 16, 16, "E%014" G_GUINT64_FORMAT, i / 2);
    }
    batch = dx_batch_new(rs);
    dx_batch_set_threads(batch, threads);
    c0 = cpu_s();
    t0 = g_get_monotonic_time();
    for (guint64 i = 0; i < n;) {
        /* all the templates at a time, each with its next ids: applications
         * in memory, handed over without copies (dx_batch_add_applications) */
        guint64 m = MIN(n - i, (guint64)apps->len);

        for (guint64 k = 0; k < m; k++) {
            DxApplication *app = g_ptr_array_index(apps, k);

            for (guint f = 0; f < 2; f++) {   /* app_id, enterprise_id */
                app->slots[f].type = 5;   /* DX_TYPE_TEXT */
                app->slots[f].u.t.s = ids + (i + k) * 32 + f * 16;
                app->slots[f].u.t.len = 15;
                app->present[f] = 1;
            }
        }
        dx_batch_add_applications(batch, (const DxApplication *const *)apps->pdata, m);
        i += m;
    }
    dx_batch_flush(batch);   /* with threads, the last blocks belong to steps 1-5 */
    t1 = g_get_monotonic_time();
    c1 = cpu_s();
    list = dx_batch_decide(batch);
    t2 = g_get_monotonic_time();
    decisions = dx_decision_list_get_n_items(list);
    printf("decide %" G_GUINT64_FORMAT " applications (%u templates from %s) on %u thread%s:\n", n, apps->len,
           csv, threads, threads == 1 ? "" : "s");
    printf("  steps 1-5 per application: %.3f s (CPU %.3f s), %.0f applications/s\n", (t1 - t0) / 1e6, c1 - c0,
           n / ((t1 - t0) / 1e6));
    printf("  batch-wide steps + output order: %.3f s\n", (t2 - t1) / 1e6);
    printf("  total: %.3f s, %" G_GUINT64_FORMAT " decisions, %.0f decisions/s\n", (t2 - t0) / 1e6, decisions,
           decisions / ((t2 - t0) / 1e6));
    printf("  peak RSS: %.1f MiB\n", peak_rss_kib() / 1024.0);
    g_free(ids);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "load") == 0)
        return bench_load(argv[2], argc > 3 ? atoi(argv[3]) : 1000);
    if (argc >= 3 && strcmp(argv[1], "read") == 0)
        return bench_read(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "decide") == 0)
        return bench_decide(argv[2], argv[3], argc > 4 ? g_ascii_strtoull(argv[4], NULL, 10) : 1000000,
                            argc > 5 ? (guint)atoi(argv[5]) : 1);
    fprintf(stderr, "usage: dx-bench load RULES [N] | dx-bench decide RULES CSV [N [THREADS]] | dx-bench read CSV\n");
    return 1;
}

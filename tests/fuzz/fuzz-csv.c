/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness: the CSV reader, UTF-8 and GB18030. The first byte
 * picks the encoding (auto / UTF-8 / GB18030) and small limits or the
 * defaults; the rest is the file. It runs the record reader alone; then
 * again taking whole lines (dx_csv_reader_take_lines, DxCsvTaken, as
 * worker threads do), which must give the very same records, problems and
 * error; then the whole path a file takes (header -> fields -> cells ->
 * decisions) through dx_batch_add_csv_data() with rules/wuchang-2022.yaml,
 * on two threads when the control byte's bit 4 is set.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fuzz-common.h"
#include "input/dx-csv-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
render(GString *out, guint64 line, char **cells, guint n, const char *problem, guint col)
{
    g_string_append_printf(out, "%" G_GUINT64_FORMAT ":%u:%s:%u", line, n, problem != NULL ? problem : "", col);
    for (guint i = 0; i < n; i++) {
        g_string_append_c(out, '|');
        g_string_append(out, cells[i]);   /* NUL inside a cell: a problem, the cell shows its start */
    }
    g_string_append_c(out, '\n');
}

/* Every record, read one by one or (@take) with whole lines taken and split. */
static GString *
read_all(const char *text, gsize len, DxEncoding enc, const DxCsvLimits *limits, gboolean take)
{
    GString *out = g_string_new(NULL);
    GString *lines = g_string_new(NULL);
    GPtrArray *scratch = g_ptr_array_new();
    GError *err = NULL;
    DxCsvReader *r = dx_csv_reader_new_data("fuzz.csv", text, len, enc, limits, &err);
    char **cells;
    guint n_cells, col;

    g_assert(r != NULL);
    for (;;) {
        guint64 first;
        guint n_records;

        while (take && dx_csv_reader_take_lines(r, lines, &first, &n_records) > 0) {
            DxCsvTaken t;
            const char *problem;
            guint64 line;
            guint seen = 0;

            dx_csv_taken_init(&t, lines->str, lines->len, first, dx_csv_reader_get_encoding(r), scratch);
            while (dx_csv_taken_next(&t, &cells, &n_cells, &line, &problem, &col)) {
                render(out, line, cells, n_cells, problem, col);
                seen++;
            }
            g_assert(seen == n_records);
            g_string_truncate(lines, 0);
        }
        if (!dx_csv_reader_next(r, &cells, &n_cells, &err))
            break;
        {
            const char *problem = dx_csv_reader_get_record_problem(r, &col);

            render(out, dx_csv_reader_get_line(r), cells, n_cells, problem, col);
        }
    }
    g_string_append_printf(out, "end %" G_GUINT64_FORMAT " %s\n", dx_csv_reader_get_record_number(r),
                           err != NULL ? err->message : "");
    g_clear_error(&err);
    dx_csv_reader_free(r);
    g_string_free(lines, TRUE);
    g_ptr_array_unref(scratch);
    return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    guint8 ctl = data[0];
    DxEncoding enc = (DxEncoding)(ctl % 3);
    const char *text = (const char *)data + 1;
    gsize len = size - 1;
    DxCsvLimits small = { 256, 8 };
    const DxCsvLimits *limits = (ctl & 4) ? &small : NULL;

    GError *err = NULL;
    DxCsvReader *r = dx_csv_reader_new_data("fuzz.csv", text, len, enc, limits, &err);
    g_assert(r != NULL);
    char **cells;
    guint n_cells;
    guint64 records = 0;
    while (dx_csv_reader_next(r, &cells, &n_cells, &err)) {
        g_assert(n_cells >= 1);
        guint col = 0;
        const char *problem = dx_csv_reader_get_record_problem(r, &col);
        if (problem == NULL)
            for (guint i = 0; i < n_cells; i++)
                g_assert(g_utf8_validate(cells[i], -1, NULL));
        else
            g_assert(col >= 1 && col <= n_cells);
        g_assert(dx_csv_reader_get_encoding(r) != DX_ENCODING_AUTO);
        records++;
        g_assert(dx_csv_reader_get_record_number(r) == records);
    }
    if (err != NULL) {
        g_assert(err->domain == DX_ERROR);
        g_clear_error(&err);
    }
    dx_csv_reader_free(r);

    {
        GString *one = read_all(text, len, enc, limits, FALSE);
        GString *taken = read_all(text, len, enc, limits, TRUE);

        if (strcmp(one->str, taken->str) != 0) {
            fprintf(stderr, "one by one:\n%s\ntaken lines:\n%s\n", one->str, taken->str);
            abort();
        }
        g_string_free(one, TRUE);
        g_string_free(taken, TRUE);
    }

    if (ctl & 8) {
        DxBatch *b = dx_batch_new(fuzz_get_rules());

        if (ctl & 16)
            dx_batch_set_threads(b, 2);
        DxLoadOptions *o = dx_load_options_new();
        dx_load_options_set_encoding(o, enc);
        if (dx_batch_add_csv_data(b, text, (gssize)len, "fuzz.csv", o, &err)) {
            DxDecisionList *dl = dx_batch_decide(b);
            dx_decision_list_unref(dl);
        } else {
            g_assert(err != NULL && err->domain == DX_ERROR);
            g_clear_error(&err);
        }
        dx_load_options_free(o);
        dx_batch_free(b);
    }
    return 0;
}

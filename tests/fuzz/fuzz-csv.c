/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness: the CSV reader, UTF-8 and GB18030. The first byte
 * picks the encoding (auto / UTF-8 / GB18030) and small limits or the
 * defaults; the rest is the file. It runs the record reader alone, then the
 * whole path a file takes (header -> fields -> cells -> decisions) through
 * dx_batch_add_csv_data() with rules/wuchang-2022.yaml.
 */
#include <stdint.h>
#include <string.h>
#include "fuzz-common.h"
#include "dx-csv-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

    if (ctl & 8) {
        DxBatch *b = dx_batch_new(fuzz_get_rules());
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

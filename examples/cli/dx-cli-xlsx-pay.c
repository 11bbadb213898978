/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * pay --xlsx: each treasury-BATCH.csv of a payment run's directory (as
 * dx_payrun_write() wrote it) again as treasury-BATCH.xlsx, the payment
 * order a bureau hands to the treasury (国库集中支付): one sheet, amounts as
 * numbers of 元 and as whole fen, and a total. Read back from the CSV, as
 * the round's workbooks are, so the two files cannot disagree.
 */
#include "dx-cli-xlsx.h"

#include <glib/gstdio.h>
#include <string.h>

enum { T_BATCH, T_DATE, T_BUREAU, T_EID, T_ENAME, T_APP, T_POLICY, T_PNAME, T_BASIS, T_K, T_OF, T_YUAN, T_FEN, T_N };

static gboolean
xlsx_treasury_one(const char *csv_path, const char *xlsx_path, GError **error)
{
    static const char *const titles[] = { "批次", "拨付日期", "主管部门", "企业代码", "企业名称", "申报编号", "政策编号",
                                          "政策名称", "政策依据", "期次", "拨付金额（元）", "拨付金额（分）" };
    static const double widths[] = { 22, 12, 10, 16, 24, 16, 14, 30, 30, 8, 16, 14 };
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    DxCliXlsx *x;
    lxw_worksheet *ws;
    gsize len = 0;
    guint bad = 0;
    int64_t total = 0;
    lxw_row_t r = 1;

    if (!g_file_get_contents(csv_path, &text, &len, error))
        return FALSE;
    rows = dx_cli_csv_parse(text, len, &bad);
    if (rows == NULL || rows->len < 2) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: not a payment file", csv_path);
        return FALSE;
    }
    /* every row of one file is one batch, one date */
    x = dx_cli_xlsx_new(xlsx_path, "国库集中支付 拨付明细", ((char **)g_ptr_array_index(rows, 1))[T_DATE], error);
    if (x == NULL)
        return FALSE;
    ws = dx_cli_xlsx_sheet(x, "拨付明细", "Sheet1");
    dx_cli_xlsx_titles(x, ws, titles, widths, G_N_ELEMENTS(titles));
    for (guint i = 1; i < rows->len; i++, r++) {
        char **c = g_ptr_array_index(rows, i);
        g_autofree char *k = NULL;
        gint64 fen = 0;

        if (g_strv_length(c) != T_N || !g_ascii_string_to_signed(c[T_FEN], 10, 0, G_MAXINT64, &fen, NULL)) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: row %u is not a payment line", csv_path, i + 1);
            dx_cli_xlsx_close(x, NULL);
            g_unlink(xlsx_path);
            return FALSE;
        }
        worksheet_write_string(ws, r, 0, c[T_BATCH], NULL);
        dx_cli_xlsx_date(x, ws, r, 1, c[T_DATE]);
        worksheet_write_string(ws, r, 2, c[T_BUREAU], NULL);
        worksheet_write_string(ws, r, 3, c[T_EID], NULL);
        worksheet_write_string(ws, r, 4, c[T_ENAME], NULL);
        worksheet_write_string(ws, r, 5, c[T_APP], NULL);
        worksheet_write_string(ws, r, 6, c[T_POLICY], NULL);
        worksheet_write_string(ws, r, 7, c[T_PNAME], NULL);
        worksheet_write_string(ws, r, 8, c[T_BASIS], NULL);
        k = g_strdup_printf("%s/%s", c[T_K], c[T_OF]);
        worksheet_write_string(ws, r, 9, k, NULL);
        dx_cli_xlsx_yuan(ws, r, 10, fen, x->yuan);
        worksheet_write_number(ws, r, 11, (double)fen, NULL);   /* fen < 2^53: exact */
        total += fen;
    }
    worksheet_write_string(ws, r, 0, "合计", x->bold);
    dx_cli_xlsx_yuan(ws, r, 10, total, x->bold_yuan);
    worksheet_write_number(ws, r, 11, (double)total, x->bold);
    return dx_cli_xlsx_close(x, error);
}

gboolean
dx_cli_write_treasury_xlsx(const char *dir, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (d == NULL)
        return FALSE;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(name, "treasury-") && g_str_has_suffix(name, ".csv"))
            g_ptr_array_add(names, g_strdup(name));
    }
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *base = g_strndup(n, strlen(n) - 4);
        g_autofree char *xname = g_strconcat(base, ".xlsx", NULL);
        g_autofree char *csv = g_build_filename(dir, n, NULL);
        g_autofree char *xlsx = g_build_filename(dir, xname, NULL);

        if (!xlsx_treasury_one(csv, xlsx, error))
            return FALSE;
    }
    return TRUE;
}

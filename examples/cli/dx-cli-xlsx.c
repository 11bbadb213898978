/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Excel helpers the program's workbooks share (decisions.xlsx,
 * schedule.xlsx, the 公示名单): a workbook written under a temporary name
 * and renamed into place, as the library writes its files, with a fixed
 * creation time so that the same round gives the same bytes; titles;
 * amounts; dates; and the Chinese names of statuses and reason codes.
 */
#include "dx-cli-xlsx.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

DxCliXlsx *
dx_cli_xlsx_new(const char *path, const char *title, const char *created_ymd, GError **error)
{
    DxCliXlsx *x = g_new0(DxCliXlsx, 1);
    lxw_doc_properties props = { 0 };
    struct tm tm = { 0 };
    int y = 2000, m = 1, d = 1;

    x->path = g_strdup(path);
    x->tmp = g_strconcat(path, ".tmp", NULL);
    x->wb = workbook_new(x->tmp);
    if (x->wb == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be written", path);
        g_free(x->path);
        g_free(x->tmp);
        g_free(x);
        return NULL;
    }
    /* noon UTC of the approval date: a fixed time, not now, so the bytes
     * depend only on the round (libxlsxwriter stamps the zip entries with a
     * fixed date of its own) */
    if (created_ymd != NULL)
        sscanf(created_ymd, "%d-%d-%d", &y, &m, &d);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    props.created = timegm(&tm);
    props.title = (char *)title;
    props.author = (char *)"duixian";
    workbook_set_properties(x->wb, &props);
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_bg_color(x->title, 0xEEEEEE);
    format_set_text_wrap(x->title);
    format_set_align(x->title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(x->title, LXW_BORDER_THIN);
    x->yuan = workbook_add_format(x->wb);
    format_set_num_format(x->yuan, "#,##0.00");
    x->bold_yuan = workbook_add_format(x->wb);
    format_set_num_format(x->bold_yuan, "#,##0.00");
    format_set_bold(x->bold_yuan);
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->date = workbook_add_format(x->wb);
    format_set_num_format(x->date, "yyyy-mm-dd");
    return x;
}

gboolean
dx_cli_xlsx_close(DxCliXlsx *x, GError **error)
{
    lxw_error err = workbook_close(x->wb);
    gboolean ok = err == LXW_NO_ERROR;

    if (!ok)
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", x->path, lxw_strerror(err));
    else if (g_rename(x->tmp, x->path) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", x->path, g_strerror(errno));
        ok = FALSE;
    }
    if (!ok)
        g_unlink(x->tmp);
    g_free(x->path);
    g_free(x->tmp);
    g_free(x);
    return ok;
}

lxw_worksheet *
dx_cli_xlsx_sheet(DxCliXlsx *x, const char *name, const char *fallback)
{
    GString *s = g_string_new(NULL);
    glong n = 0;
    lxw_worksheet *ws;

    /* Excel: at most 31 characters, none of []:*?/\ */
    for (const char *p = name; *p != '\0' && n < 31; p = g_utf8_next_char(p), n++) {
        if (strchr("[]:*?/\\", *p) != NULL)
            g_string_append_c(s, '_');
        else
            g_string_append_unichar(s, g_utf8_get_char(p));
    }
    if (s->len == 0 || workbook_validate_sheet_name(x->wb, s->str) != LXW_NO_ERROR)
        g_string_assign(s, fallback);
    ws = workbook_add_worksheet(x->wb, s->str);
    g_string_free(s, TRUE);
    return ws;
}

void
dx_cli_xlsx_titles(DxCliXlsx *x, lxw_worksheet *ws, const char *const *titles, const double *widths, guint n)
{
    for (guint c = 0; c < n; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, titles[c], x->title);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_set_row(ws, 0, 30, NULL);
    worksheet_freeze_panes(ws, 1, 0);
}

/* The one place a double touches money, and only for display: Excel keeps
 * every number as an IEEE 754 double. The cell's value is fen / 100 computed
 * once from the exact int64 fen (the integer converts to double exactly
 * below 2^53, and the division is correctly rounded); nothing is summed in
 * floating point, totals are summed in fen first. libxlsxwriter writes the
 * double with 16 significant digits. Read back and rounded to two decimals
 * (or × 100 and rounded to an integer) it gives the fen exactly for every
 * |amount| below 2^51 fen (about 2.25 × 10^13 元), more than the money
 * limit of duixian (10^13 元, docs/rules.md §2); tests/cli/test-xlsx.py
 * checks every amount of a round. Nothing reads these cells back to decide
 * money: the round's fen are in decisions.csv and the ledger. */
void
dx_cli_xlsx_yuan(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen, lxw_format *fmt)
{
    worksheet_write_number(ws, row, col, (double)fen / 100.0, fmt);
}

void
dx_cli_xlsx_date(DxCliXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *ymd)
{
    lxw_datetime dt = { 0 };
    char tail = 0;

    if (strlen(ymd) == 10 && sscanf(ymd, "%4d-%2d-%2d%c", &dt.year, &dt.month, &dt.day, &tail) == 3 &&
        g_date_valid_dmy((GDateDay)dt.day, (GDateMonth)dt.month, (GDateYear)dt.year))
        worksheet_write_datetime(ws, row, col, &dt, x->date);
    else
        worksheet_write_string(ws, row, col, ymd, NULL);
}

/* The library's short names (the words of duixian explain and
 * report.html); a string that is no status or code is shown as it is. */
const char *
dx_cli_status_zh(const char *status)
{
    DxStatus s;

    return dx_status_from_string(status, &s) ? dx_status_to_label(s, "zh") : status;
}

const char *
dx_cli_reason_zh(const char *code)
{
    DxReasonCode c;

    return dx_reason_code_from_string(code, &c) ? dx_reason_code_to_label(c, "zh") : code;
}

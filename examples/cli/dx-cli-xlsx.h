/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The program's Excel files, through libxlsxwriter: only the CLI includes
 * <xlsxwriter.h>, so libduixian does not depend on it (README, Dependencies).
 */
#pragma once

#include "dx-cli-private.h"

#include <xlsxwriter.h>

/* One workbook being written to a temporary name beside @path; the formats
 * every sheet shares. dx_cli_xlsx_close() renames it into place. */
typedef struct {
    lxw_workbook *wb;
    char *path, *tmp;
    lxw_format *title;   /* bold, grey fill, wrapped: the column titles */
    lxw_format *yuan;    /* #,##0.00 */
    lxw_format *date;    /* yyyy-mm-dd */
    lxw_format *bold_yuan, *bold;
} DxCliXlsx;

/* @created_ymd (YYYY-MM-DD, the round's approval date) becomes the file's
 * creation time, so the same round writes the same bytes. */
DxCliXlsx *dx_cli_xlsx_new(const char *path, const char *title, const char *created_ymd, GError **error);
gboolean dx_cli_xlsx_close(DxCliXlsx *x, GError **error);
/* A sheet named @name, made valid for Excel (31 characters, no []:*?/\),
 * or @fallback when that name is taken. */
lxw_worksheet *dx_cli_xlsx_sheet(DxCliXlsx *x, const char *name, const char *fallback);
/* The titles in row 0, frozen, with widths (in characters) per column. */
void dx_cli_xlsx_titles(DxCliXlsx *x, lxw_worksheet *ws, const char *const *titles, const double *widths, guint n);
/* An amount of 元 as a number cell, from integer fen; see the comment. */
void dx_cli_xlsx_yuan(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen, lxw_format *fmt);
/* A real date cell from "YYYY-MM-DD"; text when it is not a date. */
void dx_cli_xlsx_date(DxCliXlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *ymd);

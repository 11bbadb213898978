/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From a row to an application (input/dx-app-reader.c). The read loops
 * that call these are the batch's (decide/dx-batch-read.c).
 */
#pragma once

#include <glib.h>
#include "input/dx-application-private.h"
#include "input/dx-csv-private.h"
#include "rules/dx-yaml-private.h"

/* How a CSV file's columns map to slots (valid while it is read). */
typedef struct {
    const gint *slot_of_column;   /* -1: ignored column */
    guint n_header;
} DxCsvColumns;

/* Reads the header, the first record of @reader, and maps its columns:
 * *slot_of_column (n_header entries, g_free()) is -1 for a column that
 * names no field, whose name is then appended to @unknown ("“a”, “b”");
 * @column_of_slot (n_fields entries, zeroed by the caller) gets each
 * field's 1-based column. FALSE with @error set on an empty file, a
 * problem in the header or two columns that give one field. The batch and
 * dx_application_read_row() both read a header here, so a row read back
 * has the columns the batch saw. */
G_GNUC_INTERNAL gboolean dx_csv_read_header(const DxRuleset *rs, DxCsvReader *reader, gint **slot_of_column,
                                            guint *n_header, guint *column_of_slot, GString *unknown,
                                            GError **error);

/* Fills @app from one CSV record (cells NUL-terminated; @problem: the
 * reader's record problem, a static string, or NULL). */
G_GNUC_INTERNAL void dx_csv_record_to_app(DxApplication *app, const DxCsvColumns *cols, const char *const *cells,
                                          guint n_cells, guint64 line, const char *problem, guint bad_col);
/* Fills @app from item @index of a YAML/JSON list: @m should be a map of
 * column: value. @seen (n_fields entries, scratch) finds a field given
 * twice; keys that match no field are added once to @unknown and to
 * @unknown_list ("“a”, “b”") for the batch's warning. */
G_GNUC_INTERNAL void dx_yaml_item_to_app(const DxRuleset *rs, DxApplication *app, const DxYamlNode *m, guint index,
                                         guint *seen, GHashTable *unknown, GString *unknown_list);

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From a row to an application: one CSV record, or one item of a YAML/JSON
 * list, fills a reused DxApplication whose text values borrow the record's
 * cells. A problem confined to the row is recorded on the application
 * (which will be `invalid`, naming row, column and reason); the read loops
 * that stop on a problem of the whole file live with the batch
 * (decide/dx-batch-read.c). dx_application_read_row() reads one row of a
 * file back the same way, for a program that explains a decision.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "input/dx-app-reader-private.h"
#include "base/dx-cell-private.h"
#include "input/dx-csv-private.h"
#include "base/dx-options-private.h"
#include "rules/dx-yaml-private.h"

#include <string.h>

gboolean
dx_csv_read_header(const DxRuleset *rs, DxCsvReader *reader, gint **slot_of_column, guint *n_header,
                   guint *column_of_slot, GString *unknown, GError **error)
{
    const char *name = dx_csv_reader_get_name(reader);
    g_autoptr(GError) local = NULL;
    g_autofree gint *slots = NULL;
    char **cells = NULL;
    guint n_cells = 0, col;
    const char *problem;

    if (!dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        if (local != NULL) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:1:1: empty file: no header row", name);
        return FALSE;
    }
    problem = dx_csv_reader_get_record_problem(reader, &col);
    if (problem != NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%" G_GUINT64_FORMAT ":%u: header: %s", name,
                    dx_csv_reader_get_line(reader), col, problem);
        return FALSE;
    }
    slots = g_new(gint, MAX(n_cells, 1));
    for (guint i = 0; i < n_cells; i++) {
        gsize len = strlen(cells[i]);
        const char *t = dx_cell_trim(cells[i], &len);
        g_autofree char *column = g_strndup(t, len);
        const DxField *f = dx_ruleset_find_column(rs, column);

        slots[i] = -1;
        if (f == NULL) {
            g_string_append_printf(unknown, "%s“%s”", unknown->len ? ", " : "", column);
            continue;
        }
        if (column_of_slot[f->ref.slot] != 0) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:%" G_GUINT64_FORMAT ":%u: header: columns %u and %u both give field “%s”", name,
                        dx_csv_reader_get_line(reader), i + 1, column_of_slot[f->ref.slot], i + 1, f->name);
            return FALSE;
        }
        column_of_slot[f->ref.slot] = i + 1;
        slots[i] = (gint)f->ref.slot;
    }
    *slot_of_column = g_steal_pointer(&slots);
    *n_header = n_cells;
    return TRUE;
}

void
dx_csv_record_to_app(DxApplication *app, const DxCsvColumns *cols, const char *const *cells, guint n_cells,
                     guint64 line, const char *problem, guint bad_col)
{
    dx_application_reset(app);
    app->row = line;
    if (problem != NULL) {
        /* the reader's problems are kept in both languages, as bad cells are */
        const char *zh = dx_cell_why_zh(problem);

        dx_application_add_problem(app, G_MAXUINT, bad_col, "第 %u 列：%s%ccolumn %u: %s", bad_col,
                                   zh != NULL ? zh : problem, DX_BILINGUAL_SEP, bad_col, problem);
    }
    if (n_cells != cols->n_header)
        dx_application_add_problem(app, G_MAXUINT, 0, "该行有 %u 个单元格，表头有 %u 列%cthe row has %u cells, the header %u",
                                   n_cells, cols->n_header, DX_BILINGUAL_SEP, n_cells, cols->n_header);
    for (guint i = 0; i < MIN(n_cells, cols->n_header); i++) {
        const char *why = NULL;

        if (cols->slot_of_column[i] < 0 || (problem != NULL && bad_col == i + 1))
            continue;
        dx_application_set_slot_cell(app, (guint)cols->slot_of_column[i], cells[i], strlen(cells[i]), FALSE,
                                     i + 1, &why);
    }
}

/* A YAML problem is reported as "row N, column C" with N the line of the
 * item's map, so a column is only meaningful on that same line. */
static guint
app_reader_yaml_column(const DxYamlNode *map, const DxYamlNode *node)
{
    return node->line == map->line ? node->col : 0;
}

void
dx_yaml_item_to_app(const DxRuleset *rs, DxApplication *app, const DxYamlNode *m, guint index, guint *seen,
                    GHashTable *unknown, GString *unknown_list)
{
    dx_application_reset(app);
    app->row = m->line;
    memset(seen, 0, rs->n_fields * sizeof *seen);
    if (m->kind != DX_YAML_MAP) {
        dx_application_add_problem(app, G_MAXUINT, m->col, "item %u is not a map of field: value", index);
        return;
    }
    for (guint k = 0; k < m->n_items; k++) {
        const DxField *f = dx_ruleset_find_column(rs, m->keys[k]->text);
        const DxYamlNode *v = m->values[k];
        const char *why = NULL;

        if (f == NULL) {
            if (!g_hash_table_contains(unknown, m->keys[k]->text)) {
                g_hash_table_add(unknown, (gpointer)m->keys[k]->text);
                g_string_append_printf(unknown_list, "%s“%s”", unknown_list->len ? ", " : "",
                                       m->keys[k]->text);
            }
            continue;
        }
        if (seen[f->ref.slot] != 0) {
            dx_application_add_problem(app, f->ref.slot, app_reader_yaml_column(m, m->keys[k]),
                                       "field “%s” is given twice (line %u and line %u)", f->name,
                                       seen[f->ref.slot], m->keys[k]->line);
            continue;
        }
        seen[f->ref.slot] = m->keys[k]->line;
        if (v->kind != DX_YAML_SCALAR) {
            dx_application_add_problem(app, f->ref.slot, app_reader_yaml_column(m, v),
                                       "expected a single value");
            continue;
        }
        /* JSON null (and YAML ~) written plainly means "not given" */
        if (v->plain && (strcmp(v->text, "null") == 0 || strcmp(v->text, "~") == 0))
            continue;
        dx_application_set_slot_cell(app, f->ref.slot, v->text, v->len, FALSE, app_reader_yaml_column(m, v),
                                     &why);
    }
}

DxApplication *
dx_application_read_row(DxRuleset *ruleset, const char *path, guint64 line, const DxLoadOptions *options,
                        GError **error)
{
    DxLoadOptions opts;
    g_autoptr(DxCsvReader) reader = NULL;
    g_autoptr(GString) unknown = g_string_new(NULL);
    g_autoptr(GError) local = NULL;
    g_autofree gint *slot_of_column = NULL;
    g_autofree guint *column_of_slot = NULL;
    DxCsvColumns cols;
    char **cells = NULL;
    guint n_cells = 0;

    g_return_val_if_fail(ruleset != NULL && path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    dx_load_options_resolve(options, &opts);
    reader = dx_csv_reader_new_file(path, opts.encoding, &opts.csv, error);
    if (reader == NULL)
        return NULL;
    column_of_slot = g_new0(guint, MAX(ruleset->n_fields, 1));
    if (!dx_csv_read_header(ruleset, reader, &slot_of_column, &cols.n_header, column_of_slot, unknown, error))
        return NULL;
    cols.slot_of_column = slot_of_column;
    /* rows are in line order, so the scan stops at the first row past @line */
    while (dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        guint64 at = dx_csv_reader_get_line(reader);
        guint bad_col = 0;
        const char *problem;
        DxApplication *app;

        if (line != 0 && at < line)
            continue;
        if (line != 0 && at > line)
            break;
        problem = dx_csv_reader_get_record_problem(reader, &bad_col);
        app = dx_application_new(ruleset);
        dx_csv_record_to_app(app, &cols, (const char *const *)cells, n_cells, at, problem, bad_col);
        dx_application_own_texts(app);
        return app;
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return NULL;
    }
    if (line == 0)
        g_set_error(error, DX_ERROR, DX_ERROR_FAILED, "%s: no row after the header", dx_csv_reader_get_name(reader));
    else
        g_set_error(error, DX_ERROR, DX_ERROR_FAILED, "%s:%" G_GUINT64_FORMAT ": no row starts on this line",
                    dx_csv_reader_get_name(reader), line);
    return NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading applications (spec §2 "Data cells"). CSV is streamed record by
 * record through one reused DxApplication whose text values borrow the
 * reader's buffer; YAML/JSON files (a list of maps) are parsed whole,
 * within the documented size limit. A problem confined to a row makes
 * that row `invalid` (naming row, column and reason) and the batch goes
 * on; only a problem with the file as a whole (unreadable, header without
 * app_id / enterprise_id / submitted_on, a field named by two columns, an
 * unclosed quote, a limit) stops reading.
 */
#include "duixian/duixian.h"
#include "dx-application-private.h"
#include "dx-batch-private.h"
#include "dx-cell-private.h"
#include "dx-csv-private.h"
#include "dx-options-private.h"
#include "dx-yaml-private.h"

#include <string.h>

#define DX_PROGRESS_EVERY 65536u

static const guint required_slots[] = { DX_SLOT_APP_ID, DX_SLOT_ENTERPRISE_ID, DX_SLOT_SUBMITTED_ON };

gboolean
dx_batch_read_csv(DxBatch *self, DxCsvReader *reader, GError **error)
{
    const DxRuleset *rs = self->rs;
    const char *name = dx_csv_reader_get_name(reader);
    char **cells = NULL;
    guint n_cells = 0, n_header, column_of_slot_required[3] = { 0, 0, 0 };
    g_autofree gint *slot_of_column = NULL;
    g_autofree guint *column_of_slot = NULL;
    g_autoptr(GString) unknown = g_string_new(NULL);
    g_autoptr(GError) local = NULL;
    DxApplication *app = self->reader_app;
    DxCsvColumns cols;
    guint64 rows = 0;

    if (!dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        if (local != NULL) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:1:1: empty file: no header row", name);
        return FALSE;
    }
    {
        guint col;
        const char *problem = dx_csv_reader_get_record_problem(reader, &col);

        if (problem != NULL) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%" G_GUINT64_FORMAT ":%u: header: %s",
                        name, dx_csv_reader_get_line(reader), col, problem);
            return FALSE;
        }
    }
    n_header = n_cells;
    slot_of_column = g_new(gint, n_header);
    column_of_slot = g_new0(guint, rs->n_fields);
    for (guint i = 0; i < n_header; i++) {
        gsize len = strlen(cells[i]);
        const char *t = dx_cell_trim(cells[i], &len);
        g_autofree char *col = g_strndup(t, len);
        const DxField *f = dx_ruleset_find_column(rs, col);

        slot_of_column[i] = -1;
        if (f == NULL) {
            g_string_append_printf(unknown, "%s“%s”", unknown->len ? ", " : "", col);
            continue;
        }
        if (column_of_slot[f->ref.slot] != 0) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:%" G_GUINT64_FORMAT ":%u: header: columns %u and %u both give field “%s”", name,
                        dx_csv_reader_get_line(reader), i + 1, column_of_slot[f->ref.slot], i + 1, f->name);
            return FALSE;
        }
        column_of_slot[f->ref.slot] = i + 1;
        slot_of_column[i] = (gint)f->ref.slot;
    }
    for (guint k = 0; k < G_N_ELEMENTS(required_slots); k++) {
        column_of_slot_required[k] = column_of_slot[required_slots[k]];
        if (column_of_slot_required[k] == 0) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:%" G_GUINT64_FORMAT ":1: header: no column for the required field “%s”", name,
                        dx_csv_reader_get_line(reader), rs->fields[required_slots[k]].name);
            return FALSE;
        }
    }
    if (unknown->len > 0)
        dx_batch_add_warning(self, "%s: ignored columns that match no field: %s", name, unknown->str);

    cols.slot_of_column = slot_of_column;
    cols.n_header = n_header;
    for (;;) {
        guint bad_col = 0;
        const char *problem;

        /* on worker threads, whole lines go to the workers unsplit; what
         * they cannot take (quotes, a line across reads) is read here */
        while (dx_batch_take_csv_lines(self, &cols, reader)) {
            if (self->progress != NULL)
                self->progress(dx_csv_reader_get_bytes_read(reader), dx_csv_reader_get_bytes_total(reader),
                               self->progress_data);
        }
        if (!dx_csv_reader_next(reader, &cells, &n_cells, &local))
            break;
        problem = dx_csv_reader_get_record_problem(reader, &bad_col);
        dx_batch_add_csv_record(self, &cols, (const char *const *)cells, n_cells, dx_csv_reader_get_line(reader),
                                problem, bad_col);
        if (++rows % DX_PROGRESS_EVERY == 0 && self->progress != NULL)
            self->progress(dx_csv_reader_get_bytes_read(reader), dx_csv_reader_get_bytes_total(reader),
                           self->progress_data);
    }
    dx_batch_flush(self);   /* worker threads use slot_of_column */
    dx_application_reset(app);
    if (self->progress != NULL)
        self->progress(dx_csv_reader_get_bytes_read(reader), dx_csv_reader_get_bytes_total(reader),
                       self->progress_data);
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

void
dx_csv_record_to_app(DxApplication *app, const DxCsvColumns *cols, const char *const *cells, guint n_cells,
                     guint64 line, const char *problem, guint bad_col)
{
    dx_application_reset(app);
    app->row = line;
    if (problem != NULL)
        dx_application_add_problem(app, G_MAXUINT, bad_col, "column %u: %s", bad_col, problem);
    if (n_cells != cols->n_header)
        dx_application_add_problem(app, G_MAXUINT, 0, "the row has %u cells, the header %u", n_cells,
                                   cols->n_header);
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

gboolean
dx_batch_read_yaml(DxBatch *self, const char *name, const char *data, gsize len, const DxLoadOptions *options,
                   GError **error)
{
    const DxRuleset *rs = self->rs;
    g_autoptr(DxYamlDoc) doc = dx_yaml_parse(name, data, len, &options->app_yaml, error);
    g_autoptr(GHashTable) unknown = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GString) unknown_list = g_string_new(NULL);
    g_autofree guint *seen = g_new0(guint, rs->n_fields);
    const DxYamlNode *root;
    DxApplication *app = self->reader_app;

    if (doc == NULL)
        return FALSE;
    root = dx_yaml_doc_get_root(doc);
    if (root == NULL)
        return TRUE;   /* an empty file holds no applications */
    if (root->kind != DX_YAML_SEQ) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%u:%u: expected a list of applications (maps)",
                    name, root->line, root->col);
        return FALSE;
    }
    for (guint i = 0; i < root->n_items; i++) {
        const DxYamlNode *m = root->values[i];

        dx_application_reset(app);
        app->row = m->line;
        memset(seen, 0, rs->n_fields * sizeof *seen);
        if (m->kind != DX_YAML_MAP) {
            dx_application_add_problem(app, G_MAXUINT, m->col, "item %u is not a map of field: value", i);
            dx_batch_add_application(self, app);
            continue;
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
        dx_batch_add_application(self, app);
    }
    dx_application_reset(app);
    if (unknown_list->len > 0)
        dx_batch_add_warning(self, "%s: ignored keys that match no field: %s", name, unknown_list->str);
    return TRUE;
}

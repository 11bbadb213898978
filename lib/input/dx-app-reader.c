/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From a row to an application: one CSV record, or one item of a YAML/JSON
 * list, fills a reused DxApplication whose text values borrow the record's
 * cells. A problem confined to the row is recorded on the application
 * (which will be `invalid`, naming row, column and reason); the read loops
 * that stop on a problem of the whole file live with the batch
 * (decide/dx-batch-read.c).
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "input/dx-app-reader-private.h"
#include "base/dx-cell-private.h"
#include "input/dx-csv-private.h"
#include "base/dx-options-private.h"
#include "rules/dx-yaml-private.h"

#include <string.h>

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

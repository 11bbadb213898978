/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The checks file (dx-checks-private.h): rows read as applications are,
 * by the same cell parsers, into one reused DxApplication, then copied into
 * flat arrays (a value and a flag per slot per row, texts in one chunk):
 * a fund with a million lines has a quarter of a million enterprises, and
 * an application apiece would cost more than the run that reads them.
 */
#include "duixian/duixian.h"
#include "input/dx-checks-private.h"
#include "input/dx-app-reader-private.h"
#include "input/dx-csv-private.h"
#include "base/dx-cell-private.h"
#include "base/dx-options-private.h"
#include "rules/dx-ruleset-private.h"
#include "rules/dx-yaml-private.h"

#include <string.h>

struct _DxChecks {
    DxRuleset *rs;               /* (owned ref) */
    char *name;
    GHashTable *rows;            /* enterprise_id (in texts) -> row index + 1 */
    GArray *values;              /* DxValue, rs->n_fields per row; texts point into texts */
    GByteArray *present;         /* rs->n_fields per row */
    GArray *lines;               /* guint64 per row */
    GStringChunk *texts;
    DxApplication *reader;       /* reused for every row */
    guint8 *has_slot;            /* per slot: the file has a column for it */
    char *sha256;
    GPtrArray *warnings;         /* char*, NULL-terminated */
};

static DxChecks *
checks_new(DxRuleset *rs, const char *name)
{
    DxChecks *self = g_new0(DxChecks, 1);

    self->rs = dx_ruleset_ref(rs);
    self->name = g_strdup(name);
    self->rows = g_hash_table_new(g_str_hash, g_str_equal);
    self->values = g_array_new(FALSE, FALSE, sizeof(DxValue));
    self->present = g_byte_array_new();
    self->lines = g_array_new(FALSE, FALSE, sizeof(guint64));
    self->texts = g_string_chunk_new(64 * 1024);
    self->reader = dx_application_new(rs);
    self->has_slot = g_new0(guint8, MAX(rs->n_fields, 1));
    self->warnings = g_ptr_array_new_with_free_func(g_free);
    return self;
}

void
dx_checks_free(DxChecks *self)
{
    if (self == NULL)
        return;
    g_hash_table_unref(self->rows);
    g_array_unref(self->values);
    g_byte_array_unref(self->present);
    g_array_unref(self->lines);
    g_string_chunk_free(self->texts);
    dx_application_free(self->reader);
    g_free(self->has_slot);
    g_ptr_array_unref(self->warnings);
    g_free(self->sha256);
    g_free(self->name);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

/* The row's first problem as a fatal error, or its missing or repeated
 * enterprise; else the row (in @app, which stays the caller's) is copied
 * into the checks. */
static gboolean
checks_take_row(DxChecks *self, DxApplication *app, guint64 line, GError **error)
{
    static const guint ignored[] = { DX_SLOT_APP_ID, DX_SLOT_SUBMITTED_ON, DX_SLOT_POLICY };
    const DxRuleset *rs = self->rs;
    const DxValue *eid;
    const char *key;
    guint had, n = rs->n_fields;

    if (app->problems->len > 0) {
        const DxCellProblem *p = &g_array_index(app->problems, DxCellProblem, 0);
        g_autofree char *why = dx_bilingual_pick(p->message, TRUE);

        if (p->slot == G_MAXUINT)
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%" G_GUINT64_FORMAT ":%u: %s", self->name, line,
                        p->column, why);
        else
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%" G_GUINT64_FORMAT ":%u: field “%s”: %s",
                        self->name, line, p->column, rs->fields[p->slot].name, why);
        return FALSE;
    }
    for (guint i = 0; rs->has_bad_defaults && i < n; i++) {
        if (!app->present[i] && rs->fields[i].default_bad != NULL) {
            g_autofree char *why = dx_bilingual_pick(rs->fields[i].default_bad, TRUE);

            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:%" G_GUINT64_FORMAT ": field “%s” is empty and its default is out of bounds: %s",
                        self->name, line, rs->fields[i].name, why);
            return FALSE;
        }
    }
    if (!app->present[DX_SLOT_ENTERPRISE_ID]) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%" G_GUINT64_FORMAT ": enterprise_id is empty",
                    self->name, line);
        return FALSE;
    }
    eid = &app->slots[DX_SLOT_ENTERPRISE_ID];
    if ((had = GPOINTER_TO_UINT(g_hash_table_lookup(self->rows, eid->u.t.s))) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                    "%s:%" G_GUINT64_FORMAT ": enterprise_id “%s” has a row already (line %" G_GUINT64_FORMAT ")",
                    self->name, line, eid->u.t.s, g_array_index(self->lines, guint64, had - 1));
        return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(ignored); i++)
        app->present[ignored[i]] = 0;
    g_array_append_vals(self->values, app->slots, n);
    g_byte_array_append(self->present, app->present, n);
    g_array_append_val(self->lines, line);
    /* the reader's texts are borrowed from its buffer: copied once here */
    for (guint i = 0; i < n; i++) {
        DxValue *v = &g_array_index(self->values, DxValue, self->values->len - n + i);

        if (app->present[i] && v->type == DX_TYPE_TEXT)
            v->u.t.s = g_string_chunk_insert_len(self->texts, v->u.t.s, v->u.t.len);
    }
    key = g_array_index(self->values, DxValue, self->values->len - n + DX_SLOT_ENTERPRISE_ID).u.t.s;
    g_hash_table_insert(self->rows, (gpointer)key, GUINT_TO_POINTER(self->lines->len));
    return TRUE;
}

/* app_id, submitted_on and policy come from the grant (§13) */
static void
checks_warn_builtins(DxChecks *self, const guint *column_of_slot)
{
    static const guint ignored[] = { DX_SLOT_APP_ID, DX_SLOT_SUBMITTED_ON, DX_SLOT_POLICY };
    GString *cols = g_string_new(NULL);

    for (guint i = 0; i < G_N_ELEMENTS(ignored); i++) {
        if (column_of_slot[ignored[i]] != 0)
            g_string_append_printf(cols, "%s“%s”", cols->len ? ", " : "", self->rs->fields[ignored[i]].name);
    }
    if (cols->len > 0)
        g_ptr_array_add(self->warnings, g_strdup_printf("%s: ignored columns %s: the grant supplies them",
                                                        self->name, cols->str));
    g_string_free(cols, TRUE);
}

static gboolean
checks_read_csv(DxChecks *self, const char *data, gsize len, const DxLoadOptions *opts, GError **error)
{
    g_autoptr(DxCsvReader) reader = dx_csv_reader_new_data(self->name, data, len, opts->encoding, &opts->csv, error);
    g_autoptr(GString) unknown = g_string_new(NULL);
    g_autofree gint *slot_of_column = NULL;
    g_autofree guint *column_of_slot = NULL;
    g_autoptr(GError) local = NULL;
    DxCsvColumns cols;
    char **cells = NULL;
    guint n_cells = 0;

    if (reader == NULL)
        return FALSE;
    column_of_slot = g_new0(guint, MAX(self->rs->n_fields, 1));
    if (!dx_csv_read_header(self->rs, reader, &slot_of_column, &cols.n_header, column_of_slot, unknown, error))
        return FALSE;
    if (column_of_slot[DX_SLOT_ENTERPRISE_ID] == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:1:1: header: no enterprise_id column", self->name);
        return FALSE;
    }
    cols.slot_of_column = slot_of_column;
    for (guint s = 0; s < self->rs->n_fields; s++)
        self->has_slot[s] = column_of_slot[s] != 0;
    checks_warn_builtins(self, column_of_slot);
    if (unknown->len > 0)
        g_ptr_array_add(self->warnings, g_strdup_printf("%s: ignored columns that match no field: %s", self->name,
                                                        unknown->str));
    while (dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        guint64 line = dx_csv_reader_get_line(reader);
        guint bad_col = 0;
        const char *problem = dx_csv_reader_get_record_problem(reader, &bad_col);

        dx_csv_record_to_app(self->reader, &cols, (const char *const *)cells, n_cells, line, problem, bad_col);
        if (!checks_take_row(self, self->reader, line, error))
            return FALSE;
    }
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

static gboolean
checks_read_yaml(DxChecks *self, const char *data, gsize len, const DxLoadOptions *opts, GError **error)
{
    g_autoptr(DxYamlDoc) doc = dx_yaml_parse(self->name, data, len, &opts->app_yaml, error);
    g_autoptr(GHashTable) unknown = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GString) unknown_list = g_string_new(NULL);
    g_autofree guint *seen = g_new0(guint, MAX(self->rs->n_fields, 1));
    g_autofree guint *column_of_slot = g_new0(guint, MAX(self->rs->n_fields, 1));
    const DxYamlNode *root;

    if (doc == NULL)
        return FALSE;
    root = dx_yaml_doc_get_root(doc);
    if (root == NULL)
        return TRUE;
    if (root->kind != DX_YAML_SEQ) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%u:%u: expected a list of rows (maps)", self->name,
                    root->line, root->col);
        return FALSE;
    }
    for (guint i = 0; i < root->n_items; i++) {
        dx_yaml_item_to_app(self->rs, self->reader, root->values[i], i, seen, unknown, unknown_list);
        for (guint s = 0; s < self->rs->n_fields; s++)
            column_of_slot[s] |= seen[s] != 0;
        if (!checks_take_row(self, self->reader, root->values[i]->line, error))
            return FALSE;
    }
    for (guint s = 0; s < self->rs->n_fields; s++)
        self->has_slot[s] = column_of_slot[s] != 0;
    checks_warn_builtins(self, column_of_slot);
    if (unknown_list->len > 0)
        g_ptr_array_add(self->warnings, g_strdup_printf("%s: ignored keys that match no field: %s", self->name,
                                                        unknown_list->str));
    return TRUE;
}

static gboolean
checks_is_yaml(const char *path)
{
    g_autofree char *lower = g_ascii_strdown(path, -1);

    return g_str_has_suffix(lower, ".yaml") || g_str_has_suffix(lower, ".yml") || g_str_has_suffix(lower, ".json");
}

DxChecks *
dx_checks_read_file(DxRuleset *rs, const char *path, const DxLoadOptions *options, GError **error)
{
    g_autoptr(DxChecks) self = NULL;
    g_autoptr(GError) io_error = NULL;
    g_autofree char *data = NULL;
    DxLoadOptions opts;
    gsize len = 0;

    g_return_val_if_fail(rs != NULL && path != NULL, NULL);
    dx_load_options_resolve(options, &opts);
    /* the checks are small: read once, hash what was read */
    if (!g_file_get_contents(path, &data, &len, &io_error)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, io_error->message);
        return NULL;
    }
    self = checks_new(rs, path);
    {
        /* a row has at least an id, a comma and a newline: reserve for a
         * row per 16 bytes at most, so a quarter of a million rows grow no array */
        guint guess = (guint)MIN(len / 16, (gsize)G_MAXUINT / MAX(rs->n_fields, 1) / 2);

        g_array_set_size(self->values, guess * rs->n_fields);
        g_array_set_size(self->values, 0);
        g_array_set_size(self->lines, guess);
        g_array_set_size(self->lines, 0);
    }
    self->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    if (checks_is_yaml(path) ? !checks_read_yaml(self, data, len, &opts, error)
                             : !checks_read_csv(self, data, len, &opts, error))
        return NULL;
    g_ptr_array_add(self->warnings, NULL);
    return g_steal_pointer(&self);
}

gboolean
dx_checks_lookup(const DxChecks *self, const char *enterprise_id, DxChecksRow *row)
{
    guint at = self != NULL ? GPOINTER_TO_UINT(g_hash_table_lookup(self->rows, enterprise_id)) : 0;
    gsize n = self != NULL ? self->rs->n_fields : 0;

    if (at == 0)
        return FALSE;
    row->slots = &g_array_index(self->values, DxValue, (at - 1) * n);
    row->present = &self->present->data[(at - 1) * n];
    row->line = g_array_index(self->lines, guint64, at - 1);
    return TRUE;
}

gboolean
dx_checks_has_slot(const DxChecks *self, guint slot)
{
    return slot < self->rs->n_fields && self->has_slot[slot];
}

guint
dx_checks_get_n_rows(const DxChecks *self)
{
    return g_hash_table_size(self->rows);
}

const char *
dx_checks_get_sha256(const DxChecks *self)
{
    return self->sha256;
}

gboolean
dx_checks_read_into(DxChecks **slot, DxRuleset *rs, const char *path, const DxLoadOptions *options, GError **error)
{
    DxChecks *checks = dx_checks_read_file(rs, path, options, error);

    if (checks == NULL)
        return FALSE;
    dx_checks_free(*slot);
    *slot = checks;
    return TRUE;
}

const char *const *
dx_checks_get_warnings_or_none(const DxChecks *self)
{
    static const char *const none[] = { NULL };

    return self != NULL ? dx_checks_get_warnings(self) : none;
}

const char *const *
dx_checks_get_warnings(const DxChecks *self)
{
    return (const char *const *)self->warnings->pdata;
}

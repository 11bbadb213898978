/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The batch's read loops (docs/rules.md, "Data cells"). CSV is streamed
 * record by record (or, on several threads, in blocks of whole lines that
 * the workers split); YAML/JSON files (a list of maps) are parsed whole,
 * within the documented size limit. Each row becomes an application
 * through input/dx-app-reader.c and is decided at once. A problem confined
 * to a row makes that row `invalid` and the batch goes on; only a problem
 * with the file as a whole (unreadable, header without app_id /
 * enterprise_id / submitted_on, a field named by two columns, an unclosed
 * quote, a limit) stops reading.
 *
 * This file calls into the batch (dx-batch.c: adding, warning, flushing)
 * and never the other way round.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "input/dx-app-reader-private.h"
#include "input/dx-csv-private.h"
#include "decide/dx-batch-private.h"
#include "base/dx-options-private.h"
#include "rules/dx-yaml-private.h"

#include "base/dx-cell-private.h"

#include <string.h>
#include <glib/gstdio.h>
#include <stdio.h>

#define DX_PROGRESS_EVERY 65536u

static const guint required_slots[] = { DX_SLOT_APP_ID, DX_SLOT_ENTERPRISE_ID, DX_SLOT_SUBMITTED_ON };

/* A field as bureau staff know it: the label first (the column title of
 * their export), then the name and the aliases that are also accepted. */
static void
append_field_titles(GString *out, const DxField *f)
{
    gboolean own_label = strcmp(f->label, f->name) != 0;
    guint n = 0;

    g_string_append(out, f->label);
    if (own_label)
        g_string_append_printf(out, " (%s", f->name);
    for (guint i = 0; f->aliases != NULL && f->aliases[i] != NULL; i++) {
        if (strcmp(f->aliases[i], f->label) == 0)
            continue;   /* an alias that repeats the label says nothing new */
        g_string_append(out, n++ > 0 ? ", " : own_label ? "; also accepted: " : " (also accepted: ");
        g_string_append(out, f->aliases[i]);
    }
    if (own_label || n > 0)
        g_string_append_c(out, ')');
}

static gboolean
slot_in(const guint *slots, guint n, guint slot)
{
    for (guint i = 0; i < n; i++) {
        if (slots[i] == slot)
            return TRUE;
    }
    return FALSE;
}

/* Whether some policy reads @slot: a declared field that nothing reads
 * costs nothing when its column is absent, so it is not warned about. */
static gboolean
ruleset_reads_slot(const DxRuleset *rs, guint slot)
{
    for (guint p = 0; p < rs->n_policies; p++) {
        const DxPolicy *pol = &rs->policies[p];

        for (guint c = 0; c < pol->n_clauses; c++) {
            if (slot_in(pol->clauses[c].slots, pol->clauses[c].n_slots, slot))
                return TRUE;
        }
        if (slot_in(pol->award_slots, pol->n_award_slots, slot) || slot_in(pol->cap_slots, pol->n_cap_slots, slot) ||
            slot_in(pol->rank_by_slots, pol->n_rank_by_slots, slot))
            return TRUE;
    }
    return FALSE;
}

/* One warning for all the declared fields no column gives (and no default
 * fills): otherwise the only sign would be every application that needs
 * one coming out `incomplete`, one by one. */
static void
warn_missing_columns(DxBatch *self, const char *name, const guint *column_of_slot)
{
    const DxRuleset *rs = self->rs;
    g_autoptr(GString) list = g_string_new(NULL);
    guint n = 0;

    for (guint i = DX_N_BUILTIN_SLOTS; i < rs->n_fields; i++) {
        const DxField *f = &rs->fields[i];

        if (column_of_slot[i] != 0 || f->has_default || !ruleset_reads_slot(rs, i))
            continue;
        if (n++ > 0)
            g_string_append(list, ", ");
        append_field_titles(list, f);
    }
    if (n > 0)
        dx_batch_add_warning(self,
                             "%s: no column for %u declared field%s: %s; every application whose policy reads %s "
                             "is incomplete: add %s to the header",
                             name, n, n == 1 ? "" : "s", list->str, n == 1 ? "it" : "one of them",
                             n == 1 ? "the column" : "the columns");
}

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

    column_of_slot = g_new0(guint, MAX(rs->n_fields, 1));
    if (!dx_csv_read_header(rs, reader, &slot_of_column, &n_header, column_of_slot, unknown, error))
        return FALSE;
    for (guint k = 0; k < G_N_ELEMENTS(required_slots); k++) {
        column_of_slot_required[k] = column_of_slot[required_slots[k]];
        if (column_of_slot_required[k] == 0) {
            const DxField *f = &rs->fields[required_slots[k]];
            g_autoptr(GString) titles = g_string_new(NULL);

            append_field_titles(titles, f);
            if (strcmp(f->label, f->name) != 0)
                g_string_append_printf(titles, ": add a column titled %s or %s", f->label, f->name);
            else
                g_string_append_printf(titles, ": add a column titled %s", f->name);
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                        "%s:%" G_GUINT64_FORMAT ":1: header: no column for the required field %s", name,
                        dx_csv_reader_get_line(reader), titles->str);
            return FALSE;
        }
    }
    if (unknown->len > 0)
        dx_batch_add_warning(self, "%s: ignored columns that match no field: %s", name, unknown->str);
    warn_missing_columns(self, name, column_of_slot);

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

        dx_yaml_item_to_app(rs, app, m, i, seen, unknown, unknown_list);
        dx_batch_add_application(self, app);
    }
    dx_application_reset(app);
    if (unknown_list->len > 0)
        dx_batch_add_warning(self, "%s: ignored keys that match no field: %s", name, unknown_list->str);
    return TRUE;
}

/* ---- the public entry points: files and data ---- */

/* Hashes a file on its own thread while the caller decodes it: the round
 * records the input's SHA-256, and on a two-core machine this costs no
 * wall time. Returns the hex digest, or NULL if the file could not be read
 * (the reader reports that itself). */
static gpointer
batch_hash_file(gpointer data)
{
    const char *path = data;
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guchar *buf = g_malloc(1 << 20);
    FILE *f = g_fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
        g_checksum_update(sum, buf, n);
    fclose(f);
    return g_strdup(g_checksum_get_string(sum));
}

typedef struct {
    const char *data;
    gsize len;
} DxHashJob;

static gpointer
batch_hash_data(gpointer data)
{
    const DxHashJob *job = data;

    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)job->data, job->len);
}

void
dx_batch_set_hash_input(DxBatch *self, gboolean hash)
{
    g_return_if_fail(self != NULL);
    self->skip_input_hash = !hash;
}

static void
batch_add_input_hash(DxBatch *self, char *hex_take)
{
    if (self->skip_input_hash) {
        g_free(hex_take);
        return;
    }
    g_ptr_array_add(self->input_hashes, hex_take != NULL ? hex_take : g_strdup("unreadable"));
    g_clear_pointer(&self->input_sha256, g_free);
}

gboolean
dx_batch_add_csv_file(DxBatch *self, const char *path, const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;
    g_autoptr(DxCsvReader) reader = NULL;
    GThread *hasher;
    gboolean ok;

    g_return_val_if_fail(self != NULL && path != NULL, FALSE);
    g_return_val_if_fail(!self->finished, FALSE);
    dx_load_options_resolve(options, &opts);
    reader = dx_csv_reader_new_file(path, opts.encoding, &opts.csv, error);
    if (reader == NULL)
        return FALSE;
    if (self->skip_input_hash)
        return dx_batch_read_csv(self, reader, error);
    hasher = g_thread_new("dx-hash", batch_hash_file, (gpointer)path);
    ok = dx_batch_read_csv(self, reader, error);
    batch_add_input_hash(self, g_thread_join(hasher));
    return ok;
}

const char *
dx_batch_get_input_sha256(DxBatch *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    if (self->input_sha256 == NULL) {
        if (self->input_hashes->len == 0) {
            self->input_sha256 = g_strdup("");
        } else if (self->input_hashes->len == 1) {
            self->input_sha256 = g_strdup(g_ptr_array_index(self->input_hashes, 0));
        } else {
            g_autoptr(GString) all = g_string_new(NULL);

            for (guint i = 0; i < self->input_hashes->len; i++)
                g_string_append_printf(all, "%s\n", (char *)g_ptr_array_index(self->input_hashes, i));
            self->input_sha256 = g_compute_checksum_for_string(G_CHECKSUM_SHA256, all->str, (gssize)all->len);
        }
    }
    return self->input_sha256;
}

gboolean
dx_batch_add_csv_data(DxBatch *self, const char *data, gssize len, const char *name,
                      const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;
    g_autoptr(DxCsvReader) reader = NULL;

    g_return_val_if_fail(self != NULL && data != NULL, FALSE);
    g_return_val_if_fail(!self->finished, FALSE);
    dx_load_options_resolve(options, &opts);
    if (len < 0)
        len = (gssize)strlen(data);
    reader = dx_csv_reader_new_data(name != NULL ? name : "<csv>", data, (gsize)len, opts.encoding, &opts.csv, error);
    if (reader == NULL)
        return FALSE;
    if (self->skip_input_hash)
        return dx_batch_read_csv(self, reader, error);
    if (len < (1 << 20)) {
        batch_add_input_hash(self, g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, (gsize)len));
        return dx_batch_read_csv(self, reader, error);
    }
    {
        /* as for a file: hash on another thread while the rows are read
         * (@data is borrowed for this call, so join before returning) */
        DxHashJob job = { data, (gsize)len };
        GThread *hasher = g_thread_new("dx-hash", batch_hash_data, &job);
        gboolean ok = dx_batch_read_csv(self, reader, error);

        batch_add_input_hash(self, g_thread_join(hasher));
        return ok;
    }
}

gboolean
dx_batch_add_yaml_file(DxBatch *self, const char *path, const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) io_error = NULL;

    g_return_val_if_fail(self != NULL && path != NULL, FALSE);
    g_return_val_if_fail(!self->finished, FALSE);
    dx_load_options_resolve(options, &opts);
    {
        GStatBuf st;

        if (g_stat(path, &st) == 0 && (guint64)st.st_size > opts.app_yaml.max_input_bytes) {
            g_set_error(error, DX_ERROR, DX_ERROR_LIMIT, "%s:1:1: file is larger than %" G_GSIZE_FORMAT " bytes",
                        path, opts.app_yaml.max_input_bytes);
            return FALSE;
        }
    }
    if (!g_file_get_contents(path, &data, &len, &io_error)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, io_error->message);
        return FALSE;
    }
    if (!self->skip_input_hash)
        batch_add_input_hash(self, g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len));
    return dx_batch_read_yaml(self, path, data, len, &opts, error);
}

gboolean
dx_batch_add_yaml_data(DxBatch *self, const char *data, gssize len, const char *name,
                       const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;

    g_return_val_if_fail(self != NULL && data != NULL, FALSE);
    g_return_val_if_fail(!self->finished, FALSE);
    dx_load_options_resolve(options, &opts);
    if (len < 0)
        len = (gssize)strlen(data);
    if (!self->skip_input_hash)
        batch_add_input_hash(self, g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, (gsize)len));
    return dx_batch_read_yaml(self, name != NULL ? name : "<yaml>", data, (gsize)len, &opts, error);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxBatch: applications in, decisions out (spec §6 steps 1-6). Each added
 * application is decided at once into compact records (dx-decide.c); the
 * batch-wide steps run in dx_batch_decide(). Readers (dx-app-reader.c)
 * stream rows through one reused DxApplication.
 */
#include "duixian/duixian.h"
#include "dx-application-private.h"
#include "dx-batch-private.h"
#include "dx-options-private.h"

#include <string.h>
#include <glib/gstdio.h>
#include <stdio.h>

DxBatch *
dx_batch_new(DxRuleset *ruleset)
{
    DxBatch *self;

    g_return_val_if_fail(ruleset != NULL, NULL);
    self = g_new0(DxBatch, 1);
    self->rs = dx_ruleset_ref(ruleset);
    self->list = dx_decision_list_new(ruleset);
    dx_decide_scratch_init(&self->scratch, ruleset);
    self->reader_app = dx_application_new(ruleset);
    self->warnings = g_ptr_array_new_with_free_func(g_free);
    self->input_hashes = g_ptr_array_new_with_free_func(g_free);
    return self;
}

void
dx_batch_free(DxBatch *self)
{
    if (self == NULL)
        return;
    dx_decision_list_unref(self->list);
    dx_decide_scratch_clear(&self->scratch);
    dx_application_free(self->reader_app);
    g_ptr_array_unref(self->warnings);
    g_ptr_array_unref(self->input_hashes);
    g_free(self->input_sha256);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

void
dx_batch_set_progress_func(DxBatch *self, DxProgressFunc func, void *user_data)
{
    g_return_if_fail(self != NULL);
    self->progress = func;
    self->progress_data = user_data;
}

void
dx_batch_add_warning(DxBatch *self, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(self->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

size_t dx_batch_get_n_warnings(const DxBatch *self) { g_return_val_if_fail(self, 0); return self->warnings->len; }
uint64_t dx_batch_get_n_rows(const DxBatch *self) { g_return_val_if_fail(self, 0); return self->n_rows; }

const char *
dx_batch_get_warning(const DxBatch *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->warnings->len, NULL);
    return g_ptr_array_index(self->warnings, index);
}

void
dx_batch_add_application(DxBatch *self, const DxApplication *app)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail(app != NULL && app->rs == self->rs);
    g_return_if_fail(!self->finished);

    dx_decide_application(self->list, app, self->n_rows++, &self->scratch);
}

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

static void
batch_add_input_hash(DxBatch *self, char *hex_take)
{
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
    batch_add_input_hash(self, g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, (gsize)len));
    return dx_batch_read_csv(self, reader, error);
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
    batch_add_input_hash(self, g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, (gsize)len));
    return dx_batch_read_yaml(self, name != NULL ? name : "<yaml>", data, (gsize)len, &opts, error);
}

DxDecisionList *
dx_batch_steal_list(DxBatch *self)
{
    DxDecisionList *list = self->list;

    self->list = dx_decision_list_new(self->rs);
    self->finished = TRUE;
    return list;
}

DxDecisionList *
dx_batch_decide(DxBatch *self)
{
    DxDecisionList *list;

    g_return_val_if_fail(self != NULL, NULL);
    if (self->finished)
        return dx_decision_list_ref(self->list);
    {
        guint n_order;

        g_free(dx_decide_batch_steps(self->list, NULL, NULL, NULL, &n_order));
    }
    dx_decide_settle(self->list);
    dx_decision_list_seal(self->list);
    self->finished = TRUE;
    list = dx_decision_list_ref(self->list);
    return list;
}

DxDecisionList *
dx_ruleset_decide(DxRuleset *ruleset, const DxApplication *app)
{
    g_autoptr(DxBatch) batch = NULL;

    g_return_val_if_fail(ruleset != NULL && app != NULL, NULL);
    batch = dx_batch_new(ruleset);
    dx_batch_add_application(batch, app);
    return dx_batch_decide(batch);
}

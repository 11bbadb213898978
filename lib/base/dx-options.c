/* SPDX-License-Identifier: LGPL-2.1-or-later
 * DxLoadOptions: limits with documented defaults (README "Limits"). */
#include "duixian/duixian.h"
#include "base/dx-options-private.h"

#include <string.h>

#define DX_DEFAULT_MAX_APP_FILE_BYTES ((gsize)256 << 20)

static void
options_defaults(DxLoadOptions *o)
{
    o->yaml.max_depth = DX_YAML_DEFAULT_MAX_DEPTH;
    o->yaml.max_scalar_bytes = DX_YAML_DEFAULT_MAX_SCALAR_BYTES;
    o->yaml.max_nodes = DX_YAML_DEFAULT_MAX_NODES;
    o->yaml.max_input_bytes = DX_YAML_DEFAULT_MAX_INPUT_BYTES;
    o->app_yaml = o->yaml;
    o->app_yaml.max_input_bytes = DX_DEFAULT_MAX_APP_FILE_BYTES;
    o->app_yaml.max_nodes = 50000000;
    o->expr.max_depth = DX_EXPR_DEFAULT_MAX_DEPTH;
    o->expr.max_length = DX_EXPR_DEFAULT_MAX_LENGTH;
    o->csv.max_record_bytes = DX_CSV_DEFAULT_MAX_RECORD_BYTES;
    o->csv.max_columns = DX_CSV_DEFAULT_MAX_COLUMNS;
    o->encoding = DX_ENCODING_AUTO;
    o->max_policies = 10000;
    o->max_fields = 10000;
    o->overrides = NULL;
}

DxLoadOptions *
dx_load_options_new(void)
{
    DxLoadOptions *o = g_new0(DxLoadOptions, 1);

    options_defaults(o);
    return o;
}

void
dx_load_options_free(DxLoadOptions *self)
{
    if (self == NULL)
        return;
    if (self->overrides != NULL)
        g_ptr_array_unref(self->overrides);
    g_free(self);
}

gboolean
dx_load_options_add_override(DxLoadOptions *self, const char *setting, GError **error)
{
    const char *eq;

    g_return_val_if_fail(self != NULL && setting != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    eq = strchr(setting, '=');
    if (eq == NULL || eq == setting || eq[1] == '\0') {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "--set “%s”: write NAME=VALUE (a parameter, or envelope.KEY), e.g. hq_rate=1.5%%", setting);
        return FALSE;
    }
    if (self->overrides == NULL)
        self->overrides = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(self->overrides, g_strdup(setting));
    return TRUE;
}

void
dx_load_options_resolve(const DxLoadOptions *options, DxLoadOptions *out)
{
    if (options != NULL)
        *out = *options;
    else
        options_defaults(out);
}

void
dx_load_options_set_encoding(DxLoadOptions *self, DxEncoding encoding)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail(encoding <= DX_ENCODING_GB18030);
    self->encoding = encoding;
}

void
dx_load_options_set_max_yaml_depth(DxLoadOptions *self, guint depth)
{
    g_return_if_fail(self != NULL);
    self->yaml.max_depth = self->app_yaml.max_depth = depth != 0 ? depth : DX_YAML_DEFAULT_MAX_DEPTH;
}

void
dx_load_options_set_max_expr_depth(DxLoadOptions *self, guint depth)
{
    g_return_if_fail(self != NULL);
    self->expr.max_depth = depth != 0 ? depth : DX_EXPR_DEFAULT_MAX_DEPTH;
}

void
dx_load_options_set_max_file_bytes(DxLoadOptions *self, uint64_t bytes)
{
    g_return_if_fail(self != NULL);
    self->yaml.max_input_bytes = bytes != 0 ? (gsize)bytes : DX_YAML_DEFAULT_MAX_INPUT_BYTES;
    self->app_yaml.max_input_bytes = bytes != 0 ? (gsize)bytes : DX_DEFAULT_MAX_APP_FILE_BYTES;
}

void
dx_load_options_set_max_csv_columns(DxLoadOptions *self, guint columns)
{
    g_return_if_fail(self != NULL);
    self->csv.max_columns = columns != 0 ? columns : DX_CSV_DEFAULT_MAX_COLUMNS;
}

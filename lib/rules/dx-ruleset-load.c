/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From a YAML tree to a sealed DxRuleset (docs/rules.md §1-§5). Every key is
 * checked against the list of keys its mapping may have, every scalar is
 * interpreted by the key that holds it (no implicit YAML typing), and
 * every expression is parsed and type-checked here, once. Each error is
 * one line: "file:line:col: key.path: message", pointing at the offending
 * node, or inside an expression at the offending character.
 *
 * Order matters: bureaus, then fields (expressions bind to them), then
 * groups and the fund, then policies.
 */
#include "rules/dx-loader-private.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

gboolean
dx_ruleset_load_yaml(DxRuleset *self, const char *data, gsize len, const DxLoadOptions *options,
                     GError **error)
{
    static const char *const keys[] = { "format", "fund", "bureaus", "fields", "groups", "policies", "params", NULL };
    static const char *const v2_keys[] = { "params", NULL };
    static const char *const required[] = { "format", "fund", "bureaus", "fields", "policies", NULL };
    DxLoader l = { .rs = self, .file = self->source_name, .data = data, .len = len, .error = error };
    g_autoptr(DxYamlDoc) doc = NULL;
    const DxYamlNode *root, *fmt, *groups;

    dx_load_options_resolve(options, &l.opts);
    doc = dx_yaml_parse(self->source_name, data, len, &l.opts.yaml, error);
    if (doc == NULL)
        return FALSE;
    root = dx_yaml_doc_get_root(doc);
    if (root == NULL)
        return dx_load_fail(&l, NULL, "", DX_ERROR_RULES_INVALID, "the ruleset is empty");
    if (!dx_load_expect_kind(&l, root, "", DX_YAML_MAP))
        return FALSE;
    /* the format first: it decides which keys the rest may have (§9) */
    fmt = dx_yaml_map_lookup(root, "format");
    if (fmt != NULL) {
        if (!dx_load_expect_kind(&l, fmt, "format", DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(fmt->text, "duixian/1") == 0)
            l.format = 1;
        else if (strcmp(fmt->text, "duixian/2") == 0)
            l.format = 2;
        else
            return dx_load_fail(&l, fmt, "format", DX_ERROR_RULES_INVALID,
                                "unsupported format “%s” (this engine reads duixian/1 and duixian/2)", fmt->text);
    }
    self->format = l.format;
    if (!dx_load_check_format_keys(&l, root, "", v2_keys, NULL) || !dx_load_check_keys(&l, root, "", keys, required))
        return FALSE;
    if (!dx_load_bureaus(&l, dx_yaml_map_lookup(root, "bureaus")) ||
        !dx_load_fields(&l, dx_yaml_map_lookup(root, "fields")))
        return FALSE;
    if (dx_yaml_map_lookup(root, "params") != NULL && !dx_load_params(&l, dx_yaml_map_lookup(root, "params")))
        return FALSE;
    if (!dx_load_apply_param_overrides(&l))
        return FALSE;
    groups = dx_yaml_map_lookup(root, "groups");
    if (groups != NULL && !dx_load_groups(&l, groups))
        return FALSE;
    if (!dx_load_fund(&l, dx_yaml_map_lookup(root, "fund")) || !dx_load_apply_envelope_overrides(&l) ||
        !dx_load_policies(&l, dx_yaml_map_lookup(root, "policies")))
        return FALSE;
    if (!dx_load_check_overrides_used(&l))
        return FALSE;
    dx_ruleset_lint(&l, root);
    return TRUE;
}

/* ---- the public entry points ---- */

static DxRuleset *
ruleset_load(const char *name, const char *data, gsize len, const DxLoadOptions *options,
             GError **error)
{
    g_autoptr(DxRuleset) self = dx_ruleset_new_empty(name);

    self->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    if (!dx_ruleset_load_yaml(self, data, len, options, error))
        return NULL;
    return g_steal_pointer(&self);
}

DxRuleset *
dx_ruleset_load_file(const char *path, const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) io_error = NULL;
    GStatBuf st;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    dx_load_options_resolve(options, &opts);
    /* check the size before reading, so a huge file is refused cheaply */
    if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > opts.yaml.max_input_bytes) {
        g_set_error(error, DX_ERROR, DX_ERROR_LIMIT, "%s:1:1: file is larger than %" G_GSIZE_FORMAT " bytes",
                    path, opts.yaml.max_input_bytes);
        return NULL;
    }
    if (!g_file_get_contents(path, &data, &len, &io_error)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, io_error->message);
        return NULL;
    }
    return ruleset_load(path, data, len, &opts, error);
}

DxRuleset *
dx_ruleset_load_data(const char *data, gssize len, const char *name, const DxLoadOptions *options,
                     GError **error)
{
    DxLoadOptions opts;

    g_return_val_if_fail(data != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    dx_load_options_resolve(options, &opts);
    return ruleset_load(name != NULL ? name : "<rules>", data, len < 0 ? strlen(data) : (gsize)len,
                        &opts, error);
}

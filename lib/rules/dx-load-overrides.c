/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What-if settings (dx_load_options_add_override(), `--set NAME=VALUE`):
 * a parameter given one value for every date, or an envelope given another
 * total, applied while the rules are loaded so that everything compiled
 * after them (policies, caps, the fund) sees the set values exactly as if
 * the file said so. Parameters are set right after `params` is read,
 * envelopes right after `fund`; a setting that names neither is an error
 * once the whole file is read. The ruleset keeps the settings, so every
 * output can say it is a what-if and a round refuses to commit it.
 */
#include "rules/dx-loader-private.h"
#include "base/dx-num-private.h"   /* dx_date_parse */

#include <string.h>

/* The value part of "NAME=VALUE"; @name_len is the length of NAME. */
static const char *
override_split(const char *setting, gsize *name_len)
{
    const char *eq = strchr(setting, '=');

    *name_len = (gsize)(eq - setting);
    return eq + 1;
}

static gboolean
override_fail(DxLoader *l, const char *setting, const char *why)
{
    g_set_error(l->error, DX_ERROR, DX_ERROR_VALUE_INVALID, "--set %s: %s", setting, why);
    return FALSE;
}

/* Keeps @setting on the ruleset, once per name (a later one wins). */
static void
override_record(DxRuleset *rs, const char *setting)
{
    gsize n;

    override_split(setting, &n);
    if (rs->overrides == NULL)
        rs->overrides = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < rs->overrides->len; i++) {
        const char *o = g_ptr_array_index(rs->overrides, i);

        if (strncmp(o, setting, n) == 0 && o[n] == '=') {
            g_free(rs->overrides->pdata[i]);
            rs->overrides->pdata[i] = g_strdup(setting);
            return;
        }
    }
    g_ptr_array_add(rs->overrides, g_strdup(setting));
}

static gboolean
override_param(DxLoader *l, DxParam *p, const char *setting, const char *value)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DxExprNode) node = NULL;
    g_autofree char *why = NULL;
    DxError code;
    gint32 first;

    /* one value, in force from the first representable day */
    dx_date_parse("0001-01-01", 10, &first);
    for (guint i = 0; i < p->n_values; i++)
        g_free(p->texts[i]);
    p->n_values = 1;
    p->dates[0] = first;
    p->texts[1] = NULL;
    if (p->ftype == DX_FIELD_TEXT) {
        p->texts[0] = g_strdup(value);
        p->values[0].type = DX_TYPE_TEXT;
        p->values[0].u.t.s = p->texts[0];
        p->values[0].u.t.len = (guint32)strlen(p->texts[0]);
    } else {
        p->texts[0] = NULL;
        node = dx_expr_parse(value, -1, &l->opts.expr, &err);
        if (node == NULL)
            return override_fail(l, setting, err->message);
        if (!dx_load_param_value_from_node(p, node, value, 0, &code, &why))
            return override_fail(l, setting, why);
    }
    p->overridden = TRUE;
    p->ref.n_values = 1;
    override_record(l->rs, setting);
    return TRUE;
}

gboolean
dx_load_apply_param_overrides(DxLoader *l)
{
    for (guint i = 0; l->opts.overrides != NULL && i < l->opts.overrides->len; i++) {
        const char *setting = g_ptr_array_index(l->opts.overrides, i);
        gsize n;
        const char *value = override_split(setting, &n);

        for (guint k = 0; k < l->rs->n_params; k++) {
            DxParam *p = &l->rs->params[k];

            if (strlen(p->name) == n && strncmp(p->name, setting, n) == 0 && !override_param(l, p, setting, value))
                return FALSE;
        }
    }
    return TRUE;
}

gboolean
dx_load_apply_envelope_overrides(DxLoader *l)
{
    DxRuleset *rs = l->rs;

    for (guint i = 0; l->opts.overrides != NULL && i < l->opts.overrides->len; i++) {
        const char *setting = g_ptr_array_index(l->opts.overrides, i);
        gsize n;
        const char *value = override_split(setting, &n);
        g_autoptr(GError) err = NULL;
        g_autoptr(DxExprNode) node = NULL;
        int64_t fen, diff;

        if (n <= strlen("envelope.") || strncmp(setting, "envelope.", strlen("envelope.")) != 0)
            continue;
        for (guint e = 0; e < rs->n_envelopes; e++) {
            const DxEnvelope *env = &rs->envelopes[e];

            if (strlen(env->key) != n - strlen("envelope.") ||
                strncmp(env->key, setting + strlen("envelope."), n - strlen("envelope.")) != 0)
                continue;
            node = dx_expr_parse(value, -1, &l->opts.expr, &err);
            if (node == NULL)
                return override_fail(l, setting, err->message);
            /* money literals are exact in fen: whole fen when the denominator is 1 */
            if (node->kind != DX_NODE_CONST || node->value.type != DX_TYPE_MONEY || node->value.u.r.den != 1 ||
                (fen = (int64_t)node->value.u.r.num) < 0)
                return override_fail(l, setting, "an envelope is an amount of money of 0元 or more, in whole fen "
                                                 "(e.g. 3500万元)");
            diff = fen - rs->envelopes[e].total_fen;
            if (rs->fund_total_fen + diff <= 0)
                return override_fail(l, setting, "the fund's total would not be above 0元");
            rs->envelopes[e].total_fen = fen;
            rs->fund_total_fen += diff;   /* the envelopes still add up to the fund */
            override_record(rs, setting);
        }
    }
    return TRUE;
}

gboolean
dx_load_check_overrides_used(DxLoader *l)
{
    for (guint i = 0; l->opts.overrides != NULL && i < l->opts.overrides->len; i++) {
        const char *setting = g_ptr_array_index(l->opts.overrides, i);
        gsize n;
        gboolean used = FALSE;

        override_split(setting, &n);
        for (guint k = 0; l->rs->overrides != NULL && k < l->rs->overrides->len && !used; k++)
            used = strncmp(g_ptr_array_index(l->rs->overrides, k), setting, n + 1) == 0;
        if (!used) {
            g_autofree char *why = g_strdup_printf(
                "%s has no parameter of that name and no envelope.KEY (%s)", l->file,
                l->rs->n_params > 0 ? "see duixian check for its parameters" : "a format-1 file has no parameters");

            return override_fail(l, setting, why);
        }
    }
    return TRUE;
}

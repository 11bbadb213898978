/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading stacking groups and the fund (docs/rules.md §4, §5.3): the
 * total, envelopes per bureau, fund share and caps.
 */
#include "base/dx-cell-private.h"
#include "rules/dx-loader-private.h"

#include <stdio.h>
#include <string.h>

/* ---- groups ---- */

gboolean
dx_load_groups(DxLoader *l, const DxYamlNode *n)
{
    static const char *const keys[] = { "name", "mode", "cap", NULL };
    static const char *const required[] = { "mode", NULL };
    DxRuleset *rs = l->rs;

    if (!dx_load_expect_kind(l, n, "groups", DX_YAML_MAP))
        return FALSE;
    rs->groups = g_new0(DxGroup, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        DxGroup *g = &rs->groups[rs->n_groups];
        const DxYamlNode *spec = n->values[i], *mode, *cap;
        g_autofree char *p = g_strdup_printf("groups.%s", n->keys[i]->text);
        g_autofree char *pm = NULL;

        if (!dx_load_check_key_name(l, n->keys[i], "groups", "group"))
            return FALSE;
        g->key = g_strdup(n->keys[i]->text);
        rs->n_groups++;
        if (!dx_load_expect_kind(l, spec, p, DX_YAML_MAP) || !dx_load_check_keys(l, spec, p, keys, required) ||
            !dx_load_parse_text(l, spec, "name", p, &g->name))
            return FALSE;
        if (g->name == NULL)
            g->name = g_strdup(g->key);
        mode = dx_yaml_map_lookup(spec, "mode");
        pm = dx_load_path_join(p, "mode");
        if (!dx_load_expect_kind(l, mode, pm, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(mode->text, "highest") == 0)
            g->mode = DX_GROUP_HIGHEST;
        else if (strcmp(mode->text, "stack") == 0)
            g->mode = DX_GROUP_STACK;
        else
            return dx_load_fail(l, mode, pm, DX_ERROR_RULES_INVALID,
                             "unknown mode “%s” (expected highest or stack)", mode->text);
        cap = dx_yaml_map_lookup(spec, "cap");
        if (cap != NULL) {
            g_autofree char *pc = dx_load_path_join(p, "cap");

            if (g->mode != DX_GROUP_STACK)
                return dx_load_fail(l, cap, pc, DX_ERROR_RULES_INVALID,
                                 "only a “stack” group has a cap (a “highest” group pays one award)");
            if (!dx_load_const_money(l, cap, pc, 1, &g->cap_fen))
                return FALSE;
            g->has_cap = TRUE;
        }
    }
    return TRUE;
}

gint
dx_load_find_group(const DxRuleset *rs, const char *key)
{
    for (guint i = 0; i < rs->n_groups; i++) {
        if (strcmp(rs->groups[i].key, key) == 0)
            return (gint)i;
    }
    return -1;
}

/* ---- fund ---- */

gboolean
dx_load_fund(DxLoader *l, const DxYamlNode *n)
{
    static const char *const keys[] = { "id", "name", "total", "period", "envelopes",
                                        "per_enterprise_cap", "shortfall", NULL };
    static const char *const required[] = { "id", "name", "total", "period", "shortfall", NULL };
    DxRuleset *rs = l->rs;
    const DxYamlNode *env, *sf, *pec;
    gboolean has_from, has_to;

    if (!dx_load_expect_kind(l, n, "fund", DX_YAML_MAP) || !dx_load_check_keys(l, n, "fund", keys, required) ||
        !dx_load_parse_text(l, n, "id", "fund", &rs->fund_id) || !dx_load_parse_text(l, n, "name", "fund", &rs->fund_name) ||
        !dx_load_const_money(l, dx_yaml_map_lookup(n, "total"), "fund.total", 1, &rs->fund_total_fen) ||
        !dx_load_parse_period(l, dx_yaml_map_lookup(n, "period"), "fund.period", TRUE, &has_from,
                      &rs->period_from, &has_to, &rs->period_to))
        return FALSE;
    sf = dx_yaml_map_lookup(n, "shortfall");
    if (!dx_load_expect_kind(l, sf, "fund.shortfall", DX_YAML_SCALAR))
        return FALSE;
    if (strcmp(sf->text, "pro_rata") == 0)
        rs->shortfall = DX_SHORTFALL_PRO_RATA;
    else if (strcmp(sf->text, "priority") == 0)
        rs->shortfall = DX_SHORTFALL_PRIORITY;
    else if (strcmp(sf->text, "fcfs") == 0)
        rs->shortfall = DX_SHORTFALL_FCFS;
    else
        return dx_load_fail(l, sf, "fund.shortfall", DX_ERROR_RULES_INVALID,
                         "unknown shortfall “%s” (expected pro_rata, priority or fcfs)", sf->text);
    pec = dx_yaml_map_lookup(n, "per_enterprise_cap");
    if (pec != NULL) {
        if (!dx_load_const_money(l, pec, "fund.per_enterprise_cap", 1, &rs->fund_enterprise_cap_fen))
            return FALSE;
        rs->has_fund_enterprise_cap = TRUE;
    }
    env = dx_yaml_map_lookup(n, "envelopes");
    if (env == NULL) {
        rs->envelopes = g_new0(DxEnvelope, 1);
        rs->envelopes[0].key = g_strdup("*");
        rs->envelopes[0].total_fen = rs->fund_total_fen;
        rs->n_envelopes = 1;
        for (guint b = 0; b < rs->n_bureaus; b++)
            rs->bureaus[b].envelope = 0;
        return TRUE;
    }
    if (!dx_load_expect_kind(l, env, "fund.envelopes", DX_YAML_MAP))
        return FALSE;
    if (env->n_items == 0)
        return dx_load_fail(l, env, "fund.envelopes", DX_ERROR_RULES_INVALID,
                         "give at least one envelope, or leave envelopes out");
    rs->envelopes = g_new0(DxEnvelope, env->n_items);
    {
        dx_i128 sum = 0;

        for (guint i = 0; i < env->n_items; i++) {
            g_autofree char *p = g_strdup_printf("fund.envelopes.%s", env->keys[i]->text);
            gint b = dx_load_find_bureau(rs, env->keys[i]->text);

            if (b < 0)
                return dx_load_fail(l, env->keys[i], "fund.envelopes", DX_ERROR_RULES_INVALID,
                                 "“%s” is not a declared bureau", env->keys[i]->text);
            rs->envelopes[i].key = g_strdup(env->keys[i]->text);
            rs->n_envelopes++;
            if (!dx_load_const_money(l, env->values[i], p, 0, &rs->envelopes[i].total_fen))
                return FALSE;
            rs->bureaus[b].envelope = (gint)i;
            sum += rs->envelopes[i].total_fen;
        }
        if (sum != rs->fund_total_fen) {
            g_autofree char *s = dx_money_format((int64_t)sum), *t = dx_money_format(rs->fund_total_fen);
            g_autofree char *d = dx_money_format((int64_t)(sum - rs->fund_total_fen));

            return dx_load_fail(l, env, "fund.envelopes", DX_ERROR_RULES_INVALID,
                             "envelopes sum to %s, not the fund total %s (off by %s)", s, t, d);
        }
    }
    return TRUE;
}

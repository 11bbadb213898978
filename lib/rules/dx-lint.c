/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lint (docs/rules.md, "Warnings"): things a rules file may say that load
 * fine but are almost certainly not what its author meant. Each is one
 * line "file:line:col: key.path: message", like a load error, kept on the
 * sealed ruleset (dx_ruleset_get_warning()); the ruleset still loads and
 * decides exactly as written. `duixian check --strict` makes them errors.
 *
 * The pass runs after the whole file is loaded, over the compiled ruleset
 * and the YAML tree side by side (policies are compiled in file order, so
 * policies[i] of the tree is rs->policies[i]): the tree gives the
 * location and the text as written, the ruleset the meaning.
 */
#include "rules/dx-loader-private.h"
#include "base/dx-money-private.h"
#include "base/dx-num-private.h"

#include <string.h>

static void lint_warn(DxLoader *l, const DxYamlNode *at, const char *path, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
lint_warn(DxLoader *l, const DxYamlNode *at, const char *path, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (l->rs->warnings == NULL)
        l->rs->warnings = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(l->rs->warnings,
                    g_strdup_printf("%s:%u:%u: %s: %s", l->file, at != NULL ? at->line : 1, at != NULL ? at->col : 1,
                                    path, msg));
}

static char *
lint_date(gint32 d)
{
    char buf[16];

    dx_date_format(d, buf);
    return g_strdup(buf);
}

/* `rate: 2` is 200%: a rate written as a bare number (no % or ‰) is
 * almost always a percent that lost its sign. A parameter or an
 * expression is left alone; only a plain decimal literal is looked at. */
static void
lint_rate(DxLoader *l, const DxYamlNode *award, const char *path)
{
    const DxYamlNode *rate = award != NULL && award->kind == DX_YAML_MAP ? dx_yaml_map_lookup(award, "rate") : NULL;
    g_autofree char *p = NULL, *shown = NULL;
    DxRat r, pct;
    DxValue v = { 0 };

    if (rate == NULL || rate->kind != DX_YAML_SCALAR || rate->len == 0)
        return;
    for (gsize i = 0; i < rate->len; i++) {
        if (!g_ascii_isdigit(rate->text[i]) && rate->text[i] != '.')
            return;
    }
    if (!dx_rat_parse_decimal(rate->text, rate->len, 9, &r) || dx_rat_mul(r, dx_rat_int(100), &pct) != DX_NUM_OK)
        return;
    v.type = DX_TYPE_NUMBER;
    v.u.r = pct;
    shown = dx_value_to_display(&v, FALSE);
    p = dx_load_path_join(path, "rate");
    lint_warn(l, rate, p, "rate “%s” has no %% or ‰, so it is %s%%: write %s%% to say so, or %s%% if that was meant",
              rate->text, shown, shown, rate->text);
}

/* The clause is a constant that is false: no application can pass it. */
static gboolean
clause_never_holds(const DxClause *c)
{
    DxEvalCtx ctx = { 0 };
    DxValue v;

    if (c->expr == NULL || !dx_expr_is_constant(c->expr))
        return FALSE;
    return dx_expr_eval(c->expr, &ctx, &v) == DX_EVAL_OK && v.type == DX_TYPE_BOOL && !v.u.b;
}

static const DxYamlNode *
clause_node(const DxYamlNode *pn, guint j)
{
    const DxYamlNode *el = pn != NULL ? dx_yaml_map_lookup(pn, "eligible") : NULL;

    if (el == NULL)
        return pn;
    if (el->kind == DX_YAML_SEQ && j < el->n_items) {
        const DxYamlNode *item = el->values[j];

        return item->kind == DX_YAML_MAP && item->n_items == 1 ? item->values[0] : item;
    }
    if (el->kind == DX_YAML_MAP && j < el->n_items)
        return el->values[j];
    return el;
}

static void
lint_policy(DxLoader *l, const DxPolicy *pol, const DxYamlNode *pn, const char *path)
{
    const DxRuleset *rs = l->rs;
    const DxYamlNode *win = pn != NULL ? dx_yaml_map_lookup(pn, "window") : NULL;
    g_autofree char *wpath = dx_load_path_join(path, "window");
    g_autofree char *apath = dx_load_path_join(path, "award");
    g_autofree char *pf = lint_date(rs->period_from), *pt = lint_date(rs->period_to);

    if ((pol->has_to && pol->window_to < rs->period_from) || (pol->has_from && pol->window_from > rs->period_to)) {
        g_autofree char *d = lint_date(pol->has_to && pol->window_to < rs->period_from ? pol->window_to
                                                                                         : pol->window_from);
        lint_warn(l, win != NULL ? win : pn, wpath,
                  "policy %s can reach no application: its window %s %s, outside the fund period %s to %s", pol->id,
                  pol->has_to && pol->window_to < rs->period_from ? "ends" : "starts", d, pf, pt);
    } else if (pol->has_to && pol->window_to > rs->period_to) {
        g_autofree char *d = lint_date(pol->window_to);
        const DxYamlNode *to = win != NULL && win->kind == DX_YAML_MAP ? dx_yaml_map_lookup(win, "to") : NULL;

        g_autofree char *tpath = dx_load_path_join(wpath, "to");

        lint_warn(l, to != NULL ? to : win != NULL ? win : pn, to != NULL ? tpath : wpath,
                  "the window of %s ends %s, after fund.period.to %s: its last months are outside the fund's period",
                  pol->id, d, pt);
    }
    for (guint j = 0; j < pol->n_clauses; j++) {
        if (clause_never_holds(&pol->clauses[j])) {
            g_autofree char *cp = g_strdup_printf("%s.eligible[%u]", path, j);

            lint_warn(l, clause_node(pn, j), cp,
                      "policy %s can reach no application: clause “%s” is a constant that is always false", pol->id,
                      pol->clauses[j].name);
        }
    }
    lint_rate(l, pn != NULL ? dx_yaml_map_lookup(pn, "award") : NULL, apath);
}

/* What one award of a fixed-award policy charges its envelope (after its
 * fund share), or -1 when the award is not a constant. */
static int64_t
fixed_charge(const DxPolicy *pol)
{
    DxEvalCtx ctx = { 0 };
    DxValue v;

    if (pol->form != DX_AWARD_FIXED || pol->award == NULL || !dx_expr_is_constant(pol->award))
        return -1;
    if (dx_expr_eval(pol->award, &ctx, &v) != DX_EVAL_OK || v.type != DX_TYPE_MONEY || v.u.r.den != 1 ||
        v.u.r.num <= 0)
        return -1;
    return dx_apply_share((int64_t)v.u.r.num, pol->fund_share);
}

/* An envelope that cannot pay even one award of its bureaus' smallest
 * fixed award: every such application would be cut or unfunded. */
static void
lint_envelopes(DxLoader *l, const DxYamlNode *fund)
{
    const DxRuleset *rs = l->rs;
    const DxYamlNode *envs = fund != NULL && fund->kind == DX_YAML_MAP ? dx_yaml_map_lookup(fund, "envelopes") : NULL;

    for (guint e = 0; e < rs->n_envelopes; e++) {
        const DxPolicy *smallest = NULL;
        int64_t least = -1;

        for (guint p = 0; p < rs->n_policies; p++) {
            const DxPolicy *pol = &rs->policies[p];
            int64_t c = fixed_charge(pol);

            if (rs->bureaus[pol->bureau].envelope != (gint)e || c <= 0)
                continue;
            if (least < 0 || c < least) {
                least = c;
                smallest = pol;
            }
        }
        if (smallest == NULL || rs->envelopes[e].total_fen >= least)
            continue;
        {
            const char *key = rs->envelopes[e].key;
            const DxYamlNode *at = envs != NULL && envs->kind == DX_YAML_MAP ? dx_yaml_map_lookup(envs, key) : NULL;
            g_autofree char *total = dx_money_format(rs->envelopes[e].total_fen), *award = dx_money_format(least);
            g_autofree char *path = at != NULL ? g_strdup_printf("fund.envelopes.%s", key) : g_strdup("fund.total");

            if (at == NULL && fund != NULL && fund->kind == DX_YAML_MAP)
                at = dx_yaml_map_lookup(fund, "total");
            lint_warn(l, at != NULL ? at : fund, path,
                      "the envelope %s (%s) is smaller than one award of %s (%s), the smallest fixed award of "
                      "its bureau: no such application can be paid in full",
                      strcmp(key, "*") == 0 ? "of the fund" : key, total, smallest->id, award);
        }
    }
}

void
dx_ruleset_lint(DxLoader *l, const DxYamlNode *root)
{
    const DxYamlNode *pols = dx_yaml_map_lookup(root, "policies");

    for (guint i = 0; i < l->rs->n_policies; i++) {
        const DxYamlNode *pn = pols != NULL && pols->kind == DX_YAML_SEQ && i < pols->n_items ? pols->values[i] : NULL;
        g_autofree char *path = g_strdup_printf("policies[%u]", i);

        lint_policy(l, &l->rs->policies[i], pn, path);
    }
    lint_envelopes(l, dx_yaml_map_lookup(root, "fund"));
}

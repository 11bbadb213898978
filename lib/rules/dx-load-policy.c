/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading policies (docs/rules.md §5): eligibility clauses, the award
 * forms (fixed, rate, per unit, table, marginal, formula) and caps, each
 * compiled to one expression tree at load time (the clauses, installments
 * and commitment: dx-load-installments.c).
 */
#include "base/dx-cell-private.h"
#include "rules/dx-loader-private.h"

#include <stdio.h>
#include <string.h>

/* A deferred policy's decisions wait for the batch-wide pass with the
 * values of the fields the policy reads, and only those: its clauses,
 * award, cap and rank.by (a million deferred decisions keep a few values
 * each, not every field of the application). */
static void
policy_collect_kept_slots(const DxRuleset *rs, DxPolicy *pol)
{
    g_autofree guint8 *seen = g_new0(guint8, MAX(rs->n_fields, 1));
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint));

    for (guint c = 0; c < pol->n_clauses; c++) {
        for (guint i = 0; i < pol->clauses[c].n_slots; i++)
            seen[pol->clauses[c].slots[i]] = 1;
    }
    for (guint i = 0; i < pol->n_award_slots; i++)
        seen[pol->award_slots[i]] = 1;
    for (guint i = 0; i < pol->n_cap_slots; i++)
        seen[pol->cap_slots[i]] = 1;
    for (guint i = 0; i < pol->n_rank_by_slots; i++)
        seen[pol->rank_by_slots[i]] = 1;
    for (guint f = 0; f < rs->n_fields; f++) {
        if (seen[f])
            g_array_append_val(out, f);
    }
    pol->n_kept_slots = out->len;
    pol->kept_slots = (guint *)(void *)g_array_free(out, FALSE);
}

/* ---- policies ---- */

/* Builds rows [[from, value], ...] for table/marginal from a YAML list of
 * two-item lists whose items are constant expressions. */
/* The matching prefilter's plan (DxPolicy.pre): decided once here from
 * the compiled clauses, so deciding a row only follows it. */
static void
policy_plan_prefilter(DxPolicy *pol)
{
    pol->n_pre = pol->n_risky = 0;
    if (pol->n_clauses < 2 || !dx_expr_prefilter_enabled())
        return;   /* one clause is evaluated once anyway */
    pol->pre = g_new(guint, pol->n_clauses);
    pol->risky = g_new(guint, pol->n_clauses);
    /* one field against constants first: the cheapest to evaluate */
    for (guint pass = 0; pass < 2; pass++)
        for (guint c = 0; c < pol->n_clauses; c++)
            if (dx_expr_cannot_fail(pol->clauses[c].expr) && (pol->clauses[c].n_slots == 1) == (pass == 0))
                pol->pre[pol->n_pre++] = c;
    for (guint c = 0; c < pol->n_clauses; c++)
        if (!dx_expr_cannot_fail(pol->clauses[c].expr))
            pol->risky[pol->n_risky++] = c;
}

static DxExprNode *
build_rows(DxLoader *l, const DxYamlNode *rows, const char *path)
{
    g_autoptr(DxExprNode) list = NULL;

    if (!dx_load_expect_kind(l, rows, path, DX_YAML_SEQ))
        return NULL;
    if (rows->n_items == 0) {
        dx_load_fail(l, rows, path, DX_ERROR_RULES_INVALID, "give at least one row [from, value]");
        return NULL;
    }
    list = dx_expr_node_new(DX_NODE_LIST, 0, rows->col);
    for (guint i = 0; i < rows->n_items; i++) {
        const DxYamlNode *row = rows->values[i];
        g_autofree char *pr = g_strdup_printf("%s[%u]", path, i);
        DxExprNode *r;

        if (!dx_load_expect_kind(l, row, pr, DX_YAML_SEQ))
            return NULL;
        if (row->n_items != 2) {
            dx_load_fail(l, row, pr, DX_ERROR_RULES_INVALID, "a row is [from, value]");
            return NULL;
        }
        r = dx_expr_node_new(DX_NODE_LIST, 0, row->col);
        dx_expr_node_add_child(list, r);
        for (guint j = 0; j < 2; j++) {
            g_autoptr(GError) err = NULL;
            g_autofree char *pj = g_strdup_printf("%s[%u]", pr, j);
            DxExprNode *v;

            if (!dx_load_expect_kind(l, row->values[j], pj, DX_YAML_SCALAR))
                return NULL;
            v = dx_expr_parse(row->values[j]->text, (gssize)row->values[j]->len, &l->opts.expr, &err);
            if (v == NULL) {
                dx_load_expr_fail(l, row->values[j], pj, err);
                return NULL;
            }
            dx_expr_node_add_child(r, v);
            if (v->kind != DX_NODE_CONST) {
                dx_load_fail(l, row->values[j], pj, DX_ERROR_RULES_INVALID, "row values must be constants");
                return NULL;
            }
        }
    }
    return g_steal_pointer(&list);
}

static DxExprNode *
node_call(const char *name, DxExprNode *a, DxExprNode *b)
{
    DxExprNode *n = dx_expr_node_new(DX_NODE_CALL, a->offset, a->col);

    n->name = g_strdup(name);
    dx_expr_node_add_child(n, a);
    dx_expr_node_add_child(n, b);
    return n;
}

static DxExprNode *
node_binary(DxNodeKind kind, DxExprNode *a, DxExprNode *b)
{
    DxExprNode *n = dx_expr_node_new(kind, a->offset, a->col);

    dx_expr_node_add_child(n, a);
    dx_expr_node_add_child(n, b);
    return n;
}

static DxExprNode *
node_const_zero(DxType type)
{
    DxExprNode *n = dx_expr_node_new(DX_NODE_CONST, 0, 1);

    n->value.type = (guint8)type;
    n->value.u.r = dx_rat_int(0);
    return n;
}

/* Parses a sub-expression of an award map (unchecked: the whole tree is
 * checked once assembled; errors there point at the award key). */
static DxExprNode *
award_part(DxLoader *l, const DxYamlNode *form, const char *key, const char *path, DxType expect)
{
    const DxYamlNode *n = dx_yaml_map_lookup(form, key);
    g_autofree char *p = dx_load_path_join(path, key);

    if (n == NULL) {
        dx_load_fail(l, form, path, DX_ERROR_RULES_INVALID, "missing required key “%s”", key);
        return NULL;
    }
    return dx_load_compile_expr(l, n, p, expect);
}

static gboolean
load_award(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const fixed_keys[] = { "fixed", NULL };
    static const char *const table_keys[] = { "table", "rows", NULL };
    static const char *const rate_keys[] = { "rate", "of", NULL };
    static const char *const per_keys[] = { "per", "from", "unit", "amount", "base", NULL };
    static const char *const marginal_keys[] = { "marginal", "rows", NULL };
    static const struct {
        const char *key;
        DxAwardForm form;
        const char *const *keys;
    } forms[] = {
        { "fixed", DX_AWARD_FIXED, fixed_keys }, { "table", DX_AWARD_TABLE, table_keys },
        { "rate", DX_AWARD_RATE, rate_keys }, { "per", DX_AWARD_PER, per_keys },
        { "marginal", DX_AWARD_MARGINAL, marginal_keys },
    };
    g_autoptr(DxExprNode) tree = NULL;
    g_autoptr(GError) err = NULL;
    gint which = -1;

    if (n->kind == DX_YAML_SCALAR) {
        pol->form = DX_AWARD_FORMULA;
        pol->award = dx_load_compile_expr(l, n, path, DX_TYPE_MONEY);
        if (pol->award == NULL)
            return FALSE;
        dx_load_collect_slots(pol->award, &pol->award_slots, &pol->n_award_slots);
        return TRUE;
    }
    if (!dx_load_expect_kind(l, n, path, DX_YAML_MAP))
        return FALSE;
    for (guint i = 0; i < n->n_items; i++) {
        for (gsize f = 0; f < G_N_ELEMENTS(forms); f++) {
            if (strcmp(n->keys[i]->text, forms[f].key) != 0)
                continue;
            if (which >= 0)
                return dx_load_fail(l, n->keys[i], path, DX_ERROR_RULES_INVALID,
                                 "an award has exactly one form; found “%s” and “%s”",
                                 forms[which].key, forms[f].key);
            which = (gint)f;
        }
    }
    if (which < 0)
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID,
                         "an award is an expression or a map with one of fixed, table, rate, per, marginal");
    if (!dx_load_check_keys(l, n, path, forms[which].keys, NULL))
        return FALSE;
    pol->form = forms[which].form;
    switch (pol->form) {
    case DX_AWARD_FIXED:
        tree = award_part(l, n, "fixed", path, DX_TYPE_MONEY);
        break;
    case DX_AWARD_TABLE:
    case DX_AWARD_MARGINAL: {
        const char *key = pol->form == DX_AWARD_TABLE ? "table" : "marginal";
        g_autofree char *pr = dx_load_path_join(path, "rows");
        DxExprNode *x = award_part(l, n, key, path, pol->form == DX_AWARD_MARGINAL ? DX_TYPE_MONEY : DX_TYPE_NONE);
        DxExprNode *rows;

        if (x == NULL)
            return FALSE;
        if (dx_yaml_map_lookup(n, "rows") == NULL) {
            dx_expr_node_free(x);
            return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "missing required key “rows”");
        }
        rows = build_rows(l, dx_yaml_map_lookup(n, "rows"), pr);
        if (rows == NULL) {
            dx_expr_node_free(x);
            return FALSE;
        }
        pol->award_base = x;
        tree = node_call(key, x, rows);
        if (!dx_load_check_expr(l, tree, DX_TYPE_MONEY, &err))
            return dx_load_fail(l, dx_yaml_map_lookup(n, "rows"), pr, err->code, "%s",
                             strchr(err->message, ':') ? strchr(err->message, ':') + 2 : err->message);
        break;
    }
    case DX_AWARD_RATE: {
        DxExprNode *rate = award_part(l, n, "rate", path, DX_TYPE_NUMBER), *of;

        if (rate == NULL)
            return FALSE;
        of = award_part(l, n, "of", path, DX_TYPE_MONEY);
        if (of == NULL) {
            dx_expr_node_free(rate);
            return FALSE;
        }
        pol->award_base = of;
        tree = node_binary(DX_NODE_MUL, rate, of);
        tree->type = DX_TYPE_MONEY;
        break;
    }
    case DX_AWARD_PER: {
        /* base + steps(X - from, unit) * amount */
        DxExprNode *x = award_part(l, n, "per", path, DX_TYPE_NONE), *from = NULL, *unit, *amount, *base;

        if (x == NULL)
            return FALSE;
        if (x->type != DX_TYPE_MONEY && x->type != DX_TYPE_NUMBER) {
            dx_expr_node_free(x);
            return dx_load_fail(l, dx_yaml_map_lookup(n, "per"), path, DX_ERROR_EXPR_TYPE,
                             "“per” must be money or a number");
        }
        pol->award_base = x;
        if (dx_yaml_map_lookup(n, "from") != NULL)
            from = award_part(l, n, "from", path, x->type);
        else
            from = node_const_zero(x->type);
        unit = from != NULL ? award_part(l, n, "unit", path, x->type) : NULL;
        amount = unit != NULL ? award_part(l, n, "amount", path, DX_TYPE_MONEY) : NULL;
        base = amount != NULL ? (dx_yaml_map_lookup(n, "base") != NULL
                                     ? award_part(l, n, "base", path, DX_TYPE_MONEY)
                                     : node_const_zero(DX_TYPE_MONEY))
                              : NULL;
        if (base == NULL) {
            dx_expr_node_free(x);
            dx_expr_node_free(from);
            dx_expr_node_free(unit);
            dx_expr_node_free(amount);
            return FALSE;
        }
        tree = node_binary(DX_NODE_ADD, base,
                           node_binary(DX_NODE_MUL,
                                       node_call("steps", node_binary(DX_NODE_SUB, x, from), unit),
                                       amount));
        break;
    }
    case DX_AWARD_FORMULA:
        g_assert_not_reached();
    }
    if (tree == NULL)
        return FALSE;
    /* the assembled tree is re-checked as a whole so its types are set */
    if (!dx_load_check_expr(l, tree, DX_TYPE_MONEY, &err))
        return dx_load_fail(l, n, path, err->code, "%s", err->message);
    pol->award = g_steal_pointer(&tree);
    dx_load_collect_slots(pol->award, &pol->award_slots, &pol->n_award_slots);
    return TRUE;
}

/* §12: rank: {by, top, order, label} */
static gboolean
load_rank(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "by", "top", "order", "label", NULL };
    static const char *const required[] = { "by", "top", NULL };
    const DxYamlNode *by, *top, *order;
    g_autofree char *pb = dx_load_path_join(path, "by");
    g_autofree char *pt = dx_load_path_join(path, "top");
    g_autoptr(GError) err = NULL;

    if (!dx_load_expect_kind(l, n, path, DX_YAML_MAP) || !dx_load_check_keys(l, n, path, keys, required))
        return FALSE;
    by = dx_yaml_map_lookup(n, "by");
    pol->rank_by = dx_load_compile_expr(l, by, pb, DX_TYPE_NONE);
    if (pol->rank_by == NULL)
        return FALSE;
    if (pol->rank_by->type != DX_TYPE_NUMBER && pol->rank_by->type != DX_TYPE_MONEY &&
        pol->rank_by->type != DX_TYPE_DATE)
        return dx_load_fail(l, by, pb, DX_ERROR_EXPR_TYPE, "rank.by is an integer, number, money or date, not %s",
                            dx_type_name(pol->rank_by->type));
    dx_load_collect_slots(pol->rank_by, &pol->rank_by_slots, &pol->n_rank_by_slots);
    top = dx_yaml_map_lookup(n, "top");
    if (!dx_load_expect_kind(l, top, pt, DX_YAML_SCALAR))
        return FALSE;
    if (!g_ascii_isdigit(top->text[0]) || !g_ascii_string_to_signed(top->text, 10, 1, 1000000, &pol->rank_top, &err))
        return dx_load_fail(l, top, pt, DX_ERROR_RULES_INVALID,
                            "rank.top is a whole number from 1 to 1000000 (a constant), not “%s”", top->text);
    if ((order = dx_yaml_map_lookup(n, "order")) != NULL) {
        g_autofree char *po = dx_load_path_join(path, "order");

        if (!dx_load_expect_kind(l, order, po, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(order->text, "asc") == 0)
            pol->rank_asc = TRUE;
        else if (strcmp(order->text, "desc") != 0)
            return dx_load_fail(l, order, po, DX_ERROR_RULES_INVALID, "unknown order “%s” (expected desc or asc)",
                                order->text);
    }
    if (!dx_load_parse_text(l, n, "label", path, &pol->rank_label))
        return FALSE;
    if (pol->rank_label == NULL)
        pol->rank_label = g_strndup(by->text, by->len);
    pol->ranked = TRUE;
    return TRUE;
}

static gboolean
load_policy(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "id", "name", "bureau", "basis", "window", "eligible", "award",
                                        "cap", "fund_share", "group", "once", "per_enterprise_cap",
                                        "priority", "installments", "params_on", "rank", "commitment", NULL };
    static const char *const v2_keys[] = { "params_on", "rank", "commitment", NULL };
    static const char *const required[] = { "id", "name", "bureau", "basis", "award", NULL };
    const DxYamlNode *v;
    gint b;

    if (!dx_load_expect_kind(l, n, path, DX_YAML_MAP) || !dx_load_check_format_keys(l, n, path, v2_keys, NULL) ||
        !dx_load_check_keys(l, n, path, keys, required))
        return FALSE;
    v = dx_yaml_map_lookup(n, "id");
    {
        g_autofree char *p = dx_load_path_join(path, "id");

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR) || !dx_load_check_key_name(l, v, p, "policy"))
            return FALSE;
        if (dx_ruleset_find_policy(l->rs, v->text) >= 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID, "policy id “%s” is used twice", v->text);
        pol->id = g_strdup(v->text);
    }
    if (!dx_load_parse_text(l, n, "name", path, &pol->name) || !dx_load_parse_text(l, n, "basis", path, &pol->basis))
        return FALSE;
    v = dx_yaml_map_lookup(n, "bureau");
    {
        g_autofree char *p = dx_load_path_join(path, "bureau");

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        b = dx_load_find_bureau(l->rs, v->text);
        if (b < 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID, "“%s” is not a declared bureau", v->text);
        if (l->rs->bureaus[b].envelope < 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                             "bureau “%s” has no envelope in fund.envelopes", v->text);
        pol->bureau = (guint)b;
    }
    if ((v = dx_yaml_map_lookup(n, "window")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "window");

        if (!dx_load_parse_period(l, v, p, FALSE, &pol->has_from, &pol->window_from, &pol->has_to, &pol->window_to))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "eligible")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "eligible");

        if (!dx_load_clauses(l, v, p, "this policy's eligible", FALSE, &pol->clauses, &pol->n_clauses))
            return FALSE;
    }
    policy_plan_prefilter(pol);
    if ((v = dx_yaml_map_lookup(n, "params_on")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "params_on");

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(v->text, "approval") == 0)
            pol->params_on_approval = TRUE;
        else if (strcmp(v->text, "submitted_on") != 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                                "unknown params_on “%s” (expected submitted_on or approval)", v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "rank")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "rank");

        if (!load_rank(l, pol, v, p))
            return FALSE;
    }
    /* the built-in rank only in the award and cap of a ranked policy (§12) */
    l->rank_allowed = pol->ranked;
    {
        g_autofree char *p = dx_load_path_join(path, "award");

        if (!load_award(l, pol, dx_yaml_map_lookup(n, "award"), p)) {
            l->rank_allowed = FALSE;
            return FALSE;
        }
    }
    if ((v = dx_yaml_map_lookup(n, "cap")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "cap");

        pol->cap = dx_load_compile_expr(l, v, p, DX_TYPE_MONEY);
        if (pol->cap == NULL) {
            l->rank_allowed = FALSE;
            return FALSE;
        }
        dx_load_collect_slots(pol->cap, &pol->cap_slots, &pol->n_cap_slots);
    }
    l->rank_allowed = FALSE;
    pol->uses_received = dx_expr_uses(pol->award, DX_NODE_RECEIVED) ||
                         (pol->cap != NULL && dx_expr_uses(pol->cap, DX_NODE_RECEIVED)) ||
                         (pol->rank_by != NULL && dx_expr_uses(pol->rank_by, DX_NODE_RECEIVED));
    for (guint i = 0; i < pol->n_clauses; i++)
        pol->uses_received |= dx_expr_uses(pol->clauses[i].expr, DX_NODE_RECEIVED);
    pol->deferred = pol->ranked || pol->uses_received || pol->params_on_approval;
    l->rs->has_deferred |= pol->deferred;
    if (pol->deferred)
        policy_collect_kept_slots(l->rs, pol);
    pol->fund_share = dx_rat_int(1);
    if ((v = dx_yaml_map_lookup(n, "fund_share")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "fund_share");
        DxValue share;

        if (!dx_load_eval_constant(l, v, p, DX_TYPE_NUMBER, &share))
            return FALSE;
        if (dx_rat_sign(share.u.r) <= 0 || dx_rat_cmp(share.u.r, dx_rat_int(1)) > 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID, "fund_share is in (0, 100%%]");
        pol->fund_share = share.u.r;
    }
    pol->group = -1;
    if ((v = dx_yaml_map_lookup(n, "group")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "group");

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        pol->group = dx_load_find_group(l->rs, v->text);
        if (pol->group < 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID, "“%s” is not a declared group", v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "once")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "once");

        if (!dx_load_parse_bool(l, v, p, &pol->once))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "per_enterprise_cap")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "per_enterprise_cap");

        if (!dx_load_const_money(l, v, p, 1, &pol->enterprise_cap_fen))
            return FALSE;
        pol->has_enterprise_cap = TRUE;
    }
    if ((v = dx_yaml_map_lookup(n, "priority")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "priority");
        g_autoptr(GError) err = NULL;

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        if (!g_ascii_string_to_signed(v->text, 10, -1000000000, 1000000000, &pol->priority, &err))
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                             "expected a whole number (higher is served first), found “%s”", v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "installments")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "installments");

        if (!dx_load_installments(l, pol, v, p))
            return FALSE;
    } else {
        pol->installments = g_new0(DxInstallment, 1);
        pol->installments[0].share = dx_rat_int(1);
        pol->installments[0].timing = DX_TIMING_APPROVAL;
        pol->n_installments = 1;
        pol->installments_by_share = TRUE;
    }
    if ((v = dx_yaml_map_lookup(n, "commitment")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "commitment");

        if (!dx_load_commitment(l, pol, v, p))
            return FALSE;
    }
    return TRUE;
}

gboolean
dx_load_policies(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;

    if (!dx_load_expect_kind(l, n, "policies", DX_YAML_SEQ))
        return FALSE;
    if (n->n_items == 0)
        return dx_load_fail(l, n, "policies", DX_ERROR_RULES_INVALID, "declare at least one policy");
    if (n->n_items > l->opts.max_policies)
        return dx_load_fail(l, n, "policies", DX_ERROR_LIMIT, "more than %u policies", l->opts.max_policies);
    rs->policies = g_new0(DxPolicy, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        g_autofree char *p = g_strdup_printf("policies[%u]", i);
        DxPolicy *pol = &rs->policies[rs->n_policies++];

        if (!load_policy(l, pol, n->values[i], p))
            return FALSE;
        g_hash_table_insert(rs->policy_by_id, pol->id, GUINT_TO_POINTER(i + 1));
    }
    return TRUE;
}

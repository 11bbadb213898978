/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Binding and type checking (docs/rules.md §3 "Types are checked when the ruleset
 * loads"). Each field name becomes a slot index; each node gets a type;
 * table/marginal rows are copied into flat arrays so evaluation needs no
 * list walking. After this pass evaluation cannot meet a type it does not
 * expect, so dx-expr-eval.c has no type errors left to report — only
 * missing values and arithmetic errors.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "expr/dx-expr-private.h"

#include <string.h>

typedef struct {
    DxFieldLookup lookup;
    gpointer user_data;
    GError **error;
    const DxCheckEnv *env;      /* never NULL */
} DxChecker;

/* ORDER DxFunc */
static const struct {
    const char *name;
    DxFunc func;
    guint min_args, max_args;
} func_table[] = {
    { NULL, DX_FUNC_NONE, 0, 0 },
    { "min", DX_FUNC_MIN, 2, G_MAXUINT },
    { "max", DX_FUNC_MAX, 2, G_MAXUINT },
    { "if", DX_FUNC_IF, 3, 3 },
    { "steps", DX_FUNC_STEPS, 2, 2 },
    { "years_between", DX_FUNC_YEARS_BETWEEN, 2, 2 },
    { "months_between", DX_FUNC_MONTHS_BETWEEN, 2, 2 },
    { "starts_with", DX_FUNC_STARTS_WITH, 2, 2 },
    { "table", DX_FUNC_TABLE, 2, 2 },
    { "marginal", DX_FUNC_MARGINAL, 2, 2 },
};
G_STATIC_ASSERT(G_N_ELEMENTS(func_table) == DX_FUNC_MARGINAL + 1);

static gboolean check_node(DxChecker *c, DxExprNode *n);

static gboolean
check_fail(DxChecker *c, const DxExprNode *at, DxError code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static gboolean
check_fail(DxChecker *c, const DxExprNode *at, DxError code, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(c->error, DX_ERROR, code, "col %u: %s", at->col, msg);
    return FALSE;
}

static gboolean
type_is_ordered(DxType t)
{
    return t == DX_TYPE_NUMBER || t == DX_TYPE_MONEY || t == DX_TYPE_DATE;
}

/* The message for two operands that cannot meet, with the hint the spec
 * asks for when money meets a bare number. */
static gboolean
check_mismatch(DxChecker *c, const DxExprNode *at, const char *what, DxType a, DxType b)
{
    if ((a == DX_TYPE_MONEY && b == DX_TYPE_NUMBER) || (a == DX_TYPE_NUMBER && b == DX_TYPE_MONEY))
        return check_fail(c, at, DX_ERROR_EXPR_TYPE,
                          "cannot %s money and a number (write 1亿元, not 100000000)", what);
    return check_fail(c, at, DX_ERROR_EXPR_TYPE, "cannot %s %s and %s", what, dx_type_name(a),
                      dx_type_name(b));
}

static gboolean
check_children(DxChecker *c, DxExprNode *n)
{
    for (guint i = 0; i < n->n_children; i++) {
        /* a list is allowed only as the right side of `in` and as the rows
         * (second argument) of table()/marginal(): never as a value */
        if (n->children[i]->kind == DX_NODE_LIST &&
            !(i == 1 && (n->kind == DX_NODE_IN || n->kind == DX_NODE_NOT_IN ||
                         (n->kind == DX_NODE_CALL && (n->func == DX_FUNC_TABLE || n->func == DX_FUNC_MARGINAL)))))
            return check_fail(c, n->children[i], DX_ERROR_EXPR_TYPE,
                              "a list may only follow “in” or give table rows");
        if (n->children[i]->kind != DX_NODE_LIST && !check_node(c, n->children[i]))
            return FALSE;
    }
    return TRUE;
}

/* Rows of table()/marginal(): [[from, value], ...], constants, from of
 * @from_type and strictly increasing, values all of one type. */
static gboolean
check_rows(DxChecker *c, DxExprNode *call, DxExprNode *rows, DxType from_type, gboolean rates)
{
    DxType value_type = DX_TYPE_NONE;

    if (rows->kind != DX_NODE_LIST || rows->n_children == 0)
        return check_fail(c, rows, DX_ERROR_EXPR_SYNTAX,
                          "%s() needs rows [[from, value], ...], at least one", call->name);
    call->n_rows = rows->n_children;
    g_free(call->row_from);   /* checking a tree twice must not leak */
    g_free(call->row_value);
    call->row_from = g_new0(DxValue, call->n_rows);
    call->row_value = g_new0(DxValue, call->n_rows);
    for (guint i = 0; i < rows->n_children; i++) {
        DxExprNode *row = rows->children[i];

        if (row->kind != DX_NODE_LIST || row->n_children != 2 ||
            row->children[0]->kind != DX_NODE_CONST || row->children[1]->kind != DX_NODE_CONST)
            return check_fail(c, row, DX_ERROR_EXPR_SYNTAX,
                              "each row of %s() is [from, value] with constant values", call->name);
        row->children[0]->type = row->children[0]->value.type;
        row->children[1]->type = row->children[1]->value.type;
        if (row->children[0]->type != from_type)
            return check_mismatch(c, row->children[0], "compare", from_type, row->children[0]->type);
        if (rates && row->children[1]->type != DX_TYPE_NUMBER)
            return check_fail(c, row->children[1], DX_ERROR_EXPR_TYPE,
                              "marginal() rates are numbers such as 5%%, found %s",
                              dx_type_name(row->children[1]->type));
        if (!rates && row->children[1]->type != DX_TYPE_MONEY &&
            row->children[1]->type != DX_TYPE_NUMBER)
            return check_fail(c, row->children[1], DX_ERROR_EXPR_TYPE,
                              "table() values are money or numbers, found %s",
                              dx_type_name(row->children[1]->type));
        if (value_type != DX_TYPE_NONE && row->children[1]->type != value_type)
            return check_fail(c, row->children[1], DX_ERROR_EXPR_TYPE,
                              "table() values must all be of one type");
        value_type = row->children[1]->type;
        call->row_from[i] = row->children[0]->value;
        call->row_value[i] = row->children[1]->value;
        if (i > 0) {
            gboolean increasing = from_type == DX_TYPE_DATE
                                      ? call->row_from[i].u.date > call->row_from[i - 1].u.date
                                      : dx_rat_cmp(call->row_from[i].u.r, call->row_from[i - 1].u.r) > 0;
            if (!increasing)
                return check_fail(c, row->children[0], DX_ERROR_EXPR_SYNTAX,
                                  "%s() rows must have strictly increasing “from”", call->name);
        }
    }
    call->type = rates ? from_type : value_type;
    return TRUE;
}

/* §11: received("POLICY") / received_group("group") become a RECEIVED node. */
static gboolean
check_received(DxChecker *c, DxExprNode *n, gboolean group)
{
    const DxExprNode *arg;
    const char *why = NULL;
    gint k;

    if (c->env->format < 2 || c->env->received_key == NULL)
        return check_fail(c, n, DX_ERROR_EXPR_SYNTAX, "%s() needs format: duixian/2", n->name);
    if (n->n_children != 1 || (arg = n->children[0])->kind != DX_NODE_CONST || arg->value.type != DX_TYPE_TEXT)
        return check_fail(c, n, DX_ERROR_EXPR_SYNTAX, "%s() takes one string literal, e.g. %s(\"%s\")", n->name,
                          n->name, group ? "ipo" : "IPO-ADV");
    {
        g_autofree char *key = g_strndup(arg->value.u.t.s, arg->value.u.t.len);

        k = c->env->received_key(key, group, c->user_data, &why);
    }
    if (k < 0)
        return check_fail(c, n->children[0], DX_ERROR_EXPR_SYNTAX, "%s", why);
    n->kind = DX_NODE_RECEIVED;
    n->slot = (guint)k;
    n->type = DX_TYPE_MONEY;
    return TRUE;
}

static gboolean
check_call(DxChecker *c, DxExprNode *n)
{
    DxType t0, t1;

    if (strcmp(n->name, "received") == 0 || strcmp(n->name, "received_group") == 0)
        return check_received(c, n, n->name[8] == '_');

    for (gsize i = 1; i < G_N_ELEMENTS(func_table); i++) {
        if (strcmp(func_table[i].name, n->name) == 0)
            n->func = func_table[i].func;
    }
    if (n->func == DX_FUNC_NONE)
        return check_fail(c, n, DX_ERROR_EXPR_SYNTAX, "unknown function “%s”", n->name);
    if (n->n_children < func_table[n->func].min_args || n->n_children > func_table[n->func].max_args) {
        if (func_table[n->func].max_args == G_MAXUINT)
            return check_fail(c, n, DX_ERROR_EXPR_SYNTAX, "%s() takes at least %u arguments",
                              n->name, func_table[n->func].min_args);
        return check_fail(c, n, DX_ERROR_EXPR_SYNTAX, "%s() takes %u arguments, not %u", n->name,
                          func_table[n->func].min_args, n->n_children);
    }
    if (!check_children(c, n))
        return FALSE;
    t0 = n->children[0]->type;
    t1 = n->n_children > 1 ? n->children[1]->type : DX_TYPE_NONE;
    switch (n->func) {
    case DX_FUNC_MIN:
    case DX_FUNC_MAX:
        if (!type_is_ordered(t0))
            return check_fail(c, n->children[0], DX_ERROR_EXPR_TYPE,
                              "%s() takes money, numbers or dates, not %s", n->name, dx_type_name(t0));
        for (guint i = 1; i < n->n_children; i++) {
            if (n->children[i]->type != t0)
                return check_mismatch(c, n->children[i], "compare", t0, n->children[i]->type);
        }
        n->type = t0;
        return TRUE;
    case DX_FUNC_IF:
        if (t0 != DX_TYPE_BOOL)
            return check_fail(c, n->children[0], DX_ERROR_EXPR_TYPE,
                              "the condition of if() must be true or false, not %s", dx_type_name(t0));
        if (n->children[1]->type != n->children[2]->type)
            return check_fail(c, n->children[2], DX_ERROR_EXPR_TYPE,
                              "both branches of if() must have one type (%s vs %s)",
                              dx_type_name(n->children[1]->type), dx_type_name(n->children[2]->type));
        n->type = n->children[1]->type;
        return TRUE;
    case DX_FUNC_STEPS:
        if (!((t0 == DX_TYPE_MONEY && t1 == DX_TYPE_MONEY) || (t0 == DX_TYPE_NUMBER && t1 == DX_TYPE_NUMBER)))
            return check_fail(c, n, DX_ERROR_EXPR_TYPE,
                              "steps() takes money and money, or number and number, not %s and %s",
                              dx_type_name(t0), dx_type_name(t1));
        n->type = DX_TYPE_NUMBER;
        return TRUE;
    case DX_FUNC_YEARS_BETWEEN:
    case DX_FUNC_MONTHS_BETWEEN:
        if (t0 != DX_TYPE_DATE || t1 != DX_TYPE_DATE)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "%s() takes two dates", n->name);
        n->type = DX_TYPE_NUMBER;
        return TRUE;
    case DX_FUNC_STARTS_WITH:
        if (t0 != DX_TYPE_TEXT || t1 != DX_TYPE_TEXT)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "starts_with() takes two texts");
        n->type = DX_TYPE_BOOL;
        return TRUE;
    case DX_FUNC_TABLE:
        if (!type_is_ordered(t0))
            return check_fail(c, n->children[0], DX_ERROR_EXPR_TYPE,
                              "table() looks up money, a number or a date, not %s", dx_type_name(t0));
        return check_rows(c, n, n->children[1], t0, FALSE);
    case DX_FUNC_MARGINAL:
        if (t0 != DX_TYPE_MONEY && t0 != DX_TYPE_NUMBER)
            return check_fail(c, n->children[0], DX_ERROR_EXPR_TYPE,
                              "marginal() applies to money or a number, not %s", dx_type_name(t0));
        return check_rows(c, n, n->children[1], t0, TRUE);
    case DX_FUNC_NONE:
        break;
    }
    g_assert_not_reached();
}

static gboolean
check_node(DxChecker *c, DxExprNode *n)
{
    DxType a, b;

    switch (n->kind) {
    case DX_NODE_CONST:
        n->type = n->value.type;
        return TRUE;
    case DX_NODE_PARAM:
    case DX_NODE_RECEIVED:
    case DX_NODE_RANK:
        return TRUE;   /* checked before (a tree assembled from checked parts) */
    case DX_NODE_FIELD: {
        const DxFieldRef *f = c->lookup(n->name, c->user_data);
        const DxParamRef *p;

        if (f == NULL && c->env->format >= 2 && strcmp(n->name, "rank") == 0) {
            if (!c->env->rank_allowed)
                return check_fail(c, n, DX_ERROR_EXPR_SYNTAX,
                                  "“rank” may be used only in the award and cap of a ranked policy");
            n->kind = DX_NODE_RANK;
            n->type = DX_TYPE_NUMBER;
            return TRUE;
        }
        if (f == NULL && c->env->param_lookup != NULL && (p = c->env->param_lookup(n->name, c->user_data)) != NULL) {
            n->kind = DX_NODE_PARAM;
            n->slot = p->index;
            n->type = p->type;
            n->n_rows = p->n_values;
            g_free(n->row_from);
            g_free(n->row_value);
            n->row_from = g_new0(DxValue, p->n_values);
            n->row_value = g_memdup2(p->values, p->n_values * sizeof(DxValue));
            for (guint i = 0; i < p->n_values; i++) {
                n->row_from[i].type = DX_TYPE_DATE;
                n->row_from[i].u.date = p->dates[i];
            }
            return TRUE;
        }
        if (f == NULL)
            return check_fail(c, n, DX_ERROR_EXPR_UNKNOWN_FIELD, "unknown field “%s”", n->name);
        n->slot = f->slot;
        n->type = f->type;
        return TRUE;
    }
    case DX_NODE_LIST:
        return check_fail(c, n, DX_ERROR_EXPR_TYPE, "a list may only follow “in” or give table rows");
    case DX_NODE_CALL:
        return check_call(c, n);
    default:
        break;
    }
    if (!check_children(c, n))
        return FALSE;
    a = n->children[0]->type;
    b = n->n_children > 1 ? n->children[1]->type : DX_TYPE_NONE;
    switch (n->kind) {
    case DX_NODE_NEG:
        if (a != DX_TYPE_NUMBER && a != DX_TYPE_MONEY)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "cannot negate %s", dx_type_name(a));
        n->type = a;
        return TRUE;
    case DX_NODE_NOT:
        if (a != DX_TYPE_BOOL)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "“not” needs true or false, not %s",
                              dx_type_name(a));
        n->type = DX_TYPE_BOOL;
        return TRUE;
    case DX_NODE_AND:
    case DX_NODE_OR:
        if (a != DX_TYPE_BOOL || b != DX_TYPE_BOOL)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "“%s” joins true/false values, not %s and %s",
                              n->kind == DX_NODE_AND ? "and" : "or", dx_type_name(a), dx_type_name(b));
        n->type = DX_TYPE_BOOL;
        return TRUE;
    case DX_NODE_ADD:
    case DX_NODE_SUB:
        if (a != b || (a != DX_TYPE_NUMBER && a != DX_TYPE_MONEY))
            return check_mismatch(c, n, n->kind == DX_NODE_ADD ? "add" : "subtract", a, b);
        n->type = a;
        return TRUE;
    case DX_NODE_MUL:
        if (a == DX_TYPE_NUMBER && b == DX_TYPE_NUMBER)
            n->type = DX_TYPE_NUMBER;
        else if ((a == DX_TYPE_MONEY && b == DX_TYPE_NUMBER) || (a == DX_TYPE_NUMBER && b == DX_TYPE_MONEY))
            n->type = DX_TYPE_MONEY;
        else
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "cannot multiply %s by %s", dx_type_name(a),
                              dx_type_name(b));
        return TRUE;
    case DX_NODE_DIV:
        if (a == DX_TYPE_MONEY && b == DX_TYPE_NUMBER)
            n->type = DX_TYPE_MONEY;
        else if ((a == DX_TYPE_MONEY && b == DX_TYPE_MONEY) || (a == DX_TYPE_NUMBER && b == DX_TYPE_NUMBER))
            n->type = DX_TYPE_NUMBER;
        else
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "cannot divide %s by %s", dx_type_name(a),
                              dx_type_name(b));
        return TRUE;
    case DX_NODE_EQ:
    case DX_NODE_NE:
        if (a != b)
            return check_mismatch(c, n, "compare", a, b);
        n->type = DX_TYPE_BOOL;
        return TRUE;
    case DX_NODE_LT:
    case DX_NODE_LE:
    case DX_NODE_GT:
    case DX_NODE_GE:
        if (a != b)
            return check_mismatch(c, n, "compare", a, b);
        if (!type_is_ordered(a))
            return check_fail(c, n, DX_ERROR_EXPR_TYPE,
                              "%s compares only with == and !=", dx_type_name(a));
        n->type = DX_TYPE_BOOL;
        return TRUE;
    case DX_NODE_IN:
    case DX_NODE_NOT_IN: {
        DxExprNode *list = n->children[1];

        if (a == DX_TYPE_BOOL)
            return check_fail(c, n, DX_ERROR_EXPR_TYPE, "“in” needs text, numbers, money or dates");
        for (guint i = 0; i < list->n_children; i++) {
            DxExprNode *item = list->children[i];

            if (item->kind != DX_NODE_CONST)
                return check_fail(c, item, DX_ERROR_EXPR_TYPE, "list items must be constants");
            item->type = item->value.type;
            if (item->type != a)
                return check_mismatch(c, item, "compare", a, item->type);
        }
        list->type = DX_TYPE_LIST;
        n->type = DX_TYPE_BOOL;
        return TRUE;
    }
    default:
        break;
    }
    g_assert_not_reached();
}

gboolean
dx_expr_check(DxExprNode *root, DxType expect, DxFieldLookup lookup, gpointer user_data,
              GError **error)
{
    DxCheckEnv env = { .lookup = lookup, .user_data = user_data, .format = 1 };

    return dx_expr_check_env(root, expect, &env, error);
}

gboolean
dx_expr_check_env(DxExprNode *root, DxType expect, const DxCheckEnv *env, GError **error)
{
    DxChecker c = { env->lookup, env->user_data, error, env };

    g_return_val_if_fail(root != NULL, FALSE);
    if (root->kind == DX_NODE_LIST)
        return check_fail(&c, root, DX_ERROR_EXPR_TYPE, "a list is not a value here");
    if (!check_node(&c, root))
        return FALSE;
    if (expect != DX_TYPE_NONE && root->type != expect) {
        if (expect == DX_TYPE_MONEY && root->type == DX_TYPE_NUMBER)
            return check_fail(&c, root, DX_ERROR_EXPR_TYPE,
                              "expected money, found a number (write 10万元, not 100000)");
        return check_fail(&c, root, DX_ERROR_EXPR_TYPE, "expected %s, found %s",
                          expect == DX_TYPE_BOOL ? "a condition (true or false)" : dx_type_name(expect),
                          dx_type_name(root->type));
    }
    dx_expr_range_analyse(root);
    return TRUE;
}

void
dx_expr_collect_slots(const DxExprNode *node, GArray *slots)
{
    if (node->kind == DX_NODE_FIELD) {
        for (guint i = 0; i < slots->len; i++) {
            if (g_array_index(slots, guint, i) == node->slot)
                return;
        }
        g_array_append_val(slots, node->slot);
        return;
    }
    for (guint i = 0; i < node->n_children; i++)
        dx_expr_collect_slots(node->children[i], slots);
}

gboolean
dx_expr_uses(const DxExprNode *node, DxNodeKind kind)
{
    if (node->kind == kind)
        return TRUE;
    for (guint i = 0; i < node->n_children; i++) {
        if (dx_expr_uses(node->children[i], kind))
            return TRUE;
    }
    return FALSE;
}

gboolean
dx_expr_is_constant(const DxExprNode *node)
{
    /* parameters, received() and rank vary by decision: not constants (§10) */
    if (node->kind == DX_NODE_FIELD || node->kind == DX_NODE_PARAM || node->kind == DX_NODE_RECEIVED ||
        node->kind == DX_NODE_RANK)
        return FALSE;
    for (guint i = 0; i < node->n_children; i++) {
        if (!dx_expr_is_constant(node->children[i]))
            return FALSE;
    }
    return TRUE;
}

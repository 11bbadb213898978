/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Expression tree nodes: allocation, ownership (a node owns its children,
 * its name, its rows and its text), and the canonical s-expression used by
 * the parser tests. Also how values read to people in explanations.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-money.h"
#include "expr/dx-expr-private.h"

/* ORDER DxNodeKind */
static const char *const node_names[] = {
    "const", "field", "list", "neg", "not", "+", "-", "*", "/",
    "==", "!=", "<", "<=", ">", ">=", "in", "not-in", "and", "or", "call",
    "param", "received", "rank",
};
G_STATIC_ASSERT(G_N_ELEMENTS(node_names) == DX_NODE_RANK + 1);

DxExprNode *
dx_expr_node_new(DxNodeKind kind, guint32 offset, guint32 col)
{
    DxExprNode *n = g_new0(DxExprNode, 1);

    n->kind = kind;
    n->offset = offset;
    n->col = col;
    return n;
}

void
dx_expr_node_add_child(DxExprNode *node, DxExprNode *child_take)
{
    node->children = g_renew(DxExprNode *, node->children, node->n_children + 1);
    node->children[node->n_children++] = child_take;
}

void
dx_expr_node_free(DxExprNode *node)
{
    if (node == NULL)
        return;
    for (guint i = 0; i < node->n_children; i++)
        dx_expr_node_free(node->children[i]);
    g_free(node->children);
    g_free(node->name);
    g_free(node->row_from);
    g_free(node->row_value);
    g_free(node->text_storage);
    g_free(node);
}

const char *
dx_type_name(DxType t)
{
    switch (t) {
    case DX_TYPE_BOOL: return "bool";
    case DX_TYPE_NUMBER: return "number";
    case DX_TYPE_MONEY: return "money";
    case DX_TYPE_DATE: return "date";
    case DX_TYPE_TEXT: return "text";
    case DX_TYPE_LIST: return "list";
    case DX_TYPE_NONE: break;
    }
    return "unknown";
}

static void
value_append_canonical(GString *out, const DxValue *v)
{
    g_autofree char *s = NULL;
    char buf[16];

    switch ((DxType)v->type) {
    case DX_TYPE_BOOL:
        g_string_append(out, v->u.b ? "true" : "false");
        break;
    case DX_TYPE_NUMBER:
        s = dx_rat_to_string(v->u.r);
        g_string_append(out, s);
        break;
    case DX_TYPE_MONEY: {
        DxRat yuan;

        dx_rat_div(v->u.r, dx_rat_int(100), &yuan);
        s = dx_rat_to_string(yuan);
        g_string_append_printf(out, "%s元", s);
        break;
    }
    case DX_TYPE_DATE:
        dx_date_format(v->u.date, buf);
        g_string_append(out, buf);
        break;
    case DX_TYPE_TEXT:
        g_string_append_c(out, '"');
        for (guint32 i = 0; i < v->u.t.len; i++) {
            if (v->u.t.s[i] == '"' || v->u.t.s[i] == '\\')
                g_string_append_c(out, '\\');
            g_string_append_c(out, v->u.t.s[i]);
        }
        g_string_append_c(out, '"');
        break;
    default:
        g_string_append(out, "?");
    }
}

static void
node_append(GString *out, const DxExprNode *n)
{
    switch (n->kind) {
    case DX_NODE_CONST:
        value_append_canonical(out, &n->value);
        return;
    case DX_NODE_FIELD:
    case DX_NODE_PARAM:
    case DX_NODE_RANK:
        g_string_append(out, n->name);
        return;
    case DX_NODE_LIST:
        g_string_append_c(out, '[');
        for (guint i = 0; i < n->n_children; i++) {
            if (i > 0)
                g_string_append_c(out, ' ');
            node_append(out, n->children[i]);
        }
        g_string_append_c(out, ']');
        return;
    default:
        g_string_append_c(out, '(');
        g_string_append(out, n->kind == DX_NODE_CALL ? n->name : node_names[n->kind]);
        for (guint i = 0; i < n->n_children; i++) {
            g_string_append_c(out, ' ');
            node_append(out, n->children[i]);
        }
        g_string_append_c(out, ')');
    }
}

char *
dx_expr_node_to_string(const DxExprNode *node)
{
    GString *out = g_string_new(NULL);

    node_append(out, node);
    return g_string_free(out, FALSE);
}

char *
dx_value_to_display(const DxValue *v, gboolean percent)
{
    char buf[16];

    switch ((DxType)v->type) {
    case DX_TYPE_BOOL:
        return g_strdup(v->u.b ? "是" : "否");
    case DX_TYPE_NUMBER:
        if (percent) {
            DxRat p;
            g_autofree char *s = NULL;

            if (dx_rat_mul(v->u.r, dx_rat_int(100), &p) == DX_NUM_OK) {
                s = dx_rat_to_string(p);
                return g_strdup_printf("%s%%", s);
            }
        }
        return dx_rat_to_string(v->u.r);
    case DX_TYPE_MONEY:
        if (v->u.r.den == 1)
            return dx_money_format((int64_t)v->u.r.num);
        {
            DxRat yuan;
            g_autofree char *s = NULL;

            dx_rat_div(v->u.r, dx_rat_int(100), &yuan);
            s = dx_rat_to_string(yuan);
            return g_strdup_printf("%s元", s);
        }
    case DX_TYPE_DATE:
        dx_date_format(v->u.date, buf);
        return g_strdup(buf);
    case DX_TYPE_TEXT:
        return g_strdup_printf("“%.*s”", (int)v->u.t.len, v->u.t.s);
    default:
        return g_strdup("?");
    }
}

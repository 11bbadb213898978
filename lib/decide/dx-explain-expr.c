/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An expression as bureau staff read it in an explanation: fields by their
 * labels, operators as signs (− × ÷ ≤ ≥ ≠). Apart from dx-explain-steps.c,
 * which uses it for award bases and formulas, so that file stays short.
 */
#include "decide/dx-explain-private.h"
#include "expr/dx-expr-private.h"

/* An expression as people write it, fields by label: "本年批零销售额 − 上年批零销售额".
 * Binary operands that are themselves binary are parenthesised. */
static void
expr_infix(const DxRuleset *rs, const DxExprNode *n, GString *out)
{
    static const char *const ops[] = {
        [DX_NODE_ADD] = " + ", [DX_NODE_SUB] = " − ", [DX_NODE_MUL] = " × ", [DX_NODE_DIV] = " ÷ ",
        [DX_NODE_EQ] = " = ", [DX_NODE_NE] = " ≠ ", [DX_NODE_LT] = " < ", [DX_NODE_LE] = " ≤ ",
        [DX_NODE_GT] = " > ", [DX_NODE_GE] = " ≥ ", [DX_NODE_IN] = " in ", [DX_NODE_NOT_IN] = " not in ",
        [DX_NODE_AND] = " and ", [DX_NODE_OR] = " or ",
    };

    switch (n->kind) {
    case DX_NODE_CONST: {
        g_autofree char *v = dx_value_to_display(&n->value, n->value.type == DX_TYPE_NUMBER && n->value.elem != 0);

        g_string_append(out, v);
        return;
    }
    case DX_NODE_FIELD:
        g_string_append(out, n->slot < rs->n_fields ? rs->fields[n->slot].label : n->name);
        return;
    case DX_NODE_NEG:
    case DX_NODE_NOT:
        g_string_append(out, n->kind == DX_NODE_NEG ? "−" : "not ");
        expr_infix(rs, n->children[0], out);
        return;
    case DX_NODE_LIST:
    case DX_NODE_CALL:
        if (n->kind == DX_NODE_CALL)
            g_string_append(out, n->name != NULL ? n->name : "f");
        g_string_append_c(out, n->kind == DX_NODE_CALL ? '(' : '[');
        for (guint i = 0; i < n->n_children; i++) {
            if (i > 0)
                g_string_append(out, ", ");
            expr_infix(rs, n->children[i], out);
        }
        g_string_append_c(out, n->kind == DX_NODE_CALL ? ')' : ']');
        return;
    default:
        if (n->kind < G_N_ELEMENTS(ops) && ops[n->kind] != NULL && n->n_children == 2) {
            for (guint i = 0; i < 2; i++) {
                const DxExprNode *c = n->children[i];
                gboolean paren = c->kind >= DX_NODE_ADD && c->kind <= DX_NODE_OR;

                if (i == 1)
                    g_string_append(out, ops[n->kind]);
                if (paren)
                    g_string_append_c(out, '(');
                expr_infix(rs, c, out);
                if (paren)
                    g_string_append_c(out, ')');
            }
            return;
        }
        g_string_append(out, "?");
    }
}

char *
dx_explain_expr_text(const DxRuleset *rs, const DxExprNode *n)
{
    GString *out = g_string_new(NULL);

    expr_infix(rs, n, out);
    return g_string_free(out, FALSE);
}


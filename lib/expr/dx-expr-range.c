/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Range analysis of a checked expression tree, for the int64 fast path of
 * dx-expr-eval.c. Each numeric node gets bounds lo..hi on every value it
 * can take, from the bottom up:
 *   - a constant: its own value, when it is a whole number;
 *   - a money field: ±10^15 fen (10^13 元), the limit every reader enforces;
 *   - a parameter: the smallest and largest of its whole-number values;
 *   - + - × and unary minus: interval arithmetic on the children's bounds,
 *     done in 128 bits so the bounds themselves cannot wrap.
 * An arithmetic node whose children are both bounded and whose own bounds
 * fit in int64 is marked fast. At run time the evaluator still checks that
 * each operand is a whole number inside its child's bounds (a value from a
 * caller that broke the type's limit falls back to the rationals), so the
 * result is exact whichever path is taken; the analysis only decides where
 * the check can succeed. Anything else (division, calls, received(), rank)
 * is left unbounded and evaluates on the rationals as before.
 */
#include "duixian/dx-types.h"
#include "expr/dx-expr-private.h"

#include <stdlib.h>
#include <string.h>

static void
set_range(DxExprNode *n, dx_i128 lo, dx_i128 hi)
{
    if (lo < (dx_i128)G_MININT64 || hi > (dx_i128)G_MAXINT64)
        return;
    n->ranged = TRUE;
    n->lo = (gint64)lo;
    n->hi = (gint64)hi;
}

static void
range_param(DxExprNode *n)
{
    dx_i128 lo = 0, hi = 0;

    for (guint i = 0; i < n->n_rows; i++) {
        DxRat r = n->row_value[i].u.r;

        if (r.den != 1)
            return;
        if (i == 0 || r.num < lo)
            lo = r.num;
        if (i == 0 || r.num > hi)
            hi = r.num;
    }
    if (n->n_rows > 0)
        set_range(n, lo, hi);
}

static void
range_arith(DxExprNode *n)
{
    const DxExprNode *a = n->children[0], *b = n->n_children > 1 ? n->children[1] : NULL;
    dx_i128 lo, hi;

    if (!a->ranged || (n->kind != DX_NODE_NEG && (b == NULL || !b->ranged)))
        return;
    switch (n->kind) {
    case DX_NODE_NEG:
        lo = -(dx_i128)a->hi;
        hi = -(dx_i128)a->lo;
        break;
    case DX_NODE_ADD:
        lo = (dx_i128)a->lo + b->lo;
        hi = (dx_i128)a->hi + b->hi;
        break;
    case DX_NODE_SUB:
        lo = (dx_i128)a->lo - b->hi;
        hi = (dx_i128)a->hi - b->lo;
        break;
    default: {   /* MUL: the extremes are among the four corner products */
        dx_i128 p[4] = { (dx_i128)a->lo * b->lo, (dx_i128)a->lo * b->hi,
                         (dx_i128)a->hi * b->lo, (dx_i128)a->hi * b->hi };

        lo = hi = p[0];
        for (guint i = 1; i < 4; i++) {
            lo = MIN(lo, p[i]);
            hi = MAX(hi, p[i]);
        }
        break;
    }
    }
    set_range(n, lo, hi);
    n->fast = n->ranged;
}

void
dx_expr_range_analyse(DxExprNode *n)
{
    for (guint i = 0; i < n->n_children; i++)
        dx_expr_range_analyse(n->children[i]);
    n->ranged = FALSE;
    n->fast = FALSE;
    if (n->type != DX_TYPE_NUMBER && n->type != DX_TYPE_MONEY)
        return;
    switch (n->kind) {
    case DX_NODE_CONST:
        if (n->value.u.r.den == 1)
            set_range(n, n->value.u.r.num, n->value.u.r.num);
        break;
    case DX_NODE_FIELD:
        if (n->type == DX_TYPE_MONEY)
            set_range(n, -(dx_i128)DX_MONEY_MAX_FEN, DX_MONEY_MAX_FEN);
        break;
    case DX_NODE_PARAM:
        range_param(n);
        break;
    case DX_NODE_NEG:
    case DX_NODE_ADD:
    case DX_NODE_SUB:
    case DX_NODE_MUL:
        range_arith(n);
        break;
    default:
        break;
    }
}

gboolean
dx_expr_fast_enabled(void)
{
    static gsize once = 0;
    static gboolean enabled;

    if (g_once_init_enter(&once)) {
        const char *slow = g_getenv("DUIXIAN_EXACT_SLOW");

        enabled = slow == NULL || strcmp(slow, "1") != 0;
        g_once_init_leave(&once, 1);
    }
    return enabled;
}

gboolean
dx_expr_cannot_fail(const DxExprNode *n)
{
    switch (n->kind) {
    case DX_NODE_CONST:
    case DX_NODE_FIELD:
    case DX_NODE_LIST:
    case DX_NODE_NOT:
    case DX_NODE_EQ: case DX_NODE_NE: case DX_NODE_LT:
    case DX_NODE_LE: case DX_NODE_GT: case DX_NODE_GE:
    case DX_NODE_IN:
    case DX_NODE_NOT_IN:
    case DX_NODE_AND:
    case DX_NODE_OR:
        break;
    default:
        return FALSE;   /* arithmetic can overflow or divide by zero; a parameter can have no value yet */
    }
    for (guint i = 0; i < n->n_children; i++)
        if (!dx_expr_cannot_fail(n->children[i]))
            return FALSE;
    return TRUE;
}

gboolean
dx_expr_prefilter_enabled(void)
{
    static gsize once = 0;
    static gboolean enabled;

    if (g_once_init_enter(&once)) {
        const char *off = g_getenv("DUIXIAN_PREFILTER_OFF");

        enabled = off == NULL || strcmp(off, "1") != 0;
        g_once_init_leave(&once, 1);
    }
    return enabled;
}

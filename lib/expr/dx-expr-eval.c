/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Evaluation of a checked expression tree over one application's slots.
 * Three-valued (docs/rules.md §3): a missing field makes a result MISSING; `and`
 * and `or` go left to right and stop at the operand that decides; `if`
 * evaluates only the branch taken. For arithmetic, comparisons and calls
 * every operand is evaluated and MISSING wins over an error, so a missing
 * field is reported as missing whatever order the operands are written in.
 * Errors (division by zero, overflow, a money value beyond 10^13 元, a
 * steps() unit <= 0) set ctx->err and the column of the failing node.
 *
 * No allocation: values live on the C stack; text values point into the
 * tree or the application.
 */
#include "duixian/dx-types.h"
#include "expr/dx-expr-private.h"

#include <string.h>

static DxEvalState
eval_fail(DxEvalCtx *ctx, const DxExprNode *n, DxEvalError err)
{
    if (ctx->err == DX_EVAL_ERR_NONE) {
        ctx->err = err;
        ctx->err_col = n->col;
    }
    return DX_EVAL_ERROR;
}

static DxEvalState
eval_num_status(DxEvalCtx *ctx, const DxExprNode *n, DxNumStatus st, DxValue *out)
{
    if (st == DX_NUM_DIV_ZERO)
        return eval_fail(ctx, n, DX_EVAL_ERR_DIV_ZERO);
    if (st != DX_NUM_OK)
        return eval_fail(ctx, n, DX_EVAL_ERR_OVERFLOW);
    if (out->type == DX_TYPE_MONEY && !dx_rat_money_in_range(out->u.r))
        return eval_fail(ctx, n, DX_EVAL_ERR_OVERFLOW);
    return DX_EVAL_OK;
}

/* The int64 path of dx-expr-range.c: TRUE with *out set when @n is marked
 * fast and every operand is a whole number inside its child's bounds, so
 * the int64 result is the exact one; FALSE leaves the work to the rationals. */
static gboolean
eval_fast(DxEvalCtx *ctx, const DxExprNode *n, const DxValue *v, DxValue *out, DxEvalState *st)
{
    gint64 a, b = 0, r;

    if (!n->fast || !dx_expr_fast_enabled())
        return FALSE;
    for (guint i = 0; i < n->n_children; i++) {
        const DxExprNode *c = n->children[i];

        if (v[i].u.r.den != 1 || v[i].u.r.num < c->lo || v[i].u.r.num > c->hi)
            return FALSE;
    }
    a = (gint64)v[0].u.r.num;
    if (n->n_children > 1)
        b = (gint64)v[1].u.r.num;
    switch (n->kind) {
    case DX_NODE_NEG: r = -a; break;
    case DX_NODE_ADD: r = a + b; break;
    case DX_NODE_SUB: r = a - b; break;
    default: r = a * b; break;
    }
    out->type = (guint8)n->type;
    out->u.r.num = r;
    out->u.r.den = 1;
    if (n->type == DX_TYPE_MONEY && (r > DX_MONEY_MAX_FEN || r < -DX_MONEY_MAX_FEN))
        *st = eval_fail(ctx, n, DX_EVAL_ERR_OVERFLOW);
    else
        *st = DX_EVAL_OK;
    return TRUE;
}

/* Evaluates every child into @vals; MISSING if any is missing, else ERROR
 * if any failed, else OK. */
static DxEvalState
eval_all(const DxExprNode *n, DxEvalCtx *ctx, DxValue *vals, guint count)
{
    gboolean missing = FALSE, failed = FALSE;

    for (guint i = 0; i < count; i++) {
        DxEvalState st = dx_expr_eval(n->children[i], ctx, &vals[i]);

        missing |= st == DX_EVAL_MISSING;
        failed |= st == DX_EVAL_ERROR;
    }
    if (missing) {
        ctx->err = DX_EVAL_ERR_NONE;   /* a missing operand outranks an error */
        return DX_EVAL_MISSING;
    }
    return failed ? DX_EVAL_ERROR : DX_EVAL_OK;
}

static int
value_cmp(const DxValue *a, const DxValue *b)
{
    switch ((DxType)a->type) {
    case DX_TYPE_NUMBER:
    case DX_TYPE_MONEY:
        return dx_rat_cmp(a->u.r, b->u.r);
    case DX_TYPE_DATE:
        return (a->u.date > b->u.date) - (a->u.date < b->u.date);
    case DX_TYPE_BOOL:
        return (a->u.b != 0) - (b->u.b != 0);
    case DX_TYPE_TEXT: {
        int c = memcmp(a->u.t.s, b->u.t.s, MIN(a->u.t.len, b->u.t.len));

        if (c != 0)
            return c;
        return (a->u.t.len > b->u.t.len) - (a->u.t.len < b->u.t.len);
    }
    default:
        return 0;
    }
}

/* The number of whole steps ⌊x / unit⌋ (also below zero). */
static DxEvalState
eval_steps(DxEvalCtx *ctx, const DxExprNode *n, const DxValue *x, const DxValue *unit, DxValue *out)
{
    DxRat q;
    DxNumStatus st;

    if (dx_rat_sign(unit->u.r) <= 0)
        return eval_fail(ctx, n, DX_EVAL_ERR_BAD_UNIT);
    st = dx_rat_div(x->u.r, unit->u.r, &q);
    if (st != DX_NUM_OK)
        return eval_num_status(ctx, n, st, out);
    out->type = DX_TYPE_NUMBER;
    out->u.r.num = dx_rat_floor(q);
    out->u.r.den = 1;
    return DX_EVAL_OK;
}

static DxEvalState
eval_table(const DxExprNode *n, const DxValue *x, DxValue *out)
{
    gint found = -1;

    for (guint i = 0; i < n->n_rows; i++) {
        if (value_cmp(&n->row_from[i], x) <= 0)
            found = (gint)i;
        else
            break;   /* rows are strictly increasing */
    }
    if (found < 0) {
        out->type = (guint8)n->type;
        out->u.r = dx_rat_int(0);
    } else {
        *out = n->row_value[found];
    }
    return DX_EVAL_OK;
}

/* Σ over slices [from_i, from_i+1) of (slice of x) × rate_i. */
static DxEvalState
eval_marginal(DxEvalCtx *ctx, const DxExprNode *n, const DxValue *x, DxValue *out)
{
    DxRat sum = dx_rat_int(0);

    out->type = (guint8)n->type;
    for (guint i = 0; i < n->n_rows; i++) {
        DxRat lo = n->row_from[i].u.r, hi, slice, part;
        DxNumStatus st;

        if (dx_rat_cmp(x->u.r, lo) <= 0)
            break;
        hi = x->u.r;
        if (i + 1 < n->n_rows && dx_rat_cmp(n->row_from[i + 1].u.r, hi) < 0)
            hi = n->row_from[i + 1].u.r;
        st = dx_rat_sub(hi, lo, &slice);
        if (st == DX_NUM_OK)
            st = dx_rat_mul(slice, n->row_value[i].u.r, &part);
        if (st == DX_NUM_OK)
            st = dx_rat_add(sum, part, &sum);
        if (st != DX_NUM_OK)
            return eval_num_status(ctx, n, st, out);
    }
    out->u.r = sum;
    return eval_num_status(ctx, n, DX_NUM_OK, out);
}

static DxEvalState
eval_call(const DxExprNode *n, DxEvalCtx *ctx, DxValue *out)
{
    DxValue v[2];
    DxEvalState st;

    switch (n->func) {
    case DX_FUNC_IF:
        st = dx_expr_eval(n->children[0], ctx, &v[0]);
        if (st != DX_EVAL_OK)
            return st;
        return dx_expr_eval(n->children[v[0].u.b ? 1 : 2], ctx, out);
    case DX_FUNC_MIN:
    case DX_FUNC_MAX: {
        gboolean missing = FALSE, failed = FALSE, have = FALSE;

        for (guint i = 0; i < n->n_children; i++) {
            DxValue a;

            st = dx_expr_eval(n->children[i], ctx, &a);
            missing |= st == DX_EVAL_MISSING;
            failed |= st == DX_EVAL_ERROR;
            if (st != DX_EVAL_OK)
                continue;
            if (!have || (n->func == DX_FUNC_MIN ? value_cmp(&a, out) < 0 : value_cmp(&a, out) > 0))
                *out = a;
            have = TRUE;
        }
        if (missing) {
            ctx->err = DX_EVAL_ERR_NONE;
            return DX_EVAL_MISSING;
        }
        return failed ? DX_EVAL_ERROR : DX_EVAL_OK;
    }
    case DX_FUNC_TABLE:
    case DX_FUNC_MARGINAL:
        st = dx_expr_eval(n->children[0], ctx, &v[0]);
        if (st != DX_EVAL_OK)
            return st;
        return n->func == DX_FUNC_TABLE ? eval_table(n, &v[0], out) : eval_marginal(ctx, n, &v[0], out);
    default:
        break;
    }
    st = eval_all(n, ctx, v, 2);
    if (st != DX_EVAL_OK)
        return st;
    switch (n->func) {
    case DX_FUNC_STEPS:
        return eval_steps(ctx, n, &v[0], &v[1], out);
    case DX_FUNC_YEARS_BETWEEN:
    case DX_FUNC_MONTHS_BETWEEN:
        out->type = DX_TYPE_NUMBER;
        out->u.r = dx_rat_int(n->func == DX_FUNC_YEARS_BETWEEN
                                  ? dx_date_years_between(v[0].u.date, v[1].u.date)
                                  : dx_date_months_between(v[0].u.date, v[1].u.date));
        return DX_EVAL_OK;
    case DX_FUNC_STARTS_WITH:
        out->type = DX_TYPE_BOOL;
        out->u.b = v[1].u.t.len <= v[0].u.t.len && memcmp(v[0].u.t.s, v[1].u.t.s, v[1].u.t.len) == 0;
        return DX_EVAL_OK;
    default:
        g_assert_not_reached();
    }
}

DxEvalState
dx_expr_eval(const DxExprNode *n, DxEvalCtx *ctx, DxValue *out)
{
    DxValue v[2];
    DxEvalState st;

    switch (n->kind) {
    case DX_NODE_CONST:
        *out = n->value;
        return DX_EVAL_OK;
    case DX_NODE_FIELD:
        if (G_LIKELY(ctx->present[n->slot])) {
            *out = ctx->slots[n->slot];
            return DX_EVAL_OK;
        }
        if (ctx->has_default != NULL && ctx->has_default[n->slot]) {
            *out = ctx->defaults[n->slot];
            return DX_EVAL_OK;
        }
        return DX_EVAL_MISSING;
    case DX_NODE_AND:
    case DX_NODE_OR: {
        /* the value that decides: false for and, true for or */
        gboolean decisive = n->kind == DX_NODE_OR, unknown = FALSE;

        for (guint i = 0; i < 2; i++) {
            st = dx_expr_eval(n->children[i], ctx, &v[0]);
            if (st == DX_EVAL_ERROR)
                return st;
            if (st == DX_EVAL_MISSING) {
                unknown = TRUE;
                continue;
            }
            if ((v[0].u.b != 0) == decisive) {
                out->type = DX_TYPE_BOOL;
                out->u.b = decisive;
                return DX_EVAL_OK;
            }
        }
        if (unknown)
            return DX_EVAL_MISSING;
        out->type = DX_TYPE_BOOL;
        out->u.b = !decisive;
        return DX_EVAL_OK;
    }
    case DX_NODE_NOT:
        st = dx_expr_eval(n->children[0], ctx, &v[0]);
        if (st != DX_EVAL_OK)
            return st;
        out->type = DX_TYPE_BOOL;
        out->u.b = !v[0].u.b;
        return DX_EVAL_OK;
    case DX_NODE_NEG:
        st = dx_expr_eval(n->children[0], ctx, &v[0]);
        if (st != DX_EVAL_OK)
            return st;
        if (eval_fast(ctx, n, v, out, &st))
            return st;
        out->type = v[0].type;
        return eval_num_status(ctx, n, dx_rat_neg(v[0].u.r, &out->u.r), out);
    case DX_NODE_IN:
    case DX_NODE_NOT_IN: {
        const DxExprNode *list = n->children[1];
        gboolean found = FALSE;

        st = dx_expr_eval(n->children[0], ctx, &v[0]);
        if (st != DX_EVAL_OK)
            return st;
        for (guint i = 0; i < list->n_children && !found; i++)
            found = value_cmp(&v[0], &list->children[i]->value) == 0;
        out->type = DX_TYPE_BOOL;
        out->u.b = n->kind == DX_NODE_IN ? found : !found;
        return DX_EVAL_OK;
    }
    case DX_NODE_CALL:
        return eval_call(n, ctx, out);
    case DX_NODE_PARAM: {
        /* the value of the latest date <= the reference date: a binary
         * search over the node's few rows, nothing allocated */
        guint lo = 0, hi = n->n_rows;

        while (lo < hi) {
            guint mid = lo + (hi - lo) / 2;

            if (n->row_from[mid].u.date <= ctx->ref_date)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0 || ctx->ref_date == 0) {
            if (ctx->err == DX_EVAL_ERR_NONE)
                ctx->err_name = n->name;
            return eval_fail(ctx, n, DX_EVAL_ERR_NO_PARAM);
        }
        *out = n->row_value[lo - 1];
        return DX_EVAL_OK;
    }
    case DX_NODE_RECEIVED:
        if (ctx->received == NULL)
            return eval_fail(ctx, n, DX_EVAL_ERR_NO_CONTEXT);
        out->type = DX_TYPE_MONEY;
        out->elem = 0;
        out->u.r = dx_rat_int(ctx->received[n->slot]);
        return DX_EVAL_OK;
    case DX_NODE_RANK:
        if (ctx->rank <= 0)
            return eval_fail(ctx, n, DX_EVAL_ERR_NO_CONTEXT);
        out->type = DX_TYPE_NUMBER;
        out->elem = 0;
        out->u.r = dx_rat_int(ctx->rank);
        return DX_EVAL_OK;
    case DX_NODE_LIST:
        g_assert_not_reached();
    default:
        break;
    }
    st = eval_all(n, ctx, v, 2);
    if (st != DX_EVAL_OK)
        return st;
    if (eval_fast(ctx, n, v, out, &st))
        return st;
    switch (n->kind) {
    case DX_NODE_ADD:
        out->type = (guint8)n->type;
        return eval_num_status(ctx, n, dx_rat_add(v[0].u.r, v[1].u.r, &out->u.r), out);
    case DX_NODE_SUB:
        out->type = (guint8)n->type;
        return eval_num_status(ctx, n, dx_rat_sub(v[0].u.r, v[1].u.r, &out->u.r), out);
    case DX_NODE_MUL:
        out->type = (guint8)n->type;
        return eval_num_status(ctx, n, dx_rat_mul(v[0].u.r, v[1].u.r, &out->u.r), out);
    case DX_NODE_DIV:
        out->type = (guint8)n->type;
        return eval_num_status(ctx, n, dx_rat_div(v[0].u.r, v[1].u.r, &out->u.r), out);
    case DX_NODE_EQ: case DX_NODE_NE: case DX_NODE_LT:
    case DX_NODE_LE: case DX_NODE_GT: case DX_NODE_GE: {
        int c = value_cmp(&v[0], &v[1]);

        out->type = DX_TYPE_BOOL;
        switch (n->kind) {
        case DX_NODE_EQ: out->u.b = c == 0; break;
        case DX_NODE_NE: out->u.b = c != 0; break;
        case DX_NODE_LT: out->u.b = c < 0; break;
        case DX_NODE_LE: out->u.b = c <= 0; break;
        case DX_NODE_GT: out->u.b = c > 0; break;
        default: out->u.b = c >= 0; break;
        }
        return DX_EVAL_OK;
    }
    default:
        g_assert_not_reached();
    }
}

const char *
dx_eval_error_to_string(DxEvalError err)
{
    switch (err) {
    case DX_EVAL_ERR_DIV_ZERO: return "除数为零";
    case DX_EVAL_ERR_OVERFLOW: return "金额或数值超出范围";
    case DX_EVAL_ERR_BAD_UNIT: return "steps() 的单位必须大于零";
    case DX_EVAL_ERR_NO_PARAM: return "参数在该日期尚无取值";
    case DX_EVAL_ERR_NO_CONTEXT: return "缺少已获奖励或排名信息";
    case DX_EVAL_ERR_NONE: break;
    }
    return "计算错误";
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness: the expression compiler (lexer, parser, checker) and
 * evaluator. The first input byte chooses the expected type and which
 * fields are present; the rest is the expression text. Any input must
 * compile or give an error, and a compiled tree must evaluate to a value,
 * "missing" or an evaluation error (overflow, division by zero): never a
 * crash, a hang or a wrapped integer (UBSan).
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "duixian/duixian.h"
#include "expr/dx-expr-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const DxFieldRef fields[] = {
    { "a", 0, DX_TYPE_MONEY, FALSE },         /* 12亿元 */
    { "n", 1, DX_TYPE_NUMBER, FALSE },        /* 3/2 */
    { "i", 2, DX_TYPE_NUMBER, TRUE },         /* 7 */
    { "d", 3, DX_TYPE_DATE, FALSE },          /* 2022-05-10 */
    { "t", 4, DX_TYPE_TEXT, FALSE },          /* "武昌区" */
    { "b", 5, DX_TYPE_BOOL, FALSE },          /* true */
    { "z", 6, DX_TYPE_MONEY, FALSE },         /* 0 */
    { "营业收入", 7, DX_TYPE_MONEY, FALSE },  /* -1 fen */
    { "q", 8, DX_TYPE_NUMBER, FALSE },        /* 0 */
};
#define N_FIELDS G_N_ELEMENTS(fields)

static const DxFieldRef *
lookup(const char *name, gpointer user_data)
{
    for (guint i = 0; i < N_FIELDS; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const DxType expects[] = { DX_TYPE_NONE, DX_TYPE_BOOL, DX_TYPE_MONEY, DX_TYPE_NUMBER,
                                      DX_TYPE_DATE, DX_TYPE_TEXT, DX_TYPE_NONE, DX_TYPE_BOOL };
    if (size < 1)
        return 0;
    guint8 ctl = data[0];
    DxType expect = expects[ctl & 7];
    GError *err = NULL;
    DxExprNode *root = dx_expr_parse((const char *)data + 1, (gssize)(size - 1), NULL, &err);
    if (root == NULL) {
        g_assert(err != NULL && err->domain == DX_ERROR);
        g_error_free(err);
        return 0;
    }
    g_free(dx_expr_node_to_string(root));
    if (!dx_expr_check(root, expect, lookup, NULL, &err)) {
        g_assert(err != NULL && err->domain == DX_ERROR);
        g_error_free(err);
        dx_expr_node_free(root);
        return 0;
    }
    GArray *slots = g_array_new(FALSE, FALSE, sizeof(guint));
    dx_expr_collect_slots(root, slots);
    g_array_free(slots, TRUE);
    (void)dx_expr_is_constant(root);

    DxValue vals[N_FIELDS];
    guint8 present[N_FIELDS];
    memset(vals, 0, sizeof vals);
    vals[0].type = DX_TYPE_MONEY; vals[0].u.r = dx_rat_int(120000000000LL);
    vals[1].type = DX_TYPE_NUMBER; vals[1].u.r.num = 3; vals[1].u.r.den = 2;
    vals[2].type = DX_TYPE_NUMBER; vals[2].u.r = dx_rat_int(7);
    vals[3].type = DX_TYPE_DATE; vals[3].u.date = dx_date_from_ymd(2022, 5, 10);
    vals[4].type = DX_TYPE_TEXT; vals[4].u.t.s = "武昌区"; vals[4].u.t.len = strlen("武昌区");
    vals[5].type = DX_TYPE_BOOL; vals[5].u.b = TRUE;
    vals[6].type = DX_TYPE_MONEY; vals[6].u.r = dx_rat_int(0);
    vals[7].type = DX_TYPE_MONEY; vals[7].u.r = dx_rat_int(-1);
    vals[8].type = DX_TYPE_NUMBER; vals[8].u.r = dx_rat_int(0);
    /* Bits 3..7 of the control byte drop fields 0..4 (three-valued logic). */
    for (guint i = 0; i < N_FIELDS; i++)
        present[i] = !(i < 5 && (ctl >> (3 + i)) & 1);

    DxEvalCtx ctx = { .slots = vals, .present = present };
    DxValue out;
    DxEvalState st = dx_expr_eval(root, &ctx, &out);
    if (st == DX_EVAL_OK) {
        if (out.type == DX_TYPE_MONEY || out.type == DX_TYPE_NUMBER)
            g_assert(out.u.r.den > 0);
        g_free(dx_value_to_display(&out, FALSE));
    } else if (st == DX_EVAL_ERROR) {
        g_assert(ctx.err != DX_EVAL_ERR_NONE);
        (void)dx_eval_error_to_string(ctx.err);
    }
    dx_expr_node_free(root);
    return 0;
}

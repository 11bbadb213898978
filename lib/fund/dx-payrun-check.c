/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One installment line against its `requires` (dx-payrun-private.h). The
 * clauses are evaluated as eligibility clauses are (the same trees, the
 * same three-valued logic), on the enterprise's checks row, so a clause
 * reads the same there as it would in a round; the sentences reuse the
 * eligibility clause's wording of actual and required values.
 */
#include "fund/dx-payrun-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"
#include "decide/dx-messages-private.h"
#include "base/dx-money-private.h"

#include <string.h>

static void
append_code(GString *codes, const char *code)
{
    if (codes->len > 0)
        g_string_append_c(codes, ';');
    g_string_append(codes, code);
}

static void
append_text(GString *text, char *sentence)
{
    if (text->len > 0)
        g_string_append(text, "；");
    g_string_append(text, sentence);
    g_free(sentence);
}

static void
keep_value(gpointer values, const DxValue *v)
{
    g_array_append_val((GArray *)values, *v);
}

static const char *
param_label(const DxRuleset *rs, const char *name)
{
    for (guint i = 0; name != NULL && i < rs->n_params; i++) {
        if (strcmp(rs->params[i].name, name) == 0)
            return rs->params[i].label;
    }
    return name != NULL ? name : "";
}

/* What went wrong in words: a parameter before its first date (§10) is
 * named with the date, as a decision's eval_error is. */
static char *
error_words(const DxRuleset *rs, const DxEvalCtx *ctx)
{
    if (ctx->err == DX_EVAL_ERR_NO_PARAM) {
        char day[16];

        dx_date_format(ctx->ref_date, day);
        return DX_MSG_DUP(DX_MSG_PARAM_NO_VALUE, FALSE, DX_MSG_S("param", param_label(rs, ctx->err_name)),
                          DX_MSG_S("day", day));
    }
    return g_strdup(dx_eval_error_to_string(ctx->err));
}

DxSettleKind
dx_payrun_check_line(const DxRuleset *rs, const DxPolicy *pol, guint k, guint of, const DxChecksRow *row,
                     gint32 day, const int64_t *received, GString *codes, GString *text, gboolean *forfeit_rest)
{
    const DxInstallment *ins = &pol->installments[k - 1];
    /* a million lines are checked per run: no allocation unless one fails */
    DxEvalState state_buf[16];
    guint8 value_buf[16];
    g_autofree DxEvalState *state_heap = NULL;
    g_autofree guint8 *value_heap = NULL;
    DxEvalState *state = state_buf;
    guint8 *value = value_buf;
    g_autoptr(GString) missing = NULL;
    g_autofree guint8 *seen = NULL;
    gboolean any_error = FALSE, any_false = FALSE, any_missing = FALSE;
    DxEvalCtx ctx = { 0 };

    *forfeit_rest = FALSE;
    if (ins->n_requires == 0)
        return DX_SETTLE_PAID;
    if (row == NULL) {
        append_code(codes, "requirement_missing");
        append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_NO_ROW, FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of)));
        return DX_SETTLE_HELD;
    }
    if (ins->n_requires > G_N_ELEMENTS(state_buf)) {
        state = state_heap = g_new0(DxEvalState, ins->n_requires);
        value = value_heap = g_new0(guint8, ins->n_requires);
    }
    ctx.slots = row->slots;
    ctx.present = row->present;
    ctx.defaults = rs->defaults;
    ctx.has_default = rs->has_default;
    ctx.ref_date = day;
    ctx.received = received;
    for (guint i = 0; i < ins->n_requires; i++) {
        DxValue v;

        ctx.err = DX_EVAL_ERR_NONE;
        state[i] = dx_expr_eval(ins->requires[i].expr, &ctx, &v);
        value[i] = state[i] == DX_EVAL_OK && v.u.b;
        if (state[i] == DX_EVAL_ERROR) {
            g_autofree char *why = error_words(rs, &ctx);

            any_error = TRUE;
            append_code(codes, "eval_error");
            append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_EVAL_ERROR, FALSE, DX_MSG_I("line", k),
                                         DX_MSG_I("of", of), DX_MSG_S("requirement", ins->requires[i].name),
                                         DX_MSG_S("error", why)));
        }
        any_false |= state[i] == DX_EVAL_OK && !value[i];
        any_missing |= state[i] == DX_EVAL_MISSING;
    }
    if (any_error)
        return DX_SETTLE_HELD;
    if (any_false) {
        for (guint i = 0; i < ins->n_requires; i++) {
            g_autoptr(GArray) vals = NULL;
            g_autofree char *detail = NULL;

            if (state[i] != DX_EVAL_OK || value[i])
                continue;
            vals = g_array_new(FALSE, TRUE, sizeof(DxValue));
            dx_clause_read_values(&ins->requires[i], &ctx, keep_value, vals);
            detail = dx_explain_clause_values(rs, &ins->requires[i], (const DxValue *)(void *)vals->data, vals->len,
                                              FALSE);
            append_code(codes, "requirement_failed");
            append_text(text, DX_MSG_DUP(ins->forfeit_rest ? DX_MSG_REQUIREMENT_FAILED : DX_MSG_REQUIREMENT_FAILED_ONE,
                                         FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of),
                                         DX_MSG_S("requirement", ins->requires[i].name), DX_MSG_S("detail", detail)));
        }
        *forfeit_rest = ins->forfeit_rest;
        return DX_SETTLE_FORFEITED;
    }
    /* unknown: the fields it lacks, each once, by label (a field with a
     * default is never missing) */
    missing = g_string_new(NULL);
    seen = g_new0(guint8, MAX(rs->n_fields, 1));
    for (guint i = 0; i < ins->n_requires; i++) {
        const DxClause *c = &ins->requires[i];

        if (state[i] != DX_EVAL_MISSING)
            continue;
        for (guint j = 0; j < c->n_slots; j++) {
            guint s = c->slots[j];

            if (row->present[s] || rs->has_default[s] || seen[s])
                continue;
            seen[s] = 1;
            append_code(codes, "requirement_missing");
            if (missing->len > 0)
                g_string_append(missing, "、");
            g_string_append(missing, rs->fields[s].label);
        }
    }
    if (!any_missing)
        return DX_SETTLE_PAID;
    if (missing->len == 0)   /* cannot happen: unknown comes only from a missing field */
        append_code(codes, "requirement_missing");
    append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_MISSING, FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of),
                                 DX_MSG_S("fields", missing->str)));
    return DX_SETTLE_HELD;
}

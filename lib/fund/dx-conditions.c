/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Judging named clauses on a checks row (dx-conditions-private.h). The
 * clauses are evaluated as eligibility clauses are, the same trees and the
 * same three-valued logic, so a clause reads the same in a payment run or
 * a review as it would in a round.
 */
#include "fund/dx-conditions-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"
#include "decide/dx-messages-private.h"
#include "base/dx-num-private.h"

#include <string.h>

void
dx_conditions_received(const DxRuleset *rs, const DxPriorBook *book, const char *enterprise_id, int64_t *out)
{
    for (guint k = 0; k < rs->n_received_keys; k++) {
        const DxReceivedKey *key = &rs->received_keys[k];
        gboolean taken;

        if (key->group)
            out[k] = dx_prior_book_get_group_held(book, enterprise_id, key->key);
        else
            dx_prior_book_get_policy(book, enterprise_id, key->key, &out[k], &taken);
    }
}

DxVerdict
dx_conditions_judge(DxConditions *c, const DxRuleset *rs, const DxClause *clauses, guint n, const DxChecksRow *row,
                    gint32 day, const int64_t *received)
{
    gboolean any_error = FALSE, any_false = FALSE, any_missing = FALSE;

    memset(c, 0, sizeof *c);
    c->rs = rs;
    c->clauses = clauses;
    c->n = n;
    c->state = c->state_buf;
    c->value = c->value_buf;
    if (n > G_N_ELEMENTS(c->state_buf)) {
        c->state = g_new0(DxEvalState, n);
        c->value = g_new0(guint8, n);
        c->heap = TRUE;
    }
    c->ctx.slots = row->slots;
    c->ctx.present = row->present;
    c->ctx.defaults = rs->defaults;
    c->ctx.has_default = rs->has_default;
    c->ctx.ref_date = day;
    c->ctx.received = received;
    for (guint i = 0; i < n; i++) {
        DxValue v;

        c->ctx.err = DX_EVAL_ERR_NONE;
        c->state[i] = dx_expr_eval(clauses[i].expr, &c->ctx, &v);
        c->value[i] = c->state[i] == DX_EVAL_OK && v.u.b;
        any_error |= c->state[i] == DX_EVAL_ERROR;
        any_false |= c->state[i] == DX_EVAL_OK && !c->value[i];
        any_missing |= c->state[i] == DX_EVAL_MISSING;
    }
    return any_error ? DX_VERDICT_ERROR : any_false ? DX_VERDICT_FALSE : any_missing ? DX_VERDICT_UNKNOWN
                                                                                    : DX_VERDICT_TRUE;
}

void
dx_conditions_clear(DxConditions *c)
{
    if (c->heap) {
        g_free(c->state);
        g_free(c->value);
    }
    c->heap = FALSE;
}

gboolean
dx_conditions_in_error(const DxConditions *c, guint i)
{
    return c->state[i] == DX_EVAL_ERROR;
}

gboolean
dx_conditions_is_false(const DxConditions *c, guint i)
{
    return c->state[i] == DX_EVAL_OK && !c->value[i];
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

char *
dx_conditions_dup_error(DxConditions *c, guint i)
{
    DxValue v;

    /* evaluated again for its error: the rare path keeps the common one small */
    c->ctx.err = DX_EVAL_ERR_NONE;
    (void)dx_expr_eval(c->clauses[i].expr, &c->ctx, &v);
    if (c->ctx.err == DX_EVAL_ERR_NO_PARAM) {
        char d[16];

        dx_date_format(c->ctx.ref_date, d);
        return DX_MSG_DUP(DX_MSG_PARAM_NO_VALUE, FALSE, DX_MSG_S("param", param_label(c->rs, c->ctx.err_name)),
                          DX_MSG_S("day", d));
    }
    return g_strdup(dx_eval_error_to_string(c->ctx.err));
}

static void
keep_value(gpointer values, const DxValue *v)
{
    g_array_append_val((GArray *)values, *v);
}

char *
dx_conditions_dup_detail(DxConditions *c, guint i)
{
    g_autoptr(GArray) vals = g_array_new(FALSE, TRUE, sizeof(DxValue));

    dx_clause_read_values(&c->clauses[i], &c->ctx, keep_value, vals);
    return dx_explain_clause_values(c->rs, &c->clauses[i], (const DxValue *)(void *)vals->data, vals->len, FALSE);
}

guint
dx_conditions_missing(const DxConditions *c, GString *labels)
{
    const DxRuleset *rs = c->rs;
    g_autofree guint8 *seen = g_new0(guint8, MAX(rs->n_fields, 1));
    guint n = 0;

    for (guint i = 0; i < c->n; i++) {
        const DxClause *cl = &c->clauses[i];

        if (c->state[i] != DX_EVAL_MISSING)
            continue;
        for (guint j = 0; j < cl->n_slots; j++) {
            guint s = cl->slots[j];

            if (c->ctx.present[s] || rs->has_default[s] || seen[s])
                continue;
            seen[s] = 1;
            if (labels->len > 0)
                g_string_append(labels, "、");
            g_string_append(labels, rs->fields[s].label);
            n++;
        }
    }
    return n;
}

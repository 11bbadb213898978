/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Explanations (docs/rules.md §7): the sentence of each reason, in Chinese or
 * English, with its numbers formatted as people read them (元/万元/亿元
 * with separators), and the JSON form of a decision for callers in other
 * languages. The wording of both languages is in the message table
 * (dx-messages.c); this file picks the message and fills its slots.
 * Sentences are made on demand from the compact reason records, so
 * deciding a million applications formats nothing that nobody reads.
 */
#include "duixian/duixian.h"
#include "base/dx-json-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"
#include "base/dx-cell-private.h"
#include "base/dx-money-private.h"
#include "decide/dx-messages-private.h"

#include <string.h>

static const DxReason *
explain_reason(const DxDecision *d, size_t index)
{
    return &g_array_index(d->list->reasons, DxReason, d->reason_first + index);
}

/* R / S as a percentage with at most two decimals, rounded half up (display). */
static char *
explain_ratio(int64_t r, int64_t s)
{
    DxRat q;
    dx_i128 hundredths;

    if (s <= 0)
        return g_strdup("0%");
    dx_rat_make((dx_i128)r * 10000, s, &q);
    hundredths = dx_rat_round_half_up(q);
    if (hundredths % 100 == 0)
        return g_strdup_printf("%d%%", (int)(hundredths / 100));
    if (hundredths % 10 == 0)
        return g_strdup_printf("%d.%d%%", (int)(hundredths / 100), (int)(hundredths % 100 / 10));
    return g_strdup_printf("%d.%02d%%", (int)(hundredths / 100), (int)(hundredths % 100));
}

static const char *
explain_field_label(const DxRuleset *rs, gint32 slot)
{
    return slot >= 0 && (guint)slot < rs->n_fields ? rs->fields[slot].label : "";
}

/* ---- failed clauses: "实缴资本为 8,000万元，要求 ≥ 1亿元" ---- */

static DxMsg
explain_op(DxNodeKind k)
{
    switch (k) {
    case DX_NODE_EQ: return DX_MSG_OP_EQ;
    case DX_NODE_NE: return DX_MSG_OP_NE;
    case DX_NODE_LT: return DX_MSG_OP_LT;
    case DX_NODE_LE: return DX_MSG_OP_LE;
    case DX_NODE_GT: return DX_MSG_OP_GT;
    case DX_NODE_GE: return DX_MSG_OP_GE;
    case DX_NODE_IN: return DX_MSG_OP_IN;
    case DX_NODE_NOT_IN: return DX_MSG_OP_NOT_IN;
    default: return DX_MSG_N;
    }
}

static gboolean
explain_is_percent(const DxExprNode *n)
{
    return n->kind == DX_NODE_CONST && n->value.type == DX_TYPE_NUMBER && n->value.elem != 0;
}

/* A money value with no exact 万元 form (dx_money_needs_yuan()): its
 * sentence then writes every amount in 元. */
static gboolean
value_needs_yuan(const DxValue *v)
{
    return v->type == DX_TYPE_MONEY && v->u.r.den == 1 && dx_money_needs_yuan((int64_t)v->u.r.num);
}

static char *
explain_display(const DxValue *v, gboolean percent, gboolean yuan)
{
    if (yuan && v->type == DX_TYPE_MONEY && v->u.r.den == 1)
        return dx_money_format_as((int64_t)v->u.r.num, TRUE);
    return dx_value_to_display(v, percent);
}

static void
explain_value(GString *buf, const DxValue *v, gboolean percent, gboolean yuan)
{
    g_autofree char *s = explain_display(v, percent, yuan);

    g_string_append(buf, s);
}

char *
dx_explain_clause_values(const DxRuleset *rs, const DxClause *c, const DxValue *vals, guint n_vals, gboolean en)
{
    const DxExprNode *root = c->expr;
    GString *buf = g_string_new(NULL);

    switch (dx_clause_shape(c)) {
    case DX_CLAUSE_COMPARE: {
        const DxExprNode *rhs = root->children[1];
        gboolean pct = explain_is_percent(rhs);
        DxMsg op = explain_op(root->kind);
        g_autofree char *actual = NULL;
        GString *required = g_string_new(NULL);
        gboolean yuan;

        if (n_vals < 1) {
            g_string_free(required, TRUE);
            break;
        }
        yuan = value_needs_yuan(&vals[0]) || (rhs->kind == DX_NODE_CONST && value_needs_yuan(&rhs->value)) ||
               (rhs->kind != DX_NODE_CONST && rhs->kind != DX_NODE_LIST && n_vals >= 2 && value_needs_yuan(&vals[1]));
        actual = explain_display(&vals[0], pct, yuan);
        if (rhs->kind == DX_NODE_LIST) {
            g_string_append_c(required, '[');
            for (guint i = 0; i < rhs->n_children; i++) {
                if (i > 0)
                    g_string_append(required, ", ");
                explain_value(required, &rhs->children[i]->value, FALSE, FALSE);
            }
            g_string_append_c(required, ']');
        } else if (rhs->kind == DX_NODE_CONST) {
            explain_value(required, &rhs->value, pct, yuan);
        } else if (n_vals >= 2) {
            explain_value(required, &vals[1], pct, yuan);
        }
        DX_MSG_APPEND(buf, DX_MSG_CLAUSE_COMPARE, en, DX_MSG_S("field", rs->fields[root->children[0]->slot].label),
                      DX_MSG_S("actual", actual), DX_MSG_S("op", op < DX_MSG_N ? dx_msg_text(op, en) : ""),
                      DX_MSG_S("required", required->str));
        g_string_free(required, TRUE);
        break;
    }
    case DX_CLAUSE_FLAG: {
        /* a failed clause keeps no value: it can only have been the opposite */
        gboolean actual = n_vals >= 1 ? vals[0].u.b : root->kind != DX_NODE_FIELD;

        DX_MSG_APPEND(buf, DX_MSG_CLAUSE_FLAG, en,
                      DX_MSG_S("field", rs->fields[(root->kind == DX_NODE_FIELD ? root : root->children[0])->slot].label),
                      DX_MSG_S("actual", dx_msg_text(actual ? DX_MSG_YES : DX_MSG_NO, en)),
                      DX_MSG_S("required", dx_msg_text(root->kind == DX_NODE_FIELD ? DX_MSG_YES : DX_MSG_NO, en)));
        break;
    }
    case DX_CLAUSE_GENERIC: {
        gboolean yuan = FALSE;

        for (guint i = 0; i < c->n_slots && i < n_vals; i++)
            yuan = yuan || value_needs_yuan(&vals[i]);
        for (guint i = 0; i < c->n_slots && i < n_vals; i++) {
            g_autofree char *value = NULL;

            if (vals[i].type == DX_TYPE_NONE)
                continue;
            if (buf->len > 0)
                g_string_append(buf, dx_msg_text(DX_MSG_LIST_SEP, en));
            value = explain_display(&vals[i], FALSE, yuan);
            DX_MSG_APPEND(buf, DX_MSG_CLAUSE_VALUE, en, DX_MSG_S("field", rs->fields[c->slots[i]].label),
                          DX_MSG_S("value", value));
        }
        break;
    }
    }
    return g_string_free(buf, FALSE);
}

static char *
explain_clause(const DxRuleset *rs, const DxDecisionList *list, const DxClause *c, const DxReason *r, gboolean en)
{
    g_autofree DxValue *vals = dx_decision_list_dup_values(list, (guint)r->a, (guint)r->b);

    return dx_explain_clause_values(rs, c, vals, (guint)r->b, en);
}

/* The sentence of reason @index in Chinese or English (@en). The English
 * one has the same numbers; field and clause names stay as the rules
 * write them. What each of a, b, c holds for a code is in
 * dx-decision-private.h and the steps that record it. */
static char *
explain_reason_message(const DxDecision *self, size_t index, gboolean en)
{
    const DxRuleset *rs = self->list->rs;
    const DxReason *r = explain_reason(self, index);
    const char *rtext = dx_reason_get_text(self->list, r);
    const DxPolicy *pol = self->policy >= 0 ? &rs->policies[self->policy] : NULL;
    /* a reason is one sentence: its amounts in one unit */
    gboolean yuan = dx_money_needs_yuan(r->a) || dx_money_needs_yuan(r->b) || dx_money_needs_yuan(r->c);
    g_autofree char *a = dx_money_format_as(r->a, yuan), *b = dx_money_format_as(r->b, yuan);
    g_autofree char *c = dx_money_format_as(r->c, yuan);
    DxMsg code = (DxMsg)r->code;

    if (rtext == NULL)
        rtext = "";
    switch ((DxReasonCode)r->code) {
    case DX_REASON_INVALID_FIELD: {
        const char *label = explain_field_label(rs, r->index);
        g_autofree char *detail = dx_bilingual_pick(rtext, en);   /* the cell's sentence in this language */

        rtext = detail;
        if (r->index < 0)
            return DX_MSG_DUP(DX_MSG_INVALID_ROW, en, DX_MSG_I("row", self->row), DX_MSG_S("detail", rtext));
        if (r->a > 0)
            return DX_MSG_DUP(DX_MSG_INVALID_FIELD, en, DX_MSG_S("field", label), DX_MSG_I("row", self->row),
                              DX_MSG_I("column", r->a), DX_MSG_S("detail", rtext));
        if (self->row > 0)   /* e.g. an empty required cell: the row, without a column */
            return DX_MSG_DUP(DX_MSG_INVALID_FIELD_ROW, en, DX_MSG_S("field", label), DX_MSG_I("row", self->row),
                              DX_MSG_S("detail", rtext));
        return DX_MSG_DUP(DX_MSG_INVALID_FIELD_BARE, en, DX_MSG_S("field", label), DX_MSG_S("detail", rtext));
    }
    case DX_REASON_DUPLICATE_APP_ID:
        return DX_MSG_DUP(code, en, DX_MSG_S("app_id", self->app_id));
    case DX_REASON_UNKNOWN_POLICY:
        return DX_MSG_DUP(code, en, DX_MSG_S("policy", self->policy_text));
    case DX_REASON_OUTSIDE_WINDOW: {
        char sub[16], from[16], to[16];

        dx_date_format(self->submitted_on, sub);
        g_strlcpy(from, dx_msg_text(DX_MSG_WINDOW_OPEN, en), sizeof from);
        g_strlcpy(to, from, sizeof to);
        if (pol->has_from)
            dx_date_format(pol->window_from, from);
        if (pol->has_to)
            dx_date_format(pol->window_to, to);
        return DX_MSG_DUP(code, en, DX_MSG_S("submitted", sub), DX_MSG_S("from", from), DX_MSG_S("to", to));
    }
    case DX_REASON_CLAUSE_FAILED: {
        g_autofree char *detail = explain_clause(rs, self->list, &pol->clauses[r->index], r, en);

        return DX_MSG_DUP(code, en, DX_MSG_S("clause", pol->clauses[r->index].name), DX_MSG_S("detail", detail));
    }
    case DX_REASON_MISSING_FIELD:
        return DX_MSG_DUP(code, en, DX_MSG_S("field", explain_field_label(rs, r->index)));
    case DX_REASON_RANK_OUT:
    case DX_REASON_REQUIREMENT_FAILED:
    case DX_REASON_REQUIREMENT_MISSING:
    case DX_REASON_COMMITMENT_BREACHED:
    case DX_REASON_COMMITMENT_MISSING:
    case DX_REASON_CLAWED_BACK: {
        char *v2 = dx_explain_v2_reason(self, r, en);

        return v2 != NULL ? v2 : g_strdup(dx_reason_code_to_string((DxReasonCode)r->code));
    }
    case DX_REASON_EVAL_ERROR: {
        const char *what = r->index >= 0    ? pol->clauses[r->index].name
                           : r->index == -1 ? dx_msg_text(DX_MSG_EVAL_WHAT_AWARD, en)
                                            : dx_msg_text(DX_MSG_EVAL_WHAT_CAP, en);
        char *v2 = dx_explain_v2_reason(self, r, en);   /* a parameter read before its first date */

        if (v2 != NULL)
            return v2;

        return DX_MSG_DUP(code, en, DX_MSG_S("what", what), DX_MSG_S("error", dx_eval_error_to_string((DxEvalError)r->a)),
                          DX_MSG_I("column", r->b));
    }
    case DX_REASON_ONCE_ONLY:
        return DX_MSG_DUP(code, en, DX_MSG_S("policy", pol->name));
    case DX_REASON_AWARD_ZERO:
        return DX_MSG_DUP(code, en, DX_MSG_S("award", a));
    case DX_REASON_AWARD_FIXED:
    case DX_REASON_AWARD_TABLE:
    case DX_REASON_AWARD_RATE:
    case DX_REASON_AWARD_PER:
    case DX_REASON_AWARD_MARGINAL:
    case DX_REASON_AWARD_FORMULA: {
        /* what a format-2 award read (a parameter, what was received, the
         * rank) follows the sentence; "" for a format-1 award */
        g_autofree char *sentence = DX_MSG_DUP(code, en, DX_MSG_S("award", a));
        g_autofree char *detail = dx_explain_v2_award_detail(self, r, en);

        return g_strconcat(sentence, detail, NULL);
    }
    case DX_REASON_CAPPED:
        return DX_MSG_DUP(code, en, DX_MSG_S("computed", a), DX_MSG_S("cap", b));
    case DX_REASON_POLICY_ENTERPRISE_CAP:
        return DX_MSG_DUP(code, en, DX_MSG_S("policy", pol->name), DX_MSG_S("cap", a), DX_MSG_S("before", b),
                          DX_MSG_S("granted", c));
    case DX_REASON_GROUP_HIGHEST:
        return DX_MSG_DUP(code, en, DX_MSG_S("group", rs->groups[r->index].name), DX_MSG_S("other", rtext));
    case DX_REASON_GROUP_TOPUP:
        return DX_MSG_DUP(code, en, DX_MSG_S("group", rs->groups[r->index].name), DX_MSG_S("before", b),
                          DX_MSG_S("granted", c));
    case DX_REASON_GROUP_STACK_CAP:
        return DX_MSG_DUP(code, en, DX_MSG_S("group", rs->groups[r->index].name), DX_MSG_S("cap", a),
                          DX_MSG_S("before", b), DX_MSG_S("granted", c));
    case DX_REASON_FUND_ENTERPRISE_CAP:
        return DX_MSG_DUP(code, en, DX_MSG_S("cap", a), DX_MSG_S("before", b), DX_MSG_S("granted", c));
    case DX_REASON_RATIONED: {
        g_autofree char *ratio = explain_ratio(r->b, r->a);

        if (rs->shortfall == DX_SHORTFALL_PRO_RATA)
            return DX_MSG_DUP(code, en, DX_MSG_S("bureau", rtext), DX_MSG_S("requested", a),
                              DX_MSG_S("available", b), DX_MSG_S("ratio", ratio));
        return DX_MSG_DUP(DX_MSG_RATIONED_IN_ORDER, en, DX_MSG_S("bureau", rtext), DX_MSG_S("requested", a),
                          DX_MSG_S("available", b),
                          DX_MSG_S("order", dx_msg_text(rs->shortfall == DX_SHORTFALL_FCFS ? DX_MSG_ORDER_FCFS
                                                                                           : DX_MSG_ORDER_PRIORITY, en)),
                          DX_MSG_S("granted", c));
    }
    case DX_REASON_UNFUNDED:
        return DX_MSG_DUP(code, en, DX_MSG_S("bureau", rtext));
    }
    return g_strdup("");
}

char *
dx_decision_dup_reason_message(const DxDecision *self, size_t index)
{
    g_return_val_if_fail(self != NULL && self->list != NULL && index < self->n_reasons, NULL);
    return explain_reason_message(self, index, FALSE);
}

/* duixian explain --lang en */
char *
dx_explain_reason_message_en(const DxDecision *self, size_t index)
{
    g_return_val_if_fail(self != NULL && self->list != NULL && index < self->n_reasons, NULL);
    return explain_reason_message(self, index, TRUE);
}

/* Exposed for dx-explain-steps.c. */
char *
dx_explain_ratio(int64_t r, int64_t s)
{
    return explain_ratio(r, s);
}

char *
dx_decision_dup_json(const DxDecision *self)
{
    GString *out;

    g_return_val_if_fail(self != NULL && self->list != NULL, NULL);
    out = g_string_new("{\"app_id\":");
    dx_json_append_string(out, self->app_id);
    g_string_append(out, ",\"basis\":");
    dx_json_append_string(out, dx_decision_get_basis(self));
    g_string_append(out, ",\"bureau\":");
    dx_json_append_string(out, dx_decision_get_bureau(self));
    g_string_append_printf(out, ",\"computed_fen\":%" G_GINT64_FORMAT ",\"enterprise_id\":",
                           dx_decision_computed_fen(self->list->rs, self));
    dx_json_append_string(out, self->enterprise_id);
    g_string_append_printf(out, ",\"granted_fen\":%" G_GINT64_FORMAT ",\"policy_id\":", self->granted_fen);
    dx_json_append_string(out, dx_decision_get_policy_id(self));
    g_string_append(out, ",\"reasons\":[");
    for (guint32 i = 0; i < self->n_reasons; i++) {
        g_autofree char *msg = dx_decision_dup_reason_message(self, i);

        if (i > 0)
            g_string_append_c(out, ',');
        g_string_append(out, "{\"code\":");
        dx_json_append_string(out, dx_reason_code_to_string(dx_decision_get_reason_code(self, i)));
        g_string_append(out, ",\"message\":");
        dx_json_append_string(out, msg);
        g_string_append_c(out, '}');
    }
    g_string_append_printf(out, "],\"row\":%" G_GUINT64_FORMAT ",\"status\":", self->row);
    dx_json_append_string(out, dx_status_to_string(self->status));
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

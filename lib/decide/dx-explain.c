/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Explanations (spec §7): the Chinese sentence of each reason, with its
 * numbers formatted as people read them (元/万元/亿元 with separators), and
 * the JSON form of a decision for callers in other languages. Sentences
 * are made on demand from the compact reason records, so deciding a
 * million applications formats nothing that nobody reads.
 */
#include "duixian/duixian.h"
#include "base/dx-json-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"

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

static const char *
explain_op(DxNodeKind k, gboolean en)
{
    if (en) {
        switch (k) {
        case DX_NODE_EQ: return " =";
        case DX_NODE_NE: return " ≠";
        case DX_NODE_LT: return " <";
        case DX_NODE_LE: return " ≤";
        case DX_NODE_GT: return " >";
        case DX_NODE_GE: return " ≥";
        case DX_NODE_IN: return " in";
        case DX_NODE_NOT_IN: return " not in";
        default: return "";
        }
    }
    switch (k) {
    case DX_NODE_EQ: return "为";
    case DX_NODE_NE: return "不为";
    case DX_NODE_LT: return " <";
    case DX_NODE_LE: return " ≤";
    case DX_NODE_GT: return " >";
    case DX_NODE_GE: return " ≥";
    case DX_NODE_IN: return "属于";
    case DX_NODE_NOT_IN: return "不属于";
    default: return "";
    }
}

static gboolean
explain_is_percent(const DxExprNode *n)
{
    return n->kind == DX_NODE_CONST && n->value.type == DX_TYPE_NUMBER && n->value.elem != 0;
}

static void
explain_value(GString *buf, const DxValue *v, gboolean percent)
{
    g_autofree char *s = dx_value_to_display(v, percent);

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

        if (n_vals < 1)
            break;
        g_string_append_printf(buf, en ? "%s is " : "%s为 ", rs->fields[root->children[0]->slot].label);
        explain_value(buf, &vals[0], pct);
        g_string_append_printf(buf, en ? ", required%s " : "，要求%s ", explain_op(root->kind, en));
        if (rhs->kind == DX_NODE_LIST) {
            g_string_append_c(buf, '[');
            for (guint i = 0; i < rhs->n_children; i++) {
                if (i > 0)
                    g_string_append(buf, ", ");
                explain_value(buf, &rhs->children[i]->value, FALSE);
            }
            g_string_append_c(buf, ']');
        } else if (rhs->kind == DX_NODE_CONST) {
            explain_value(buf, &rhs->value, pct);
        } else if (n_vals >= 2) {
            explain_value(buf, &vals[1], pct);
        }
        break;
    }
    case DX_CLAUSE_FLAG: {
        /* a failed clause keeps no value: it can only have been the opposite */
        gboolean actual = n_vals >= 1 ? vals[0].u.b : root->kind != DX_NODE_FIELD;

        g_string_append_printf(buf, en ? "%s is %s, required %s" : "%s为 %s，要求为 %s",
                               rs->fields[(root->kind == DX_NODE_FIELD ? root : root->children[0])->slot].label,
                               actual ? (en ? "yes" : "是") : (en ? "no" : "否"),
                               root->kind == DX_NODE_FIELD ? (en ? "yes" : "是") : (en ? "no" : "否"));
        break;
    }
    case DX_CLAUSE_GENERIC:
        for (guint i = 0; i < c->n_slots && i < n_vals; i++) {
            if (vals[i].type == DX_TYPE_NONE)
                continue;
            if (buf->len > 0)
                g_string_append(buf, en ? ", " : "，");
            g_string_append_printf(buf, en ? "%s is " : "%s为 ", rs->fields[c->slots[i]].label);
            explain_value(buf, &vals[i], FALSE);
        }
        break;
    }
    return g_string_free(buf, FALSE);
}

static char *
explain_clause(const DxRuleset *rs, const DxDecisionList *list, const DxClause *c, const DxReason *r, gboolean en)
{
    g_autofree DxValue *vals = dx_decision_list_dup_values(list, (guint)r->a, (guint)r->b);

    return dx_explain_clause_values(rs, c, vals, (guint)r->b, en);
}

/* An award sentence, with what a format-2 award read appended. */
static char *
explain_award_v2(const DxDecision *self, const DxReason *r, const char *fmt, const char *a, gboolean en)
    G_GNUC_PRINTF(3, 0);

static char *
explain_award_v2(const DxDecision *self, const DxReason *r, const char *fmt, const char *a, gboolean en)
{
    g_autofree char *detail = dx_explain_v2_award_detail(self, r, en);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    g_autofree char *s = g_strdup_printf(fmt, a);
#pragma GCC diagnostic pop

    return g_strconcat(s, detail, NULL);
}

char *
dx_decision_dup_reason_message(const DxDecision *self, size_t index)
{
    const DxRuleset *rs;
    const DxReason *r;
    const char *rtext;
    const DxPolicy *pol;
    g_autofree char *a = NULL, *b = NULL, *c = NULL;

    g_return_val_if_fail(self != NULL && self->list != NULL && index < self->n_reasons, NULL);
    rs = self->list->rs;
    r = explain_reason(self, index);
    rtext = dx_reason_get_text(self->list, r);
    if (rtext == NULL)
        rtext = "";
    pol = self->policy >= 0 ? &rs->policies[self->policy] : NULL;
    a = dx_money_format(r->a);
    b = dx_money_format(r->b);
    c = dx_money_format(r->c);

    switch ((DxReasonCode)r->code) {
    case DX_REASON_INVALID_FIELD:
        if (r->index < 0)
            return g_strdup_printf("第 %" G_GUINT64_FORMAT " 行格式有误：%s", self->row, rtext);
        if (r->a > 0)
            return g_strdup_printf("「%s」填写有误（第 %" G_GUINT64_FORMAT " 行第 %" G_GINT64_FORMAT " 列）：%s",
                                   explain_field_label(rs, r->index), self->row, r->a, rtext);
        if (self->row > 0)   /* e.g. an empty required cell: the row, without a column */
            return g_strdup_printf("「%s」填写有误（第 %" G_GUINT64_FORMAT " 行）：%s",
                                   explain_field_label(rs, r->index), self->row, rtext);
        return g_strdup_printf("「%s」填写有误：%s", explain_field_label(rs, r->index), rtext);
    case DX_REASON_DUPLICATE_APP_ID:
        return g_strdup_printf("申报编号 %s 已使用，不重复受理", self->app_id);
    case DX_REASON_UNKNOWN_POLICY:
        return g_strdup_printf("未找到申报事项「%s」对应的政策", self->policy_text);
    case DX_REASON_OUTSIDE_WINDOW: {
        char sub[16], from[16] = "不限", to[16] = "不限";

        dx_date_format(self->submitted_on, sub);
        if (pol->has_from)
            dx_date_format(pol->window_from, from);
        if (pol->has_to)
            dx_date_format(pol->window_to, to);
        return g_strdup_printf("申报日期 %s 不在受理期（%s 至 %s）内", sub, from, to);
    }
    case DX_REASON_CLAUSE_FAILED: {
        g_autofree char *detail = explain_clause(rs, self->list, &pol->clauses[r->index], r, FALSE);

        return g_strdup_printf("不满足「%s」：%s", pol->clauses[r->index].name, detail);
    }
    case DX_REASON_MISSING_FIELD:
        return g_strdup_printf("缺少「%s」，请补正后重新申报", explain_field_label(rs, r->index));
    case DX_REASON_RANK_OUT:
    case DX_REASON_REQUIREMENT_FAILED:
    case DX_REASON_REQUIREMENT_MISSING:
    case DX_REASON_COMMITMENT_BREACHED:
    case DX_REASON_COMMITMENT_MISSING:
    case DX_REASON_CLAWED_BACK: {
        char *v2 = dx_explain_v2_reason(self, r, FALSE);

        return v2 != NULL ? v2 : g_strdup(dx_reason_code_to_string((DxReasonCode)r->code));
    }
    case DX_REASON_EVAL_ERROR: {
        const char *what = r->index >= 0 ? pol->clauses[r->index].name : r->index == -1 ? "奖励金额" : "奖励上限";
        char *v2 = dx_explain_v2_reason(self, r, FALSE);

        if (v2 != NULL)
            return v2;

        return g_strdup_printf("「%s」无法计算：%s（表达式第 %" G_GINT64_FORMAT " 列）", what,
                               dx_eval_error_to_string((DxEvalError)r->a), r->b);
    }
    case DX_REASON_ONCE_ONLY:
        return g_strdup_printf("「%s」每户限享受一次，该企业已享受", pol->name);
    case DX_REASON_AWARD_ZERO:
        return g_strdup_printf("测算奖励为 %s，不予奖励", a);
    case DX_REASON_CAPPED:
        return g_strdup_printf("测算 %s，按单项上限 %s 核定", a, b);
    case DX_REASON_POLICY_ENTERPRISE_CAP:
        return g_strdup_printf("「%s」单户累计上限 %s，已享受 %s，本次核定 %s", pol->name, a, b, c);
    case DX_REASON_GROUP_HIGHEST:
        return g_strdup_printf("与 %s 同属「%s」，按就高原则不重复享受", rtext,
                               rs->groups[r->index].name);
    case DX_REASON_GROUP_TOPUP:
        return g_strdup_printf("同属「%s」已享受 %s，按就高原则补差 %s", rs->groups[r->index].name, b, c);
    case DX_REASON_GROUP_STACK_CAP:
        return g_strdup_printf("「%s」合计上限 %s，已享受 %s，本次核定 %s", rs->groups[r->index].name, a, b, c);
    case DX_REASON_FUND_ENTERPRISE_CAP:
        return g_strdup_printf("本资金单户上限 %s，已安排 %s，本次核定 %s", a, b, c);
    case DX_REASON_RATIONED: {
        const char *bureau = rtext;
        g_autofree char *ratio = explain_ratio(r->b, r->a);

        if (rs->shortfall == DX_SHORTFALL_PRO_RATA)
            return g_strdup_printf("%s额度不足：本轮申请合计 %s，可用 %s，按比例核减为 %s", bureau, a, b, ratio);
        return g_strdup_printf("%s额度不足：本轮申请合计 %s，可用 %s，按%s顺序安排，本次安排 %s", bureau, a, b,
                               rs->shortfall == DX_SHORTFALL_FCFS ? "申报先后" : "优先级", c);
    }
    case DX_REASON_UNFUNDED:
        return g_strdup_printf("%s额度已安排完毕，列入排队", rtext);
    case DX_REASON_AWARD_FIXED:
        return explain_award_v2(self, r, "按定额核定奖励 %s", a, FALSE);
    case DX_REASON_AWARD_TABLE:
        return explain_award_v2(self, r, "按档位表核定奖励 %s", a, FALSE);
    case DX_REASON_AWARD_RATE:
        return explain_award_v2(self, r, "按比例测算奖励 %s", a, FALSE);
    case DX_REASON_AWARD_PER:
        return explain_award_v2(self, r, "按基数加递增测算奖励 %s", a, FALSE);
    case DX_REASON_AWARD_MARGINAL:
        return explain_award_v2(self, r, "按分段累进测算奖励 %s", a, FALSE);
    case DX_REASON_AWARD_FORMULA:
        return explain_award_v2(self, r, "按公式测算奖励 %s", a, FALSE);
    }
    return g_strdup("");
}

/* The English sentence of reason @index (duixian explain --lang en). Same
 * numbers as the Chinese one; field and clause names stay as the rules
 * write them. */
char *
dx_explain_reason_message_en(const DxDecision *self, size_t index)
{
    const DxRuleset *rs;
    const DxReason *r;
    const char *rtext;
    const DxPolicy *pol;
    g_autofree char *a = NULL, *b = NULL, *c = NULL;

    g_return_val_if_fail(self != NULL && self->list != NULL && index < self->n_reasons, NULL);
    rs = self->list->rs;
    r = explain_reason(self, index);
    rtext = dx_reason_get_text(self->list, r);
    if (rtext == NULL)
        rtext = "";
    pol = self->policy >= 0 ? &rs->policies[self->policy] : NULL;
    a = dx_money_format(r->a);
    b = dx_money_format(r->b);
    c = dx_money_format(r->c);

    switch ((DxReasonCode)r->code) {
    case DX_REASON_INVALID_FIELD:
        if (r->index < 0)
            return g_strdup_printf("row %" G_GUINT64_FORMAT " is malformed: %s", self->row, rtext);
        if (r->a > 0)
            return g_strdup_printf("“%s” is invalid (row %" G_GUINT64_FORMAT ", column %" G_GINT64_FORMAT "): %s",
                                   explain_field_label(rs, r->index), self->row, r->a, rtext);
        if (self->row > 0)
            return g_strdup_printf("“%s” is invalid (row %" G_GUINT64_FORMAT "): %s",
                                   explain_field_label(rs, r->index), self->row, rtext);
        return g_strdup_printf("“%s” is invalid: %s", explain_field_label(rs, r->index), rtext);
    case DX_REASON_DUPLICATE_APP_ID:
        return g_strdup_printf("application number %s was already used; not accepted twice", self->app_id);
    case DX_REASON_UNKNOWN_POLICY:
        return g_strdup_printf("no policy “%s” in the rules", self->policy_text);
    case DX_REASON_OUTSIDE_WINDOW: {
        char sub[16], from[16] = "open", to[16] = "open";

        dx_date_format(self->submitted_on, sub);
        if (pol->has_from)
            dx_date_format(pol->window_from, from);
        if (pol->has_to)
            dx_date_format(pol->window_to, to);
        return g_strdup_printf("submitted on %s, outside the application window (%s to %s)", sub, from, to);
    }
    case DX_REASON_CLAUSE_FAILED: {
        g_autofree char *detail = explain_clause(rs, self->list, &pol->clauses[r->index], r, TRUE);

        return g_strdup_printf("fails “%s”: %s", pol->clauses[r->index].name, detail);
    }
    case DX_REASON_MISSING_FIELD:
        return g_strdup_printf("“%s” is missing; supply it and apply again", explain_field_label(rs, r->index));
    case DX_REASON_RANK_OUT:
    case DX_REASON_REQUIREMENT_FAILED:
    case DX_REASON_REQUIREMENT_MISSING:
    case DX_REASON_COMMITMENT_BREACHED:
    case DX_REASON_COMMITMENT_MISSING:
    case DX_REASON_CLAWED_BACK: {
        char *v2 = dx_explain_v2_reason(self, r, TRUE);

        return v2 != NULL ? v2 : g_strdup(dx_reason_code_to_string((DxReasonCode)r->code));
    }
    case DX_REASON_EVAL_ERROR: {
        const char *what = r->index >= 0 ? pol->clauses[r->index].name : r->index == -1 ? "award" : "cap";
        char *v2 = dx_explain_v2_reason(self, r, TRUE);

        if (v2 != NULL)
            return v2;

        return g_strdup_printf("“%s” cannot be computed: %s (expression column %" G_GINT64_FORMAT ")", what,
                               dx_eval_error_to_string((DxEvalError)r->a), r->b);
    }
    case DX_REASON_ONCE_ONLY:
        return g_strdup_printf("“%s” is granted once per enterprise, and this enterprise already had it", pol->name);
    case DX_REASON_AWARD_ZERO:
        return g_strdup_printf("the award computes to %s: nothing to grant", a);
    case DX_REASON_CAPPED:
        return g_strdup_printf("computed %s, capped at the policy's cap of %s", a, b);
    case DX_REASON_POLICY_ENTERPRISE_CAP:
        return g_strdup_printf("“%s” pays one enterprise at most %s in total; it already had %s; granted %s", pol->name,
                               a, b, c);
    case DX_REASON_GROUP_HIGHEST:
        return g_strdup_printf("in the same group “%s” as %s: only the highest award is paid",
                               rs->groups[r->index].name, rtext);
    case DX_REASON_GROUP_TOPUP:
        return g_strdup_printf("already holds %s in group “%s”: pays the difference, %s", b, rs->groups[r->index].name, c);
    case DX_REASON_GROUP_STACK_CAP:
        return g_strdup_printf("group “%s” is capped at %s in total; already %s; granted %s", rs->groups[r->index].name,
                               a, b, c);
    case DX_REASON_FUND_ENTERPRISE_CAP:
        return g_strdup_printf("this fund pays one enterprise at most %s; already arranged %s; granted %s", a, b, c);
    case DX_REASON_RATIONED: {
        const char *bureau = rtext;
        g_autofree char *ratio = explain_ratio(r->b, r->a);

        if (rs->shortfall == DX_SHORTFALL_PRO_RATA)
            return g_strdup_printf("the %s envelope is short: this round requests %s, %s is available, "
                                   "so every request is paid %s of its amount", bureau, a, b, ratio);
        return g_strdup_printf("the %s envelope is short: this round requests %s, %s is available; "
                               "served in order of %s, this one gets %s", bureau, a, b,
                               rs->shortfall == DX_SHORTFALL_FCFS ? "submission" : "priority", c);
    }
    case DX_REASON_UNFUNDED:
        return g_strdup_printf("the %s envelope is used up: queued", rtext);
    case DX_REASON_AWARD_FIXED:
        return explain_award_v2(self, r, "fixed award of %s", a, TRUE);
    case DX_REASON_AWARD_TABLE:
        return explain_award_v2(self, r, "award by table row: %s", a, TRUE);
    case DX_REASON_AWARD_RATE:
        return explain_award_v2(self, r, "award by rate: %s", a, TRUE);
    case DX_REASON_AWARD_PER:
        return explain_award_v2(self, r, "award by base plus steps: %s", a, TRUE);
    case DX_REASON_AWARD_MARGINAL:
        return explain_award_v2(self, r, "award by marginal rates: %s", a, TRUE);
    case DX_REASON_AWARD_FORMULA:
        return explain_award_v2(self, r, "award by formula: %s", a, TRUE);
    }
    return g_strdup("");
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

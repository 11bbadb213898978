/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One decision explained in full (duixian explain): what was applied for,
 * every eligibility clause with its actual and required values, the award
 * computed step by step (form, base, rate or table row, cap, groups, fund
 * share, the fund's cap, rationing), the reasons as §7 sentences, the
 * installment plan and the policy's basis.
 *
 * The steps are re-derived from the decision's reason records, which carry
 * every amount a step changed, so the text always agrees with the decision.
 * Decisions do not keep the application's values (a million of them would
 * cost too much), so the clause values and the award's base X are shown
 * only when the caller passes the application back; without it the text
 * says what it cannot show. Nothing here changes a decision. The words of
 * both languages are in the message table (dx-messages.c); only the
 * layout that no language changes (marks, numbering of the reasons,
 * expressions) is written here.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"
#include "decide/dx-messages-private.h"

#include <string.h>

typedef struct {
    GString *out;
    gboolean en;
    const DxRuleset *rs;
    const DxDecision *d;
    const DxPolicy *pol;
    const DxApplication *app;
} Explain;

/* A message of the table in the explanation's language, appended. */
#define STEPS_TEXT(x, id) g_string_append((x)->out, dx_msg_text((id), (x)->en))
#define STEPS_MSG(x, id, ...) DX_MSG_APPEND((x)->out, (id), (x)->en, __VA_ARGS__)

static const DxReason *
steps_reason(const DxDecision *d, size_t i)
{
    return &g_array_index(d->list->reasons, DxReason, d->reason_first + i);
}

static const char *
steps_status_name(DxStatus st, gboolean en)
{
    if ((guint)st > DX_STATUS_ERROR)
        return "";
    return dx_msg_text(DX_MSG_STATUS_APPROVED + (guint)st, en);
}

/* In 元 when @yuan: a line whose amounts do not all have a 万元 form
 * writes them all in 元 (dx_money_needs_yuan()), one unit per sentence. */
static char *
steps_money(int64_t fen, gboolean yuan)
{
    return dx_money_format_as(fen, yuan);
}

#define STEPS_YUAN2(u, v) (dx_money_needs_yuan(u) || dx_money_needs_yuan(v))

static char *
steps_value(const DxValue *v, gboolean percent)
{
    return dx_value_to_display(v, percent);
}

static void
steps_ctx(const Explain *x, DxEvalCtx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->slots = x->app->slots;
    ctx->present = x->app->present;
    ctx->defaults = x->rs->defaults;
    ctx->has_default = x->rs->has_default;
}

/* ---- clauses ---- */

static void
steps_clauses(Explain *x)
{
    const DxPolicy *pol = x->pol;
    DxEvalCtx ctx;

    STEPS_TEXT(x, DX_MSG_SECTION_ELIGIBILITY);
    if (pol->n_clauses == 0) {
        STEPS_TEXT(x, DX_MSG_NONE);
        return;
    }
    if (x->app == NULL) {
        for (guint i = 0; i < pol->n_clauses; i++) {
            g_autofree char *expr = dx_explain_expr_text(x->rs, pol->clauses[i].expr);

            g_string_append_printf(x->out, "  · %s：%s\n", pol->clauses[i].name, expr);
        }
        STEPS_TEXT(x, DX_MSG_CLAUSES_NO_DATA);
        return;
    }
    steps_ctx(x, &ctx);
    for (guint i = 0; i < pol->n_clauses; i++) {
        const DxClause *c = &pol->clauses[i];
        const DxExprNode *root = c->expr;
        DxValue vals[64], v;
        guint n = 0;
        const char *mark;
        g_autofree char *detail = NULL;

        ctx.err = DX_EVAL_ERR_NONE;
        switch (dx_expr_eval(root, &ctx, &v)) {
        case DX_EVAL_OK: mark = v.u.b ? "✓" : "✗"; break;
        case DX_EVAL_MISSING: mark = "?"; break;
        default: mark = "!"; break;
        }
        switch (dx_clause_shape(c)) {
        case DX_CLAUSE_COMPARE:
            if (dx_expr_eval(root->children[0], &ctx, &v) != DX_EVAL_OK)
                break;
            vals[n++] = v;
            if (root->children[1]->kind != DX_NODE_LIST && dx_expr_eval(root->children[1], &ctx, &v) == DX_EVAL_OK)
                vals[n++] = v;
            break;
        case DX_CLAUSE_FLAG:
            if (dx_expr_eval(root->kind == DX_NODE_FIELD ? root : root->children[0], &ctx, &v) == DX_EVAL_OK)
                vals[n++] = v;
            break;
        case DX_CLAUSE_GENERIC:
            for (guint k = 0; k < c->n_slots && n < G_N_ELEMENTS(vals); k++) {
                DxExprNode field = { 0 };
                DxValue none = { 0 };

                field.kind = DX_NODE_FIELD;
                field.slot = c->slots[k];
                vals[n++] = dx_expr_eval(&field, &ctx, &v) == DX_EVAL_OK ? v : none;
            }
            break;
        }
        detail = dx_explain_clause_values(x->rs, c, vals, n, x->en);
        if (*detail == '\0') {
            g_autofree char *expr = dx_explain_expr_text(x->rs, root);

            g_free(detail);
            detail = DX_MSG_DUP(DX_MSG_CLAUSE_FIELD_MISSING, x->en, DX_MSG_S("expr", expr));
        }
        g_string_append_printf(x->out, "  %s %s：%s\n", mark, c->name, detail);
    }
}

/* ---- the award's form ---- */

static gboolean
steps_eval(Explain *x, const DxExprNode *n, DxValue *out)
{
    DxEvalCtx ctx;

    if (x->app == NULL || n == NULL)
        return FALSE;
    steps_ctx(x, &ctx);
    return dx_expr_eval(n, &ctx, out) == DX_EVAL_OK;
}

static const char *
steps_base_label(Explain *x, const DxExprNode *n)
{
    if (n != NULL && n->kind == DX_NODE_FIELD && n->slot < x->rs->n_fields)
        return x->rs->fields[n->slot].label;
    return NULL;
}

static char *
steps_base_text(Explain *x, const DxExprNode *base, DxValue *v, gboolean *have)
{
    const char *label = steps_base_label(x, base);
    g_autofree char *expr = base != NULL ? dx_explain_expr_text(x->rs, base) : g_strdup("?");

    *have = steps_eval(x, base, v);
    if (*have) {
        /* the base and the award share a sentence: one unit for both */
        gboolean money = v->type == DX_TYPE_MONEY && v->u.r.den == 1;
        g_autofree char *val = money && STEPS_YUAN2((int64_t)v->u.r.num, x->d->award_fen)
                                   ? steps_money((int64_t)v->u.r.num, TRUE)
                                   : steps_value(v, FALSE);

        return g_strdup_printf("%s %s", label != NULL ? label : expr, val);
    }
    return g_strdup(label != NULL ? label : expr);
}

static int
steps_value_cmp(const DxValue *a, const DxValue *b)
{
    if (a->type == DX_TYPE_DATE)
        return a->u.date < b->u.date ? -1 : a->u.date > b->u.date;
    return dx_rat_cmp(a->u.r, b->u.r);
}

static void
steps_award(Explain *x)
{
    const DxPolicy *pol = x->pol;
    const DxExprNode *award = pol->award;
    g_autofree char *result = steps_money(x->d->award_fen, FALSE);
    DxValue v;
    gboolean have = FALSE;

    switch (pol->form) {
    case DX_AWARD_FIXED: {
        STEPS_MSG(x, DX_MSG_STEP_FIXED, DX_MSG_S("award", result));
        break;
    }
    case DX_AWARD_RATE: {
        const DxExprNode *rate = award->kind == DX_NODE_MUL ? award->children[0] : NULL;
        g_autofree char *base = steps_base_text(x, pol->award_base, &v, &have);
        g_autofree char *pct = NULL;
        DxValue rv;

        if (rate != NULL && steps_eval(x, rate, &rv))
            pct = steps_value(&rv, TRUE);
        else if (rate != NULL && rate->kind == DX_NODE_CONST)
            pct = steps_value(&rate->value, TRUE);
        else
            pct = rate != NULL ? dx_explain_expr_text(x->rs, rate) : g_strdup("?");
        if (have && v.type == DX_TYPE_MONEY && v.u.r.den == 1 && STEPS_YUAN2((int64_t)v.u.r.num, x->d->award_fen)) {
            g_free(result);
            result = steps_money(x->d->award_fen, TRUE);
        }
        STEPS_MSG(x, DX_MSG_STEP_RATE, DX_MSG_S("base", base), DX_MSG_S("rate", pct), DX_MSG_S("award", result));
        break;
    }
    case DX_AWARD_TABLE: {
        g_autofree char *base = steps_base_text(x, pol->award_base, &v, &have);

        STEPS_MSG(x, DX_MSG_STEP_TABLE, DX_MSG_S("base", base));
        if (award->kind == DX_NODE_CALL) {
            gint hit = -1;

            for (guint i = 0; have && i < award->n_rows; i++) {
                if (steps_value_cmp(&award->row_from[i], &v) <= 0)
                    hit = (gint)i;
            }
            for (guint i = 0; i < award->n_rows; i++) {
                g_autofree char *from = steps_value(&award->row_from[i], FALSE);
                g_autofree char *val = steps_value(&award->row_value[i], FALSE);

                STEPS_MSG(x, DX_MSG_STEP_TABLE_ROW, DX_MSG_S("mark", (gint)i == hit ? "▶" : " "), DX_MSG_S("from", from),
                          DX_MSG_S("value", val),
                          DX_MSG_S("applies", (gint)i == hit ? dx_msg_text(DX_MSG_STEP_TABLE_APPLIES, x->en) : ""));
            }
            if (have && hit < 0)
                STEPS_TEXT(x, DX_MSG_STEP_TABLE_BELOW);
        }
        STEPS_MSG(x, DX_MSG_STEP_TABLE_AWARD, DX_MSG_S("award", result));
        break;
    }
    case DX_AWARD_PER: {
        /* base + steps(X - from, unit) * amount */
        const DxExprNode *b = NULL, *st = NULL, *from = NULL, *unit = NULL, *amount = NULL;
        g_autofree char *xs = steps_base_text(x, pol->award_base, &v, &have);

        if (award->kind == DX_NODE_ADD && award->children[1]->kind == DX_NODE_MUL) {
            b = award->children[0];
            st = award->children[1]->children[0];
            amount = award->children[1]->children[1];
            if (st->kind == DX_NODE_CALL && st->n_children == 2 && st->children[0]->kind == DX_NODE_SUB) {
                from = st->children[0]->children[1];
                unit = st->children[1];
            }
        }
        if (b != NULL && from != NULL) {
            DxValue bv, fv, uv, av, sv;
            gboolean all = steps_eval(x, b, &bv) && steps_eval(x, from, &fv) && steps_eval(x, unit, &uv) &&
                           steps_eval(x, amount, &av) && steps_eval(x, st, &sv);

            if (all) {
                g_autofree char *bs = steps_value(&bv, FALSE), *fs = steps_value(&fv, FALSE);
                g_autofree char *us = steps_value(&uv, FALSE), *as = steps_value(&av, FALSE);
                g_autofree char *ss = steps_value(&sv, FALSE);

                STEPS_MSG(x, DX_MSG_STEP_PER, DX_MSG_S("x", xs), DX_MSG_S("base", bs), DX_MSG_S("from", fs),
                          DX_MSG_S("unit", us), DX_MSG_S("amount", as), DX_MSG_S("steps", ss), DX_MSG_S("award", result));
                break;
            }
        }
        {
            g_autofree char *expr = dx_explain_expr_text(x->rs, award);

            STEPS_MSG(x, DX_MSG_STEP_PER_EXPR, DX_MSG_S("x", xs), DX_MSG_S("expr", expr), DX_MSG_S("award", result));
        }
        break;
    }
    case DX_AWARD_MARGINAL: {
        g_autofree char *base = steps_base_text(x, pol->award_base, &v, &have);

        STEPS_MSG(x, DX_MSG_STEP_MARGINAL, DX_MSG_S("base", base));
        if (award->kind == DX_NODE_CALL) {
            for (guint i = 0; i < award->n_rows; i++) {
                g_autofree char *from = steps_value(&award->row_from[i], FALSE);
                g_autofree char *rate = steps_value(&award->row_value[i], TRUE);
                DxRat lo = award->row_from[i].u.r, hi, slice, part;

                if (have && dx_rat_cmp(v.u.r, lo) > 0) {
                    DxValue sv = { 0 }, pv = { 0 };
                    g_autofree char *ss = NULL, *ps = NULL;

                    hi = v.u.r;
                    if (i + 1 < award->n_rows && dx_rat_cmp(award->row_from[i + 1].u.r, hi) < 0)
                        hi = award->row_from[i + 1].u.r;
                    if (dx_rat_sub(hi, lo, &slice) != DX_NUM_OK || dx_rat_mul(slice, award->row_value[i].u.r, &part) != DX_NUM_OK)
                        continue;
                    sv.type = pv.type = DX_TYPE_MONEY;
                    sv.u.r = slice;
                    pv.u.r = part;
                    ss = steps_value(&sv, FALSE);
                    ps = steps_value(&pv, FALSE);
                    STEPS_MSG(x, DX_MSG_STEP_MARGINAL_SLICE, DX_MSG_S("from", from), DX_MSG_S("slice", ss),
                              DX_MSG_S("rate", rate), DX_MSG_S("part", ps));
                } else {
                    STEPS_MSG(x, DX_MSG_STEP_MARGINAL_ROW, DX_MSG_S("from", from), DX_MSG_S("rate", rate));
                }
            }
        }
        STEPS_MSG(x, DX_MSG_STEP_MARGINAL_TOTAL, DX_MSG_S("award", result));
        break;
    }
    case DX_AWARD_FORMULA: {
        g_autofree char *expr = dx_explain_expr_text(x->rs, award);

        STEPS_MSG(x, DX_MSG_STEP_FORMULA, DX_MSG_S("expr", expr));
        if (x->app != NULL && pol->n_award_slots > 0) {
            STEPS_TEXT(x, DX_MSG_STEP_FORMULA_WHERE);
            for (guint i = 0; i < pol->n_award_slots; i++) {
                DxExprNode field = { 0 };

                field.kind = DX_NODE_FIELD;
                field.slot = pol->award_slots[i];
                if (i > 0)
                    STEPS_TEXT(x, DX_MSG_LIST_SEP);
                if (steps_eval(x, &field, &v)) {
                    g_autofree char *val = steps_value(&v, FALSE);

                    g_string_append_printf(x->out, "%s = %s", x->rs->fields[field.slot].label, val);
                } else {
                    STEPS_MSG(x, DX_MSG_STEP_FORMULA_MISSING, DX_MSG_S("field", x->rs->fields[field.slot].label));
                }
            }
        }
        STEPS_MSG(x, DX_MSG_STEP_FORMULA_RESULT, DX_MSG_S("award", result));
        break;
    }
    }
}

/* ---- steps 5-9 from the reason records ---- */

static void
steps_computation(Explain *x)
{
    const DxDecision *d = x->d;
    const DxPolicy *pol = x->pol;
    int64_t amount = d->award_fen, charged = -1;
    gboolean share_done = FALSE, has_award = FALSE;
    guint step = 1;
    DxRat one = dx_rat_int(1);

    for (size_t i = 0; i < d->n_reasons; i++) {
        guint16 code = steps_reason(d, i)->code;

        has_award |= code >= DX_REASON_AWARD_FIXED && code <= DX_REASON_AWARD_FORMULA;
    }
    STEPS_TEXT(x, DX_MSG_SECTION_COMPUTATION);
    if (!has_award) {
        STEPS_TEXT(x, DX_MSG_NO_AWARD);
        return;
    }
    steps_award(x);
    for (size_t i = 0; i < d->n_reasons; i++) {
        const DxReason *r = steps_reason(d, i);
        const char *rtext = dx_reason_get_text(d->list, r) != NULL ? dx_reason_get_text(d->list, r) : "";
        /* the amounts this step's sentence may name, in one unit */
        gboolean yuan = STEPS_YUAN2(r->a, r->b) || dx_money_needs_yuan(r->c);
        g_autofree char *a = steps_money(r->a, yuan), *b = steps_money(r->b, yuan), *c = steps_money(r->c, yuan);

        /* the fund share comes between the group steps (award units) and the fund's cap (charged units) */
        if (!share_done && (r->code == DX_REASON_FUND_ENTERPRISE_CAP || r->code == DX_REASON_RATIONED ||
                            r->code == DX_REASON_UNFUNDED)) {
            g_autofree char *pct = NULL, *am = NULL;
            DxValue sv = { 0 };

            share_done = TRUE;
            sv.type = DX_TYPE_NUMBER;
            sv.u.r = pol->fund_share;
            pct = steps_value(&sv, TRUE);
            charged = dx_apply_share(amount, pol->fund_share);
            am = steps_money(amount, STEPS_YUAN2(amount, charged));
            if (dx_rat_cmp(pol->fund_share, one) != 0) {
                g_autofree char *ch = steps_money(charged, STEPS_YUAN2(amount, charged));

                STEPS_MSG(x, DX_MSG_STEP_FUND_SHARE, DX_MSG_I("n", ++step), DX_MSG_S("share", pct), DX_MSG_S("amount", am),
                          DX_MSG_S("charged", ch));
            }
        }
        switch ((DxReasonCode)r->code) {
        case DX_REASON_CAPPED:
            STEPS_MSG(x, DX_MSG_STEP_CAPPED, DX_MSG_I("n", ++step), DX_MSG_S("cap", b), DX_MSG_S("computed", a));
            amount = r->b;
            break;
        case DX_REASON_POLICY_ENTERPRISE_CAP:
            STEPS_MSG(x, DX_MSG_STEP_POLICY_ENTERPRISE_CAP, DX_MSG_I("n", ++step), DX_MSG_S("cap", a),
                      DX_MSG_S("before", b), DX_MSG_S("granted", c));
            amount = r->c;
            break;
        case DX_REASON_GROUP_HIGHEST:
            STEPS_MSG(x, DX_MSG_STEP_GROUP_HIGHEST, DX_MSG_I("n", ++step), DX_MSG_S("group", x->rs->groups[r->index].name),
                      DX_MSG_S("other", rtext));
            amount = 0;
            break;
        case DX_REASON_GROUP_TOPUP:
            STEPS_MSG(x, DX_MSG_STEP_GROUP_TOPUP, DX_MSG_I("n", ++step), DX_MSG_S("group", x->rs->groups[r->index].name),
                      DX_MSG_S("before", b), DX_MSG_S("award", a), DX_MSG_S("granted", c));
            amount = r->c;
            break;
        case DX_REASON_GROUP_STACK_CAP:
            STEPS_MSG(x, DX_MSG_STEP_GROUP_STACK_CAP, DX_MSG_I("n", ++step), DX_MSG_S("group", x->rs->groups[r->index].name),
                      DX_MSG_S("cap", a), DX_MSG_S("before", b), DX_MSG_S("granted", c));
            amount = r->c;
            break;
        case DX_REASON_FUND_ENTERPRISE_CAP:
            STEPS_MSG(x, DX_MSG_STEP_FUND_ENTERPRISE_CAP, DX_MSG_I("n", ++step), DX_MSG_S("cap", a),
                      DX_MSG_S("before", b), DX_MSG_S("granted", c));
            charged = r->c;
            break;
        case DX_REASON_RATIONED: {
            g_autofree char *ratio = dx_explain_ratio(r->b, r->a);
            g_autofree char *factor = dx_explain_ratio(d->granted_fen, charged > 0 ? charged : d->granted_fen);
            gboolean y = yuan || dx_money_needs_yuan(charged) || dx_money_needs_yuan(d->granted_fen);
            g_autofree char *ch = steps_money(charged, y);
            g_autofree char *ra = steps_money(r->a, y), *rb = steps_money(r->b, y), *rc = steps_money(r->c, y);

            if (x->rs->shortfall == DX_SHORTFALL_PRO_RATA)
                STEPS_MSG(x, DX_MSG_STEP_RATIONED, DX_MSG_I("n", ++step), DX_MSG_S("bureau", rtext),
                          DX_MSG_S("available", rb), DX_MSG_S("requested", ra), DX_MSG_S("ratio", ratio),
                          DX_MSG_S("charged", ch), DX_MSG_S("granted", rc), DX_MSG_S("factor", factor));
            else
                STEPS_MSG(x, DX_MSG_STEP_RATIONED_IN_ORDER, DX_MSG_I("n", ++step), DX_MSG_S("bureau", rtext),
                          DX_MSG_S("charged", ch), DX_MSG_S("granted", rc), DX_MSG_S("factor", factor));
            break;
        }
        case DX_REASON_UNFUNDED:
            STEPS_MSG(x, DX_MSG_STEP_UNFUNDED, DX_MSG_I("n", ++step), DX_MSG_S("bureau", rtext));
            break;
        default:
            break;
        }
    }
    if (!share_done && dx_rat_cmp(pol->fund_share, one) != 0 && amount > 0) {
        int64_t share_fen = dx_apply_share(amount, pol->fund_share);
        g_autofree char *pct = NULL, *am = steps_money(amount, STEPS_YUAN2(amount, share_fen)), *ch = NULL;
        DxValue sv = { 0 };

        sv.type = DX_TYPE_NUMBER;
        sv.u.r = pol->fund_share;
        pct = steps_value(&sv, TRUE);
        ch = steps_money(share_fen, STEPS_YUAN2(amount, share_fen));
        STEPS_MSG(x, DX_MSG_STEP_FUND_SHARE, DX_MSG_I("n", ++step), DX_MSG_S("share", pct), DX_MSG_S("amount", am),
                  DX_MSG_S("charged", ch));
    }
    {
        int64_t computed = dx_decision_computed_fen(x->rs, d);
        g_autofree char *comp = steps_money(computed, STEPS_YUAN2(computed, d->granted_fen));
        g_autofree char *gr = steps_money(d->granted_fen, STEPS_YUAN2(computed, d->granted_fen));
        g_autofree char *factor = dx_explain_ratio(d->granted_fen, computed);

        if (computed > 0)
            STEPS_MSG(x, DX_MSG_STEP_COMPUTED_GRANTED, DX_MSG_S("computed", comp), DX_MSG_S("granted", gr),
                      DX_MSG_S("factor", factor));
        else
            STEPS_MSG(x, DX_MSG_STEP_GRANTED, DX_MSG_S("granted", gr));
    }
}

static void
steps_installments(Explain *x)
{
    const DxPolicy *pol = x->pol;

    if (x->d->granted_fen <= 0)
        return;
    STEPS_TEXT(x, DX_MSG_SECTION_INSTALLMENTS);
    for (guint i = 0; i < pol->n_installments; i++) {
        const DxInstallment *in = &pol->installments[i];
        g_autofree char *what = NULL;
        char date[16];

        if (pol->installments_by_share) {
            DxValue sv = { 0 };

            sv.type = DX_TYPE_NUMBER;
            sv.u.r = in->share;
            what = steps_value(&sv, TRUE);
        } else if (in->rest) {
            what = g_strdup(dx_msg_text(DX_MSG_INSTALLMENT_REST, x->en));
        } else {
            what = steps_money(in->amount_fen, FALSE);
        }
        switch (in->timing) {
        case DX_TIMING_APPROVAL:
            STEPS_MSG(x, DX_MSG_INSTALLMENT_APPROVAL, DX_MSG_I("n", i + 1), DX_MSG_S("what", what));
            break;
        case DX_TIMING_DATE:
            dx_date_format(in->date, date);
            STEPS_MSG(x, DX_MSG_INSTALLMENT_DATE, DX_MSG_I("n", i + 1), DX_MSG_S("what", what), DX_MSG_S("date", date));
            break;
        case DX_TIMING_AFTER_MONTHS:
            STEPS_MSG(x, DX_MSG_INSTALLMENT_AFTER_MONTHS, DX_MSG_I("n", i + 1), DX_MSG_S("what", what),
                      DX_MSG_I("months", in->months));
            break;
        }
    }
}

char *
dx_decision_dup_explanation(const DxDecision *self, const DxApplication *app, const char *lang)
{
    Explain ex = { 0 }, *x = &ex;
    const DxRuleset *rs;
    g_autofree char *computed = NULL, *granted = NULL;

    g_return_val_if_fail(self != NULL && self->list != NULL, NULL);
    rs = self->list->rs;
    g_return_val_if_fail(app == NULL || app->rs == rs, NULL);
    x->out = g_string_new(NULL);
    x->en = lang != NULL && g_ascii_strncasecmp(lang, "en", 2) == 0;
    x->rs = rs;
    x->d = self;
    x->pol = self->policy >= 0 ? &rs->policies[self->policy] : NULL;
    x->app = app;
    computed = steps_money(dx_decision_computed_fen(rs, self), STEPS_YUAN2(dx_decision_computed_fen(rs, self),
                                                                           self->granted_fen));
    granted = steps_money(self->granted_fen, STEPS_YUAN2(dx_decision_computed_fen(rs, self), self->granted_fen));

    STEPS_MSG(x, DX_MSG_HEAD_APPLICATION, DX_MSG_S("app_id", self->app_id));
    if (self->row > 0)
        STEPS_MSG(x, DX_MSG_HEAD_ROW, DX_MSG_I("row", self->row));
    STEPS_MSG(x, DX_MSG_HEAD_ENTERPRISE, DX_MSG_S("enterprise", self->enterprise_id));
    if (x->pol != NULL) {
        STEPS_MSG(x, DX_MSG_HEAD_POLICY, DX_MSG_S("id", x->pol->id), DX_MSG_S("name", x->pol->name),
                  DX_MSG_S("bureau", rs->bureaus[x->pol->bureau].name));
        STEPS_MSG(x, DX_MSG_HEAD_BASIS, DX_MSG_S("basis", x->pol->basis));
    } else if (*self->policy_text != '\0') {
        STEPS_MSG(x, DX_MSG_HEAD_POLICY_UNKNOWN, DX_MSG_S("policy", self->policy_text));
    }
    STEPS_MSG(x, DX_MSG_HEAD_RESULT, DX_MSG_S("status_name", steps_status_name(self->status, x->en)),
              DX_MSG_S("status", dx_status_to_string(self->status)), DX_MSG_S("computed", computed),
              DX_MSG_S("granted", granted));

    STEPS_TEXT(x, DX_MSG_SECTION_REASONS);
    for (size_t i = 0; i < self->n_reasons; i++) {
        g_autofree char *msg = x->en ? dx_explain_reason_message_en(self, i) : dx_decision_dup_reason_message(self, i);

        g_string_append_printf(x->out, "  %zu. %s  [%s]\n", i + 1, msg,
                               dx_reason_code_to_string(dx_decision_get_reason_code(self, i)));
    }
    if (self->n_reasons == 0)
        STEPS_TEXT(x, DX_MSG_NONE);
    if (x->pol != NULL && self->status != DX_STATUS_INVALID && self->status != DX_STATUS_DUPLICATE) {
        steps_clauses(x);
        steps_computation(x);
        steps_installments(x);
    }
    return g_string_free(x->out, FALSE);
}

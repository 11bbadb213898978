/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * docs/rules.md §6 steps 1-6: what one application is owed under one
 * policy (the batch-wide parts of those steps are dx-decide-batch.c's).
 * Per application this file allocates nothing on
 * the success path: values go into a reusable scratch copy of the slots
 * (where field defaults are applied), decisions and reasons into the
 * list's growing arrays. Only failures format text (the actual values a
 * rejected applicant is told about).
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-decide-private.h"
#include "base/dx-cell-private.h"

#include <stdlib.h>
#include <string.h>

void
dx_decide_scratch_init(DxDecideScratch *s, const DxRuleset *rs)
{
    s->slots = NULL;
    s->present = NULL;
    s->missing = g_new0(guint, rs->n_fields);
    s->n_missing = 0;
}

void
dx_decide_scratch_clear(DxDecideScratch *s)
{
    g_free(s->missing);
    memset(s, 0, sizeof *s);
}

void
dx_decide_scratch_add_missing(DxDecideScratch *s, const DxRuleset *rs, const guint *slots, guint n_slots)
{
    for (guint i = 0; i < n_slots; i++) {
        gboolean seen = FALSE;

        if (s->present[slots[i]] || rs->has_default[slots[i]])
            continue;
        for (guint j = 0; j < s->n_missing && !seen; j++)
            seen = s->missing[j] == slots[i];
        if (!seen)
            s->missing[s->n_missing++] = slots[i];
    }
}

static const char *
text_slot(const DxDecideScratch *s, DxDecisionList *list, guint slot)
{
    if (!s->present[slot])
        return "";
    return dx_decision_list_intern(list, s->slots[slot].u.t.s, s->slots[slot].u.t.len);
}

/* ---- what a failed clause is explained with ----
 * Only the values are kept here (text copied into the list); the sentence
 * is made by dx-explain.c when somebody asks for it. */

DxClauseShape
dx_clause_shape(const DxClause *c)
{
    const DxExprNode *root = c->expr;

    if (root->kind >= DX_NODE_EQ && root->kind <= DX_NODE_NOT_IN && root->children[0]->kind == DX_NODE_FIELD)
        return DX_CLAUSE_COMPARE;
    if (root->kind == DX_NODE_FIELD || (root->kind == DX_NODE_NOT && root->children[0]->kind == DX_NODE_FIELD))
        return DX_CLAUSE_FLAG;
    return DX_CLAUSE_GENERIC;
}

void
dx_clause_read_values(const DxClause *c, DxEvalCtx *ctx, DxClauseKeepFunc keep, gpointer user_data)
{
    const DxExprNode *root = c->expr;
    DxValue v;

    switch (dx_clause_shape(c)) {
    case DX_CLAUSE_COMPARE:
        if (dx_expr_eval(root->children[0], ctx, &v) != DX_EVAL_OK)
            break;
        keep(user_data, &v);
        /* a list or a constant is read back from the tree when explained:
         * keeping a copy per rejection would double what a batch holds */
        if (root->children[1]->kind != DX_NODE_LIST && root->children[1]->kind != DX_NODE_CONST &&
            dx_expr_eval(root->children[1], ctx, &v) == DX_EVAL_OK)
            keep(user_data, &v);
        break;
    case DX_CLAUSE_FLAG:
        /* nothing: a failed `flag` means it was false, `not flag` true */
        break;
    case DX_CLAUSE_GENERIC:
        for (guint i = 0; i < c->n_slots; i++) {
            DxValue none = { 0 };
            DxExprNode field = { 0 };

            field.kind = DX_NODE_FIELD;
            field.slot = c->slots[i];
            keep(user_data, dx_expr_eval(&field, ctx, &v) == DX_EVAL_OK ? &v : &none);
        }
        break;
    }
}

static void
keep_in_list(gpointer list, const DxValue *v)
{
    dx_decision_list_keep_value(list, v);
}

static void
record_clause_values(DxDecisionList *list, const DxClause *c, DxEvalCtx *ctx, DxReason *r)
{
    r->a = list->values->len;
    dx_clause_read_values(c, ctx, keep_in_list, list);
    r->b = (int64_t)list->values->len - r->a;
}

/* ---- one decision ---- */

static DxDecision *
decision_start(DxDecisionList *list, const DxDecision *base, gint policy)
{
    DxDecision *d = dx_decision_list_append(list);

    *d = *base;
    d->policy = policy;
    d->n_reasons = 0;
    d->reason_first = list->reasons->len;
    return d;
}

void
dx_decision_missing(DxDecisionList *list, DxDecision *d, DxDecideScratch *s)
{
    d->status = DX_STATUS_INCOMPLETE;
    for (guint i = 0; i < s->n_missing; i++)
        dx_decision_add_reason(list, d, DX_REASON_MISSING_FIELD)->index = (gint32)s->missing[i];
}

void
dx_decision_eval_error(DxDecisionList *list, DxDecision *d, gint32 index, const DxEvalCtx *ctx)
{
    DxReason *r = dx_decision_add_reason(list, d, DX_REASON_EVAL_ERROR);

    d->status = DX_STATUS_ERROR;
    r->index = index;
    r->a = ctx->err;
    r->b = ctx->err_col;
    if (ctx->err == DX_EVAL_ERR_NO_PARAM) {   /* §10: name the parameter and the date */
        dx_reason_set_text(list, r, ctx->err_name);
        r->c = ctx->ref_date;
    }
}

/* Keeps, with the award reason @r, the received() amounts the award and
 * cap read (their key index in elem), for the explanation (§11). */
static void
keep_received(DxDecisionList *list, const DxExprNode *n, const DxEvalCtx *ctx, DxReason *r, guint64 *seen)
{
    if (n->kind == DX_NODE_RECEIVED && n->slot < 64 && !(*seen & (G_GUINT64_CONSTANT(1) << n->slot))) {
        DxValue v = { 0 };

        *seen |= G_GUINT64_CONSTANT(1) << n->slot;
        v.type = DX_TYPE_MONEY;
        v.elem = (guint8)n->slot;
        v.u.r = dx_rat_int(ctx->received[n->slot]);
        if (r->b == 0)
            r->b = (int64_t)list->values->len + 1;
        dx_decision_list_keep_value(list, &v);
        r->c++;
    }
    for (guint i = 0; i < n->n_children; i++)
        keep_received(list, n->children[i], ctx, r, seen);
}

static const DxReasonCode award_codes[] = {
    /* ORDER DxAwardForm */
    DX_REASON_AWARD_FIXED, DX_REASON_AWARD_TABLE, DX_REASON_AWARD_RATE,
    DX_REASON_AWARD_PER, DX_REASON_AWARD_MARGINAL, DX_REASON_AWARD_FORMULA,
};

/* Steps 4-5 on @d, whose clauses held: the award rounded half up to the
 * fen, then the cap rounded the same way. */
void
dx_decide_award(DxDecisionList *list, DxDecision *d, const DxPolicy *pol, DxEvalCtx *ctx, DxDecideScratch *s)
{
    const DxRuleset *rs = list->rs;
    DxValue v;

    ctx->err = DX_EVAL_ERR_NONE;
    switch (dx_expr_eval(pol->award, ctx, &v)) {
    case DX_EVAL_MISSING:
        dx_decide_scratch_add_missing(s, rs, pol->award_slots, pol->n_award_slots);
        dx_decision_missing(list, d, s);
        return;
    case DX_EVAL_ERROR:
        dx_decision_eval_error(list, d, -1, ctx);
        return;
    case DX_EVAL_OK:
        break;
    }
    d->award_fen = (int64_t)dx_rat_round_half_up(v.u.r);
    if (d->award_fen <= 0) {
        DxReason *r = dx_decision_add_reason(list, d, DX_REASON_AWARD_ZERO);

        r->a = d->award_fen;
        r->index = (gint32)ctx->rank;   /* the place, for dx_decision_get_rank(); 0 unranked */
        d->award_fen = 0;
        d->status = DX_STATUS_REJECTED;
        return;
    }
    {
        DxReason *r = dx_decision_add_reason(list, d, award_codes[pol->form]);

        r->a = d->award_fen;
        r->index = (gint32)ctx->rank;
        if (pol->uses_received && ctx->received != NULL) {
            guint64 seen = 0;

            keep_received(list, pol->award, ctx, r, &seen);
            if (pol->cap != NULL)
                keep_received(list, pol->cap, ctx, r, &seen);
        }
    }
    d->amount_fen = d->award_fen;
    if (pol->cap != NULL) {
        int64_t cap;

        ctx->err = DX_EVAL_ERR_NONE;
        switch (dx_expr_eval(pol->cap, ctx, &v)) {
        case DX_EVAL_MISSING:
            d->n_reasons = 0;
            d->award_fen = d->amount_fen = 0;
            dx_decide_scratch_add_missing(s, rs, pol->cap_slots, pol->n_cap_slots);
            dx_decision_missing(list, d, s);
            return;
        case DX_EVAL_ERROR:
            d->n_reasons = 0;
            d->award_fen = d->amount_fen = 0;
            dx_decision_eval_error(list, d, -2, ctx);
            return;
        case DX_EVAL_OK:
            break;
        }
        cap = (int64_t)dx_rat_round_half_up(v.u.r);
        if (cap < d->amount_fen) {
            DxReason *r = dx_decision_add_reason(list, d, DX_REASON_CAPPED);

            r->a = d->amount_fen;
            r->b = cap;
            d->amount_fen = MAX(cap, 0);
        }
    }
    d->status = DX_STATUS_PENDING;
}

/* Steps 2-5 for one policy. Returns the decision, or NULL when in
 * matching mode the policy does not match (window or clauses). With
 * @existing (a deferred decision, its window passed) steps 3-5 are decided
 * on it: a non-match then marks it dropped. A ranked policy stops after
 * step 3 (RANK_CANDIDATE): its award needs its place. */
DxDecision *
dx_decide_policy(DxDecisionList *list, const DxDecision *base, guint pi, DxDecideScratch *s, gboolean matching,
              DxDecision *existing, DxEvalCtx *ctx)
{
    const DxRuleset *rs = list->rs;
    const DxPolicy *pol = &rs->policies[pi];
    DxDecision *d;
    gboolean any_error = FALSE, any_false = FALSE;
    DxValue v;
    gint32 sub = base->submitted_on;

    /* step 2: window */
    if (existing == NULL && ((pol->has_from && sub < pol->window_from) || (pol->has_to && sub > pol->window_to))) {
        if (matching)
            return NULL;
        d = decision_start(list, base, (gint)pi);
        d->status = DX_STATUS_REJECTED;
        dx_decision_add_reason(list, d, DX_REASON_OUTSIDE_WINDOW);
        return d;
    }
    /* The matching prefilter: a clause that cannot fail and is false makes
     * the policy no match, unless another clause fails (an error outranks
     * a false clause); missing is not false, so it rejects nothing. With
     * no false clause here, or a failing one, the full step 3 below gives
     * the answer as ever. */
    if (matching && existing == NULL && pol->n_pre > 0) {
        gboolean reject = FALSE;

        for (guint k = 0; k < pol->n_pre && !reject; k++) {
            ctx->err = DX_EVAL_ERR_NONE;
            reject = dx_expr_eval(pol->clauses[pol->pre[k]].expr, ctx, &v) == DX_EVAL_OK && !v.u.b;
        }
        for (guint k = 0; k < pol->n_risky && reject; k++) {
            ctx->err = DX_EVAL_ERR_NONE;
            reject = dx_expr_eval(pol->clauses[pol->risky[k]].expr, ctx, &v) != DX_EVAL_ERROR;
        }
        if (reject)
            return NULL;
    }
    /* step 3: every clause (一次告知) — first find the verdict without
     * touching the list, so a non-matching policy costs nothing */
    s->n_missing = 0;
    for (guint i = 0; i < pol->n_clauses; i++) {
        DxEvalState st;

        ctx->err = DX_EVAL_ERR_NONE;
        st = dx_expr_eval(pol->clauses[i].expr, ctx, &v);
        if (st == DX_EVAL_ERROR)
            any_error = TRUE;
        else if (st == DX_EVAL_OK && !v.u.b)
            any_false = TRUE;
        else if (st == DX_EVAL_MISSING)
            dx_decide_scratch_add_missing(s, rs, pol->clauses[i].slots, pol->clauses[i].n_slots);
    }
    if (any_false && !any_error && matching) {
        if (existing != NULL) {
            existing->status = DX_STATUS_REJECTED;
            existing->dropped = TRUE;
            dx_decision_clear_reasons(existing);
        }
        return NULL;
    }
    if (existing != NULL) {
        d = existing;
        dx_decision_clear_reasons(d);
    } else {
        d = decision_start(list, base, (gint)pi);
    }
    d->matching = matching;
    if (any_error || any_false) {
        for (guint i = 0; i < pol->n_clauses; i++) {
            DxEvalState st;

            ctx->err = DX_EVAL_ERR_NONE;
            st = dx_expr_eval(pol->clauses[i].expr, ctx, &v);
            if (any_error && st == DX_EVAL_ERROR) {
                dx_decision_eval_error(list, d, (gint32)i, ctx);
            } else if (!any_error && st == DX_EVAL_OK && !v.u.b) {
                DxReason *r = dx_decision_add_reason(list, d, DX_REASON_CLAUSE_FAILED);

                r->index = (gint32)i;
                record_clause_values(list, &pol->clauses[i], ctx, r);
            }
        }
        d->status = any_error ? DX_STATUS_ERROR : DX_STATUS_REJECTED;
        return d;
    }
    d->clauses_ok = TRUE;   /* `once` (batch-wide) is checked before incomplete is final */
    if (s->n_missing > 0) {
        dx_decision_missing(list, d, s);
        return d;
    }
    if (pol->ranked && ctx->rank == 0) {
        d->status = DX_STATUS_RANK_CANDIDATE;   /* step 3a comes first */
        return d;
    }
    dx_decide_award(list, d, pol, ctx, s);
    return d;
}

/* A deferred policy past its window: the decision waits for the batch-wide
 * pass, with the values of the fields the policy reads (pol->kept_slots). */
static void
decide_defer(DxDecisionList *list, const DxDecision *base, guint pi, DxDecideScratch *s, gboolean matching)
{
    const DxRuleset *rs = list->rs;
    const DxPolicy *pol = &rs->policies[pi];
    DxDecision *d;
    DxReason *r;
    gint32 sub = base->submitted_on;
    guint first;

    if ((pol->has_from && sub < pol->window_from) || (pol->has_to && sub > pol->window_to)) {
        DxEvalCtx none = { 0 };

        dx_decide_policy(list, base, pi, s, matching, NULL, &none);   /* the window's verdict */
        return;
    }
    first = list->values->len;
    for (guint i = 0; i < pol->n_kept_slots; i++) {
        guint f = pol->kept_slots[i];
        DxValue missing = { 0 };

        dx_decision_list_keep_value(list, s->present[f] ? &s->slots[f] : &missing);
    }
    d = decision_start(list, base, (gint)pi);
    d->matching = matching;
    d->status = DX_STATUS_DEFERRED;
    r = dx_decision_add_reason(list, d, DX_REASON_SNAPSHOT);
    r->a = first;
    r->b = pol->n_kept_slots;
}

/* The evaluation context of one application: its slots, the ruleset's
 * defaults, parameters read at its submitted_on (§10). */
static DxEvalCtx
app_ctx(const DxRuleset *rs, const DxDecideScratch *s, const DxDecision *base)
{
    DxEvalCtx ctx = { 0 };

    ctx.slots = s->slots;
    ctx.present = s->present;
    ctx.defaults = rs->defaults;
    ctx.has_default = rs->has_default;
    ctx.ref_date = base->submitted_on;
    return ctx;
}

/* §9: an empty cell takes the field's default, which may lie outside the
 * field's bounds; then the row is invalid as if the cell said so. */
static gboolean
app_uses_bad_default(const DxRuleset *rs, const DxDecideScratch *s)
{
    for (guint i = 0; i < rs->n_fields; i++) {
        if (!s->present[i] && rs->fields[i].default_bad != NULL)
            return TRUE;
    }
    return FALSE;
}

void
dx_decide_application(DxDecisionList *list, const DxApplication *app, guint64 seq, DxDecideScratch *s)
{
    const DxRuleset *rs = list->rs;
    DxDecision base = { 0 };
    DxDecision *d;
    gint pi = -1;

    /* evaluation reads the application's own slots; defaults are applied
     * by the evaluator, so nothing is copied per application */
    s->slots = app->slots;
    s->present = app->present;
    base.app_id = text_slot(s, list, DX_SLOT_APP_ID);
    base.enterprise_id = text_slot(s, list, DX_SLOT_ENTERPRISE_ID);
    base.policy_text = "";
    base.submitted_on = s->present[DX_SLOT_SUBMITTED_ON] ? s->slots[DX_SLOT_SUBMITTED_ON].u.date : 0;
    base.row = app->row;
    base.seq = seq;
    base.policy = -1;
    if (s->present[DX_SLOT_POLICY]) {
        const char *named = s->slots[DX_SLOT_POLICY].u.t.s;   /* NUL-terminated: see DxApplication */

        pi = app->policy;   /* looked up when the cell was set */
        /* a known policy's id is the ruleset's own string: nothing to copy */
        base.policy_text = pi >= 0 ? rs->policies[pi].id : dx_decision_list_intern(list, named, -1);
    }

    /* step 1: bad cells, then required built-ins, then an unknown policy */
    if (app->problems->len > 0 || !s->present[DX_SLOT_APP_ID] || !s->present[DX_SLOT_ENTERPRISE_ID] ||
        !s->present[DX_SLOT_SUBMITTED_ON] || (G_UNLIKELY(rs->has_bad_defaults) && app_uses_bad_default(rs, s))) {
        static const guint required[] = { DX_SLOT_APP_ID, DX_SLOT_ENTERPRISE_ID, DX_SLOT_SUBMITTED_ON };

        d = decision_start(list, &base, pi);
        d->status = DX_STATUS_INVALID;
        for (guint i = 0; i < app->problems->len; i++) {
            const DxCellProblem *p = &g_array_index(app->problems, DxCellProblem, i);
            DxReason *r = dx_decision_add_reason(list, d, DX_REASON_INVALID_FIELD);

            r->index = p->slot == G_MAXUINT ? -1 : (gint32)p->slot;
            r->a = p->column;
            dx_reason_set_text(list, r, dx_decision_list_intern(list, p->message, -1));
        }
        for (guint i = 0; rs->has_bad_defaults && i < rs->n_fields; i++) {
            if (!s->present[i] && rs->fields[i].default_bad != NULL) {
                DxReason *r = dx_decision_add_reason(list, d, DX_REASON_INVALID_FIELD);

                r->index = (gint32)i;
                dx_reason_set_text(list, r, rs->fields[i].default_bad);
            }
        }
        for (guint i = 0; i < G_N_ELEMENTS(required); i++) {
            gboolean bad_cell = FALSE;

            for (guint j = 0; j < app->problems->len; j++)
                bad_cell |= g_array_index(app->problems, DxCellProblem, j).slot == required[i];
            if (!s->present[required[i]] && !bad_cell) {
                DxReason *r = dx_decision_add_reason(list, d, DX_REASON_INVALID_FIELD);

                r->index = (gint32)required[i];
                /* both languages, as a bad cell's sentence (dx_bilingual_pick()) */
                dx_reason_set_text(list, r, "必填，不能为空" "\x1f" "required: the cell is empty");
            }
        }
        return;
    }
    if (*base.policy_text != '\0' && pi < 0) {
        d = decision_start(list, &base, -1);
        d->status = DX_STATUS_INVALID;
        dx_decision_add_reason(list, d, DX_REASON_UNKNOWN_POLICY);
        return;
    }
    if (pi >= 0) {
        DxEvalCtx ctx = app_ctx(rs, s, &base);

        if (rs->policies[pi].deferred)
            decide_defer(list, &base, (guint)pi, s, FALSE);
        else
            dx_decide_policy(list, &base, (guint)pi, s, FALSE, NULL, &ctx);
        return;
    }
    {
        guint before = list->decisions->len;
        DxEvalCtx ctx = app_ctx(rs, s, &base);

        for (guint p = 0; p < rs->n_policies; p++) {   /* 免申即享: every policy */
            if (rs->policies[p].deferred)
                decide_defer(list, &base, p, s, TRUE);
            else
                dx_decide_policy(list, &base, p, s, TRUE, NULL, &ctx);
        }
        if (list->decisions->len == before) {
            /* Nothing matched: no row, but the row has used its app_id, so
             * a later row with it is a duplicate (step 1). */
            d = decision_start(list, &base, -1);
            d->status = DX_STATUS_REJECTED;
            d->dropped = TRUE;
        }
    }
}

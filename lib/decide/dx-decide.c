/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spec §6 steps 1-6: what one application is owed under one policy, and
 * the batch-wide parts of those steps (duplicates, `once`, the policy
 * per-enterprise cap). Per application this file allocates nothing on
 * the success path: values go into a reusable scratch copy of the slots
 * (where field defaults are applied), decisions and reasons into the
 * list's growing arrays. Only failures format text (the actual values a
 * rejected applicant is told about).
 *
 * Batch-wide steps are per enterprise, so they run over decisions sorted
 * by (enterprise, canonical order) with a small per-policy state reset at
 * each enterprise: no global hash of (enterprise, policy) pairs.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-decision-private.h"
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

static void
scratch_add_missing(DxDecideScratch *s, const DxRuleset *rs, const guint *slots, guint n_slots)
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

static void
record_clause_values(DxDecisionList *list, const DxClause *c, DxEvalCtx *ctx, DxReason *r)
{
    const DxExprNode *root = c->expr;
    DxValue v;

    r->a = list->values->len;
    switch (dx_clause_shape(c)) {
    case DX_CLAUSE_COMPARE:
        if (dx_expr_eval(root->children[0], ctx, &v) != DX_EVAL_OK)
            break;
        dx_decision_list_keep_value(list, &v);
        /* a list or a constant is read back from the tree when explained:
         * keeping a copy per rejection would double what a batch holds */
        if (root->children[1]->kind != DX_NODE_LIST && root->children[1]->kind != DX_NODE_CONST &&
            dx_expr_eval(root->children[1], ctx, &v) == DX_EVAL_OK)
            dx_decision_list_keep_value(list, &v);
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
            dx_decision_list_keep_value(list, dx_expr_eval(&field, ctx, &v) == DX_EVAL_OK ? &v : &none);
        }
        break;
    }
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

static void
decision_missing(DxDecisionList *list, DxDecision *d, DxDecideScratch *s)
{
    d->status = DX_STATUS_INCOMPLETE;
    for (guint i = 0; i < s->n_missing; i++)
        dx_decision_add_reason(list, d, DX_REASON_MISSING_FIELD)->index = (gint32)s->missing[i];
}

static void
decision_eval_error(DxDecisionList *list, DxDecision *d, gint32 index, const DxEvalCtx *ctx)
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
static void
decide_award(DxDecisionList *list, DxDecision *d, const DxPolicy *pol, DxEvalCtx *ctx, DxDecideScratch *s)
{
    const DxRuleset *rs = list->rs;
    DxValue v;

    ctx->err = DX_EVAL_ERR_NONE;
    switch (dx_expr_eval(pol->award, ctx, &v)) {
    case DX_EVAL_MISSING:
        scratch_add_missing(s, rs, pol->award_slots, pol->n_award_slots);
        decision_missing(list, d, s);
        return;
    case DX_EVAL_ERROR:
        decision_eval_error(list, d, -1, ctx);
        return;
    case DX_EVAL_OK:
        break;
    }
    d->award_fen = (int64_t)dx_rat_round_half_up(v.u.r);
    if (d->award_fen <= 0) {
        DxReason *r = dx_decision_add_reason(list, d, DX_REASON_AWARD_ZERO);

        r->a = d->award_fen;
        d->award_fen = 0;
        d->status = DX_STATUS_REJECTED;
        return;
    }
    {
        DxReason *r = dx_decision_add_reason(list, d, award_codes[pol->form]);

        r->a = d->award_fen;
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
            scratch_add_missing(s, rs, pol->cap_slots, pol->n_cap_slots);
            decision_missing(list, d, s);
            return;
        case DX_EVAL_ERROR:
            d->n_reasons = 0;
            d->award_fen = d->amount_fen = 0;
            decision_eval_error(list, d, -2, ctx);
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
static DxDecision *
decide_policy(DxDecisionList *list, const DxDecision *base, guint pi, DxDecideScratch *s, gboolean matching,
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
            scratch_add_missing(s, rs, pol->clauses[i].slots, pol->clauses[i].n_slots);
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
                decision_eval_error(list, d, (gint32)i, ctx);
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
        decision_missing(list, d, s);
        return d;
    }
    if (pol->ranked && ctx->rank == 0) {
        d->status = DX_STATUS_RANK_CANDIDATE;   /* step 3a comes first */
        return d;
    }
    decide_award(list, d, pol, ctx, s);
    return d;
}

/* A deferred policy past its window: the decision waits for the batch-wide
 * pass, with the application's values kept once per application (@snap). */
static void
decide_defer(DxDecisionList *list, const DxDecision *base, guint pi, DxDecideScratch *s, gboolean matching,
             guint *snap)
{
    const DxRuleset *rs = list->rs;
    const DxPolicy *pol = &rs->policies[pi];
    DxDecision *d;
    DxReason *r;
    gint32 sub = base->submitted_on;

    if ((pol->has_from && sub < pol->window_from) || (pol->has_to && sub > pol->window_to)) {
        DxEvalCtx none = { 0 };

        decide_policy(list, base, pi, s, matching, NULL, &none);   /* the window's verdict */
        return;
    }
    if (*snap == G_MAXUINT) {
        *snap = list->values->len;
        for (guint i = 0; i < rs->n_fields; i++) {
            DxValue missing = { 0 };

            dx_decision_list_keep_value(list, s->present[i] ? &s->slots[i] : &missing);
        }
    }
    d = decision_start(list, base, (gint)pi);
    d->matching = matching;
    d->status = DX_STATUS_DEFERRED;
    r = dx_decision_add_reason(list, d, DX_REASON_SNAPSHOT);
    r->a = *snap;
    r->b = rs->n_fields;
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
    guint snap = G_MAXUINT;

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
                dx_reason_set_text(list, r, "required: the cell is empty");
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
            decide_defer(list, &base, (guint)pi, s, FALSE, &snap);
        else
            decide_policy(list, &base, (guint)pi, s, FALSE, NULL, &ctx);
        return;
    }
    {
        guint before = list->decisions->len;
        DxEvalCtx ctx = app_ctx(rs, s, &base);

        for (guint p = 0; p < rs->n_policies; p++) {   /* 免申即享: every policy */
            if (rs->policies[p].deferred)
                decide_defer(list, &base, p, s, TRUE, &snap);
            else
                decide_policy(list, &base, p, s, TRUE, NULL, &ctx);
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

/* ---- batch-wide steps ---- */

int
dx_decision_cmp_canonical(const DxRuleset *rs, const DxDecision *a, const DxDecision *b)
{
    gint64 pa = a->policy >= 0 ? rs->policies[a->policy].priority : 0;
    gint64 pb = b->policy >= 0 ? rs->policies[b->policy].priority : 0;
    int c;

    if (pa != pb)
        return pa > pb ? -1 : 1;
    if (a->submitted_on != b->submitted_on)
        return a->submitted_on < b->submitted_on ? -1 : 1;
    c = strcmp(a->app_id, b->app_id);
    if (c != 0)
        return c;
    if (a->policy != b->policy) {
        c = strcmp(a->policy >= 0 ? rs->policies[a->policy].id : "", b->policy >= 0 ? rs->policies[b->policy].id : "");
        if (c != 0)
            return c;
    }
    return (a->seq > b->seq) - (a->seq < b->seq);
}

typedef struct {
    const DxRuleset *rs;
    const DxDecision *base;
} DxSortCtx;

static int
cmp_app_seq(const void *pa, const void *pb, void *user)
{
    const DxDecision *base = user;
    const DxDecision *a = &base[*(const guint *)pa], *b = &base[*(const guint *)pb];
    int c = strcmp(a->app_id, b->app_id);

    if (c != 0)
        return c;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int
cmp_enterprise_canonical(const void *pa, const void *pb, void *user)
{
    const DxSortCtx *sc = user;
    const DxDecision *a = &sc->base[*(const guint *)pa], *b = &sc->base[*(const guint *)pb];

    if (a->enterprise != b->enterprise)
        return a->enterprise < b->enterprise ? -1 : 1;
    return dx_decision_cmp_canonical(sc->rs, a, b);
}

/* Step 1 within the batch: a row whose app_id an earlier row used becomes
 * one `duplicate` decision, whatever else it had (spec §6 step 1). */
static void
batch_mark_duplicates(DxDecisionList *list, DxPaidFunc paid, gpointer user_data)
{
    DxDecision *ds = (DxDecision *)(void *)list->decisions->data;
    guint n = list->decisions->len, *idx = g_new(guint, MAX(n, 1));
    guint i = 0;

    gboolean sorted = TRUE;

    for (guint k = 0; k < n; k++)
        idx[k] = k;
    for (guint k = 1; k < n && sorted; k++)
        sorted = cmp_app_seq(&idx[k - 1], &idx[k], ds) <= 0;
    if (!sorted)   /* exports usually come in app_id order: then nothing to sort */
        qsort_r(idx, n, sizeof(guint), cmp_app_seq, ds);
    while (i < n) {
        guint j = i + 1;
        guint64 first_seq = ds[idx[i]].seq;

        while (j < n && strcmp(ds[idx[j]].app_id, ds[idx[i]].app_id) == 0)
            j++;
        if (*ds[idx[i]].app_id != '\0') {
            /* an app_id an earlier round paid makes even its first row here a duplicate */
            gboolean paid_before = paid != NULL && paid(ds[idx[i]].app_id, user_data);
            guint64 last_seq = paid_before ? G_MAXUINT64 : first_seq;

            for (guint k = paid_before ? i : i + 1; k < j; k++) {
                DxDecision *d = &ds[idx[k]];

                if (!paid_before && d->seq == first_seq)
                    continue;
                if (d->seq == last_seq) {
                    d->dropped = TRUE;   /* one decision per duplicate row */
                    continue;
                }
                last_seq = d->seq;
                d->dropped = FALSE;   /* a duplicate row is one decision, even one that matched nothing */
                d->status = DX_STATUS_DUPLICATE;
                d->clauses_ok = FALSE;
                d->matching = FALSE;
                d->award_fen = d->amount_fen = 0;
                if (d->policy < 0 && *d->policy_text != '\0')
                    d->policy = dx_ruleset_find_policy(list->rs, d->policy_text);
                if (*d->policy_text == '\0')
                    d->policy = -1;
                dx_decision_clear_reasons(d);
                dx_decision_add_reason(list, d, DX_REASON_DUPLICATE_APP_ID);
                ds = (DxDecision *)(void *)list->decisions->data;
            }
        }
        i = j;
    }
    g_free(idx);
}

/* ---- format 2: the deferred policies (§10-§12) ---- */

/* What @enterprise_id received under each received() key (§11): history
 * and ledger from the book, looked up once per enterprise and kept. */
static const int64_t *
deferred_received(const DxRuleset *rs, const DxDecideEnv *env, GHashTable *cache, const char *enterprise_id)
{
    int64_t *v = g_hash_table_lookup(cache, enterprise_id);

    if (v != NULL)
        return v;
    v = g_new0(int64_t, MAX(rs->n_received_keys, 1));
    for (guint k = 0; k < rs->n_received_keys && env != NULL && env->book != NULL; k++) {
        const DxReceivedKey *key = &rs->received_keys[k];
        gboolean taken;

        if (key->group)
            v[k] = dx_prior_book_get_group_held(env->book, enterprise_id, key->key);
        else
            dx_prior_book_get_policy(env->book, enterprise_id, key->key, &v[k], &taken);
    }
    g_hash_table_insert(cache, (gpointer)enterprise_id, v);
    return v;
}

typedef struct {
    DxValue *slots;
    guint8 *present;
    GHashTable *received;        /* enterprise_id -> int64_t[n_received_keys] */
    const DxDecideEnv *env;
} DxDeferred;

/* The evaluation context of deferred decision @d from its kept values. */
static DxEvalCtx
deferred_ctx(DxDecisionList *list, DxDeferred *x, const DxDecision *d, guint snap)
{
    const DxRuleset *rs = list->rs;
    const DxPolicy *pol = &rs->policies[d->policy];
    DxEvalCtx ctx = { 0 };

    dx_decision_list_get_values(list, snap, rs->n_fields, x->slots);
    for (guint i = 0; i < rs->n_fields; i++)
        x->present[i] = x->slots[i].type != DX_TYPE_NONE;
    ctx.slots = x->slots;
    ctx.present = x->present;
    ctx.defaults = rs->defaults;
    ctx.has_default = rs->has_default;
    ctx.ref_date = pol->params_on_approval ? (x->env != NULL ? x->env->approval_day : 0) : d->submitted_on;
    ctx.received = deferred_received(rs, x->env, x->received, d->enterprise_id);
    return ctx;
}

typedef struct {
    guint k;                     /* decision index */
    DxValue by;
} DxRankEntry;

typedef struct {
    const DxRuleset *rs;
    const DxDecision *ds;
    gboolean asc;
} DxRankCtx;

static int
cmp_rank(const void *pa, const void *pb, void *user)
{
    const DxRankCtx *rc = user;
    const DxRankEntry *a = pa, *b = pb;
    int c = dx_value_cmp(&a->by, &b->by);

    if (c != 0)
        return rc->asc ? c : -c;
    return dx_decision_cmp_canonical(rc->rs, &rc->ds[a->k], &rc->ds[b->k]);   /* ties: canonical order */
}

static int
cmp_once_order(const void *pa, const void *pb, void *user)
{
    const DxRankCtx *rc = user;
    const DxDecision *a = &rc->ds[*(const guint *)pa], *b = &rc->ds[*(const guint *)pb];
    int c = strcmp(a->enterprise_id, b->enterprise_id);

    if (c != 0)
        return c;
    if (a->policy != b->policy)
        return a->policy < b->policy ? -1 : 1;
    return dx_decision_cmp_canonical(rc->rs, a, b);
}

/* Steps 3-5 of the deferred decisions, with step 3a (ranking) between:
 * clauses with received() and parameters at their reference date; for
 * ranked policies `once` (taken by the first decision that passes step 3,
 * even one ranked out), then the places, then the awards of places
 * 1..top. Runs after duplicates, before the per-enterprise steps. */
static void
decide_deferred(DxDecisionList *list, const DxDecideEnv *env)
{
    const DxRuleset *rs = list->rs;
    guint n = list->decisions->len;
    g_autofree guint *snap = g_new(guint, MAX(n, 1));
    g_autofree guint *once_idx = g_new(guint, MAX(n, 1));
    g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(DxRankEntry));
    g_autoptr(GHashTable) received = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autofree DxValue *slots = g_new0(DxValue, rs->n_fields);
    g_autofree guint8 *present = g_new0(guint8, rs->n_fields);
    DxDeferred x = { slots, present, received, env };
    DxDecideScratch s;
    DxDecision *ds;
    DxRankCtx rc = { rs, NULL, FALSE };
    guint n_once = 0;

    list->approval_day = env != NULL ? env->approval_day : 0;
    dx_decide_scratch_init(&s, rs);
    s.slots = slots;
    s.present = present;
    /* steps 3-5 (3 only for ranked policies) */
    for (guint k = 0; k < n; k++) {
        DxDecision *d = &g_array_index(list->decisions, DxDecision, k);
        const DxReason *r;
        DxEvalCtx ctx;
        DxDecision base;

        snap[k] = G_MAXUINT;
        if (d->status != DX_STATUS_DEFERRED || d->dropped)
            continue;
        r = &g_array_index(list->reasons, DxReason, d->reason_first);
        snap[k] = (guint)r->a;
        ctx = deferred_ctx(list, &x, d, snap[k]);
        base = *d;
        decide_policy(list, &base, (guint)d->policy, &s, d->matching, d, &ctx);
    }
    ds = (DxDecision *)(void *)list->decisions->data;
    rc.ds = ds;
    /* once of ranked policies, before the places are given */
    for (guint k = 0; k < n; k++) {
        if (snap[k] != G_MAXUINT && ds[k].clauses_ok && !ds[k].dropped && rs->policies[ds[k].policy].ranked &&
            rs->policies[ds[k].policy].once)
            once_idx[n_once++] = k;
    }
    if (n_once > 1)
        qsort_r(once_idx, n_once, sizeof(guint), cmp_once_order, &rc);
    for (guint i = 0; i < n_once;) {
        guint j = i;
        int64_t fen;
        gboolean taken = FALSE;

        if (env != NULL && env->book != NULL)
            dx_prior_book_get_policy(env->book, ds[once_idx[i]].enterprise_id, rs->policies[ds[once_idx[i]].policy].id,
                                     &fen, &taken);
        for (; j < n_once && ds[once_idx[j]].policy == ds[once_idx[i]].policy &&
               strcmp(ds[once_idx[j]].enterprise_id, ds[once_idx[i]].enterprise_id) == 0;
             j++) {
            DxDecision *d = &ds[once_idx[j]];

            if (taken) {
                d->status = DX_STATUS_REJECTED;
                d->clauses_ok = FALSE;
                d->dropped = d->matching;
                dx_decision_clear_reasons(d);
                dx_decision_add_reason(list, d, DX_REASON_ONCE_ONLY);
            } else if (d->status == DX_STATUS_RANK_CANDIDATE) {
                taken = TRUE;
            }
        }
        i = j;
    }
    /* step 3a, per ranked policy over this batch */
    for (guint p = 0; p < rs->n_policies; p++) {
        const DxPolicy *pol = &rs->policies[p];

        if (!pol->ranked)
            continue;
        g_array_set_size(cand, 0);
        for (guint k = 0; k < n; k++) {
            DxDecision *d = &ds[k];
            DxRankEntry e = { k, { 0 } };
            DxEvalCtx ctx;

            if (d->policy != (gint)p || d->status != DX_STATUS_RANK_CANDIDATE)
                continue;
            ctx = deferred_ctx(list, &x, d, snap[k]);
            s.n_missing = 0;
            switch (dx_expr_eval(pol->rank_by, &ctx, &e.by)) {
            case DX_EVAL_MISSING:
                scratch_add_missing(&s, rs, pol->rank_by_slots, pol->n_rank_by_slots);
                decision_missing(list, d, &s);
                continue;
            case DX_EVAL_ERROR:
                decision_eval_error(list, d, -3, &ctx);
                continue;
            case DX_EVAL_OK:
                break;
            }
            g_array_append_val(cand, e);
        }
        rc.asc = pol->rank_asc;
        if (cand->len > 1)
            qsort_r(cand->data, cand->len, sizeof(DxRankEntry), cmp_rank, &rc);
        for (guint i = 0; i < cand->len; i++) {
            const DxRankEntry *e = &g_array_index(cand, DxRankEntry, i);
            DxDecision *d = &ds[e->k];

            if ((gint64)i < pol->rank_top) {
                DxEvalCtx ctx = deferred_ctx(list, &x, d, snap[e->k]);

                ctx.rank = (gint64)i + 1;
                s.n_missing = 0;
                decide_award(list, d, pol, &ctx, &s);
            } else {
                DxReason *r = dx_decision_add_reason(list, d, DX_REASON_RANK_OUT);

                d->status = DX_STATUS_REJECTED;
                r->index = -1;
                r->c = (int64_t)list->values->len;   /* the value of rank.by, kept */
                dx_decision_list_keep_value(list, &e->by);
                r->a = (int64_t)i + 1;
                r->b = pol->rank_top;
            }
        }
    }
    dx_decide_scratch_clear(&s);
}

guint *
dx_decide_batch_steps(DxDecisionList *list, DxPriorFunc prior, DxPaidFunc paid, gpointer user_data,
                      const DxDecideEnv *env, guint *n_order)
{
    const DxRuleset *rs = list->rs;
    DxDecision *ds;
    g_autoptr(GHashTable) ents = g_hash_table_new(g_str_hash, g_str_equal);
    guint *idx = NULL;
    g_autofree int64_t *received = g_new0(int64_t, rs->n_policies);
    g_autofree guint8 *taken = g_new0(guint8, rs->n_policies);
    g_autofree guint8 *asked = g_new0(guint8, rs->n_policies);
    g_autofree DxPrior *priors = g_new0(DxPrior, rs->n_policies);
    guint n, m = 0;
    DxSortCtx sc;

    batch_mark_duplicates(list, paid, user_data);
    if (rs->has_deferred)
        decide_deferred(list, env);
    if (n_order == NULL) {
        /* no order wanted: the per-enterprise pass is only for once and caps */
        gboolean needed = prior != NULL;

        for (guint p = 0; p < rs->n_policies && !needed; p++)
            needed = rs->policies[p].once || rs->policies[p].has_enterprise_cap;
        if (!needed)
            return NULL;
    }
    ds = (DxDecision *)(void *)list->decisions->data;
    n = list->decisions->len;
    idx = g_new(guint, MAX(n, 1));
    for (guint k = 0; k < n; k++) {
        DxDecision *d = &ds[k];
        gpointer v;

        if (d->dropped || !d->clauses_ok)
            continue;
        if (!g_hash_table_lookup_extended(ents, d->enterprise_id, NULL, &v)) {
            v = GUINT_TO_POINTER(g_hash_table_size(ents));
            g_hash_table_insert(ents, (gpointer)d->enterprise_id, v);
        }
        d->enterprise = GPOINTER_TO_UINT(v);
        idx[m++] = k;
    }
    sc.rs = rs;
    sc.base = ds;
    {
        /* Group by enterprise with a counting sort on the interned index
         * (linear), then put each enterprise's few decisions in canonical
         * order: no global n log n string sort. */
        guint n_ent = g_hash_table_size(ents);
        g_autofree guint *start = g_new0(guint, n_ent + 1);
        g_autofree guint *grouped = g_new(guint, MAX(m, 1));

        for (guint k = 0; k < m; k++)
            start[ds[idx[k]].enterprise + 1]++;
        for (guint e = 0; e < n_ent; e++)
            start[e + 1] += start[e];
        for (guint k = 0; k < m; k++)
            grouped[start[ds[idx[k]].enterprise]++] = idx[k];
        if (m > 0)
            memcpy(idx, grouped, m * sizeof(guint));
        for (guint a = 0; a < m;) {
            guint b = a + 1;

            while (b < m && ds[idx[b]].enterprise == ds[idx[a]].enterprise)
                b++;
            if (b - a > 1)
                qsort_r(idx + a, b - a, sizeof(guint), cmp_enterprise_canonical, &sc);
            a = b;
        }
    }
    for (guint i = 0; i < m;) {
        guint j = i;

        memset(received, 0, rs->n_policies * sizeof *received);
        memset(taken, 0, rs->n_policies);
        memset(asked, 0, rs->n_policies);
        for (; j < m && ds[idx[j]].enterprise == ds[idx[i]].enterprise; j++) {
            DxDecision *d = &ds[idx[j]];
            const DxPolicy *pol = &rs->policies[d->policy];
            guint p = (guint)d->policy;

            if (!asked[p]) {
                memset(&priors[p], 0, sizeof priors[p]);
                if (prior != NULL)
                    prior(d->enterprise_id, p, &priors[p], user_data);
                asked[p] = 1;
            }
            /* step 3: once — earlier rounds, history, or earlier in canonical order
             * (a ranked policy's once was settled before its places were given) */
            if (pol->once && !pol->ranked && (taken[p] || priors[p].taken)) {
                d->status = DX_STATUS_REJECTED;
                d->award_fen = d->amount_fen = 0;
                d->dropped = d->matching;   /* 免申即享: a policy already had is no match */
                dx_decision_clear_reasons(d);
                dx_decision_add_reason(list, d, DX_REASON_ONCE_ONLY);
                ds = (DxDecision *)(void *)list->decisions->data;
                continue;
            }
            if (d->status != DX_STATUS_PENDING)
                continue;
            /* step 6: the policy's per-enterprise cap */
            if (pol->has_enterprise_cap) {
                int64_t had = received[p] + priors[p].received_fen;
                int64_t room = MAX(pol->enterprise_cap_fen - had, 0);

                if (d->amount_fen > room) {
                    DxReason *r = dx_decision_add_reason(list, d, DX_REASON_POLICY_ENTERPRISE_CAP);

                    r->a = pol->enterprise_cap_fen;
                    r->b = had;
                    r->c = room;
                    d->amount_fen = room;
                    ds = (DxDecision *)(void *)list->decisions->data;
                }
            }
            if (d->amount_fen > 0) {
                received[p] += d->amount_fen;
                taken[p] = 1;
            }
        }
        i = j;
    }
    if (n_order == NULL) {
        g_free(idx);
        return NULL;
    }
    *n_order = m;
    return idx;
}

void
dx_decide_settle(DxDecisionList *list)
{
    const DxRuleset *rs = list->rs;

    for (guint k = 0; k < list->decisions->len; k++) {
        DxDecision *d = &g_array_index(list->decisions, DxDecision, k);
        DxRat share;

        if (d->status != DX_STATUS_PENDING)
            continue;
        share = rs->policies[d->policy].fund_share;
        d->computed = TRUE;
        d->granted_fen = d->amount_fen > 0 ? dx_apply_share(d->amount_fen, share) : 0;
        if (d->granted_fen == 0)
            d->status = DX_STATUS_REJECTED;
        else if (d->granted_fen == dx_apply_share(d->award_fen, share))
            d->status = DX_STATUS_APPROVED;
        else
            d->status = DX_STATUS_REDUCED;
    }
}

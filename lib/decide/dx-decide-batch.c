/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The batch-wide parts of docs/rules.md §6 steps 1-6: duplicates, `once`,
 * the policy per-enterprise cap, and the format-2 policies that need the
 * whole batch (§10-§12: what was received, ranking with step 3a). They
 * are per enterprise, so they run over decisions sorted by (enterprise,
 * canonical order) with a small per-policy state reset at each
 * enterprise: no global hash of (enterprise, policy) pairs. Deciding one
 * application is dx-decide.c's; this file calls into it, never the other
 * way round.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-decide-private.h"
#include "base/dx-cell-private.h"

#include <stdlib.h>
#include <string.h>

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
 * one `duplicate` decision, whatever else it had (docs/rules.md §6 step 1). */
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
    DxValue *kept;               /* scratch: a decision's kept values, in kept_slots order */
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

    /* every field missing but those the policy reads, as kept by decide_defer() */
    memset(x->slots, 0, rs->n_fields * sizeof *x->slots);
    memset(x->present, 0, rs->n_fields);
    dx_decision_list_get_values(list, snap, pol->n_kept_slots, x->kept);
    for (guint i = 0; i < pol->n_kept_slots; i++) {
        guint f = pol->kept_slots[i];

        x->slots[f] = x->kept[i];
        x->present[f] = x->kept[i].type != DX_TYPE_NONE;
    }
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
    g_autofree DxValue *kept = g_new0(DxValue, MAX(rs->n_fields, 1));
    DxDeferred x = { slots, present, kept, received, env };
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
        dx_decide_policy(list, &base, (guint)d->policy, &s, d->matching, d, &ctx);
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
                dx_decide_scratch_add_missing(&s, rs, pol->rank_by_slots, pol->n_rank_by_slots);
                dx_decision_missing(list, d, &s);
                continue;
            case DX_EVAL_ERROR:
                dx_decision_eval_error(list, d, -3, &ctx);
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
                dx_decide_award(list, d, pol, &ctx, &s);
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

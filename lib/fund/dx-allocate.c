/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spec §6 steps 7-9: what a round can actually pay. Steps 7 and 8 are per
 * enterprise and walk its decisions in canonical order (the order array
 * from dx_decide_batch_steps()); step 9 is per envelope.
 *
 * Invariants, all tested by the property tests:
 *  - no cap (group, fund per-enterprise) is ever exceeded, ledger included;
 *  - per envelope, Σ granted <= what remains, and = it when pro_rata is short;
 *  - the result does not depend on input order: every tie is broken by a
 *    documented key (canonical order, or the decision key app_id, policy id).
 * Amounts here are integers (fen): the only rounding is the fund share at
 * step 8 (half up, once) and pro-rata's floor with its exact remainder rule.
 */
#include "duixian/duixian.h"
#include "fund/dx-round-private.h"

#include <stdlib.h>
#include <string.h>

static gboolean
alive(const DxDecision *d)
{
    return d->status == DX_STATUS_PENDING && d->amount_fen > 0;
}

static guint
enterprise_run_end(const DxDecision *ds, const guint *order, guint n_order, guint i)
{
    guint j = i;

    while (j < n_order && ds[order[j]].enterprise == ds[order[i]].enterprise)
        j++;
    return j;
}

void
dx_allocate_groups(DxDecisionList *list, const guint *order, guint n_order, const DxPriorBook *book)
{
    const DxRuleset *rs = list->rs;
    DxDecision *ds = (DxDecision *)(void *)list->decisions->data;

    if (rs->n_groups == 0)
        return;
    for (guint i = 0; i < n_order;) {
        guint j = enterprise_run_end(ds, order, n_order, i);
        const char *ent = ds[order[i]].enterprise_id;

        for (guint g = 0; g < rs->n_groups; g++) {
            const DxGroup *grp = &rs->groups[g];
            int64_t held = book != NULL ? dx_prior_book_get_group_held(book, ent, grp->key) : 0;

            if (grp->mode == DX_GROUP_HIGHEST) {
                gint winner = -1;

                /* the largest award wins; ties go to the first in canonical order */
                for (guint k = i; k < j; k++) {
                    DxDecision *d = &ds[order[k]];

                    if (alive(d) && rs->policies[d->policy].group == (gint)g &&
                        (winner < 0 || d->amount_fen > ds[winner].amount_fen))
                        winner = (gint)order[k];
                }
                if (winner < 0)
                    continue;
                for (guint k = i; k < j; k++) {
                    DxDecision *d = &ds[order[k]];
                    DxReason *r;

                    if (!alive(d) || rs->policies[d->policy].group != (gint)g || (gint)order[k] == winner)
                        continue;
                    r = dx_decision_add_reason(list, d, DX_REASON_GROUP_HIGHEST);
                    r->index = (gint32)g;
                    dx_reason_set_text(list, r, rs->policies[ds[winner].policy].id);
                    d->amount_fen = 0;
                }
                if (held > 0) {
                    /* 补差: pay only the excess over what the enterprise holds */
                    DxDecision *w = &ds[winner];
                    DxReason *r;

                    if (w->amount_fen > held) {
                        r = dx_decision_add_reason(list, w, DX_REASON_GROUP_TOPUP);
                        r->index = (gint32)g;
                        r->a = w->amount_fen;
                        r->b = held;
                        r->c = w->amount_fen - held;
                        w->amount_fen -= held;
                    } else {
                        r = dx_decision_add_reason(list, w, DX_REASON_GROUP_HIGHEST);
                        r->index = (gint32)g;
                        dx_reason_set_text(list, r, "已享受的同组奖励");
                        w->amount_fen = 0;
                    }
                }
            } else if (grp->has_cap) {
                int64_t running = held;

                for (guint k = i; k < j; k++) {
                    DxDecision *d = &ds[order[k]];
                    int64_t room;

                    if (!alive(d) || rs->policies[d->policy].group != (gint)g)
                        continue;
                    room = MAX(grp->cap_fen - running, 0);
                    if (d->amount_fen > room) {
                        DxReason *r = dx_decision_add_reason(list, d, DX_REASON_GROUP_STACK_CAP);

                        r->index = (gint32)g;
                        r->a = grp->cap_fen;
                        r->b = running;
                        r->c = room;
                        d->amount_fen = room;
                    }
                    running += d->amount_fen;
                }
            }
        }
        i = j;
    }
}

void
dx_allocate_fund_cap(DxDecisionList *list, const guint *order, guint n_order, const DxPriorBook *book)
{
    const DxRuleset *rs = list->rs;
    DxDecision *ds = (DxDecision *)(void *)list->decisions->data;

    for (guint i = 0; i < n_order;) {
        guint j = enterprise_run_end(ds, order, n_order, i);
        int64_t running = book != NULL ? dx_prior_book_get_fund_charged(book, ds[order[i]].enterprise_id) : 0;

        for (guint k = i; k < j; k++) {
            DxDecision *d = &ds[order[k]];

            d->charged_fen = 0;
            if (!alive(d))
                continue;
            d->charged_fen = dx_apply_share(d->amount_fen, rs->policies[d->policy].fund_share);
            if (rs->has_fund_enterprise_cap) {
                int64_t room = MAX(rs->fund_enterprise_cap_fen - running, 0);

                if (d->charged_fen > room) {
                    DxReason *r = dx_decision_add_reason(list, d, DX_REASON_FUND_ENTERPRISE_CAP);

                    r->a = rs->fund_enterprise_cap_fen;
                    r->b = running;
                    r->c = room;
                    d->charged_fen = room;
                }
                running += d->charged_fen;
            }
        }
        i = j;
    }
}

/* ---- step 9 ---- */

typedef struct {
    guint index;           /* into the decisions array */
    int64_t remainder;     /* (c × R) mod S, < S <= 10^15 × decisions: fits in int64? see below */
} DxShare;

static const DxDecision *alloc_ds;

/* pro-rata leftovers: largest remainder first, ties by decision key asc */
static int
cmp_remainder(const void *pa, const void *pb)
{
    const DxShare *a = pa, *b = pb;
    int c;

    if (a->remainder != b->remainder)
        return a->remainder > b->remainder ? -1 : 1;
    c = strcmp(alloc_ds[a->index].app_id, alloc_ds[b->index].app_id);
    if (c != 0)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Moves the @k first shares in cmp_remainder order (largest remainder, ties
 * by decision key) to the front, in any order: a quickselect, since only
 * which shares get a leftover fen matters, not their order. Linear on
 * average instead of sorting every member of the envelope. */
static void
select_largest(DxShare *a, guint n, guint k)
{
    guint lo = 0, hi = n;   /* the k-th boundary lies in [lo, hi) */

    if (k == 0 || k >= n)
        return;
    while (hi - lo > 16) {
        guint mid = lo + (hi - lo) / 2, store = lo;
        DxShare pivot, t;

        /* median of three as the pivot, moved to the end */
        if (cmp_remainder(&a[mid], &a[lo]) < 0) { t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (cmp_remainder(&a[hi - 1], &a[lo]) < 0) { t = a[hi - 1]; a[hi - 1] = a[lo]; a[lo] = t; }
        if (cmp_remainder(&a[hi - 1], &a[mid]) < 0) { t = a[hi - 1]; a[hi - 1] = a[mid]; a[mid] = t; }
        t = a[mid]; a[mid] = a[hi - 1]; a[hi - 1] = t;
        pivot = a[hi - 1];
        for (guint i = lo; i < hi - 1; i++) {
            if (cmp_remainder(&a[i], &pivot) < 0) {
                t = a[i]; a[i] = a[store]; a[store] = t;
                store++;
            }
        }
        t = a[store]; a[store] = a[hi - 1]; a[hi - 1] = t;
        if (store == k)
            return;
        if (store < k)
            lo = store + 1;
        else
            hi = store;
    }
    qsort(a + lo, hi - lo, sizeof *a, cmp_remainder);   /* the last few: exact */
}

static const DxRuleset *alloc_rs;

/* fcfs ignores priority: submitted_on, app_id, policy id */
static int
cmp_queue(const void *pa, const void *pb)
{
    const DxDecision *a = &alloc_ds[*(const guint *)pa], *b = &alloc_ds[*(const guint *)pb];

    if (alloc_rs->shortfall == DX_SHORTFALL_FCFS) {
        int c;

        if (a->submitted_on != b->submitted_on)
            return a->submitted_on < b->submitted_on ? -1 : 1;
        c = strcmp(a->app_id, b->app_id);
        if (c != 0)
            return c;
        return strcmp(alloc_rs->policies[a->policy].id, alloc_rs->policies[b->policy].id);
    }
    return dx_decision_cmp_canonical(alloc_rs, a, b);
}

void
dx_allocate_envelopes(DxDecisionList *list, const DxPriorBook *book, DxEnvelopeUse *use)
{
    const DxRuleset *rs = list->rs;
    DxDecision *ds = (DxDecision *)(void *)list->decisions->data;
    guint n = list->decisions->len;
    g_autofree guint *members = g_new(guint, n);

    for (guint e = 0; e < rs->n_envelopes; e++) {
        const DxEnvelope *env = &rs->envelopes[e];
        const char *bureau_name = NULL;
        dx_i128 S = 0;
        int64_t R;
        guint m = 0;

        for (guint b = 0; b < rs->n_bureaus; b++) {
            if (rs->bureaus[b].envelope == (gint)e)
                bureau_name = rs->n_envelopes == 1 && strcmp(env->key, "*") == 0 ? "本资金" : rs->bureaus[b].name;
        }
        use[e].total_fen = env->total_fen;
        use[e].charged_before_fen = book != NULL ? dx_prior_book_get_envelope_charged(book, env->key) : 0;
        R = MAX(env->total_fen - use[e].charged_before_fen, 0);
        for (guint k = 0; k < n; k++) {
            DxDecision *d = &ds[k];

            if (d->dropped || d->status != DX_STATUS_PENDING || d->charged_fen <= 0 ||
                rs->bureaus[rs->policies[d->policy].bureau].envelope != (gint)e)
                continue;
            members[m++] = k;
            S += d->charged_fen;
            d->granted_fen = d->charged_fen;
        }
        use[e].requested_fen = (int64_t)S;
        if (S <= R) {
            use[e].granted_fen = (int64_t)S;
            continue;
        }
        if (rs->shortfall == DX_SHORTFALL_PRO_RATA) {
            /* g_i = floor(c_i × R / S); the R - Σg leftover fen go one each to
             * the largest remainders (c_i × R) mod S, ties by decision key */
            g_autofree DxShare *shares = g_new(DxShare, m);
            dx_i128 given = 0;

            for (guint k = 0; k < m; k++) {
                DxDecision *d = &ds[members[k]];
                dx_i128 prod = (dx_i128)d->charged_fen * R;

                d->granted_fen = (int64_t)(prod / S);
                given += d->granted_fen;
                shares[k].index = members[k];
                /* the remainder is < S; S may exceed int64 only past 9×10^18 fen,
                 * far above any fund (10^13 元 × decisions is bounded by R ≤ 10^15) */
                shares[k].remainder = (int64_t)(prod % S);
            }
            alloc_ds = ds;
            select_largest(shares, m, (guint)(R - given));
            for (dx_i128 k = 0; k < R - given; k++)
                ds[shares[k].index].granted_fen++;
        } else {
            int64_t left = R;

            alloc_ds = ds;
            alloc_rs = rs;
            qsort(members, m, sizeof *members, cmp_queue);
            for (guint k = 0; k < m; k++) {
                DxDecision *d = &ds[members[k]];

                d->granted_fen = MIN(d->charged_fen, left);
                left -= d->granted_fen;
            }
        }
        use[e].granted_fen = R;
        for (guint k = 0; k < m; k++) {
            DxDecision *d = &ds[members[k]];
            DxReason *r;

            if (d->granted_fen >= d->charged_fen)
                continue;
            r = dx_decision_add_reason(list, d, d->granted_fen == 0 ? DX_REASON_UNFUNDED : DX_REASON_RATIONED);
            r->index = (gint32)e;
            r->a = (int64_t)S;
            r->b = R;
            r->c = d->granted_fen;
            dx_reason_set_text(list, r, bureau_name);
        }
    }
}

void
dx_allocate_settle(DxDecisionList *list)
{
    const DxRuleset *rs = list->rs;

    for (guint k = 0; k < list->decisions->len; k++) {
        DxDecision *d = &g_array_index(list->decisions, DxDecision, k);

        if (d->status != DX_STATUS_PENDING)
            continue;
        d->computed = TRUE;
        if (d->amount_fen <= 0 || d->charged_fen <= 0) {
            d->status = DX_STATUS_REJECTED;   /* cut to 0 in steps 5-8; the cause is in the reasons */
            d->granted_fen = 0;
        } else if (d->granted_fen == 0) {
            d->status = DX_STATUS_UNFUNDED;
        } else if (d->granted_fen == dx_decision_computed_fen(rs, d)) {
            d->status = DX_STATUS_APPROVED;
        } else {
            d->status = DX_STATUS_REDUCED;
        }
    }
}

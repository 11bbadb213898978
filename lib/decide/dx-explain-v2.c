/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sentences that format duixian/2 adds (docs/rules.md §10-§12), kept apart from
 * dx-explain.c so the format-1 sentences stay as they are: a parameter with
 * the date its value took effect ("落户奖励比例 1.5%（2022-07-01 起）"), what
 * an enterprise already received ("已获「SHOP-OPEN」奖励 150万元"), and the
 * place and cut-off of a ranked-out decision (rank_out).
 */
#include "duixian/duixian.h"
#include "decide/dx-decision-private.h"
#include "decide/dx-explain-private.h"
#include "decide/dx-messages-private.h"

#include <string.h>

static gint32
v2_ref_date(const DxDecision *d)
{
    const DxPolicy *pol = &d->list->rs->policies[d->policy];

    return pol->params_on_approval ? d->list->approval_day : d->submitted_on;
}

/* Appends each parameter @n reads, once (by @seen), with its value at @day. */
static void
v2_append_params(const DxRuleset *rs, const DxExprNode *n, gint32 day, guint8 *seen, GString *out, gboolean en)
{
    if (n->kind == DX_NODE_PARAM && !seen[n->slot]) {
        const DxParam *p = &rs->params[n->slot];
        gint found = -1;
        char from[16];

        seen[n->slot] = 1;
        for (guint i = 0; i < p->n_values && p->dates[i] <= day; i++)
            found = (gint)i;
        if (found >= 0) {
            const DxValue *v = &p->values[found];
            g_autofree char *vs = dx_value_to_display(v, v->type == DX_TYPE_NUMBER && v->elem != 0);

            dx_date_format(p->dates[found], from);
            if (out->len > 0)
                g_string_append(out, dx_msg_text(DX_MSG_READ_SEP, en));
            if (p->overridden)   /* a what-if value (--set) has no date of its own */
                DX_MSG_APPEND(out, DX_MSG_PARAM_SET, en, DX_MSG_S("label", p->label), DX_MSG_S("value", vs));
            else
                DX_MSG_APPEND(out, DX_MSG_PARAM_FROM, en, DX_MSG_S("label", p->label), DX_MSG_S("value", vs),
                              DX_MSG_S("from", from));
        }
    }
    for (guint i = 0; i < n->n_children; i++)
        v2_append_params(rs, n->children[i], day, seen, out, en);
}

char *
dx_explain_v2_award_detail(const DxDecision *d, const void *reason, gboolean en)
{
    const DxReason *r = reason;
    const DxRuleset *rs;
    const DxPolicy *pol;
    g_autofree guint8 *seen = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    if (d->list == NULL || d->policy < 0 || d->list->rs->format < 2)
        return g_strdup("");
    rs = d->list->rs;
    pol = &rs->policies[d->policy];
    seen = g_new0(guint8, MAX(rs->n_params, 1));
    v2_append_params(rs, pol->award, v2_ref_date(d), seen, out, en);
    if (pol->cap != NULL)
        v2_append_params(rs, pol->cap, v2_ref_date(d), seen, out, en);
    /* received amounts kept with the award reason: c of them from b - 1 */
    if (r->b > 0 && r->c > 0) {
        g_autofree DxValue *vals = dx_decision_list_dup_values(d->list, (guint)(r->b - 1), (guint)r->c);

        for (guint i = 0; i < (guint)r->c; i++) {
            const DxReceivedKey *key = &rs->received_keys[vals[i].elem];
            g_autofree char *amount = dx_money_format((int64_t)vals[i].u.r.num);

            vals[i].elem = 0;
            if (out->len > 0)
                g_string_append(out, dx_msg_text(DX_MSG_READ_SEP, en));
            DX_MSG_APPEND(out, key->group ? DX_MSG_RECEIVED_GROUP : DX_MSG_RECEIVED_POLICY, en,
                          DX_MSG_S("key", key->key), DX_MSG_S("amount", amount));
        }
    }
    if (out->len == 0)
        return g_strdup("");
    return DX_MSG_DUP(DX_MSG_READ_WRAP, en, DX_MSG_S("what", out->str));
}

char *
dx_explain_v2_reason(const DxDecision *d, const void *reason, gboolean en)
{
    const DxReason *r = reason;
    const DxRuleset *rs = d->list->rs;
    const DxPolicy *pol = d->policy >= 0 ? &rs->policies[d->policy] : NULL;

    if (r->code == DX_REASON_RANK_OUT && pol != NULL) {
        g_autofree DxValue *v = dx_decision_list_dup_values(d->list, (guint)r->c, 1);
        g_autofree char *vs = dx_value_to_display(v, v->type == DX_TYPE_NUMBER && pol->rank_by->type == DX_TYPE_NUMBER &&
                                                         dx_rat_cmp(v->u.r, dx_rat_int(1)) < 0 &&
                                                         dx_rat_cmp(v->u.r, dx_rat_int(-1)) > 0);

        return DX_MSG_DUP(DX_MSG_RANK_OUT, en, DX_MSG_I("place", r->a), DX_MSG_S("label", pol->rank_label),
                          DX_MSG_S("value", vs), DX_MSG_I("top", r->b));
    }
    if (r->code == DX_REASON_EVAL_ERROR && (DxEvalError)r->a == DX_EVAL_ERR_NO_PARAM && pol != NULL) {
        const char *name = dx_reason_get_text(d->list, r);
        char buf[16];
        const char *day = buf;

        for (guint i = 0; i < rs->n_params && name != NULL; i++) {
            if (strcmp(rs->params[i].name, name) == 0)
                name = rs->params[i].label;
        }
        if (r->c > 0)
            dx_date_format((gint32)r->c, buf);
        else
            day = dx_msg_text(DX_MSG_NO_APPROVAL_DATE, en);
        return DX_MSG_DUP(DX_MSG_PARAM_NO_VALUE, en, DX_MSG_S("param", name != NULL ? name : "?"), DX_MSG_S("day", day));
    }
    if (r->code == DX_REASON_EVAL_ERROR && r->index == -3 && pol != NULL)
        return DX_MSG_DUP(DX_MSG_RANK_EVAL_ERROR, en, DX_MSG_S("label", pol->rank_label),
                          DX_MSG_S("error", dx_eval_error_to_string((DxEvalError)r->a)));
    return NULL;
}

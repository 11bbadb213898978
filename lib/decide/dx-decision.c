/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxDecisionList: storage, output order and decisions.csv (docs/rules.md §8).
 * Output order is app_id, then policy id, then input order, all compared
 * byte-wise (UTF-8 byte order is code point order), so the file is the
 * same whatever order the applications arrived in, except which of two
 * rows with one app_id came first.
 */
#include "duixian/duixian.h"
#include "decide/dx-decision-private.h"
#include "base/dx-out-private.h"
#include "decide/dx-messages-private.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static DxDecisionList *
decision_list_new(DxRuleset *rs, guint n, gsize chunk)
{
    DxDecisionList *list = g_new0(DxDecisionList, 1);

    list->ref_count = 1;
    list->rs = dx_ruleset_ref(rs);
    list->decisions = g_array_sized_new(FALSE, FALSE, sizeof(DxDecision), n);
    list->reasons = g_array_sized_new(FALSE, FALSE, sizeof(DxReason), n);
    list->strings = g_string_chunk_new(chunk);
    list->chunk_size = chunk;
    list->values = g_array_new(FALSE, FALSE, sizeof(DxKeptValue));
    list->big = g_array_new(FALSE, FALSE, sizeof(DxRat));
    list->texts = g_ptr_array_new();
    return list;
}

DxDecisionList *
dx_decision_list_new(DxRuleset *rs)
{
    return decision_list_new(rs, 1024, 64 * 1024);
}

DxDecisionList *
dx_decision_list_new_small(DxRuleset *rs)
{
    return decision_list_new(rs, 64, 16 * 1024);
}

void
dx_decision_list_adopt(DxDecisionList *to, DxDecisionList *from)
{
    guint r0 = to->reasons->len, v0 = to->values->len, b0 = to->big->len, d0 = to->decisions->len;
    guint t0 = to->texts->len;

    g_array_append_vals(to->values, from->values->data, from->values->len);
    g_array_append_vals(to->big, from->big->data, from->big->len);
    for (guint i = v0; i < to->values->len; i++) {
        DxKeptValue *v = &g_array_index(to->values, DxKeptValue, i);

        if (v->big)
            v->u.index += b0;
    }
    g_array_append_vals(to->reasons, from->reasons->data, from->reasons->len);
    for (guint i = r0; i < to->reasons->len; i++) {
        DxReason *r = &g_array_index(to->reasons, DxReason, i);

        if (r->code == DX_REASON_CLAUSE_FAILED || r->code == DX_REASON_SNAPSHOT)
            r->a += v0;
        if (r->text != 0)
            r->text += t0;
    }
    for (guint i = 0; i < from->texts->len; i++)
        g_ptr_array_add(to->texts, from->texts->pdata[i]);
    g_ptr_array_set_size(from->texts, 0);
    g_array_append_vals(to->decisions, from->decisions->data, from->decisions->len);
    for (guint i = d0; i < to->decisions->len; i++)
        g_array_index(to->decisions, DxDecision, i).reason_first += r0;
    /* the texts stay where they are: the records point into these chunks */
    if (to->adopted == NULL)
        to->adopted = g_ptr_array_new_with_free_func((GDestroyNotify)g_string_chunk_free);
    if (from->adopted != NULL) {
        for (guint i = 0; i < from->adopted->len; i++)
            g_ptr_array_add(to->adopted, from->adopted->pdata[i]);
        g_ptr_array_set_free_func(from->adopted, NULL);
        g_ptr_array_set_size(from->adopted, 0);
    }
    g_ptr_array_add(to->adopted, from->strings);
    from->strings = g_string_chunk_new(from->chunk_size);
    g_array_set_size(from->decisions, 0);
    g_array_set_size(from->reasons, 0);
    g_array_set_size(from->values, 0);
    g_array_set_size(from->big, 0);
}

DxDecisionList *
dx_decision_list_ref(DxDecisionList *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_int_inc(&self->ref_count);
    return self;
}

void
dx_decision_list_unref(DxDecisionList *self)
{
    if (self == NULL || !g_atomic_int_dec_and_test(&self->ref_count))
        return;
    g_array_unref(self->decisions);
    g_array_unref(self->reasons);
    if (self->strings != NULL)
        g_string_chunk_free(self->strings);
    if (self->adopted != NULL)
        g_ptr_array_unref(self->adopted);
    g_array_unref(self->values);
    g_array_unref(self->big);
    g_ptr_array_unref(self->texts);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

DxDecision *
dx_decision_list_append(DxDecisionList *list)
{
    g_array_set_size(list->decisions, list->decisions->len + 1);
    return &g_array_index(list->decisions, DxDecision, list->decisions->len - 1);
}

DxReason *
dx_decision_add_reason(DxDecisionList *list, DxDecision *d, DxReasonCode code)
{
    DxReason *r;

    if (d->reason_first + d->n_reasons != list->reasons->len) {
        /* others were appended since: move this decision's reasons to the end */
        guint first = list->reasons->len;

        for (guint i = 0; i < d->n_reasons; i++) {
            DxReason copy = g_array_index(list->reasons, DxReason, d->reason_first + i);

            g_array_append_val(list->reasons, copy);
        }
        d->reason_first = first;
    }
    g_array_set_size(list->reasons, list->reasons->len + 1);
    r = &g_array_index(list->reasons, DxReason, list->reasons->len - 1);
    memset(r, 0, sizeof *r);
    r->code = (guint16)code;
    d->n_reasons++;
    return r;
}

void
dx_decision_clear_reasons(DxDecision *d)
{
    d->n_reasons = 0;
}

void
dx_reason_set_text(DxDecisionList *list, DxReason *r, const char *text)
{
    g_ptr_array_add(list->texts, (gpointer)text);
    r->text = list->texts->len;
}

void
dx_decision_list_keep_value(DxDecisionList *list, const DxValue *v)
{
    DxKeptValue k = { 0 };

    k.type = v->type;
    k.elem = v->elem;
    switch ((DxType)v->type) {
    case DX_TYPE_NUMBER:
    case DX_TYPE_MONEY:
        if (v->u.r.num >= G_MININT64 && v->u.r.num <= G_MAXINT64 && v->u.r.den <= G_MAXINT64) {
            k.u.q[0] = (gint64)v->u.r.num;
            k.u.q[1] = (gint64)v->u.r.den;
        } else {
            k.big = 1;
            k.u.index = list->big->len;
            g_array_append_val(list->big, v->u.r);
        }
        break;
    case DX_TYPE_BOOL:
        k.u.b = v->u.b;
        break;
    case DX_TYPE_DATE:
        k.u.date = v->u.date;
        break;
    case DX_TYPE_TEXT:
        k.u.s = dx_decision_list_intern(list, v->u.t.s, v->u.t.len);
        k.len = v->u.t.len;
        break;
    default:
        break;
    }
    g_array_append_val(list->values, k);
}

DxValue *
dx_decision_list_dup_values(const DxDecisionList *list, guint first, guint n)
{
    DxValue *out = g_new0(DxValue, MAX(n, 1));

    dx_decision_list_get_values(list, first, n, out);
    return out;
}

void
dx_decision_list_get_values(const DxDecisionList *list, guint first, guint n, DxValue *out)
{
    for (guint i = 0; i < n; i++) {
        const DxKeptValue *k = &g_array_index(list->values, DxKeptValue, first + i);
        DxValue *v = &out[i];

        v->type = k->type;
        v->elem = k->elem;
        switch ((DxType)k->type) {
        case DX_TYPE_NUMBER:
        case DX_TYPE_MONEY:
            if (k->big) {
                v->u.r = g_array_index(list->big, DxRat, k->u.index);
            } else {
                v->u.r.num = k->u.q[0];
                v->u.r.den = k->u.q[1];
            }
            break;
        case DX_TYPE_BOOL:
            v->u.b = k->u.b;
            break;
        case DX_TYPE_DATE:
            v->u.date = k->u.date;
            break;
        case DX_TYPE_TEXT:
            v->u.t.s = k->u.s;
            v->u.t.len = k->len;
            break;
        default:
            break;
        }
    }
}

const char *
dx_decision_list_intern(DxDecisionList *list, const char *s, gssize len)
{
    if (len == 0 || (len < 0 && *s == '\0'))
        return "";
    return len < 0 ? g_string_chunk_insert(list->strings, s) : g_string_chunk_insert_len(list->strings, s, len);
}

static const char *
decision_policy_id(const DxDecision *d, const DxRuleset *rs)
{
    if (d->policy >= 0)
        return rs->policies[d->policy].id;
    return d->policy_text;
}

static int
cmp_output(const void *pa, const void *pb, void *user)
{
    const DxRuleset *rs = user;
    const DxDecision *a = pa, *b = pb;
    int c = strcmp(a->app_id, b->app_id);

    if (c != 0)
        return c;
    c = strcmp(decision_policy_id(a, rs), decision_policy_id(b, rs));
    if (c != 0)
        return c;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void
dx_decision_list_seal(DxDecisionList *list)
{
    guint kept = 0;
    DxDecision *ds = (DxDecision *)(void *)list->decisions->data;

    for (guint k = 0; k < list->decisions->len; k++) {
        if (!ds[k].dropped)
            ds[kept++] = ds[k];
    }
    g_array_set_size(list->decisions, kept);
    ds = (DxDecision *)(void *)list->decisions->data;
    {
        /* exports usually come sorted by app_id already: a linear check
         * saves sorting a million records */
        gboolean sorted = TRUE;

        for (guint k = 1; k < kept && sorted; k++)
            sorted = cmp_output(&ds[k - 1], &ds[k], list->rs) <= 0;
        if (!sorted)
            qsort_r(ds, kept, sizeof(DxDecision), cmp_output, list->rs);
    }
    for (guint k = 0; k < kept; k++)
        ds[k].list = list;
    list->sealed = TRUE;
}

size_t
dx_decision_list_get_n_items(const DxDecisionList *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->decisions->len;
}

const DxDecision *
dx_decision_list_get_item(const DxDecisionList *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->decisions->len, NULL);
    return &g_array_index(self->decisions, DxDecision, index);
}

static void
decision_append_csv_row(GString *out, const DxDecision *d)
{
    dx_out_cell(out, d->app_id);
    g_string_append_c(out, ',');
    dx_out_cell(out, d->enterprise_id);
    g_string_append_c(out, ',');
    dx_out_cell(out, dx_decision_get_policy_id(d));
    g_string_append_c(out, ',');
    dx_out_cell(out, dx_decision_get_bureau(d));
    g_string_append_c(out, ',');
    g_string_append(out, dx_status_to_string(d->status));
    g_string_append_c(out, ',');
    dx_out_int(out, dx_decision_computed_fen(d->list->rs, d));
    g_string_append_c(out, ',');
    dx_out_int(out, d->granted_fen);
    g_string_append_c(out, ',');
    for (guint32 i = 0; i < d->n_reasons; i++) {
        if (i > 0)
            g_string_append_c(out, ';');
        g_string_append(out, dx_reason_code_to_string(dx_decision_get_reason_code(d, i)));
    }
    g_string_append_c(out, '\n');
}

#define DX_DECISIONS_CSV_HEADER "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"

char *
dx_decision_list_dup_csv(const DxDecisionList *self)
{
    GString *out;

    g_return_val_if_fail(self != NULL, NULL);
    out = g_string_new(DX_DECISIONS_CSV_HEADER);
    for (guint k = 0; k < self->decisions->len; k++)
        decision_append_csv_row(out, &g_array_index(self->decisions, DxDecision, k));
    return g_string_free(out, FALSE);
}

gboolean
dx_decision_list_write_csv(const DxDecisionList *self, const char *path, GError **error)
{
    DxOutFile o;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(path != NULL, FALSE);

    if (!dx_out_open(&o, path, DX_DECISIONS_CSV_HEADER, error))
        return FALSE;
    for (guint k = 0; k < self->decisions->len; k++) {
        decision_append_csv_row(o.buf, &g_array_index(self->decisions, DxDecision, k));
        dx_out_flush(&o, FALSE);
    }
    return dx_out_close(&o, TRUE, error);
}

const char *dx_decision_get_app_id(const DxDecision *self) { g_return_val_if_fail(self, NULL); return self->app_id; }
const char *dx_decision_get_enterprise_id(const DxDecision *self) { g_return_val_if_fail(self, NULL); return self->enterprise_id; }
DxStatus dx_decision_get_status(const DxDecision *self) { g_return_val_if_fail(self, DX_STATUS_ERROR); return self->status; }
int64_t dx_decision_get_computed_fen(const DxDecision *self) { g_return_val_if_fail(self, 0); return dx_decision_computed_fen(self->list->rs, self); }
int64_t dx_decision_get_granted_fen(const DxDecision *self) { g_return_val_if_fail(self, 0); return self->granted_fen; }
uint64_t dx_decision_get_row(const DxDecision *self) { g_return_val_if_fail(self, 0); return self->row; }
size_t dx_decision_get_n_reasons(const DxDecision *self) { g_return_val_if_fail(self, 0); return self->n_reasons; }

const char *
dx_decision_get_policy_id(const DxDecision *self)
{
    g_return_val_if_fail(self != NULL && self->list != NULL, NULL);
    return decision_policy_id(self, self->list->rs);
}

const char *
dx_decision_get_bureau(const DxDecision *self)
{
    const DxRuleset *rs;

    g_return_val_if_fail(self != NULL && self->list != NULL, NULL);
    rs = self->list->rs;
    return self->policy >= 0 ? rs->bureaus[rs->policies[self->policy].bureau].key : "";
}

const char *
dx_decision_get_basis(const DxDecision *self)
{
    g_return_val_if_fail(self != NULL && self->list != NULL, NULL);
    return self->policy >= 0 ? self->list->rs->policies[self->policy].basis : "";
}

DxReasonCode
dx_decision_get_reason_code(const DxDecision *self, size_t index)
{
    g_return_val_if_fail(self != NULL && self->list != NULL && index < self->n_reasons, DX_REASON_INVALID_FIELD);
    return (DxReasonCode)g_array_index(self->list->reasons, DxReason, self->reason_first + index).code;
}

const char *
dx_status_to_string(DxStatus status)
{
    static const char *const names[] = {
        /* ORDER DxStatus */
        "approved", "reduced", "rejected", "incomplete", "invalid", "duplicate", "unfunded", "error",
    };

    g_return_val_if_fail((guint)status < G_N_ELEMENTS(names), "error");
    return names[status];
}

const char *
dx_reason_code_to_string(DxReasonCode code)
{
    static const char *const names[] = {
        /* ORDER DxReasonCode */
        "invalid_field", "duplicate_app_id", "unknown_policy", "outside_window", "clause_failed",
        "missing_field", "eval_error", "once_only", "award_zero", "capped", "policy_enterprise_cap",
        "group_highest", "group_topup", "group_stack_cap", "fund_enterprise_cap", "rationed",
        "unfunded", "award_fixed", "award_table", "award_rate", "award_per", "award_marginal",
        "award_formula", "rank_out", "requirement_failed", "requirement_missing", "commitment_breached",
        "commitment_missing", "clawed_back",
    };

    g_return_val_if_fail((guint)code < G_N_ELEMENTS(names), "unknown");
    return names[code];
}

gboolean
dx_status_from_string(const char *str, DxStatus *status)
{
    g_return_val_if_fail(str != NULL && status != NULL, FALSE);
    for (guint s = 0; s <= DX_STATUS_ERROR; s++) {
        if (strcmp(str, dx_status_to_string((DxStatus)s)) == 0) {
            *status = (DxStatus)s;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
dx_reason_code_from_string(const char *str, DxReasonCode *code)
{
    g_return_val_if_fail(str != NULL && code != NULL, FALSE);
    for (guint c = 0; c <= DX_REASON_CLAWED_BACK; c++) {
        if (strcmp(str, dx_reason_code_to_string((DxReasonCode)c)) == 0) {
            *code = (DxReasonCode)c;
            return TRUE;
        }
    }
    return FALSE;
}

/* As dx_decision_dup_explanation() reads @lang. */
static gboolean
lang_is_en(const char *lang)
{
    return lang != NULL && g_ascii_strncasecmp(lang, "en", 2) == 0;
}

const char *
dx_status_to_label(DxStatus status, const char *lang)
{
    g_return_val_if_fail((guint)status <= DX_STATUS_ERROR, "");
    return dx_msg_text((DxMsg)(DX_MSG_STATUS_APPROVED + (guint)status), lang_is_en(lang));
}

const char *
dx_reason_code_to_label(DxReasonCode code, const char *lang)
{
    g_return_val_if_fail((guint)code <= DX_REASON_CLAWED_BACK, "");
    return dx_msg_text((DxMsg)(DX_MSG_LABEL_INVALID_FIELD + (guint)code), lang_is_en(lang));
}

/* ---- format 2: the place and the parameters a decision read ---- */
int64_t
dx_decision_get_rank(const DxDecision *self)
{
    g_return_val_if_fail(self != NULL && self->list != NULL, 0);
    for (guint i = 0; i < self->n_reasons; i++) {
        const DxReason *r = &g_array_index(self->list->reasons, DxReason, self->reason_first + i);

        if (r->code == DX_REASON_RANK_OUT)
            return r->a;
        /* the award's reason keeps the place its award was computed with */
        if ((r->code >= DX_REASON_AWARD_FIXED && r->code <= DX_REASON_AWARD_FORMULA) || r->code == DX_REASON_AWARD_ZERO)
            return r->index > 0 ? r->index : 0;
    }
    return 0;
}

static gboolean
expr_reads_param(const DxExprNode *n, guint slot)
{
    if (n == NULL)
        return FALSE;
    if (n->kind == DX_NODE_PARAM && n->slot == slot)
        return TRUE;
    for (guint i = 0; i < n->n_children; i++) {
        if (expr_reads_param(n->children[i], slot))
            return TRUE;
    }
    return FALSE;
}

gssize
dx_decision_get_param_value_index(const DxDecision *self, size_t param)
{
    const DxRuleset *rs;
    const DxPolicy *pol;
    const DxParam *p;
    gboolean reads;
    gint32 day;
    gssize found = -1;

    g_return_val_if_fail(self != NULL && self->list != NULL, -1);
    rs = self->list->rs;
    g_return_val_if_fail(param < rs->n_params, -1);
    if (self->policy < 0)
        return -1;
    pol = &rs->policies[self->policy];
    reads = expr_reads_param(pol->award, (guint)param) || expr_reads_param(pol->cap, (guint)param) ||
            (pol->ranked && expr_reads_param(pol->rank_by, (guint)param));
    for (guint c = 0; c < pol->n_clauses && !reads; c++)
        reads = expr_reads_param(pol->clauses[c].expr, (guint)param);
    if (!reads)
        return -1;
    day = pol->params_on_approval ? self->list->approval_day : self->submitted_on;
    if (day == 0)
        return -1;
    p = &rs->params[param];
    for (guint i = 0; i < p->n_values && p->dates[i] <= day; i++)
        found = (gssize)i;
    return found;
}

DxRuleset *
dx_decision_list_get_ruleset(const DxDecisionList *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->rs;
}

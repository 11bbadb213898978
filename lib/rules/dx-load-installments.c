/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading what a grant must keep meeting after its decision: named
 * clauses (eligible, requires, keep), installments with their timing and
 * their conditions (docs/rules.md §5.2, §13) and the commitment (§14).
 * The conditions are compiled like eligibility clauses; a payment run or a
 * review evaluates them later, on the enterprise's data of that time.
 */
#include "base/dx-cell-private.h"
#include "rules/dx-loader-private.h"

#include <string.h>

gboolean
dx_load_clauses(DxLoader *l, const DxYamlNode *n, const char *path, const char *where, gboolean non_empty,
                DxClause **out, guint *n_out)
{
    if (!dx_load_expect_kind(l, n, path, DX_YAML_SEQ))
        return FALSE;
    if (non_empty && n->n_items == 0)
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "give at least one “name: expression” clause");
    *out = g_new0(DxClause, n->n_items);
    *n_out = 0;
    for (guint i = 0; i < n->n_items; i++) {
        const DxYamlNode *item = n->values[i];
        g_autofree char *pi = g_strdup_printf("%s[%u]", path, i);
        g_autofree char *pe = NULL;
        DxClause *c;

        if (!dx_load_expect_kind(l, item, pi, DX_YAML_MAP))
            return FALSE;
        if (item->n_items != 1)
            return dx_load_fail(l, item, pi, DX_ERROR_RULES_INVALID,
                             "a clause is one “name: expression” pair");
        for (guint j = 0; j < *n_out; j++) {
            if (strcmp((*out)[j].name, item->keys[0]->text) == 0)
                return dx_load_fail(l, item->keys[0], pi, DX_ERROR_RULES_INVALID,
                                    "clause name “%s” is used twice in %s", item->keys[0]->text, where);
        }
        c = &(*out)[(*n_out)++];
        c->name = g_strdup(item->keys[0]->text);
        pe = g_strdup_printf("%s.%s", pi, c->name);
        c->expr = dx_load_compile_expr(l, item->values[0], pe, DX_TYPE_BOOL);
        if (c->expr == NULL)
            return FALSE;
        dx_load_collect_slots(c->expr, &c->slots, &c->n_slots);
    }
    return TRUE;
}

/* §13: requires (named clauses, no rank) and on_fail, which needs it */
static gboolean
load_requires(DxLoader *l, DxInstallment *ins, const DxYamlNode *it, const char *pi)
{
    const DxYamlNode *req = dx_yaml_map_lookup(it, "requires"), *on_fail = dx_yaml_map_lookup(it, "on_fail");

    if (req != NULL) {
        g_autofree char *pr = dx_load_path_join(pi, "requires");

        if (!dx_load_clauses(l, req, pr, "this installment's requires", TRUE, &ins->requires, &ins->n_requires))
            return FALSE;
    }
    if (on_fail != NULL) {
        g_autofree char *po = dx_load_path_join(pi, "on_fail");

        if (req == NULL)
            return dx_load_fail(l, on_fail, po, DX_ERROR_RULES_INVALID,
                                "on_fail is allowed only with requires");
        if (!dx_load_expect_kind(l, on_fail, po, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(on_fail->text, "forfeit_rest") == 0)
            ins->forfeit_rest = TRUE;
        else if (strcmp(on_fail->text, "forfeit") != 0)
            return dx_load_fail(l, on_fail, po, DX_ERROR_RULES_INVALID,
                                "unknown on_fail “%s” (expected forfeit or forfeit_rest)", on_fail->text);
    }
    return TRUE;
}

gboolean
dx_load_installments(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "share", "amount", "rest", "at", "after", "requires", "on_fail", NULL };
    static const char *const v2_keys[] = { "requires", "on_fail", NULL };
    DxRat total = dx_rat_int(0);

    if (!dx_load_expect_kind(l, n, path, DX_YAML_SEQ))
        return FALSE;
    if (n->n_items == 0)
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "give at least one installment, or leave installments out");
    pol->installments = g_new0(DxInstallment, n->n_items);
    pol->n_installments = n->n_items;
    for (guint i = 0; i < n->n_items; i++) {
        const DxYamlNode *it = n->values[i], *share, *amount, *rest, *at, *after;
        DxInstallment *ins = &pol->installments[i];
        g_autofree char *pi = g_strdup_printf("%s[%u]", path, i);
        gboolean is_share;

        if (!dx_load_expect_kind(l, it, pi, DX_YAML_MAP) || !dx_load_check_format_keys(l, it, pi, v2_keys, NULL) ||
            !dx_load_check_keys(l, it, pi, keys, NULL))
            return FALSE;
        share = dx_yaml_map_lookup(it, "share");
        amount = dx_yaml_map_lookup(it, "amount");
        rest = dx_yaml_map_lookup(it, "rest");
        at = dx_yaml_map_lookup(it, "at");
        after = dx_yaml_map_lookup(it, "after");
        if ((share != NULL) + (amount != NULL) + (rest != NULL) != 1)
            return dx_load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "an installment has exactly one of share, amount or rest: true");
        is_share = share != NULL;
        if (i == 0)
            pol->installments_by_share = is_share;
        else if (is_share != pol->installments_by_share)
            return dx_load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "installments either all have share or all have amount");
        if (share != NULL) {
            DxValue v;
            g_autofree char *ps = dx_load_path_join(pi, "share");

            if (!dx_load_eval_constant(l, share, ps, DX_TYPE_NUMBER, &v))
                return FALSE;
            if (dx_rat_sign(v.u.r) <= 0 || dx_rat_cmp(v.u.r, dx_rat_int(1)) > 0)
                return dx_load_fail(l, share, ps, DX_ERROR_RULES_INVALID, "a share is in (0, 100%%]");
            ins->share = v.u.r;
            dx_rat_add(total, v.u.r, &total);
        } else if (amount != NULL) {
            g_autofree char *pa = dx_load_path_join(pi, "amount");

            if (!dx_load_const_money(l, amount, pa, 1, &ins->amount_fen))
                return FALSE;
        } else {
            gboolean r = FALSE;   /* parse_bool() sets it unless it fails */
            g_autofree char *pr = dx_load_path_join(pi, "rest");

            if (!dx_load_parse_bool(l, rest, pr, &r))
                return FALSE;
            if (!r || i + 1 != n->n_items)
                return dx_load_fail(l, rest, pr, DX_ERROR_RULES_INVALID,
                                 "only the last installment may be {rest: true}");
            if (i == 0)
                return dx_load_fail(l, rest, pr, DX_ERROR_RULES_INVALID,
                                 "{rest: true} follows installments with amounts");
            ins->rest = TRUE;
            pol->installments_by_share = FALSE;
        }
        if ((at != NULL) == (after != NULL))
            return dx_load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "an installment has exactly one timing: at: approval, at: YYYY-MM-DD or after: N months");
        if (at != NULL) {
            g_autofree char *pa = dx_load_path_join(pi, "at");

            if (!dx_load_expect_kind(l, at, pa, DX_YAML_SCALAR))
                return FALSE;
            if (strcmp(at->text, "approval") == 0) {
                ins->timing = DX_TIMING_APPROVAL;
            } else if (dx_date_parse(at->text, at->len, &ins->date)) {
                ins->timing = DX_TIMING_DATE;
            } else {
                return dx_load_fail(l, at, pa, DX_ERROR_RULES_INVALID,
                                 "expected “approval” or a real date YYYY-MM-DD, found “%s”", at->text);
            }
        } else {
            g_autofree char *pa = dx_load_path_join(pi, "after");
            char *end = NULL;
            guint64 months;

            if (!dx_load_expect_kind(l, after, pa, DX_YAML_SCALAR))
                return FALSE;
            if (!g_ascii_isdigit(after->text[0]) ||
                (months = g_ascii_strtoull(after->text, &end, 10)) > 1200 ||
                (strcmp(end, " months") != 0 && strcmp(end, " month") != 0))
                return dx_load_fail(l, after, pa, DX_ERROR_RULES_INVALID,
                                 "expected “N months” (N from 0 to 1200), found “%s”", after->text);
            ins->timing = DX_TIMING_AFTER_MONTHS;
            ins->months = (int)months;
        }
        if (!load_requires(l, ins, it, pi))
            return FALSE;
    }
    if (pol->installments_by_share && dx_rat_cmp(total, dx_rat_int(1)) != 0) {
        g_autofree char *s = NULL;
        DxRat pct;

        dx_rat_mul(total, dx_rat_int(100), &pct);
        s = dx_rat_to_string(pct);
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "shares sum to %s%%, not exactly 100%%", s);
    }
    return TRUE;
}


/* §14: commitment: {months, keep, refund} */
gboolean
dx_load_commitment(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "months", "keep", "refund", NULL };
    static const char *const required[] = { "months", "keep", NULL };
    const DxYamlNode *v;
    DxCommitment *c;

    if (!dx_load_expect_kind(l, n, path, DX_YAML_MAP) || !dx_load_check_keys(l, n, path, keys, required))
        return FALSE;
    c = pol->commitment = g_new0(DxCommitment, 1);
    v = dx_yaml_map_lookup(n, "months");
    {
        g_autofree char *p = dx_load_path_join(path, "months");
        guint64 m = 0;

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        if (!g_ascii_string_to_unsigned(v->text, 10, 1, 1200, &m, NULL))
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                                "expected a whole number of months from 1 to 1200, found “%s”", v->text);
        c->months = (int)m;
    }
    {
        g_autofree char *p = dx_load_path_join(path, "keep");

        if (!dx_load_clauses(l, dx_yaml_map_lookup(n, "keep"), p, "this commitment's keep", TRUE, &c->keep,
                             &c->n_keep))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "refund")) != NULL) {
        g_autofree char *p = dx_load_path_join(path, "refund");

        if (!dx_load_expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(v->text, "pro_rata") == 0)
            c->pro_rata = TRUE;
        else if (strcmp(v->text, "paid") != 0)
            return dx_load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                                "unknown refund “%s” (expected paid or pro_rata)", v->text);
    }
    return TRUE;
}

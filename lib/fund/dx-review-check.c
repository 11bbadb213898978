/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One grant's commitment judged (dx-review-private.h): the verdict of
 * dx-conditions.c in the words of §14.
 */
#include "fund/dx-review-private.h"
#include "fund/dx-conditions-private.h"
#include "decide/dx-messages-private.h"

static void
append_sep(GString *s, const char *sep, const char *what)
{
    if (s->len > 0)
        g_string_append(s, sep);
    g_string_append(s, what);
}

DxReviewOutcome
dx_review_judge(const DxRuleset *rs, const DxPolicy *pol, const DxChecksRow *row, gint32 day,
                const int64_t *received, GString *codes, GString *names, GString *detail, GString *text)
{
    const DxCommitment *cm = pol->commitment;
    DxReviewOutcome out = DX_REVIEW_KEPT;
    DxConditions c;

    switch (dx_conditions_judge(&c, rs, cm->keep, cm->n_keep, row, day, received)) {
    case DX_VERDICT_TRUE:
        break;
    case DX_VERDICT_ERROR:
        for (guint i = 0; i < cm->n_keep; i++) {
            g_autofree char *why = NULL;

            if (!dx_conditions_in_error(&c, i))
                continue;
            why = dx_conditions_dup_error(&c, i);
            append_sep(codes, ";", "eval_error");
            if (text->len > 0)
                g_string_append(text, "；");
            DX_MSG_APPEND(text, DX_MSG_COMMITMENT_EVAL_ERROR, FALSE, DX_MSG_S("commitment", cm->keep[i].name),
                          DX_MSG_S("error", why));
        }
        out = DX_REVIEW_ERROR;
        break;
    case DX_VERDICT_FALSE:
        for (guint i = 0; i < cm->n_keep; i++) {
            g_autofree char *d = NULL;

            if (!dx_conditions_is_false(&c, i))
                continue;
            d = dx_conditions_dup_detail(&c, i);
            append_sep(codes, ";", "commitment_breached");
            append_sep(names, "」「", cm->keep[i].name);
            append_sep(detail, "；", d);
        }
        out = DX_REVIEW_BREACHED;
        break;
    case DX_VERDICT_UNKNOWN: {
        g_autoptr(GString) labels = g_string_new(NULL);
        g_autoptr(GString) unknown = g_string_new(NULL);
        guint n = dx_conditions_missing(&c, labels);

        for (guint i = 0; i < MAX(n, 1); i++)
            append_sep(codes, ";", "commitment_missing");
        for (guint i = 0; i < cm->n_keep; i++) {
            if (!dx_conditions_in_error(&c, i) && !dx_conditions_is_false(&c, i) && c.state[i] != DX_EVAL_OK)
                append_sep(unknown, "」「", cm->keep[i].name);
        }
        DX_MSG_APPEND(text, DX_MSG_COMMITMENT_MISSING, FALSE, DX_MSG_S("commitment", unknown->str),
                      DX_MSG_S("fields", labels->str));
        out = DX_REVIEW_MISSING;
        break;
    }
    }
    dx_conditions_clear(&c);
    return out;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One installment line against its `requires` (dx-payrun-private.h): the
 * verdict of dx-conditions.c, turned into a settlement, its codes and its
 * sentences (docs/rules.md §13).
 */
#include "fund/dx-payrun-private.h"
#include "fund/dx-conditions-private.h"
#include "decide/dx-messages-private.h"

static void
append_code(GString *codes, const char *code)
{
    if (codes->len > 0)
        g_string_append_c(codes, ';');
    g_string_append(codes, code);
}

static void
append_text(GString *text, char *sentence)
{
    if (text->len > 0)
        g_string_append(text, "；");
    g_string_append(text, sentence);
    g_free(sentence);
}

DxSettleKind
dx_payrun_check_line(const DxRuleset *rs, const DxPolicy *pol, guint k, guint of, const DxChecksRow *row,
                     gint32 day, const int64_t *received, GString *codes, GString *text, gboolean *forfeit_rest)
{
    const DxInstallment *ins = &pol->installments[k - 1];
    DxSettleKind kind = DX_SETTLE_PAID;
    DxConditions c;

    *forfeit_rest = FALSE;
    if (ins->n_requires == 0)
        return DX_SETTLE_PAID;
    if (row == NULL) {
        append_code(codes, "requirement_missing");
        append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_NO_ROW, FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of)));
        return DX_SETTLE_HELD;
    }
    switch (dx_conditions_judge(&c, rs, ins->requires, ins->n_requires, row, day, received)) {
    case DX_VERDICT_TRUE:
        break;
    case DX_VERDICT_ERROR:
        for (guint i = 0; i < ins->n_requires; i++) {
            g_autofree char *why = NULL;

            if (!dx_conditions_in_error(&c, i))
                continue;
            why = dx_conditions_dup_error(&c, i);
            append_code(codes, "eval_error");
            append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_EVAL_ERROR, FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of),
                                         DX_MSG_S("requirement", ins->requires[i].name), DX_MSG_S("error", why)));
        }
        kind = DX_SETTLE_HELD;
        break;
    case DX_VERDICT_FALSE:
        for (guint i = 0; i < ins->n_requires; i++) {
            g_autofree char *detail = NULL;

            if (!dx_conditions_is_false(&c, i))
                continue;
            detail = dx_conditions_dup_detail(&c, i);
            append_code(codes, "requirement_failed");
            append_text(text, DX_MSG_DUP(ins->forfeit_rest ? DX_MSG_REQUIREMENT_FAILED : DX_MSG_REQUIREMENT_FAILED_ONE,
                                         FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of),
                                         DX_MSG_S("requirement", ins->requires[i].name), DX_MSG_S("detail", detail)));
        }
        *forfeit_rest = ins->forfeit_rest;
        kind = DX_SETTLE_FORFEITED;
        break;
    case DX_VERDICT_UNKNOWN: {
        g_autoptr(GString) labels = g_string_new(NULL);
        guint n = dx_conditions_missing(&c, labels);

        /* one code per missing field (§13); at least one */
        for (guint i = 0; i < MAX(n, 1); i++)
            append_code(codes, "requirement_missing");
        append_text(text, DX_MSG_DUP(DX_MSG_REQUIREMENT_MISSING, FALSE, DX_MSG_I("line", k), DX_MSG_I("of", of),
                                     DX_MSG_S("fields", labels->str)));
        kind = DX_SETTLE_HELD;
        break;
    }
    }
    dx_conditions_clear(&c);
    return kind;
}

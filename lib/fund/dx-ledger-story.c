/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx_ledger_dup_app_money() (dx-clawback.h): one application's grants as
 * the ledger holds them, for `duixian explain --ledger`: each line's
 * state, a revocation, a claw-back with the same sentence as the reason
 * `clawed_back` (docs/rules.md §14), the refunds. Deterministic text from
 * the ledger alone, in Chinese or English.
 */
#include "duixian/duixian.h"
#include "ledger/dx-ledger-lines-private.h"
#include "decide/dx-messages-private.h"
#include "base/dx-num-private.h"

#include <string.h>

static const char *
line_state(const DxLedgerLines *lines, const DxLedgerLine *l, gboolean en)
{
    switch (l->state) {
    case DX_LINE_PAID: return en ? "paid" : "已拨付";
    case DX_LINE_FORFEITED: return en ? "forfeited" : "已停止拨付";
    case DX_LINE_CANCELLED: return en ? "cancelled" : "已取消";
    case DX_LINE_SCHEDULED:
    default:
        if (lines->last_payrun != 0 && l->held_by == lines->last_payrun)
            return en ? "held by the latest payment run" : "最近一次拨付暂缓";
        return en ? "scheduled" : "待拨付";
    }
}

static int
grant_cmp(gconstpointer pa, gconstpointer pb)
{
    const DxLedgerGrant *a = *(const DxLedgerGrant *const *)pa, *b = *(const DxLedgerGrant *const *)pb;
    int c = strcmp(a->policy_id, b->policy_id);

    if (c != 0)
        return c;
    return a->ref_seq != b->ref_seq ? (a->ref_seq < b->ref_seq ? -1 : 1) : (a->ref_index < b->ref_index ? -1 : 1);
}

static int
fund_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
story_grant(GString *out, const DxLedgerLines *lines, const DxLedgerGrant *g, gboolean en)
{
    g_autofree char *granted = dx_money_format(g->granted_fen);
    char day[16];

    dx_date_format(g->approval_day, day);
    if (en)
        g_string_append_printf(out, "In the ledger: %s, approved %s, granted %s%s\n", g->policy_id, day, granted,
                               g->revoked ? " (revoked)" : "");
    else
        g_string_append_printf(out, "台账：%s，批准日 %s，核定 %s%s\n", g->policy_id, day, granted,
                               g->revoked ? "（已撤销）" : "");
    for (guint k = 0; k < g->n_lines; k++) {
        const DxLedgerLine *l = &g_array_index(lines->lines, DxLedgerLine, g->first_line + k);
        g_autofree char *amount = dx_money_format(l->amount_fen);

        dx_date_format(l->day, day);
        if (en)
            g_string_append_printf(out, "  installment %u/%u %s %s: %s\n", l->installment, l->of, day, amount,
                                   line_state(lines, l, en));
        else
            g_string_append_printf(out, "  第 %u/%u 期 %s %s：%s\n", l->installment, l->of, day, amount,
                                   line_state(lines, l, en));
    }
    if (g->clawed_back_by != 0) {
        g_autofree char *cancelled = dx_money_format(g->cancelled_fen);
        g_autofree char *refund = dx_money_format(g->refund_due_fen);
        const char *why = g->clawback_reasons != NULL ? g->clawback_reasons : "";
        g_autofree char *text = NULL;

        /* a review's record says commitment_breached: its label reads better */
        if (strcmp(why, "commitment_breached") == 0)
            why = dx_reason_code_to_label(DX_REASON_COMMITMENT_BREACHED, en ? "en" : "zh");
        dx_date_format(g->clawed_back_day, day);
        text = DX_MSG_DUP(DX_MSG_CLAWED_BACK, en, DX_MSG_S("date", day), DX_MSG_S("reason", why),
                          DX_MSG_S("cancelled", cancelled), DX_MSG_S("refund", refund));
        g_string_append_printf(out, "  %s\n", text);
        if (g->refund_due_fen > 0) {
            g_autofree char *got = dx_money_format(g->refund_received_fen);
            g_autofree char *left = dx_money_format(g->refund_due_fen - g->refund_received_fen);

            if (en)
                g_string_append_printf(out, "  refunds received %s, still due %s\n", got, left);
            else
                g_string_append_printf(out, "  已退回 %s，尚应退回 %s\n", got, left);
        }
    }
}

char *
dx_ledger_dup_app_money(DxLedger *ledger, const char *app_id, const char *lang, GError **error)
{
    g_autoptr(GPtrArray) funds = g_ptr_array_new_with_free_func(g_free);
    GString *out = g_string_new(NULL);
    gboolean en = g_strcmp0(lang, "en") == 0;
    size_t n;

    g_return_val_if_fail(ledger != NULL && app_id != NULL, NULL);
    n = dx_ledger_get_n_rounds(ledger);
    for (size_t i = 0; i < n; i++) {
        char *f = dx_ledger_dup_round_field(ledger, i, "fund_id");

        if (f != NULL && !g_ptr_array_find_with_equal_func(funds, f, g_str_equal, NULL))
            g_ptr_array_add(funds, f);
        else
            g_free(f);
    }
    g_ptr_array_sort(funds, fund_cmp);
    for (guint f = 0; f < funds->len; f++) {
        g_autoptr(GPtrArray) mine = g_ptr_array_new();
        DxLedgerLines lines;

        dx_ledger_lines_init(&lines);
        if (!dx_ledger_read_lines(ledger, g_ptr_array_index(funds, f), &lines, error)) {
            dx_ledger_lines_clear(&lines);
            g_string_free(out, TRUE);
            return NULL;
        }
        for (guint i = 0; i < lines.grants->len; i++) {
            DxLedgerGrant *g = &g_array_index(lines.grants, DxLedgerGrant, i);

            if (strcmp(g->app_id, app_id) == 0)
                g_ptr_array_add(mine, g);
        }
        g_ptr_array_sort(mine, grant_cmp);
        for (guint i = 0; i < mine->len; i++)
            story_grant(out, &lines, g_ptr_array_index(mine, i), en);
        dx_ledger_lines_clear(&lines);
    }
    return g_string_free(out, FALSE);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DIR/decisions.xlsx and DIR/schedule.xlsx (run --xlsx, report --xlsx):
 * the round's two CSV files for bureau staff, who open them in Excel.
 * Chinese column titles, amounts in 元 as numbers ("#,##0.00"), dates as
 * dates, one sheet per bureau and a 汇总 sheet first. Made from the round's
 * own files, so a round directory or a ledger's export gives the same
 * workbook. Every total is summed in integer fen before it becomes a cell.
 */
#include "dx-cli-xlsx.h"

#include <string.h>

/* decisions.csv and schedule.csv columns (docs/rules.md §8) */
enum { D_APP, D_ENT, D_POL, D_BUR, D_STATUS, D_COMPUTED, D_GRANTED, D_REASONS };
enum { S_BATCH, S_DATE, S_BUR, S_ENT, S_APP, S_POL, S_INST, S_OF, S_FEN, S_FUTURE };

static const char *const status_order[] = { "approved", "reduced", "rejected", "incomplete", "invalid",
                                            "duplicate", "unfunded", "error" };
#define N_STATUS G_N_ELEMENTS(status_order)

/* Sheet index of a row's bureau: its bureau, else the last sheet, 未归口
 * (an invalid row names no policy, so no bureau). */
static guint
xlsx_sheet_of(DxRuleset *rs, const char *bureau)
{
    gssize b = dx_cli_bureau_index(rs, bureau);

    return b >= 0 ? (guint)b : (guint)dx_ruleset_get_n_bureaus(rs);
}

static const char *
xlsx_bureau_name(DxRuleset *rs, const char *bureau)
{
    gssize b = dx_cli_bureau_index(rs, bureau);

    return b >= 0 ? dx_ruleset_get_bureau_name(rs, (size_t)b) : bureau;
}

static int64_t
xlsx_fen(const char *cell)
{
    return g_ascii_strtoll(cell, NULL, 10);
}

/* Sheets per bureau (and 未归口 when some row has none), after 汇总. */
static lxw_worksheet **
xlsx_bureau_sheets(DxCliXlsx *x, DxRuleset *rs, GPtrArray *rows, guint bureau_col, const char *const *titles,
                   const double *widths, guint n_cols, lxw_row_t **next_row)
{
    guint nb = (guint)dx_ruleset_get_n_bureaus(rs);
    lxw_worksheet **ws = g_new0(lxw_worksheet *, nb + 1);
    gboolean other = FALSE;

    for (guint i = 0; i < rows->len; i++)
        other |= xlsx_sheet_of(rs, ((char **)g_ptr_array_index(rows, i))[bureau_col]) == nb;
    for (guint b = 0; b <= nb; b++) {
        if (b == nb && !other)
            break;
        ws[b] = dx_cli_xlsx_sheet(x, b < nb ? dx_ruleset_get_bureau_name(rs, b) : "未归口",
                                  b < nb ? dx_ruleset_get_bureau_key(rs, b) : "other");
        dx_cli_xlsx_titles(x, ws[b], titles, widths, n_cols);
    }
    *next_row = g_new0(lxw_row_t, nb + 1);
    for (guint b = 0; b <= nb; b++)
        (*next_row)[b] = 1;
    return ws;
}

static gboolean
xlsx_decisions(DxRuleset *rs, DxCliRoundFiles *rf, const char *path, GError **error)
{
    static const char *const titles[] = { "申报编号", "统一社会信用代码", "政策", "政策名称", "归口部门", "状态",
                                          "测算金额（元）", "核定金额（元）", "核定日期", "理由", "理由代码" };
    static const double widths[] = { 16, 22, 18, 36, 12, 16, 16, 16, 12, 48, 36 };
    static const char *const sum_titles[] = { "归口部门", "申报", "予以兑现", "核减兑现", "不予兑现", "材料不全",
                                              "申报信息有误", "重复申报", "额度不足排队", "无法计算",
                                              "核定金额（元）", "额度", "额度总额（元）", "剩余额度（元）" };
    static const double sum_widths[] = { 14, 8, 10, 10, 10, 10, 12, 10, 12, 10, 18, 12, 18, 18 };
    guint nb = (guint)dx_ruleset_get_n_bureaus(rs);
    DxCliXlsx *x = dx_cli_xlsx_new(path, "兑现决定", rf->approval_date, error);
    lxw_worksheet *sum, **ws;
    g_autofree lxw_row_t *next = NULL;
    g_autofree int64_t *count = g_new0(int64_t, (nb + 1) * (N_STATUS + 1));   /* [sheet][applied, statuses…] */
    g_autofree int64_t *granted = g_new0(int64_t, nb + 1);
    g_autofree gboolean *env_seen = NULL;
    int64_t all[N_STATUS + 1] = { 0 }, all_granted = 0, all_total = 0, all_left = 0;

    if (x == NULL)
        return FALSE;
    sum = dx_cli_xlsx_sheet(x, "汇总", "summary");
    dx_cli_xlsx_titles(x, sum, sum_titles, sum_widths, G_N_ELEMENTS(sum_titles));
    ws = xlsx_bureau_sheets(x, rs, rf->decisions, D_BUR, titles, widths, G_N_ELEMENTS(titles), &next);
    for (guint i = 0; i < rf->decisions->len; i++) {
        char **c = g_ptr_array_index(rf->decisions, i);
        guint s = xlsx_sheet_of(rs, c[D_BUR]);
        lxw_row_t r = next[s]++;
        gssize pol = dx_cli_policy_index(rs, c[D_POL]);
        g_auto(GStrv) codes = g_strsplit(c[D_REASONS], ";", -1);
        g_autoptr(GString) why = g_string_new(NULL);

        for (guint k = 0; codes[k] != NULL; k++) {
            if (*codes[k] != '\0')
                g_string_append_printf(why, "%s%s", why->len > 0 ? "；" : "", dx_cli_reason_zh(codes[k]));
        }
        worksheet_write_string(ws[s], r, 0, c[D_APP], NULL);
        worksheet_write_string(ws[s], r, 1, c[D_ENT], NULL);
        worksheet_write_string(ws[s], r, 2, c[D_POL], NULL);
        worksheet_write_string(ws[s], r, 3, pol >= 0 ? dx_ruleset_get_policy_name(rs, (size_t)pol) : "", NULL);
        worksheet_write_string(ws[s], r, 4, xlsx_bureau_name(rs, c[D_BUR]), NULL);
        worksheet_write_string(ws[s], r, 5, dx_cli_status_zh(c[D_STATUS]), NULL);
        dx_cli_xlsx_yuan(ws[s], r, 6, xlsx_fen(c[D_COMPUTED]), x->yuan);
        dx_cli_xlsx_yuan(ws[s], r, 7, xlsx_fen(c[D_GRANTED]), x->yuan);
        dx_cli_xlsx_date(x, ws[s], r, 8, rf->approval_date);
        worksheet_write_string(ws[s], r, 9, why->str, NULL);
        worksheet_write_string(ws[s], r, 10, c[D_REASONS], NULL);
        count[s * (N_STATUS + 1)]++;
        for (guint k = 0; k < N_STATUS; k++)
            count[s * (N_STATUS + 1) + 1 + k] += strcmp(c[D_STATUS], status_order[k]) == 0;
        granted[s] += xlsx_fen(c[D_GRANTED]);
    }
    for (guint s = 0; s <= nb; s++) {
        if (ws[s] != NULL)
            worksheet_autofilter(ws[s], 0, 0, next[s] - 1, G_N_ELEMENTS(titles) - 1);
    }

    /* 汇总: one row per sheet, then 合计; an envelope shared by several
     * bureaus ("*") counts once in the total */
    env_seen = g_new0(gboolean, MAX(rf->n_envelopes, 1));
    for (guint s = 0; s <= nb; s++) {
        lxw_row_t r = (lxw_row_t)s + 1;
        gssize e = s < nb ? dx_cli_bureau_envelope(rs, dx_ruleset_get_bureau_key(rs, s)) : -1;

        if (ws[s] == NULL)
            break;
        worksheet_write_string(sum, r, 0, s < nb ? dx_ruleset_get_bureau_name(rs, s) : "未归口", NULL);
        for (guint k = 0; k <= N_STATUS; k++) {
            worksheet_write_number(sum, r, (lxw_col_t)(1 + k), (double)count[s * (N_STATUS + 1) + k], NULL);
            all[k] += count[s * (N_STATUS + 1) + k];
        }
        dx_cli_xlsx_yuan(sum, r, 10, granted[s], x->yuan);
        all_granted += granted[s];
        if (e >= 0) {
            const char *key = dx_ruleset_get_envelope_key(rs, (size_t)e);

            worksheet_write_string(sum, r, 11, strcmp(key, "*") == 0 ? "共用额度" : xlsx_bureau_name(rs, key), NULL);
            dx_cli_xlsx_yuan(sum, r, 12, rf->envelopes[e].total_fen, x->yuan);
            dx_cli_xlsx_yuan(sum, r, 13, rf->envelopes[e].remaining_fen, x->yuan);
            if (!env_seen[e]) {
                all_total += rf->envelopes[e].total_fen;
                all_left += rf->envelopes[e].remaining_fen;
                env_seen[e] = TRUE;
            }
        }
    }
    {
        lxw_row_t r = (lxw_row_t)(ws[nb] != NULL ? nb + 2 : nb + 1);

        worksheet_write_string(sum, r, 0, "合计", x->bold);
        for (guint k = 0; k <= N_STATUS; k++)
            worksheet_write_number(sum, r, (lxw_col_t)(1 + k), (double)all[k], x->bold);
        dx_cli_xlsx_yuan(sum, r, 10, all_granted, x->bold_yuan);
        dx_cli_xlsx_yuan(sum, r, 12, all_total, x->bold_yuan);
        dx_cli_xlsx_yuan(sum, r, 13, all_left, x->bold_yuan);
        worksheet_write_string(sum, r + 2, 0, "核定日期", NULL);
        dx_cli_xlsx_date(x, sum, r + 2, 1, rf->approval_date);
        worksheet_write_string(sum, r + 3, 0, "资金", NULL);
        worksheet_write_string(sum, r + 3, 1, dx_ruleset_get_fund_name(rs), NULL);
    }
    g_free(ws);
    return dx_cli_xlsx_close(x, error);
}

static gboolean
xlsx_schedule(DxRuleset *rs, DxCliRoundFiles *rf, const char *path, GError **error)
{
    static const char *const titles[] = { "拨付批次", "拨付日期", "归口部门", "统一社会信用代码", "申报编号", "政策",
                                          "期次", "共几期", "金额（元）", "资金期后" };
    static const double widths[] = { 20, 12, 12, 22, 16, 18, 6, 8, 16, 10 };
    static const char *const sum_titles[] = { "归口部门", "拨付笔数", "资金期内（元）", "资金期后（元）", "合计（元）" };
    static const double sum_widths[] = { 14, 10, 18, 18, 18 };
    guint nb = (guint)dx_ruleset_get_n_bureaus(rs);
    DxCliXlsx *x = dx_cli_xlsx_new(path, "拨付计划", rf->approval_date, error);
    lxw_worksheet *sum, **ws;
    g_autofree lxw_row_t *next = NULL;
    g_autofree int64_t *in = g_new0(int64_t, nb + 1), *after = g_new0(int64_t, nb + 1);
    int64_t all_in = 0, all_after = 0, all_n = 0;
    lxw_row_t r = 1;

    if (x == NULL)
        return FALSE;
    sum = dx_cli_xlsx_sheet(x, "汇总", "summary");
    dx_cli_xlsx_titles(x, sum, sum_titles, sum_widths, G_N_ELEMENTS(sum_titles));
    ws = xlsx_bureau_sheets(x, rs, rf->schedule, S_BUR, titles, widths, G_N_ELEMENTS(titles), &next);
    for (guint i = 0; i < rf->schedule->len; i++) {
        char **c = g_ptr_array_index(rf->schedule, i);
        guint s = xlsx_sheet_of(rs, c[S_BUR]);
        lxw_row_t row = next[s]++;
        gboolean future = strcmp(c[S_FUTURE], "true") == 0;

        worksheet_write_string(ws[s], row, 0, c[S_BATCH], NULL);
        dx_cli_xlsx_date(x, ws[s], row, 1, c[S_DATE]);
        worksheet_write_string(ws[s], row, 2, xlsx_bureau_name(rs, c[S_BUR]), NULL);
        worksheet_write_string(ws[s], row, 3, c[S_ENT], NULL);
        worksheet_write_string(ws[s], row, 4, c[S_APP], NULL);
        worksheet_write_string(ws[s], row, 5, c[S_POL], NULL);
        worksheet_write_number(ws[s], row, 6, (double)g_ascii_strtoll(c[S_INST], NULL, 10), NULL);
        worksheet_write_number(ws[s], row, 7, (double)g_ascii_strtoll(c[S_OF], NULL, 10), NULL);
        dx_cli_xlsx_yuan(ws[s], row, 8, xlsx_fen(c[S_FEN]), x->yuan);
        worksheet_write_string(ws[s], row, 9, future ? "是" : "否", NULL);
        *(future ? &after[s] : &in[s]) += xlsx_fen(c[S_FEN]);
    }
    for (guint s = 0; s <= nb; s++) {
        if (ws[s] == NULL)
            break;
        worksheet_autofilter(ws[s], 0, 0, next[s] - 1, G_N_ELEMENTS(titles) - 1);
        worksheet_write_string(sum, r, 0, s < nb ? dx_ruleset_get_bureau_name(rs, s) : "未归口", NULL);
        worksheet_write_number(sum, r, 1, (double)(next[s] - 1), NULL);
        dx_cli_xlsx_yuan(sum, r, 2, in[s], x->yuan);
        dx_cli_xlsx_yuan(sum, r, 3, after[s], x->yuan);
        dx_cli_xlsx_yuan(sum, r, 4, in[s] + after[s], x->yuan);
        all_n += next[s] - 1;
        all_in += in[s];
        all_after += after[s];
        r++;
    }
    worksheet_write_string(sum, r, 0, "合计", x->bold);
    worksheet_write_number(sum, r, 1, (double)all_n, x->bold);
    dx_cli_xlsx_yuan(sum, r, 2, all_in, x->bold_yuan);
    dx_cli_xlsx_yuan(sum, r, 3, all_after, x->bold_yuan);
    dx_cli_xlsx_yuan(sum, r, 4, all_in + all_after, x->bold_yuan);
    g_free(ws);
    return dx_cli_xlsx_close(x, error);
}

gboolean
dx_cli_write_round_xlsx(DxRuleset *rs, const char *dir, GError **error)
{
    g_autoptr(DxCliRoundFiles) rf = dx_cli_round_files_read(rs, dir, error);
    g_autofree char *d = g_build_filename(dir, "decisions.xlsx", NULL);
    g_autofree char *s = g_build_filename(dir, "schedule.xlsx", NULL);

    return rf != NULL && xlsx_decisions(rs, rf, d, error) && xlsx_schedule(rs, rf, s, error);
}

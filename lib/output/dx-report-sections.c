/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two sections of report.html: the shortfall of each envelope (what was
 * requested against what was available, and the rationing factor) and the
 * table of decisions by enterprise. Both are made from the round's files
 * only, with integers: a percentage is rounded for display, the amounts
 * beside it are the exact fen (data-fen), and the factor itself is given
 * exactly as data-num / data-den.
 */
#include "duixian/duixian.h"
#include "base/dx-num-private.h"
#include "output/dx-report-private.h"
#include "rules/dx-ruleset-private.h"

#include <string.h>

/* @num / @den as a percentage with two decimals, rounded half up: display
 * only (money is never computed from it). */
static char *
report_percent(int64_t num, int64_t den)
{
    dx_i128 q;

    if (den <= 0)
        return g_strdup("—");
    q = ((dx_i128)num * 20000 / den + 1) / 2;   /* hundredths of a percent, half up */
    return g_strdup_printf("%" G_GINT64_FORMAT ".%02d%%", (int64_t)(q / 100), (int)(q % 100));
}

void
dx_report_shortfall(GString *out, const DxRuleset *rs, const char *summary)
{
    g_autofree char *mode = dx_report_json_string(summary, "shortfall");
    const char *envs = strstr(summary, "\"envelopes\"");

    g_string_append(out, "<h2>额度缺口与核减比例</h2>\n<p class=\"meta\">本轮可用 = 额度总额 − 以前轮次已安排；"
                         "兑现比例 = 本轮可用 ÷ 本轮申请（申请不超过可用时为 100%）。");
    if (strcmp(mode, "pro_rata") == 0)
        g_string_append(out, "额度不足时按比例核减：每项申请按此比例核定到分，尾差按最大余数分配。");
    else
        g_string_append(out, "额度不足时按顺序安排，排在后面的申请列入排队。");
    g_string_append(out, "百分比仅为显示取整，金额均按分精确计算。</p>\n"
                         "<table id=\"table-shortfall\">\n<tr><th>额度</th><th>额度总额（万元）</th><th>以前轮次已安排</th>"
                         "<th>本轮可用</th><th>本轮申请</th><th>缺口</th><th>本轮核定</th><th>兑现比例</th></tr>\n");
    for (guint k = 0; k < rs->n_envelopes; k++) {
        const char *p, *e;
        int64_t total = 0, before = 0, req = 0, granted = 0, avail = 0, gap = 0, num;
        const int64_t *cells[6] = { &total, &before, &avail, &req, &gap, &granted };
        const char *cls[6] = { "total", "before", "available", "requested", "gap", "granted" };
        g_autofree char *pct = NULL;

        if (dx_report_json_object(envs, rs->envelopes[k].key, &p, &e)) {
            total = dx_report_json_int(p, e, "total");
            before = dx_report_json_int(p, e, "charged_before");
            req = dx_report_json_int(p, e, "requested");
            granted = dx_report_json_int(p, e, "granted");
        }
        avail = MAX(total - before, 0);
        gap = MAX(req - avail, 0);
        num = MIN(avail, req);
        pct = report_percent(num, req);
        g_string_append_printf(out, "<tr data-key=\"%s\"><td>", rs->envelopes[k].key);
        dx_report_esc(out, dx_report_bureau_name(rs, rs->envelopes[k].key));
        g_string_append(out, "</td>");
        for (int j = 0; j < 6; j++) {
            g_autofree char *w = dx_report_wan(*cells[j]);

            g_string_append_printf(out, "<td class=\"n %s\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td>", cls[j], *cells[j], w);
        }
        g_string_append_printf(out, "<td class=\"n ratio%s\" data-num=\"%" G_GINT64_FORMAT "\" data-den=\"%" G_GINT64_FORMAT
                                    "\">%s</td></tr>\n",
                               gap > 0 ? " short" : "", num, req, pct);
    }
    g_string_append(out, "</table>\n");
}

typedef struct {
    char **cells;   /* decisions.csv: app enterprise policy bureau status computed granted reasons */
} ReportRow;

static gint
report_row_cmp(gconstpointer a, gconstpointer b)
{
    char *const *x = ((const ReportRow *)a)->cells, *const *y = ((const ReportRow *)b)->cells;
    int c = strcmp(x[1], y[1]);

    if (c == 0)
        c = strcmp(x[2], y[2]);
    return c != 0 ? c : strcmp(x[0], y[0]);
}

/* A large round would make a page nobody reads; the rest is in
 * decisions.csv (and decisions.xlsx). */
#define REPORT_MAX_ENTERPRISE_ROWS 5000

void
dx_report_enterprises(GString *out, const DxRuleset *rs, char **dlines)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(ReportRow));
    guint shown;

    for (guint i = 1; dlines[i] != NULL; i++) {
        ReportRow r;

        if (*dlines[i] == '\0')
            continue;
        r.cells = dx_report_csv_cells(dlines[i]);
        if (g_strv_length(r.cells) < 8 ||
            (g_ascii_strtoll(r.cells[5], NULL, 10) <= 0 && g_ascii_strtoll(r.cells[6], NULL, 10) <= 0)) {
            g_strfreev(r.cells);
            continue;
        }
        g_array_append_val(rows, r);
    }
    g_array_sort(rows, report_row_cmp);
    shown = MIN(rows->len, REPORT_MAX_ENTERPRISE_ROWS);
    g_string_append_printf(out, "<h2>企业兑现明细</h2>\n<p class=\"meta\">测算或核定金额不为零的 %u 项决定，按企业"
                                "（统一社会信用代码）排列；金额单位：元。企业名称见公示名单（duixian publish）。",
                           rows->len);
    if (shown < rows->len)
        g_string_append_printf(out, "此处列出前 %u 项，全部见 decisions.csv 或 decisions.xlsx。", shown);
    g_string_append(out, "</p>\n<table id=\"table-enterprises\">\n<tr><th>企业</th><th>申报编号</th><th>政策</th>"
                         "<th>测算（元）</th><th>核定（元）</th><th>状态</th></tr>\n");
    for (guint i = 0; i < rows->len; i++) {
        char **c = g_array_index(rows, ReportRow, i).cells;
        gint pol = dx_ruleset_find_policy(rs, c[2]);
        int64_t computed = g_ascii_strtoll(c[5], NULL, 10), granted = g_ascii_strtoll(c[6], NULL, 10);
        g_autofree char *cs = dx_money_format_yuan(computed), *gs = dx_money_format_yuan(granted);

        if (i < shown) {
            g_string_append(out, "<tr data-app=\"");
            dx_report_esc(out, c[0]);
            g_string_append(out, "\" data-policy-id=\"");
            dx_report_esc(out, c[2]);
            g_string_append(out, "\"><td>");
            dx_report_esc(out, c[1]);
            g_string_append(out, "</td><td>");
            dx_report_esc(out, c[0]);
            g_string_append(out, "</td><td class=\"policy\">");
            dx_report_esc(out, pol >= 0 ? rs->policies[pol].name : c[2]);
            g_string_append_printf(out, "</td><td class=\"n computed\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td>"
                                        "<td class=\"n granted\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td><td class=\"status\">%s</td></tr>\n",
                                   computed, cs, granted, gs, dx_report_status_name(c[4]));
        }
        g_strfreev(c);
    }
    g_string_append(out, "</table>\n");
}

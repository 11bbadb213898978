/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * report.html: one self-contained page about a round, for bureau staff and
 * leadership, made from the round's own output files (summary.json,
 * decisions.csv, schedule.csv, docs/rules.md §8) and the ruleset for names.
 *
 * Self-contained means: no scripts, no fonts, no images, no links to
 * anything; the charts are inline SVG and the page prints. Amounts shown
 * are 万元; every number a chart draws also sits in a data-fen attribute
 * (exact fen), so a test can compare the page with summary.json.
 *
 * The files are read as this library writes them (sorted keys, minimal
 * quoting); this is not a general JSON or CSV reader.
 */
#include "duixian/duixian.h"
#include "base/dx-num-private.h"
#include "output/dx-report-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

static const char report_css[] =
    /* a CJK face first, whichever the machine has: Noto CJK or Source Han
     * (Debian fonts-noto-cjk), WenQuanYi (fonts-wqy-*), then Windows' and
     * macOS's; a face named after the generic family is never reached */
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Noto Sans SC','WenQuanYi Zen Hei','WenQuanYi Micro Hei',"
    "'Microsoft YaHei','PingFang SC','Hiragino Sans GB',sans-serif;margin:24px auto;max-width:1000px;"
    "color:#222;line-height:1.5}\n"
    "h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #b22;padding-bottom:4px;margin-top:32px}\n"
    ".meta{color:#666;font-size:13px}.cards{display:flex;gap:12px;flex-wrap:wrap}\n"
    ".card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:170px}"
    ".card b{display:block;font-size:22px}.card span{color:#666;font-size:13px}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}"
    "th,td{border:1px solid #ccc;padding:4px 8px}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "svg.chart{max-width:100%;height:auto}svg text{font-size:12px;fill:#333}td{overflow-wrap:anywhere}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
    "vertical-align:middle}\n"
    ".ok{color:#080;font-weight:bold}.no{color:#b00;font-weight:bold}\n"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}\n";

gboolean
dx_report_write_html(DxRuleset *ruleset, const char *dir, const char *path, GError **error)
{
    const DxRuleset *rs = ruleset;
    g_autofree char *summary = NULL, *decisions = NULL, *schedule = NULL;
    g_autofree char *fund = NULL, *approval = NULL;
    g_auto(GStrv) dlines = NULL, slines = NULL;
    g_autoptr(GString) out = NULL;
    g_autoptr(GHashTable) reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GArray) counts = g_array_new(FALSE, TRUE, sizeof(DxReportCount));
    int64_t granted_total, in_period = 0, after_period = 0, env_before = 0, env_granted = 0, env_left = 0;
    int y0, m0, d0, y1, m1, d1, n_months;
    g_autofree int64_t *month_fen = NULL;
    g_autofree int64_t *pol_applied = NULL, *pol_approved = NULL, *pol_rejected = NULL, *pol_fen = NULL;
    g_autofree int64_t *bur = NULL;   /* per bureau: applied approved reduced rejected unfunded granted */
    char pfrom[16], pto[16];
    const char *p, *e;
    guint env_lw = 160;

    g_return_val_if_fail(ruleset != NULL && dir != NULL && path != NULL, FALSE);
    if (!dx_report_read(dir, "summary.json", &summary, error) || !dx_report_read(dir, "decisions.csv", &decisions, error) ||
        !dx_report_read(dir, "schedule.csv", &schedule, error))
        return FALSE;
    fund = dx_report_json_string(summary, "fund");
    if (strcmp(fund, rs->fund_id) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: the round is of fund “%s”, the rules of “%s”", dir, fund,
                    rs->fund_id);
        return FALSE;
    }
    approval = dx_report_json_string(summary, "approval_date");
    granted_total = dx_report_json_int(summary, summary + strlen(summary), "granted_fen");
    dx_date_format(rs->period_from, pfrom);
    dx_date_format(rs->period_to, pto);
    dx_date_to_ymd(rs->period_from, &y0, &m0, &d0);
    dx_date_to_ymd(rs->period_to, &y1, &m1, &d1);
    n_months = MAX((y1 - y0) * 12 + (m1 - m0) + 1, 1);
    month_fen = g_new0(int64_t, n_months);

    /* schedule: per month inside the period, and what falls after it */
    slines = g_strsplit(schedule, "\n", -1);
    for (guint i = 1; slines[i] != NULL; i++) {
        g_auto(GStrv) c = NULL;
        int y, m;
        int64_t fen;

        if (*slines[i] == '\0')
            continue;
        c = dx_report_csv_cells(slines[i]);
        if (g_strv_length(c) < 10)
            continue;
        fen = g_ascii_strtoll(c[8], NULL, 10);
        if (strcmp(c[9], "true") == 0) {
            after_period += fen;
            continue;
        }
        in_period += fen;
        y = (int)g_ascii_strtoll(c[1], NULL, 10);
        m = (int)g_ascii_strtoll(c[1] + 5, NULL, 10);
        if ((y - y0) * 12 + (m - m0) >= 0 && (y - y0) * 12 + (m - m0) < n_months)
            month_fen[(y - y0) * 12 + (m - m0)] += fen;
    }

    /* decisions: per policy and bureau, and the reasons of those not paid */
    pol_applied = g_new0(int64_t, rs->n_policies);
    pol_approved = g_new0(int64_t, rs->n_policies);
    pol_rejected = g_new0(int64_t, rs->n_policies);
    pol_fen = g_new0(int64_t, rs->n_policies);
    bur = g_new0(int64_t, rs->n_bureaus * 6);
    dlines = g_strsplit(decisions, "\n", -1);
    for (guint i = 1; dlines[i] != NULL; i++) {
        g_auto(GStrv) c = NULL, codes = NULL;
        gint pol;
        gboolean paid;

        if (*dlines[i] == '\0')
            continue;
        c = dx_report_csv_cells(dlines[i]);
        if (g_strv_length(c) < 8)
            continue;
        pol = dx_ruleset_find_policy(rs, c[2]);
        paid = strcmp(c[4], "approved") == 0 || strcmp(c[4], "reduced") == 0;
        if (pol >= 0) {
            int64_t *b = &bur[rs->policies[pol].bureau * 6];

            pol_applied[pol]++;
            pol_approved[pol] += paid;
            pol_rejected[pol] += !paid;
            pol_fen[pol] += g_ascii_strtoll(c[6], NULL, 10);
            b[0]++;
            b[1] += strcmp(c[4], "approved") == 0;
            b[2] += strcmp(c[4], "reduced") == 0;
            b[3] += !paid && strcmp(c[4], "unfunded") != 0;
            b[4] += strcmp(c[4], "unfunded") == 0;
            b[5] += g_ascii_strtoll(c[6], NULL, 10);
        }
        if (strcmp(c[4], "approved") == 0)   /* reduced ones count: rationed, capped, … */
            continue;
        codes = g_strsplit(c[7], ";", -1);
        for (guint k = 0; codes[k] != NULL; k++) {
            gpointer idx;

            if (g_str_has_prefix(codes[k], "award_") || *codes[k] == '\0')
                continue;
            if (!g_hash_table_lookup_extended(reasons, codes[k], NULL, &idx)) {
                DxReportCount rc = { codes[k], 0 };

                g_array_append_val(counts, rc);
                idx = GUINT_TO_POINTER(counts->len - 1);
                g_hash_table_insert(reasons, g_strdup(codes[k]), idx);
            }
            g_array_index(counts, DxReportCount, GPOINTER_TO_UINT(idx)).count++;
        }
    }
    for (guint i = 0; i < counts->len; i++)   /* the keys above borrow from codes, freed per line */
        g_array_index(counts, DxReportCount, i).key = NULL;
    {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, reasons);
        while (g_hash_table_iter_next(&it, &k, &v))
            g_array_index(counts, DxReportCount, GPOINTER_TO_UINT(v)).key = k;
    }
    g_array_sort(counts, dx_report_count_cmp);

    out = g_string_new("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    dx_report_esc(out, rs->fund_name);
    g_string_append_printf(out, " · %s 兑现报告</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", approval, report_css);
    dx_report_esc(out, rs->fund_name);
    g_string_append(out, " 兑现报告</h1>\n<p class=\"meta\">资金编号 ");
    dx_report_esc(out, rs->fund_id);
    g_string_append_printf(out, " · 资金期 %s 至 %s · 本轮核定日期 %s · 金额单位：万元</p>\n", pfrom, pto, approval);

    /* cards */
    for (guint e2 = 0; e2 < rs->n_envelopes; e2++) {
        if (dx_report_json_object(strstr(summary, "\"envelopes\""), rs->envelopes[e2].key, &p, &e)) {
            env_before += dx_report_json_int(p, e, "charged_before");
            env_granted += dx_report_json_int(p, e, "granted");
            env_left += dx_report_json_int(p, e, "remaining");
        }
    }
    {
        g_autofree char *t = dx_report_wan(rs->fund_total_fen), *g = dx_report_wan(granted_total);
        g_autofree char *b = dx_report_wan(env_before), *l = dx_report_wan(env_left), *ip = dx_report_wan(in_period);

        g_string_append_printf(out,
                               "<div class=\"cards\">\n"
                               "<div class=\"card\"><span>资金总额</span><b id=\"kpi-total\" data-fen=\"%" G_GINT64_FORMAT "\">%s</b></div>\n"
                               "<div class=\"card\"><span>以前轮次已安排</span><b id=\"kpi-before\" data-fen=\"%" G_GINT64_FORMAT "\">%s</b></div>\n"
                               "<div class=\"card\"><span>本轮核定</span><b id=\"kpi-granted\" data-fen=\"%" G_GINT64_FORMAT "\">%s</b></div>\n"
                               "<div class=\"card\"><span>剩余额度</span><b id=\"kpi-remaining\" data-fen=\"%" G_GINT64_FORMAT "\">%s</b></div>\n"
                               "<div class=\"card\"><span>资金期内拨付</span><b id=\"kpi-in-period\" data-fen=\"%" G_GINT64_FORMAT "\">%s</b></div>\n"
                               "</div>\n",
                               rs->fund_total_fen, t, env_before, b, granted_total, g, env_left, l, in_period, ip);
    }

    /* performance targets */
    {
        g_autofree char *t = dx_report_wan(rs->fund_total_fen), *ip = dx_report_wan(in_period), *ap = dx_report_wan(after_period);
        int64_t committed = env_before + env_granted;
        g_autofree char *cm = dx_report_wan(committed);
        int pct = rs->fund_total_fen > 0 ? (int)(in_period * 1000 / rs->fund_total_fen) : 0;
        gboolean met_amount = committed >= rs->fund_total_fen, met_time = in_period >= rs->fund_total_fen;

        g_string_append_printf(out,
                               "<h2>绩效目标</h2>\n<table id=\"targets\">\n<tr><th>指标</th><th>目标值</th><th>完成值</th><th>状态</th></tr>\n"
                               "<tr><td>兑现资金（累计核定）</td><td class=\"n\">≥ %s</td>"
                               "<td class=\"n\" id=\"target-committed\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td><td class=\"%s\">%s</td></tr>\n"
                               "<tr><td>%s 前完成拨付（本轮计划）</td><td class=\"n\">%s</td>"
                               "<td class=\"n\" id=\"target-in-period\" data-fen=\"%" G_GINT64_FORMAT "\">%s（%d.%d%%）</td><td class=\"%s\">%s</td></tr>\n"
                               "<tr><td>资金期后拨付（跨期承诺）</td><td class=\"n\">—</td>"
                               "<td class=\"n\" id=\"target-after\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td><td></td></tr>\n</table>\n",
                               t, committed, cm, met_amount ? "ok" : "no", met_amount ? "达成" : "未达成", pto, t, in_period,
                               ip, pct / 10, pct % 10, met_time ? "ok" : "no", met_time ? "达成" : "未达成", after_period, ap);
        (void)t;
    }

    /* envelopes: stacked bars */
    g_string_append(out, "<h2>额度使用（按局）</h2>\n<p class=\"legend\"><span style=\"background:#999\"></span>以前轮次已安排"
                          "<span style=\"background:#c33\"></span>本轮核定<span style=\"background:#dde\"></span>剩余</p>\n");
    for (guint k = 0; k < rs->n_envelopes; k++)   /* room for the longest bureau name */
        env_lw = MAX(env_lw, dx_report_text_px(dx_report_bureau_name(rs, rs->envelopes[k].key), 12) + 16);
    g_string_append_printf(out, "<svg id=\"chart-envelopes\" class=\"chart\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\">\n",
                           env_lw + 720, rs->n_envelopes * 40 + 10, env_lw + 720, rs->n_envelopes * 40 + 10);
    for (guint k = 0; k < rs->n_envelopes; k++) {
        int64_t tot = 0, before = 0, gr = 0, left = 0;
        int64_t x = (int64_t)env_lw * 10;   /* tenths of a pixel */
        char b1[32], b2[32];

        if (dx_report_json_object(strstr(summary, "\"envelopes\""), rs->envelopes[k].key, &p, &e)) {
            tot = dx_report_json_int(p, e, "total");
            before = dx_report_json_int(p, e, "charged_before");
            gr = dx_report_json_int(p, e, "granted");
            left = dx_report_json_int(p, e, "remaining");
        }
        g_string_append_printf(out, "<g class=\"envelope\" data-key=\"%s\" data-total-fen=\"%" G_GINT64_FORMAT "\">"
                                    "<text class=\"label\" x=\"%u\" y=\"%u\" text-anchor=\"end\">",
                               rs->envelopes[k].key, tot, env_lw - 8, k * 40 + 26);
        dx_report_esc(out, dx_report_bureau_name(rs, rs->envelopes[k].key));
        g_string_append(out, "</text>");
        {
            const int64_t parts[3] = { before, gr, left };
            const char *cls[3] = { "before", "granted", "remaining" }, *fill[3] = { "#999", "#c33", "#dde" };

            for (int j = 0; j < 3; j++) {
                int64_t w = dx_report_tenths(560, parts[j], rs->fund_total_fen);

                g_string_append_printf(out, "<rect class=\"%s\" x=\"%s\" y=\"%u\" width=\"%s\" height=\"24\" fill=\"%s\" "
                                            "data-fen=\"%" G_GINT64_FORMAT "\"/>",
                                       cls[j], dx_report_px(b1, x), k * 40 + 8, dx_report_px(b2, w), fill[j], parts[j]);
                x += w;
            }
        }
        {
            g_autofree char *gs = dx_report_wan(gr), *ls = dx_report_wan(left);

            g_string_append_printf(out, "<text x=\"%s\" y=\"%u\">本轮 %s / 剩余 %s</text></g>\n", dx_report_px(b1, x + 60),
                                   k * 40 + 26, gs, ls);
        }
    }
    g_string_append(out, "</svg>\n");

    /* bureau table */
    g_string_append(out, "<table id=\"table-bureaus\">\n<tr><th>局</th><th>申报</th><th>全额</th><th>核减</th><th>未予兑现</th>"
                         "<th>排队</th><th>本轮核定（万元）</th><th>剩余（万元）</th></tr>\n");
    for (guint b = 0; b < rs->n_bureaus; b++) {
        const int64_t *v = &bur[b * 6];
        int64_t left = 0;
        g_autofree char *gs = dx_report_wan(v[5]), *ls = NULL;

        if (dx_report_json_object(strstr(summary, "\"envelopes\""), rs->envelopes[rs->bureaus[b].envelope].key, &p, &e))
            left = dx_report_json_int(p, e, "remaining");
        ls = dx_report_wan(left);
        g_string_append(out, "<tr><td>");
        dx_report_esc(out, rs->bureaus[b].name);
        g_string_append_printf(out, "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">%" G_GINT64_FORMAT
                                    "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">%" G_GINT64_FORMAT
                                    "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\" data-fen=\"%" G_GINT64_FORMAT
                                    "\">%s</td><td class=\"n\">%s</td></tr>\n",
                               v[0], v[1], v[2], v[3], v[4], v[5], gs, ls);
    }
    g_string_append(out, "</table>\n");
    dx_report_shortfall(out, rs, summary);

    /* months */
    {
        int64_t max = MAX(after_period, 1);
        guint bw = 44, cw = (guint)(n_months + 1) * (bw + 8) + 60, ch = 220;

        for (int i = 0; i < n_months; i++)
            max = MAX(max, month_fen[i]);
        g_string_append(out, "<h2>拨付计划（按月）</h2>\n<p class=\"meta\">资金期内各月拨付，最后一栏为资金期后的跨期承诺。</p>\n");
        g_string_append_printf(out, "<svg id=\"chart-months\" class=\"chart\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\">\n",
                               cw, ch + 40, cw, ch + 40);
        for (int i = 0; i <= n_months; i++) {
            int64_t v = i < n_months ? month_fen[i] : after_period;
            int64_t h = dx_report_tenths(ch - 30, v, max), top = (int64_t)ch * 10 - h;
            char b1[32], b2[32];
            guint x = 30 + (guint)i * (bw + 8);
            g_autofree char *label = i < n_months ? g_strdup_printf("%d-%02d", y0 + (m0 - 1 + i) / 12, (m0 - 1 + i) % 12 + 1)
                                                  : g_strdup("期后");
            g_autofree char *vs = dx_report_wan(v);

            g_string_append_printf(out, "<rect class=\"month\" data-month=\"%s\" data-fen=\"%" G_GINT64_FORMAT "\" x=\"%u\" y=\"%s\" "
                                        "width=\"%u\" height=\"%s\" fill=\"%s\"/>",
                                   label, v, x, dx_report_px(b1, top), bw, dx_report_px(b2, h), i < n_months ? "#c33" : "#e9a");
            if (v > 0)
                g_string_append_printf(out, "<text x=\"%u\" y=\"%s\" text-anchor=\"middle\">%s</text>", x + bw / 2,
                                       dx_report_px(b1, top - 40), vs);
            g_string_append_printf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n", x + bw / 2, ch + 16,
                                   label);
        }
        g_string_append(out, "</svg>\n<table id=\"table-months\">\n<tr><th>月份</th><th>拨付（万元）</th></tr>\n");
        for (int i = 0; i <= n_months; i++) {
            int64_t v = i < n_months ? month_fen[i] : after_period;
            g_autofree char *vs = dx_report_wan(v);

            if (v == 0)
                continue;
            if (i < n_months)
                g_string_append_printf(out, "<tr><td>%d-%02d</td>", y0 + (m0 - 1 + i) / 12, (m0 - 1 + i) % 12 + 1);
            else
                g_string_append_printf(out, "<tr><td>%s 之后</td>", pto);
            g_string_append_printf(out, "<td class=\"n\" data-fen=\"%" G_GINT64_FORMAT "\">%s</td></tr>\n", v, vs);
        }
        g_string_append(out, "</table>\n");
    }

    /* policies */
    {
        g_autofree const char **labels = g_new0(const char *, rs->n_policies + 1);

        for (guint i = 0; i < rs->n_policies; i++)
            labels[i] = rs->policies[i].name;
        g_string_append(out, "<h2>各项政策兑现情况</h2>\n");
        dx_report_hbars(out, "chart-policies", labels, pol_fen, rs->n_policies, TRUE, "#c33");
        g_string_append(out, "<table id=\"table-policies\">\n<tr><th>政策</th><th>名称</th><th>局</th><th>申报</th>"
                             "<th>兑现</th><th>未兑现</th><th>核定（万元）</th><th>依据</th></tr>\n");
        for (guint i = 0; i < rs->n_policies; i++) {
            const DxPolicy *pol = &rs->policies[i];
            g_autofree char *fs = dx_report_wan(pol_fen[i]);

            g_string_append_printf(out, "<tr data-policy=\"%s\"><td>%s</td><td>", pol->id, pol->id);
            dx_report_esc(out, pol->name);
            g_string_append(out, "</td><td>");
            dx_report_esc(out, rs->bureaus[pol->bureau].name);
            g_string_append_printf(out, "</td><td class=\"n applied\">%" G_GINT64_FORMAT "</td><td class=\"n approved\">%" G_GINT64_FORMAT
                                        "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n granted\" data-fen=\"%" G_GINT64_FORMAT
                                        "\">%s</td><td>",
                                   pol_applied[i], pol_approved[i], pol_rejected[i], pol_fen[i], fs);
            dx_report_esc(out, pol->basis);
            g_string_append(out, "</td></tr>\n");
        }
        g_string_append(out, "</table>\n");
    }

    /* reasons */
    {
        guint n = MIN(counts->len, 10);
        g_autofree const char **labels = g_new0(const char *, n + 1);
        g_autofree int64_t *vals = g_new0(int64_t, n + 1);

        for (guint i = 0; i < n; i++) {
            labels[i] = dx_report_code_name(g_array_index(counts, DxReportCount, i).key);
            vals[i] = g_array_index(counts, DxReportCount, i).count;
        }
        g_string_append(out, "<h2>未兑现与核减的主要原因</h2>\n<p class=\"meta\">未全额兑现的决定中，各原因出现的次数（一项决定可有多个原因）。</p>\n");
        dx_report_hbars(out, "chart-reasons", labels, vals, n, FALSE, "#669");
        g_string_append(out, "<table id=\"table-reasons\">\n<tr><th>原因</th><th>代码</th><th>次数</th></tr>\n");
        for (guint i = 0; i < counts->len; i++) {
            const DxReportCount *rc = &g_array_index(counts, DxReportCount, i);

            g_string_append_printf(out, "<tr><td>%s</td><td>%s</td><td class=\"n\">%" G_GINT64_FORMAT "</td></tr>\n",
                                   dx_report_code_name(rc->key), rc->key, rc->count);
        }
        g_string_append(out, "</table>\n");
    }
    dx_report_enterprises(out, rs, dlines);
    g_string_append_printf(out, "<p class=\"meta\">由 duixian %d.%d.%d 根据 %s 中的 summary.json、decisions.csv、schedule.csv 生成；"
                                "规则 SHA-256 %s。逐项说明：<code>duixian explain RULES APPS --app 申报编号</code>。</p>\n"
                                "</body>\n</html>\n",
                           DX_MAJOR_VERSION, DX_MINOR_VERSION, DX_MICRO_VERSION, "本轮输出目录", rs->sha256);

    {
        g_autoptr(GError) e2 = NULL;

        if (!g_file_set_contents(path, out->str, (gssize)out->len, &e2)) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, e2->message);
            return FALSE;
        }
    }
    return TRUE;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian publish RULES APPS ROUND_DIR --from D [--notice-days N]: the
 * public notice (公示名单) of a round, as OUT/notice.html and
 * OUT/notice.xlsx. Per policy, the enterprises granted something, by name,
 * with the amount in 元 and the policy's basis, and the notice period.
 *
 * Why APPS: a round's files name enterprises by 统一社会信用代码 only
 * (decisions.csv, docs/rules.md §8), and a notice names them by 企业名称,
 * which only the applications file holds. RULES gives the policies' names,
 * bases and bureaus. Nothing of the round's internals is published: no fen,
 * no reasons, no statuses, no app_id.
 *
 * The period is in calendar days: --from D and --notice-days N publish from
 * D through D + N − 1 (working days would need a holiday calendar the
 * program does not have; docs/cli.md says so).
 */
#include "dx-cli-xlsx.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* One line of the notice: a granted decision with its enterprise's name. */
typedef struct {
    gssize policy;
    const char *name;
    int64_t fen;
} NoticeLine;

/* The column of APPS's @header that is field @field: its name or its label
 * (aliases are not in the public API; the label is what an export titles
 * the column), or -1. */
static gssize
notice_column(DxRuleset *rs, char **header, const char *field, const char *also)
{
    const char *label = NULL;

    for (size_t f = 0; f < dx_ruleset_get_n_fields(rs); f++) {
        if (strcmp(dx_ruleset_get_field_name(rs, f), field) == 0)
            label = dx_ruleset_get_field_label(rs, f);
    }
    for (gssize c = 0; header[c] != NULL; c++) {
        if (strcmp(header[c], field) == 0 || (label != NULL && *label != '\0' && strcmp(header[c], label) == 0) ||
            (also != NULL && strcmp(header[c], also) == 0))
            return c;
    }
    return -1;
}

/* app_id → name from APPS (CSV; UTF-8, else GB18030 as Excel in China
 * writes it). The first row of an app_id wins, as in a round. */
static GHashTable *
notice_read_names(DxRuleset *rs, const char *apps, const char *encoding, GError **error)
{
    g_autofree char *raw = NULL, *text = NULL;
    gsize len = 0;
    guint bad = 0;
    g_autoptr(GPtrArray) rows = NULL;
    GHashTable *names;
    gssize c_app, c_name;

    if (dx_cli_is_yaml_path(apps)) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: publish reads the enterprises' names from a CSV file",
                    apps);
        return NULL;
    }
    if (!g_file_get_contents(apps, &raw, &len, error))
        return NULL;
    if (strcmp(encoding, "gb18030") == 0 || (strcmp(encoding, "auto") == 0 && !g_utf8_validate(raw, (gssize)len, NULL))) {
        text = g_convert(raw, (gssize)len, "UTF-8", "GB18030", NULL, &len, error);
        if (text == NULL) {
            g_prefix_error(error, "%s: ", apps);
            return NULL;
        }
    } else if (!g_utf8_validate(raw, (gssize)len, NULL)) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: not UTF-8", apps);
        return NULL;
    } else
        text = g_steal_pointer(&raw);
    rows = dx_cli_csv_parse(text, len, &bad);
    if (bad != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s:%u: a quoted cell is not closed", apps, bad);
        return NULL;
    }
    if (rows->len == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: empty", apps);
        return NULL;
    }
    c_app = notice_column(rs, g_ptr_array_index(rows, 0), "app_id", NULL);
    c_name = notice_column(rs, g_ptr_array_index(rows, 0), "enterprise_name", "企业名称");
    if (c_app < 0 || c_name < 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: line 1: no column %s: the notice names enterprises", apps,
                    c_app < 0 ? "app_id (申报编号)" : "enterprise_name (企业名称)");
        return NULL;
    }
    names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 1; i < rows->len; i++) {
        char **r = g_ptr_array_index(rows, i);
        guint n = g_strv_length(r);

        if ((guint)MAX(c_app, c_name) < n && !g_hash_table_contains(names, r[c_app]))
            g_hash_table_insert(names, g_strdup(r[c_app]), g_strdup(r[c_name]));
    }
    return names;
}

static void
notice_esc(GString *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '&': g_string_append(out, "&amp;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        default: g_string_append_c(out, *s);
        }
    }
}

/* The same font stack as report.html: a CJK face first, whichever the
 * machine has (Noto CJK, Source Han, WenQuanYi on Linux; YaHei, PingFang
 * elsewhere), named before the generic family. */
static const char notice_css[] =
    "body{font-family:'Noto Serif CJK SC','Source Han Serif SC','Noto Sans CJK SC','Source Han Sans SC',"
    "'WenQuanYi Zen Hei','WenQuanYi Micro Hei','SimSun','Songti SC','Microsoft YaHei','PingFang SC',serif;"
    "margin:32px auto;max-width:820px;color:#111;line-height:1.7}\n"
    "h1{font-size:24px;text-align:center;margin-bottom:8px}h2{font-size:17px;margin:28px 0 4px}\n"
    ".period{text-align:center;font-size:15px}.basis{color:#333;font-size:14px;margin:0 0 6px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}th,td{border:1px solid #777;padding:4px 8px}"
    "th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.total td{font-weight:bold}.foot{margin-top:28px;font-size:14px}\n"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}\n";

static gboolean
notice_html(DxRuleset *rs, const GArray *lines, const char *date, const char *from, const char *to, guint days,
            const char *path, GError **error)
{
    g_autoptr(GString) out = g_string_new("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    int64_t all = 0;
    guint n_all = 0;

    notice_esc(out, dx_ruleset_get_fund_name(rs));
    g_string_append_printf(out, " 拟兑现企业名单公示</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", notice_css);
    notice_esc(out, dx_ruleset_get_fund_name(rs));
    g_string_append_printf(out, "<br>拟兑现企业名单公示</h1>\n"
                                "<p class=\"period\" id=\"period\" data-from=\"%s\" data-to=\"%s\" data-days=\"%u\">"
                                "公示期：%s 至 %s（共 %u 日）</p>\n"
                                "<p>根据各项政策规定，经审核，现将 %s 核定的拟兑现企业名单及金额予以公示。"
                                "公示期内，对名单有异议的，可向政策的归口部门反映。</p>\n",
                           from, to, days, from, to, days, date);
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        int64_t sum = 0;
        guint k = 0;
        gssize b = dx_cli_bureau_index(rs, dx_ruleset_get_policy_bureau(rs, p));

        for (guint i = 0; i < lines->len; i++)
            k += g_array_index(lines, NoticeLine, i).policy == (gssize)p;
        if (k == 0)
            continue;
        g_string_append_printf(out, "<section class=\"policy\" data-policy=\"%s\">\n<h2>", dx_ruleset_get_policy_id(rs, p));
        notice_esc(out, dx_ruleset_get_policy_name(rs, p));
        g_string_append(out, "</h2>\n<p class=\"basis\">政策依据：");
        notice_esc(out, dx_ruleset_get_policy_basis(rs, p));
        g_string_append(out, "　归口部门：");
        notice_esc(out, b >= 0 ? dx_ruleset_get_bureau_name(rs, (size_t)b) : dx_ruleset_get_policy_bureau(rs, p));
        g_string_append(out, "</p>\n<table>\n<tr><th>序号</th><th>企业名称</th><th>兑现金额（元）</th></tr>\n");
        k = 0;
        for (guint i = 0; i < lines->len; i++) {
            const NoticeLine *l = &g_array_index(lines, NoticeLine, i);
            g_autofree char *y = NULL;

            if (l->policy != (gssize)p)
                continue;
            y = dx_money_format_yuan(l->fen);
            g_string_append_printf(out, "<tr class=\"grant\"><td class=\"n\">%u</td><td class=\"name\">", ++k);
            notice_esc(out, l->name);
            g_string_append_printf(out, "</td><td class=\"n amount\">%s</td></tr>\n", y);
            sum += l->fen;
        }
        {
            g_autofree char *y = dx_money_format_yuan(sum);

            g_string_append_printf(out, "<tr class=\"total\"><td></td><td>合计 %u 户</td><td class=\"n amount\">%s</td></tr>\n"
                                        "</table>\n</section>\n",
                                   k, y);
        }
        all += sum;
        n_all += k;
    }
    {
        g_autofree char *y = dx_money_format_yuan(all);

        g_string_append_printf(out, "<p class=\"foot\" id=\"total\">以上共 %u 项，拟兑现金额合计 %s 元。</p>\n</body>\n</html>\n",
                               n_all, y);
    }
    if (!g_file_set_contents(path, out->str, (gssize)out->len, error)) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return TRUE;
}

static gboolean
notice_xlsx(DxRuleset *rs, const GArray *lines, const char *date, const char *from, const char *to, guint days,
            const char *path, GError **error)
{
    static const char *const titles[] = { "序号", "政策", "政策依据", "归口部门", "企业名称", "兑现金额（元）" };
    static const double widths[] = { 6, 36, 36, 12, 40, 18 };
    DxCliXlsx *x = dx_cli_xlsx_new(path, "拟兑现企业名单公示", date, error);
    lxw_worksheet *ws, *about;
    lxw_row_t r = 1;
    int64_t all = 0;

    if (x == NULL)
        return FALSE;
    ws = dx_cli_xlsx_sheet(x, "公示名单", "notice");
    dx_cli_xlsx_titles(x, ws, titles, widths, G_N_ELEMENTS(titles));
    for (size_t p = 0; p < dx_ruleset_get_n_policies(rs); p++) {
        gssize b = dx_cli_bureau_index(rs, dx_ruleset_get_policy_bureau(rs, p));

        for (guint i = 0; i < lines->len; i++) {
            const NoticeLine *l = &g_array_index(lines, NoticeLine, i);

            if (l->policy != (gssize)p)
                continue;
            worksheet_write_number(ws, r, 0, (double)r, NULL);
            worksheet_write_string(ws, r, 1, dx_ruleset_get_policy_name(rs, p), NULL);
            worksheet_write_string(ws, r, 2, dx_ruleset_get_policy_basis(rs, p), NULL);
            worksheet_write_string(ws, r, 3, b >= 0 ? dx_ruleset_get_bureau_name(rs, (size_t)b) : "", NULL);
            worksheet_write_string(ws, r, 4, l->name, NULL);
            dx_cli_xlsx_yuan(ws, r, 5, l->fen, x->yuan);
            all += l->fen;
            r++;
        }
    }
    worksheet_write_string(ws, r, 4, "合计", x->bold);
    dx_cli_xlsx_yuan(ws, r, 5, all, x->bold_yuan);
    worksheet_autofilter(ws, 0, 0, r - 1, G_N_ELEMENTS(titles) - 1);
    about = dx_cli_xlsx_sheet(x, "公示说明", "about");
    worksheet_set_column(about, 0, 0, 14, NULL);
    worksheet_set_column(about, 1, 1, 40, NULL);
    worksheet_write_string(about, 0, 0, "资金", x->bold);
    worksheet_write_string(about, 0, 1, dx_ruleset_get_fund_name(rs), NULL);
    worksheet_write_string(about, 1, 0, "核定日期", x->bold);
    dx_cli_xlsx_date(x, about, 1, 1, date);
    worksheet_write_string(about, 2, 0, "公示开始", x->bold);
    dx_cli_xlsx_date(x, about, 2, 1, from);
    worksheet_write_string(about, 3, 0, "公示结束", x->bold);
    dx_cli_xlsx_date(x, about, 3, 1, to);
    worksheet_write_string(about, 4, 0, "公示天数", x->bold);
    worksheet_write_number(about, 4, 1, (double)days, NULL);
    worksheet_write_string(about, 5, 0, "拟兑现合计（元）", x->bold);
    dx_cli_xlsx_yuan(about, 5, 1, all, x->yuan);
    return dx_cli_xlsx_close(x, error);
}

/* --from YYYY-MM-DD, strictly. */
static gboolean
notice_parse_date(const char *s, GDate *d)
{
    int y, m, dd;
    char tail;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || !g_date_valid_dmy((GDateDay)dd, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    g_date_set_dmy(d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
    return TRUE;
}

static int
cmd_publish(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *from_s = NULL, *days_s = NULL, *out = NULL, *encoding = NULL;
    const GOptionEntry entries[] = {
        { "from", 0, 0, G_OPTION_ARG_FILENAME, &from_s, N_("The first day of the notice period"), "YYYY-MM-DD" },
        { "notice-days", 0, 0, G_OPTION_ARG_FILENAME, &days_s, N_("The notice period in calendar days (default 7)"), "N" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write notice.html and notice.xlsx to DIR (default ROUND_DIR)"), "DIR" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxCliRoundFiles) rf = NULL;
    g_autoptr(GHashTable) names = NULL;
    g_autoptr(GArray) lines = g_array_new(FALSE, TRUE, sizeof(NoticeLine));
    g_autoptr(GError) error = NULL;
    g_autofree char *html = NULL, *xlsx = NULL;
    GDate from, to;
    char fs[16], ts[16];
    guint64 days = 7;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (days_s != NULL && !g_ascii_string_to_unsigned(days_s, 10, 1, 366, &days, NULL))
        return dx_cli_usage_error(cmd, _("--notice-days is a number of days from 1 to 366"));
    g_date_clear(&from, 1);
    if (!notice_parse_date(from_s, &from))
        return dx_cli_usage_error(cmd, _("--from is the first day of the notice, YYYY-MM-DD"));
    if (encoding == NULL)
        encoding = g_strdup("auto");
    if (!dx_cli_one_of(encoding, "auto", "utf8", "utf-8", "gb18030", NULL))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (argc != 4)
        return dx_cli_usage_error(cmd, _("publish takes RULES APPS ROUND_DIR --from YYYY-MM-DD"));
    rs = dx_cli_load_rules(argv[1]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    rf = dx_cli_round_files_read(rs, argv[3], &error);
    if (rf == NULL)
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    names = notice_read_names(rs, argv[2], encoding, &error);
    if (names == NULL)
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    for (guint i = 0; i < rf->decisions->len; i++) {
        char **c = g_ptr_array_index(rf->decisions, i);
        NoticeLine l = { dx_cli_policy_index(rs, c[2]), g_hash_table_lookup(names, c[0]), g_ascii_strtoll(c[6], NULL, 10) };

        if (l.fen <= 0)
            continue;
        if (l.name == NULL || *l.name == '\0')
            return dx_cli_fail(DX_EXIT_INPUT, "%s: app_id %s: no enterprise_name (企业名称), which the notice publishes",
                               argv[2], c[0]);
        if (l.policy < 0)
            return dx_cli_fail(DX_EXIT_INPUT, "%s/decisions.csv: line %u: policy %s is not in %s", argv[3], i + 2, c[2],
                               argv[1]);
        g_array_append_val(lines, l);
    }
    to = from;
    g_date_add_days(&to, (guint)days - 1);   /* calendar days, the first one counted */
    g_snprintf(fs, sizeof fs, "%04u-%02u-%02u", g_date_get_year(&from), g_date_get_month(&from), g_date_get_day(&from));
    g_snprintf(ts, sizeof ts, "%04u-%02u-%02u", g_date_get_year(&to), g_date_get_month(&to), g_date_get_day(&to));
    if (out == NULL)
        out = g_strdup(argv[3]);
    if (g_mkdir_with_parents(out, 0755) != 0)
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s: %s", out, g_strerror(errno));
    html = g_build_filename(out, "notice.html", NULL);
    xlsx = g_build_filename(out, "notice.xlsx", NULL);
    if (!notice_html(rs, lines, rf->approval_date, fs, ts, (guint)days, html, &error) ||
        !notice_xlsx(rs, lines, rf->approval_date, fs, ts, (guint)days, xlsx, &error))
        return dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    printf("notice: %s, %s (%u enterprises' grants, %s to %s)\n", html, xlsx, lines->len, fs, ts);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_publish = {
    "publish", "RULES APPS ROUND_DIR", N_("the public notice of a round, its grants by name: notice.html and notice.xlsx"),
    "usage: duixian publish RULES APPS ROUND_DIR --from YYYY-MM-DD [--notice-days N]\n"
    "                       [--out DIR] [--encoding auto|utf8|gb18030]\n",
    N_("Write the public notice of the round in ROUND_DIR (its decisions.csv and\n"
    "summary.json) as DIR/notice.html (one printable page) and DIR/notice.xlsx: per\n"
    "policy, each enterprise granted something, by name (from APPS, a CSV file: the\n"
    "round's files hold no names), with the amount in yuan and the policy's basis.\n"
    "The notice runs --notice-days calendar days from --from, both ends counted.\n"
    "No statuses, reasons or fen are published."),
    "examples:\n"
    "  duixian publish rules/wuchang-2022.yaml examples/applications-2022.csv out \\\n"
    "      --from 2022-07-01 --notice-days 7\n",
    cmd_publish,
};

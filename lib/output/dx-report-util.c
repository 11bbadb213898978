/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the parts of report.html share (dx-report.c, dx-report-sections.c):
 * reading the round's own files back (sorted keys, minimal quoting: not a
 * general JSON or CSV reader), escaping, amounts as text, the Chinese names
 * of reason codes and statuses, and the integer chart geometry.
 */
#include "duixian/duixian.h"
#include "base/dx-num-private.h"
#include "output/dx-report-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <string.h>

/* ---- reading our own files ---- */

/* The integer after "key": within [p, end), or -1. */
int64_t
dx_report_json_int(const char *p, const char *end, const char *key)
{
    g_autofree char *pat = g_strdup_printf("\"%s\":", key);
    const char *hit = g_strstr_len(p, end - p, pat);

    if (hit == NULL)
        return -1;
    hit += strlen(pat);
    while (*hit == ' ')
        hit++;
    return g_ascii_strtoll(hit, NULL, 10);
}

char *
dx_report_json_string(const char *json, const char *key)
{
    g_autofree char *pat = g_strdup_printf("\"%s\": \"", key);
    const char *hit = strstr(json, pat), *end;

    if (hit == NULL)
        return g_strdup("");
    hit += strlen(pat);
    end = strchr(hit, '"');
    return end != NULL ? g_strndup(hit, end - hit) : g_strdup("");
}

/* The object "key": {...} (no nested objects inside) after @from: its body. */
gboolean
dx_report_json_object(const char *from, const char *key, const char **start, const char **end)
{
    g_autofree char *pat = g_strdup_printf("\"%s\": {", key);
    const char *hit = from != NULL ? strstr(from, pat) : NULL;

    if (hit == NULL)
        return FALSE;
    *start = hit + strlen(pat);
    *end = strchr(*start, '}');
    return *end != NULL;
}

/* One CSV line (minimal quoting, as dx writes it) into cells. */
GStrv
dx_report_csv_cells(const char *line)
{
    GPtrArray *cells = g_ptr_array_new();
    const char *p = line;

    for (;;) {
        GString *cell = g_string_new(NULL);

        if (*p == '"') {
            for (p++; *p != '\0'; p++) {
                if (*p == '"' && p[1] == '"')
                    g_string_append_c(cell, *p++);
                else if (*p == '"') {
                    p++;
                    break;
                } else
                    g_string_append_c(cell, *p);
            }
        }
        while (*p != '\0' && *p != ',')
            g_string_append_c(cell, *p++);
        g_ptr_array_add(cells, g_string_free(cell, FALSE));
        if (*p != ',')
            break;
        p++;
    }
    g_ptr_array_add(cells, NULL);
    return (GStrv)g_ptr_array_free(cells, FALSE);
}

gboolean
dx_report_read(const char *dir, const char *name, char **out, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) e = NULL;

    if (!g_file_get_contents(path, out, NULL, &e)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, e->message);
        return FALSE;
    }
    return TRUE;
}

/* ---- writing ---- */

void
dx_report_esc(GString *out, const char *s)
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

/* 万元, rounded to two decimals for display ("3,000", "61.77"). */
char *
dx_report_wan(int64_t fen)
{
    int64_t h = fen >= 0 ? (fen + 5000) / 10000 : -((-fen + 5000) / 10000);   /* hundredths of 万元 */
    g_autofree char *whole = dx_money_format_wan((h / 100) * 1000000);

    if (h % 100 == 0)
        return g_steal_pointer(&whole);
    return g_strdup_printf("%s.%02d", whole, (int)(ABS(h) % 100));
}

/* A reason code of decisions.csv by its short Chinese name; a string that
 * is no code (a newer file's) is shown as it is. */
const char *
dx_report_code_name(const char *code)
{
    DxReasonCode c;

    return dx_reason_code_from_string(code, &c) ? dx_reason_code_to_label(c, "zh") : code;
}

const char *
dx_report_bureau_name(const DxRuleset *rs, const char *key)
{
    for (guint b = 0; b < rs->n_bureaus; b++) {
        if (strcmp(rs->bureaus[b].key, key) == 0)
            return rs->bureaus[b].name;
    }
    return strcmp(key, "*") == 0 ? "全部" : key;
}

gint
dx_report_count_cmp(gconstpointer a, gconstpointer b)
{
    const DxReportCount *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* A horizontal bar chart: @n bars, each one value (fen or a count). */
/* Chart geometry in whole tenths of a pixel, computed with integers (no
 * floating point in the library): @span px scaled by @v / @max. */
int64_t
dx_report_tenths(int64_t span, int64_t v, int64_t max)
{
    return (int64_t)((dx_i128)span * 10 * MAX(v, 0) / MAX(max, 1));
}

/* "N.D" pixels from tenths (never negative here). */
const char *
dx_report_px(char buf[32], int64_t tenths)
{
    g_snprintf(buf, 32, "%" G_GINT64_FORMAT ".%d", tenths / 10, (int)(tenths % 10));
    return buf;
}

guint
dx_report_text_px(const char *s, guint font_px)
{
    guint hundredths = 0;   /* of an em */

    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p))
        hundredths += g_unichar_iswide(g_utf8_get_char(p)) ? 110 : 65;
    return (hundredths * font_px + 99) / 100;
}

/* The labels get the room they need (a long policy name is not cut at the
 * left edge of the chart); the chart is as much wider, and the page scales
 * it down to its column (svg.chart{max-width:100%}). */
void
dx_report_hbars(GString *out, const char *id, const char *const *labels, const int64_t *values, guint n, gboolean money,
                const char *color)
{
    int64_t max = 1;
    guint lw = 230, row = 26, h = n * row + 10, w;

    for (guint i = 0; i < n; i++) {
        max = MAX(max, values[i]);
        lw = MAX(lw, dx_report_text_px(labels[i], 12) + 16);
    }
    w = lw + 530;
    g_string_append_printf(out, "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\">\n",
                           id, w, h, w, h);
    for (guint i = 0; i < n; i++) {
        int64_t bw = dx_report_tenths(410, values[i], max);
        char b1[32], b2[32];
        g_autofree char *v = money ? dx_report_wan(values[i]) : g_strdup_printf("%" G_GINT64_FORMAT, values[i]);

        g_string_append_printf(out, "<text class=\"label\" x=\"%u\" y=\"%u\" text-anchor=\"end\">", lw - 8, i * row + 22);
        dx_report_esc(out, labels[i]);
        g_string_append_printf(out, "</text><rect class=\"bar\" x=\"%u\" y=\"%u\" width=\"%s\" height=\"18\" fill=\"%s\" "
                                    "data-%s=\"%" G_GINT64_FORMAT "\"/>"
                                    "<text x=\"%s\" y=\"%u\">%s</text>\n",
                               lw, i * row + 8, dx_report_px(b1, bw), color, money ? "fen" : "count", values[i],
                               dx_report_px(b2, (int64_t)(lw + 6) * 10 + bw), i * row + 22, v);
    }
    g_string_append(out, "</svg>\n");
}

/* The statuses as the library's messages name them (dx-messages.c). */
const char *
dx_report_status_name(const char *status)
{
    static const char *const names[][2] = {
        { "approved", "予以兑现" }, { "reduced", "核减兑现" }, { "rejected", "不予兑现" },
        { "incomplete", "材料不全，待补正" }, { "invalid", "申报信息有误" }, { "duplicate", "重复申报" },
        { "unfunded", "额度不足，排队" }, { "error", "无法计算" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i][0], status) == 0)
            return names[i][1];
    }
    return status;
}

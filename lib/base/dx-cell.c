/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data cells (docs/rules.md §2). A cell that does not match its type exactly is an
 * error for that application, never a rounded or default value: money must
 * be whole fen after its unit, an integer must be whole and fit int64, a
 * number has at most 9 decimals and no exponent, a bool is true/false in
 * any case, a date is a real YYYY-MM-DD.
 */
#include "duixian/dx-types.h"
#include "base/dx-cell-private.h"
#include "base/dx-num-private.h"

#include <string.h>

const char *
dx_cell_trim(const char *s, gsize *len)
{
    gsize n = *len;

    while (n > 0 && g_ascii_isspace(*s)) {
        s++;
        n--;
    }
    while (n > 0 && g_ascii_isspace(s[n - 1]))
        n--;
    *len = n;
    return s;
}

static gboolean
cell_parse_number(const char *s, gsize len, gboolean integer, DxRat *out, const char **why)
{
    gboolean neg = FALSE;
    int64_t scale = 1;

    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    if (!integer) {
        if (len > 0 && s[len - 1] == '%') {
            scale = 100;
            len--;
        } else if (len >= 3 && memcmp(s + len - 3, "‰", 3) == 0) {
            scale = 1000;
            len -= 3;
        }
    }
    if (integer) {
        for (gsize i = 0; i < len; i++) {
            if (!g_ascii_isdigit(s[i])) {
                *why = "not a whole number";
                return FALSE;
            }
        }
    }
    if (!dx_rat_parse_decimal(s, len, integer ? 0 : 9, out)) {
        *why = integer ? "not a whole number" : "not a number (digits, at most 9 decimals, optional % or ‰)";
        return FALSE;
    }
    if (integer && (out->num > G_MAXINT64 || (neg ? -out->num < G_MININT64 : FALSE))) {
        *why = "out of range for an integer";
        return FALSE;
    }
    if (neg)
        out->num = -out->num;
    if (scale != 1)
        dx_rat_div(*out, dx_rat_int(scale), out);
    return TRUE;
}

int
dx_value_cmp(const DxValue *a, const DxValue *b)
{
    switch ((DxType)a->type) {
    case DX_TYPE_NUMBER:
    case DX_TYPE_MONEY:
        return dx_rat_cmp(a->u.r, b->u.r);
    case DX_TYPE_DATE:
        return (a->u.date > b->u.date) - (a->u.date < b->u.date);
    default:
        return 0;
    }
}

gboolean
dx_cell_parse(DxFieldType type, const char *s, gsize len, DxValue *out, const char **why)
{
    return dx_cell_parse_ex(type, s, len, 0, out, why);
}

gboolean
dx_cell_parse_ex(DxFieldType type, const char *s, gsize len, guint flags, DxValue *out, const char **why)
{
    memset(out, 0, sizeof *out);
    switch (type) {
    case DX_FIELD_TEXT:
        out->type = DX_TYPE_TEXT;
        out->u.t.s = s;
        out->u.t.len = (guint32)len;
        return TRUE;
    case DX_FIELD_INTEGER:
    case DX_FIELD_NUMBER:
        out->type = DX_TYPE_NUMBER;
        return cell_parse_number(s, len, type == DX_FIELD_INTEGER, &out->u.r, why);
    case DX_FIELD_MONEY: {
        int64_t fen;

        if (!dx_money_parse_cell(s, len, &fen, why))
            return FALSE;
        out->type = DX_TYPE_MONEY;
        out->u.r = dx_rat_int(fen);
        return TRUE;
    }
    case DX_FIELD_DATE:
        out->type = DX_TYPE_DATE;
        if (!dx_date_parse(s, len, &out->u.date)) {
            *why = "not a real calendar date YYYY-MM-DD";
            return FALSE;
        }
        return TRUE;
    case DX_FIELD_BOOL:
        out->type = DX_TYPE_BOOL;
        if (len == 4 && g_ascii_strncasecmp(s, "true", 4) == 0)
            out->u.b = TRUE;
        else if (len == 5 && g_ascii_strncasecmp(s, "false", 5) == 0)
            out->u.b = FALSE;
        else if ((flags & DX_CELL_BOOL_ZH) && len == 3 && memcmp(s, "是", 3) == 0)
            out->u.b = TRUE;
        else if ((flags & DX_CELL_BOOL_ZH) && len == 3 && memcmp(s, "否", 3) == 0)
            out->u.b = FALSE;
        else {
            *why = (flags & DX_CELL_BOOL_ZH) ? "not true, false, 是 or 否" : "not true or false";
            return FALSE;
        }
        return TRUE;
    }
    *why = "unknown type";
    return FALSE;
}

/* ---- what a bad cell says (docs/rules.md §2, "Readings we chose") ---- */

/* Reads up to @max digits at *p (at least one). */
static gboolean
suggest_digits(const char **p, const char *end, int max, int *out)
{
    int n = 0, v = 0;

    while (*p < end && n < max && g_ascii_isdigit(**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static gboolean
suggest_lit(const char **p, const char *end, const char *lit)
{
    gsize n = strlen(lit);

    if ((gsize)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return FALSE;
    *p += n;
    return TRUE;
}

gboolean
dx_date_suggest(const char *s, gsize len, gint32 *out)
{
    const char *p = s, *end = s + len;
    int y, m, d;
    gboolean all_digits = len > 0;

    for (gsize i = 0; i < len; i++)
        all_digits = all_digits && g_ascii_isdigit(s[i]);
    if (all_digits && len == 8) {   /* 20220630 */
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
        d = (s[6] - '0') * 10 + (s[7] - '0');
        if (!dx_date_valid_ymd(y, m, d))
            return FALSE;
        *out = dx_date_from_ymd(y, m, d);
        return TRUE;
    }
    if (all_digits && len == 5) {
        /* an Excel serial number (the cell was formatted as a number):
         * Excel counts a 1900-02-29 that never was, so its later days are
         * counted from 1899-12-30. Five digits only (1927-05-18 to
         * 2173-10-14): "2022" alone is a year, not day 2022 of 1900. */
        int n = 0;

        for (gsize i = 0; i < len; i++)
            n = n * 10 + (s[i] - '0');
        if (n < 10000)
            return FALSE;
        *out = dx_date_from_ymd(1899, 12, 30) + n;
        return TRUE;
    }
    if (!suggest_digits(&p, end, 4, &y) || p - s != 4)
        return FALSE;
    if (suggest_lit(&p, end, "年")) {   /* 2022年6月30日 */
        if (!suggest_digits(&p, end, 2, &m) || !suggest_lit(&p, end, "月") || !suggest_digits(&p, end, 2, &d))
            return FALSE;
        suggest_lit(&p, end, "日");
    } else {   /* 2022/6/30, 2022.6.30, 2022-6-30 */
        char sep = p < end ? *p : 0;

        if (sep != '/' && sep != '.' && sep != '-')
            return FALSE;
        p++;
        if (!suggest_digits(&p, end, 2, &m) || p >= end || *p++ != sep || !suggest_digits(&p, end, 2, &d))
            return FALSE;
    }
    if (p != end || !dx_date_valid_ymd(y, m, d))
        return FALSE;
    *out = dx_date_from_ymd(y, m, d);
    return TRUE;
}

/* The Chinese of dx_cell_parse()'s English reasons, for the Chinese half
 * of a bad cell's sentence: a Chinese message is Chinese throughout. */
const char *
dx_cell_why_zh(const char *why)
{
    static const struct {
        const char *en, *zh;
    } table[] = {
        { "not a whole number", "不是整数" },
        { "not a number (digits, at most 9 decimals, optional % or ‰)", "不是数字（数字，至多 9 位小数，可带 % 或 ‰）" },
        { "out of range for an integer", "超出整数范围" },
        { "not a real calendar date YYYY-MM-DD", "不是 YYYY-MM-DD 格式的真实日期" },
        { "not true, false, 是 or 否", "不是 true、false、是 或 否" },
        { "not true or false", "不是 true 或 false" },
        { "too many digits", "位数过多" },
        { "thousands separators not in groups of three", "千位分隔符不是每三位一组" },
        { "not a number", "不是数字" },
        { "not a money amount", "不是金额" },
        { "unknown type", "类型未知" },
        /* what the CSV reader finds wrong with a row (input/dx-csv*.c) */
        { "text after closing quote", "右引号后还有文字（引号内的引号请写作 \"\"）" },
        { "NUL byte", "含有 NUL 字节" },
        { "invalid UTF-8", "不是有效的 UTF-8 文字（可用 --encoding gb18030 读取 Excel 导出的文件）" },
        { "byte-order mark inside the data", "数据中间有字节顺序标记（BOM）" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
        if (strcmp(why, table[i].en) == 0)
            return table[i].zh;
    }
    return NULL;
}

char *
dx_bilingual_pick(const char *s, gboolean en)
{
    const char *sep = strchr(s, DX_BILINGUAL_SEP);

    if (sep == NULL)
        return g_strdup(s);
    return en ? g_strdup(sep + 1) : g_strndup(s, (gsize)(sep - s));
}

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

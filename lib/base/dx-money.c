/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Money text: the data-cell grammar of docs/rules.md §2 and the human formats of
 * §7. Parsing never rounds: a value that is not whole fen after its unit
 * is applied is an error. Formatting is exact integer work on fen.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "duixian/dx-money.h"
#include "base/dx-money-private.h"
#include "base/dx-num-private.h"

#include <string.h>

static const struct {
    const char *unit;
    int64_t fen;
} money_units[] = {
    /* longest first, so 万元 is not read as 万 followed by junk */
    { "万元", DX_FEN_PER_WAN },
    { "亿元", DX_FEN_PER_YI },
    { "万", DX_FEN_PER_WAN },
    { "亿", DX_FEN_PER_YI },
    { "元", DX_FEN_PER_YUAN },
};

gboolean
dx_money_parse_cell(const char *s, gsize len, int64_t *out_fen, const char **why)
{
    char digits[128];
    gsize nd = 0, i = 0, group = 0, int_digits = 0;
    gboolean neg = FALSE, seen_sep = FALSE, in_frac = FALSE;
    int64_t mult = DX_FEN_PER_YUAN;
    DxRat value, fen;

    if (len > 0 && s[0] == '-') {
        neg = TRUE;
        i = 1;
    }
    for (; i < len; i++) {
        char c = s[i];

        if (c >= '0' && c <= '9') {
            if (nd + 2 >= sizeof digits) {
                *why = "too many digits";
                return FALSE;
            }
            digits[nd++] = c;
            if (!in_frac) {
                group++;
                int_digits++;
            }
        } else if (c == ',' && !in_frac) {
            /* the first group has 1-3 digits, every later one exactly 3 */
            if (group == 0 || (seen_sep ? group != 3 : group > 3)) {
                *why = "thousands separators not in groups of three";
                return FALSE;
            }
            seen_sep = TRUE;
            group = 0;
        } else if (c == '.' && !in_frac) {
            if (int_digits == 0 || (seen_sep && group != 3)) {
                *why = int_digits == 0 ? "not a number" : "thousands separators not in groups of three";
                return FALSE;
            }
            in_frac = TRUE;
            digits[nd++] = '.';
        } else {
            break;
        }
    }
    if (int_digits == 0 || (in_frac && digits[nd - 1] == '.')) {
        *why = "not a money amount";
        return FALSE;
    }
    if (!in_frac && seen_sep && group != 3) {
        *why = "thousands separators not in groups of three";
        return FALSE;
    }
    if (i < len) {
        gboolean found = FALSE;

        for (gsize u = 0; u < G_N_ELEMENTS(money_units); u++) {
            gsize ul = strlen(money_units[u].unit);

            if (len - i == ul && memcmp(s + i, money_units[u].unit, ul) == 0) {
                mult = money_units[u].fen;
                found = TRUE;
                break;
            }
        }
        if (!found) {
            *why = "unknown unit or stray characters (use 元, 万元 or 亿元)";
            return FALSE;
        }
    }
    if (!dx_rat_parse_decimal(digits, nd, 30, &value) ||
        dx_rat_mul(value, dx_rat_int(mult), &fen) != DX_NUM_OK) {
        *why = "amount out of range (at most 10^13 元)";
        return FALSE;
    }
    if (fen.den != 1) {
        *why = "more than 2 decimals of 元";
        return FALSE;
    }
    if (fen.num > DX_MONEY_MAX_FEN) {
        *why = "amount out of range (at most 10^13 元)";
        return FALSE;
    }
    *out_fen = (int64_t)(neg ? -fen.num : fen.num);
    return TRUE;
}

gboolean
dx_money_parse(const char *text, int64_t *out_fen, GError **error)
{
    const char *why = NULL;
    g_autofree char *copy = NULL;

    g_return_val_if_fail(text != NULL, FALSE);
    g_return_val_if_fail(out_fen != NULL, FALSE);

    copy = g_strstrip(g_strdup(text));
    if (!dx_money_parse_cell(copy, strlen(copy), out_fen, &why)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "“%s” is not a money amount: %s",
                    text, why);
        return FALSE;
    }
    return TRUE;
}

/* Appends |v| with a comma every three digits. */
static void
money_append_grouped(GString *out, uint64_t v)
{
    char buf[32];
    int n = g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, v);

    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(out, ',');
        g_string_append_c(out, buf[i]);
    }
}

/* Appends a fraction of @width digits with trailing zeros dropped (nothing if 0). */
static void
money_append_fraction(GString *out, uint64_t frac, int width)
{
    char buf[32];
    int n;

    if (frac == 0)
        return;
    n = g_snprintf(buf, sizeof buf, "%0*" G_GUINT64_FORMAT, width, frac);
    while (n > 0 && buf[n - 1] == '0')
        n--;
    g_string_append_c(out, '.');
    g_string_append_len(out, buf, n);
}

static uint64_t
money_abs(int64_t fen)
{
    return fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
}

char *
dx_money_format(int64_t fen)
{
    GString *out = g_string_new(fen < 0 ? "-" : "");
    uint64_t a = money_abs(fen);

    if (a >= (uint64_t)DX_FEN_PER_YI && a % (uint64_t)(DX_FEN_PER_YI / 100) == 0) {
        money_append_grouped(out, a / (uint64_t)DX_FEN_PER_YI);
        money_append_fraction(out, (a % (uint64_t)DX_FEN_PER_YI) / (uint64_t)(DX_FEN_PER_YI / 100), 2);
        g_string_append(out, "亿元");
    } else if (a >= (uint64_t)DX_FEN_PER_WAN && a % 10000 == 0) {
        money_append_grouped(out, a / (uint64_t)DX_FEN_PER_WAN);
        money_append_fraction(out, (a % (uint64_t)DX_FEN_PER_WAN) / 10000, 2);
        g_string_append(out, "万元");
    } else {
        money_append_grouped(out, a / 100);
        if (a % 100 != 0)
            g_string_append_printf(out, ".%02u", (unsigned)(a % 100));
        g_string_append(out, "元");
    }
    return g_string_free(out, FALSE);
}

gboolean
dx_money_needs_yuan(int64_t fen)
{
    uint64_t a = money_abs(fen);

    if (a == 0)
        return FALSE;
    return !(a >= (uint64_t)DX_FEN_PER_YI && a % (uint64_t)(DX_FEN_PER_YI / 100) == 0) &&
           !(a >= (uint64_t)DX_FEN_PER_WAN && a % 10000 == 0);
}

char *
dx_money_format_as(int64_t fen, gboolean yuan)
{
    GString *out;
    uint64_t a = money_abs(fen);

    if (!yuan)
        return dx_money_format(fen);
    out = g_string_new(fen < 0 ? "-" : "");
    money_append_grouped(out, a / 100);
    if (a % 100 != 0)
        g_string_append_printf(out, ".%02u", (unsigned)(a % 100));
    g_string_append(out, "元");
    return g_string_free(out, FALSE);
}

char *
dx_money_format_cell(int64_t fen)
{
    g_autofree char *wan = NULL;

    if (money_abs(fen) < (uint64_t)DX_FEN_PER_WAN)
        return dx_money_format(fen);
    wan = dx_money_format_wan(fen);
    return g_strconcat(wan, "万元", NULL);
}

char *
dx_money_format_yuan(int64_t fen)
{
    GString *out = g_string_new(fen < 0 ? "-" : "");
    uint64_t a = money_abs(fen);

    money_append_grouped(out, a / 100);
    g_string_append_printf(out, ".%02u", (unsigned)(a % 100));
    return g_string_free(out, FALSE);
}

char *
dx_money_format_wan(int64_t fen)
{
    GString *out = g_string_new(fen < 0 ? "-" : "");
    uint64_t a = money_abs(fen);

    money_append_grouped(out, a / (uint64_t)DX_FEN_PER_WAN);
    money_append_fraction(out, a % (uint64_t)DX_FEN_PER_WAN, 6);
    return g_string_free(out, FALSE);
}

/* A share of an amount (fund_share, the rationing factor): fen are
 * rounded half up, the spec's one rounding rule for shares. */
int64_t
dx_apply_share(int64_t fen, DxRat share)
{
    DxRat r;

    if (share.num == share.den)
        return fen;
    /* fen <= 10^15 and share's terms are small: cannot overflow int128 */
    dx_rat_mul(dx_rat_int(fen), share, &r);
    return (int64_t)dx_rat_round_half_up(r);
}

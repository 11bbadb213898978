/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Exact rationals on 128-bit integers (see dx-num-private.h). The fast
 * paths matter: most values in policy rules are integers (fen) or have
 * small power-of-ten denominators, so operations on den == 1 skip the
 * gcd entirely. Overflow is detected with the compiler's checked
 * arithmetic builtins and reported, never wrapped.
 */
#include "base/dx-num-private.h"

#include <string.h>

static dx_i128
num_abs(dx_i128 v)
{
    return v < 0 ? -v : v;
}

static dx_i128
num_gcd(dx_i128 a, dx_i128 b)
{
    a = num_abs(a);
    b = num_abs(b);
    while (b != 0) {
        dx_i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The most negative value cannot be negated; we treat it as overflow so
 * every stored value has a representable absolute value. */
#define NUM_I128_MIN ((dx_i128)((unsigned __int128)1 << 127))

DxNumStatus
dx_rat_make(dx_i128 num, dx_i128 den, DxRat *out)
{
    dx_i128 g;

    if (den == 0)
        return DX_NUM_DIV_ZERO;
    if (num == NUM_I128_MIN || den == NUM_I128_MIN)
        return DX_NUM_OVERFLOW;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (den != 1) {
        g = num_gcd(num, den);
        if (g > 1) {
            num /= g;
            den /= g;
        }
    }
    out->num = num;
    out->den = den;
    return DX_NUM_OK;
}

DxNumStatus
dx_rat_add(DxRat a, DxRat b, DxRat *out)
{
    dx_i128 n1, n2, n, d;

    if (a.den == b.den) {
        if (__builtin_add_overflow(a.num, b.num, &n))
            return DX_NUM_OVERFLOW;
        return dx_rat_make(n, a.den, out);
    }
    /* Knuth 4.5.1: work over lcm(den) so a sum whose exact denominator
     * fits is not lost to the naive product a.den * b.den overflowing. */
    {
        dx_i128 g = num_gcd(a.den, b.den), g2;

        if (__builtin_mul_overflow(a.num, b.den / g, &n1) ||
            __builtin_mul_overflow(b.num, a.den / g, &n2) ||
            __builtin_add_overflow(n1, n2, &n))
            return DX_NUM_OVERFLOW;
        g2 = n == 0 ? g : num_gcd(n, g);
        if (__builtin_mul_overflow(a.den / g, b.den / g2, &d))
            return DX_NUM_OVERFLOW;
        return dx_rat_make(n / g2, d, out);
    }
}

DxNumStatus
dx_rat_neg(DxRat a, DxRat *out)
{
    if (a.num == NUM_I128_MIN)
        return DX_NUM_OVERFLOW;
    out->num = -a.num;
    out->den = a.den;
    return DX_NUM_OK;
}

DxNumStatus
dx_rat_sub(DxRat a, DxRat b, DxRat *out)
{
    DxRat nb;

    if (dx_rat_neg(b, &nb) != DX_NUM_OK)
        return DX_NUM_OVERFLOW;
    return dx_rat_add(a, nb, out);
}

DxNumStatus
dx_rat_mul(DxRat a, DxRat b, DxRat *out)
{
    dx_i128 n, d;

    if (a.den == 1 && b.den == 1) {
        if (__builtin_mul_overflow(a.num, b.num, &n))
            return DX_NUM_OVERFLOW;
        return dx_rat_make(n, 1, out);
    }
    /* Cross-reduce first so exact products that fit are not lost to an
     * intermediate overflow. */
    {
        dx_i128 g1 = num_gcd(a.num, b.den), g2 = num_gcd(b.num, a.den);
        dx_i128 an = a.num, ad = a.den, bn = b.num, bd = b.den;

        if (g1 > 1) {
            an /= g1;
            bd /= g1;
        }
        if (g2 > 1) {
            bn /= g2;
            ad /= g2;
        }
        if (__builtin_mul_overflow(an, bn, &n) || __builtin_mul_overflow(ad, bd, &d))
            return DX_NUM_OVERFLOW;
        return dx_rat_make(n, d, out);
    }
}

DxNumStatus
dx_rat_div(DxRat a, DxRat b, DxRat *out)
{
    DxRat inv;

    if (b.num == 0)
        return DX_NUM_DIV_ZERO;
    if (b.num < 0) {
        inv.num = -b.den;
        inv.den = -b.num;
    } else {
        inv.num = b.den;
        inv.den = b.num;
    }
    return dx_rat_mul(a, inv, out);
}

int
dx_rat_sign(DxRat a)
{
    return (a.num > 0) - (a.num < 0);
}

dx_i128
dx_i128_floor_div(dx_i128 a, dx_i128 b)
{
    dx_i128 q = a / b, r = a % b;

    if (r != 0 && ((r < 0) != (b < 0)))
        q--;
    return q;
}

dx_i128
dx_rat_floor(DxRat a)
{
    return dx_i128_floor_div(a.num, a.den);
}

dx_i128
dx_rat_round_half_up(DxRat a)
{
    /* |a| rounded half up, then the sign restored: halves go away from zero. */
    dx_i128 n = num_abs(a.num), q = n / a.den, r = n % a.den;

    if (r >= a.den - r)   /* r * 2 >= den, without overflowing for den near 2^127 */
        q++;
    return a.num < 0 ? -q : q;
}

/* Compares two non-negative fractions a/b and c/d without overflow, by
 * comparing integer parts and then the reciprocals of the remainders
 * (a continued-fraction walk). Used only when cross-multiplying overflows. */
static int
num_cmp_slow(dx_i128 a, dx_i128 b, dx_i128 c, dx_i128 d)
{
    for (;;) {
        dx_i128 q1 = a / b, q2 = c / d, r1, r2, ob;

        if (q1 != q2)
            return q1 < q2 ? -1 : 1;
        r1 = a % b;
        r2 = c % d;
        if (r1 == 0 || r2 == 0) {
            if (r1 == 0 && r2 == 0)
                return 0;
            return r1 == 0 ? -1 : 1;
        }
        /* cmp(r1/b, r2/d) == cmp(d/r2, b/r1): reciprocals swap the sides */
        ob = b;
        a = d;
        b = r2;
        c = ob;
        d = r1;
    }
}

int
dx_rat_cmp(DxRat a, DxRat b)
{
    dx_i128 l, r;
    int sa, sb;

    if (a.den == b.den)
        return (a.num > b.num) - (a.num < b.num);
    sa = dx_rat_sign(a);
    sb = dx_rat_sign(b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (!__builtin_mul_overflow(a.num, b.den, &l) && !__builtin_mul_overflow(b.num, a.den, &r))
        return (l > r) - (l < r);
    if (sa >= 0)
        return num_cmp_slow(a.num, a.den, b.num, b.den);
    return -num_cmp_slow(-a.num, a.den, -b.num, b.den);
}

gboolean
dx_rat_money_in_range(DxRat a)
{
    DxRat lim = dx_rat_int(DX_MONEY_MAX_FEN);

    if (a.num >= 0)
        return dx_rat_cmp(a, lim) <= 0;
    return dx_rat_cmp(lim, (DxRat){ -a.num, a.den }) >= 0;
}

gboolean
dx_rat_parse_decimal(const char *s, gsize len, guint max_frac, DxRat *out)
{
    dx_i128 n = 0, d = 1;
    gboolean seen_digit = FALSE, seen_dot = FALSE;
    guint frac = 0;

    for (gsize i = 0; i < len; i++) {
        char c = s[i];

        if (c == '.') {
            if (seen_dot || !seen_digit)
                return FALSE;
            seen_dot = TRUE;
            continue;
        }
        if (c < '0' || c > '9')
            return FALSE;
        if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, c - '0', &n))
            return FALSE;
        if (seen_dot) {
            if (++frac > max_frac)
                return FALSE;
            if (__builtin_mul_overflow(d, 10, &d))
                return FALSE;
        }
        seen_digit = TRUE;
    }
    if (!seen_digit || (seen_dot && frac == 0))
        return FALSE;
    return dx_rat_make(n, d, out) == DX_NUM_OK;
}

char *
dx_i128_to_string(dx_i128 v)
{
    char buf[48];
    int i = sizeof buf - 1;
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;

    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[--i] = '-';
    return g_strdup(buf + i);
}

char *
dx_rat_to_string(DxRat a)
{
    dx_i128 den = a.den;
    int twos = 0, fives = 0;

    if (a.den == 1)
        return dx_i128_to_string(a.num);
    while (den % 2 == 0) {
        den /= 2;
        twos++;
    }
    while (den % 5 == 0) {
        den /= 5;
        fives++;
    }
    if (den == 1 && MAX(twos, fives) <= 18) {
        /* a terminating decimal: scale to 10^k and print with a point */
        int k = MAX(twos, fives);
        dx_i128 scale = 1, n;
        g_autofree char *digits = NULL;
        GString *out;
        gsize nd;
        gboolean neg = a.num < 0;

        for (int i = 0; i < k; i++)
            scale *= 10;
        if (!__builtin_mul_overflow(num_abs(a.num), scale / a.den, &n)) {
            digits = dx_i128_to_string(n);
            nd = strlen(digits);
            out = g_string_new(neg ? "-" : "");
            if (nd <= (gsize)k) {
                g_string_append(out, "0.");
                for (gsize i = nd; i < (gsize)k; i++)
                    g_string_append_c(out, '0');
                g_string_append(out, digits);
            } else {
                g_string_append_len(out, digits, (gssize)(nd - (gsize)k));
                g_string_append_c(out, '.');
                g_string_append(out, digits + nd - k);
            }
            return g_string_free(out, FALSE);
        }
    }
    {
        g_autofree char *n = dx_i128_to_string(a.num), *d = dx_i128_to_string(a.den);
        return g_strdup_printf("%s/%s", n, d);
    }
}

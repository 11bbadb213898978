/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Exact arithmetic for rules and money. Every number the engine computes
 * with is a rational num/den of two 128-bit integers, kept normalised
 * (den > 0, gcd(num, den) == 1), so results equal Python's Fraction as the
 * spec requires (§3). Money is the same rational counted in fen, so
 * 0.015元 is 3/2 fen and money/money is a plain ratio.
 *
 * Nothing here wraps: an operation whose exact result does not fit
 * reports DX_NUM_OVERFLOW, and the caller turns it into an error. No
 * floating point is used anywhere in this file.
 *
 * Dates are days since 1970-01-01 (proleptic Gregorian), as gint32.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef __int128 dx_i128;

typedef struct {
    dx_i128 num;
    dx_i128 den;   /* > 0 */
} DxRat;

typedef enum {
    DX_NUM_OK = 0,
    DX_NUM_OVERFLOW = 1,
    DX_NUM_DIV_ZERO = 2,
} DxNumStatus;

/* 10^13 元 in fen: the largest money magnitude the spec allows (§2, §3). */
#define DX_MONEY_MAX_FEN ((int64_t)1000000000000000LL)
#define DX_FEN_PER_YUAN 100
#define DX_FEN_PER_WAN ((int64_t)1000000)
#define DX_FEN_PER_YI ((int64_t)10000000000LL)

static inline DxRat
dx_rat_int(int64_t v)
{
    DxRat r = { v, 1 };
    return r;
}

G_GNUC_INTERNAL DxNumStatus dx_rat_make(dx_i128 num, dx_i128 den, DxRat *out);
G_GNUC_INTERNAL DxNumStatus dx_rat_add(DxRat a, DxRat b, DxRat *out);
G_GNUC_INTERNAL DxNumStatus dx_rat_sub(DxRat a, DxRat b, DxRat *out);
G_GNUC_INTERNAL DxNumStatus dx_rat_mul(DxRat a, DxRat b, DxRat *out);
G_GNUC_INTERNAL DxNumStatus dx_rat_div(DxRat a, DxRat b, DxRat *out);
G_GNUC_INTERNAL DxNumStatus dx_rat_neg(DxRat a, DxRat *out);
/* -1, 0 or 1; exact for every pair of normalised rationals. */
G_GNUC_INTERNAL int dx_rat_cmp(DxRat a, DxRat b);
G_GNUC_INTERNAL int dx_rat_sign(DxRat a);
/* ⌊a⌋ */
G_GNUC_INTERNAL dx_i128 dx_rat_floor(DxRat a);
/* Nearest integer, halves away from zero (the spec's half-up). */
G_GNUC_INTERNAL dx_i128 dx_rat_round_half_up(DxRat a);
/* TRUE when |a| (in fen) is within DX_MONEY_MAX_FEN. */
G_GNUC_INTERNAL gboolean dx_rat_money_in_range(DxRat a);
/* a mod b for b > 0, as in pro-rata remainders: a - b*floor(a/b). */
G_GNUC_INTERNAL dx_i128 dx_i128_floor_div(dx_i128 a, dx_i128 b);

/* Parses an unsigned decimal "123", "0.15", "1.234567" (ASCII digits, at
 * most one '.', at most @max_frac fraction digits, no sign, no exponent)
 * from the first @len bytes of @s. Returns FALSE if it is not exactly that
 * or does not fit. */
G_GNUC_INTERNAL gboolean dx_rat_parse_decimal(const char *s, gsize len, guint max_frac, DxRat *out);

/* Writes @a as an exact decimal if it has one with at most @max_frac
 * digits, else as "num/den". For messages and canonical forms. */
G_GNUC_INTERNAL char *dx_rat_to_string(DxRat a);
G_GNUC_INTERNAL char *dx_i128_to_string(dx_i128 v);

/* ---- dates ---- */
G_GNUC_INTERNAL gboolean dx_date_parse(const char *s, gsize len, gint32 *out_days);
G_GNUC_INTERNAL gint32 dx_date_from_ymd(int y, int m, int d);
G_GNUC_INTERNAL void dx_date_to_ymd(gint32 days, int *y, int *m, int *d);
G_GNUC_INTERNAL gboolean dx_date_valid_ymd(int y, int m, int d);
/* Adds @n months (may be negative); the day clamps to the month's end (§5.2). */
G_GNUC_INTERNAL gint32 dx_date_add_months(gint32 days, int n);
/* Whole months from d1 to d2, floored: the largest n with add_months(d1, n) <= d2. */
G_GNUC_INTERNAL int dx_date_months_between(gint32 d1, gint32 d2);
G_GNUC_INTERNAL int dx_date_years_between(gint32 d1, gint32 d2);
/* "YYYY-MM-DD" into @buf (at least 11 bytes). */
G_GNUC_INTERNAL void dx_date_format(gint32 days, char buf[16]);

/* ---- money text (docs/rules.md §2 data cells) ---- */
/* Parses a money cell: sign, digits with optional proper thousands
 * separators, optional fraction, optional unit 元/万元/万/亿元/亿; the
 * value must be whole fen and within 10^13 元. On failure returns FALSE
 * and sets *why to a static English reason. */
G_GNUC_INTERNAL gboolean dx_money_parse_cell(const char *s, gsize len, int64_t *out_fen,
                                             const char **why);

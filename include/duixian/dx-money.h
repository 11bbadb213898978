/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-money
 * @title: Money
 * @short_description: parsing and formatting amounts in fen
 *
 * Money as people write it and read it. Amounts in the API are int64_t
 * fen (0.01 元), never floating point. These functions are pure and
 * thread-safe.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_money_parse:
 * @text: a money amount as in a data cell (docs/rules.md §2): "1234.56",
 *   "5,000万元", "1.2亿", "-300元"; surrounding ASCII whitespace is ignored
 * @out_fen: (out): the amount in fen
 * @error: return location for a #GError, or %NULL
 *
 * Parses exactly: thousands separators must form proper groups of three,
 * the value after applying the unit must be whole fen, and its magnitude
 * at most 10^13 元. Nothing is rounded.
 *
 * Returns: %TRUE on success; %FALSE with @error set (%DX_ERROR_VALUE_INVALID)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_money_parse(const char *text, int64_t *out_fen, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_money_format:
 * @fen: an amount in fen
 *
 * Formats @fen for people: 亿元 when it is a whole number of 0.01亿 and at
 * least 1亿, else 万元 when it is a whole number of 100元 and at least 1万,
 * else 元 with thousands separators and, when needed, two decimals.
 * Examples: "1亿元", "1.2亿元", "8,000万元", "37.5万元", "617,710.50元".
 *
 * Returns: (transfer full): a newly allocated string; free with g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_money_format(int64_t fen);

/**
 * dx_money_format_yuan:
 * @fen: an amount in fen
 *
 * Formats @fen in 元 with thousands separators and exactly two decimals,
 * without a unit: "1,235,421.00". For tables whose column names the unit.
 *
 * Returns: (transfer full): a newly allocated string; free with g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_money_format_yuan(int64_t fen);

/**
 * dx_money_format_wan:
 * @fen: an amount in fen
 *
 * Formats @fen in 万元 with thousands separators and up to six decimals
 * (trailing zeros dropped), without a unit: "5,000", "61.77105". Exact.
 *
 * Returns: (transfer full): a newly allocated string; free with g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_money_format_wan(int64_t fen);

G_END_DECLS

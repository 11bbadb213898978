/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-compare
 * @title: Compare
 * @short_description: two rounds of the same applications side by side
 *
 * Reform comparison (duixian compare): the same batch under the rules as
 * they are and as they would be (another rules file, or the same with
 * what-if settings).
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_compare_write:
 * @base: a round that has run, under the rules as they are
 * @reform: a round of the same applications that has run, under the reform
 * @dir: (type filename): where to write, created if needed
 * @error: return location for a #GError, or %NULL
 *
 * Writes @dir/compare.csv
 * (`enterprise_id,base_granted_fen,reform_granted_fen,change_fen`, one row
 * per enterprise, sorted), @dir/compare.json (keys sorted: per envelope the
 * demand and what was granted under each, per policy the decisions and what
 * was granted) and @dir/compare.html (one self-contained page: the
 * envelopes with their rationing factors, a bar chart and table per
 * policy, and the enterprises whose amount changed). Amounts are summed in
 * fen from the decisions; each file is replaced atomically.
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_IO when a file cannot be written
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_compare_write(DxRound *base, DxRound *reform, const char *dir, GError **error)
    G_GNUC_NON_NULL(1, 2, 3);

G_END_DECLS

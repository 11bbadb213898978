/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-report
 * @title: Report
 * @short_description: the HTML report of a round
 *
 * The HTML report of a round (duixian report): read back from the files a
 * round wrote (summary.json, decisions.csv, schedule.csv), so it can be made
 * again later from a round's output directory or from the ledger's export of
 * it, without running anything.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_report_write_html:
 * @ruleset: the ruleset the round ran with (for names, the fund and its period)
 * @dir: (type filename): a round's output directory: summary.json,
 *   decisions.csv and schedule.csv as dx_round_write_outputs() wrote them
 * @path: (type filename): where to write the report, e.g. "DIR/report.html"
 * @error: return location for a #GError, or %NULL
 *
 * Writes one self-contained HTML page (no scripts, fonts or links; charts as
 * inline SVG; prints): fund use per envelope, payouts per month through the
 * fund period and after it, per-policy counts and amounts, each envelope's
 * requests against what was available and the rationing factor, the top
 * reasons for not paying in full (reduced decisions included), every
 * decision with an amount by enterprise, the performance targets (兑现资金 ≥
 * fund total, paid within the period) and printable tables. Amounts are
 * shown in 万元 (元 in the enterprise table); each is also in a `data-fen`
 * attribute. The same files give the same bytes.
 *
 * Returns: %TRUE, or %FALSE with %DX_ERROR_IO (a file cannot be read or
 *   written) or %DX_ERROR_VALUE_INVALID (the round is of another fund)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_report_write_html(DxRuleset *ruleset, const char *dir, const char *path,
                                        GError **error) G_GNUC_NON_NULL(1, 2, 3);

G_END_DECLS

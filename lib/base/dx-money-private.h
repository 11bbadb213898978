/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Money internals shared by the layers above: a share of an amount in fen.
 * Decisions (computed_fen), the allocation (fund_share, rationing) and the
 * explanations all charge shares the same way, so there is one function.
 */
#pragma once

#include <stdint.h>
#include "base/dx-num-private.h"

/* round_half_up(fen × share). @fen <= 10^15 and @share's terms are small,
 * so the product cannot overflow the 128-bit intermediate. */
G_GNUC_INTERNAL int64_t dx_apply_share(int64_t fen, DxRat share);

/* A cell's amount for a sentence about a bad cell (§9 bounds): from 1万元 up
 * in 万元 with separators ("-301,800万元"), below that as dx_money_format(). */
G_GNUC_INTERNAL char *dx_money_format_cell(int64_t fen);

/* One sentence, one unit: dx_money_format() writes 3,000万元 but
 * 32,685,370.15元, and "可用 3,000万元 ÷ 申请合计 32,685,370.15元" mixes
 * them. dx_money_needs_yuan() is TRUE when @fen has no exact 万元/亿元 form
 * (and is not 0); when any amount of a sentence does, all of them are
 * written with dx_money_format_as(fen, TRUE) in 元 (30,000,000元); with
 * FALSE it is dx_money_format(). */
G_GNUC_INTERNAL gboolean dx_money_needs_yuan(int64_t fen);
G_GNUC_INTERNAL char *dx_money_format_as(int64_t fen, gboolean yuan);

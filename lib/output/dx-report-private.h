/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parts of report.html: dx-report.c writes the page, dx-report-util.c
 * holds what its sections share, dx-report-sections.c the sections about
 * the shortfall and the enterprises. Internal to the library.
 */
#pragma once

#include <stdint.h>
#include "duixian/dx-types.h"
#include "rules/dx-ruleset-private.h"

typedef struct {
    char *key;
    int64_t count;
} DxReportCount;

/* ---- reading our own files (as this library writes them) ---- */
/* The integer after "key": within [p, end), or -1. */
G_GNUC_INTERNAL int64_t dx_report_json_int(const char *p, const char *end, const char *key);
/* The string value of "key" (transfer full; "" when absent). */
G_GNUC_INTERNAL char *dx_report_json_string(const char *json, const char *key);
/* The object "key": {...} (no nested objects inside) after @from: its body. */
G_GNUC_INTERNAL gboolean dx_report_json_object(const char *from, const char *key, const char **start, const char **end);
/* One CSV line (minimal quoting, as dx writes it) into cells. */
G_GNUC_INTERNAL GStrv dx_report_csv_cells(const char *line);
G_GNUC_INTERNAL gboolean dx_report_read(const char *dir, const char *name, char **out, GError **error);

/* ---- writing ---- */
G_GNUC_INTERNAL void dx_report_esc(GString *out, const char *s);
/* 万元, rounded to two decimals for display ("3,000", "61.77"). */
G_GNUC_INTERNAL char *dx_report_wan(int64_t fen);
G_GNUC_INTERNAL const char *dx_report_code_name(const char *code);
G_GNUC_INTERNAL const char *dx_report_status_name(const char *status);
G_GNUC_INTERNAL const char *dx_report_bureau_name(const DxRuleset *rs, const char *key);
G_GNUC_INTERNAL gint dx_report_count_cmp(gconstpointer a, gconstpointer b);
/* @span px scaled by @v / @max, in whole tenths of a pixel (integers only). */
G_GNUC_INTERNAL int64_t dx_report_tenths(int64_t span, int64_t v, int64_t max);
/* "N.D" pixels from tenths. */
G_GNUC_INTERNAL const char *dx_report_px(char buf[32], int64_t tenths);
/* An upper bound of @s's width in px at @font_px: a CJK or other wide
 * character 1.1 em (its glyph is 1 em; Chromium with an unhinted font
 * measured 1.04 em), anything else 0.65 em. No font is read: the page must
 * not depend on the machine that wrote it. */
G_GNUC_INTERNAL guint dx_report_text_px(const char *s, guint font_px);
/* A horizontal bar chart: @n bars, each one value (fen or a count). */
G_GNUC_INTERNAL void dx_report_hbars(GString *out, const char *id, const char *const *labels, const int64_t *values,
                                     guint n, gboolean money, const char *color);

/* ---- sections (dx-report-sections.c) ---- */
/* 额度缺口与核减比例: per envelope, available (total − earlier rounds) against
 * this round's requests, and the rationing factor available ÷ requested. */
G_GNUC_INTERNAL void dx_report_shortfall(GString *out, const DxRuleset *rs, const char *summary);
/* 企业明细: every decision with an amount, by enterprise: policy, computed,
 * granted, status. @dlines is decisions.csv split in lines. */
G_GNUC_INTERNAL void dx_report_enterprises(GString *out, const DxRuleset *rs, char **dlines);

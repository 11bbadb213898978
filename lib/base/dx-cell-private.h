/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Data cells (docs/rules.md §2): one grammar for CSV cells, YAML/JSON scalars,
 * API setters and field defaults. */
#pragma once

#include "duixian/dx-types.h"
#include "base/dx-value-private.h"

/* Parses @s (already trimmed unless @type is text; never empty) as a
 * value of @type. A text value points at @s (the caller decides where
 * the bytes live). On failure returns FALSE and sets *why to a static
 * English reason. */
G_GNUC_INTERNAL gboolean dx_cell_parse(DxFieldType type, const char *s, gsize len, DxValue *out,
                                       const char **why);

/* Flags of dx_cell_parse_ex(). */
enum {
    DX_CELL_BOOL_ZH = 1 << 0,   /* format 2 (§9): bool cells also accept 是 and 否 */
};
G_GNUC_INTERNAL gboolean dx_cell_parse_ex(DxFieldType type, const char *s, gsize len, guint flags, DxValue *out,
                                          const char **why);
/* Orders two values of one ordered type (number, money, date); 0 otherwise. */
G_GNUC_INTERNAL int dx_value_cmp(const DxValue *a, const DxValue *b);

/* Trims ASCII whitespace from both ends: returns the start, sets *len. */
G_GNUC_INTERNAL const char *dx_cell_trim(const char *s, gsize *len);

/* A cell that is not YYYY-MM-DD but is a date another way people write
 * one (2022/6/30, 2022.6.30, 2022-6-30, 2022年6月30日, 20220630, an Excel
 * serial number such as 44742): TRUE and the date, so the message can say
 * what to write. Never used to read the cell: it stays invalid. */
G_GNUC_INTERNAL gboolean dx_date_suggest(const char *s, gsize len, gint32 *out);
/* The Chinese of a reason dx_cell_parse() gave, or NULL if it has none. */
G_GNUC_INTERNAL const char *dx_cell_why_zh(const char *why);

/* A bad cell's sentence is kept once, in both languages: the Chinese, this
 * separator, the English. dx_bilingual_pick() gives one half (all of @s
 * when it has no separator), newly allocated. */
#define DX_BILINGUAL_SEP '\x1f'
G_GNUC_INTERNAL char *dx_bilingual_pick(const char *s, gboolean en);

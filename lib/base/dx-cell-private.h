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

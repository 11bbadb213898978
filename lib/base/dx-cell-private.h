/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Data cells (spec §2): one grammar for CSV cells, YAML/JSON scalars,
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

/* Trims ASCII whitespace from both ends: returns the start, sets *len. */
G_GNUC_INTERNAL const char *dx_cell_trim(const char *s, gsize *len);

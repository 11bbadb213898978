/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The library's one JSON string writer: every JSON file or string the
 * library makes (summary.json, decisions as JSON, the ledger's round
 * parameters) escapes text here, so they all escape alike. Writing only:
 * the library never needs to parse JSON it did not write itself.
 */
#pragma once

#include <glib.h>

/* Appends @s (UTF-8, NUL-terminated) to @out as a JSON string: quotes,
 * backslash and control characters escaped (\n \r \t short, the rest
 * \u00XX); every other byte as it is. */
G_GNUC_INTERNAL void dx_json_append_string(GString *out, const char *s);

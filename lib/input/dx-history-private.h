/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The history file: awards an enterprise received from outside this fund,
 * read into a DxPriorBook before a round.
 */
#pragma once

#include <glib.h>
#include "input/dx-prior-private.h"

/* CSV enterprise_id,policy_id,group,amount_fen,date (docs/rules.md, "History"). */
/* Adds every row of @path to @book (award units, not charged). Any bad
 * row fails the whole load with DX_ERROR_HISTORY_INVALID "path:line:col:
 * column: message"; nothing is added then. @sha256_out (nullable) gets the
 * file's SHA-256 (hex, g_free). */
G_GNUC_INTERNAL gboolean dx_history_load_file(const char *path, DxPriorBook *book, char **sha256_out,
                                              GError **error);

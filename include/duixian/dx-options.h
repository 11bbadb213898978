/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-options
 * @title: DxLoadOptions
 * @short_description: limits and choices for reading rules and applications
 *
 * DxLoadOptions: the limits and choices used when reading rules and
 * application files. Every limit has a documented default (README,
 * "Limits"); a value of 0 passed to a setter restores the default.
 * Not thread-safe to modify; safe to share read-only once set up.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_load_options_new:
 *
 * Creates options that hold every default.
 *
 * Returns: (transfer full): options with every default; free with dx_load_options_free()
 * Since: 0.1
 */
DX_EXPORT DxLoadOptions *dx_load_options_new(void);

/**
 * dx_load_options_free:
 * @self: (nullable): options to free
 *
 * Frees @self.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_free(DxLoadOptions *self);

/**
 * dx_load_options_set_encoding:
 * @self: options
 * @encoding: the encoding of CSV application files (default %DX_ENCODING_AUTO)
 *
 * Sets the encoding assumed for CSV application files.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_set_encoding(DxLoadOptions *self, DxEncoding encoding)
    G_GNUC_NON_NULL(1);

/**
 * dx_load_options_set_max_yaml_depth:
 * @self: options
 * @depth: nested YAML collections allowed (default 64)
 *
 * Sets how deeply YAML collections may nest.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_set_max_yaml_depth(DxLoadOptions *self, guint depth)
    G_GNUC_NON_NULL(1);

/**
 * dx_load_options_set_max_expr_depth:
 * @self: options
 * @depth: nesting of one expression (default 64)
 *
 * Sets how deeply one expression may nest.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_set_max_expr_depth(DxLoadOptions *self, guint depth)
    G_GNUC_NON_NULL(1);

/**
 * dx_load_options_set_max_file_bytes:
 * @self: options
 * @bytes: the largest rules file (default 16 MiB) and YAML/JSON
 *   application file (default 256 MiB) accepted; CSV files are streamed
 *   and have no size limit
 *
 * Sets the largest rules or YAML/JSON application file read.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_set_max_file_bytes(DxLoadOptions *self, uint64_t bytes)
    G_GNUC_NON_NULL(1);

/**
 * dx_load_options_set_max_csv_columns:
 * @self: options
 * @columns: cells in one CSV record (default 4096)
 *
 * Sets the most cells one CSV record may have.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_load_options_set_max_csv_columns(DxLoadOptions *self, guint columns)
    G_GNUC_NON_NULL(1);

/**
 * dx_load_options_add_override:
 * @self: load options
 * @setting: `NAME=VALUE`: a parameter of a format-2 ruleset and one literal
 *   of its type (`hq_rate=1.5%`), or `envelope.KEY=AMOUNT`
 *   (`envelope.commerce=3500万元`; the fund's total moves by the same amount)
 * @error: return location for a #GError, or %NULL
 *
 * Adds a what-if setting that the next rulesets loaded with @self apply: a
 * parameter so set has that one value on every date; an envelope so set has
 * that total. The setting is checked when a ruleset is loaded (an unknown
 * name, a value of the wrong type is a %DX_ERROR_VALUE_INVALID naming the
 * setting); here only its form is. A ruleset loaded with settings lists them
 * (dx_ruleset_get_n_overrides()), says so in summary.json and explanations,
 * and cannot be committed to a ledger: it is a what-if.
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_VALUE_INVALID when @setting is not
 *   `NAME=VALUE`
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_load_options_add_override(DxLoadOptions *self, const char *setting, GError **error)
    G_GNUC_NON_NULL(1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxLoadOptions, dx_load_options_free)

G_END_DECLS

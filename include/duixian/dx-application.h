/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-application
 * @title: DxApplication
 * @short_description: one enterprise application
 *
 * DxApplication: one enterprise application, as typed values for the
 * fields of one ruleset. Build it through the API (set fields by name from
 * text cells, exactly as a CSV cell would be read), then decide it with
 * dx_ruleset_decide() or add it to a DxBatch. A field never set is
 * missing (or takes its default). A cell that is not of its field's type
 * does not fail the setter's caller silently: it is recorded and the
 * application decides as `invalid`, naming the field; the setter also
 * reports it through @error. Single owner; not thread-safe.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_application_new:
 * @ruleset: the ruleset whose fields the application has (a reference is taken)
 *
 * Creates an application with no field set, for @ruleset.
 *
 * Returns: (transfer full): an empty application; free with dx_application_free()
 * Since: 0.1
 */
DX_EXPORT DxApplication *dx_application_new(DxRuleset *ruleset) G_GNUC_NON_NULL(1);

/**
 * dx_application_free:
 * @self: (nullable): the application
 *
 * Frees @self and the values it holds; drops its reference on the ruleset.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_application_free(DxApplication *self);

/**
 * dx_application_set:
 * @self: an application
 * @field: a field name or alias, built-ins included ("app_id", "policy", ...)
 * @cell: (nullable): the value written as a data cell (docs/rules.md §2): "5,000万元",
 *   "15%", "2022-03-01", "true"; %NULL or empty (after trimming) = missing
 * @error: return location for a #GError, or %NULL
 *
 * Parses @cell by the field's type and stores it (the text is copied).
 *
 * Returns: %TRUE if stored; %FALSE with %DX_ERROR_UNKNOWN_FIELD when the
 *   ruleset has no such field (nothing recorded), or %DX_ERROR_VALUE_INVALID
 *   when the cell is not of the field's type (recorded: the application will
 *   decide as `invalid`, reason invalid_field)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_application_set(DxApplication *self, const char *field, const char *cell,
                                      GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_application_set_money_fen:
 * @self: an application
 * @field: a money field's name or alias
 * @fen: the amount in fen
 * @error: return location for a #GError, or %NULL
 *
 * Stores an amount already in fen, as dx_application_set() would store its
 * text.
 *
 * Returns: %TRUE if stored; %FALSE with %DX_ERROR_UNKNOWN_FIELD, or with
 *   %DX_ERROR_VALUE_INVALID if the field is not money or |fen| > 10^13 元
 * Since: 0.1
 */
DX_EXPORT gboolean dx_application_set_money_fen(DxApplication *self, const char *field,
                                                int64_t fen, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_application_clear:
 * @self: an application
 *
 * Forgets every value, so the object can be reused for the next application.
 * Since: 0.1
 */
DX_EXPORT void dx_application_clear(DxApplication *self) G_GNUC_NON_NULL(1);

/**
 * dx_application_has_value:
 * @self: an application
 * @field: a field name or alias
 *
 * Tells whether @field holds a value of its own, as opposed to a default.
 *
 * Returns: %TRUE when @field has a value of its own (set, or read from a
 *   row); %FALSE when it is missing (a default would apply), holds a cell
 *   that could not be read, or the ruleset has no such field
 * Since: 0.2
 */
DX_EXPORT gboolean dx_application_has_value(const DxApplication *self, const char *field)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_application_read_row:
 * @ruleset: the ruleset whose fields the application has (a reference is taken)
 * @path: a CSV applications file, as dx_batch_add_csv_file() reads it
 * @line: the 1-based line the row starts on, as dx_decision_get_row() gives
 *   it; 0 for the first row after the header
 * @options: (nullable): the encoding and limits the batch read @path with
 * @error: return location for a #GError, or %NULL
 *
 * Reads one application back from @path exactly as a batch reads it: the
 * same header mapping (names and aliases; columns that name no field are
 * ignored), the same cell grammar and the same problems, so a row the batch
 * found `invalid` decides `invalid` again. A program that explains a
 * decision uses it to show the values the decision was made on. The header
 * need not give app_id, enterprise_id or submitted_on (a profile of one
 * enterprise has none). The file is read from the start up to the row.
 *
 * Returns: (transfer full) (nullable): the application, its row set to the
 *   line; free with dx_application_free(). %NULL with %DX_ERROR_IO when the
 *   file cannot be read, %DX_ERROR_INPUT_INVALID or %DX_ERROR_LIMIT for a
 *   problem of the file before the row (the header, an unclosed quote,
 *   undecodable bytes, a limit), or %DX_ERROR_FAILED when no row starts on
 *   @line
 * Since: 0.2
 */
DX_EXPORT DxApplication *dx_application_read_row(DxRuleset *ruleset, const char *path, guint64 line,
                                                 const DxLoadOptions *options, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxApplication, dx_application_free)

G_END_DECLS

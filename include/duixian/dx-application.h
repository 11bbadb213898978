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
 * @cell: (nullable): the value written as a data cell (spec §2): "5,000万元",
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxApplication, dx_application_free)

G_END_DECLS

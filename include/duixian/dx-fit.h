/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-fit
 * @title: Fit
 * @short_description: fitting a parameter to the fund
 *
 * The value of a money, number or integer parameter (docs/rules.md §10) at
 * which the demand on an envelope, or on the whole fund, is as large as
 * possible without exceeding it (duixian fit). Values are whole multiples
 * of a step (1 fen, 0.01%, 1), so the result is exact: the demand at the
 * value is within the budget and the demand one step beyond is not. Every
 * probe is a full round (steps 1-10, no ledger) on the same applications
 * with the parameter set (dx_load_options_add_override()).
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>
#include <duixian/dx-options.h>

G_BEGIN_DECLS

/**
 * dx_fit_new:
 * @rules_path: (type filename): a format-2 rules file
 * @param: the parameter to fit, by name
 * @approval_date: the rounds' approval date, `YYYY-MM-DD`
 * @error: return location for a #GError, or %NULL
 *
 * Prepares a fit. The step is 1 fen for money, 1 for an integer, 0.01% for
 * a number written as a percent and 0.001 for another number
 * (dx_fit_set_step() changes it).
 *
 * Returns: (transfer full) (nullable): the fit; free with dx_fit_free().
 *   %NULL with the rules' error, or %DX_ERROR_VALUE_INVALID for a bad date
 *   or a parameter that does not exist or is text, a date or a bool
 *
 * Since: 0.2
 */
DX_EXPORT DxFit *dx_fit_new(const char *rules_path, const char *param, const char *approval_date, GError **error)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_fit_free:
 * @self: (nullable): a fit
 *
 * Frees the fit and everything it returned.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_fit_free(DxFit *self);

/**
 * dx_fit_set_step:
 * @self: a fit
 * @step: a literal of the parameter's type above 0 (`0.1%`, `1万元`, `10`)
 * @error: return location for a #GError, or %NULL
 *
 * Sets the precision: the result is a whole multiple of @step.
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_VALUE_INVALID for a step of
 *   another type, or not above 0
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_fit_set_step(DxFit *self, const char *step, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_fit_set_envelope:
 * @self: a fit
 * @key: an envelope of the ruleset (a bureau key, or `*`)
 * @error: return location for a #GError, or %NULL
 *
 * Fits to that envelope: the budget is its total and the demand what the
 * round asks of it (dx_round_get_envelope_requested_fen()).
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_VALUE_INVALID for no such envelope
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_fit_set_envelope(DxFit *self, const char *key, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_fit_set_budget_fen:
 * @self: a fit
 * @budget_fen: the budget, 0 or more
 *
 * Fits the demand on the whole fund (every envelope) to @budget_fen.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_fit_set_budget_fen(DxFit *self, int64_t budget_fen) G_GNUC_NON_NULL(1);

/**
 * dx_fit_run:
 * @self: a fit with an envelope or a budget
 * @apps_path: (type filename): the applications CSV, read once
 * @apps_options: (nullable): how to read it (encoding, limits)
 * @error: return location for a #GError, or %NULL
 *
 * Searches: the direction of the demand from the first probes, then
 * doubling and bisection over whole steps, then the two values on each
 * side of the result. Every probe is kept (dx_fit_get_probe()).
 *
 * Returns: %TRUE with a result; %FALSE with %DX_ERROR_VALUE_INVALID when no
 *   value fits (the demand does not depend on the parameter, exceeds the
 *   budget at 0, or never reaches it), or the error of a probe
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_fit_run(DxFit *self, const char *apps_path, const DxLoadOptions *apps_options, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_fit_get_value:
 * @self: a fit that ran
 *
 * Gets the fitted value as a rules literal (`1.23%`, `12.5万元`).
 *
 * Returns: (transfer none): the value, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_fit_get_value(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_step:
 * @self: a fit
 *
 * Gets the step as a rules literal.
 *
 * Returns: (transfer none): the step, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_fit_get_step(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_demand_fen:
 * @self: a fit that ran
 *
 * Gets the demand at the fitted value.
 *
 * Returns: the demand, in fen, at most the budget.
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_fit_get_demand_fen(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_budget_fen:
 * @self: a fit
 *
 * Gets the budget: the envelope's total or the amount set.
 *
 * Returns: the budget, in fen.
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_fit_get_budget_fen(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_monotone:
 * @self: a fit that ran
 *
 * Tells whether every pair of neighbouring probes went the same way. When
 * not, the result still holds (within the budget, one step beyond is not)
 * but another value further away may fit as well.
 *
 * Returns: %TRUE when the probes were monotone.
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_fit_get_monotone(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_n_probes:
 * @self: a fit that ran
 *
 * Gets the number of values tried.
 *
 * Returns: the number of probes.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_fit_get_n_probes(DxFit *self) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_probe:
 * @self: a fit that ran
 * @index: below dx_fit_get_n_probes(); probes are in increasing order of value
 * @demand_fen: (out) (optional): the demand at that value
 *
 * Gets one value tried.
 *
 * Returns: (transfer none): the value as a rules literal, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_fit_get_probe(DxFit *self, size_t index, int64_t *demand_fen) G_GNUC_NON_NULL(1);

/**
 * dx_fit_get_result_index:
 * @self: a fit
 *
 * Gets which probe is the result.
 *
 * Returns: the index for dx_fit_get_probe(), or -1 before a result.
 *
 * Since: 0.2
 */
DX_EXPORT gssize dx_fit_get_result_index(DxFit *self) G_GNUC_NON_NULL(1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxFit, dx_fit_free)

G_END_DECLS

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-ruleset
 * @title: DxRuleset
 * @short_description: a policy ruleset loaded from YAML
 *
 * DxRuleset: a policy ruleset (docs/rules.md §1-§5) loaded from YAML, validated and
 * compiled once. A ruleset is immutable after loading and reference
 * counted; it is safe to use from many threads at once.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_ruleset_load_file:
 * @path: (type filename): a ruleset YAML file
 * @options: (nullable): limits, or %NULL for the defaults
 * @error: return location for a #GError, or %NULL
 *
 * Reads, validates and compiles every policy in @path. Expressions are
 * parsed and type-checked here, so evaluation never meets a syntax error.
 * Every error message is one line: "path:line:col: key.path: message".
 *
 * Returns: (transfer full): the ruleset, or %NULL with @error set
 *   (%DX_ERROR_IO, %DX_ERROR_YAML_SYNTAX, %DX_ERROR_RULES_INVALID,
 *   %DX_ERROR_EXPR_SYNTAX, %DX_ERROR_EXPR_TYPE, %DX_ERROR_EXPR_UNKNOWN_FIELD,
 *   %DX_ERROR_LIMIT). Release with dx_ruleset_unref().
 * Since: 0.1
 */
DX_EXPORT DxRuleset *dx_ruleset_load_file(const char *path, const DxLoadOptions *options,
                                          GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_load_data:
 * @data: the YAML text (borrowed for the call only)
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @name: (nullable): the name used in error messages (default `<rules>`)
 * @options: (nullable): limits, or %NULL for the defaults
 * @error: return location for a #GError, or %NULL
 *
 * As dx_ruleset_load_file(), from memory.
 *
 * Returns: (transfer full): the ruleset, or %NULL with @error set
 * Since: 0.1
 */
DX_EXPORT DxRuleset *dx_ruleset_load_data(const char *data, gssize len, const char *name,
                                          const DxLoadOptions *options, GError **error)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_ref:
 * @self: a ruleset
 *
 * Takes a reference on @self.
 *
 * Returns: (transfer full): @self, with one more reference.
 * Since: 0.1
 */
DX_EXPORT DxRuleset *dx_ruleset_ref(DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_unref:
 * @self: (nullable): drops a reference; frees on the last
 *
 * Drops a reference on @self; the last one frees the ruleset.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_ruleset_unref(DxRuleset *self);

/* All getters below return (transfer none) strings valid as long as @self. */

/**
 * dx_ruleset_get_sha256:
 * @self: a ruleset
 *
 * Gets the SHA-256 of the ruleset text, lowercase hex.
 *
 * Returns: (transfer none): the SHA-256 of the ruleset text, lowercase hex.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_sha256(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_fund_id:
 * @self: a ruleset
 *
 * Gets fund.id, e.g. "GZXX/344001/004".
 *
 * Returns: (transfer none): fund.id, e.g. "GZXX/344001/004".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_fund_id(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_fund_name:
 * @self: a ruleset
 *
 * Gets fund.name.
 *
 * Returns: (transfer none): fund.name.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_fund_name(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_fund_total_fen:
 * @self: a ruleset
 *
 * Gets fund.total in fen.
 *
 * Returns: fund.total in fen.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ruleset_get_fund_total_fen(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_fund_enterprise_cap_fen:
 * @self: a ruleset
 *
 * Gets fund.per_enterprise_cap in fen, or -1 if none.
 *
 * Returns: fund.per_enterprise_cap in fen, or -1 if none.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ruleset_get_fund_enterprise_cap_fen(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_dup_fund_period:
 * @self: a ruleset
 * @from: (out) (transfer full): fund.period.from as "YYYY-MM-DD"; g_free()
 * @to: (out) (transfer full): fund.period.to as "YYYY-MM-DD"; g_free()
 *
 * Gets the fund period (fund.period), dates as text.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_ruleset_dup_fund_period(const DxRuleset *self, char **from, char **to)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_ruleset_get_shortfall:
 * @self: a ruleset
 *
 * Gets fund.shortfall, how an envelope too small is shared.
 *
 * Returns: (transfer none): "pro_rata", "priority" or "fcfs".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_shortfall(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_envelopes:
 * @self: a ruleset
 *
 * Gets the number of envelopes (1 when fund.envelopes is absent).
 *
 * Returns: the number of envelopes (1 when fund.envelopes is absent).
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_ruleset_get_n_envelopes(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_envelope_key:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_envelopes()
 *
 * Gets the key of envelope @index.
 *
 * Returns: (transfer none): a bureau key, or "*" for the single envelope.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_envelope_key(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_envelope_total_fen:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_envelopes()
 *
 * Gets the envelope's total in fen.
 *
 * Returns: the envelope's total in fen.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ruleset_get_envelope_total_fen(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_bureaus:
 * @self: a ruleset
 *
 * Gets the number of declared bureaus.
 *
 * Returns: the number of declared bureaus.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_ruleset_get_n_bureaus(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_bureau_key:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_bureaus()
 *
 * Gets the bureau key, e.g. "commerce".
 *
 * Returns: (transfer none): the bureau key, e.g. "commerce".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_bureau_key(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_bureau_name:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_bureaus()
 *
 * Gets the display name, e.g. "区商务局".
 *
 * Returns: (transfer none): the display name, e.g. "区商务局".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_bureau_name(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_policies:
 * @self: a ruleset
 *
 * Gets the number of policies.
 *
 * Returns: the number of policies.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_ruleset_get_n_policies(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_policy_id:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_policies()
 *
 * Gets the policy id at @index (file order).
 *
 * Returns: (transfer none): the policy id at @index (file order).
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_policy_id(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_policy_name:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_policies()
 *
 * Gets the policy's name.
 *
 * Returns: (transfer none): the policy's name.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_policy_name(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_policy_bureau:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_policies()
 *
 * Gets the policy's bureau key.
 *
 * Returns: (transfer none): the policy's bureau key.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_policy_bureau(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_policy_basis:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_policies()
 *
 * Gets the policy's basis (citation).
 *
 * Returns: (transfer none): the policy's basis (citation).
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_policy_basis(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_fields:
 * @self: a ruleset
 *
 * Gets the number of fields, built-ins included.
 *
 * Returns: the number of fields, built-ins included.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_ruleset_get_n_fields(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_field_name:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_fields()
 *
 * Gets the field name at @index (built-ins first).
 *
 * Returns: (transfer none): the field name at @index (built-ins first).
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_field_name(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_field_label:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_fields()
 *
 * Gets the field's label.
 *
 * Returns: (transfer none): the field's label.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_ruleset_get_field_label(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_field_type:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_fields()
 *
 * Gets the field's type.
 *
 * Returns: the field's type.
 *
 * Since: 0.1
 */
DX_EXPORT DxFieldType dx_ruleset_get_field_type(const DxRuleset *self, size_t index)
    G_GNUC_NON_NULL(1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxRuleset, dx_ruleset_unref)

/**
 * dx_ruleset_get_n_warnings:
 * @self: a ruleset
 *
 * Gets the number of lint warnings found when @self was loaded
 * (docs/rules.md, "Warnings"): a `rate:` without % or ‰, a window that ends
 * after the fund period, a policy no application can reach, an envelope
 * smaller than one fixed award of its bureau. The ruleset loads and decides
 * exactly as written whatever they say.
 *
 * Returns: the number of warnings, 0 for a clean file.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ruleset_get_n_warnings(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_warning:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_warnings()
 *
 * Gets one lint warning, one line "file:line:col: key.path: message" as a
 * load error is written, in file order per kind.
 *
 * Returns: (transfer none): the warning, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_ruleset_get_warning(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_params:
 * @self: a ruleset
 *
 * Gets the number of effective-dated parameters (`params`, docs/rules.md
 * §10), in the order of the rules file. A format-1 ruleset has none.
 *
 * Returns: the number of parameters.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ruleset_get_n_params(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_param_name:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_params()
 *
 * Gets the parameter's name, as expressions use it (`hq_rate`).
 *
 * Returns: (transfer none): the name, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_ruleset_get_param_name(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_param_label:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_params()
 *
 * Gets the parameter's label (落户奖励比例), or its name when it has none.
 *
 * Returns: (transfer none): the label, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_ruleset_get_param_label(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_param_type:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_params()
 *
 * Gets the parameter's type, one of the six field types.
 *
 * Returns: the type.
 *
 * Since: 0.2
 */
DX_EXPORT DxFieldType dx_ruleset_get_param_type(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_param_n_values:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_params()
 *
 * Gets how many dated values the parameter has (at least one), in
 * increasing order of their dates.
 *
 * Returns: the number of values.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ruleset_get_param_n_values(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_dup_param_value:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_params()
 * @value_index: below dx_ruleset_get_param_n_values()
 * @from: (out) (optional) (transfer full): the date the value takes effect,
 *   `YYYY-MM-DD`; free with g_free()
 *
 * Gets one dated value of a parameter as the explanations write it
 * (`1.5%`, `1亿元`, `2022-07-01`, a text quoted).
 *
 * Returns: (transfer full): the value; free with g_free().
 *
 * Since: 0.2
 */
DX_EXPORT char *dx_ruleset_dup_param_value(const DxRuleset *self, size_t index, size_t value_index, char **from)
    G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_n_overrides:
 * @self: a ruleset
 *
 * Gets the number of what-if settings the ruleset was loaded with
 * (dx_load_options_add_override(), `--set`). A ruleset with any is a
 * what-if: dx_round_run() refuses to commit it to a ledger.
 *
 * Returns: the number of settings applied (a name set twice counts once).
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_ruleset_get_n_overrides(const DxRuleset *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_get_override:
 * @self: a ruleset
 * @index: below dx_ruleset_get_n_overrides()
 *
 * Gets one what-if setting as given, `NAME=VALUE`.
 *
 * Returns: (transfer none): the setting, owned by @self.
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_ruleset_get_override(const DxRuleset *self, size_t index) G_GNUC_NON_NULL(1);

G_END_DECLS

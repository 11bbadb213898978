/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-decision
 * @title: DxDecision
 * @short_description: decisions and their reasons
 *
 * Decisions (docs/rules.md §6, §7, §8). A DxDecisionList owns its decisions and is
 * immutable once returned, so it may be read from several threads. A
 * DxDecision is borrowed from its list and valid while the list is.
 * Amounts are fen: `computed` = the step-4 award times fund_share, rounded
 * half up; `granted` = what this fund pays.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_decision_list_ref:
 * @self: a decision list
 *
 * Takes a reference on @self.
 *
 * Returns: (transfer full): @self with one more reference.
 * Since: 0.1
 */
DX_EXPORT DxDecisionList *dx_decision_list_ref(DxDecisionList *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_list_unref:
 * @self: (nullable): drops a reference
 *
 * Drops a reference on @self; the last one frees the list and its decisions.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_decision_list_unref(DxDecisionList *self);

/**
 * dx_decision_list_get_n_items:
 * @self: a decision list
 *
 * Gets the number of decisions.
 *
 * Returns: the number of decisions.
 * Since: 0.1
 */
DX_EXPORT size_t dx_decision_list_get_n_items(const DxDecisionList *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_list_get_item:
 * @self: a list
 * @index: below dx_decision_list_get_n_items()
 *
 * Gets the decision, valid as long as @self.
 *
 * Returns: (transfer none): the decision, valid as long as @self
 * Since: 0.1
 */
DX_EXPORT const DxDecision *dx_decision_list_get_item(const DxDecisionList *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_decision_list_write_csv:
 * @self: a list
 * @path: (type filename): where to write decisions.csv (docs/rules.md §8), replaced atomically
 * @error: return location for a #GError, or %NULL
 *
 * Writes the list as decisions.csv.
 *
 * Returns: %TRUE, or %FALSE with %DX_ERROR_IO
 * Since: 0.1
 */
DX_EXPORT gboolean dx_decision_list_write_csv(const DxDecisionList *self, const char *path,
                                              GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_decision_list_dup_csv:
 * @self: a list
 *
 * Writes the list as decisions.csv text, in memory.
 *
 * Returns: (transfer full): decisions.csv as text (docs/rules.md §8); g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_decision_list_dup_csv(const DxDecisionList *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_app_id:
 * @self: a decision
 *
 * Gets the app_id ("" if the row had none).
 *
 * Returns: (transfer none): the app_id ("" if the row had none).
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_decision_get_app_id(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_enterprise_id:
 * @self: a decision
 *
 * Gets the enterprise_id, possibly "".
 *
 * Returns: (transfer none): the enterprise_id, possibly "".
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_decision_get_enterprise_id(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_policy_id:
 * @self: a decision
 *
 * Gets the policy id, or "" when the row names none.
 *
 * Returns: (transfer none): the policy id, or "" when the row names none.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_decision_get_policy_id(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_bureau:
 * @self: a decision
 *
 * Gets the bureau key, or "" for no known policy.
 *
 * Returns: (transfer none): the bureau key, or "" for no known policy.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_decision_get_bureau(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_status:
 * @self: a decision
 *
 * Gets the status of the decision (docs/rules.md §6).
 *
 * Returns: the status.
 *
 * Since: 0.1
 */
DX_EXPORT DxStatus dx_decision_get_status(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_computed_fen:
 * @self: a decision
 *
 * Gets computed_fen (docs/rules.md §6).
 *
 * Returns: computed_fen (docs/rules.md §6).
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_decision_get_computed_fen(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_granted_fen:
 * @self: a decision
 *
 * Gets granted_fen (docs/rules.md §6).
 *
 * Returns: granted_fen (docs/rules.md §6).
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_decision_get_granted_fen(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_row:
 * @self: a decision
 *
 * Gets the 1-based line (CSV) or line of the map (YAML) it came from; 0 from
 * the API.
 *
 * Returns: the 1-based line (CSV) or line of the map (YAML) it came from; 0 from the API.
 *
 * Since: 0.1
 */
DX_EXPORT uint64_t dx_decision_get_row(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_n_reasons:
 * @self: a decision
 *
 * Gets the number of reasons, in step order.
 *
 * Returns: the number of reasons, in step order.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_decision_get_n_reasons(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_reason_code:
 * @self: a decision
 * @index: below dx_decision_get_n_reasons()
 *
 * Gets the code of reason @index.
 *
 * Returns: the code of reason @index.
 *
 * Since: 0.1
 */
DX_EXPORT DxReasonCode dx_decision_get_reason_code(const DxDecision *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_decision_dup_reason_message:
 * @self: a decision
 * @index: below dx_decision_get_n_reasons()
 *
 * Formats reason @index as a sentence, with its numbers.
 *
 * Returns: (transfer full): the Chinese sentence of §7 with its numbers; g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_decision_dup_reason_message(const DxDecision *self, size_t index)
    G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_basis:
 * @self: a decision
 *
 * Gets the policy's basis, or "" for no known policy.
 *
 * Returns: (transfer none): the policy's basis, or "" for no known policy.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_decision_get_basis(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_dup_json:
 * @self: a decision
 *
 * Writes @self as JSON, as the CLI's `decide --format json` prints it.
 *
 * Returns: (transfer full): the decision as one JSON object (UTF-8, keys
 *   sorted: app_id, basis, bureau, computed_fen, enterprise_id, granted_fen,
 *   policy_id, reasons [{code, message}], row, status); g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_decision_dup_json(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_dup_explanation:
 * @self: a decision
 * @app: (nullable): the application the decision came from, built with the
 *   same ruleset (e.g. by dx_application_set() from its row); with it the
 *   text shows every clause's actual and required values and the award's
 *   base; %NULL shows only what the decision itself recorded
 * @lang: (nullable): "zh" (the default, also for %NULL) or "en"
 *
 * The whole decision for a person (duixian explain): application, policy
 * and basis, status, every reason as a sentence, the clauses, the award
 * computed step by step (form, base, rate or table row, cap, groups, fund
 * share, the fund's cap, the rationing factor) and the installment plan.
 * Several lines, each ending in "\n". Field and clause names are shown as
 * the rules write them.
 *
 * Returns: (transfer full): the text; g_free()
 * Since: 0.1
 */
DX_EXPORT char *dx_decision_dup_explanation(const DxDecision *self, const DxApplication *app,
                                            const char *lang) G_GNUC_NON_NULL(1);

/**
 * dx_status_to_string:
 * @status: a decision status
 *
 * Gets @status as written in output files.
 *
 * Returns: (transfer none): "approved", "reduced", ...
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_status_to_string(DxStatus status);

/**
 * dx_reason_code_to_string:
 * @code: a reason code
 *
 * Gets @code as written in output files.
 *
 * Returns: (transfer none): "clause_failed", "award_fixed", ...
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_reason_code_to_string(DxReasonCode code);

/**
 * dx_status_from_string:
 * @str: a status as written in output files ("approved", "reduced", ...)
 * @status: (out): where the status goes
 *
 * The reverse of dx_status_to_string(), for programs that read
 * decisions.csv. Only the exact strings are taken (no case folding, no
 * spaces).
 *
 * Returns: %TRUE if @str names a status
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_status_from_string(const char *str, DxStatus *status) G_GNUC_NON_NULL(1, 2);

/**
 * dx_status_to_label:
 * @status: a decision status
 * @lang: (nullable): "zh" (the default, also for %NULL) or "en"
 *
 * Gets @status as people read it, in the words of the explanations:
 * "予以兑现", "核减兑现", ...
 *
 * Returns: (transfer none): the words
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_status_to_label(DxStatus status, const char *lang);

/**
 * dx_reason_code_from_string:
 * @str: a reason code as written in output files ("clause_failed", ...)
 * @code: (out): where the code goes
 *
 * The reverse of dx_reason_code_to_string(). Only the exact strings are
 * taken.
 *
 * Returns: %TRUE if @str names a reason code
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_reason_code_from_string(const char *str, DxReasonCode *code) G_GNUC_NON_NULL(1, 2);

/**
 * dx_reason_code_to_label:
 * @code: a reason code
 * @lang: (nullable): "zh" (the default, also for %NULL) or "en"
 *
 * Gets the short name of @code, for a chart's label or a spreadsheet's
 * cell: "额度不足按比例核减", "按档位表核定", ... The whole sentence, with
 * the decision's numbers, is dx_decision_dup_explanation()'s.
 *
 * Returns: (transfer none): the short name
 *
 * Since: 0.2
 */
DX_EXPORT const char *dx_reason_code_to_label(DxReasonCode code, const char *lang);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxDecisionList, dx_decision_list_unref)

/**
 * dx_decision_get_rank:
 * @self: a decision
 *
 * Gets the decision's place in its ranked policy (择优, docs/rules.md §12):
 * the value of the built-in `rank` its award was computed with, or, for a
 * decision ranked out (`rank_out`), the place it had. A decision of a
 * policy without `rank`, or one that got no place (a `rank.by` missing or
 * in error, or a decision that stopped before ranking), has none.
 *
 * Returns: the place, 1 or more; 0 when it has none.
 *
 * Since: 0.2
 */
DX_EXPORT int64_t dx_decision_get_rank(const DxDecision *self) G_GNUC_NON_NULL(1);

/**
 * dx_decision_get_param_value_index:
 * @self: a decision
 * @param: below dx_ruleset_get_n_params() of the decisions' ruleset
 *
 * Which value of parameter @param this decision's policy read: the one of
 * the latest date on or before the decision's reference date (the
 * application's `submitted_on`, or the round's approval date with
 * `params_on: approval`). Pass the result to dx_ruleset_dup_param_value().
 *
 * Returns: the value's index, or -1 when the policy does not use the
 *   parameter, the decision has no reference date, or the date is before
 *   the parameter's first value.
 *
 * Since: 0.2
 */
DX_EXPORT gssize dx_decision_get_param_value_index(const DxDecision *self, size_t param) G_GNUC_NON_NULL(1);

/**
 * dx_decision_list_get_ruleset:
 * @self: a decision list
 *
 * Gets the ruleset the decisions were made with (the list holds a
 * reference to it, so it stays valid as long as @self).
 *
 * Returns: (transfer none): the ruleset.
 *
 * Since: 0.2
 */
DX_EXPORT DxRuleset *dx_decision_list_get_ruleset(const DxDecisionList *self) G_GNUC_NON_NULL(1);

G_END_DECLS

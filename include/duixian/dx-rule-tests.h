/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-rule-tests
 * @title: Rule tests
 * @short_description: cases a policy analyst writes, and their coverage
 *
 * Rule tests (duixian test): YAML files of cases, each an application and
 * what its decision must be, run against a rules file. A tests file is a
 * list of maps:
 * |[
 * - name: 总部落户，按上限核定
 *   approval_date: 2022-06-30        # optional: a whole round; else steps 1-6
 *   set: {hq_rate: 1.5%}             # optional what-if settings
 *   application: {policy: FIN-HQ, submitted_on: 2022-05-10, 注册地: 武昌区, 实缴资本: 12亿元}
 *   expect:
 *     status: reduced
 *     computed: 1200万元
 *     granted: 500万元
 *     reasons: [award_rate, capped]
 *     messages: [按单项上限]        # each a part of some reason's sentence
 * ]|
 * app_id and enterprise_id are made up when a case does not give them.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_rule_tests_new:
 * @rules_path: (type filename): the rules file the cases test
 * @error: return location for a #GError, or %NULL
 *
 * Loads the rules for a run of rule tests.
 *
 * Returns: (transfer full) (nullable): the tests, no cases yet; free with
 *   dx_rule_tests_free(). %NULL with the rules' error.
 *
 * Since: 0.2
 */
DX_EXPORT DxRuleTests *dx_rule_tests_new(const char *rules_path, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_free:
 * @self: (nullable): rule tests
 *
 * Frees the tests.
 *
 * Since: 0.2
 */
DX_EXPORT void dx_rule_tests_free(DxRuleTests *self);

/**
 * dx_rule_tests_add_file:
 * @self: rule tests not run yet
 * @path: (type filename): a tests file (YAML, a list of cases)
 * @error: return location for a #GError, or %NULL
 *
 * Reads the cases of @path.
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_RULES_INVALID
 *   ("file:line:col: what is wrong") for a case that is not well formed,
 *   or the YAML or I/O error
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_rule_tests_add_file(DxRuleTests *self, const char *path, GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_rule_tests_run:
 * @self: rule tests not run yet
 *
 * Decides every case, each on its own (a batch of one, or a round of one
 * on its approval date), and compares it with what it expects.
 *
 * Returns: %TRUE when every case passed.
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_rule_tests_run(DxRuleTests *self) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_get_n_cases:
 * @self: rule tests
 *
 * Gets the number of cases read.
 *
 * Returns: the number of cases.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_rule_tests_get_n_cases(DxRuleTests *self) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_get_n_failed:
 * @self: rule tests that ran
 *
 * Gets the number of cases that failed.
 *
 * Returns: the number of failures.
 *
 * Since: 0.2
 */
DX_EXPORT size_t dx_rule_tests_get_n_failed(DxRuleTests *self) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_dup_report:
 * @self: rule tests that ran
 *
 * One line per failing case, `file:line: name: status: expected X, got Y;
 * …`, then `N passed, N failed`.
 *
 * Returns: (transfer full): the report; free with g_free().
 *
 * Since: 0.2
 */
DX_EXPORT char *dx_rule_tests_dup_report(DxRuleTests *self) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_dup_junit:
 * @self: rule tests that ran
 *
 * The results as JUnit XML, for CI systems: one testcase per case, named by
 * the case and classed by its file:line, with a failure message for each
 * failure.
 *
 * Returns: (transfer full): the XML; free with g_free().
 *
 * Since: 0.2
 */
DX_EXPORT char *dx_rule_tests_dup_junit(DxRuleTests *self) G_GNUC_NON_NULL(1);

/**
 * dx_rule_tests_dup_coverage:
 * @self: rule tests that ran
 * @n_uncovered: (out) (optional): how many items no case reached
 *
 * One line per policy no case decided, award never computed, cap never
 * reached, and clause never true or never false. A clause counts as true
 * when a decision of its policy passed every clause, and as false when a
 * decision failed it (clause_failed).
 *
 * Returns: (transfer full): the lines, "" when everything was reached; free
 *   with g_free().
 *
 * Since: 0.2
 */
DX_EXPORT char *dx_rule_tests_dup_coverage(DxRuleTests *self, size_t *n_uncovered) G_GNUC_NON_NULL(1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxRuleTests, dx_rule_tests_free)

G_END_DECLS

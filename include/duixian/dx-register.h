/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-register
 * @title: Register
 * @short_description: matching a whole enterprise register (免申即享)
 *
 * Every enterprise of a register (a CSV with one row per enterprise, an
 * `enterprise_id` column and no `policy`, `app_id` or `submitted_on`
 * column) matched against every policy of a ruleset on one date, in
 * matching mode (docs/rules.md §6). The results come to a callback one
 * enterprise at a time, in byte order of enterprise_id whatever the
 * register's order, so a caller can stream them to files without holding
 * them. The register is decided in blocks of enterprises, so memory holds
 * the register's text and one block's decisions, not every enterprise ×
 * policy; a ruleset with a ranked or other batch-wide format-2 policy
 * (§10-§12) is decided in one block, as ranking compares enterprises.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * DxRegisterFunc:
 * @enterprise_id: the enterprise, as its cell reads without quotes
 * @decisions: (array length=n_policies): the decision for each policy, in
 *   the ruleset's policy order (dx_ruleset_get_policy_id()); %NULL where
 *   the policy does not apply (matching mode wrote no decision: not
 *   eligible). An invalid row gives every policy the same decision.
 * @n_policies: dx_ruleset_get_n_policies()
 * @user_data: the data given to dx_register_match()
 * @error: return location for a #GError
 *
 * Receives one enterprise's results. The decisions are borrowed for the
 * call only.
 *
 * Returns: %TRUE to go on, %FALSE (with @error set) to stop
 *
 * Since: 0.2
 */
typedef gboolean (*DxRegisterFunc)(const char *enterprise_id, const DxDecision *const *decisions,
                                   gsize n_policies, void *user_data, GError **error);

/**
 * dx_register_match:
 * @ruleset: the rules
 * @name: the register's name in messages (its path, say)
 * @data: the register's CSV text (borrowed for the call)
 * @len: bytes in @data
 * @date: the date every enterprise is matched on, `YYYY-MM-DD`
 * @threads: deciding threads, 1 to 64 (dx_batch_set_threads())
 * @func: called once per enterprise, in byte order of enterprise_id
 * @user_data: passed to @func
 * @error: return location for a #GError, or %NULL
 *
 * Matches every enterprise of a register against every policy of
 * @ruleset, as if each row were an application for no policy submitted
 * on @date whose app_id is its enterprise_id. @func is called on the
 * caller's thread, one enterprise at a time, while the next block is
 * decided on other threads (@threads of them). A register whose header has a `policy`,
 * `app_id` or `submitted_on` column or no `enterprise_id` column, an
 * empty or repeated enterprise_id is %DX_ERROR_INPUT_INVALID, reported
 * before @func is called for anyone. A record the batch's reader cannot
 * read (an unclosed quote, say) is its error, with the same message as
 * when the register is read whole, and may come after @func was called
 * for earlier blocks: a caller writing files writes them under temporary
 * names and renames them once this returns %TRUE.
 *
 * Returns: %TRUE, or %FALSE with @error set (by this function or by @func)
 *
 * Since: 0.2
 */
DX_EXPORT gboolean dx_register_match(DxRuleset *ruleset, const char *name, const char *data, gsize len,
                                     const char *date, guint threads, DxRegisterFunc func, void *user_data,
                                     GError **error) G_GNUC_NON_NULL(1, 2, 3, 5, 7);

G_END_DECLS

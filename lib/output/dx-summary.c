/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * summary.json (docs/rules.md, "Output files"): a round's tallies as JSON
 * with sorted keys and fen integers. The round writes it after a run and
 * dx_ledger_export_round() writes it again from the ledger; both call
 * dx_summary_json(), so the two are the same bytes.
 */
#include "duixian/duixian.h"
#include "base/dx-json-private.h"
#include "decide/dx-decision-private.h"
#include "output/dx-summary-private.h"

#include <string.h>

static int
cmp_index_by_key(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const char *const *keys = user_data;

    return strcmp(keys[*(const guint *)a], keys[*(const guint *)b]);
}

/* Indices 0..n-1 ordered by @keys, so objects come out with sorted keys. */
static guint *
sorted_indices(const char **keys, guint n)
{
    guint *idx = g_new(guint, MAX(n, 1));

    for (guint i = 0; i < n; i++)
        idx[i] = i;
    g_qsort_with_data(idx, (gint)n, sizeof(guint), cmp_index_by_key, keys);
    return idx;
}

char *
dx_summary_json(const DxRuleset *rs, const char *approval_date, guint n_decisions, const size_t status_counts[8],
                const size_t *applied, const size_t *approved, const int64_t *pol_granted, int64_t granted,
                const DxEnvelopeUse *use)
{
    GString *out;
    g_autofree const char **env_keys = NULL, **pol_keys = NULL;
    g_autofree guint *env_order = NULL, *pol_order = NULL;
    static const char *const status_order[] = {
        /* every status, keys sorted */
        "approved", "duplicate", "error", "incomplete", "invalid", "reduced", "rejected", "unfunded",
    };

    env_keys = g_new(const char *, MAX(rs->n_envelopes, 1));
    for (guint e = 0; e < rs->n_envelopes; e++)
        env_keys[e] = rs->envelopes[e].key;
    pol_keys = g_new(const char *, MAX(rs->n_policies, 1));
    for (guint p = 0; p < rs->n_policies; p++)
        pol_keys[p] = rs->policies[p].id;
    env_order = sorted_indices(env_keys, rs->n_envelopes);
    pol_order = sorted_indices(pol_keys, rs->n_policies);

    out = g_string_new("{\n  \"approval_date\": ");
    dx_json_append_string(out, approval_date);
    g_string_append_printf(out, ",\n  \"decisions\": %u,\n  \"envelopes\": {", n_decisions);
    for (guint i = 0; i < rs->n_envelopes; i++) {
        guint e = env_order[i];
        const DxEnvelopeUse *u = &use[e];

        g_string_append_printf(out, "%s\n    ", i > 0 ? "," : "");
        dx_json_append_string(out, env_keys[e]);
        g_string_append_printf(out,
                               ": {\"charged_before\": %" G_GINT64_FORMAT ", \"granted\": %" G_GINT64_FORMAT
                               ", \"remaining\": %" G_GINT64_FORMAT ", \"requested\": %" G_GINT64_FORMAT
                               ", \"total\": %" G_GINT64_FORMAT "}",
                               u->charged_before_fen, u->granted_fen,
                               u->total_fen - u->charged_before_fen - u->granted_fen, u->requested_fen,
                               u->total_fen);
    }
    g_string_append(out, "\n  },\n  \"format\": \"duixian/1\",\n  \"fund\": ");
    dx_json_append_string(out, rs->fund_id);
    g_string_append_printf(out, ",\n  \"granted_fen\": %" G_GINT64_FORMAT ",", granted);
    if (rs->overrides != NULL && rs->overrides->len > 0) {
        /* a what-if (--set): the key exists only then, so other rounds'
         * summaries stay as they were */
        g_string_append(out, "\n  \"overrides\": [");
        for (guint i = 0; i < rs->overrides->len; i++) {
            g_string_append(out, i > 0 ? ", " : "");
            dx_json_append_string(out, g_ptr_array_index(rs->overrides, i));
        }
        g_string_append(out, "],");
    }
    g_string_append(out, "\n  \"policies\": {");
    for (guint i = 0; i < rs->n_policies; i++) {
        guint p = pol_order[i];

        g_string_append_printf(out, "%s\n    ", i > 0 ? "," : "");
        dx_json_append_string(out, pol_keys[p]);
        g_string_append_printf(out, ": {\"applied\": %zu, \"approved\": %zu, \"granted_fen\": %" G_GINT64_FORMAT "}",
                               applied[p], approved[p], pol_granted[p]);
    }
    g_string_append(out, "\n  },\n  \"shortfall\": ");
    dx_json_append_string(out, dx_ruleset_get_shortfall(rs));
    g_string_append(out, ",\n  \"status_counts\": {");
    for (guint i = 0; i < G_N_ELEMENTS(status_order); i++) {
        size_t n = 0;

        for (int s = 0; s < 8; s++) {
            if (strcmp(dx_status_to_string((DxStatus)s), status_order[i]) == 0)
                n = status_counts[s];
        }
        g_string_append_printf(out, "%s\"%s\": %zu", i > 0 ? ", " : "", status_order[i], n);
    }
    g_string_append(out, "}\n}\n");
    return g_string_free(out, FALSE);
}

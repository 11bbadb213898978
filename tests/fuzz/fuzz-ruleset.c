/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness: the ruleset loader (YAML -> validated, compiled rules).
 * Any input must give a ruleset or a DX_ERROR with a one-line message;
 * never a crash, a hang or unbounded memory. See tests/fuzz/README.md.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "duixian/duixian.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    DxRuleset *rs = dx_ruleset_load_data((const char *)data, (gssize)size, "fuzz", NULL, &err);
    if (rs == NULL) {
        g_assert(err != NULL);
        g_assert(err->domain == DX_ERROR);
        g_assert(strchr(err->message, '\n') == NULL);
        g_error_free(err);
        return 0;
    }
    g_assert(err == NULL);
    /* Touch the compiled ruleset and decide one empty application. */
    for (size_t i = 0; i < dx_ruleset_get_n_envelopes(rs); i++)
        (void)dx_ruleset_get_envelope_total_fen(rs, i);
    DxApplication *app = dx_application_new(rs);
    dx_application_set(app, "app_id", "A1", NULL);
    dx_application_set(app, "enterprise_id", "E1", NULL);
    dx_application_set(app, "submitted_on", "2022-05-10", NULL);
    DxDecisionList *dl = dx_ruleset_decide(rs, app);
    dx_decision_list_unref(dl);
    dx_application_free(app);
    dx_ruleset_unref(rs);
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness: the YAML/JSON application reader, through
 * dx_batch_add_yaml_data() with rules/wuchang-2022.yaml, then a decision
 * of the batch. Bad rows must become invalid decisions, bad files errors.
 */
#include <stdint.h>
#include <string.h>
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    DxBatch *b = dx_batch_new(fuzz_get_rules());
    if (dx_batch_add_yaml_data(b, (const char *)data, (gssize)size, "fuzz.yaml", NULL, &err)) {
        DxDecisionList *dl = dx_batch_decide(b);
        for (size_t i = 0; i < dx_decision_list_get_n_items(dl); i++)
            g_assert(dx_decision_list_get_item(dl, i) != NULL);
        dx_decision_list_unref(dl);
    } else {
        g_assert(err != NULL && err->domain == DX_ERROR);
        g_assert(strchr(err->message, '\n') == NULL);
        g_error_free(err);
    }
    dx_batch_free(b);
    return 0;
}

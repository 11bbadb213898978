/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Shared by the application-reader harnesses: the ruleset they read against. */
#pragma once
#include <stdlib.h>
#include <glib.h>
#include "duixian/duixian.h"

#ifndef DX_FUZZ_RULES
#error "DX_FUZZ_RULES (a ruleset path) must be defined by the build"
#endif

static DxRuleset *fuzz_rules;

static DxRuleset *
fuzz_get_rules(void)
{
    if (fuzz_rules == NULL) {
        const char *path = g_getenv("DX_FUZZ_RULES");
        GError *err = NULL;
        fuzz_rules = dx_ruleset_load_file(path ? path : DX_FUZZ_RULES, NULL, &err);
        if (fuzz_rules == NULL)
            g_error("fuzz: cannot load rules: %s", err->message);
    }
    return fuzz_rules;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 * DxLoadOptions: plain limits copied into whatever uses them. */
#pragma once

#include "duixian/dx-types.h"
#include "base/dx-limits-private.h"

struct _DxLoadOptions {
    DxYamlLimits yaml;        /* rules files */
    DxYamlLimits app_yaml;    /* YAML/JSON application files */
    DxExprLimits expr;
    DxCsvLimits csv;
    DxEncoding encoding;
    guint max_policies;
    guint max_fields;
    GPtrArray *overrides;     /* (owned) (nullable) "NAME=VALUE" what-if settings, in order */
};

/* Fills @out with @options, or with the defaults when @options is NULL. */
G_GNUC_INTERNAL void dx_load_options_resolve(const DxLoadOptions *options, DxLoadOptions *out);

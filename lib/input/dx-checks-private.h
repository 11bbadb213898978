/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The checks file (docs/rules.md §13, §14): what each enterprise's data is
 * when a payment run or a commitment review looks at it. One row per
 * enterprise: `enterprise_id` and any declared fields (names, aliases or
 * labels, as an application); cells and defaults as §2. The grant
 * supplies app_id, submitted_on and policy, so those columns are ignored
 * (with a warning), as are columns that name no field.
 *
 * Unlike a batch, where a bad row becomes an `invalid` decision, every
 * problem here is fatal: money is paid or held on these rows, so a row the
 * run cannot read must stop it before anything is committed.
 */
#pragma once

#include <glib.h>
#include "duixian/dx-types.h"
#include "input/dx-application-private.h"

typedef struct _DxChecks DxChecks;

/* Reads @path: CSV, or a YAML/JSON list of maps when its name ends in
 * .yaml, .yml or .json. NULL with @error set ("path:line:col: field: why")
 * on a bad cell, a wrong cell count, an empty enterprise_id, two rows of
 * one enterprise, or no enterprise_id column. */
G_GNUC_INTERNAL DxChecks *dx_checks_read_file(DxRuleset *rs, const char *path, const DxLoadOptions *options,
                                              GError **error);
G_GNUC_INTERNAL void dx_checks_free(DxChecks *checks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxChecks, dx_checks_free)

/* The row of @enterprise_id, or NULL (borrowed, lives with @checks). Its
 * app_id, submitted_on and policy slots are never present. */
G_GNUC_INTERNAL const DxApplication *dx_checks_lookup(const DxChecks *checks, const char *enterprise_id);
G_GNUC_INTERNAL guint dx_checks_get_n_rows(const DxChecks *checks);
/* Hex SHA-256 of the file, for the ledger entry that used it. */
G_GNUC_INTERNAL const char *dx_checks_get_sha256(const DxChecks *checks);
/* Warnings (ignored columns), one sentence each, NULL-terminated; borrowed. */
G_GNUC_INTERNAL const char *const *dx_checks_get_warnings(const DxChecks *checks);

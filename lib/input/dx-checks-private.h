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

/* One enterprise's row: a value per ruleset slot and a presence flag, as
 * an application has (app_id, submitted_on and policy never present). */
typedef struct {
    const DxValue *slots;
    const guint8 *present;
    guint64 line;                /* where the row starts in the file */
} DxChecksRow;

/* Reads @path: CSV, or a YAML/JSON list of maps when its name ends in
 * .yaml, .yml or .json. NULL with @error set ("path:line:col: field: why")
 * on a bad cell, a wrong cell count, an empty enterprise_id, two rows of
 * one enterprise, or no enterprise_id column. */
G_GNUC_INTERNAL DxChecks *dx_checks_read_file(DxRuleset *rs, const char *path, const DxLoadOptions *options,
                                              GError **error);
G_GNUC_INTERNAL void dx_checks_free(DxChecks *checks);
/* dx_checks_read_file() into *@slot, replacing what it held only when
 * the file is read (a payment run's or a review's checks). */
G_GNUC_INTERNAL gboolean dx_checks_read_into(DxChecks **slot, DxRuleset *rs, const char *path,
                                             const DxLoadOptions *options, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxChecks, dx_checks_free)

/* Fills @row with the row of @enterprise_id (borrowed, lives with
 * @checks) and returns TRUE, or FALSE when there is none (or @checks is
 * NULL). */
G_GNUC_INTERNAL gboolean dx_checks_lookup(const DxChecks *checks, const char *enterprise_id, DxChecksRow *row);
G_GNUC_INTERNAL guint dx_checks_get_n_rows(const DxChecks *checks);
/* TRUE when the file has a column (or key) for @slot. */
G_GNUC_INTERNAL gboolean dx_checks_has_slot(const DxChecks *checks, guint slot);
/* Hex SHA-256 of the file, for the ledger entry that used it. */
G_GNUC_INTERNAL const char *dx_checks_get_sha256(const DxChecks *checks);
/* Warnings (ignored columns), one sentence each, NULL-terminated; borrowed. */
G_GNUC_INTERNAL const char *const *dx_checks_get_warnings(const DxChecks *checks);
/* The same, or an empty list when @checks is NULL. */
G_GNUC_INTERNAL const char *const *dx_checks_get_warnings_or_none(const DxChecks *checks);

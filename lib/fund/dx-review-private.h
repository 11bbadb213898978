/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A commitment review of one grant (docs/rules.md §14): its policy's
 * `keep` clauses judged on the enterprise's checks row with the
 * parameters of the review date.
 */
#pragma once

#include <glib.h>
#include "rules/dx-ruleset-private.h"
#include "input/dx-checks-private.h"

typedef enum {
    DX_REVIEW_KEPT,
    DX_REVIEW_BREACHED,   /* a keep clause is false: claw back */
    DX_REVIEW_MISSING,    /* none false, some unknown: no change, commitment_missing */
    DX_REVIEW_ERROR,      /* some clause cannot be computed: no change, eval_error */
} DxReviewOutcome;

/* Judges @pol's commitment (non-NULL) on @row at @day. Appends the codes
 * (joined by ';': commitment_breached per false clause, commitment_missing
 * per missing field, eval_error per clause in error) to @codes. For a
 * breach, @names gets the false clauses' names joined by "」「" and
 * @detail their values ("注册地为 “东湖高新区”，要求为 “武昌区”", joined by
 * "；"), for the caller's sentence once the amounts are known; for missing
 * and error, @text gets the whole sentence. */
G_GNUC_INTERNAL DxReviewOutcome dx_review_judge(const DxRuleset *rs, const DxPolicy *pol, const DxChecksRow *row,
                                                gint32 day, const int64_t *received, GString *codes,
                                                GString *names, GString *detail, GString *text);

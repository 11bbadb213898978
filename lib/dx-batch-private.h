/* SPDX-License-Identifier: LGPL-2.1-or-later
 * DxBatch internals shared with the readers and the round. */
#pragma once

#include "duixian/dx-types.h"
#include "duixian/dx-batch.h"
#include "dx-csv-private.h"
#include "dx-decision-private.h"

struct _DxBatch {
    DxRuleset *rs;              /* (owned ref) */
    DxDecisionList *list;       /* (owned) decisions so far */
    DxDecideScratch scratch;
    DxApplication *reader_app;  /* reused by the readers */
    guint64 n_rows;
    GPtrArray *warnings;        /* char* */
    DxProgressFunc progress;
    void *progress_data;
    gboolean finished;          /* decided: no more applications */
    GPtrArray *input_hashes;    /* SHA-256 hex of each input, in order */
    char *input_sha256;         /* combined, made on demand */
};

G_GNUC_INTERNAL void dx_batch_add_warning(DxBatch *self, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
G_GNUC_INTERNAL gboolean dx_batch_read_csv(DxBatch *self, DxCsvReader *reader, GError **error);
G_GNUC_INTERNAL gboolean dx_batch_read_yaml(DxBatch *self, const char *name, const char *data, gsize len,
                                            const DxLoadOptions *options, GError **error);
/* Takes the decisions out of a finished batch for a round to finish. */
G_GNUC_INTERNAL DxDecisionList *dx_batch_steal_list(DxBatch *self);

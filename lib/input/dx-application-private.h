/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An application: one value per ruleset slot plus a presence flag, and the
 * cells that could not be read (problems). Readers fill it row by row and
 * reuse it; text values may borrow the reader's buffer (valid until the
 * next row) or live in the application's own string chunk (API setters).
 */
#pragma once

#include "duixian/dx-types.h"
#include "rules/dx-ruleset-private.h"

typedef struct {
    guint slot;             /* G_MAXUINT when the problem is the row itself */
    guint column;           /* 1-based input column, 0 if none */
    char *message;          /* owned, English, e.g. "“12.345元”: more than 2 decimals of 元" */
} DxCellProblem;

struct _DxApplication {
    DxRuleset *rs;          /* (owned ref) */
    DxValue *slots;         /* n_fields; a text value is always NUL-terminated at
                             * its length (reader cells, YAML scalars and chunk
                             * copies all are), so it can be used as a C string */
    guint8 *present;        /* n_fields */
    GStringChunk *texts;    /* copies made by API setters */
    GArray *problems;       /* DxCellProblem */
    guint64 row;            /* source line, 0 when built through the API */
    gint policy;            /* the policy slot's text looked up in the ruleset when
                             * it was set (index, or -1 if none has that id);
                             * valid while present[DX_SLOT_POLICY] */
};

/* Forgets values and problems; keeps the buffers for reuse. */
G_GNUC_INTERNAL void dx_application_reset(DxApplication *app);

/* Parses a cell for @slot. Empty (after trimming) leaves the slot missing.
 * @copy: copy text into the application (else it is borrowed). A bad cell
 * is recorded as a problem naming @column and returns FALSE. */
G_GNUC_INTERNAL gboolean dx_application_set_slot_cell(DxApplication *app, guint slot, const char *cell,
                                                      gsize len, gboolean copy, guint column,
                                                      const char **why);

/* Copies every borrowed text value into the application's own chunk, so
 * that it outlives the reader's buffer. */
G_GNUC_INTERNAL void dx_application_own_texts(DxApplication *app);

G_GNUC_INTERNAL void dx_application_add_problem(DxApplication *app, guint slot, guint column,
                                                const char *fmt, ...) G_GNUC_PRINTF(4, 5);

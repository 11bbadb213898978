/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Typed values (spec: fields and expressions): what a cell parses to, what
 * an expression evaluates to. They live in the base layer because cells
 * (input), expressions and the rules loader (field defaults) all make them.
 * A text value borrows its bytes; nothing here allocates.
 */
#pragma once

#include <glib.h>
#include "base/dx-num-private.h"

/* Types of expressions; an `integer` field is a NUMBER here (§3). */
typedef enum {
    DX_TYPE_NONE = 0,
    DX_TYPE_BOOL,
    DX_TYPE_NUMBER,
    DX_TYPE_MONEY,   /* rational count of fen */
    DX_TYPE_DATE,
    DX_TYPE_TEXT,
    DX_TYPE_LIST,
} DxType;

typedef struct {
    guint8 type;            /* DxType */
    guint8 elem;            /* NUMBER constants: 1 if written as %, 2 as ‰ (for display) */
    union {
        gboolean b;
        DxRat r;            /* NUMBER, MONEY */
        gint32 date;
        struct {
            const char *s;  /* borrowed: from the tree or the application */
            guint32 len;
        } t;
    } u;
} DxValue;

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The limits every reader enforces (YAML, CSV, expressions), as plain
 * structs with their defaults. They live in the base layer so that
 * DxLoadOptions can hold them without depending on the readers above it.
 */
#pragma once

#include <glib.h>

typedef struct {
    guint max_depth;        /* nested collections (default 64) */
    gsize max_scalar_bytes; /* one scalar (default 1 MiB) */
    gsize max_nodes;        /* nodes in the document (default 1,000,000) */
    gsize max_input_bytes;  /* the whole input (default 16 MiB) */
} DxYamlLimits;

#define DX_YAML_DEFAULT_MAX_DEPTH 64u
#define DX_YAML_DEFAULT_MAX_SCALAR_BYTES ((gsize)1 << 20)
#define DX_YAML_DEFAULT_MAX_NODES ((gsize)1000000)
#define DX_YAML_DEFAULT_MAX_INPUT_BYTES ((gsize)16 << 20)

typedef struct {
    guint max_depth;        /* nesting of the expression (default 64) */
    gsize max_length;       /* bytes of one expression (default 64 KiB) */
} DxExprLimits;

#define DX_EXPR_DEFAULT_MAX_DEPTH 64u
#define DX_EXPR_DEFAULT_MAX_LENGTH ((gsize)64 << 10)

typedef struct {
    gsize max_record_bytes;   /* one record, after decoding (default 1 MiB) */
    guint max_columns;        /* cells in one record (default 4096) */
} DxCsvLimits;

#define DX_CSV_DEFAULT_MAX_RECORD_BYTES (1u << 20)
#define DX_CSV_DEFAULT_MAX_COLUMNS 4096u

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * YAML documents as a small read-only tree of scalars, mappings and
 * sequences with 1-based line:column marks. dx-yaml-loader.c is the only
 * file that includes <yaml.h>; everything else walks this tree.
 *
 * Spec §1 rules enforced here, for every YAML we read (rules and
 * application files): exactly one document; no anchors, aliases or tags;
 * mapping keys are scalars and unique; depth, scalar size, node count and
 * input size are bounded by DxYamlLimits without touching libyaml's
 * process-wide nesting limit. No implicit typing: every scalar is text.
 */
#pragma once

#include <glib.h>
#include "base/dx-limits-private.h"

typedef enum {
    DX_YAML_SCALAR = 0,
    DX_YAML_MAP = 1,
    DX_YAML_SEQ = 2,
} DxYamlKind;

typedef struct _DxYamlNode DxYamlNode;
struct _DxYamlNode {
    DxYamlKind kind;
    guint line, col;        /* 1-based start of the node in the input */
    /* SCALAR: */
    const char *text;       /* NUL-terminated UTF-8, owned by the document */
    gsize len;              /* bytes, without the NUL (text may not contain NUL) */
    gboolean plain;         /* plain style (not quoted, not a block scalar) */
    /* MAP: n_items pairs keys[i] -> values[i], in document order.
     * SEQ: n_items entries in values[i]; keys is NULL. */
    guint n_items;
    DxYamlNode **keys;      /* keys are always SCALAR nodes */
    DxYamlNode **values;
};


typedef struct _DxYamlDoc DxYamlDoc;

/* Parses @data (borrowed for the call only). @name prefixes messages:
 * "<name>:<line>:<col>: <message>". @limits NULL means the defaults.
 * Errors: DX_ERROR_YAML_SYNTAX (libyaml's complaint, or an anchor, alias,
 * tag, second document, non-scalar or duplicate key), DX_ERROR_LIMIT.
 * An empty document yields a root that is NULL (dx_yaml_doc_get_root). */
G_GNUC_INTERNAL DxYamlDoc *
dx_yaml_parse(const char *name, const char *data, gsize len, const DxYamlLimits *limits,
              GError **error);

/* Reads @path then parses it; DX_ERROR_IO if it cannot be read, DX_ERROR_LIMIT
 * if it is larger than max_input_bytes (checked before reading it whole). */
G_GNUC_INTERNAL DxYamlDoc *
dx_yaml_parse_file(const char *path, const DxYamlLimits *limits, GError **error);

/* Returns: (transfer none) (nullable): the root node, valid as long as @doc. */
G_GNUC_INTERNAL const DxYamlNode *dx_yaml_doc_get_root(const DxYamlDoc *doc);

/* Returns: (transfer none) (nullable): the value for @key in a MAP node. */
G_GNUC_INTERNAL const DxYamlNode *dx_yaml_map_lookup(const DxYamlNode *map, const char *key);

G_GNUC_INTERNAL void dx_yaml_doc_free(DxYamlDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxYamlDoc, dx_yaml_doc_free)

/* dx-yaml-words.c: libyaml's @problem (with its @context, and @at, the byte
 * the problem points at) as one sentence with the fix, or NULL when there
 * are no better words; and the thing the context names ("the [ opened"). */
G_GNUC_INTERNAL const char *dx_yaml_problem_words(const char *problem, const char *context, char at);
G_GNUC_INTERNAL const char *dx_yaml_context_words(const char *context);
/* Line and column (1-based, in characters) of byte @offset of @data. */
G_GNUC_INTERNAL void dx_yaml_offset_to_line_col(const char *data, gsize len, gsize offset, guint *line, guint *col);
/* The byte at 0-based @line and @column (characters) of @data, 0 past the end. */
G_GNUC_INTERNAL char dx_yaml_char_at(const char *data, gsize len, size_t line, size_t column);
/* A key as a message shows it: quoted, one line, at most 60 characters
 * (long ones are cut so an error stays short). */
#define DX_YAML_KEY_QUOTE_CHARS 60
G_GNUC_INTERNAL char *dx_yaml_quote_key(const char *text);

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Turns one YAML document into the read-only DxYamlNode tree of
 * dx-yaml-private.h, enforcing the docs/rules.md §1 rules while libyaml's events
 * stream past: no anchors, aliases or tags, one document, scalar and unique
 * mapping keys, and the DxYamlLimits bounds. This is the only file that
 * includes <yaml.h>.
 *
 * Invariant: the tree is built iteratively. Open collections live on an
 * explicit frame stack and their children on one shared pending array, so
 * nesting costs heap, never C stack, and the depth limit is checked before a
 * frame is pushed. Every node, child array and text lives in the document
 * (a bump arena plus a GStringChunk): freeing the document frees the tree.
 *
 * Deliberately not done: no implicit typing (`on`, `010`, `~` stay text), no
 * alias expansion (an alias is an error at the alias itself, so "billion
 * laughs" costs nothing), and no call to yaml_set_max_nest_level(), which
 * would change a process-wide setting under other libyaml users.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "rules/dx-yaml-private.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <yaml.h>

/* Nodes and child arrays are carved from blocks of this size; a request
 * bigger than a block gets a block of its own. */
#define YAML_ARENA_BLOCK ((gsize)64 << 10)
#define YAML_ARENA_ALIGN ((gsize)16)

/* Below this many pairs a linear scan finds duplicate keys faster than
 * hashing; above it a per-mapping table keeps big mappings O(n). */
#define YAML_DUP_HASH_FROM 8u

/* What libyaml resolves the "!!" handle to (yaml.h has no name for it). */
#define YAML_TAG_PREFIX_CORE "tag:yaml.org,2002:"

struct _DxYamlDoc {
    DxYamlNode *root;         /* (nullable) borrowed from the arena */
    GStringChunk *texts;      /* (owned) scalar texts */
    GPtrArray *blocks;        /* (owned) (element-type guint8*) arena blocks */
    guint8 *next;             /* free space in the newest block */
    gsize left;
};

/* One open mapping or sequence. Its children sit in LoaderState.pending
 * from @first on: values for a sequence, key, value, key, ... for a map. */
typedef struct {
    DxYamlNode *node;
    guint first;
    GHashTable *seen; /* (owned) (nullable) key text -> key node, big maps only */
} LoaderFrame;

typedef struct {
    const char *name;
    const char *data;         /* after any UTF-8 BOM; for reader-error positions */
    gsize len;
    DxYamlLimits limits;
    DxYamlDoc *doc;
    GArray *frames;           /* (element-type LoaderFrame) open collections */
    GPtrArray *pending;       /* (element-type DxYamlNode*) children of open frames */
    gsize n_nodes;
    guint n_documents;
} LoaderState;

/* ------------------------------------------------------------------------
 * The document and its arena
 */

static DxYamlDoc *
yaml_doc_new(void)
{
    DxYamlDoc *doc = g_new0(DxYamlDoc, 1);

    doc->texts = g_string_chunk_new(4096);
    doc->blocks = g_ptr_array_new_with_free_func(g_free);
    return doc;
}

void
dx_yaml_doc_free(DxYamlDoc *doc)
{
    if (doc == NULL)
        return;
    g_string_chunk_free(doc->texts);
    g_ptr_array_unref(doc->blocks);
    g_free(doc);
}

/* Returns zeroed memory owned by @doc, aligned for any node or pointer. */
static gpointer
yaml_doc_alloc(DxYamlDoc *doc, gsize size)
{
    guint8 *p;

    size = (size + YAML_ARENA_ALIGN - 1) & ~(YAML_ARENA_ALIGN - 1);
    if (size > doc->left) {
        gsize block = MAX(size, YAML_ARENA_BLOCK);

        /* g_malloc0 memory is aligned for every fundamental type */
        doc->next = g_malloc0(block);
        doc->left = block;
        g_ptr_array_add(doc->blocks, doc->next);
    }
    p = doc->next;
    doc->next += size;
    doc->left -= size;
    return p;
}

const DxYamlNode *
dx_yaml_doc_get_root(const DxYamlDoc *doc)
{
    g_return_val_if_fail(doc != NULL, NULL);
    return doc->root;
}

const DxYamlNode *
dx_yaml_map_lookup(const DxYamlNode *map, const char *key)
{
    g_return_val_if_fail(map != NULL, NULL);
    g_return_val_if_fail(key != NULL, NULL);

    if (map->kind != DX_YAML_MAP)
        return NULL;
    /* Callers look up a handful of known keys in small maps; a scan beats
     * keeping an index alive in every map. */
    for (guint i = 0; i < map->n_items; i++) {
        if (strcmp(map->keys[i]->text, key) == 0)
            return map->values[i];
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Positions and errors
 */

/* libyaml marks are 0-based and count characters (Unicode code points, a
 * tab is one), not bytes and not display cells; we report both 1-based,
 * as editors do. Sizes are clamped only to keep the guint fields sane. */
static guint
yaml_mark_to_1based(size_t v)
{
    return v >= G_MAXUINT ? G_MAXUINT : (guint)v + 1;
}

static gboolean G_GNUC_PRINTF(5, 6)
yaml_fail_at(LoaderState *st, GError **error, gint code, const yaml_mark_t *mark,
             const char *format, ...)
{
    g_autofree char *what = NULL;
    va_list args;

    va_start(args, format);
    what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, DX_ERROR, code, "%s:%u:%u: %s", st->name,
                yaml_mark_to_1based(mark->line), yaml_mark_to_1based(mark->column), what);
    return FALSE;
}

static gboolean
yaml_fail_libyaml(LoaderState *st, const yaml_parser_t *yp, GError **error)
{
    const char *problem = yp->problem != NULL ? yp->problem : "invalid YAML";
    guint line, col;

    switch (yp->error) {
    case YAML_MEMORY_ERROR:
        g_set_error(error, DX_ERROR, DX_ERROR_FAILED, "%s: libyaml ran out of memory", st->name);
        return FALSE;
    case YAML_READER_ERROR:
        /* no mark: problem_offset is a byte offset into what we handed over */
        dx_yaml_offset_to_line_col(st->data, st->len, yp->problem_offset, &line, &col);
        /* the value is the offending byte or code point, -1 at a cut-off end */
        if (yp->problem_value >= 0)
            g_set_error(error, DX_ERROR, DX_ERROR_YAML_SYNTAX, "%s:%u:%u: %s (0x%X)", st->name,
                        line, col, problem, (guint)yp->problem_value);
        else
            g_set_error(error, DX_ERROR, DX_ERROR_YAML_SYNTAX, "%s:%u:%u: %s", st->name, line,
                        col, problem);
        return FALSE;
    default: {
        const char *words = dx_yaml_problem_words(problem, yp->context,
                                                  dx_yaml_char_at(st->data, st->len, yp->problem_mark.line, yp->problem_mark.column));
        const char *where = dx_yaml_context_words(yp->context);

        if (words == NULL) {
            /* not in the table: libyaml's words, marked as YAML's */
            if (yp->context != NULL)
                return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &yp->problem_mark,
                                    "YAML: %s (%s at %u:%u)", problem, yp->context,
                                    yaml_mark_to_1based(yp->context_mark.line),
                                    yaml_mark_to_1based(yp->context_mark.column));
            return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &yp->problem_mark, "YAML: %s", problem);
        }
        if (where != NULL)
            return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &yp->problem_mark, "%s (%s at %u:%u)", words,
                                where, yaml_mark_to_1based(yp->context_mark.line),
                                yaml_mark_to_1based(yp->context_mark.column));
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &yp->problem_mark, "%s", words);
    }
    }
}

/* ------------------------------------------------------------------------
 * Building the tree from events
 */

static gboolean
yaml_check_props(LoaderState *st, const yaml_event_t *ev, const yaml_char_t *anchor,
                 const yaml_char_t *tag, GError **error)
{
    if (anchor != NULL)
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                            "anchors are not allowed (&%s)", (const char *)anchor);
    /* a tag is non-NULL only when written (`!!str`, `!x`, `!`); the
     * implicit flags merely say whether it could have been omitted */
    if (tag != NULL) {
        const char *t = (const char *)tag;
        /* libyaml hands over "!!str" resolved; show it as it was written */
        if (g_str_has_prefix(t, YAML_TAG_PREFIX_CORE))
            return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                                "tags are not allowed (!!%s)", t + strlen(YAML_TAG_PREFIX_CORE));
        {
            /* a local tag may hold %-decoded bytes, a line break included */
            g_autofree char *quoted = dx_yaml_quote_key(t);
            return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                                "tags are not allowed (%s)", quoted);
        }
    }
    return TRUE;
}

static LoaderFrame *
yaml_top(LoaderState *st)
{
    return st->frames->len > 0 ? &g_array_index(st->frames, LoaderFrame, st->frames->len - 1)
                               : NULL;
}

static gboolean
yaml_top_wants_key(LoaderState *st)
{
    LoaderFrame *top = yaml_top(st);

    return top != NULL && top->node->kind == DX_YAML_MAP &&
           (st->pending->len - top->first) % 2 == 0;
}

static gboolean
yaml_count_node(LoaderState *st, const yaml_event_t *ev, GError **error)
{
    if (++st->n_nodes > st->limits.max_nodes)
        return yaml_fail_at(st, error, DX_ERROR_LIMIT, &ev->start_mark,
                            "more than %" G_GSIZE_FORMAT " nodes", st->limits.max_nodes);
    return TRUE;
}

static DxYamlNode *
yaml_node_new(LoaderState *st, DxYamlKind kind, const yaml_event_t *ev)
{
    DxYamlNode *node = yaml_doc_alloc(st->doc, sizeof *node);

    node->kind = kind;
    node->line = yaml_mark_to_1based(ev->start_mark.line);
    node->col = yaml_mark_to_1based(ev->start_mark.column);
    return node;
}

/* @key is about to become the next key of the top mapping: is it new? */
static gboolean
yaml_check_duplicate(LoaderState *st, LoaderFrame *top, DxYamlNode *key, const yaml_event_t *ev,
                     GError **error)
{
    guint n_pairs = (st->pending->len - top->first) / 2;
    DxYamlNode *first = NULL;

    if (top->seen == NULL && n_pairs >= YAML_DUP_HASH_FROM) {
        top->seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = top->first; i < st->pending->len; i += 2) {
            DxYamlNode *k = g_ptr_array_index(st->pending, i);
            g_hash_table_insert(top->seen, (gpointer)k->text, k);
        }
    }
    if (top->seen != NULL) {
        first = g_hash_table_lookup(top->seen, key->text);
        if (first == NULL)
            g_hash_table_insert(top->seen, (gpointer)key->text, key);
    } else {
        for (guint i = top->first; i < st->pending->len && first == NULL; i += 2) {
            DxYamlNode *k = g_ptr_array_index(st->pending, i);
            /* texts hold no NUL, so strcmp compares the whole key; quoting
             * does not matter ("a" and a are one key, docs/rules.md §1) */
            if (k->len == key->len && strcmp(k->text, key->text) == 0)
                first = k;
        }
    }
    if (first != NULL) {
        g_autofree char *quoted = dx_yaml_quote_key(key->text);
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                            "duplicate key %s (first at line %u)", quoted, first->line);
    }
    return TRUE;
}

/* Hangs @node under the open collection, or makes it the root. */
static gboolean
yaml_attach(LoaderState *st, DxYamlNode *node, const yaml_event_t *ev, GError **error)
{
    LoaderFrame *top = yaml_top(st);

    if (top == NULL) {
        st->doc->root = node;
        return TRUE;
    }
    if (yaml_top_wants_key(st) && !yaml_check_duplicate(st, top, node, ev, error))
        return FALSE;
    g_ptr_array_add(st->pending, node);
    return TRUE;
}

static gboolean
yaml_on_scalar(LoaderState *st, const yaml_event_t *ev, GError **error)
{
    const yaml_char_t *value = ev->data.scalar.value;
    gsize len = ev->data.scalar.length;
    DxYamlNode *node;

    if (!yaml_check_props(st, ev, ev->data.scalar.anchor, ev->data.scalar.tag, error))
        return FALSE;
    if (len > st->limits.max_scalar_bytes)
        return yaml_fail_at(st, error, DX_ERROR_LIMIT, &ev->start_mark,
                            "scalar of %" G_GSIZE_FORMAT " bytes is longer than the limit of %"
                            G_GSIZE_FORMAT, len, st->limits.max_scalar_bytes);
    /* a double-quoted "\0" is valid YAML, but our texts are C strings */
    if (memchr(value, '\0', len) != NULL)
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                            "a scalar may not contain a NUL character");
    if (!yaml_count_node(st, ev, error))
        return FALSE;

    node = yaml_node_new(st, DX_YAML_SCALAR, ev);
    node->text = g_string_chunk_insert_len(st->doc->texts, (const char *)value, (gssize)len);
    node->len = len;
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return yaml_attach(st, node, ev, error);
}

static gboolean
yaml_on_collection_start(LoaderState *st, const yaml_event_t *ev, DxYamlKind kind, GError **error)
{
    const yaml_char_t *anchor, *tag;
    LoaderFrame frame = { 0 };
    DxYamlNode *node;

    if (kind == DX_YAML_MAP) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
    } else {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
    }
    if (!yaml_check_props(st, ev, anchor, tag, error))
        return FALSE;
    if (yaml_top_wants_key(st))
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                            "a mapping key must be a scalar, not a %s",
                            kind == DX_YAML_MAP ? "mapping" : "sequence");
    /* checked before pushing, so a 10,000-deep input stops at max_depth + 1 */
    if (st->frames->len >= st->limits.max_depth)
        return yaml_fail_at(st, error, DX_ERROR_LIMIT, &ev->start_mark,
                            "collections nested more than %u deep", st->limits.max_depth);
    if (!yaml_count_node(st, ev, error))
        return FALSE;

    node = yaml_node_new(st, kind, ev);
    if (!yaml_attach(st, node, ev, error))
        return FALSE;
    frame.node = node;
    frame.first = st->pending->len;
    g_array_append_val(st->frames, frame);
    return TRUE;
}

/* Closes the top collection: its children move from the pending array into
 * arrays owned by the document. */
static void
yaml_on_collection_end(LoaderState *st)
{
    LoaderFrame frame = *yaml_top(st); /* libyaml pairs every end with a start */
    DxYamlNode *node = frame.node;
    /* pdata is NULL while nothing was ever pending ("[]" at the top): no offset on NULL */
    DxYamlNode **children = st->pending->len > 0 ? (DxYamlNode **)st->pending->pdata + frame.first : NULL;
    guint n = st->pending->len - frame.first;

    g_array_set_size(st->frames, st->frames->len - 1);
    if (frame.seen != NULL)
        g_hash_table_unref(frame.seen);

    if (node->kind == DX_YAML_MAP) {
        /* libyaml always delivers a value (maybe an empty scalar) per key */
        node->n_items = n / 2;
        if (node->n_items > 0) {
            node->keys = yaml_doc_alloc(st->doc, node->n_items * sizeof *node->keys);
            node->values = yaml_doc_alloc(st->doc, node->n_items * sizeof *node->values);
            for (guint i = 0; i < node->n_items; i++) {
                node->keys[i] = children[2 * i];
                node->values[i] = children[2 * i + 1];
            }
        }
    } else {
        node->n_items = n;
        if (n > 0) {
            node->values = yaml_doc_alloc(st->doc, n * sizeof *node->values);
            memcpy(node->values, children, n * sizeof *node->values);
        }
    }
    g_ptr_array_set_size(st->pending, frame.first);
}

static gboolean
yaml_on_event(LoaderState *st, const yaml_event_t *ev, GError **error)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++st->n_documents > 1)
            return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                                "only one YAML document is allowed");
        return TRUE;
    case YAML_DOCUMENT_END_EVENT: {
        DxYamlNode *root = st->doc->root;
        /* libyaml reports a document without content ("---") as an empty
         * plain scalar; a written scalar can be empty only if quoted */
        if (root != NULL && root->kind == DX_YAML_SCALAR && root->plain && root->len == 0)
            st->doc->root = NULL;
        return TRUE;
    }
    case YAML_ALIAS_EVENT:
        /* rejected here, before anything could expand it */
        return yaml_fail_at(st, error, DX_ERROR_YAML_SYNTAX, &ev->start_mark,
                            "aliases are not allowed (*%s)", (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        return yaml_on_scalar(st, ev, error);
    case YAML_SEQUENCE_START_EVENT:
        return yaml_on_collection_start(st, ev, DX_YAML_SEQ, error);
    case YAML_MAPPING_START_EVENT:
        return yaml_on_collection_start(st, ev, DX_YAML_MAP, error);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        yaml_on_collection_end(st);
        return TRUE;
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_NO_EVENT:
    default:
        return TRUE;
    }
}

static void
yaml_state_clear(LoaderState *st)
{
    for (guint i = 0; i < st->frames->len; i++) {
        LoaderFrame *f = &g_array_index(st->frames, LoaderFrame, i);
        if (f->seen != NULL)
            g_hash_table_unref(f->seen);
    }
    g_array_unref(st->frames);
    g_ptr_array_unref(st->pending);
}

DxYamlDoc *
dx_yaml_parse(const char *name, const char *data, gsize len, const DxYamlLimits *limits,
              GError **error)
{
    static const DxYamlLimits defaults = {
        .max_depth = DX_YAML_DEFAULT_MAX_DEPTH,
        .max_scalar_bytes = DX_YAML_DEFAULT_MAX_SCALAR_BYTES,
        .max_nodes = DX_YAML_DEFAULT_MAX_NODES,
        .max_input_bytes = DX_YAML_DEFAULT_MAX_INPUT_BYTES,
    };
    g_autoptr(DxYamlDoc) doc = NULL;
    LoaderState st = { 0 };
    yaml_parser_t yp;
    gboolean ok = TRUE, done = FALSE;

    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    st.name = name;
    st.limits = limits != NULL ? *limits : defaults;
    if (len > st.limits.max_input_bytes) {
        /* before libyaml sees a byte; there is no better place than the start */
        g_set_error(error, DX_ERROR, DX_ERROR_LIMIT,
                    "%s:1:1: input of %" G_GSIZE_FORMAT " bytes is larger than the limit of %"
                    G_GSIZE_FORMAT, name, len, st.limits.max_input_bytes);
        return NULL;
    }
    /* We strip a UTF-8 BOM and pin the encoding: docs/rules.md §1 files are UTF-8,
     * libyaml would otherwise switch to UTF-16 on a BOM, and with a pinned
     * encoding it would count a BOM it sees as a column on line 1. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3;
    st.data = data != NULL ? data : "";
    st.len = len;

    if (!yaml_parser_initialize(&yp)) {
        g_set_error(error, DX_ERROR, DX_ERROR_FAILED, "%s: cannot initialise libyaml", name);
        return NULL;
    }
    yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&yp, (const unsigned char *)st.data, len); /* borrowed */

    doc = yaml_doc_new();
    st.doc = doc;
    st.frames = g_array_new(FALSE, FALSE, sizeof(LoaderFrame));
    st.pending = g_ptr_array_new();
    while (ok && !done) {
        yaml_event_t ev;

        if (!yaml_parser_parse(&yp, &ev)) {
            ok = yaml_fail_libyaml(&st, &yp, error);
            break;
        }
        ok = yaml_on_event(&st, &ev, error);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev); /* every event we receive is ours to delete */
    }
    yaml_state_clear(&st);
    yaml_parser_delete(&yp);
    if (!ok)
        return NULL;
    return g_steal_pointer(&doc);
}

DxYamlDoc *
dx_yaml_parse_file(const char *path, const DxYamlLimits *limits, GError **error)
{
    gsize max_input = limits != NULL ? limits->max_input_bytes : DX_YAML_DEFAULT_MAX_INPUT_BYTES;
    g_autoptr(GError) io_error = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;
    GStatBuf sb;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (g_stat(path, &sb) != 0) {
        int saved_errno = errno;
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, g_strerror(saved_errno));
        return NULL;
    }
    /* g_file_get_contents reads a FIFO or device until EOF, with no bound */
    if (!S_ISREG(sb.st_mode)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: not a regular file", path);
        return NULL;
    }
    if ((guint64)sb.st_size > (guint64)max_input) {
        g_set_error(error, DX_ERROR, DX_ERROR_LIMIT,
                    "%s:1:1: file of %" G_GUINT64_FORMAT " bytes is larger than the limit of %"
                    G_GSIZE_FORMAT, path, (guint64)sb.st_size, max_input);
        return NULL;
    }
    /* The file may grow after the stat; dx_yaml_parse checks the length again. */
    if (!g_file_get_contents(path, &data, &len, &io_error)) {
        /* GLib's message already names the file; keep our "<path>: " lead */
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, io_error->message);
        return NULL;
    }
    return dx_yaml_parse(path, data, len, limits, error);
}

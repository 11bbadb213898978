/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the YAML loader (lib/rules/dx-yaml-loader.c): the tree shapes and their
 * 1-based line:col marks, the docs/rules.md §1 rejections (anchors, aliases, tags, a
 * second document, complex and duplicate keys), the DxYamlLimits bounds, and
 * hostile input (deep nesting, bad UTF-8, NUL bytes, every truncation of a
 * valid file). Errors are checked by domain, code and "name:line:col:" prefix,
 * never by their whole text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h> /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>
#include <glib/gstdio.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "rules/dx-yaml-private.h"
#include "dx-test-helpers.h"

/* a string literal and its length, NULs inside included */
#define BYTES(s) s, sizeof(s) - 1

static DxYamlLimits
default_limits(void)
{
    DxYamlLimits l = {
        .max_depth = DX_YAML_DEFAULT_MAX_DEPTH,
        .max_scalar_bytes = DX_YAML_DEFAULT_MAX_SCALAR_BYTES,
        .max_nodes = DX_YAML_DEFAULT_MAX_NODES,
        .max_input_bytes = DX_YAML_DEFAULT_MAX_INPUT_BYTES,
    };
    return l;
}

static DxYamlDoc *
parse_ok(const char *text)
{
    g_autoptr(GError) error = NULL;
    DxYamlDoc *doc = dx_yaml_parse("t.yaml", text, strlen(text), NULL, &error);

    if (error != NULL)
        fail_msg("unexpected error: %s", error->message);
    assert_non_null(doc);
    return doc;
}

/* Asserts failure with @code and a message starting "t.yaml:<prefix>". */
static void
assert_parse_fails(const char *text, gsize len, const DxYamlLimits *limits, gint code,
                   const char *prefix)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxYamlDoc) doc = dx_yaml_parse("t.yaml", text, len, limits, &error);
    g_autofree char *want = g_strconcat("t.yaml:", prefix, NULL);

    if (doc != NULL)
        fail_msg("\"%.*s\" parsed, want an error", (int)MIN(len, 60), text);
    if (!g_error_matches(error, DX_ERROR, code) || !g_str_has_prefix(error->message, want))
        fail_msg("want code %d, prefix \"%s\"; got code %d: %s", code, want, error->code,
                 error->message);
}

static void
assert_scalar(const DxYamlNode *n, const char *text, gboolean plain, guint line, guint col)
{
    assert_non_null(n);
    assert_int_equal(n->kind, DX_YAML_SCALAR);
    assert_string_equal(n->text, text);
    assert_int_equal(n->len, strlen(text));
    assert_int_equal(n->plain, plain);
    assert_int_equal(n->line, line);
    assert_int_equal(n->col, col);
}

static void
assert_key(const DxYamlNode *map, guint i, const char *text, guint line, guint col)
{
    assert_int_equal(map->kind, DX_YAML_MAP);
    assert_true(i < map->n_items);
    assert_scalar(map->keys[i], text, TRUE, line, col);
}

/* ------------------------------------------------------------------------ */

static void
test_yaml_block_shapes(void **state)
{
    static const char text[] = "fund:\n"                /* 1 */
                               "  id: X1\n"             /* 2 */
                               "  envelopes:\n"         /* 3 */
                               "    commerce: 3000万\n" /* 4 */
                               "list:\n"                /* 5 */
                               "- a\n"                  /* 6 */
                               "-   - b\n"              /* 7 */
                               "    - c\n"              /* 8 */
                               "- k: v\n"               /* 9 */
                               "  k2: v2\n";            /* 10 */
    g_autoptr(DxYamlDoc) doc = parse_ok(text);
    const DxYamlNode *root = dx_yaml_doc_get_root(doc), *fund, *env, *list, *inner, *m;

    (void)state;
    assert_non_null(root);
    assert_int_equal(root->kind, DX_YAML_MAP);
    assert_int_equal(root->line, 1);
    assert_int_equal(root->col, 1);
    assert_int_equal(root->n_items, 2);
    assert_key(root, 0, "fund", 1, 1);
    assert_key(root, 1, "list", 5, 1);

    fund = root->values[0];
    assert_int_equal(fund->kind, DX_YAML_MAP);
    assert_int_equal(fund->line, 2); /* a block map starts at its first key */
    assert_int_equal(fund->col, 3);
    assert_key(fund, 0, "id", 2, 3);
    assert_scalar(fund->values[0], "X1", TRUE, 2, 7);
    assert_key(fund, 1, "envelopes", 3, 3);
    env = fund->values[1];
    assert_key(env, 0, "commerce", 4, 5);
    assert_scalar(env->values[0], "3000万", TRUE, 4, 15);
    assert_ptr_equal(dx_yaml_map_lookup(fund, "envelopes"), env);

    list = root->values[1];
    assert_int_equal(list->kind, DX_YAML_SEQ);
    assert_null(list->keys);
    assert_int_equal(list->n_items, 3);
    assert_int_equal(list->line, 6);
    assert_int_equal(list->col, 1);
    assert_scalar(list->values[0], "a", TRUE, 6, 3);
    inner = list->values[1];
    assert_int_equal(inner->kind, DX_YAML_SEQ);
    assert_int_equal(inner->line, 7);
    assert_int_equal(inner->col, 5);
    assert_int_equal(inner->n_items, 2);
    assert_scalar(inner->values[0], "b", TRUE, 7, 7);
    assert_scalar(inner->values[1], "c", TRUE, 8, 7);
    m = list->values[2];
    assert_key(m, 0, "k", 9, 3);
    assert_scalar(m->values[0], "v", TRUE, 9, 6);
    assert_key(m, 1, "k2", 10, 3);
    assert_scalar(m->values[1], "v2", TRUE, 10, 7);
}

static void
test_yaml_flow_shapes(void **state)
{
    static const char text[] = "period: {from: 2022-01-01, to: \"2022-12-31\"}\n"
                               "codes: [F52, 'F51', [], {}]\n";
    g_autoptr(DxYamlDoc) doc = parse_ok(text);
    const DxYamlNode *root = dx_yaml_doc_get_root(doc), *period, *codes;

    (void)state;
    period = dx_yaml_map_lookup(root, "period");
    assert_non_null(period);
    assert_int_equal(period->kind, DX_YAML_MAP);
    assert_int_equal(period->line, 1);
    assert_int_equal(period->col, 9); /* the brace */
    assert_key(period, 0, "from", 1, 10);
    assert_scalar(period->values[0], "2022-01-01", TRUE, 1, 16);
    assert_key(period, 1, "to", 1, 28);
    assert_scalar(period->values[1], "2022-12-31", FALSE, 1, 32);

    codes = dx_yaml_map_lookup(root, "codes");
    assert_int_equal(codes->kind, DX_YAML_SEQ);
    assert_int_equal(codes->line, 2);
    assert_int_equal(codes->col, 8);
    assert_int_equal(codes->n_items, 4);
    assert_scalar(codes->values[0], "F52", TRUE, 2, 9);
    assert_scalar(codes->values[1], "F51", FALSE, 2, 14);
    assert_int_equal(codes->values[2]->kind, DX_YAML_SEQ);
    assert_int_equal(codes->values[2]->n_items, 0);
    assert_null(codes->values[2]->values);
    assert_int_equal(codes->values[3]->kind, DX_YAML_MAP);
    assert_int_equal(codes->values[3]->n_items, 0);
    assert_int_equal(codes->values[3]->col, 25);
}

static void
test_yaml_scalars_stay_text(void **state)
{
    static const char text[] = "a: on\n"
                               "b: yes\n"
                               "c: 010\n"
                               "d: ~\n"
                               "e: null\n"
                               "f: \"true\"\n"
                               "g: 'it''s'\n"
                               "h: \"tab\\there\"\n"
                               "i:\n"
                               "j: ''\n"
                               "k: 1.50\n";
    g_autoptr(DxYamlDoc) doc = parse_ok(text);
    const DxYamlNode *root = dx_yaml_doc_get_root(doc);

    (void)state;
    assert_int_equal(root->n_items, 11);
    assert_scalar(dx_yaml_map_lookup(root, "a"), "on", TRUE, 1, 4);
    assert_scalar(dx_yaml_map_lookup(root, "b"), "yes", TRUE, 2, 4);
    assert_scalar(dx_yaml_map_lookup(root, "c"), "010", TRUE, 3, 4);
    assert_scalar(dx_yaml_map_lookup(root, "d"), "~", TRUE, 4, 4);
    assert_scalar(dx_yaml_map_lookup(root, "e"), "null", TRUE, 5, 4);
    assert_scalar(dx_yaml_map_lookup(root, "f"), "true", FALSE, 6, 4);
    assert_scalar(dx_yaml_map_lookup(root, "g"), "it's", FALSE, 7, 4);
    assert_scalar(dx_yaml_map_lookup(root, "h"), "tab\there", FALSE, 8, 4);
    /* "i:" has an empty plain value: a scalar, on the key's line */
    {
        const DxYamlNode *i = dx_yaml_map_lookup(root, "i");
        assert_non_null(i);
        assert_int_equal(i->kind, DX_YAML_SCALAR);
        assert_int_equal(i->len, 0);
        assert_string_equal(i->text, "");
        assert_true(i->plain);
        assert_int_equal(i->line, 9);
    }
    assert_scalar(dx_yaml_map_lookup(root, "j"), "", FALSE, 10, 4);
    assert_scalar(dx_yaml_map_lookup(root, "k"), "1.50", TRUE, 11, 4);
    assert_null(dx_yaml_map_lookup(root, "missing"));
    assert_null(dx_yaml_map_lookup(dx_yaml_map_lookup(root, "a"), "a")); /* not a map */
}

static void
test_yaml_block_scalars(void **state)
{
    static const char text[] = "lit: |\n"
                               "  line one\n"
                               "    indented\n"
                               "  line two\n"
                               "fold: >\n"
                               "  folded\n"
                               "  text\n"
                               "strip: |-\n"
                               "  no newline\n"
                               "plain: a\n"
                               "  continued\n";
    g_autoptr(DxYamlDoc) doc = parse_ok(text);
    const DxYamlNode *root = dx_yaml_doc_get_root(doc);

    (void)state;
    assert_scalar(dx_yaml_map_lookup(root, "lit"), "line one\n  indented\nline two\n", FALSE, 1, 6);
    assert_scalar(dx_yaml_map_lookup(root, "fold"), "folded text\n", FALSE, 5, 7);
    assert_scalar(dx_yaml_map_lookup(root, "strip"), "no newline", FALSE, 8, 8);
    assert_scalar(dx_yaml_map_lookup(root, "plain"), "a continued", TRUE, 10, 8);
}

/* Columns count characters, not bytes: CJK text and a BOM do not shift them. */
static void
test_yaml_columns_count_characters(void **state)
{
    static const char text[] = "\xEF\xBB\xBF名称: 区商务局\n"
                               "\"é\": [值, x]\r\n"
                               "crlf: y\r\n";
    g_autoptr(DxYamlDoc) doc = parse_ok(text);
    const DxYamlNode *root = dx_yaml_doc_get_root(doc), *seq;

    (void)state;
    assert_key(root, 0, "名称", 1, 1);
    assert_scalar(root->values[0], "区商务局", TRUE, 1, 5);
    assert_scalar(root->keys[1], "é", FALSE, 2, 1);
    seq = root->values[1];
    assert_int_equal(seq->col, 6);
    assert_scalar(seq->values[0], "值", TRUE, 2, 7);
    assert_scalar(seq->values[1], "x", TRUE, 2, 10);
    assert_key(root, 2, "crlf", 3, 1);
    assert_scalar(root->values[2], "y", TRUE, 3, 7);
}

static void
test_yaml_empty_documents(void **state)
{
    static const char *const cases[] = {
        "", "\n\n", "# only a comment\n", "---\n", "--- # c\n...\n", "\xEF\xBB\xBF",
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc =
            dx_yaml_parse("t.yaml", cases[i], strlen(cases[i]), NULL, &error);

        assert_null(error);
        assert_non_null(doc);
        assert_null(dx_yaml_doc_get_root(doc));
    }
    /* NULL data with length 0 is an empty stream too */
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse("t.yaml", NULL, 0, NULL, &error);
        assert_null(error);
        assert_null(dx_yaml_doc_get_root(doc));
    }
    /* a quoted empty string is content, not an empty document */
    {
        g_autoptr(DxYamlDoc) doc = parse_ok("''\n");
        assert_scalar(dx_yaml_doc_get_root(doc), "", FALSE, 1, 1);
    }
    {
        g_autoptr(DxYamlDoc) doc = parse_ok("just text\n");
        assert_scalar(dx_yaml_doc_get_root(doc), "just text", TRUE, 1, 1);
    }
}

static void
test_yaml_rejections(void **state)
{
    static const struct {
        const char *in;
        gint code;
        const char *prefix; /* after "t.yaml:" */
    } cases[] = {
        /* duplicate keys, quoting does not make a key different */
        { "a: 1\nb: 2\na: 3\n", DX_ERROR_YAML_SYNTAX, "3:1: duplicate key \"a\" (first at line 1)" },
        { "a: 1\n\"a\": 2\n", DX_ERROR_YAML_SYNTAX, "2:1: duplicate key \"a\" (first at line 1)" },
        { "m: {x: 1, y: 2, x: 3}\n", DX_ERROR_YAML_SYNTAX, "1:17: duplicate key \"x\"" },
        { "\"a\\nb\": 1\n\"a\\nb\": 2\n", DX_ERROR_YAML_SYNTAX, "2:1: duplicate key \"a\\nb\"" },
        /* anchors, aliases and tags, on scalars and collections */
        { "a: &x 1\n", DX_ERROR_YAML_SYNTAX, "1:4: anchors are not allowed" },
        { "a: &x [1]\n", DX_ERROR_YAML_SYNTAX, "1:4: anchors are not allowed" },
        { "a: &x\n  b: 1\n", DX_ERROR_YAML_SYNTAX, "1:4: anchors are not allowed" },
        { "a: 1\nb: *x\n", DX_ERROR_YAML_SYNTAX, "2:4: aliases are not allowed (*x)" },
        { "- *x\n", DX_ERROR_YAML_SYNTAX, "1:3: aliases are not allowed" },
        { "a: !!str 1\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed" },
        { "a: !foo 1\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed" },
        { "a: ! 1\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed" },
        { "a: !<x%0Ay> 1\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed (\"x\\ny\")" },
        { "a: !!map {b: 1}\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed" },
        { "a: !!seq\n- 1\n", DX_ERROR_YAML_SYNTAX, "1:4: tags are not allowed" },
        { "!!map\na: 1\n", DX_ERROR_YAML_SYNTAX, "1:1: tags are not allowed" },
        /* one document only */
        { "a: 1\n---\nb: 2\n", DX_ERROR_YAML_SYNTAX, "2:1: only one YAML document" },
        { "a: 1\n...\n---\n", DX_ERROR_YAML_SYNTAX, "3:1: only one YAML document" },
        /* keys must be scalars */
        { "? [a, b]\n: 1\n", DX_ERROR_YAML_SYNTAX, "1:3: a mapping key must be a scalar" },
        { "{[a]: 1}\n", DX_ERROR_YAML_SYNTAX, "1:2: a mapping key must be a scalar" },
        { "? {a: 1}\n: 1\n", DX_ERROR_YAML_SYNTAX, "1:3: a mapping key must be a scalar" },
        /* libyaml's complaints, at libyaml's position, in our words with the fix */
        { "a: b\n c: d\n", DX_ERROR_YAML_SYNTAX, "2:3: a “: ” where no key can start: check the indentation" },
        { "a: [1, 2\n", DX_ERROR_YAML_SYNTAX, "2:1: a [ list is not closed: write , between its items and ] at its end (the [ opened at 1:4)" },
        { "a: {b: 1\n", DX_ERROR_YAML_SYNTAX, "2:1: a { map is not closed" },
        { "a: \"open\n", DX_ERROR_YAML_SYNTAX, "2:1: the file ends inside a quoted value: close the quote (the quote opened at 1:4)" },
        { "a:\n\t- b\n", DX_ERROR_YAML_SYNTAX, "2:1: a tab: YAML indents with spaces, use spaces, not a tab" },
        { "a: @x\n", DX_ERROR_YAML_SYNTAX, "1:4: @ and ` cannot start a plain value: put the value in quotes" },
        { "- a\nb: c\n", DX_ERROR_YAML_SYNTAX, "2:1: expected another “- ” list item here" },
        { "a: \"\\q\"\n", DX_ERROR_YAML_SYNTAX, "1:5: an unknown \\ escape in a double-quoted value" },
        { "a: \"\\ud800\"\n", DX_ERROR_YAML_SYNTAX, "1:7: a \\u escape that is no character" },
        /* a NUL spelled as an escape is valid YAML but cannot be a C string */
        { "a: \"x\\0y\"\n", DX_ERROR_YAML_SYNTAX, "1:4: a scalar may not contain a NUL" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_parse_fails(cases[i].in, strlen(cases[i].in), NULL, cases[i].code, cases[i].prefix);
}

/* Raw bytes libyaml's reader refuses: no mark there, so the loader counts. */
static void
test_yaml_bad_bytes(void **state)
{
    static const struct {
        const char *in;
        gsize len;
        const char *prefix;
    } cases[] = {
        { BYTES("a: b\nc: d\xff\n"), "2:5: " },          /* invalid leading octet */
        { BYTES("a: ok\nb: caf\xe9\n"), "2:7: " },       /* truncated sequence */
        { BYTES("a: ok\nb: caf\xe9"), "2:7: " },         /* truncated at the end */
        { BYTES("名: caf\xc3\x28\n"), "1:7: " },          /* bad trailing octet */
        { BYTES("a: b\nc: \0d\n"), "2:4: control characters" },
        { BYTES("\0"), "1:1: " },
        { BYTES("a: \"x\0\"\n"), "1:6: " },               /* NUL inside quotes */
        { BYTES("\xff\xfe" "a\0:\0 \0b\0"), "1:1: " },    /* UTF-16LE is not UTF-8 */
        { BYTES("\xed\xa0\x80: x\n"), "1:1: " },           /* encoded surrogate */
        { BYTES("\xc0\xaf: x\n"), "1:1: " },               /* overlong encoding */
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_parse_fails(cases[i].in, cases[i].len, NULL, DX_ERROR_YAML_SYNTAX, cases[i].prefix);
}

/* More pairs than the loader scans linearly, so duplicates go through its table. */
static void
test_yaml_duplicate_key_in_big_map(void **state)
{
    g_autoptr(GString) text = g_string_new(NULL);

    (void)state;
    for (guint i = 0; i < 50; i++)
        g_string_append_printf(text, "k%u: %u\n", i, i);
    {
        g_autoptr(DxYamlDoc) doc = parse_ok(text->str);
        const DxYamlNode *root = dx_yaml_doc_get_root(doc);
        assert_int_equal(root->n_items, 50);
        assert_scalar(dx_yaml_map_lookup(root, "k49"), "49", TRUE, 50, 6);
    }
    g_string_append(text, "k7: again\n");
    assert_parse_fails(text->str, text->len, NULL, DX_ERROR_YAML_SYNTAX,
                       "51:1: duplicate key \"k7\" (first at line 8)");
    /* the same key in sibling maps is fine */
    {
        g_autoptr(DxYamlDoc) doc = parse_ok("- {a: 1}\n- {a: 2}\n- a: {a: 3}\n");
        assert_non_null(dx_yaml_doc_get_root(doc));
    }
}

static void
test_yaml_depth_limit(void **state)
{
    DxYamlLimits limits = default_limits();

    (void)state;
    limits.max_depth = 3;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse("t.yaml", "a: [[x]]\n", 9, &limits, &error);
        assert_null(error);
        assert_non_null(doc);
    }
    assert_parse_fails("a: [[[x]]]\n", 11, &limits, DX_ERROR_LIMIT, "1:6: ");
    assert_parse_fails("a:\n  b:\n    c:\n      d: 1\n", 26, &limits, DX_ERROR_LIMIT, "4:7: ");
    limits.max_depth = 0; /* only a scalar document fits */
    assert_parse_fails("[]", 2, &limits, DX_ERROR_LIMIT, "1:1: ");
}

/* Speed is measured by the benchmark program, not here: this only checks
 * that the deep input fails cleanly at the limit. */
static void
deep_parse_fails(const char *style, const char *text, gsize len, const char *prefix)
{
    (void)style;
    assert_parse_fails(text, len, NULL, DX_ERROR_LIMIT, prefix);
}

/* 10,000 levels must stop at the default limit of 64, quickly and without
 * recursing: the 65th opener is the error position. (How fast is the
 * benchmark's business; a timed assertion here would be flaky.) */
static void
test_yaml_depth_10000(void **state)
{
    const guint n = 10000;
    g_autoptr(GString) flow = g_string_new(NULL);
    g_autoptr(GString) block = g_string_new(NULL);
    g_autoptr(GString) mixed = g_string_new(NULL);

    (void)state;
    for (guint i = 0; i < n; i++)
        g_string_append_c(flow, '[');
    for (guint i = 0; i < n; i++)
        g_string_append_c(flow, ']');
    for (guint i = 0; i < n; i++)
        g_string_append(block, "- ");
    g_string_append(block, "x\n");
    /* flow maps inside flow sequences, the other flow opener */
    for (guint i = 0; i < n / 2; i++)
        g_string_append(mixed, "{a: [");

    deep_parse_fails("flow", flow->str, flow->len, "1:65: ");
    deep_parse_fails("block", block->str, block->len, "1:129: ");
    deep_parse_fails("flow map", mixed->str, mixed->len, "1:");
}

static void
test_yaml_scalar_limit(void **state)
{
    DxYamlLimits limits = default_limits();
    g_autoptr(GString) text = g_string_new("key: ");

    (void)state;
    limits.max_scalar_bytes = 8;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse("t.yaml", "k: 12345678", 11, &limits, &error);
        assert_null(error);
        assert_int_equal(dx_yaml_map_lookup(dx_yaml_doc_get_root(doc), "k")->len, 8);
    }
    assert_parse_fails("k: 123456789", 12, &limits, DX_ERROR_LIMIT, "1:4: ");
    assert_parse_fails("a: 1\n\"123456789\": 1", 19, &limits, DX_ERROR_LIMIT, "2:1: ");
    assert_parse_fails("a: |\n  12345\n  6789\n", 20, &limits, DX_ERROR_LIMIT, "1:4: ");
    /* bytes, not characters: three CJK characters are nine bytes */
    assert_parse_fails("k: 区商务", strlen("k: 区商务"), &limits, DX_ERROR_LIMIT, "1:4: ");

    /* the default is 1 MiB */
    for (gsize i = 0; i <= DX_YAML_DEFAULT_MAX_SCALAR_BYTES; i++)
        g_string_append_c(text, 'x');
    assert_parse_fails(text->str, text->len, NULL, DX_ERROR_LIMIT, "1:6: ");
}

static void
test_yaml_node_limit(void **state)
{
    DxYamlLimits limits = default_limits();

    (void)state;
    limits.max_nodes = 7; /* map + 3 keys + 3 values */
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc =
            dx_yaml_parse("t.yaml", "a: 1\nb: 2\nc: 3\n", 15, &limits, &error);
        assert_null(error);
        assert_non_null(doc);
    }
    assert_parse_fails("a: 1\nb: 2\nc: 3\nd: 4\n", 20, &limits, DX_ERROR_LIMIT, "4:1: ");
    assert_parse_fails("[1, 2, 3, 4, 5, 6, [7]]", 23, &limits, DX_ERROR_LIMIT, "1:20: ");
}

static void
test_yaml_input_limit(void **state)
{
    DxYamlLimits limits = default_limits();
    const gsize big = (gsize)100 << 20;
    g_autofree char *huge = g_malloc(big);

    (void)state;
    /* rejected on its length alone: libyaml never reads these bytes */
    memset(huge, '[', big);
    assert_parse_fails(huge, big, NULL, DX_ERROR_LIMIT, "1:1: ");

    limits.max_input_bytes = 4;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse("t.yaml", "a: 1", 4, &limits, &error);
        assert_null(error);
        assert_non_null(doc);
    }
    assert_parse_fails("a: 12", 5, &limits, DX_ERROR_LIMIT, "1:1: ");
}

/* ------------------------------------------------------------------------
 * Files
 */

static void
test_yaml_file_ok(void **state)
{
    g_autofree char *path = dx_test_data_path("yaml", "ok-shapes.yaml");
    g_autoptr(GError) error = NULL;
    g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(path, NULL, &error);
    const DxYamlNode *root, *list, *fund;

    (void)state;
    assert_null(error);
    root = dx_yaml_doc_get_root(doc);
    assert_int_equal(root->n_items, 5);
    assert_key(root, 0, "format", 2, 1);
    fund = dx_yaml_map_lookup(root, "fund");
    assert_scalar(dx_yaml_map_lookup(fund, "id"), "GZXX/344001/004", FALSE, 4, 7);
    list = dx_yaml_map_lookup(root, "list");
    assert_int_equal(list->n_items, 4);
    assert_scalar(list->values[1], "single", FALSE, 10, 5);
    assert_int_equal(list->values[2]->values[2]->kind, DX_YAML_MAP);
    assert_scalar(dx_yaml_map_lookup(list->values[3], "nested"), "yes", TRUE, 13, 13);
    assert_scalar(dx_yaml_map_lookup(root, "note"), "line one\nline two\n", FALSE, 14, 7);
    assert_scalar(dx_yaml_map_lookup(root, "empty"), "", TRUE, 17, 7);
}

/* Every bad-*.yaml fixture has a row here, and every row a fixture. */
static void
test_yaml_file_fixtures(void **state)
{
    static const struct {
        const char *file;
        gint code;
        const char *pos;
    } cases[] = {
        { "bad-alias.yaml", DX_ERROR_YAML_SYNTAX, "2:4:" },
        { "bad-anchor.yaml", DX_ERROR_YAML_SYNTAX, "1:7:" },
        /* stopped at its first anchor, before a single alias is read */
        { "bad-billion-laughs.yaml", DX_ERROR_YAML_SYNTAX, "1:4:" },
        { "bad-complex-key.yaml", DX_ERROR_YAML_SYNTAX, "1:3:" },
        { "bad-duplicate-key.yaml", DX_ERROR_YAML_SYNTAX, "4:3:" },
        { "bad-indent.yaml", DX_ERROR_YAML_SYNTAX, "2:3:" },
        { "bad-invalid-utf8.yaml", DX_ERROR_YAML_SYNTAX, "2:7:" },
        { "bad-nul.yaml", DX_ERROR_YAML_SYNTAX, "2:5:" },
        { "bad-tag.yaml", DX_ERROR_YAML_SYNTAX, "1:7:" },
        { "bad-two-documents.yaml", DX_ERROR_YAML_SYNTAX, "2:1:" },
    };
    g_autofree char *dirpath = dx_test_data_path("yaml", "");
    g_autoptr(GDir) dir = g_dir_open(dirpath, 0, NULL);
    const char *name;
    guint n_bad = 0;

    (void)state;
    assert_non_null(dir);
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(dirpath, name, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(path, NULL, &error);
        g_autofree char *want = NULL;
        gsize i;

        if (g_str_has_prefix(name, "ok-")) {
            if (error != NULL)
                fail_msg("%s", error->message);
            continue;
        }
        assert_true(g_str_has_prefix(name, "bad-"));
        for (i = 0; i < G_N_ELEMENTS(cases) && strcmp(cases[i].file, name) != 0; i++)
            ;
        if (i == G_N_ELEMENTS(cases))
            fail_msg("fixture %s has no expected error", name);
        n_bad++;
        assert_null(doc);
        want = g_strconcat(path, ":", cases[i].pos, " ", NULL);
        if (!g_error_matches(error, DX_ERROR, cases[i].code) ||
            !g_str_has_prefix(error->message, want))
            fail_msg("%s: want code %d prefix %s; got %d: %s", name, cases[i].code, want,
                     error->code, error->message);
        assert_null(strchr(error->message, '\n')); /* one line, docs/rules.md §1 */
    }
    assert_int_equal(n_bad, G_N_ELEMENTS(cases));
}

static void
test_yaml_file_errors(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("dx-yaml-XXXXXX", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.yaml", NULL);
    g_autofree char *big = g_build_filename(dir, "big.yaml", NULL);
    DxYamlLimits limits = default_limits();

    (void)state;
    assert_non_null(dir);
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(missing, NULL, &error);
        g_autofree char *want = g_strconcat(missing, ": ", NULL);
        assert_null(doc);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
        assert_true(g_str_has_prefix(error->message, want));
    }
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(dir, NULL, &error); /* a directory */
        assert_null(doc);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
    }
    assert_true(g_file_set_contents(big, "a: 1\nb: 2\n", -1, NULL));
    limits.max_input_bytes = 9;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(big, &limits, &error);
        g_autofree char *want = g_strconcat(big, ":1:1: ", NULL);
        assert_null(doc);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT));
        assert_true(g_str_has_prefix(error->message, want));
    }
    limits.max_input_bytes = 10;
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse_file(big, &limits, &error);
        assert_null(error);
        assert_int_equal(dx_yaml_doc_get_root(doc)->n_items, 2);
    }
    g_unlink(big);
    g_rmdir(dir);
}

/* Every truncation of a valid file either loads or fails cleanly with a
 * located syntax error; cutting inside a UTF-8 character included. */
static void
test_yaml_every_prefix(void **state)
{
    g_autofree char *path = dx_test_data_path("yaml", "ok-shapes.yaml");
    g_autofree char *text = NULL;
    gsize len = 0;

    (void)state;
    text = dx_test_read_file(path, &len);
    for (gsize n = 0; n <= len; n++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxYamlDoc) doc = dx_yaml_parse("p.yaml", text, n, NULL, &error);

        assert_true((doc == NULL) == (error != NULL));
        if (error != NULL) {
            if (!g_error_matches(error, DX_ERROR, DX_ERROR_YAML_SYNTAX) ||
                !g_regex_match_simple("^p\\.yaml:[1-9][0-9]*:[1-9][0-9]*: ", error->message, 0, 0))
                fail_msg("prefix of %zu bytes: %s", n, error->message);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_block_shapes),
        cmocka_unit_test(test_yaml_flow_shapes),
        cmocka_unit_test(test_yaml_scalars_stay_text),
        cmocka_unit_test(test_yaml_block_scalars),
        cmocka_unit_test(test_yaml_columns_count_characters),
        cmocka_unit_test(test_yaml_empty_documents),
        cmocka_unit_test(test_yaml_rejections),
        cmocka_unit_test(test_yaml_bad_bytes),
        cmocka_unit_test(test_yaml_duplicate_key_in_big_map),
        cmocka_unit_test(test_yaml_depth_limit),
        cmocka_unit_test(test_yaml_depth_10000),
        cmocka_unit_test(test_yaml_scalar_limit),
        cmocka_unit_test(test_yaml_node_limit),
        cmocka_unit_test(test_yaml_input_limit),
        cmocka_unit_test(test_yaml_file_ok),
        cmocka_unit_test(test_yaml_file_fixtures),
        cmocka_unit_test(test_yaml_file_errors),
        cmocka_unit_test(test_yaml_every_prefix),
    };
    return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}

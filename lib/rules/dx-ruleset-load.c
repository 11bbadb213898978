/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From a YAML tree to a sealed DxRuleset (spec §1-§5). Every key is
 * checked against the list of keys its mapping may have, every scalar is
 * interpreted by the key that holds it (no implicit YAML typing), and
 * every expression is parsed and type-checked here, once. Each error is
 * one line: "file:line:col: key.path: message", pointing at the offending
 * node, or inside an expression at the offending character.
 *
 * Order matters: bureaus, then fields (expressions bind to them), then
 * groups and the fund, then policies.
 */
#include "duixian/duixian.h"
#include "base/dx-cell-private.h"
#include "base/dx-options-private.h"
#include "rules/dx-ruleset-private.h"
#include "rules/dx-yaml-private.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

typedef struct {
    DxRuleset *rs;
    const char *file;
    const char *data;       /* the source text, for mapping expression columns */
    gsize len;
    DxLoadOptions opts;
    GError **error;
} DxLoader;

static gboolean
load_fail(DxLoader *l, const DxYamlNode *at, const char *path, DxError code, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

static gboolean
load_fail(DxLoader *l, const DxYamlNode *at, const char *path, DxError code, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_autofree char *line = g_strdup_printf("%s:%u:%u: %s%s%s", l->file, at != NULL ? at->line : 1,
                                            at != NULL ? at->col : 1, path != NULL ? path : "",
                                            path != NULL && *path ? ": " : "", msg);
    /* One line, whatever a quoted scalar or key held: control characters
     * (a folded multi-line scalar's newlines) are shown escaped. */
    GString *out = g_string_sized_new(strlen(line));
    for (const char *p = line; *p != '\0'; p++) {
        if (*p == '\n')
            g_string_append(out, "\\n");
        else if ((guchar)*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02X", (guint)(guchar)*p);
        else
            g_string_append_c(out, *p);
    }
    g_set_error_literal(l->error, DX_ERROR, code, out->str);
    g_string_free(out, TRUE);
    return FALSE;
}

static const char *
kind_name(DxYamlKind k)
{
    return k == DX_YAML_MAP ? "a mapping" : k == DX_YAML_SEQ ? "a list" : "a value";
}

static gboolean
expect_kind(DxLoader *l, const DxYamlNode *n, const char *path, DxYamlKind kind)
{
    if (n->kind != kind)
        return load_fail(l, n, path, DX_ERROR_RULES_INVALID, "expected %s, found %s",
                         kind_name(kind), kind_name(n->kind));
    if (kind == DX_YAML_SCALAR && n->len == 0)
        return load_fail(l, n, path, DX_ERROR_RULES_INVALID, "a value is required here");
    return TRUE;
}

/* Checks that @map has only @allowed keys and all of @required. */
static gboolean
check_keys(DxLoader *l, const DxYamlNode *map, const char *path, const char *const *allowed,
           const char *const *required)
{
    for (guint i = 0; i < map->n_items; i++) {
        gboolean ok = FALSE;
        g_autofree char *expected = NULL;

        for (const char *const *a = allowed; *a != NULL; a++)
            ok |= strcmp(*a, map->keys[i]->text) == 0;
        if (ok)
            continue;
        expected = g_strjoinv(", ", (char **)allowed);
        return load_fail(l, map->keys[i], path, DX_ERROR_RULES_INVALID,
                         "unknown key “%s” (expected one of: %s)", map->keys[i]->text, expected);
    }
    for (const char *const *r = required; r != NULL && *r != NULL; r++) {
        if (dx_yaml_map_lookup(map, *r) == NULL)
            return load_fail(l, map, path, DX_ERROR_RULES_INVALID, "missing required key “%s”", *r);
    }
    return TRUE;
}

static char *
path_join(const char *path, const char *key)
{
    return *path ? g_strdup_printf("%s.%s", path, key) : g_strdup(key);
}

static gboolean
key_is_valid(const char *s)
{
    if (*s == '\0')
        return FALSE;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
            return FALSE;
    }
    return TRUE;
}

static gboolean
check_key_name(DxLoader *l, const DxYamlNode *key, const char *path, const char *what)
{
    if (!key_is_valid(key->text))
        return load_fail(l, key, path, DX_ERROR_RULES_INVALID,
                         "%s key “%s” may use only letters, digits and - _ .", what, key->text);
    return TRUE;
}

/* ---- expressions ---- */

static const DxFieldRef *
loader_lookup_field(const char *name, gpointer user_data)
{
    DxRuleset *rs = user_data;
    DxField *f = g_hash_table_lookup(rs->field_by_name, name);

    return f != NULL ? &f->ref : NULL;
}

/* The byte offset of @line:@col (1-based; columns count characters, and
 * lines end at \n, \r\n or \r as for libyaml) in the source, or -1. */
static gssize
loader_source_offset(const DxLoader *l, guint line, guint col)
{
    const char *p = l->data, *end = l->data + l->len;

    if (l->len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* the YAML reader drops a BOM before counting */
    for (guint i = 1; i < line; i++) {
        while (p < end && *p != '\n' && *p != '\r')
            p++;
        if (p == end)
            return -1;
        p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
    }
    for (guint i = 1; i < col; i++) {
        if (p >= end || *p == '\n' || *p == '\r')
            return -1;
        p = g_utf8_next_char(p);
    }
    return p <= end ? (gssize)(p - l->data) : -1;
}

/* TRUE when @scalar's text stands verbatim in the source on one line (plain,
 * or quoted without escapes), so the expression's column N is the file's
 * column *@text_col + N - 1. A plain scalar folded over several lines, a
 * quoted one with escapes and block scalars (| >) are not. */
static gboolean
scalar_is_verbatim(const DxLoader *l, const DxYamlNode *scalar, guint *text_col)
{
    gssize off = loader_source_offset(l, scalar->line, scalar->col);
    const char *p, *end = l->data + l->len;
    char quote = 0;

    if (off < 0 || memchr(scalar->text, '\n', scalar->len) != NULL)
        return FALSE;
    p = l->data + off;
    if (!scalar->plain) {
        if (p >= end || (*p != '\'' && *p != '"'))
            return FALSE;
        quote = *p++;
    }
    if ((gsize)(end - p) < scalar->len || memcmp(p, scalar->text, scalar->len) != 0 ||
        memchr(scalar->text, '\r', scalar->len) != NULL)
        return FALSE;
    p += scalar->len;
    if (quote != 0 && (p >= end || *p != quote))
        return FALSE;
    *text_col = scalar->col + (quote != 0 ? 1 : 0);
    return TRUE;
}

/* Maps an expression error "col N: msg" to the file position of that
 * character. Exact when the scalar stands verbatim on one line (plain, or
 * quoted without escapes); otherwise it points at the scalar and says the
 * column in the message. */
static gboolean
expr_fail(DxLoader *l, const DxYamlNode *scalar, const char *path, GError *expr_error)
{
    guint col = 1, text_col;
    const char *msg = expr_error->message;
    int consumed = 0;

    if (sscanf(msg, "col %u: %n", &col, &consumed) >= 1 && consumed > 0)
        msg += consumed;
    if (scalar_is_verbatim(l, scalar, &text_col)) {
        DxYamlNode at = *scalar;

        at.col = text_col + col - 1;
        return load_fail(l, &at, path, expr_error->code, "%s", msg);
    }
    return load_fail(l, scalar, path, expr_error->code, "at column %u of the expression: %s", col, msg);
}

static DxExprNode *
compile_expr(DxLoader *l, const DxYamlNode *scalar, const char *path, DxType expect)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DxExprNode) node = NULL;

    if (!expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return NULL;
    node = dx_expr_parse(scalar->text, (gssize)scalar->len, &l->opts.expr, &err);
    if (node == NULL || !dx_expr_check(node, expect, loader_lookup_field, l->rs, &err)) {
        expr_fail(l, scalar, path, err);
        return NULL;
    }
    return g_steal_pointer(&node);
}

static void
collect_slots(const DxExprNode *node, guint **out, guint *n_out)
{
    g_autoptr(GArray) slots = g_array_new(FALSE, FALSE, sizeof(guint));

    dx_expr_collect_slots(node, slots);
    *n_out = slots->len;
    *out = (guint *)(void *)g_array_free(g_steal_pointer(&slots), FALSE);
}

/* A constant expression of @type, evaluated now. */
static gboolean
eval_constant(DxLoader *l, const DxYamlNode *scalar, const char *path, DxType type, DxValue *out)
{
    g_autoptr(DxExprNode) node = compile_expr(l, scalar, path, type);
    DxEvalCtx ctx = { 0 };

    if (node == NULL)
        return FALSE;
    if (!dx_expr_is_constant(node))
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "must be a constant, not use fields");
    if (dx_expr_eval(node, &ctx, out) != DX_EVAL_OK)
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "cannot be computed: %s",
                         dx_eval_error_to_string(ctx.err));
    return TRUE;
}

/* A constant money amount in whole fen (spec §4), >= @min_fen. */
static gboolean
const_money(DxLoader *l, const DxYamlNode *scalar, const char *path, int64_t min_fen, int64_t *out)
{
    DxValue v;

    if (!eval_constant(l, scalar, path, DX_TYPE_MONEY, &v))
        return FALSE;
    if (v.u.r.den != 1)
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "must be a whole number of fen (0.01元)");
    if (v.u.r.num < min_fen)
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "must be %s",
                         min_fen > 0 ? "greater than 0元" : "at least 0元");
    *out = (int64_t)v.u.r.num;
    return TRUE;
}

static gboolean
parse_bool(DxLoader *l, const DxYamlNode *scalar, const char *path, gboolean *out)
{
    if (!expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return FALSE;
    if (strcmp(scalar->text, "true") == 0)
        *out = TRUE;
    else if (strcmp(scalar->text, "false") == 0)
        *out = FALSE;
    else
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "expected true or false, found “%s”",
                         scalar->text);
    return TRUE;
}

static gboolean
parse_date(DxLoader *l, const DxYamlNode *scalar, const char *path, gint32 *out)
{
    if (!expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return FALSE;
    if (!dx_date_parse(scalar->text, scalar->len, out))
        return load_fail(l, scalar, path, DX_ERROR_RULES_INVALID,
                         "expected a real calendar date YYYY-MM-DD, found “%s”", scalar->text);
    return TRUE;
}

static gboolean
parse_text(DxLoader *l, const DxYamlNode *map, const char *key, const char *path, char **out)
{
    const DxYamlNode *n = dx_yaml_map_lookup(map, key);
    g_autofree char *p = path_join(path, key);

    if (n == NULL)
        return TRUE;
    if (!expect_kind(l, n, p, DX_YAML_SCALAR))
        return FALSE;
    g_free(*out);
    *out = g_strndup(n->text, n->len);
    return TRUE;
}

/* {from: D, to: D}, either end optional unless @both */
static gboolean
parse_period(DxLoader *l, const DxYamlNode *n, const char *path, gboolean both, gboolean *has_from,
             gint32 *from, gboolean *has_to, gint32 *to)
{
    static const char *const keys[] = { "from", "to", NULL };
    const DxYamlNode *f, *t;

    if (!expect_kind(l, n, path, DX_YAML_MAP) ||
        !check_keys(l, n, path, keys, both ? keys : NULL))
        return FALSE;
    f = dx_yaml_map_lookup(n, "from");
    t = dx_yaml_map_lookup(n, "to");
    if (f != NULL) {
        g_autofree char *p = path_join(path, "from");
        if (!parse_date(l, f, p, from))
            return FALSE;
    }
    if (t != NULL) {
        g_autofree char *p = path_join(path, "to");
        if (!parse_date(l, t, p, to))
            return FALSE;
    }
    *has_from = f != NULL;
    *has_to = t != NULL;
    if (f != NULL && t != NULL && *from > *to)
        return load_fail(l, t, path, DX_ERROR_RULES_INVALID, "“to” is before “from”");
    return TRUE;
}

/* ---- bureaus ---- */

static gboolean
load_bureaus(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;

    if (!expect_kind(l, n, "bureaus", DX_YAML_MAP))
        return FALSE;
    if (n->n_items == 0)
        return load_fail(l, n, "bureaus", DX_ERROR_RULES_INVALID, "declare at least one bureau");
    rs->bureaus = g_new0(DxBureau, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        g_autofree char *p = g_strdup_printf("bureaus.%s", n->keys[i]->text);

        if (!check_key_name(l, n->keys[i], "bureaus", "bureau") ||
            !expect_kind(l, n->values[i], p, DX_YAML_SCALAR))
            return FALSE;
        rs->bureaus[i].key = g_strdup(n->keys[i]->text);
        rs->bureaus[i].name = g_strdup(n->values[i]->text);
        rs->bureaus[i].envelope = -1;
        rs->n_bureaus++;
    }
    return TRUE;
}

static gint
find_bureau(const DxRuleset *rs, const char *key)
{
    for (guint i = 0; i < rs->n_bureaus; i++) {
        if (strcmp(rs->bureaus[i].key, key) == 0)
            return (gint)i;
    }
    return -1;
}

/* ---- fields ---- */

static const struct {
    const char *name;
    DxFieldType type;
} builtin_fields[DX_N_BUILTIN_SLOTS] = {
    /* ORDER DX_SLOT_* */
    { "app_id", DX_FIELD_TEXT },
    { "enterprise_id", DX_FIELD_TEXT },
    { "enterprise_name", DX_FIELD_TEXT },
    { "policy", DX_FIELD_TEXT },
    { "submitted_on", DX_FIELD_DATE },
};

static DxType
field_expr_type(DxFieldType t)
{
    switch (t) {
    case DX_FIELD_TEXT: return DX_TYPE_TEXT;
    case DX_FIELD_INTEGER:
    case DX_FIELD_NUMBER: return DX_TYPE_NUMBER;
    case DX_FIELD_MONEY: return DX_TYPE_MONEY;
    case DX_FIELD_DATE: return DX_TYPE_DATE;
    case DX_FIELD_BOOL: return DX_TYPE_BOOL;
    }
    return DX_TYPE_NONE;
}

static gboolean
identifier_is_valid(const char *s)
{
    static const char *const keywords[] = { "and", "or", "not", "in", "true", "false", NULL };
    gboolean first = TRUE;

    if (*s == '\0' || !g_utf8_validate(s, -1, NULL))
        return FALSE;
    for (const char *const *k = keywords; *k; k++) {
        if (strcmp(*k, s) == 0)
            return FALSE;
    }
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (!(c == '_' || g_unichar_isalpha(c) || (!first && c >= '0' && c <= '9')))
            return FALSE;
        first = FALSE;
    }
    return TRUE;
}


static gboolean
register_column(DxLoader *l, DxField *f, const char *column, const DxYamlNode *at, const char *path)
{
    DxField *other = g_hash_table_lookup(l->rs->field_by_column, column);

    if (other != NULL && other != f)
        return load_fail(l, at, path, DX_ERROR_RULES_INVALID,
                         "column name “%s” already names field “%s”", column, other->name);
    g_hash_table_insert(l->rs->field_by_column, (gpointer)column, f);
    return TRUE;
}

static gboolean
load_field_attrs(DxLoader *l, DxField *f, const DxYamlNode *spec, const char *path)
{
    static const char *const keys[] = { "type", "label", "aliases", "default", NULL };
    static const char *const builtin_keys[] = { "label", "aliases", NULL };
    const DxYamlNode *aliases, *def;

    if (!expect_kind(l, spec, path, DX_YAML_MAP))
        return FALSE;
    if (f->builtin && dx_yaml_map_lookup(spec, "type") != NULL)
        return load_fail(l, dx_yaml_map_lookup(spec, "type"), path, DX_ERROR_RULES_INVALID,
                         "built-in field “%s” cannot be redeclared with a type; give only label or aliases",
                         f->name);
    if (!check_keys(l, spec, path, f->builtin ? builtin_keys : keys, NULL) ||
        !parse_text(l, spec, "label", path, &f->label))
        return FALSE;
    aliases = dx_yaml_map_lookup(spec, "aliases");
    if (aliases != NULL) {
        g_autofree char *p = path_join(path, "aliases");

        if (!expect_kind(l, aliases, p, DX_YAML_SEQ))
            return FALSE;
        g_strfreev(f->aliases);
        f->aliases = g_new0(char *, aliases->n_items + 1);
        for (guint i = 0; i < aliases->n_items; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);

            if (!expect_kind(l, aliases->values[i], pi, DX_YAML_SCALAR))
                return FALSE;
            f->aliases[i] = g_strdup(aliases->values[i]->text);
        }
    }
    def = dx_yaml_map_lookup(spec, "default");
    if (def != NULL) {
        g_autofree char *p = path_join(path, "default");
        const char *why = NULL;
        g_autofree char *trimmed = NULL;

        if (!expect_kind(l, def, p, DX_YAML_SCALAR))
            return FALSE;
        f->default_text = g_strdup(def->text);
        trimmed = f->type == DX_FIELD_TEXT ? g_strdup(def->text) : g_strstrip(g_strdup(def->text));
        if (!dx_cell_parse(f->type, trimmed, strlen(trimmed), &f->default_value, &why))
            return load_fail(l, def, p, DX_ERROR_RULES_INVALID, "default “%s” is not a valid %s: %s",
                             def->text, dx_type_name(field_expr_type(f->type)), why);
        if (f->type == DX_FIELD_TEXT) {
            f->default_value.u.t.s = f->default_text;
            f->default_value.u.t.len = (guint32)strlen(f->default_text);
        }
        f->has_default = TRUE;
    }
    return TRUE;
}

static gboolean
parse_field_type(DxLoader *l, const DxYamlNode *spec, const char *path, DxFieldType *out)
{
    static const char *const names[] = { "text", "integer", "number", "money", "date", "bool" };
    const DxYamlNode *t;
    g_autofree char *p = path_join(path, "type");

    if (!expect_kind(l, spec, path, DX_YAML_MAP))
        return FALSE;
    t = dx_yaml_map_lookup(spec, "type");
    if (t == NULL)
        return load_fail(l, spec, path, DX_ERROR_RULES_INVALID, "missing required key “type”");
    if (!expect_kind(l, t, p, DX_YAML_SCALAR))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i], t->text) == 0) {
            *out = (DxFieldType)i;
            return TRUE;
        }
    }
    return load_fail(l, t, p, DX_ERROR_RULES_INVALID,
                     "unknown type “%s” (expected text, integer, number, money, date or bool)", t->text);
}

static gboolean
load_fields(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;
    guint n_declared = 0;

    if (!expect_kind(l, n, "fields", DX_YAML_MAP))
        return FALSE;
    if (n->n_items > l->opts.max_fields)
        return load_fail(l, n, "fields", DX_ERROR_LIMIT, "more than %u fields", l->opts.max_fields);
    rs->fields = g_new0(DxField, DX_N_BUILTIN_SLOTS + n->n_items);
    for (guint i = 0; i < DX_N_BUILTIN_SLOTS; i++) {
        DxField *f = &rs->fields[i];

        f->name = g_strdup(builtin_fields[i].name);
        f->type = builtin_fields[i].type;
        f->builtin = TRUE;
        f->aliases = g_new0(char *, 1);
    }
    rs->n_fields = DX_N_BUILTIN_SLOTS;
    for (guint i = 0; i < n->n_items; i++) {
        const char *name = n->keys[i]->text;
        g_autofree char *p = g_strdup_printf("fields.%s", name);
        DxField *f = NULL;

        for (guint b = 0; b < DX_N_BUILTIN_SLOTS; b++) {
            if (strcmp(builtin_fields[b].name, name) == 0)
                f = &rs->fields[b];
        }
        if (f == NULL) {
            if (!identifier_is_valid(name))
                return load_fail(l, n->keys[i], "fields", DX_ERROR_RULES_INVALID,
                                 "field name “%s” must be an identifier (letters, digits, _; not a keyword)",
                                 name);
            f = &rs->fields[rs->n_fields++]; /* counted now: unref frees it on error */
            f->name = g_strdup(name);
            f->aliases = g_new0(char *, 1);
            n_declared++;
            if (!parse_field_type(l, n->values[i], p, &f->type))
                return FALSE;
        }
        if (!load_field_attrs(l, f, n->values[i], p))
            return FALSE;
    }
    /* bind names and columns only now that the array no longer moves */
    for (guint i = 0; i < rs->n_fields; i++) {
        DxField *f = &rs->fields[i];

        if (f->label == NULL)
            f->label = g_strdup(f->name);
        f->ref.name = f->name;
        f->ref.slot = i;
        f->ref.type = field_expr_type(f->type);
        f->ref.integer = f->type == DX_FIELD_INTEGER;
        g_hash_table_insert(rs->field_by_name, f->name, f);
        if (!register_column(l, f, f->name, n, "fields"))
            return FALSE;
    }
    for (guint i = 0; i < rs->n_fields; i++) {
        const DxYamlNode *spec = dx_yaml_map_lookup(n, rs->fields[i].name);
        const DxYamlNode *aliases = spec != NULL ? dx_yaml_map_lookup(spec, "aliases") : NULL;

        /* aliases[j] came from aliases->values[j]: report at that item */
        for (guint j = 0; rs->fields[i].aliases[j] != NULL; j++) {
            g_autofree char *p = g_strdup_printf("fields.%s.aliases[%u]", rs->fields[i].name, j);
            const DxYamlNode *at = aliases != NULL && j < aliases->n_items ? aliases->values[j]
                                   : spec != NULL                         ? spec
                                                                          : n;

            if (!register_column(l, &rs->fields[i], rs->fields[i].aliases[j], at, p))
                return FALSE;
        }
    }
    (void)n_declared;
    rs->defaults = g_new0(DxValue, rs->n_fields);
    rs->has_default = g_new0(guint8, rs->n_fields);
    for (guint i = 0; i < rs->n_fields; i++) {
        rs->defaults[i] = rs->fields[i].default_value;
        rs->has_default[i] = rs->fields[i].has_default;
    }
    return TRUE;
}

/* ---- groups ---- */

static gboolean
load_groups(DxLoader *l, const DxYamlNode *n)
{
    static const char *const keys[] = { "name", "mode", "cap", NULL };
    static const char *const required[] = { "mode", NULL };
    DxRuleset *rs = l->rs;

    if (!expect_kind(l, n, "groups", DX_YAML_MAP))
        return FALSE;
    rs->groups = g_new0(DxGroup, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        DxGroup *g = &rs->groups[rs->n_groups];
        const DxYamlNode *spec = n->values[i], *mode, *cap;
        g_autofree char *p = g_strdup_printf("groups.%s", n->keys[i]->text);
        g_autofree char *pm = NULL;

        if (!check_key_name(l, n->keys[i], "groups", "group"))
            return FALSE;
        g->key = g_strdup(n->keys[i]->text);
        rs->n_groups++;
        if (!expect_kind(l, spec, p, DX_YAML_MAP) || !check_keys(l, spec, p, keys, required) ||
            !parse_text(l, spec, "name", p, &g->name))
            return FALSE;
        if (g->name == NULL)
            g->name = g_strdup(g->key);
        mode = dx_yaml_map_lookup(spec, "mode");
        pm = path_join(p, "mode");
        if (!expect_kind(l, mode, pm, DX_YAML_SCALAR))
            return FALSE;
        if (strcmp(mode->text, "highest") == 0)
            g->mode = DX_GROUP_HIGHEST;
        else if (strcmp(mode->text, "stack") == 0)
            g->mode = DX_GROUP_STACK;
        else
            return load_fail(l, mode, pm, DX_ERROR_RULES_INVALID,
                             "unknown mode “%s” (expected highest or stack)", mode->text);
        cap = dx_yaml_map_lookup(spec, "cap");
        if (cap != NULL) {
            g_autofree char *pc = path_join(p, "cap");

            if (g->mode != DX_GROUP_STACK)
                return load_fail(l, cap, pc, DX_ERROR_RULES_INVALID,
                                 "only a “stack” group has a cap (a “highest” group pays one award)");
            if (!const_money(l, cap, pc, 1, &g->cap_fen))
                return FALSE;
            g->has_cap = TRUE;
        }
    }
    return TRUE;
}

static gint
find_group(const DxRuleset *rs, const char *key)
{
    for (guint i = 0; i < rs->n_groups; i++) {
        if (strcmp(rs->groups[i].key, key) == 0)
            return (gint)i;
    }
    return -1;
}

/* ---- fund ---- */

static gboolean
load_fund(DxLoader *l, const DxYamlNode *n)
{
    static const char *const keys[] = { "id", "name", "total", "period", "envelopes",
                                        "per_enterprise_cap", "shortfall", NULL };
    static const char *const required[] = { "id", "name", "total", "period", "shortfall", NULL };
    DxRuleset *rs = l->rs;
    const DxYamlNode *env, *sf, *pec;
    gboolean has_from, has_to;

    if (!expect_kind(l, n, "fund", DX_YAML_MAP) || !check_keys(l, n, "fund", keys, required) ||
        !parse_text(l, n, "id", "fund", &rs->fund_id) || !parse_text(l, n, "name", "fund", &rs->fund_name) ||
        !const_money(l, dx_yaml_map_lookup(n, "total"), "fund.total", 1, &rs->fund_total_fen) ||
        !parse_period(l, dx_yaml_map_lookup(n, "period"), "fund.period", TRUE, &has_from,
                      &rs->period_from, &has_to, &rs->period_to))
        return FALSE;
    sf = dx_yaml_map_lookup(n, "shortfall");
    if (!expect_kind(l, sf, "fund.shortfall", DX_YAML_SCALAR))
        return FALSE;
    if (strcmp(sf->text, "pro_rata") == 0)
        rs->shortfall = DX_SHORTFALL_PRO_RATA;
    else if (strcmp(sf->text, "priority") == 0)
        rs->shortfall = DX_SHORTFALL_PRIORITY;
    else if (strcmp(sf->text, "fcfs") == 0)
        rs->shortfall = DX_SHORTFALL_FCFS;
    else
        return load_fail(l, sf, "fund.shortfall", DX_ERROR_RULES_INVALID,
                         "unknown shortfall “%s” (expected pro_rata, priority or fcfs)", sf->text);
    pec = dx_yaml_map_lookup(n, "per_enterprise_cap");
    if (pec != NULL) {
        if (!const_money(l, pec, "fund.per_enterprise_cap", 1, &rs->fund_enterprise_cap_fen))
            return FALSE;
        rs->has_fund_enterprise_cap = TRUE;
    }
    env = dx_yaml_map_lookup(n, "envelopes");
    if (env == NULL) {
        rs->envelopes = g_new0(DxEnvelope, 1);
        rs->envelopes[0].key = g_strdup("*");
        rs->envelopes[0].total_fen = rs->fund_total_fen;
        rs->n_envelopes = 1;
        for (guint b = 0; b < rs->n_bureaus; b++)
            rs->bureaus[b].envelope = 0;
        return TRUE;
    }
    if (!expect_kind(l, env, "fund.envelopes", DX_YAML_MAP))
        return FALSE;
    if (env->n_items == 0)
        return load_fail(l, env, "fund.envelopes", DX_ERROR_RULES_INVALID,
                         "give at least one envelope, or leave envelopes out");
    rs->envelopes = g_new0(DxEnvelope, env->n_items);
    {
        dx_i128 sum = 0;

        for (guint i = 0; i < env->n_items; i++) {
            g_autofree char *p = g_strdup_printf("fund.envelopes.%s", env->keys[i]->text);
            gint b = find_bureau(rs, env->keys[i]->text);

            if (b < 0)
                return load_fail(l, env->keys[i], "fund.envelopes", DX_ERROR_RULES_INVALID,
                                 "“%s” is not a declared bureau", env->keys[i]->text);
            rs->envelopes[i].key = g_strdup(env->keys[i]->text);
            rs->n_envelopes++;
            if (!const_money(l, env->values[i], p, 0, &rs->envelopes[i].total_fen))
                return FALSE;
            rs->bureaus[b].envelope = (gint)i;
            sum += rs->envelopes[i].total_fen;
        }
        if (sum != rs->fund_total_fen) {
            g_autofree char *s = dx_money_format((int64_t)sum), *t = dx_money_format(rs->fund_total_fen);
            g_autofree char *d = dx_money_format((int64_t)(sum - rs->fund_total_fen));

            return load_fail(l, env, "fund.envelopes", DX_ERROR_RULES_INVALID,
                             "envelopes sum to %s, not the fund total %s (off by %s)", s, t, d);
        }
    }
    return TRUE;
}

/* ---- policies ---- */

static gboolean
load_clauses(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    if (!expect_kind(l, n, path, DX_YAML_SEQ))
        return FALSE;
    pol->clauses = g_new0(DxClause, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        const DxYamlNode *item = n->values[i];
        g_autofree char *pi = g_strdup_printf("%s[%u]", path, i);
        g_autofree char *pe = NULL;
        DxClause *c;

        if (!expect_kind(l, item, pi, DX_YAML_MAP))
            return FALSE;
        if (item->n_items != 1)
            return load_fail(l, item, pi, DX_ERROR_RULES_INVALID,
                             "a clause is one “name: expression” pair");
        for (guint j = 0; j < pol->n_clauses; j++) {
            if (strcmp(pol->clauses[j].name, item->keys[0]->text) == 0)
                return load_fail(l, item->keys[0], pi, DX_ERROR_RULES_INVALID,
                                 "clause name “%s” is used twice in this policy", item->keys[0]->text);
        }
        c = &pol->clauses[pol->n_clauses++];
        c->name = g_strdup(item->keys[0]->text);
        pe = g_strdup_printf("%s.%s", pi, c->name);
        c->expr = compile_expr(l, item->values[0], pe, DX_TYPE_BOOL);
        if (c->expr == NULL)
            return FALSE;
        collect_slots(c->expr, &c->slots, &c->n_slots);
    }
    return TRUE;
}

/* Builds rows [[from, value], ...] for table/marginal from a YAML list of
 * two-item lists whose items are constant expressions. */
static DxExprNode *
build_rows(DxLoader *l, const DxYamlNode *rows, const char *path)
{
    g_autoptr(DxExprNode) list = NULL;

    if (!expect_kind(l, rows, path, DX_YAML_SEQ))
        return NULL;
    if (rows->n_items == 0) {
        load_fail(l, rows, path, DX_ERROR_RULES_INVALID, "give at least one row [from, value]");
        return NULL;
    }
    list = dx_expr_node_new(DX_NODE_LIST, 0, rows->col);
    for (guint i = 0; i < rows->n_items; i++) {
        const DxYamlNode *row = rows->values[i];
        g_autofree char *pr = g_strdup_printf("%s[%u]", path, i);
        DxExprNode *r;

        if (!expect_kind(l, row, pr, DX_YAML_SEQ))
            return NULL;
        if (row->n_items != 2) {
            load_fail(l, row, pr, DX_ERROR_RULES_INVALID, "a row is [from, value]");
            return NULL;
        }
        r = dx_expr_node_new(DX_NODE_LIST, 0, row->col);
        dx_expr_node_add_child(list, r);
        for (guint j = 0; j < 2; j++) {
            g_autoptr(GError) err = NULL;
            g_autofree char *pj = g_strdup_printf("%s[%u]", pr, j);
            DxExprNode *v;

            if (!expect_kind(l, row->values[j], pj, DX_YAML_SCALAR))
                return NULL;
            v = dx_expr_parse(row->values[j]->text, (gssize)row->values[j]->len, &l->opts.expr, &err);
            if (v == NULL) {
                expr_fail(l, row->values[j], pj, err);
                return NULL;
            }
            dx_expr_node_add_child(r, v);
            if (v->kind != DX_NODE_CONST) {
                load_fail(l, row->values[j], pj, DX_ERROR_RULES_INVALID, "row values must be constants");
                return NULL;
            }
        }
    }
    return g_steal_pointer(&list);
}

static DxExprNode *
node_call(const char *name, DxExprNode *a, DxExprNode *b)
{
    DxExprNode *n = dx_expr_node_new(DX_NODE_CALL, a->offset, a->col);

    n->name = g_strdup(name);
    dx_expr_node_add_child(n, a);
    dx_expr_node_add_child(n, b);
    return n;
}

static DxExprNode *
node_binary(DxNodeKind kind, DxExprNode *a, DxExprNode *b)
{
    DxExprNode *n = dx_expr_node_new(kind, a->offset, a->col);

    dx_expr_node_add_child(n, a);
    dx_expr_node_add_child(n, b);
    return n;
}

static DxExprNode *
node_const_zero(DxType type)
{
    DxExprNode *n = dx_expr_node_new(DX_NODE_CONST, 0, 1);

    n->value.type = (guint8)type;
    n->value.u.r = dx_rat_int(0);
    return n;
}

/* Parses a sub-expression of an award map (unchecked: the whole tree is
 * checked once assembled; errors there point at the award key). */
static DxExprNode *
award_part(DxLoader *l, const DxYamlNode *form, const char *key, const char *path, DxType expect)
{
    const DxYamlNode *n = dx_yaml_map_lookup(form, key);
    g_autofree char *p = path_join(path, key);

    if (n == NULL) {
        load_fail(l, form, path, DX_ERROR_RULES_INVALID, "missing required key “%s”", key);
        return NULL;
    }
    return compile_expr(l, n, p, expect);
}

static gboolean
load_award(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const fixed_keys[] = { "fixed", NULL };
    static const char *const table_keys[] = { "table", "rows", NULL };
    static const char *const rate_keys[] = { "rate", "of", NULL };
    static const char *const per_keys[] = { "per", "from", "unit", "amount", "base", NULL };
    static const char *const marginal_keys[] = { "marginal", "rows", NULL };
    static const struct {
        const char *key;
        DxAwardForm form;
        const char *const *keys;
    } forms[] = {
        { "fixed", DX_AWARD_FIXED, fixed_keys }, { "table", DX_AWARD_TABLE, table_keys },
        { "rate", DX_AWARD_RATE, rate_keys }, { "per", DX_AWARD_PER, per_keys },
        { "marginal", DX_AWARD_MARGINAL, marginal_keys },
    };
    g_autoptr(DxExprNode) tree = NULL;
    g_autoptr(GError) err = NULL;
    gint which = -1;

    if (n->kind == DX_YAML_SCALAR) {
        pol->form = DX_AWARD_FORMULA;
        pol->award = compile_expr(l, n, path, DX_TYPE_MONEY);
        if (pol->award == NULL)
            return FALSE;
        collect_slots(pol->award, &pol->award_slots, &pol->n_award_slots);
        return TRUE;
    }
    if (!expect_kind(l, n, path, DX_YAML_MAP))
        return FALSE;
    for (guint i = 0; i < n->n_items; i++) {
        for (gsize f = 0; f < G_N_ELEMENTS(forms); f++) {
            if (strcmp(n->keys[i]->text, forms[f].key) != 0)
                continue;
            if (which >= 0)
                return load_fail(l, n->keys[i], path, DX_ERROR_RULES_INVALID,
                                 "an award has exactly one form; found “%s” and “%s”",
                                 forms[which].key, forms[f].key);
            which = (gint)f;
        }
    }
    if (which < 0)
        return load_fail(l, n, path, DX_ERROR_RULES_INVALID,
                         "an award is an expression or a map with one of fixed, table, rate, per, marginal");
    if (!check_keys(l, n, path, forms[which].keys, NULL))
        return FALSE;
    pol->form = forms[which].form;
    switch (pol->form) {
    case DX_AWARD_FIXED:
        tree = award_part(l, n, "fixed", path, DX_TYPE_MONEY);
        break;
    case DX_AWARD_TABLE:
    case DX_AWARD_MARGINAL: {
        const char *key = pol->form == DX_AWARD_TABLE ? "table" : "marginal";
        g_autofree char *pr = path_join(path, "rows");
        DxExprNode *x = award_part(l, n, key, path, pol->form == DX_AWARD_MARGINAL ? DX_TYPE_MONEY : DX_TYPE_NONE);
        DxExprNode *rows;

        if (x == NULL)
            return FALSE;
        if (dx_yaml_map_lookup(n, "rows") == NULL) {
            dx_expr_node_free(x);
            return load_fail(l, n, path, DX_ERROR_RULES_INVALID, "missing required key “rows”");
        }
        rows = build_rows(l, dx_yaml_map_lookup(n, "rows"), pr);
        if (rows == NULL) {
            dx_expr_node_free(x);
            return FALSE;
        }
        pol->award_base = x;
        tree = node_call(key, x, rows);
        if (!dx_expr_check(tree, DX_TYPE_MONEY, loader_lookup_field, l->rs, &err))
            return load_fail(l, dx_yaml_map_lookup(n, "rows"), pr, err->code, "%s",
                             strchr(err->message, ':') ? strchr(err->message, ':') + 2 : err->message);
        break;
    }
    case DX_AWARD_RATE: {
        DxExprNode *rate = award_part(l, n, "rate", path, DX_TYPE_NUMBER), *of;

        if (rate == NULL)
            return FALSE;
        of = award_part(l, n, "of", path, DX_TYPE_MONEY);
        if (of == NULL) {
            dx_expr_node_free(rate);
            return FALSE;
        }
        pol->award_base = of;
        tree = node_binary(DX_NODE_MUL, rate, of);
        tree->type = DX_TYPE_MONEY;
        break;
    }
    case DX_AWARD_PER: {
        /* base + steps(X - from, unit) * amount */
        DxExprNode *x = award_part(l, n, "per", path, DX_TYPE_NONE), *from = NULL, *unit, *amount, *base;

        if (x == NULL)
            return FALSE;
        if (x->type != DX_TYPE_MONEY && x->type != DX_TYPE_NUMBER) {
            dx_expr_node_free(x);
            return load_fail(l, dx_yaml_map_lookup(n, "per"), path, DX_ERROR_EXPR_TYPE,
                             "“per” must be money or a number");
        }
        pol->award_base = x;
        if (dx_yaml_map_lookup(n, "from") != NULL)
            from = award_part(l, n, "from", path, x->type);
        else
            from = node_const_zero(x->type);
        unit = from != NULL ? award_part(l, n, "unit", path, x->type) : NULL;
        amount = unit != NULL ? award_part(l, n, "amount", path, DX_TYPE_MONEY) : NULL;
        base = amount != NULL ? (dx_yaml_map_lookup(n, "base") != NULL
                                     ? award_part(l, n, "base", path, DX_TYPE_MONEY)
                                     : node_const_zero(DX_TYPE_MONEY))
                              : NULL;
        if (base == NULL) {
            dx_expr_node_free(x);
            dx_expr_node_free(from);
            dx_expr_node_free(unit);
            dx_expr_node_free(amount);
            return FALSE;
        }
        tree = node_binary(DX_NODE_ADD, base,
                           node_binary(DX_NODE_MUL,
                                       node_call("steps", node_binary(DX_NODE_SUB, x, from), unit),
                                       amount));
        break;
    }
    case DX_AWARD_FORMULA:
        g_assert_not_reached();
    }
    if (tree == NULL)
        return FALSE;
    /* the assembled tree is re-checked as a whole so its types are set */
    if (!dx_expr_check(tree, DX_TYPE_MONEY, loader_lookup_field, l->rs, &err))
        return load_fail(l, n, path, err->code, "%s", err->message);
    pol->award = g_steal_pointer(&tree);
    collect_slots(pol->award, &pol->award_slots, &pol->n_award_slots);
    return TRUE;
}

static gboolean
load_installments(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "share", "amount", "rest", "at", "after", NULL };
    DxRat total = dx_rat_int(0);

    if (!expect_kind(l, n, path, DX_YAML_SEQ))
        return FALSE;
    if (n->n_items == 0)
        return load_fail(l, n, path, DX_ERROR_RULES_INVALID, "give at least one installment, or leave installments out");
    pol->installments = g_new0(DxInstallment, n->n_items);
    pol->n_installments = n->n_items;
    for (guint i = 0; i < n->n_items; i++) {
        const DxYamlNode *it = n->values[i], *share, *amount, *rest, *at, *after;
        DxInstallment *ins = &pol->installments[i];
        g_autofree char *pi = g_strdup_printf("%s[%u]", path, i);
        gboolean is_share;

        if (!expect_kind(l, it, pi, DX_YAML_MAP) || !check_keys(l, it, pi, keys, NULL))
            return FALSE;
        share = dx_yaml_map_lookup(it, "share");
        amount = dx_yaml_map_lookup(it, "amount");
        rest = dx_yaml_map_lookup(it, "rest");
        at = dx_yaml_map_lookup(it, "at");
        after = dx_yaml_map_lookup(it, "after");
        if ((share != NULL) + (amount != NULL) + (rest != NULL) != 1)
            return load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "an installment has exactly one of share, amount or rest: true");
        is_share = share != NULL;
        if (i == 0)
            pol->installments_by_share = is_share;
        else if (is_share != pol->installments_by_share)
            return load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "installments either all have share or all have amount");
        if (share != NULL) {
            DxValue v;
            g_autofree char *ps = path_join(pi, "share");

            if (!eval_constant(l, share, ps, DX_TYPE_NUMBER, &v))
                return FALSE;
            if (dx_rat_sign(v.u.r) <= 0 || dx_rat_cmp(v.u.r, dx_rat_int(1)) > 0)
                return load_fail(l, share, ps, DX_ERROR_RULES_INVALID, "a share is in (0, 100%%]");
            ins->share = v.u.r;
            dx_rat_add(total, v.u.r, &total);
        } else if (amount != NULL) {
            g_autofree char *pa = path_join(pi, "amount");

            if (!const_money(l, amount, pa, 1, &ins->amount_fen))
                return FALSE;
        } else {
            gboolean r = FALSE;   /* parse_bool() sets it unless it fails */
            g_autofree char *pr = path_join(pi, "rest");

            if (!parse_bool(l, rest, pr, &r))
                return FALSE;
            if (!r || i + 1 != n->n_items)
                return load_fail(l, rest, pr, DX_ERROR_RULES_INVALID,
                                 "only the last installment may be {rest: true}");
            if (i == 0)
                return load_fail(l, rest, pr, DX_ERROR_RULES_INVALID,
                                 "{rest: true} follows installments with amounts");
            ins->rest = TRUE;
            pol->installments_by_share = FALSE;
        }
        if ((at != NULL) == (after != NULL))
            return load_fail(l, it, pi, DX_ERROR_RULES_INVALID,
                             "an installment has exactly one timing: at: approval, at: YYYY-MM-DD or after: N months");
        if (at != NULL) {
            g_autofree char *pa = path_join(pi, "at");

            if (!expect_kind(l, at, pa, DX_YAML_SCALAR))
                return FALSE;
            if (strcmp(at->text, "approval") == 0) {
                ins->timing = DX_TIMING_APPROVAL;
            } else if (dx_date_parse(at->text, at->len, &ins->date)) {
                ins->timing = DX_TIMING_DATE;
            } else {
                return load_fail(l, at, pa, DX_ERROR_RULES_INVALID,
                                 "expected “approval” or a real date YYYY-MM-DD, found “%s”", at->text);
            }
        } else {
            g_autofree char *pa = path_join(pi, "after");
            char *end = NULL;
            guint64 months;

            if (!expect_kind(l, after, pa, DX_YAML_SCALAR))
                return FALSE;
            if (!g_ascii_isdigit(after->text[0]) ||
                (months = g_ascii_strtoull(after->text, &end, 10)) > 1200 ||
                (strcmp(end, " months") != 0 && strcmp(end, " month") != 0))
                return load_fail(l, after, pa, DX_ERROR_RULES_INVALID,
                                 "expected “N months” (N from 0 to 1200), found “%s”", after->text);
            ins->timing = DX_TIMING_AFTER_MONTHS;
            ins->months = (int)months;
        }
    }
    if (pol->installments_by_share && dx_rat_cmp(total, dx_rat_int(1)) != 0) {
        g_autofree char *s = NULL;
        DxRat pct;

        dx_rat_mul(total, dx_rat_int(100), &pct);
        s = dx_rat_to_string(pct);
        return load_fail(l, n, path, DX_ERROR_RULES_INVALID, "shares sum to %s%%, not exactly 100%%", s);
    }
    return TRUE;
}

static gboolean
load_policy(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path)
{
    static const char *const keys[] = { "id", "name", "bureau", "basis", "window", "eligible", "award",
                                        "cap", "fund_share", "group", "once", "per_enterprise_cap",
                                        "priority", "installments", NULL };
    static const char *const required[] = { "id", "name", "bureau", "basis", "award", NULL };
    const DxYamlNode *v;
    gint b;

    if (!expect_kind(l, n, path, DX_YAML_MAP) || !check_keys(l, n, path, keys, required))
        return FALSE;
    v = dx_yaml_map_lookup(n, "id");
    {
        g_autofree char *p = path_join(path, "id");

        if (!expect_kind(l, v, p, DX_YAML_SCALAR) || !check_key_name(l, v, p, "policy"))
            return FALSE;
        if (dx_ruleset_find_policy(l->rs, v->text) >= 0)
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID, "policy id “%s” is used twice", v->text);
        pol->id = g_strdup(v->text);
    }
    if (!parse_text(l, n, "name", path, &pol->name) || !parse_text(l, n, "basis", path, &pol->basis))
        return FALSE;
    v = dx_yaml_map_lookup(n, "bureau");
    {
        g_autofree char *p = path_join(path, "bureau");

        if (!expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        b = find_bureau(l->rs, v->text);
        if (b < 0)
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID, "“%s” is not a declared bureau", v->text);
        if (l->rs->bureaus[b].envelope < 0)
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                             "bureau “%s” has no envelope in fund.envelopes", v->text);
        pol->bureau = (guint)b;
    }
    if ((v = dx_yaml_map_lookup(n, "window")) != NULL) {
        g_autofree char *p = path_join(path, "window");

        if (!parse_period(l, v, p, FALSE, &pol->has_from, &pol->window_from, &pol->has_to, &pol->window_to))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "eligible")) != NULL) {
        g_autofree char *p = path_join(path, "eligible");

        if (!load_clauses(l, pol, v, p))
            return FALSE;
    }
    {
        g_autofree char *p = path_join(path, "award");

        if (!load_award(l, pol, dx_yaml_map_lookup(n, "award"), p))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "cap")) != NULL) {
        g_autofree char *p = path_join(path, "cap");

        pol->cap = compile_expr(l, v, p, DX_TYPE_MONEY);
        if (pol->cap == NULL)
            return FALSE;
        collect_slots(pol->cap, &pol->cap_slots, &pol->n_cap_slots);
    }
    pol->fund_share = dx_rat_int(1);
    if ((v = dx_yaml_map_lookup(n, "fund_share")) != NULL) {
        g_autofree char *p = path_join(path, "fund_share");
        DxValue share;

        if (!eval_constant(l, v, p, DX_TYPE_NUMBER, &share))
            return FALSE;
        if (dx_rat_sign(share.u.r) <= 0 || dx_rat_cmp(share.u.r, dx_rat_int(1)) > 0)
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID, "fund_share is in (0, 100%%]");
        pol->fund_share = share.u.r;
    }
    pol->group = -1;
    if ((v = dx_yaml_map_lookup(n, "group")) != NULL) {
        g_autofree char *p = path_join(path, "group");

        if (!expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        pol->group = find_group(l->rs, v->text);
        if (pol->group < 0)
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID, "“%s” is not a declared group", v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "once")) != NULL) {
        g_autofree char *p = path_join(path, "once");

        if (!parse_bool(l, v, p, &pol->once))
            return FALSE;
    }
    if ((v = dx_yaml_map_lookup(n, "per_enterprise_cap")) != NULL) {
        g_autofree char *p = path_join(path, "per_enterprise_cap");

        if (!const_money(l, v, p, 1, &pol->enterprise_cap_fen))
            return FALSE;
        pol->has_enterprise_cap = TRUE;
    }
    if ((v = dx_yaml_map_lookup(n, "priority")) != NULL) {
        g_autofree char *p = path_join(path, "priority");
        g_autoptr(GError) err = NULL;

        if (!expect_kind(l, v, p, DX_YAML_SCALAR))
            return FALSE;
        if (!g_ascii_string_to_signed(v->text, 10, -1000000000, 1000000000, &pol->priority, &err))
            return load_fail(l, v, p, DX_ERROR_RULES_INVALID,
                             "expected a whole number (higher is served first), found “%s”", v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "installments")) != NULL) {
        g_autofree char *p = path_join(path, "installments");

        if (!load_installments(l, pol, v, p))
            return FALSE;
    } else {
        pol->installments = g_new0(DxInstallment, 1);
        pol->installments[0].share = dx_rat_int(1);
        pol->installments[0].timing = DX_TIMING_APPROVAL;
        pol->n_installments = 1;
        pol->installments_by_share = TRUE;
    }
    return TRUE;
}

static gboolean
load_policies(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;

    if (!expect_kind(l, n, "policies", DX_YAML_SEQ))
        return FALSE;
    if (n->n_items == 0)
        return load_fail(l, n, "policies", DX_ERROR_RULES_INVALID, "declare at least one policy");
    if (n->n_items > l->opts.max_policies)
        return load_fail(l, n, "policies", DX_ERROR_LIMIT, "more than %u policies", l->opts.max_policies);
    rs->policies = g_new0(DxPolicy, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        g_autofree char *p = g_strdup_printf("policies[%u]", i);
        DxPolicy *pol = &rs->policies[rs->n_policies++];

        if (!load_policy(l, pol, n->values[i], p))
            return FALSE;
        g_hash_table_insert(rs->policy_by_id, pol->id, GUINT_TO_POINTER(i + 1));
    }
    return TRUE;
}

gboolean
dx_ruleset_load_yaml(DxRuleset *self, const char *data, gsize len, const DxLoadOptions *options,
                     GError **error)
{
    static const char *const keys[] = { "format", "fund", "bureaus", "fields", "groups", "policies", NULL };
    static const char *const required[] = { "format", "fund", "bureaus", "fields", "policies", NULL };
    DxLoader l = { .rs = self, .file = self->source_name, .data = data, .len = len, .error = error };
    g_autoptr(DxYamlDoc) doc = NULL;
    const DxYamlNode *root, *fmt, *groups;

    dx_load_options_resolve(options, &l.opts);
    doc = dx_yaml_parse(self->source_name, data, len, &l.opts.yaml, error);
    if (doc == NULL)
        return FALSE;
    root = dx_yaml_doc_get_root(doc);
    if (root == NULL)
        return load_fail(&l, NULL, "", DX_ERROR_RULES_INVALID, "the ruleset is empty");
    if (!expect_kind(&l, root, "", DX_YAML_MAP) || !check_keys(&l, root, "", keys, required))
        return FALSE;
    fmt = dx_yaml_map_lookup(root, "format");
    if (!expect_kind(&l, fmt, "format", DX_YAML_SCALAR))
        return FALSE;
    if (strcmp(fmt->text, "duixian/1") != 0)
        return load_fail(&l, fmt, "format", DX_ERROR_RULES_INVALID,
                         "unsupported format “%s” (this engine reads duixian/1)", fmt->text);
    if (!load_bureaus(&l, dx_yaml_map_lookup(root, "bureaus")) ||
        !load_fields(&l, dx_yaml_map_lookup(root, "fields")))
        return FALSE;
    groups = dx_yaml_map_lookup(root, "groups");
    if (groups != NULL && !load_groups(&l, groups))
        return FALSE;
    if (!load_fund(&l, dx_yaml_map_lookup(root, "fund")) ||
        !load_policies(&l, dx_yaml_map_lookup(root, "policies")))
        return FALSE;
    return TRUE;
}

/* ---- the public entry points ---- */

static DxRuleset *
ruleset_load(const char *name, const char *data, gsize len, const DxLoadOptions *options,
             GError **error)
{
    g_autoptr(DxRuleset) self = dx_ruleset_new_empty(name);

    self->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    if (!dx_ruleset_load_yaml(self, data, len, options, error))
        return NULL;
    return g_steal_pointer(&self);
}

DxRuleset *
dx_ruleset_load_file(const char *path, const DxLoadOptions *options, GError **error)
{
    DxLoadOptions opts;
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) io_error = NULL;
    GStatBuf st;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    dx_load_options_resolve(options, &opts);
    /* check the size before reading, so a huge file is refused cheaply */
    if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > opts.yaml.max_input_bytes) {
        g_set_error(error, DX_ERROR, DX_ERROR_LIMIT, "%s:1:1: file is larger than %" G_GSIZE_FORMAT " bytes",
                    path, opts.yaml.max_input_bytes);
        return NULL;
    }
    if (!g_file_get_contents(path, &data, &len, &io_error)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", path, io_error->message);
        return NULL;
    }
    return ruleset_load(path, data, len, &opts, error);
}

DxRuleset *
dx_ruleset_load_data(const char *data, gssize len, const char *name, const DxLoadOptions *options,
                     GError **error)
{
    DxLoadOptions opts;

    g_return_val_if_fail(data != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    dx_load_options_resolve(options, &opts);
    return ruleset_load(name != NULL ? name : "<rules>", data, len < 0 ? strlen(data) : (gsize)len,
                        &opts, error);
}
